-- Sessions, API tokens, second factors, case messages and attachments.

ALTER TABLE users ADD COLUMN mfa_enabled INTEGER NOT NULL DEFAULT 0;
-- Permission to read restricted proof-of-concept material (REG-9.4, REG-11.1).
ALTER TABLE users ADD COLUMN poc_access INTEGER NOT NULL DEFAULT 0;

-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    csrf_token    TEXT NOT NULL,
    mfa_passed    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Bearer tokens for scripts. Only the SHA-256 of a token is stored.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    expires_at    INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The per-case conversation. `audience` says who besides staff may read a message.
CREATE TABLE case_messages (
    id          INTEGER PRIMARY KEY,
    case_pk     INTEGER NOT NULL REFERENCES cases (id),
    author_id   INTEGER NOT NULL REFERENCES users (id),
    audience    TEXT NOT NULL CHECK (audience IN ('all', 'staff', 'vendor', 'reporter')),
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_pk, id);

-- Restricted attachments (PoC material). Content lives in the data directory, addressed by its
-- SHA-256; this table says which case it belongs to and who uploaded it.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    case_pk       INTEGER NOT NULL REFERENCES cases (id),
    report_id     INTEGER REFERENCES reports (id),
    sha256        TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    uploaded_by   INTEGER NOT NULL REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_pk);
