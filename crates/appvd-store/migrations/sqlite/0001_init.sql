-- appvd schema, SQLite dialect. Timestamps are INTEGER microseconds since the Unix epoch (UTC).
-- The PostgreSQL migration of the same number creates the same tables.

CREATE TABLE orgs (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('vendor', 'operator', 'support_unit', 'coordinator')),
    jurisdiction  TEXT NOT NULL CHECK (jurisdiction IN ('domestic', 'overseas')),
    created_at    INTEGER NOT NULL
);

CREATE TABLE security_contacts (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    email       TEXT NOT NULL,
    verified    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, email)
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    roles          TEXT NOT NULL,
    org_id         INTEGER REFERENCES orgs (id),
    jurisdiction   TEXT NOT NULL CHECK (jurisdiction IN ('domestic', 'overseas')),
    mfa_secret     TEXT,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);

CREATE TABLE products (
    id                   INTEGER PRIMARY KEY,
    vendor_org_id        INTEGER NOT NULL REFERENCES orgs (id),
    name                 TEXT NOT NULL,
    platform             TEXT NOT NULL,
    package_id           TEXT NOT NULL,
    store_url            TEXT,
    signing_cert_sha256  TEXT,
    created_at           INTEGER NOT NULL,
    UNIQUE (platform, package_id)
);

CREATE TABLE case_counters (
    prefix    TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- The whole case lives in `data` (JSON of the domain type); the other columns are copies kept for
-- filtering, joining and sorting.
CREATE TABLE cases (
    id             INTEGER PRIMARY KEY,
    case_id        TEXT NOT NULL UNIQUE,
    version        INTEGER NOT NULL,
    case_type      TEXT NOT NULL,
    state          TEXT NOT NULL,
    title          TEXT NOT NULL,
    product_id     INTEGER REFERENCES products (id),
    vendor_org_id  INTEGER REFERENCES orgs (id),
    reporter_id    INTEGER REFERENCES users (id),
    assignee_id    INTEGER REFERENCES users (id),
    platform       TEXT,
    grade          TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    published_at   INTEGER,
    data           TEXT NOT NULL
);
CREATE INDEX cases_state ON cases (state, updated_at);
CREATE INDEX cases_vendor ON cases (vendor_org_id);
CREATE INDEX cases_reporter ON cases (reporter_id);
CREATE INDEX cases_published ON cases (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX cases_updated ON cases (updated_at);

-- Search tokens produced by appvd-domain's search module (CJK bigrams, lowercased words).
-- `internal` is for staff; `public` is filled only once a case is published and holds only the
-- advisory's public fields. rowid = cases.id.
CREATE VIRTUAL TABLE case_search USING fts5 (internal, public, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    case_pk            INTEGER NOT NULL REFERENCES cases (id),
    reporter_id        INTEGER REFERENCES users (id),
    channel            TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    steps              TEXT,
    affected_versions  TEXT NOT NULL,
    case_type          TEXT NOT NULL,
    cvss_vector        TEXT,
    poc                TEXT,
    tracking_code      TEXT NOT NULL UNIQUE,
    received_at        INTEGER NOT NULL
);
CREATE INDEX reports_case ON reports (case_pk);

-- Heads of the hash chains (case events, receipts): the row is the lock that orders appends.
CREATE TABLE chain_heads (
    chain  TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL,
    hash   BLOB NOT NULL
);

CREATE TABLE case_events (
    seq         INTEGER PRIMARY KEY,
    case_pk     INTEGER NOT NULL REFERENCES cases (id),
    case_id     TEXT NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    kind        TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT,
    detail      TEXT NOT NULL,
    prev_hash   BLOB NOT NULL,
    hash        BLOB NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_pk, seq);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'APPVD-EVENT-LOG: case events are append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'APPVD-EVENT-LOG: case events are append-only'); END;

-- The receipt log of Art. 5 (REG-5.1, REG-5.2).
CREATE TABLE receipts (
    seq             INTEGER PRIMARY KEY,
    received_at     INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    reporter_id     INTEGER,
    sender          TEXT,
    content_sha256  TEXT NOT NULL,
    size            INTEGER NOT NULL,
    case_id         TEXT NOT NULL,
    prev_hash       BLOB NOT NULL,
    hash            BLOB NOT NULL
);
CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'REG-5.1: receipt-log entries are append-only'); END;
-- The legal floor, whatever the application's policy says: 183 days in microseconds.
CREATE TRIGGER receipts_retention BEFORE DELETE ON receipts
WHEN CAST(strftime('%s', 'now') AS INTEGER) * 1000000 - OLD.received_at < 183 * 86400 * 1000000
BEGIN SELECT RAISE(ABORT, 'REG-5.2: receipt-log entries may not be deleted before 183 days'); END;

-- Reads of unpublished material, exports, administrative changes (REG-11.4).
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'REG-11.4: the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'REG-11.4: the audit log is append-only'); END;

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

INSERT INTO chain_heads (chain, seq, hash) VALUES ('events', 0, zeroblob(32)), ('receipts', 0, zeroblob(32));
