-- appvd schema, PostgreSQL dialect. The SQLite migration of the same number creates the same tables.

CREATE TABLE orgs (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('vendor', 'operator', 'support_unit', 'coordinator')),
    jurisdiction  TEXT NOT NULL CHECK (jurisdiction IN ('domestic', 'overseas')),
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE security_contacts (
    id          BIGSERIAL PRIMARY KEY,
    org_id      BIGINT NOT NULL REFERENCES orgs (id),
    email       TEXT NOT NULL,
    verified    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (org_id, email)
);

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    roles          TEXT NOT NULL,
    org_id         BIGINT REFERENCES orgs (id),
    jurisdiction   TEXT NOT NULL CHECK (jurisdiction IN ('domestic', 'overseas')),
    mfa_secret     TEXT,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE products (
    id                   BIGSERIAL PRIMARY KEY,
    vendor_org_id        BIGINT NOT NULL REFERENCES orgs (id),
    name                 TEXT NOT NULL,
    platform             TEXT NOT NULL,
    package_id           TEXT NOT NULL,
    store_url            TEXT,
    signing_cert_sha256  TEXT,
    created_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (platform, package_id)
);

CREATE TABLE case_counters (
    prefix    TEXT NOT NULL,
    year      BIGINT NOT NULL,
    last_seq  BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id             BIGSERIAL PRIMARY KEY,
    case_id        TEXT NOT NULL UNIQUE,
    version        BIGINT NOT NULL,
    case_type      TEXT NOT NULL,
    state          TEXT NOT NULL,
    title          TEXT NOT NULL,
    product_id     BIGINT REFERENCES products (id),
    vendor_org_id  BIGINT REFERENCES orgs (id),
    reporter_id    BIGINT REFERENCES users (id),
    assignee_id    BIGINT REFERENCES users (id),
    platform       TEXT,
    grade          TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    published_at   TIMESTAMPTZ,
    data           JSONB NOT NULL,
    -- Search tokens produced by appvd-domain's search module, written as tsvector literals so that
    -- PostgreSQL's parser (which does not segment Chinese) never sees the text.
    search_internal  TSVECTOR NOT NULL DEFAULT ''::tsvector,
    search_public    TSVECTOR NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX cases_state ON cases (state, updated_at);
CREATE INDEX cases_vendor ON cases (vendor_org_id);
CREATE INDEX cases_reporter ON cases (reporter_id);
CREATE INDEX cases_published ON cases (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX cases_updated ON cases (updated_at);
CREATE INDEX cases_search_internal ON cases USING GIN (search_internal);
CREATE INDEX cases_search_public ON cases USING GIN (search_public);

CREATE TABLE reports (
    id                 BIGSERIAL PRIMARY KEY,
    case_pk            BIGINT NOT NULL REFERENCES cases (id),
    reporter_id        BIGINT REFERENCES users (id),
    channel            TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    steps              TEXT,
    affected_versions  TEXT NOT NULL,
    case_type          TEXT NOT NULL,
    cvss_vector        TEXT,
    poc                TEXT,
    tracking_code      TEXT NOT NULL UNIQUE,
    received_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX reports_case ON reports (case_pk);

CREATE TABLE chain_heads (
    chain  TEXT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   BYTEA NOT NULL
);

CREATE TABLE case_events (
    seq         BIGINT PRIMARY KEY,
    case_pk     BIGINT NOT NULL REFERENCES cases (id),
    case_id     TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT,
    kind        TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT,
    detail      TEXT NOT NULL,
    prev_hash   BYTEA NOT NULL,
    hash        BYTEA NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_pk, seq);

CREATE FUNCTION appvd_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;

CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
FOR EACH ROW EXECUTE FUNCTION appvd_refuse_change('APPVD-EVENT-LOG: case events are append-only');
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
FOR EACH STATEMENT EXECUTE FUNCTION appvd_refuse_change('APPVD-EVENT-LOG: case events are append-only');

CREATE TABLE receipts (
    seq             BIGINT PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    channel         TEXT NOT NULL,
    reporter_id     BIGINT,
    sender          TEXT,
    content_sha256  TEXT NOT NULL,
    size            BIGINT NOT NULL,
    case_id         TEXT NOT NULL,
    prev_hash       BYTEA NOT NULL,
    hash            BYTEA NOT NULL
);
CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
FOR EACH ROW EXECUTE FUNCTION appvd_refuse_change('REG-5.1: receipt-log entries are append-only');

CREATE FUNCTION appvd_receipt_retention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF now() - OLD.received_at < INTERVAL '183 days' THEN
        RAISE EXCEPTION 'REG-5.2: receipt-log entries may not be deleted before 183 days';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER receipts_retention BEFORE DELETE ON receipts
FOR EACH ROW EXECUTE FUNCTION appvd_receipt_retention();
CREATE TRIGGER receipts_no_truncate BEFORE TRUNCATE ON receipts
FOR EACH STATEMENT EXECUTE FUNCTION appvd_refuse_change('REG-5.2: the receipt log cannot be truncated');

CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor_id  BIGINT,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION appvd_refuse_change('REG-11.4: the audit log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION appvd_refuse_change('REG-11.4: the audit log is append-only');

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

INSERT INTO chain_heads (chain, seq, hash) VALUES
    ('events', 0, decode(repeat('00', 32), 'hex')),
    ('receipts', 0, decode(repeat('00', 32), 'hex'));
