//! The receipt log (Art. 5): one append-only, hash-chained entry per inbound report, kept at least
//! 183 days.

use time::OffsetDateTime;

use crate::ids::{CaseId, UserId};
use crate::org::str_enum;
use crate::policy::{Policy, RECEIPT_RETENTION_FLOOR_DAYS};
use crate::refusal::{Refusal, rules};

/// How a report arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Api,
    Email,
    Import,
    Scanner,
}

str_enum!(Channel { Web => "web", Api => "api", Email => "email", Import => "import", Scanner => "scanner" } what "channel");

/// A receipt-log entry as written (REG-5.1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Receipt {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub channel: Channel,
    pub reporter: Option<UserId>,
    /// Sender address for channels without an account (e-mail).
    pub sender: Option<String>,
    /// SHA-256 of the report content as received, hex.
    pub content_sha256: String,
    pub size: i64,
    pub case_id: CaseId,
}

impl Receipt {
    /// The fields the chain hash covers, in order.
    pub fn chain_fields(&self) -> Vec<Vec<u8>> {
        vec![
            crate::hashchain::timestamp_field(self.received_at).into_bytes(),
            self.channel.as_str().as_bytes().to_vec(),
            self.reporter
                .map(|r| r.0.to_string())
                .unwrap_or_default()
                .into_bytes(),
            self.sender.clone().unwrap_or_default().into_bytes(),
            self.content_sha256.as_bytes().to_vec(),
            self.size.to_string().into_bytes(),
            self.case_id.to_string().into_bytes(),
        ]
    }
}

/// REG-5.2: whether a receipt received at `received_at` may be deleted at `now`. The configured
/// retention applies, and never less than the legal floor.
pub fn may_delete(
    received_at: OffsetDateTime,
    now: OffsetDateTime,
    policy: &Policy,
) -> Result<(), Refusal> {
    let days = policy
        .receipt_retention_days
        .max(RECEIPT_RETENTION_FLOOR_DAYS);
    let keep_until = received_at + time::Duration::days(i64::from(days));
    if now >= keep_until {
        Ok(())
    } else {
        Err(Refusal::gate(
            rules::REG_5_2,
            format!(
                "receipt-log entries must be kept {days} days; this one may not be deleted before {}",
                keep_until.date()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn young_receipts_cannot_be_deleted() {
        let policy = Policy {
            receipt_retention_days: 183,
            ..Policy::default()
        };
        let received = datetime!(2026-01-01 00:00 UTC);
        let refusal = may_delete(received, datetime!(2026-07-02 23:59 UTC), &policy).unwrap_err();
        assert_eq!(refusal.rule, "REG-5.2");
        assert!(may_delete(received, datetime!(2026-07-03 00:00 UTC), &policy).is_ok());
    }

    #[test]
    fn longer_configured_retention_applies() {
        let policy = Policy {
            receipt_retention_days: 365,
            ..Policy::default()
        };
        let received = datetime!(2026-01-01 00:00 UTC);
        assert!(may_delete(received, datetime!(2026-08-01 00:00 UTC), &policy).is_err());
    }
}
