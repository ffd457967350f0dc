//! The public advisory: the allow-list of what the public may see of a case (REG-9.2, REG-9.4).
//!
//! Public pages, feeds, the public API and every export are built from [`Advisory`], never from a
//! [`Case`]; a field that is not here cannot leak. The PoC is not here, and for event-type cases
//! only the de-identified notice is.

use time::{Date, OffsetDateTime};

use crate::case::{Case, CaseState, CaseType};
use crate::grade::Grade;
use crate::ids::CaseId;
use crate::product::Platform;

/// The product part of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdvisoryProduct {
    pub name: String,
    pub vendor: String,
    pub platform: Platform,
    pub package_id: String,
}

/// What the public sees of a published case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Advisory {
    pub id: CaseId,
    pub case_type: CaseType,
    pub title: String,
    pub summary: Option<String>,
    pub product: Option<AdvisoryProduct>,
    pub affected_versions: Option<String>,
    pub fixed_versions: Option<String>,
    pub fix_released_on: Option<Date>,
    pub remediation: Option<String>,
    pub user_notice: Option<String>,
    pub grade: Option<Grade>,
    pub cvss_v3: Option<String>,
    pub cvss_v4: Option<String>,
    pub cwe: Option<u32>,
    pub gbt_category: Option<String>,
    pub aliases: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub withdrawn: bool,
    pub withdrawal_reason: Option<String>,
}

impl Advisory {
    /// The advisory of a published (or withdrawn) case; `None` for every other state.
    pub fn of(case: &Case) -> Option<Self> {
        if !case.state.is_public() {
            return None;
        }
        let published_at = case.published_at?;
        let withdrawn = case.state == CaseState::Withdrawn;
        let withdrawal_reason = if withdrawn {
            case.closing_reason.clone()
        } else {
            None
        };
        if case.case_type == CaseType::Event {
            // REG-9.2: a de-identified notice only; no product, endpoint, versions or vectors.
            return Some(Self {
                id: case.id.clone(),
                case_type: CaseType::Event,
                title: case.title.clone(),
                summary: None,
                product: None,
                affected_versions: None,
                fixed_versions: None,
                fix_released_on: None,
                remediation: None,
                user_notice: None,
                grade: case.public_grade(),
                cvss_v3: None,
                cvss_v4: None,
                cwe: None,
                gbt_category: None,
                aliases: Vec::new(),
                published_at,
                updated_at: case.updated_at,
                withdrawn,
                withdrawal_reason,
            });
        }
        Some(Self {
            id: case.id.clone(),
            case_type: CaseType::General,
            title: case.title.clone(),
            summary: case.advisory_summary.clone(),
            product: case.product.as_ref().map(|p| AdvisoryProduct {
                name: p.name.clone(),
                vendor: p.vendor_name.clone(),
                platform: p.platform,
                package_id: p.package_id.clone(),
            }),
            affected_versions: Some(case.affected_versions.clone()),
            fixed_versions: case.fix.as_ref().map(|f| f.fixed_versions.clone()),
            fix_released_on: case.fix.as_ref().map(|f| f.released_on),
            remediation: case.remediation.clone(),
            user_notice: case.fix.as_ref().map(|f| f.user_notice.clone()),
            grade: case.public_grade(),
            cvss_v3: case.cvss_v3.clone(),
            cvss_v4: case.cvss_v4.clone(),
            cwe: case.cwe,
            gbt_category: case.gbt_category.clone(),
            aliases: case.aliases.clone(),
            published_at,
            updated_at: case.updated_at,
            withdrawn,
            withdrawal_reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn unpublished_cases_have_no_advisory() {
        for state in CaseState::ALL {
            let mut c = publishable_case();
            c.state = *state;
            c.published_at = Some(NOW);
            assert_eq!(Advisory::of(&c).is_some(), state.is_public(), "{state}");
        }
    }

    #[test]
    fn event_cases_show_only_a_notice() {
        let mut c = publishable_case();
        c.state = CaseState::Published;
        c.published_at = Some(NOW);
        c.case_type = CaseType::Event;
        let a = Advisory::of(&c).unwrap();
        assert!(
            a.product.is_none()
                && a.summary.is_none()
                && a.affected_versions.is_none()
                && a.cvss_v3.is_none()
        );
    }

    #[test]
    fn the_description_never_reaches_the_advisory() {
        let mut c = publishable_case();
        c.state = CaseState::Published;
        c.published_at = Some(NOW);
        let json = serde_json::to_string(&Advisory::of(&c).unwrap()).unwrap();
        assert!(
            !json.contains(&c.description),
            "the internal description is not public text"
        );
    }
}
