//! Deployment policy: the knobs the Regulations leave to the platform (deadline reading, fix SLAs,
//! receipt retention, quiet periods, the hype-phrase list). Loaded from TOML; every field has a
//! default, and values that would weaken a legal floor are refused.

use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset, macros::offset};

use crate::error::InvalidInput;
use crate::grade::Grade;
use crate::ids::CaseIdPrefix;

/// China Standard Time. Mainland China keeps no daylight-saving time, so a fixed offset is exact.
pub const BEIJING: UtcOffset = offset!(+8);

/// The floor of receipt-log retention: six months, read as 183 days (Art. 5, REG-5.2).
pub const RECEIPT_RETENTION_FLOOR_DAYS: u32 = 183;

/// How "within 2 days" (Art. 7(2)) is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalReportDeadline {
    /// 48 hours from the moment the vendor became aware (the stricter reading; the default).
    #[default]
    Hours48,
    /// The end of the second calendar day after awareness, Beijing time.
    EndOfSecondDayBeijing,
}

/// Days a vendor or operator has to fix, per grade (REG-8.1; the numbers are the platform's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FixSla {
    pub critical_days: u32,
    pub high_days: u32,
    pub medium_days: u32,
    pub low_days: u32,
}

impl Default for FixSla {
    fn default() -> Self {
        Self {
            critical_days: 7,
            high_days: 15,
            medium_days: 30,
            low_days: 90,
        }
    }
}

impl FixSla {
    pub fn days_for(&self, grade: Grade) -> u32 {
        match grade {
            Grade::Critical => self.critical_days,
            Grade::High => self.high_days,
            Grade::Medium => self.medium_days,
            Grade::Low => self.low_days,
        }
    }
}

/// A window in which nothing is published without MPS consent (Art. 9(6)), in Beijing time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietPeriod {
    pub name: String,
    /// Inclusive start, `YYYY-MM-DD HH:MM` Beijing time.
    #[serde(with = "beijing_minutes")]
    pub start: OffsetDateTime,
    /// Exclusive end, `YYYY-MM-DD HH:MM` Beijing time.
    #[serde(with = "beijing_minutes")]
    pub end: OffsetDateTime,
}

impl QuietPeriod {
    pub fn contains(&self, t: OffsetDateTime) -> bool {
        self.start <= t && t < self.end
    }
}

/// The deployment's policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub case_id_prefix: CaseIdPrefix,
    pub national_report_deadline: NationalReportDeadline,
    /// Hours after awareness at which a missing national report is escalated before the deadline.
    pub national_report_warning_hours: u32,
    pub fix_sla: FixSla,
    pub receipt_retention_days: u32,
    pub quiet_periods: Vec<QuietPeriod>,
    /// Phrases that exaggerate harm and may not appear in public text (REG-9.3). Matched
    /// case-insensitively as substrings.
    pub hype_phrases: Vec<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            case_id_prefix: CaseIdPrefix::default(),
            national_report_deadline: NationalReportDeadline::default(),
            national_report_warning_hours: 24,
            fix_sla: FixSla::default(),
            receipt_retention_days: 365,
            quiet_periods: Vec::new(),
            hype_phrases: [
                "核弹级",
                "史诗级",
                "毁灭性",
                "史上最严重",
                "全网沦陷",
                "惊天",
                "末日",
                "nuclear-grade",
                "apocalyptic",
                "catastrophic",
                "world's worst",
                "biggest ever",
                "doomsday",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        }
    }
}

impl Policy {
    /// Parses a policy file and checks its floors.
    pub fn from_toml(text: &str) -> Result<Self, InvalidInput> {
        let policy: Policy = toml::from_str(text)
            .map_err(|e| InvalidInput::new("policy", e.message().to_owned()))?;
        policy.validate()
    }

    pub fn validate(self) -> Result<Self, InvalidInput> {
        if self.receipt_retention_days < RECEIPT_RETENTION_FLOOR_DAYS {
            return Err(InvalidInput::new(
                "receipt_retention_days",
                format!(
                    "receipt logs must be kept at least {RECEIPT_RETENTION_FLOOR_DAYS} days (Art. 5, REG-5.2); {} is below the floor",
                    self.receipt_retention_days
                ),
            ));
        }
        if self.national_report_warning_hours == 0 || self.national_report_warning_hours >= 48 {
            return Err(InvalidInput::new(
                "national_report_warning_hours",
                "the warning must come between 1 and 47 hours after awareness",
            ));
        }
        let sla = self.fix_sla;
        let ordered = 0 < sla.critical_days
            && sla.critical_days <= sla.high_days
            && sla.high_days <= sla.medium_days
            && sla.medium_days <= sla.low_days
            && sla.low_days <= 3650;
        if !ordered {
            return Err(InvalidInput::new(
                "fix_sla",
                "fix SLAs must be positive, at most 3650 days, and no longer for a higher grade than for a lower one",
            ));
        }
        if let Some(p) = self.quiet_periods.iter().find(|p| p.end <= p.start) {
            return Err(InvalidInput::new(
                "quiet_periods",
                format!("the quiet period {:?} ends before it starts", p.name),
            ));
        }
        Ok(self)
    }

    pub fn receipt_retention(&self) -> Duration {
        Duration::days(i64::from(self.receipt_retention_days))
    }
}

mod beijing_minutes {
    use super::BEIJING;
    use serde::{Deserialize, Deserializer, Serializer};
    use time::{OffsetDateTime, PrimitiveDateTime, macros::format_description};

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day] [hour]:[minute]");

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        let local = t.to_offset(BEIJING);
        let text = PrimitiveDateTime::new(local.date(), local.time())
            .format(FORMAT)
            .map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        PrimitiveDateTime::parse(&text, FORMAT)
            .map(|p| p.assume_offset(BEIJING))
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "{text:?} is not a Beijing time of the form YYYY-MM-DD HH:MM"
                ))
            })
    }
}

/// Midnight at the start of `date`, Beijing time.
pub(crate) fn beijing_midnight(date: time::Date) -> OffsetDateTime {
    PrimitiveDateTime::new(date, time::Time::MIDNIGHT).assume_offset(BEIJING)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        let p = Policy::default().validate().unwrap();
        let text = toml::to_string(&p).unwrap();
        assert_eq!(Policy::from_toml(&text).unwrap(), p);
    }

    #[test]
    fn retention_floor_is_enforced() {
        let err = Policy::from_toml("receipt_retention_days = 90").unwrap_err();
        assert!(err.message.contains("183"), "{err}");
        assert!(Policy::from_toml("receipt_retention_days = 183").is_ok());
    }

    #[test]
    fn quiet_periods_parse_in_beijing_time() {
        let p = Policy::from_toml(
            r#"
            [[quiet_periods]]
            name = "national event"
            start = "2026-10-01 00:00"
            end = "2026-10-08 00:00"
            "#,
        )
        .unwrap();
        let q = &p.quiet_periods[0];
        assert_eq!(q.start.to_offset(UtcOffset::UTC).hour(), 16);
        assert!(q.contains(time::macros::datetime!(2026-10-01 00:30 +8)));
        assert!(!q.contains(time::macros::datetime!(2026-10-08 00:00 +8)));
        assert!(
            Policy::from_toml(
                "[[quiet_periods]]\nname='x'\nstart='2026-10-02 00:00'\nend='2026-10-01 00:00'"
            )
            .is_err()
        );
        assert!(
            Policy::from_toml(
                "[[quiet_periods]]\nname='x'\nstart='tomorrow'\nend='2026-10-01 00:00'"
            )
            .unwrap_err()
            .message
            .contains("Beijing")
        );
    }

    #[test]
    fn unknown_keys_and_bad_slas_are_refused() {
        assert!(Policy::from_toml("retention = 400").is_err());
        assert!(Policy::from_toml("[fix_sla]\ncritical_days = 30\nhigh_days = 7").is_err());
        assert!(Policy::from_toml("case_id_prefix = 'bad prefix'").is_err());
    }
}
