-- Sessions, API tokens, second factors, case messages and attachments.

ALTER TABLE users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT FALSE;
-- Permission to read restricted proof-of-concept material (REG-9.4, REG-11.1).
ALTER TABLE users ADD COLUMN poc_access BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    csrf_token    TEXT NOT NULL,
    mfa_passed    BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE case_messages (
    id          BIGSERIAL PRIMARY KEY,
    case_pk     BIGINT NOT NULL REFERENCES cases (id),
    author_id   BIGINT NOT NULL REFERENCES users (id),
    audience    TEXT NOT NULL CHECK (audience IN ('all', 'staff', 'vendor', 'reporter')),
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_pk, id);

CREATE TABLE attachments (
    id            BIGSERIAL PRIMARY KEY,
    case_pk       BIGINT NOT NULL REFERENCES cases (id),
    report_id     BIGINT REFERENCES reports (id),
    sha256        TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    uploaded_by   BIGINT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_pk);
