//! CVSS 3.0 and 3.1: base, temporal and environmental metric groups and the FIRST equations.
//!
//! Scores are computed in `f64` exactly as the specification writes the equations and then
//! rounded with the CVSS 3.1 Appendix A `Roundup`, which first rounds to five decimal places so
//! that float noise (`2.5 × 0.92 = 2.3000000000000003`) does not bump a score up by 0.1. CVSS 3.0
//! defines "round up" on the exact value; the same function is the float-safe way to compute it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::metrics::{
    AttackComplexity, AttackVector, ExploitCodeMaturity, Impact, PrivilegesRequired,
    RemediationLevel, ReportConfidence, Requirement, Scope, UserInteraction3,
};
use super::vector::{self, MetricSpec, pick};
use super::{CvssError, CvssVersion};
use crate::score::{Score, Severity};

/// The two CVSS 3 minor versions, which differ only in the environmental equation and in how
/// rounding is specified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cvss3Version {
    /// `CVSS:3.0/`
    #[serde(rename = "3.0")]
    V3_0,
    /// `CVSS:3.1/`
    #[serde(rename = "3.1")]
    V3_1,
}

impl Cvss3Version {
    /// The general version tag.
    pub fn version(self) -> CvssVersion {
        match self {
            Cvss3Version::V3_0 => CvssVersion::V3_0,
            Cvss3Version::V3_1 => CvssVersion::V3_1,
        }
    }
}

/// Base metric group (all eight are mandatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Base3 {
    /// AV
    pub attack_vector: AttackVector,
    /// AC
    pub attack_complexity: AttackComplexity,
    /// PR
    pub privileges_required: PrivilegesRequired,
    /// UI
    pub user_interaction: UserInteraction3,
    /// S
    pub scope: Scope,
    /// C
    pub confidentiality: Impact,
    /// I
    pub integrity: Impact,
    /// A
    pub availability: Impact,
}

/// Temporal metric group; `None` is "Not Defined" (`X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Temporal3 {
    /// E
    pub exploit_code_maturity: Option<ExploitCodeMaturity>,
    /// RL
    pub remediation_level: Option<RemediationLevel>,
    /// RC
    pub report_confidence: Option<ReportConfidence>,
}

/// Environmental metric group; `None` is "Not Defined" (`X`), which for a modified base metric
/// means "same as the base metric".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Environmental3 {
    /// CR
    pub confidentiality_requirement: Option<Requirement>,
    /// IR
    pub integrity_requirement: Option<Requirement>,
    /// AR
    pub availability_requirement: Option<Requirement>,
    /// MAV
    pub attack_vector: Option<AttackVector>,
    /// MAC
    pub attack_complexity: Option<AttackComplexity>,
    /// MPR
    pub privileges_required: Option<PrivilegesRequired>,
    /// MUI
    pub user_interaction: Option<UserInteraction3>,
    /// MS
    pub scope: Option<Scope>,
    /// MC
    pub confidentiality: Option<Impact>,
    /// MI
    pub integrity: Option<Impact>,
    /// MA
    pub availability: Option<Impact>,
}

/// A parsed CVSS 3.0 or 3.1 vector.
///
/// `Display` writes the canonical vector: metrics in the specification's order, metrics that
/// are not defined left out, so `parse(s).to_string()` re-parses to the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cvss3 {
    /// 3.0 or 3.1.
    pub version: Cvss3Version,
    /// Base metrics.
    pub base: Base3,
    /// Temporal metrics.
    pub temporal: Temporal3,
    /// Environmental metrics.
    pub environmental: Environmental3,
}

pub(crate) const SPECS: [MetricSpec; 22] = [
    MetricSpec {
        abbr: "AV",
        codes: AttackVector::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "AC",
        codes: AttackComplexity::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "PR",
        codes: PrivilegesRequired::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "UI",
        codes: UserInteraction3::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "S",
        codes: Scope::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "C",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "I",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "A",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "E",
        codes: ExploitCodeMaturity::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "RL",
        codes: RemediationLevel::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "RC",
        codes: ReportConfidence::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "CR",
        codes: Requirement::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "IR",
        codes: Requirement::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "AR",
        codes: Requirement::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MAV",
        codes: AttackVector::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MAC",
        codes: AttackComplexity::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MPR",
        codes: PrivilegesRequired::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MUI",
        codes: UserInteraction3::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MS",
        codes: Scope::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MC",
        codes: Impact::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MI",
        codes: Impact::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MA",
        codes: Impact::CODES,
        mandatory: false,
    },
];

impl Cvss3 {
    /// Parses a `CVSS:3.0/` or `CVSS:3.1/` vector. Metrics may come in any order (the 3.x
    /// specifications allow it); optional metrics may be `X`.
    pub fn parse(input: &str) -> Result<Cvss3, CvssError> {
        let (version, body) = vector::split_prefix(input)?;
        let version = match version {
            CvssVersion::V3_0 => Cvss3Version::V3_0,
            CvssVersion::V3_1 => Cvss3Version::V3_1,
            CvssVersion::V4_0 => {
                return Err(CvssError::UnexpectedVersion {
                    expected: "3.0 or 3.1",
                    found: version,
                });
            }
        };
        Cvss3::parse_body(version, body)
    }

    pub(crate) fn parse_body(version: Cvss3Version, body: &str) -> Result<Cvss3, CvssError> {
        let slots = vector::parse_body(
            body,
            version.version(),
            &SPECS,
            (CvssVersion::V4_0, &super::v4::SPECS),
        )?;
        let s = &slots[..];
        let base = (|| {
            Some(Base3 {
                attack_vector: pick(AttackVector::ALL, s, 0)?,
                attack_complexity: pick(AttackComplexity::ALL, s, 1)?,
                privileges_required: pick(PrivilegesRequired::ALL, s, 2)?,
                user_interaction: pick(UserInteraction3::ALL, s, 3)?,
                scope: pick(Scope::ALL, s, 4)?,
                confidentiality: pick(Impact::ALL, s, 5)?,
                integrity: pick(Impact::ALL, s, 6)?,
                availability: pick(Impact::ALL, s, 7)?,
            })
        })()
        .ok_or(CvssError::MissingMandatory {
            version: version.version(),
            missing: Vec::new(),
        })?;
        Ok(Cvss3 {
            version,
            base,
            temporal: Temporal3 {
                exploit_code_maturity: pick(ExploitCodeMaturity::ALL, s, 8),
                remediation_level: pick(RemediationLevel::ALL, s, 9),
                report_confidence: pick(ReportConfidence::ALL, s, 10),
            },
            environmental: Environmental3 {
                confidentiality_requirement: pick(Requirement::ALL, s, 11),
                integrity_requirement: pick(Requirement::ALL, s, 12),
                availability_requirement: pick(Requirement::ALL, s, 13),
                attack_vector: pick(AttackVector::ALL, s, 14),
                attack_complexity: pick(AttackComplexity::ALL, s, 15),
                privileges_required: pick(PrivilegesRequired::ALL, s, 16),
                user_interaction: pick(UserInteraction3::ALL, s, 17),
                scope: pick(Scope::ALL, s, 18),
                confidentiality: pick(Impact::ALL, s, 19),
                integrity: pick(Impact::ALL, s, 20),
                availability: pick(Impact::ALL, s, 21),
            },
        })
    }

    /// Whether any temporal metric is defined.
    pub fn has_temporal(&self) -> bool {
        self.temporal != Temporal3::default()
    }

    /// Whether any environmental metric is defined.
    pub fn has_environmental(&self) -> bool {
        self.environmental != Environmental3::default()
    }

    /// The base score.
    pub fn base_score(&self) -> Score {
        let b = &self.base;
        let iss = 1.0
            - (1.0 - cia(b.confidentiality))
                * (1.0 - cia(b.integrity))
                * (1.0 - cia(b.availability));
        let impact = match b.scope {
            Scope::Unchanged => 6.42 * iss,
            Scope::Changed => 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15),
        };
        let exploitability = 8.22
            * av(b.attack_vector)
            * ac(b.attack_complexity)
            * pr(b.privileges_required, b.scope)
            * ui(b.user_interaction);
        if impact <= 0.0 {
            return Score::ZERO;
        }
        roundup(match b.scope {
            Scope::Unchanged => (impact + exploitability).min(10.0),
            Scope::Changed => (1.08 * (impact + exploitability)).min(10.0),
        })
    }

    /// The temporal score (equal to the base score when no temporal metric is defined).
    pub fn temporal_score(&self) -> Score {
        roundup(self.base_score().as_f64() * self.temporal_multiplier())
    }

    fn temporal_multiplier(&self) -> f64 {
        let t = &self.temporal;
        let e = match t.exploit_code_maturity {
            None | Some(ExploitCodeMaturity::High) => 1.0,
            Some(ExploitCodeMaturity::Functional) => 0.97,
            Some(ExploitCodeMaturity::ProofOfConcept) => 0.94,
            Some(ExploitCodeMaturity::Unproven) => 0.91,
        };
        let rl = match t.remediation_level {
            None | Some(RemediationLevel::Unavailable) => 1.0,
            Some(RemediationLevel::Workaround) => 0.97,
            Some(RemediationLevel::TemporaryFix) => 0.96,
            Some(RemediationLevel::OfficialFix) => 0.95,
        };
        let rc = match t.report_confidence {
            None | Some(ReportConfidence::Confirmed) => 1.0,
            Some(ReportConfidence::Reasonable) => 0.96,
            Some(ReportConfidence::Unknown) => 0.92,
        };
        e * rl * rc
    }

    /// The environmental score, computed from the modified base metrics (falling back to the
    /// base metrics where not defined), the security requirements and the temporal metrics.
    ///
    /// It is defined for every vector; note that for CVSS 3.1 with scope changed it can differ
    /// from the temporal score even when no environmental metric is given, because the 3.1
    /// modified-impact equation differs from the base one.
    pub fn environmental_score(&self) -> Score {
        let b = &self.base;
        let m = &self.environmental;
        let scope = m.scope.unwrap_or(b.scope);
        let weighted = |requirement: Option<Requirement>, impact: Option<Impact>, base: Impact| {
            requirement_weight(requirement) * cia(impact.unwrap_or(base))
        };
        let c = weighted(
            m.confidentiality_requirement,
            m.confidentiality,
            b.confidentiality,
        );
        let i = weighted(m.integrity_requirement, m.integrity, b.integrity);
        let a = weighted(m.availability_requirement, m.availability, b.availability);
        let miss = (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a)).min(0.915);
        let impact = match (scope, self.version) {
            (Scope::Unchanged, _) => 6.42 * miss,
            (Scope::Changed, Cvss3Version::V3_0) => {
                7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15)
            }
            (Scope::Changed, Cvss3Version::V3_1) => {
                7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13)
            }
        };
        let exploitability = 8.22
            * av(m.attack_vector.unwrap_or(b.attack_vector))
            * ac(m.attack_complexity.unwrap_or(b.attack_complexity))
            * pr(
                m.privileges_required.unwrap_or(b.privileges_required),
                scope,
            )
            * ui(m.user_interaction.unwrap_or(b.user_interaction));
        if impact <= 0.0 {
            return Score::ZERO;
        }
        let unadjusted = match scope {
            Scope::Unchanged => roundup((impact + exploitability).min(10.0)),
            Scope::Changed => roundup((1.08 * (impact + exploitability)).min(10.0)),
        };
        roundup(unadjusted.as_f64() * self.temporal_multiplier())
    }

    /// The most specific score the vector supports: environmental if any environmental metric
    /// is defined, else temporal if any temporal metric is defined, else base.
    pub fn score(&self) -> Score {
        if self.has_environmental() {
            self.environmental_score()
        } else if self.has_temporal() {
            self.temporal_score()
        } else {
            self.base_score()
        }
    }

    /// The severity rating of [`Cvss3::base_score`].
    pub fn base_severity(&self) -> Severity {
        self.base_score().severity()
    }
}

fn cia(impact: Impact) -> f64 {
    match impact {
        Impact::High => 0.56,
        Impact::Low => 0.22,
        Impact::None => 0.0,
    }
}

fn av(value: AttackVector) -> f64 {
    match value {
        AttackVector::Network => 0.85,
        AttackVector::Adjacent => 0.62,
        AttackVector::Local => 0.55,
        AttackVector::Physical => 0.2,
    }
}

fn ac(value: AttackComplexity) -> f64 {
    match value {
        AttackComplexity::Low => 0.77,
        AttackComplexity::High => 0.44,
    }
}

fn pr(value: PrivilegesRequired, scope: Scope) -> f64 {
    match (value, scope) {
        (PrivilegesRequired::None, _) => 0.85,
        (PrivilegesRequired::Low, Scope::Unchanged) => 0.62,
        (PrivilegesRequired::Low, Scope::Changed) => 0.68,
        (PrivilegesRequired::High, Scope::Unchanged) => 0.27,
        (PrivilegesRequired::High, Scope::Changed) => 0.5,
    }
}

fn ui(value: UserInteraction3) -> f64 {
    match value {
        UserInteraction3::None => 0.85,
        UserInteraction3::Required => 0.62,
    }
}

fn requirement_weight(value: Option<Requirement>) -> f64 {
    match value {
        None | Some(Requirement::Medium) => 1.0,
        Some(Requirement::High) => 1.5,
        Some(Requirement::Low) => 0.5,
    }
}

/// CVSS 3.1 Appendix A: the smallest one-decimal number not below the input, after rounding
/// the input to five decimal places to absorb float error. Returns tenths.
fn roundup(value: f64) -> Score {
    let int_input = (value * 100_000.0).round() as i64;
    let tenths = if int_input % 10_000 == 0 {
        int_input / 10_000
    } else {
        int_input / 10_000 + 1
    };
    Score::saturating_from_tenths(tenths)
}

impl fmt::Display for Cvss3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.version {
            Cvss3Version::V3_0 => "CVSS:3.0/",
            Cvss3Version::V3_1 => "CVSS:3.1/",
        };
        let b = &self.base;
        let t = &self.temporal;
        let m = &self.environmental;
        vector::write_vector(
            f,
            prefix,
            &[
                ("AV", Some(b.attack_vector.code())),
                ("AC", Some(b.attack_complexity.code())),
                ("PR", Some(b.privileges_required.code())),
                ("UI", Some(b.user_interaction.code())),
                ("S", Some(b.scope.code())),
                ("C", Some(b.confidentiality.code())),
                ("I", Some(b.integrity.code())),
                ("A", Some(b.availability.code())),
                ("E", t.exploit_code_maturity.map(|v| v.code())),
                ("RL", t.remediation_level.map(|v| v.code())),
                ("RC", t.report_confidence.map(|v| v.code())),
                ("CR", m.confidentiality_requirement.map(|v| v.code())),
                ("IR", m.integrity_requirement.map(|v| v.code())),
                ("AR", m.availability_requirement.map(|v| v.code())),
                ("MAV", m.attack_vector.map(|v| v.code())),
                ("MAC", m.attack_complexity.map(|v| v.code())),
                ("MPR", m.privileges_required.map(|v| v.code())),
                ("MUI", m.user_interaction.map(|v| v.code())),
                ("MS", m.scope.map(|v| v.code())),
                ("MC", m.confidentiality.map(|v| v.code())),
                ("MI", m.integrity.map(|v| v.code())),
                ("MA", m.availability.map(|v| v.code())),
            ],
        )
    }
}

impl FromStr for Cvss3 {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cvss3::parse(s)
    }
}

impl Serialize for Cvss3 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cvss3 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cvss3::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(vector: &str) -> (String, String, String) {
        let cvss = Cvss3::parse(vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        (
            cvss.base_score().to_string(),
            cvss.temporal_score().to_string(),
            cvss.environmental_score().to_string(),
        )
    }

    #[test]
    fn well_known_vectors() {
        assert_eq!(
            scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").0,
            "9.8"
        );
        assert_eq!(
            scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H").0,
            "10.0"
        );
        assert_eq!(
            scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N").0,
            "0.0"
        );
        assert_eq!(
            scores("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:H/E:F/RL:U/RC:R/CR:H/MAV:L"),
            ("9.9".into(), "9.3".into(), "8.2".into())
        );
    }

    #[test]
    fn roundup_absorbs_float_noise() {
        assert_eq!(roundup(2.5 * 0.92).tenths(), 23);
        assert_eq!(roundup(4.02).tenths(), 41);
        assert_eq!(roundup(4.000_001).tenths(), 40);
        assert_eq!(roundup(4.0).tenths(), 40);
        assert_eq!(roundup(0.0).tenths(), 0);
    }

    #[test]
    fn version_differences_in_environmental_equation() {
        // 3.1 damps the scope-changed modified impact (× 0.9731, 13th power), 3.0 does not.
        let tail = "AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:L/A:L/CR:H/IR:H/AR:H";
        let v30 = scores(&format!("CVSS:3.0/{tail}"));
        let v31 = scores(&format!("CVSS:3.1/{tail}"));
        assert_eq!((v30.0.as_str(), v30.2.as_str()), ("8.8", "9.6"));
        assert_eq!((v31.0.as_str(), v31.2.as_str()), ("8.8", "9.7"));
        // So in 3.1 the environmental score can exceed the base score with no environmental
        // metric defined at all.
        assert_eq!(
            scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H"),
            ("9.6".into(), "9.6".into(), "9.7".into())
        );
    }

    #[test]
    fn canonical_order_and_x_dropped() {
        let cvss = Cvss3::parse("CVSS:3.1/MAV:X/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:P/RL:X");
        assert_eq!(
            cvss.map(|c| c.to_string()).ok().as_deref(),
            Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P")
        );
    }
}
