//! The append-only logs: case events and receipts (hash-chained), and the audit log.

use std::borrow::Cow;

use appvd_domain::case::CaseState;
use appvd_domain::hashchain::{self, ChainBreak, Link, StoredLink};
use appvd_domain::ids::{CaseId, UserId};
use appvd_domain::policy::Policy;
use appvd_domain::receipt::{self, Channel, Receipt};
use time::OffsetDateTime;

use crate::time_column::Ts;
use crate::{Store, StoreError, dispatch};

/// An event to append to a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub at: OffsetDateTime,
    pub actor: Option<UserId>,
    /// `received`, `imported`, an action name, or `edited`.
    pub kind: String,
    pub from_state: Option<CaseState>,
    pub to_state: Option<CaseState>,
    /// JSON object with the event's details (question, reason, changed fields…).
    pub detail: String,
}

/// A stored case event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEntry {
    pub seq: i64,
    pub case_id: String,
    pub at: OffsetDateTime,
    pub actor: Option<UserId>,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub detail: String,
}

/// A stored audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor: Option<UserId>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

pub(crate) fn event_fields(case_id: &str, e: &NewEvent) -> Vec<Vec<u8>> {
    vec![
        case_id.as_bytes().to_vec(),
        hashchain::timestamp_field(e.at).into_bytes(),
        e.actor
            .map(|a| a.0.to_string())
            .unwrap_or_default()
            .into_bytes(),
        e.kind.as_bytes().to_vec(),
        e.from_state
            .map(|s| s.as_str())
            .unwrap_or("")
            .as_bytes()
            .to_vec(),
        e.to_state
            .map(|s| s.as_str())
            .unwrap_or("")
            .as_bytes()
            .to_vec(),
        e.detail.as_bytes().to_vec(),
    ]
}

fn link_of(bytes: Vec<u8>) -> Result<Link, StoreError> {
    Link::try_from(bytes.as_slice())
        .map_err(|_| StoreError::Corrupt("a chain hash is not 32 bytes".into()))
}

/// Takes the next link of `$chain` inside a transaction (row-locking the head on PostgreSQL, where
/// several processes append), evaluating to `(seq, prev_hash)`; `$commit_head` writes the new head.
macro_rules! chain_next {
    ($tx:ident, $backend:ident, $chain:literal) => {{
        let (seq, prev): (i64, Vec<u8>) = match $backend {
            $crate::Backend::Sqlite => {
                sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE chain = $1")
            }
            $crate::Backend::Postgres => {
                sqlx::query_as("SELECT seq, hash FROM chain_heads WHERE chain = $1 FOR UPDATE")
            }
        }
        .bind($chain)
        .fetch_one(&mut *$tx)
        .await?;
        let prev = <appvd_domain::hashchain::Link>::try_from(prev.as_slice())
            .map_err(|_| $crate::StoreError::Corrupt("a chain head is not 32 bytes".into()))?;
        (seq + 1, prev)
    }};
}
pub(crate) use chain_next;

macro_rules! chain_head {
    ($tx:ident, $chain:literal, $seq:expr, $hash:expr) => {{
        sqlx::query("UPDATE chain_heads SET seq = $1, hash = $2 WHERE chain = $3")
            .bind($seq)
            .bind($hash.to_vec())
            .bind($chain)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use chain_head;

/// Appends a case event inside a transaction; evaluates to its sequence number.
macro_rules! append_event {
    ($tx:ident, $backend:ident, $pk:expr, $case_id:expr, $event:expr) => {{
        let event: &$crate::logs::NewEvent = $event;
        let case_id: String = $case_id.to_string();
        let (seq, prev) = $crate::logs::chain_next!($tx, $backend, "events");
        let fields = $crate::logs::event_fields(&case_id, event);
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        let hash = appvd_domain::hashchain::link(&prev, seq, &refs);
        sqlx::query(
            "INSERT INTO case_events (seq, case_pk, case_id, at, actor_id, kind, from_state, to_state, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind($pk)
        .bind(&case_id)
        .bind($crate::time_column::Ts::from(event.at))
        .bind(event.actor.map(|a| a.0))
        .bind(&event.kind)
        .bind(event.from_state.map(|s| s.as_str()))
        .bind(event.to_state.map(|s| s.as_str()))
        .bind(&event.detail)
        .bind(prev.to_vec())
        .bind(hash.to_vec())
        .execute(&mut *$tx)
        .await?;
        $crate::logs::chain_head!($tx, "events", seq, hash);
        seq
    }};
}
pub(crate) use append_event;

/// Appends a receipt-log entry inside a transaction; evaluates to its sequence number.
macro_rules! append_receipt {
    ($tx:ident, $backend:ident, $receipt:expr) => {{
        let receipt: &appvd_domain::receipt::Receipt = $receipt;
        let (seq, prev) = $crate::logs::chain_next!($tx, $backend, "receipts");
        let mut numbered = receipt.clone();
        numbered.seq = seq;
        let fields = numbered.chain_fields();
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        let hash = appvd_domain::hashchain::link(&prev, seq, &refs);
        sqlx::query(
            "INSERT INTO receipts (seq, received_at, channel, reporter_id, sender, content_sha256, size, case_id, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(seq)
        .bind($crate::time_column::Ts::from(receipt.received_at))
        .bind(receipt.channel.as_str())
        .bind(receipt.reporter.map(|r| r.0))
        .bind(receipt.sender.as_deref())
        .bind(&receipt.content_sha256)
        .bind(receipt.size)
        .bind(receipt.case_id.to_string())
        .bind(prev.to_vec())
        .bind(hash.to_vec())
        .execute(&mut *$tx)
        .await?;
        $crate::logs::chain_head!($tx, "receipts", seq, hash);
        seq
    }};
}
pub(crate) use append_receipt;

type EventRow = (
    i64,
    String,
    Ts,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    String,
    Vec<u8>,
    Vec<u8>,
);
type ReceiptRow = (
    i64,
    Ts,
    String,
    Option<i64>,
    Option<String>,
    String,
    i64,
    String,
    Vec<u8>,
    Vec<u8>,
);

fn event_from(row: &EventRow) -> EventEntry {
    EventEntry {
        seq: row.0,
        case_id: row.1.clone(),
        at: row.2.0,
        actor: row.3.map(UserId),
        kind: row.4.clone(),
        from_state: row.5.clone(),
        to_state: row.6.clone(),
        detail: row.7.clone(),
    }
}

fn receipt_from(row: &ReceiptRow) -> Result<Receipt, StoreError> {
    Ok(Receipt {
        seq: row.0,
        received_at: row.1.0,
        channel: row
            .2
            .parse::<Channel>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        reporter: row.3.map(UserId),
        sender: row.4.clone(),
        content_sha256: row.5.clone(),
        size: row.6,
        case_id: row
            .7
            .parse::<CaseId>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// How many rows a chain verification reads per query.
const VERIFY_BATCH: i64 = 5_000;

impl Store {
    /// A case's timeline, oldest first.
    pub async fn case_events(&self, case_id: &CaseId) -> Result<Vec<EventEntry>, StoreError> {
        let rows: Vec<EventRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT seq, case_id, at, actor_id, kind, from_state, to_state, detail, prev_hash, hash FROM case_events \
                 WHERE case_id = $1 ORDER BY seq",
            )
            .bind(case_id.to_string())
            .fetch_all(pool)
            .await?
        });
        Ok(rows.iter().map(event_from).collect())
    }

    /// Verifies the whole event chain; returns the number of entries checked.
    pub async fn verify_event_chain(&self) -> Result<Result<usize, ChainBreak>, StoreError> {
        let mut after = 0_i64;
        let mut checked = 0;
        let mut start: Option<(i64, Link)> = None;
        loop {
            let rows: Vec<EventRow> = dispatch!(self, pool, _b => {
                sqlx::query_as(
                    "SELECT seq, case_id, at, actor_id, kind, from_state, to_state, detail, prev_hash, hash FROM case_events \
                     WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(after)
                .bind(VERIFY_BATCH)
                .fetch_all(pool)
                .await?
            });
            let Some(last) = rows.last() else {
                return Ok(Ok(checked));
            };
            after = last.0;
            let mut links = Vec::with_capacity(rows.len());
            for row in &rows {
                let e = event_from(row);
                let new = NewEvent {
                    at: e.at,
                    actor: e.actor,
                    kind: e.kind.clone(),
                    from_state: e
                        .from_state
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(|e: appvd_domain::InvalidInput| {
                            StoreError::Corrupt(e.to_string())
                        })?,
                    to_state: e.to_state.as_deref().map(str::parse).transpose().map_err(
                        |e: appvd_domain::InvalidInput| StoreError::Corrupt(e.to_string()),
                    )?,
                    detail: e.detail.clone(),
                };
                let fields = event_fields(&e.case_id, &new)
                    .into_iter()
                    .map(Cow::Owned)
                    .collect();
                links.push(StoredLink {
                    seq: row.0,
                    prev: link_of(row.8.clone())?,
                    hash: link_of(row.9.clone())?,
                    fields,
                });
            }
            let tail = (
                rows.last().map(|r| r.0).unwrap_or(0),
                links.last().map(|l| l.hash).unwrap_or(hashchain::GENESIS),
            );
            match hashchain::verify(links, start) {
                Ok(n) => checked += n,
                Err(b) => return Ok(Err(b)),
            }
            start = Some(tail);
        }
    }

    /// Receipt-log entries, newest first.
    pub async fn receipts(&self, limit: u32) -> Result<Vec<Receipt>, StoreError> {
        let rows: Vec<ReceiptRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT seq, received_at, channel, reporter_id, sender, content_sha256, size, case_id, prev_hash, hash FROM receipts \
                 ORDER BY seq DESC LIMIT $1",
            )
            .bind(i64::from(limit.clamp(1, 10_000)))
            .fetch_all(pool)
            .await?
        });
        rows.iter().map(receipt_from).collect()
    }

    /// Deletes a receipt-log entry if the retention policy allows (REG-5.2). The database refuses
    /// too, below the legal floor, whatever the caller does.
    pub async fn delete_receipt(
        &self,
        seq: i64,
        now: OffsetDateTime,
        policy: &Policy,
    ) -> Result<(), StoreError> {
        let row: Option<(Ts,)> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT received_at FROM receipts WHERE seq = $1").bind(seq).fetch_optional(pool).await?
        });
        let (received_at,) = row.ok_or_else(|| StoreError::not_found("receipt", seq))?;
        receipt::may_delete(received_at.0, now, policy).map_err(StoreError::Refused)?;
        dispatch!(self, pool, _b => {
            sqlx::query("DELETE FROM receipts WHERE seq = $1").bind(seq).execute(pool).await?;
        });
        Ok(())
    }

    /// Verifies the receipt chain from its oldest remaining entry (older ones may have been purged
    /// after their retention, so the first remaining entry's link is taken on trust).
    pub async fn verify_receipt_chain(&self) -> Result<Result<usize, ChainBreak>, StoreError> {
        let rows: Vec<ReceiptRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT seq, received_at, channel, reporter_id, sender, content_sha256, size, case_id, prev_hash, hash FROM receipts ORDER BY seq",
            )
            .fetch_all(pool)
            .await?
        });
        let Some(first) = rows.first() else {
            return Ok(Ok(0));
        };
        let start = Some((first.0 - 1, link_of(first.8.clone())?));
        let mut links = Vec::with_capacity(rows.len());
        for row in &rows {
            let r = receipt_from(row)?;
            let fields = r.chain_fields().into_iter().map(Cow::Owned).collect();
            links.push(StoredLink {
                seq: row.0,
                prev: link_of(row.8.clone())?,
                hash: link_of(row.9.clone())?,
                fields,
            });
        }
        Ok(hashchain::verify(links, start))
    }

    /// Writes an audit-log entry (REG-11.4): reads of unpublished material, exports, administrative
    /// changes.
    pub async fn audit(
        &self,
        at: OffsetDateTime,
        actor: Option<UserId>,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        dispatch!(self, pool, _b => {
            sqlx::query("INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES ($1, $2, $3, $4, $5)")
                .bind(Ts::from(at))
                .bind(actor.map(|a| a.0))
                .bind(action)
                .bind(target)
                .bind(detail)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The newest audit entries, optionally for one target.
    pub async fn audit_entries(
        &self,
        target: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<(i64, Ts, Option<i64>, String, String, String)> = dispatch!(self, pool, _b => {
            let limit = i64::from(limit.clamp(1, 10_000));
            // Two statements, so that a target's entries come from the index `audit_log_target`.
            match target {
                Some(target) => sqlx::query_as(
                    "SELECT id, at, actor_id, action, target, detail FROM audit_log WHERE target = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(target)
                .bind(limit)
                .fetch_all(pool)
                .await?,
                None => sqlx::query_as(
                    "SELECT id, at, actor_id, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(pool)
                .await?,
            }
        });
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.0,
                at: r.1.0,
                actor: r.2.map(UserId),
                action: r.3,
                target: r.4,
                detail: r.5,
            })
            .collect())
    }
}
