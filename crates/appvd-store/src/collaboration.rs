//! The per-case conversation and restricted attachments.

use appvd_domain::ids::UserId;
use time::OffsetDateTime;

use crate::time_column::Ts;
use crate::{Store, StoreError, dispatch};

pub use appvd_domain::access::Audience;

/// A message of a case's conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub author: UserId,
    pub author_name: String,
    pub audience: Audience,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// A stored attachment's record (the bytes live in the blob store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub case_pk: i64,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: UserId,
    pub created_at: OffsetDateTime,
}

/// An attachment to record.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub case_pk: i64,
    pub report_id: Option<i64>,
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub uploaded_by: UserId,
    pub now: OffsetDateTime,
}

type AttachmentRow = (i64, i64, String, String, String, i64, i64, Ts);

fn attachment_from(r: AttachmentRow) -> Attachment {
    Attachment {
        id: r.0,
        case_pk: r.1,
        sha256: r.2,
        file_name: r.3,
        content_type: r.4,
        size: r.5,
        uploaded_by: UserId(r.6),
        created_at: r.7.0,
    }
}

impl Store {
    pub async fn add_message(
        &self,
        case_pk: i64,
        author: UserId,
        audience: Audience,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let (id,): (i64,) = dispatch!(self, pool, _b => {
            sqlx::query_as("INSERT INTO case_messages (case_pk, author_id, audience, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(case_pk)
                .bind(author.0)
                .bind(audience.as_str())
                .bind(body)
                .bind(Ts::from(now))
                .fetch_one(pool)
                .await?
        });
        Ok(id)
    }

    /// The conversation of a case, oldest first, limited to the given audiences.
    pub async fn messages(
        &self,
        case_pk: i64,
        audiences: &[Audience],
    ) -> Result<Vec<Message>, StoreError> {
        let rows: Vec<(i64, i64, String, String, String, Ts)> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT m.id, m.author_id, u.display_name, m.audience, m.body, m.created_at FROM case_messages m \
                 JOIN users u ON u.id = m.author_id WHERE m.case_pk = $1 ORDER BY m.id",
            )
            .bind(case_pk)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let audience = Audience::parse(&r.3)?;
                audiences.contains(&audience).then_some(Message {
                    id: r.0,
                    author: UserId(r.1),
                    author_name: r.2,
                    audience,
                    body: r.4,
                    created_at: r.5.0,
                })
            })
            .collect())
    }

    pub async fn add_attachment(&self, a: &NewAttachment<'_>) -> Result<Attachment, StoreError> {
        let row: AttachmentRow = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "INSERT INTO attachments (case_pk, report_id, sha256, file_name, content_type, size, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 RETURNING id, case_pk, sha256, file_name, content_type, size, uploaded_by, created_at",
            )
            .bind(a.case_pk)
            .bind(a.report_id)
            .bind(a.sha256)
            .bind(a.file_name)
            .bind(a.content_type)
            .bind(a.size)
            .bind(a.uploaded_by.0)
            .bind(Ts::from(a.now))
            .fetch_one(pool)
            .await?
        });
        Ok(attachment_from(row))
    }

    pub async fn attachments(&self, case_pk: i64) -> Result<Vec<Attachment>, StoreError> {
        let rows: Vec<AttachmentRow> = dispatch!(self, pool, _b => {
            sqlx::query_as(
                "SELECT id, case_pk, sha256, file_name, content_type, size, uploaded_by, created_at FROM attachments WHERE case_pk = $1 ORDER BY id",
            )
            .bind(case_pk)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(attachment_from).collect())
    }

    pub async fn attachment(&self, id: i64) -> Result<Option<Attachment>, StoreError> {
        let row: Option<AttachmentRow> = dispatch!(self, pool, _b => {
            sqlx::query_as("SELECT id, case_pk, sha256, file_name, content_type, size, uploaded_by, created_at FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(attachment_from))
    }
}
