//! Deadlines: the national report clock (Art. 7(2), REG-7.1) and fix SLAs (REG-8.1).
//!
//! A missed deadline escalates; it never publishes anything (REG-9.1).

use time::{Duration, OffsetDateTime};

use crate::case::{Case, CaseType};
use crate::grade::Grade;
use crate::policy::{BEIJING, NationalReportDeadline, Policy, beijing_midnight};

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Running, no escalation yet.
    Running,
    /// Past the warning point (REG-7.1 escalates at 24 h by default).
    Warning,
    /// Past the deadline.
    Overdue,
    /// The duty was met (report recorded, fix released).
    Met,
}

/// A deadline with its warning point and current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Clock {
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub warn_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    pub status: ClockStatus,
}

impl Clock {
    fn at(
        started_at: OffsetDateTime,
        warn_at: OffsetDateTime,
        due_at: OffsetDateTime,
        now: OffsetDateTime,
        met: bool,
    ) -> Self {
        let status = if met {
            ClockStatus::Met
        } else if now >= due_at {
            ClockStatus::Overdue
        } else if now >= warn_at {
            ClockStatus::Warning
        } else {
            ClockStatus::Running
        };
        Self {
            started_at,
            warn_at,
            due_at,
            status,
        }
    }

    /// Time left until the deadline (negative when overdue).
    pub fn remaining(&self, now: OffsetDateTime) -> Duration {
        self.due_at - now
    }
}

/// When the vendor's national report is due, counted from the moment it became aware.
pub fn national_report_due(
    aware_at: OffsetDateTime,
    rule: NationalReportDeadline,
) -> OffsetDateTime {
    match rule {
        NationalReportDeadline::Hours48 => aware_at + Duration::hours(48),
        NationalReportDeadline::EndOfSecondDayBeijing => {
            let day = aware_at.to_offset(BEIJING).date();
            // "Within 2 days" counts the following two calendar days; the deadline is the midnight
            // that ends the second one.
            let end = day
                .next_day()
                .and_then(|d| d.next_day())
                .and_then(|d| d.next_day())
                .unwrap_or(day);
            beijing_midnight(end)
        }
    }
}

/// REG-7.1: the national report clock of a general-type case, once the vendor is aware.
pub fn national_report_clock(case: &Case, policy: &Policy, now: OffsetDateTime) -> Option<Clock> {
    if case.case_type != CaseType::General {
        return None;
    }
    let aware = case.vendor_aware_at?;
    let due = national_report_due(aware, policy.national_report_deadline);
    let warn = (aware + Duration::hours(i64::from(policy.national_report_warning_hours))).min(due);
    Some(Clock::at(
        aware,
        warn,
        due,
        now,
        case.national_report.is_some(),
    ))
}

/// When a fix is due for a case of this grade, counted from awareness.
pub fn fix_due(aware_at: OffsetDateTime, grade: Grade, policy: &Policy) -> OffsetDateTime {
    aware_at + Duration::days(i64::from(policy.fix_sla.days_for(grade)))
}

/// REG-8.1: the fix clock, once the vendor or operator is aware and the case is graded. Warns when
/// three quarters of the time is used.
pub fn fix_clock(case: &Case, policy: &Policy, now: OffsetDateTime) -> Option<Clock> {
    let aware = case.vendor_aware_at?;
    let grade = case.grade?;
    let due = fix_due(aware, grade, policy);
    let warn = aware + (due - aware) * 3 / 4;
    Some(Clock::at(aware, warn, due, now, case.fix.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn forty_eight_hours() {
        let aware = datetime!(2026-03-02 23:30 UTC);
        assert_eq!(
            national_report_due(aware, NationalReportDeadline::Hours48),
            datetime!(2026-03-04 23:30 UTC)
        );
    }

    #[test]
    fn end_of_second_day_in_beijing() {
        // 23:30 UTC on 2 March is 07:30 on 3 March in Beijing: the second day after is 5 March,
        // which ends at midnight Beijing = 16:00 UTC on 5 March.
        let aware = datetime!(2026-03-02 23:30 UTC);
        assert_eq!(
            national_report_due(aware, NationalReportDeadline::EndOfSecondDayBeijing),
            datetime!(2026-03-05 16:00 UTC)
        );
        // The lenient reading is never shorter than 48 hours.
        for hour in 0..24 {
            let aware = datetime!(2026-03-02 00:00 UTC) + Duration::hours(hour);
            assert!(
                national_report_due(aware, NationalReportDeadline::EndOfSecondDayBeijing)
                    >= aware + Duration::hours(48)
            );
        }
    }
}
