//! The SQL of the per-page read paths (public advisory list and search, staff search, case queues),
//! one `&'static str` per filter combination.
//!
//! Why constants per combination rather than one statement with `($n IS NULL OR col = $n)`
//! guards: neither planner can use an index for a guarded predicate (SQLite plans once for any
//! value, PostgreSQL's generic plan does too), so the old single statements scanned `cases` and
//! counted with a second scan. Here the predicate that should drive the plan is always written
//! plainly and matches an index of migration 0003; guarded predicates remain only as residual
//! filters on rows the index already selected.
//!
//! Pages use a late row lookup: an inner query picks the page's ids from an index (or ranks the
//! full-text hits) and only those rows are joined back to read the `data` JSON, so neither
//! database carries the JSON of skipped or unranked rows through its sort or its OFFSET.

/// A page statement and the statement counting all its matches (same parameters, without the
/// trailing LIMIT and OFFSET). The search pages also have a last column for the number of all
/// matches: on PostgreSQL `COUNT(*) OVER ()`, taken while ranking (which visits every match
/// anyway), so that the count statement runs only for a page past the last match and the heap
/// is not scanned twice; on SQLite NULL, because FTS5 refuses `bm25()` next to a window function
/// and the nested form measured slower than the separate count over the full-text index.
pub(crate) struct Paged {
    pub page: &'static str,
    pub count: &'static str,
}

/// Public advisory list, newest first, without a text query.
/// Parameters: the present filters in the order grade, platform; then LIMIT, OFFSET.
macro_rules! public_list {
    ($where:literal, $limit:literal, totals: $totals:literal) => {
        Paged {
            count: concat!(
                "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM public_counts",
                $totals
            ),
            ..public_list!($where, $limit)
        }
    };
    ($where:literal, $limit:literal) => {
        Paged {
            page: concat!(
                "SELECT c.data FROM (SELECT id, published_at FROM cases WHERE published_at IS NOT NULL",
                $where,
                " ORDER BY published_at DESC, id DESC LIMIT ",
                $limit,
                ") p JOIN cases c ON c.id = p.id ORDER BY p.published_at DESC, p.id DESC"
            ),
            count: concat!(
                "SELECT COUNT(*) FROM cases WHERE published_at IS NOT NULL",
                $where
            ),
        }
    };
}

/// Index `cases_public`; the total from `public_counts` (migration 0004).
pub(crate) const PUBLIC_ALL: Paged = public_list!("", "$1 OFFSET $2", totals: "");
/// Index `cases_public_grade`; the total from `public_counts`.
pub(crate) const PUBLIC_GRADE: Paged =
    public_list!(" AND grade = $1", "$2 OFFSET $3", totals: " WHERE grade = $1");
/// Index `cases_public_platform`; the total from `public_counts`.
pub(crate) const PUBLIC_PLATFORM: Paged =
    public_list!(" AND platform = $1", "$2 OFFSET $3", totals: " WHERE platform = $1");
/// Index `cases_public_grade_platform`; the total from `public_counts`.
pub(crate) const PUBLIC_GRADE_PLATFORM: Paged = public_list!(
    " AND grade = $1 AND platform = $2",
    "$3 OFFSET $4",
    totals: " WHERE grade = $1 AND platform = $2"
);
/// Incremental sync: index `cases_public_updated` (a range over updated_at that also covers grade,
/// platform and the sort key). Grade and platform stay guarded so that the planners keep the
/// range as the driving predicate.
/// Parameters: since, grade, platform, LIMIT, OFFSET.
pub(crate) const PUBLIC_SINCE: Paged = public_list!(
    " AND updated_at >= $1 AND ($2 IS NULL OR grade = $2) AND ($3 IS NULL OR platform = $3)",
    "$4 OFFSET $5"
);

/// Public search on SQLite: the FTS5 hits are ranked by bm25 on their row ids alone, then the
/// page's rows are read. Parameters: MATCH expression, grade, platform, since, LIMIT, OFFSET.
pub(crate) const PUBLIC_SEARCH_SQLITE: Paged = Paged {
    page: "SELECT c.data, NULL AS total FROM (SELECT case_search.rowid AS id, bm25(case_search) AS score \
           FROM case_search JOIN cases m ON m.id = case_search.rowid \
           WHERE case_search MATCH $1 AND m.published_at IS NOT NULL AND ($2 IS NULL OR m.grade = $2) \
           AND ($3 IS NULL OR m.platform = $3) AND ($4 IS NULL OR m.updated_at >= $4) \
           ORDER BY score, id DESC LIMIT $5 OFFSET $6) p JOIN cases c ON c.id = p.id ORDER BY p.score, p.id DESC",
    count: "SELECT COUNT(*) FROM case_search JOIN cases m ON m.id = case_search.rowid \
            WHERE case_search MATCH $1 AND m.published_at IS NOT NULL AND ($2 IS NULL OR m.grade = $2) \
            AND ($3 IS NULL OR m.platform = $3) AND ($4 IS NULL OR m.updated_at >= $4)",
};

/// Public search on PostgreSQL (GIN index `cases_search_public`), same parameters. Ranked by
/// `ts_rank` (term frequency, like SQLite's bm25) rather than `ts_rank_cd`: the cover-density rank
/// reads every match's positions and cost 25 of 43 ms per query for a term matching 12,500 of
/// 100,000 cases, against 7 ms for `ts_rank`.
pub(crate) const PUBLIC_SEARCH_POSTGRES: Paged = Paged {
    page: "SELECT c.data, p.total FROM (SELECT id, ts_rank(search_public, CAST($1 AS tsquery)) AS score, \
           COUNT(*) OVER () AS total FROM cases \
           WHERE search_public @@ CAST($1 AS tsquery) AND published_at IS NOT NULL AND ($2 IS NULL OR grade = $2) \
           AND ($3 IS NULL OR platform = $3) AND ($4 IS NULL OR updated_at >= $4) \
           ORDER BY score DESC, id DESC LIMIT $5 OFFSET $6) p JOIN cases c ON c.id = p.id ORDER BY p.score DESC, p.id DESC",
    count: "SELECT COUNT(*) FROM cases WHERE search_public @@ CAST($1 AS tsquery) AND published_at IS NOT NULL \
            AND ($2 IS NULL OR grade = $2) AND ($3 IS NULL OR platform = $3) AND ($4 IS NULL OR updated_at >= $4)",
};

/// Staff search on SQLite. Parameters: MATCH expression, LIMIT, OFFSET.
pub(crate) const STAFF_SEARCH_SQLITE: Paged = Paged {
    page: "SELECT c.id, c.version, c.data, NULL AS total FROM (SELECT rowid AS id, bm25(case_search) AS score \
           FROM case_search WHERE case_search MATCH $1 ORDER BY score, id DESC LIMIT $2 OFFSET $3) p \
           JOIN cases c ON c.id = p.id ORDER BY p.score, p.id DESC",
    count: "SELECT COUNT(*) FROM case_search WHERE case_search MATCH $1",
};

/// Staff search on PostgreSQL (GIN index `cases_search_internal`), same parameters.
pub(crate) const STAFF_SEARCH_POSTGRES: Paged = Paged {
    page: "SELECT c.id, c.version, c.data, p.total FROM (SELECT id, ts_rank(search_internal, CAST($1 AS tsquery)) AS score, \
           COUNT(*) OVER () AS total FROM cases WHERE search_internal @@ CAST($1 AS tsquery) ORDER BY score DESC, id DESC LIMIT $2 OFFSET $3) p \
           JOIN cases c ON c.id = p.id ORDER BY p.score DESC, p.id DESC",
    count: "SELECT COUNT(*) FROM cases WHERE search_internal @@ CAST($1 AS tsquery)",
};

/// Duplicate candidates on SQLite (no paging). Parameters: MATCH expression, LIMIT.
pub(crate) const ANY_SEARCH_SQLITE: &str = "SELECT c.id, c.version, c.data FROM (SELECT rowid AS id, bm25(case_search) AS score \
     FROM case_search WHERE case_search MATCH $1 ORDER BY score, id DESC LIMIT $2) p \
     JOIN cases c ON c.id = p.id ORDER BY p.score, p.id DESC";

/// Duplicate candidates on PostgreSQL, same parameters.
pub(crate) const ANY_SEARCH_POSTGRES: &str = "SELECT c.id, c.version, c.data FROM (SELECT id, ts_rank(search_internal, CAST($1 AS tsquery)) AS score \
     FROM cases WHERE search_internal @@ CAST($1 AS tsquery) ORDER BY score DESC, id DESC LIMIT $2) p \
     JOIN cases c ON c.id = p.id ORDER BY p.score DESC, p.id DESC";

/// Number of state parameters of the queue statements: one per `CaseState`, so any set fits;
/// unused slots are bound to NULL (which `IN` never matches).
pub(crate) const STATE_SLOTS: usize = 15;

/// Case queues, newest change first. The driving predicate comes first and matches an index;
/// every filter is also applied as a guarded residual, so each statement takes the same
/// parameters: vendor, reporter, assignee, case type, product, "states given" (0 or 1), 15 state
/// slots; then LIMIT, OFFSET.
macro_rules! queue {
    ($driver:literal) => {
        Paged {
            page: concat!(
                "SELECT c.id, c.version, c.data FROM (SELECT id, updated_at FROM cases WHERE ",
                $driver,
                queue!(@residual),
                " ORDER BY updated_at DESC, id DESC LIMIT $22 OFFSET $23) p JOIN cases c ON c.id = p.id \
                 ORDER BY p.updated_at DESC, p.id DESC"
            ),
            count: concat!("SELECT COUNT(*) FROM cases WHERE ", $driver, queue!(@residual)),
        }
    };
    (@residual) => {
        "($1 IS NULL OR vendor_org_id = $1) AND ($2 IS NULL OR reporter_id = $2) \
         AND ($3 IS NULL OR assignee_id = $3) AND ($4 IS NULL OR case_type = $4) \
         AND ($5 IS NULL OR product_id = $5) \
         AND ($6 = 0 OR state IN ($7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21))"
    };
}

/// Index `cases_reporter`.
pub(crate) const QUEUE_BY_REPORTER: Paged = queue!("reporter_id = $2 AND ");
/// Index `cases_assignee`.
pub(crate) const QUEUE_BY_ASSIGNEE: Paged = queue!("assignee_id = $3 AND ");
/// Index `cases_product`.
pub(crate) const QUEUE_BY_PRODUCT: Paged = queue!("product_id = $5 AND ");
/// Index `cases_vendor`.
pub(crate) const QUEUE_BY_VENDOR: Paged = queue!("vendor_org_id = $1 AND ");
/// Index `cases_state` (one range per state).
pub(crate) const QUEUE_BY_STATE: Paged = queue!(
    "state IN ($7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) AND "
);
/// Index `cases_updated`, filtered by the case type when one is given.
pub(crate) const QUEUE_ALL: Paged = queue!("");
