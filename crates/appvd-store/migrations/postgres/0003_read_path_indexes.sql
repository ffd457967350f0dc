-- Indexes for the read paths a visitor or a staff member hits on every page, so that none of them
-- scans `cases` at 100,000 cases. Each list query in src/cases.rs names the index it walks.
-- The SQLite migration of the same number creates the same indexes.
--
-- Every index that serves an `ORDER BY <column> DESC, id DESC` ends with `id`, so the index order
-- is the page order and a page is read without a sort (SQLite appends the rowid to index entries
-- anyway; PostgreSQL needs it spelled out, and both migrations say the same thing).

-- Public advisory list, newest first: one partial index per filter combination (published rows
-- only), so that both the page and its exact total are index-only range scans.
DROP INDEX cases_published;
CREATE INDEX cases_public ON cases (published_at, id) WHERE published_at IS NOT NULL;
CREATE INDEX cases_public_grade ON cases (grade, published_at, id) WHERE published_at IS NOT NULL;
CREATE INDEX cases_public_platform ON cases (platform, published_at, id) WHERE published_at IS NOT NULL;
CREATE INDEX cases_public_grade_platform ON cases (grade, platform, published_at, id)
    WHERE published_at IS NOT NULL;
-- Incremental sync (modified_since): a range over updated_at, covering the other filters and the
-- sort key, so that only the rows in the range are read and sorted.
CREATE INDEX cases_public_updated ON cases (updated_at, grade, platform, published_at, id)
    WHERE published_at IS NOT NULL;

-- Case queues, newest change first: analysts (by state), vendors, reporters, assignees, products.
DROP INDEX cases_state;
CREATE INDEX cases_state ON cases (state, updated_at, id);
DROP INDEX cases_updated;
CREATE INDEX cases_updated ON cases (updated_at, id);
DROP INDEX cases_vendor;
CREATE INDEX cases_vendor ON cases (vendor_org_id, updated_at, id);
DROP INDEX cases_reporter;
CREATE INDEX cases_reporter ON cases (reporter_id, updated_at, id);
CREATE INDEX cases_assignee ON cases (assignee_id, updated_at, id);
CREATE INDEX cases_product ON cases (product_id, updated_at, id);

-- A case's timeline is read by its case id (the case page).
CREATE INDEX case_events_case_id ON case_events (case_id, seq);

-- The audit entries of one target, newest first.
CREATE INDEX audit_log_target ON audit_log (target, id);
