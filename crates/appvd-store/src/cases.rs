//! Cases: submission (case + report + receipt + event in one transaction), reads, updates with
//! optimistic concurrency, and the public advisory listing and search.

use appvd_domain::advisory::Advisory;
use appvd_domain::case::{Case, CaseOpening, CaseProduct, CaseState};
use appvd_domain::grade::Grade;
use appvd_domain::hashchain;
use appvd_domain::ids::{CaseId, CaseIdPrefix, ReportId, TrackingCode, UserId};
use appvd_domain::product::Platform;
use appvd_domain::receipt::Receipt;
use appvd_domain::report::ValidReport;
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use time::OffsetDateTime;

use crate::logs::{self, NewEvent};
use crate::read_sql;
use crate::search::{SearchDocs, search_docs};
use crate::time_column::Ts;
use crate::{Backend, Store, StoreError, dispatch};

/// Inserts a case row inside a transaction and evaluates to its row id.
macro_rules! insert_case {
    ($tx:ident, $case:expr) => {{
        let case: &Case = $case;
        let (pk,): (i64,) = sqlx::query_as(
            "INSERT INTO cases (case_id, version, case_type, state, title, product_id, vendor_org_id, reporter_id, assignee_id, \
             platform, grade, created_at, updated_at, published_at, data) \
             VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(case.id.to_string())
        .bind(case.case_type.as_str())
        .bind(case.state.as_str())
        .bind(&case.title)
        .bind(case.product.as_ref().map(|p| p.product.0))
        .bind(case.vendor_org().map(|o| o.0))
        .bind(case.reporter.map(|u| u.0))
        .bind(case.assignee.map(|u| u.0))
        .bind(case.product.as_ref().map(|p| p.platform.as_str()))
        .bind(case.public_grade().map(grade_str))
        .bind(Ts::from(case.created_at))
        .bind(Ts::from(case.updated_at))
        .bind(case.published_at.map(Ts::from))
        .bind(Json(case))
        .fetch_one(&mut *$tx)
        .await
        .map_err(|e| StoreError::unique(e, || format!("the case {} already exists", case.id)))?;
        pk
    }};
}

/// Replaces a case's search tokens inside a transaction.
macro_rules! index_case {
    ($tx:ident, $backend:ident, $pk:expr, $docs:expr) => {{
        let docs: &SearchDocs = $docs;
        match $backend {
            Backend::Sqlite => {
                sqlx::query("DELETE FROM case_search WHERE rowid = $1").bind($pk).execute(&mut *$tx).await?;
                sqlx::query("INSERT INTO case_search (rowid, internal, public) VALUES ($1, $2, $3)")
                    .bind($pk)
                    .bind(&docs.internal_tokens)
                    .bind(&docs.public_tokens)
                    .execute(&mut *$tx)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query("UPDATE cases SET search_internal = CAST($1 AS tsvector), search_public = CAST($2 AS tsvector) WHERE id = $3")
                    .bind(&docs.internal_tsvector)
                    .bind(&docs.public_tsvector)
                    .bind($pk)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}

/// A case as stored: its row id and version (for optimistic concurrency) and the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub pk: i64,
    pub version: i64,
    pub case: Case,
}

/// Everything a new report brings, ready to store.
#[derive(Debug, Clone)]
pub struct SubmittedReport<'a> {
    pub report: &'a ValidReport,
    /// The product, when the reporter picked a registered one; otherwise an analyst assigns it.
    pub product: Option<CaseProduct>,
    pub reporter: Option<UserId>,
    pub tracking_code: TrackingCode,
    pub received_at: OffsetDateTime,
    pub prefix: &'a CaseIdPrefix,
}

/// What the reporter's receipt says (REG-5.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub report_id: ReportId,
    pub case: CaseRecord,
    pub tracking_code: TrackingCode,
    pub received_at: OffsetDateTime,
    pub receipt: Receipt,
}

/// Filters of the case lists (all optional; all given ones must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    /// Any of these states.
    pub states: Option<Vec<CaseState>>,
    pub vendor_org: Option<appvd_domain::ids::OrgId>,
    pub reporter: Option<UserId>,
    pub assignee: Option<UserId>,
    pub case_type: Option<appvd_domain::case::CaseType>,
    pub product: Option<appvd_domain::ids::ProductId>,
}

/// Filters of the public advisory list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvisoryFilter {
    /// Free text, parsed by `appvd_domain::search::parse_query`.
    pub query: Option<String>,
    pub grade: Option<Grade>,
    pub platform: Option<Platform>,
    /// Only advisories created or changed at or after this time (incremental sync).
    pub modified_since: Option<OffsetDateTime>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// Largest page the store returns.
pub const MAX_PER_PAGE: u32 = 100;

type CaseRow = (i64, i64, Json<Case>);
type ReportRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    Ts,
);

/// A stored report, PoC included: callers decide who may see which part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReport {
    pub id: ReportId,
    pub reporter: Option<UserId>,
    pub channel: String,
    pub title: String,
    pub description: String,
    pub steps: Option<String>,
    pub affected_versions: String,
    pub cvss_vector: Option<String>,
    pub poc: Option<String>,
    pub tracking_code: String,
    pub received_at: OffsetDateTime,
}

fn grade_str(g: Grade) -> &'static str {
    g.id()
}

/// The bytes of the "received" event's detail.
fn receipt_json(receipt: &Receipt) -> String {
    format!(
        r#"{{"receipt_seq":{},"channel":"{}"}}"#,
        receipt.seq,
        receipt.channel.as_str()
    )
}

impl Store {
    /// Stores a new report: allocates the case id, opens the case, stores the report (with its
    /// restricted PoC), writes the receipt-log entry and the first case event, and indexes the case
    /// — all in one transaction, so an acknowledged receipt always has its case.
    pub async fn submit_report(&self, sub: SubmittedReport<'_>) -> Result<Submission, StoreError> {
        let received_at = hashchain::to_stored_precision(sub.received_at);
        let year = u16::try_from(received_at.to_offset(appvd_domain::policy::BEIJING).year())
            .map_err(|_| StoreError::Corrupt("year out of range".into()))?;
        let report = sub.report;
        let content_sha256 = hex::encode(Sha256::digest(report.content_for_receipt()));
        let size = i64::try_from(report.content_for_receipt().len()).unwrap_or(i64::MAX);

        dispatch!(self, pool, backend => {
            let mut tx = match backend {
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
                Backend::Postgres => pool.begin().await?,
            };
            let (seq,): (i64,) = sqlx::query_as(
                "INSERT INTO case_counters (prefix, year, last_seq) VALUES ($1, $2, 1) \
                 ON CONFLICT (prefix, year) DO UPDATE SET last_seq = case_counters.last_seq + 1 RETURNING last_seq",
            )
            .bind(sub.prefix.as_str())
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await?;
            let sequence = u32::try_from(seq).map_err(|_| StoreError::Corrupt(format!("case counter {seq} overflows")))?;
            let id = CaseId::new(sub.prefix.clone(), year, sequence).map_err(|e| StoreError::Conflict(e.message))?;
            let case = Case::open(
                CaseOpening {
                    id: id.clone(),
                    case_type: report.case_type,
                    title: report.title.clone(),
                    description: report.description.clone(),
                    affected_versions: report.affected_versions.clone(),
                    product: sub.product.clone(),
                    reporter: sub.reporter,
                },
                received_at,
            );
            let case = Case { cvss_v3: claimed_v3(report), cvss_v4: claimed_v4(report), ..case };
            let pk = insert_case!(tx, &case);
            let docs = search_docs(&case);
            index_case!(tx, backend, pk, &docs);

            let (report_id,): (i64,) = sqlx::query_as(
                "INSERT INTO reports (case_pk, reporter_id, channel, title, description, steps, affected_versions, case_type, \
                 cvss_vector, poc, tracking_code, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(pk)
            .bind(sub.reporter.map(|u| u.0))
            .bind(report.channel.as_str())
            .bind(&report.title)
            .bind(&report.description)
            .bind(report.steps.as_deref())
            .bind(&report.affected_versions)
            .bind(report.case_type.as_str())
            .bind(report.cvss_vector.as_deref())
            .bind(report.poc.as_deref())
            .bind(sub.tracking_code.as_str())
            .bind(Ts(received_at))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, || "tracking code collision; submit again".to_owned()))?;

            let mut receipt = Receipt {
                seq: 0,
                received_at,
                channel: report.channel,
                reporter: sub.reporter,
                sender: None,
                content_sha256,
                size,
                case_id: id.clone(),
            };
            receipt.seq = logs::append_receipt!(tx, backend, &receipt);
            let event = NewEvent {
                at: received_at,
                actor: sub.reporter,
                kind: "received".into(),
                from_state: None,
                to_state: Some(CaseState::Received),
                detail: receipt_json(&receipt),
            };
            logs::append_event!(tx, backend, pk, &id, &event);
            tx.commit().await?;
            Ok(Submission {
                report_id: ReportId(report_id),
                case: CaseRecord { pk, version: 1, case },
                tracking_code: sub.tracking_code.clone(),
                received_at,
                receipt,
            })
        })
    }

    /// Stores many cases at once (bulk import, benchmarks): one transaction per call, one event per
    /// case. The cases keep their ids and states; counters are raised past the imported ids.
    pub async fn import_cases(
        &self,
        cases: &[Case],
        actor: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = hashchain::to_stored_precision(now);
        dispatch!(self, pool, backend => {
            let mut tx = match backend {
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
                Backend::Postgres => pool.begin().await?,
            };
            for case in cases {
                let case = &stored_precision(case);
                let pk = insert_case!(tx, case);
                index_case!(tx, backend, pk, &search_docs(case));
                sqlx::query(
                    "INSERT INTO case_counters (prefix, year, last_seq) VALUES ($1, $2, $3) \
                     ON CONFLICT (prefix, year) DO UPDATE SET last_seq = CASE WHEN case_counters.last_seq < excluded.last_seq \
                     THEN excluded.last_seq ELSE case_counters.last_seq END",
                )
                .bind(case.id.prefix().as_str())
                .bind(i64::from(case.id.year()))
                .bind(i64::from(case.id.sequence()))
                .execute(&mut *tx)
                .await?;
                let event = NewEvent {
                    at: now,
                    actor,
                    kind: "imported".into(),
                    from_state: None,
                    to_state: Some(case.state),
                    detail: "{}".into(),
                };
                logs::append_event!(tx, backend, pk, &case.id, &event);
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The case with this id, whatever its state. Callers decide who may see it.
    pub async fn case(&self, id: &CaseId) -> Result<Option<CaseRecord>, StoreError> {
        let row: Option<CaseRow> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT id, version, data FROM cases WHERE case_id = $1").bind(id.to_string()).fetch_optional(pool).await?
        });
        Ok(row.map(|(pk, version, Json(case))| CaseRecord { pk, version, case }))
    }

    /// Writes a changed case and its event in one transaction. Refuses with a conflict when the
    /// stored version is no longer `record.version` (someone else changed the case meanwhile).
    pub async fn update_case(
        &self,
        record: &CaseRecord,
        changed: &Case,
        event: &NewEvent,
    ) -> Result<CaseRecord, StoreError> {
        if changed.id != record.case.id {
            return Err(StoreError::Conflict("a case's id cannot change".into()));
        }
        let changed = stored_precision(changed);
        let docs = search_docs(&changed);
        dispatch!(self, pool, backend => {
            let mut tx = match backend {
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
                Backend::Postgres => pool.begin().await?,
            };
            let updated = sqlx::query(
                "UPDATE cases SET version = version + 1, case_type = $1, state = $2, title = $3, product_id = $4, vendor_org_id = $5, \
                 reporter_id = $6, assignee_id = $7, platform = $8, grade = $9, updated_at = $10, published_at = $11, data = $12 \
                 WHERE id = $13 AND version = $14",
            )
            .bind(changed.case_type.as_str())
            .bind(changed.state.as_str())
            .bind(&changed.title)
            .bind(changed.product.as_ref().map(|p| p.product.0))
            .bind(changed.vendor_org().map(|o| o.0))
            .bind(changed.reporter.map(|u| u.0))
            .bind(changed.assignee.map(|u| u.0))
            .bind(changed.product.as_ref().map(|p| p.platform.as_str()))
            .bind(changed.public_grade().map(grade_str))
            .bind(Ts::from(changed.updated_at))
            .bind(changed.published_at.map(Ts::from))
            .bind(Json(&changed))
            .bind(record.pk)
            .bind(record.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated != 1 {
                return Err(StoreError::Conflict(format!(
                    "{} was changed by someone else in the meantime; reload it and try again",
                    record.case.id
                )));
            }
            index_case!(tx, backend, record.pk, &docs);
            logs::append_event!(tx, backend, record.pk, &changed.id, event);
            tx.commit().await?;
            Ok(CaseRecord { pk: record.pk, version: record.version + 1, case: changed })
        })
    }

    /// The restricted PoC texts of a case's reports (for the REG-9.4 gate; never for display
    /// without the PoC permission).
    pub async fn case_poc_texts(&self, pk: i64) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT poc FROM reports WHERE case_pk = $1 AND poc IS NOT NULL ORDER BY id").bind(pk).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Cases matching a filter, newest change first: the analysts' queue, a vendor's cases, a
    /// reporter's submissions.
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<CaseRecord>, StoreError> {
        let (limit, offset, per_page, page) = paging(page, per_page);
        let empty = || Page {
            items: Vec::new(),
            total: 0,
            page,
            per_page,
        };
        // `state` and `states` must both hold: the wanted set is their intersection.
        let wanted: Option<Vec<CaseState>> = match (&filter.states, filter.state) {
            (Some(list), single) => {
                let mut set: Vec<CaseState> = list
                    .iter()
                    .copied()
                    .filter(|s| single.is_none_or(|one| one == *s))
                    .collect();
                set.sort_by_key(|s| s.as_str());
                set.dedup();
                Some(set)
            }
            (None, Some(single)) => Some(vec![single]),
            (None, None) => None,
        };
        if wanted.as_ref().is_some_and(Vec::is_empty) {
            return Ok(empty());
        }
        let mut slots: [Option<&'static str>; read_sql::STATE_SLOTS] =
            [None; read_sql::STATE_SLOTS];
        for (slot, state) in slots.iter_mut().zip(wanted.iter().flatten()) {
            *slot = Some(state.as_str());
        }
        let sql = if filter.reporter.is_some() {
            &read_sql::QUEUE_BY_REPORTER
        } else if filter.assignee.is_some() {
            &read_sql::QUEUE_BY_ASSIGNEE
        } else if filter.product.is_some() {
            &read_sql::QUEUE_BY_PRODUCT
        } else if filter.vendor_org.is_some() {
            &read_sql::QUEUE_BY_VENDOR
        } else if wanted.is_some() {
            &read_sql::QUEUE_BY_STATE
        } else {
            &read_sql::QUEUE_ALL
        };
        let vendor = filter.vendor_org.map(|o| o.0);
        let reporter = filter.reporter.map(|u| u.0);
        let assignee = filter.assignee.map(|u| u.0);
        let case_type = filter.case_type.map(|t| t.as_str());
        let product = filter.product.map(|p| p.0);
        let states_given = i64::from(wanted.is_some());
        dispatch!(self, pool, _b => {
            macro_rules! bind_filter {
                ($query:expr) => {{
                    let mut q = $query
                        .bind(vendor)
                        .bind(reporter)
                        .bind(assignee)
                        .bind(case_type)
                        .bind(product)
                        .bind(states_given);
                    for state in slots {
                        q = q.bind(state);
                    }
                    q
                }};
            }
            let rows: Vec<CaseRow> = bind_filter!(sqlx::query_as(sql.page))
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let total = match known_total(rows.len(), limit, offset) {
                Some(total) => total,
                None => {
                    let (total,): (i64,) = bind_filter!(sqlx::query_as(sql.count)).fetch_one(pool).await?;
                    total
                }
            };
            Ok(Page {
                items: rows.into_iter().map(|(pk, version, Json(case))| CaseRecord { pk, version, case }).collect(),
                total: u64::try_from(total).unwrap_or(0),
                page,
                per_page,
            })
        })
    }

    /// A published (or withdrawn) case's advisory.
    pub async fn advisory(&self, id: &CaseId) -> Result<Option<Advisory>, StoreError> {
        let row: Option<(Json<Case>,)> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT data FROM cases WHERE case_id = $1 AND published_at IS NOT NULL").bind(id.to_string()).fetch_optional(pool).await?
        });
        Ok(row.and_then(|(Json(case),)| Advisory::of(&case)))
    }

    /// Published advisories, newest first, or by relevance when a query is given.
    pub async fn advisories(
        &self,
        filter: &AdvisoryFilter,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Advisory>, StoreError> {
        let (limit, offset, per_page, page) = paging(page, per_page);
        let grade = filter.grade.map(grade_str);
        let platform = filter.platform.map(|p| p.as_str());
        let since = filter.modified_since.map(Ts::from);
        let query = filter
            .query
            .as_deref()
            .map(appvd_domain::search::parse_query)
            .filter(|q| !q.is_empty());

        let (rows, total): (Vec<(Json<Case>,)>, i64) = dispatch!(self, pool, backend => {
            match (&query, backend) {
                (None, _) => {
                    // Without a text query the filters pick the statement (and so the index).
                    let (sql, present): (&read_sql::Paged, Vec<&str>) = match (since.is_some(), grade, platform) {
                        (true, _, _) => (&read_sql::PUBLIC_SINCE, Vec::new()),
                        (false, None, None) => (&read_sql::PUBLIC_ALL, Vec::new()),
                        (false, Some(g), None) => (&read_sql::PUBLIC_GRADE, vec![g]),
                        (false, None, Some(p)) => (&read_sql::PUBLIC_PLATFORM, vec![p]),
                        (false, Some(g), Some(p)) => (&read_sql::PUBLIC_GRADE_PLATFORM, vec![g, p]),
                    };
                    macro_rules! bind_filter {
                        ($query:expr) => {{
                            let mut q = $query;
                            if since.is_some() {
                                q = q.bind(since).bind(grade).bind(platform);
                            }
                            for value in &present {
                                q = q.bind(*value);
                            }
                            q
                        }};
                    }
                    let rows: Vec<(Json<Case>,)> = bind_filter!(sqlx::query_as(sql.page))
                        .bind(limit).bind(offset)
                        .fetch_all(pool).await?;
                    let total = match known_total(rows.len(), limit, offset) {
                        Some(total) => total,
                        None => {
                            let (total,): (i64,) = bind_filter!(sqlx::query_as(sql.count)).fetch_one(pool).await?;
                            total
                        }
                    };
                    (rows, total)
                }
                (Some(q), backend) => {
                    let (sql, text) = match backend {
                        Backend::Sqlite => (&read_sql::PUBLIC_SEARCH_SQLITE, crate::search::fts5_expression("public", q)),
                        Backend::Postgres => (&read_sql::PUBLIC_SEARCH_POSTGRES, crate::search::tsquery_literal(q)),
                    };
                    let ranked: Vec<(Json<Case>, Option<i64>)> = sqlx::query_as(sql.page)
                        .bind(&text).bind(grade).bind(platform).bind(since).bind(limit).bind(offset)
                        .fetch_all(pool).await?;
                    let counted = ranked.first().and_then(|(_, total)| *total);
                    let rows: Vec<(Json<Case>,)> = ranked.into_iter().map(|(case, _)| (case,)).collect();
                    let total = match counted.or_else(|| known_total(rows.len(), limit, offset)) {
                        Some(total) => total,
                        None => {
                            let (total,): (i64,) = sqlx::query_as(sql.count)
                                .bind(&text).bind(grade).bind(platform).bind(since)
                                .fetch_one(pool).await?;
                            total
                        }
                    };
                    (rows, total)
                }
            }
        });
        Ok(Page {
            items: rows
                .iter()
                .filter_map(|(Json(case),)| Advisory::of(case))
                .collect(),
            total: u64::try_from(total).unwrap_or(0),
            page,
            per_page,
        })
    }

    /// Staff search over every case's internal text (never the PoC).
    pub async fn search_cases(
        &self,
        query: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Page<CaseRecord>, StoreError> {
        let (limit, offset, per_page, page) = paging(page, per_page);
        let q = appvd_domain::search::parse_query(query);
        if q.is_empty() {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
                page,
                per_page,
            });
        }
        let (rows, total): (Vec<CaseRow>, i64) = dispatch!(self, pool, backend => {
            let (sql, text) = match backend {
                Backend::Sqlite => (&read_sql::STAFF_SEARCH_SQLITE, crate::search::fts5_expression("internal", &q)),
                Backend::Postgres => (&read_sql::STAFF_SEARCH_POSTGRES, crate::search::tsquery_literal(&q)),
            };
            let ranked: Vec<(i64, i64, Json<Case>, Option<i64>)> =
                sqlx::query_as(sql.page).bind(&text).bind(limit).bind(offset).fetch_all(pool).await?;
            let counted = ranked.first().and_then(|row| row.3);
            let rows: Vec<CaseRow> = ranked.into_iter().map(|(pk, version, case, _)| (pk, version, case)).collect();
            // PostgreSQL's ranking counted every match (see `read_sql::Paged`).
            let total = match counted.or_else(|| known_total(rows.len(), limit, offset)) {
                Some(total) => total,
                None => {
                    let (total,): (i64,) = sqlx::query_as(sql.count).bind(&text).fetch_one(pool).await?;
                    total
                }
            };
            (rows, total)
        });
        Ok(Page {
            items: rows
                .into_iter()
                .map(|(pk, version, Json(case))| CaseRecord { pk, version, case })
                .collect(),
            total: u64::try_from(total).unwrap_or(0),
            page,
            per_page,
        })
    }

    /// The reports of a case, oldest first (with the restricted PoC; callers decide who sees it).
    pub async fn case_reports(&self, pk: i64) -> Result<Vec<StoredReport>, StoreError> {
        let rows: Vec<ReportRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT id, reporter_id, channel, title, description, steps, affected_versions, cvss_vector, poc, tracking_code, received_at \
                 FROM reports WHERE case_pk = $1 ORDER BY id",
            )
            .bind(pk)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| StoredReport {
                id: ReportId(r.0),
                reporter: r.1.map(UserId),
                channel: r.2,
                title: r.3,
                description: r.4,
                steps: r.5,
                affected_versions: r.6,
                cvss_vector: r.7,
                poc: r.8,
                tracking_code: r.9,
                received_at: r.10.0,
            })
            .collect())
    }

    /// Cases whose internal text shares any of `tokens`, best match first (duplicate candidates).
    pub async fn search_cases_any(
        &self,
        tokens: &[String],
        limit: u32,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let tokens: Vec<&String> = tokens.iter().filter(|t| !t.is_empty()).take(24).collect();
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let limit = i64::from(limit.clamp(1, 100));
        let rows: Vec<CaseRow> = dispatch!(self, pool, backend => {
            let (sql, text) = match backend {
                Backend::Sqlite => (read_sql::ANY_SEARCH_SQLITE, crate::search::fts5_any("internal", &tokens)),
                Backend::Postgres => (read_sql::ANY_SEARCH_POSTGRES, crate::search::tsquery_any(&tokens)),
            };
            sqlx::query_as(sql).bind(&text).bind(limit).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(pk, version, Json(case))| CaseRecord { pk, version, case })
            .collect())
    }

    /// Number of cases per state (for statistics and the demo check).
    pub async fn count_cases(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = dispatch!(self, pool, _b => sqlx::query_as("SELECT COUNT(*) FROM cases").fetch_one(pool).await?);
        Ok(n)
    }
}

/// The case with every timestamp cut to what both databases keep, so that the JSON copy and the
/// columns agree and a record read back equals the one written.
fn stored_precision(case: &Case) -> Case {
    let t = hashchain::to_stored_precision;
    let mut c = case.clone();
    c.created_at = t(c.created_at);
    c.updated_at = t(c.updated_at);
    c.published_at = c.published_at.map(t);
    c.vendor_aware_at = c.vendor_aware_at.map(t);
    c
}

fn claimed_v3(report: &ValidReport) -> Option<String> {
    report
        .cvss_vector
        .clone()
        .filter(|v| v.starts_with("CVSS:3"))
}

fn claimed_v4(report: &ValidReport) -> Option<String> {
    report
        .cvss_vector
        .clone()
        .filter(|v| v.starts_with("CVSS:4"))
}

/// The total of a paged query when the page itself proves it: a page shorter than the limit is the
/// last one, so the total is the rows before it plus its own (unless it is empty past the first
/// page, which says nothing about how many rows there are). Saves the count query on every
/// last page, including every one-page result.
fn known_total(rows: usize, limit: i64, offset: i64) -> Option<i64> {
    let rows = i64::try_from(rows).ok()?;
    (rows < limit && (rows > 0 || offset == 0)).then_some(offset + rows)
}

/// (limit, offset, per_page, page) from a 1-based page and a size clamped to 1..=MAX_PER_PAGE.
fn paging(page: u32, per_page: u32) -> (i64, i64, u32, u32) {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    (
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
        per_page,
        page,
    )
}
