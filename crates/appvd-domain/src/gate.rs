//! Gates: the checks the Regulations put in front of leaving verification (REG-7.3), publishing
//! (Art. 9, REG-9.1 … REG-9.6) and sharing unpublished detail abroad (REG-9.7).
//!
//! Each check is a pure function of the case, the time and the policy; each failing check yields a
//! [`Refusal`] naming its rule id, so a page can show every reason at once.

use time::OffsetDateTime;

use crate::case::{Case, CaseType};
use crate::ids::OrgId;
use crate::org::Jurisdiction;
use crate::policy::Policy;
use crate::refusal::{Refusal, rules};

/// A field REG-7.3 requires before a case leaves verification: exactly what the vendor must report
/// to the national platform within two days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequiredField {
    ProductName,
    PackageId,
    AffectedVersions,
    TechnicalCharacteristics,
    Weakness,
    Harm,
    Grade,
    Scope,
}

impl RequiredField {
    pub fn label(self) -> &'static str {
        match self {
            RequiredField::ProductName => "product name",
            RequiredField::PackageId => "package id / model",
            RequiredField::AffectedVersions => "affected versions",
            RequiredField::TechnicalCharacteristics => "technical characteristics",
            RequiredField::Weakness => "weakness (CWE or GB/T 30279 category)",
            RequiredField::Harm => "harm",
            RequiredField::Grade => "grade",
            RequiredField::Scope => "scope of impact",
        }
    }
}

/// Shortest description that can count as "technical characteristics". A title repeated is not a
/// description.
const MIN_DESCRIPTION_CHARS: usize = 20;

/// REG-7.3: the fields that are still missing. Empty means the case may leave verification.
pub fn missing_required_fields(case: &Case) -> Vec<RequiredField> {
    let blank = |s: Option<&str>| s.is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    match &case.product {
        None => missing.extend([RequiredField::ProductName, RequiredField::PackageId]),
        Some(p) => {
            if p.name.trim().is_empty() {
                missing.push(RequiredField::ProductName);
            }
            if p.package_id.trim().is_empty() {
                missing.push(RequiredField::PackageId);
            }
        }
    }
    if case.affected_versions.trim().is_empty() {
        missing.push(RequiredField::AffectedVersions);
    }
    if case.description.trim().chars().count() < MIN_DESCRIPTION_CHARS {
        missing.push(RequiredField::TechnicalCharacteristics);
    }
    if case.cwe.is_none() && blank(case.gbt_category.as_deref()) {
        missing.push(RequiredField::Weakness);
    }
    if blank(case.harm.as_deref()) {
        missing.push(RequiredField::Harm);
    }
    if case.grade.is_none() {
        missing.push(RequiredField::Grade);
    }
    if blank(case.scope.as_deref()) {
        missing.push(RequiredField::Scope);
    }
    missing
}

/// Runs every publication rule of Art. 9 and returns all that fail.
pub fn check_publication(
    case: &Case,
    now: OffsetDateTime,
    policy: &Policy,
    poc_texts: &[&str],
) -> Result<(), Vec<Refusal>> {
    let refusals: Vec<Refusal> = [
        reg_9_1_fix_or_exception(case),
        reg_9_2_no_event_details(case),
        reg_9_3_truthful_severity(case, policy),
        reg_9_4_no_exploit(case, poc_texts),
        reg_9_5_remediation(case),
        reg_9_6_quiet_period(case, now, policy),
    ]
    .into_iter()
    .flatten()
    .collect();
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// REG-9.1: a fix or official mitigation exists, or a complete early-release exception.
pub fn reg_9_1_fix_or_exception(case: &Case) -> Option<Refusal> {
    let fix_available = case.fix.is_some()
        || case
            .mitigation
            .as_ref()
            .is_some_and(|m| !m.text.trim().is_empty());
    let exception = case.early_release.as_ref().is_some_and(|e| e.is_complete());
    if fix_available || exception {
        None
    } else {
        Some(Refusal::gate(
            rules::REG_9_1,
            "no publication before the vendor has released a fix or an official mitigation, unless an early-release exception records the joint assessment, the reports to MIIT and MPS, and the authorities' assessment",
        ))
    }
}

/// REG-9.2: event-type cases are never published with details.
pub fn reg_9_2_no_event_details(case: &Case) -> Option<Refusal> {
    (case.case_type == CaseType::Event).then(|| {
        Refusal::gate(
            rules::REG_9_2,
            "this is an event-type case (an operator's live system): its details may never be published; close it unpublished instead",
        )
    })
}

/// REG-9.3: the public severity equals the verified grade (an override needs a reason and a second
/// person), and the public text does not exaggerate.
pub fn reg_9_3_truthful_severity(case: &Case, policy: &Policy) -> Option<Refusal> {
    if case.grade.is_none() {
        return Some(Refusal::gate(
            rules::REG_9_3,
            "the case has no verified grade to publish",
        ));
    }
    if let Some(o) = &case.grade_override {
        let approved = o.approved_by.is_some_and(|a| a != o.proposed_by);
        if !approved || o.reason.trim().is_empty() {
            return Some(Refusal::gate(
                rules::REG_9_3,
                "the public severity differs from the verified grade without a recorded reason and a second reviewer's approval",
            ));
        }
    }
    let public_text = [Some(case.title.as_str()), case.advisory_summary.as_deref()];
    for text in public_text.into_iter().flatten() {
        let lower = text.to_lowercase();
        if let Some(phrase) = policy
            .hype_phrases
            .iter()
            .find(|p| !p.is_empty() && lower.contains(&p.to_lowercase()))
        {
            return Some(Refusal::gate(
                rules::REG_9_3,
                format!(
                    "the public text uses the exaggerating phrase {phrase:?}; describe the harm plainly"
                ),
            ));
        }
    }
    None
}

/// Shortest PoC line that counts as leaked when it appears in public text; shorter lines (a bare
/// URL path, "adb shell") are too common to mean anything.
const MIN_LEAKED_LINE: usize = 24;

/// REG-9.4: no exploit code or PoC material in the public fields.
pub fn reg_9_4_no_exploit(case: &Case, poc_texts: &[&str]) -> Option<Refusal> {
    let public_fields = [
        Some(case.title.as_str()),
        case.advisory_summary.as_deref(),
        case.remediation.as_deref(),
        case.vendor_statement.as_deref(),
    ];
    for text in public_fields.into_iter().flatten() {
        if text.contains("```") || text.to_ascii_lowercase().contains("<script") {
            return Some(Refusal::gate(
                rules::REG_9_4,
                "the public text contains a code block; exploit code never goes into an advisory",
            ));
        }
        for poc in poc_texts {
            let leaked = poc
                .lines()
                .map(str::trim)
                .filter(|l| l.chars().count() >= MIN_LEAKED_LINE)
                .any(|l| text.contains(l));
            if leaked {
                return Some(Refusal::gate(
                    rules::REG_9_4,
                    "the public text repeats material from the restricted proof of concept",
                ));
            }
        }
    }
    None
}

/// REG-9.5: remediation or mitigation is published at the same time.
pub fn reg_9_5_remediation(case: &Case) -> Option<Refusal> {
    let has_remediation = case
        .remediation
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    (!has_remediation).then(|| {
        Refusal::gate(
            rules::REG_9_5,
            "an advisory must carry remediation (fixed version, upgrade path) or mitigation text",
        )
    })
}

/// REG-9.6: nothing is published inside an administrator's quiet period without a recorded consent.
pub fn reg_9_6_quiet_period(case: &Case, now: OffsetDateTime, policy: &Policy) -> Option<Refusal> {
    let period = policy.quiet_periods.iter().find(|p| p.contains(now))?;
    if case
        .mps_consent
        .as_ref()
        .is_some_and(|c| !c.reference.trim().is_empty())
    {
        return None;
    }
    Some(Refusal::gate(
        rules::REG_9_6,
        format!(
            "publication is held during the quiet period {:?} unless a consent from the Ministry of Public Security is recorded",
            period.name
        ),
    ))
}

/// Someone who would receive unpublished detail (a user, an invitee, an e-mail recipient, an export).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub jurisdiction: Jurisdiction,
    pub org: Option<OrgId>,
}

/// REG-9.7: while a case is unpublished, an overseas recipient gets its details only if it belongs
/// to the case's own vendor organisation.
pub fn reg_9_7_may_share_unpublished(case: &Case, recipient: Recipient) -> Result<(), Refusal> {
    if case.state.is_public() || recipient.jurisdiction == Jurisdiction::Domestic {
        return Ok(());
    }
    if recipient.org.is_some() && recipient.org == case.vendor_org() {
        return Ok(());
    }
    Err(Refusal::forbidden(
        rules::REG_9_7,
        "unpublished vulnerability details may not go to an overseas party other than the affected vendor",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseState, GradeOverride, MpsConsent};
    use crate::grade::Grade;
    use crate::ids::UserId;
    use crate::policy::QuietPeriod;
    use crate::testing::*;
    use time::macros::date;

    fn rules_of(r: Result<(), Vec<Refusal>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.rule)
            .collect()
    }

    #[test]
    fn a_publishable_case_passes_every_rule() {
        assert_eq!(
            check_publication(&publishable_case(), NOW, &Policy::default(), &[]),
            Ok(())
        );
    }

    #[test]
    fn reg_9_1_needs_fix_or_complete_exception() {
        let mut c = publishable_case();
        c.fix = None;
        assert_eq!(
            rules_of(check_publication(&c, NOW, &Policy::default(), &[])),
            ["REG-9.1"]
        );
    }

    #[test]
    fn reg_9_2_event_cases_are_never_published() {
        let mut c = publishable_case();
        c.case_type = CaseType::Event;
        assert_eq!(
            rules_of(check_publication(&c, NOW, &Policy::default(), &[])),
            ["REG-9.2"]
        );
    }

    #[test]
    fn reg_9_3_severity_and_hype() {
        let policy = Policy::default();
        let mut c = publishable_case();
        c.grade_override = Some(GradeOverride {
            grade: Grade::Critical,
            reason: "exploited".into(),
            proposed_by: UserId(2),
            approved_by: None,
        });
        assert_eq!(
            rules_of(check_publication(&c, NOW, &policy, &[])),
            ["REG-9.3"]
        );
        c.grade_override = Some(GradeOverride {
            grade: Grade::Critical,
            reason: "exploited".into(),
            proposed_by: UserId(2),
            approved_by: Some(UserId(2)),
        });
        assert_eq!(
            rules_of(check_publication(&c, NOW, &policy, &[])),
            ["REG-9.3"],
            "self-approval does not count"
        );
        c.grade_override = Some(GradeOverride {
            grade: Grade::Critical,
            reason: "exploited in the wild".into(),
            proposed_by: UserId(2),
            approved_by: Some(UserId(3)),
        });
        assert_eq!(check_publication(&c, NOW, &policy, &[]), Ok(()));
        assert_eq!(c.public_grade(), Some(Grade::Critical));

        let mut c = publishable_case();
        c.title = "核弹级漏洞：Acme Chat 聊天记录泄露".into();
        assert_eq!(
            rules_of(check_publication(&c, NOW, &policy, &[])),
            ["REG-9.3"]
        );
        let mut c = publishable_case();
        c.grade = None;
        assert!(rules_of(check_publication(&c, NOW, &policy, &[])).contains(&"REG-9.3".to_owned()));
    }

    #[test]
    fn reg_9_4_no_poc_in_public_text() {
        let policy = Policy::default();
        let poc = "adb shell content query --uri content://com.acme.chat.history/messages";
        let mut c = publishable_case();
        c.advisory_summary = Some(format!("Run this:\n{poc}\nto see messages."));
        assert_eq!(
            rules_of(check_publication(&c, NOW, &policy, &[poc])),
            ["REG-9.4"]
        );
        let mut c = publishable_case();
        c.remediation = Some("```\nexploit()\n```".into());
        assert_eq!(
            rules_of(check_publication(&c, NOW, &policy, &[])),
            ["REG-9.4"]
        );
        // Short common lines of a PoC do not block an advisory that happens to contain them.
        let c = publishable_case();
        assert_eq!(
            check_publication(&c, NOW, &policy, &["Upgrade to 5.2.0"]),
            Ok(())
        );
    }

    #[test]
    fn reg_9_5_remediation_is_required() {
        let mut c = publishable_case();
        c.remediation = Some("   ".into());
        assert_eq!(
            rules_of(check_publication(&c, NOW, &Policy::default(), &[])),
            ["REG-9.5"]
        );
    }

    #[test]
    fn reg_9_6_quiet_periods_hold_publication_without_consent() {
        let mut policy = Policy::default();
        policy.quiet_periods.push(QuietPeriod {
            name: "summit".into(),
            start: NOW - time::Duration::days(1),
            end: NOW + time::Duration::days(1),
        });
        let mut c = publishable_case();
        assert_eq!(
            rules_of(check_publication(&c, NOW, &policy, &[])),
            ["REG-9.6"]
        );
        assert_eq!(
            check_publication(&c, NOW + time::Duration::days(2), &policy, &[]),
            Ok(())
        );
        c.mps_consent = Some(MpsConsent {
            reference: "MPS-2026-17".into(),
            given_on: date!(2026 - 11 - 29),
            scope: "this advisory".into(),
        });
        assert_eq!(check_publication(&c, NOW, &policy, &[]), Ok(()));
    }

    #[test]
    fn all_failing_rules_are_reported_together() {
        let mut c = publishable_case();
        c.case_type = CaseType::Event;
        c.fix = None;
        c.remediation = None;
        assert_eq!(
            rules_of(check_publication(&c, NOW, &Policy::default(), &[])),
            ["REG-9.1", "REG-9.2", "REG-9.5"]
        );
    }

    #[test]
    fn reg_9_7_overseas_recipients() {
        let c = case_in(CaseState::Fixing);
        let overseas_stranger = Recipient {
            jurisdiction: Jurisdiction::Overseas,
            org: Some(OTHER_VENDOR),
        };
        let overseas_vendor = Recipient {
            jurisdiction: Jurisdiction::Overseas,
            org: Some(VENDOR),
        };
        let domestic = Recipient {
            jurisdiction: Jurisdiction::Domestic,
            org: None,
        };
        assert_eq!(
            reg_9_7_may_share_unpublished(&c, overseas_stranger)
                .unwrap_err()
                .rule,
            "REG-9.7"
        );
        assert!(
            reg_9_7_may_share_unpublished(
                &c,
                Recipient {
                    jurisdiction: Jurisdiction::Overseas,
                    org: None
                }
            )
            .is_err()
        );
        assert!(reg_9_7_may_share_unpublished(&c, overseas_vendor).is_ok());
        assert!(reg_9_7_may_share_unpublished(&c, domestic).is_ok());
        let published = case_in(CaseState::Published);
        assert!(reg_9_7_may_share_unpublished(&published, overseas_stranger).is_ok());
    }

    #[test]
    fn reg_7_3_complete_case_has_nothing_missing() {
        assert!(missing_required_fields(&case_in(CaseState::Triage)).is_empty());
        let mut c = case_in(CaseState::Triage);
        c.product = None;
        c.description = "too short".into();
        assert_eq!(
            missing_required_fields(&c),
            [
                RequiredField::ProductName,
                RequiredField::PackageId,
                RequiredField::TechnicalCharacteristics
            ]
        );
    }
}
