//! A non-normative bridge from CVSS to the GB/T 30279 indicators, so that a reporter's CVSS
//! vector can pre-fill the grading form. GB/T 30279-2020 defines no such mapping; an analyst
//! must confirm every suggested value before a grade is recorded.

use super::{
    AccessPath, ExploitationCost, FixDifficulty, ImpactDegree, Indicators, Interaction,
    PrivilegeRequirement, TriggerRequirement,
};
use crate::cvss::Cvss;
use crate::metrics::{
    AttackComplexity, AttackRequirements, AttackVector, ExploitCodeMaturity, ExploitMaturity,
    Impact, PrivilegesRequired, RemediationLevel, ResponseEffort, UserInteraction3,
    UserInteraction4,
};

/// Suggests GB/T 30279 indicators from a CVSS vector. **Non-normative**: a convenience for
/// filling in the form, not a conversion defined by the standard.
///
/// From the base metrics: AV → access path; AC (3.x) or AC and AT (4.0, high if either is
/// high/present) → trigger requirement; PR → privilege; UI → interaction; C/I/A (3.x) or
/// VC/VI/VA (4.0, the vulnerable system) → impact with H → 严重, L → 一般, N → 无.
/// Environment indicators only where CVSS says something close: exploit maturity → exploitation
/// cost (functional/high or attacked → low, proof of concept → medium, unproven or unreported →
/// high); CVSS 3.x remediation level (official fix → low, temporary fix or workaround →
/// medium, unavailable → high) or CVSS 4.0 response effort → fix difficulty. Scope of impact
/// has no CVSS counterpart and is left empty.
pub fn prefill_from_cvss(cvss: &Cvss) -> Indicators {
    match cvss {
        Cvss::V3(v) => {
            let b = &v.base;
            Indicators {
                access_path: access_path(b.attack_vector),
                trigger: match b.attack_complexity {
                    AttackComplexity::Low => TriggerRequirement::Low,
                    AttackComplexity::High => TriggerRequirement::High,
                },
                privilege: privilege(b.privileges_required),
                interaction: match b.user_interaction {
                    UserInteraction3::None => Interaction::NotRequired,
                    UserInteraction3::Required => Interaction::Required,
                },
                confidentiality: impact(b.confidentiality),
                integrity: impact(b.integrity),
                availability: impact(b.availability),
                exploitation_cost: v.temporal.exploit_code_maturity.map(|e| match e {
                    ExploitCodeMaturity::High | ExploitCodeMaturity::Functional => {
                        ExploitationCost::Low
                    }
                    ExploitCodeMaturity::ProofOfConcept => ExploitationCost::Medium,
                    ExploitCodeMaturity::Unproven => ExploitationCost::High,
                }),
                fix_difficulty: v.temporal.remediation_level.map(|rl| match rl {
                    RemediationLevel::OfficialFix => FixDifficulty::Low,
                    RemediationLevel::TemporaryFix | RemediationLevel::Workaround => {
                        FixDifficulty::Medium
                    }
                    RemediationLevel::Unavailable => FixDifficulty::High,
                }),
                scope: None,
            }
        }
        Cvss::V4(v) => {
            let b = &v.base;
            let hard = b.attack_complexity == AttackComplexity::High
                || b.attack_requirements == AttackRequirements::Present;
            Indicators {
                access_path: access_path(b.attack_vector),
                trigger: if hard {
                    TriggerRequirement::High
                } else {
                    TriggerRequirement::Low
                },
                privilege: privilege(b.privileges_required),
                interaction: match b.user_interaction {
                    UserInteraction4::None => Interaction::NotRequired,
                    UserInteraction4::Passive | UserInteraction4::Active => Interaction::Required,
                },
                confidentiality: impact(b.vulnerable_confidentiality),
                integrity: impact(b.vulnerable_integrity),
                availability: impact(b.vulnerable_availability),
                exploitation_cost: v.threat.exploit_maturity.map(|e| match e {
                    ExploitMaturity::Attacked => ExploitationCost::Low,
                    ExploitMaturity::ProofOfConcept => ExploitationCost::Medium,
                    ExploitMaturity::Unreported => ExploitationCost::High,
                }),
                fix_difficulty: v.supplemental.response_effort.map(|re| match re {
                    ResponseEffort::Low => FixDifficulty::Low,
                    ResponseEffort::Moderate => FixDifficulty::Medium,
                    ResponseEffort::High => FixDifficulty::High,
                }),
                scope: None,
            }
        }
    }
}

fn access_path(av: AttackVector) -> AccessPath {
    match av {
        AttackVector::Network => AccessPath::Network,
        AttackVector::Adjacent => AccessPath::Adjacent,
        AttackVector::Local => AccessPath::Local,
        AttackVector::Physical => AccessPath::Physical,
    }
}

fn privilege(pr: PrivilegesRequired) -> PrivilegeRequirement {
    match pr {
        PrivilegesRequired::None => PrivilegeRequirement::None,
        PrivilegesRequired::Low => PrivilegeRequirement::Low,
        PrivilegesRequired::High => PrivilegeRequirement::High,
    }
}

fn impact(value: Impact) -> ImpactDegree {
    match value {
        Impact::High => ImpactDegree::Severe,
        Impact::Low => ImpactDegree::General,
        Impact::None => ImpactDegree::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefill(vector: &str) -> String {
        Cvss::parse(vector)
            .map(|c| prefill_from_cvss(&c).to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn maps_cvss31() {
        assert_eq!(
            prefill("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N"),
            "GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:G/A:N"
        );
        assert_eq!(
            prefill("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:H/E:P/RL:O"),
            "GBT30279/AP:P/TR:H/PR:H/UI:R/C:N/I:N/A:S/EC:M/FD:L"
        );
    }

    #[test]
    fn maps_cvss40() {
        assert_eq!(
            prefill("CVSS:4.0/AV:A/AC:L/AT:P/PR:L/UI:P/VC:H/VI:H/VA:L/SC:H/SI:N/SA:N/E:A/RE:H"),
            "GBT30279/AP:A/TR:H/PR:L/UI:R/C:S/I:S/A:G/EC:L/FD:H"
        );
        assert_eq!(
            prefill("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N"),
            "GBT30279/AP:L/TR:L/PR:N/UI:N/C:N/I:G/A:N"
        );
    }
}
