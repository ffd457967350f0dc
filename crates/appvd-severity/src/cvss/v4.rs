//! CVSS 4.0: base, threat, environmental and supplemental metric groups, and the
//! macro-vector scoring method of the specification (§8): the vector's equivalence classes
//! (EQ1–EQ6) select a macro vector whose published score is then lowered by the vector's mean
//! proportional distance from the highest-severity vectors of its classes.
//!
//! Unlike FIRST's calculator, which works in binary floats and adds 1e-6 before rounding half
//! up, this module computes the interpolation exactly in integers (every quantity is a whole
//! number of tenths; the only division is by the published class depths and by the number of
//! lower macro vectors), so the half-up rounding is exact without an epsilon.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::metrics::{
    AttackComplexity, AttackRequirements, AttackVector, Automatable, ExploitMaturity, Impact,
    ImpactOrSafety, PrivilegesRequired, ProviderUrgency, Recovery, Requirement, ResponseEffort,
    Safety, UserInteraction4, ValueDensity,
};
use super::v4_tables::{
    EQ1_DEPTH, EQ1_MAX, EQ2_DEPTH, EQ2_MAX, EQ3_EQ6_DEPTH, EQ3_EQ6_MAX, EQ4_DEPTH, EQ4_MAX,
    Eq3Eq6Max, MACRO_VECTOR_SCORES,
};
use super::vector::{self, MetricSpec, pick};
use super::{CvssError, CvssVersion};
use crate::score::{Score, Severity};

/// Base metric group (all eleven are mandatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Base4 {
    /// AV
    pub attack_vector: AttackVector,
    /// AC
    pub attack_complexity: AttackComplexity,
    /// AT
    pub attack_requirements: AttackRequirements,
    /// PR
    pub privileges_required: PrivilegesRequired,
    /// UI
    pub user_interaction: UserInteraction4,
    /// VC: vulnerable-system confidentiality impact
    pub vulnerable_confidentiality: Impact,
    /// VI
    pub vulnerable_integrity: Impact,
    /// VA
    pub vulnerable_availability: Impact,
    /// SC: subsequent-system confidentiality impact
    pub subsequent_confidentiality: Impact,
    /// SI
    pub subsequent_integrity: Impact,
    /// SA
    pub subsequent_availability: Impact,
}

/// Threat metric group; `None` is "Not Defined" (`X`), scored as `Attacked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Threat4 {
    /// E
    pub exploit_maturity: Option<ExploitMaturity>,
}

/// Environmental metric group; `None` is "Not Defined" (`X`): a requirement then scores as
/// `High`, a modified metric as its base metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(missing_docs)]
pub struct Environmental4 {
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
    /// MAT
    pub attack_requirements: Option<AttackRequirements>,
    /// MPR
    pub privileges_required: Option<PrivilegesRequired>,
    /// MUI
    pub user_interaction: Option<UserInteraction4>,
    /// MVC
    pub vulnerable_confidentiality: Option<Impact>,
    /// MVI
    pub vulnerable_integrity: Option<Impact>,
    /// MVA
    pub vulnerable_availability: Option<Impact>,
    /// MSC
    pub subsequent_confidentiality: Option<Impact>,
    /// MSI (may be `S`, safety)
    pub subsequent_integrity: Option<ImpactOrSafety>,
    /// MSA (may be `S`, safety)
    pub subsequent_availability: Option<ImpactOrSafety>,
}

/// Supplemental metric group: carried and printed, never scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Supplemental4 {
    /// S
    pub safety: Option<Safety>,
    /// AU
    pub automatable: Option<Automatable>,
    /// R
    pub recovery: Option<Recovery>,
    /// V
    pub value_density: Option<ValueDensity>,
    /// RE
    pub response_effort: Option<ResponseEffort>,
    /// U
    pub provider_urgency: Option<ProviderUrgency>,
}

/// A parsed CVSS 4.0 vector.
///
/// `Display` writes the canonical vector: metrics in the specification's order, metrics that
/// are not defined left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cvss4 {
    /// Base metrics.
    pub base: Base4,
    /// Threat metrics.
    pub threat: Threat4,
    /// Environmental metrics.
    pub environmental: Environmental4,
    /// Supplemental metrics.
    pub supplemental: Supplemental4,
}

/// Which metric groups a CVSS 4.0 score reflects (specification §1.3): `CVSS-B`, `CVSS-BT`,
/// `CVSS-BE` or `CVSS-BTE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Nomenclature {
    /// Base metrics only.
    #[serde(rename = "CVSS-B")]
    B,
    /// Base and threat metrics.
    #[serde(rename = "CVSS-BT")]
    Bt,
    /// Base and environmental metrics.
    #[serde(rename = "CVSS-BE")]
    Be,
    /// Base, threat and environmental metrics.
    #[serde(rename = "CVSS-BTE")]
    Bte,
}

impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Nomenclature::B => "CVSS-B",
            Nomenclature::Bt => "CVSS-BT",
            Nomenclature::Be => "CVSS-BE",
            Nomenclature::Bte => "CVSS-BTE",
        })
    }
}

/// The six equivalence-class levels `EQ1`…`EQ6` that select a CVSS 4.0 macro vector;
/// displayed as the six digits FIRST's calculator shows (e.g. `000200`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacroVector(pub [u8; 6]);

impl fmt::Display for MacroVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|digit| write!(f, "{digit}"))
    }
}

impl MacroVector {
    /// The published score of this macro vector, if it is one of the 270 reachable ones.
    pub fn score(self) -> Option<Score> {
        let key = self.0.map(|digit| b'0' + digit);
        MACRO_VECTOR_SCORES
            .binary_search_by(|(k, _)| k.as_bytes().cmp(&key[..]))
            .ok()
            .and_then(|i| MACRO_VECTOR_SCORES.get(i))
            .and_then(|(_, tenths)| Score::from_tenths(*tenths))
    }

    fn with(self, index: usize, delta: u8) -> MacroVector {
        let mut digits = self.0;
        if let Some(digit) = digits.get_mut(index) {
            *digit += delta;
        }
        MacroVector(digits)
    }
}

pub(crate) const SPECS: [MetricSpec; 32] = [
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
        abbr: "AT",
        codes: AttackRequirements::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "PR",
        codes: PrivilegesRequired::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "UI",
        codes: UserInteraction4::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "VC",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "VI",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "VA",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "SC",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "SI",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "SA",
        codes: Impact::CODES,
        mandatory: true,
    },
    MetricSpec {
        abbr: "E",
        codes: ExploitMaturity::CODES,
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
        abbr: "MAT",
        codes: AttackRequirements::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MPR",
        codes: PrivilegesRequired::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MUI",
        codes: UserInteraction4::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MVC",
        codes: Impact::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MVI",
        codes: Impact::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MVA",
        codes: Impact::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MSC",
        codes: Impact::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MSI",
        codes: ImpactOrSafety::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "MSA",
        codes: ImpactOrSafety::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "S",
        codes: Safety::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "AU",
        codes: Automatable::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "R",
        codes: Recovery::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "V",
        codes: ValueDensity::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "RE",
        codes: ResponseEffort::CODES,
        mandatory: false,
    },
    MetricSpec {
        abbr: "U",
        codes: ProviderUrgency::CODES,
        mandatory: false,
    },
];

/// The metric values that scoring uses, after applying the environmental overrides and the
/// "Not Defined" defaults (E → Attacked, CR/IR/AR → High).
#[derive(Debug, Clone, Copy)]
struct Effective {
    av: AttackVector,
    ac: AttackComplexity,
    at: AttackRequirements,
    pr: PrivilegesRequired,
    ui: UserInteraction4,
    vc: Impact,
    vi: Impact,
    va: Impact,
    sc: Impact,
    si: ImpactOrSafety,
    sa: ImpactOrSafety,
    e: ExploitMaturity,
    cr: Requirement,
    ir: Requirement,
    ar: Requirement,
}

impl Cvss4 {
    /// Parses a `CVSS:4.0/` vector. The 4.0 specification asks producers to list metrics in
    /// its order; this parser also accepts other orders and [`fmt::Display`] restores it.
    pub fn parse(input: &str) -> Result<Cvss4, CvssError> {
        let (version, body) = vector::split_prefix(input)?;
        if version != CvssVersion::V4_0 {
            return Err(CvssError::UnexpectedVersion {
                expected: "4.0",
                found: version,
            });
        }
        Cvss4::parse_body(body)
    }

    pub(crate) fn parse_body(body: &str) -> Result<Cvss4, CvssError> {
        let slots = vector::parse_body(
            body,
            CvssVersion::V4_0,
            &SPECS,
            (CvssVersion::V3_1, &super::v3::SPECS),
        )?;
        let s = &slots[..];
        let base = (|| {
            Some(Base4 {
                attack_vector: pick(AttackVector::ALL, s, 0)?,
                attack_complexity: pick(AttackComplexity::ALL, s, 1)?,
                attack_requirements: pick(AttackRequirements::ALL, s, 2)?,
                privileges_required: pick(PrivilegesRequired::ALL, s, 3)?,
                user_interaction: pick(UserInteraction4::ALL, s, 4)?,
                vulnerable_confidentiality: pick(Impact::ALL, s, 5)?,
                vulnerable_integrity: pick(Impact::ALL, s, 6)?,
                vulnerable_availability: pick(Impact::ALL, s, 7)?,
                subsequent_confidentiality: pick(Impact::ALL, s, 8)?,
                subsequent_integrity: pick(Impact::ALL, s, 9)?,
                subsequent_availability: pick(Impact::ALL, s, 10)?,
            })
        })()
        .ok_or(CvssError::MissingMandatory {
            version: CvssVersion::V4_0,
            missing: Vec::new(),
        })?;
        Ok(Cvss4 {
            base,
            threat: Threat4 {
                exploit_maturity: pick(ExploitMaturity::ALL, s, 11),
            },
            environmental: Environmental4 {
                confidentiality_requirement: pick(Requirement::ALL, s, 12),
                integrity_requirement: pick(Requirement::ALL, s, 13),
                availability_requirement: pick(Requirement::ALL, s, 14),
                attack_vector: pick(AttackVector::ALL, s, 15),
                attack_complexity: pick(AttackComplexity::ALL, s, 16),
                attack_requirements: pick(AttackRequirements::ALL, s, 17),
                privileges_required: pick(PrivilegesRequired::ALL, s, 18),
                user_interaction: pick(UserInteraction4::ALL, s, 19),
                vulnerable_confidentiality: pick(Impact::ALL, s, 20),
                vulnerable_integrity: pick(Impact::ALL, s, 21),
                vulnerable_availability: pick(Impact::ALL, s, 22),
                subsequent_confidentiality: pick(Impact::ALL, s, 23),
                subsequent_integrity: pick(ImpactOrSafety::ALL, s, 24),
                subsequent_availability: pick(ImpactOrSafety::ALL, s, 25),
            },
            supplemental: Supplemental4 {
                safety: pick(Safety::ALL, s, 26),
                automatable: pick(Automatable::ALL, s, 27),
                recovery: pick(Recovery::ALL, s, 28),
                value_density: pick(ValueDensity::ALL, s, 29),
                response_effort: pick(ResponseEffort::ALL, s, 30),
                provider_urgency: pick(ProviderUrgency::ALL, s, 31),
            },
        })
    }

    /// Which metric groups the score reflects.
    pub fn nomenclature(&self) -> Nomenclature {
        let threat = self.threat != Threat4::default();
        let environmental = self.environmental != Environmental4::default();
        match (threat, environmental) {
            (false, false) => Nomenclature::B,
            (true, false) => Nomenclature::Bt,
            (false, true) => Nomenclature::Be,
            (true, true) => Nomenclature::Bte,
        }
    }

    /// The score of every metric the vector gives (base, threat, environmental); the
    /// supplemental metrics do not change it.
    pub fn score(&self) -> Score {
        score_effective(&self.effective())
    }

    /// The severity rating of [`Cvss4::score`].
    pub fn severity(&self) -> Severity {
        self.score().severity()
    }

    /// The CVSS-B score: this vector's base metrics alone, threat and environmental metrics
    /// ignored.
    pub fn base_score(&self) -> Score {
        self.base_only().score()
    }

    /// This vector with only its base metrics.
    pub fn base_only(&self) -> Cvss4 {
        Cvss4 {
            base: self.base,
            threat: Threat4::default(),
            environmental: Environmental4::default(),
            supplemental: Supplemental4::default(),
        }
    }

    /// The macro vector (EQ1…EQ6) that the score starts from.
    pub fn macro_vector(&self) -> MacroVector {
        macro_vector(&self.effective())
    }

    fn effective(&self) -> Effective {
        let b = &self.base;
        let m = &self.environmental;
        let widen = |impact: Impact| match impact {
            Impact::High => ImpactOrSafety::High,
            Impact::Low => ImpactOrSafety::Low,
            Impact::None => ImpactOrSafety::None,
        };
        Effective {
            av: m.attack_vector.unwrap_or(b.attack_vector),
            ac: m.attack_complexity.unwrap_or(b.attack_complexity),
            at: m.attack_requirements.unwrap_or(b.attack_requirements),
            pr: m.privileges_required.unwrap_or(b.privileges_required),
            ui: m.user_interaction.unwrap_or(b.user_interaction),
            vc: m
                .vulnerable_confidentiality
                .unwrap_or(b.vulnerable_confidentiality),
            vi: m.vulnerable_integrity.unwrap_or(b.vulnerable_integrity),
            va: m
                .vulnerable_availability
                .unwrap_or(b.vulnerable_availability),
            sc: m
                .subsequent_confidentiality
                .unwrap_or(b.subsequent_confidentiality),
            si: m
                .subsequent_integrity
                .unwrap_or(widen(b.subsequent_integrity)),
            sa: m
                .subsequent_availability
                .unwrap_or(widen(b.subsequent_availability)),
            e: self
                .threat
                .exploit_maturity
                .unwrap_or(ExploitMaturity::Attacked),
            cr: m.confidentiality_requirement.unwrap_or(Requirement::High),
            ir: m.integrity_requirement.unwrap_or(Requirement::High),
            ar: m.availability_requirement.unwrap_or(Requirement::High),
        }
    }
}

fn macro_vector(v: &Effective) -> MacroVector {
    use AttackVector::{Network, Physical};
    let av_n = v.av == Network;
    let pr_n = v.pr == PrivilegesRequired::None;
    let ui_n = v.ui == UserInteraction4::None;
    let eq1 = if av_n && pr_n && ui_n {
        0
    } else if (av_n || pr_n || ui_n) && v.av != Physical {
        1
    } else {
        2
    };
    let eq2 = if v.ac == AttackComplexity::Low && v.at == AttackRequirements::None {
        0
    } else {
        1
    };
    let (vc_h, vi_h, va_h) = (
        v.vc == Impact::High,
        v.vi == Impact::High,
        v.va == Impact::High,
    );
    let eq3 = if vc_h && vi_h {
        0
    } else if vc_h || vi_h || va_h {
        1
    } else {
        2
    };
    let eq4 = if v.si == ImpactOrSafety::Safety || v.sa == ImpactOrSafety::Safety {
        0
    } else if v.sc == Impact::High || v.si == ImpactOrSafety::High || v.sa == ImpactOrSafety::High {
        1
    } else {
        2
    };
    let eq5 = match v.e {
        ExploitMaturity::Attacked => 0,
        ExploitMaturity::ProofOfConcept => 1,
        ExploitMaturity::Unreported => 2,
    };
    let high = Requirement::High;
    let eq6 = if (v.cr == high && vc_h) || (v.ir == high && vi_h) || (v.ar == high && va_h) {
        0
    } else {
        1
    };
    MacroVector([eq1, eq2, eq3, eq4, eq5, eq6])
}

// Severity levels in steps of 0.1 as the specification's scoring method defines them: the
// most severe value of each metric is 0 and each step away adds one.
fn av_level(v: AttackVector) -> i64 {
    match v {
        AttackVector::Network => 0,
        AttackVector::Adjacent => 1,
        AttackVector::Local => 2,
        AttackVector::Physical => 3,
    }
}
fn pr_level(v: PrivilegesRequired) -> i64 {
    match v {
        PrivilegesRequired::None => 0,
        PrivilegesRequired::Low => 1,
        PrivilegesRequired::High => 2,
    }
}
fn ui_level(v: UserInteraction4) -> i64 {
    match v {
        UserInteraction4::None => 0,
        UserInteraction4::Passive => 1,
        UserInteraction4::Active => 2,
    }
}
fn ac_level(v: AttackComplexity) -> i64 {
    match v {
        AttackComplexity::Low => 0,
        AttackComplexity::High => 1,
    }
}
fn at_level(v: AttackRequirements) -> i64 {
    match v {
        AttackRequirements::None => 0,
        AttackRequirements::Present => 1,
    }
}
fn vuln_level(v: Impact) -> i64 {
    match v {
        Impact::High => 0,
        Impact::Low => 1,
        Impact::None => 2,
    }
}
/// SC has no safety value, so its scale starts one step below SI/SA's.
fn sc_level(v: Impact) -> i64 {
    vuln_level(v) + 1
}
fn subsequent_level(v: ImpactOrSafety) -> i64 {
    match v {
        ImpactOrSafety::Safety => 0,
        ImpactOrSafety::High => 1,
        ImpactOrSafety::Low => 2,
        ImpactOrSafety::None => 3,
    }
}
fn requirement_level(v: Requirement) -> i64 {
    match v {
        Requirement::High => 0,
        Requirement::Medium => 1,
        Requirement::Low => 2,
    }
}

/// Distances of the vector from one highest-severity vector of its classes, grouped as the
/// method sums them: EQ1 (AV+PR+UI), EQ2 (AC+AT), EQ3+EQ6 (VC+VI+VA+CR+IR+AR), EQ4 (SC+SI+SA).
/// `None` if any single metric is more severe than the candidate (the candidate is then not
/// an upper bound of the vector).
fn distances(
    v: &Effective,
    eq1: (AttackVector, PrivilegesRequired, UserInteraction4),
    eq2: (AttackComplexity, AttackRequirements),
    eq3: Eq3Eq6Max,
    eq4: (Impact, ImpactOrSafety, ImpactOrSafety),
) -> ([i64; 4], bool) {
    let parts = [
        av_level(v.av) - av_level(eq1.0),
        pr_level(v.pr) - pr_level(eq1.1),
        ui_level(v.ui) - ui_level(eq1.2),
        ac_level(v.ac) - ac_level(eq2.0),
        at_level(v.at) - at_level(eq2.1),
        vuln_level(v.vc) - vuln_level(eq3.0),
        vuln_level(v.vi) - vuln_level(eq3.1),
        vuln_level(v.va) - vuln_level(eq3.2),
        requirement_level(v.cr) - requirement_level(eq3.3),
        requirement_level(v.ir) - requirement_level(eq3.4),
        requirement_level(v.ar) - requirement_level(eq3.5),
        sc_level(v.sc) - sc_level(eq4.0),
        subsequent_level(v.si) - subsequent_level(eq4.1),
        subsequent_level(v.sa) - subsequent_level(eq4.2),
    ];
    let bounded = parts.iter().all(|d| *d >= 0);
    let sum = |range: std::ops::Range<usize>| parts.get(range).map_or(0, |p| p.iter().sum());
    ([sum(0..3), sum(3..5), sum(5..11), sum(11..14)], bounded)
}

fn score_effective(v: &Effective) -> Score {
    let no_impact = [v.vc, v.vi, v.va, v.sc].iter().all(|i| *i == Impact::None)
        && v.si == ImpactOrSafety::None
        && v.sa == ImpactOrSafety::None;
    if no_impact {
        return Score::ZERO;
    }
    let mv = macro_vector(v);
    let [eq1, eq2, eq3, eq4, _eq5, eq6] = mv.0.map(usize::from);
    // Every reachable macro vector is in the table (checked exhaustively by the tests over
    // all base vectors); a miss could only come from a corrupted table.
    let Some(value) = mv.score() else {
        return Score::ZERO;
    };
    let value = i64::from(value.tenths());

    // Scores of the next lower macro vector along each class; EQ3 and EQ6 move jointly.
    let lower = |m: MacroVector| m.score().map(|s| i64::from(s.tenths()));
    let lower_eq3_eq6 = match (eq3, eq6) {
        (0, 0) => lower(mv.with(5, 1)).max(lower(mv.with(2, 1))),
        (1, 0) => lower(mv.with(5, 1)),
        (_, 1) => lower(mv.with(2, 1)),
        _ => None,
    };
    let lowers = [
        lower(mv.with(0, 1)),
        lower(mv.with(1, 1)),
        lower_eq3_eq6,
        lower(mv.with(3, 1)),
        lower(mv.with(4, 1)),
    ];

    // Distance from the first highest-severity vector that bounds this one (the calculator's
    // search order); if none bounds it, the last candidate, as the calculator does.
    let eq3_max = EQ3_EQ6_MAX
        .get(eq3)
        .and_then(|row| row.get(eq6))
        .copied()
        .unwrap_or(&[]);
    let mut found = None;
    'search: for &a in EQ1_MAX.get(eq1).copied().unwrap_or(&[]) {
        for &b in EQ2_MAX.get(eq2).copied().unwrap_or(&[]) {
            for &c in eq3_max {
                for &d in EQ4_MAX.get(eq4).copied().unwrap_or(&[]) {
                    let (sums, bounded) = distances(v, a, b, c, d);
                    found = Some(sums);
                    if bounded {
                        break 'search;
                    }
                }
            }
        }
    }
    let Some([d1, d2, d36, d4]) = found else {
        return Score::ZERO;
    };
    let depths = [
        EQ1_DEPTH.get(eq1).copied().unwrap_or(1),
        EQ2_DEPTH.get(eq2).copied().unwrap_or(1),
        EQ3_EQ6_DEPTH
            .get(eq3)
            .and_then(|row| row.get(eq6))
            .copied()
            .unwrap_or(1),
        EQ4_DEPTH.get(eq4).copied().unwrap_or(1),
        1,
    ];
    // EQ5 (exploit maturity) has no depth within its class: its proportion is always 0.
    let current = [d1, d2, d36, d4, 0];

    // mean = Σ available_i × current_i / depth_i / n, all in tenths; scale by 2520 (divisible
    // by every depth) so the sum stays integral.
    const SCALE: i64 = 2520;
    let mut sum = 0i64;
    let mut count = 0i64;
    for ((lower, current), depth) in lowers.iter().zip(current).zip(depths) {
        let Some(lower) = lower else { continue };
        let available = value - lower;
        if available < 0 || depth <= 0 {
            continue;
        }
        count += 1;
        sum += available * current * (SCALE / depth);
    }
    if count == 0 {
        return Score::saturating_from_tenths(value);
    }
    let denominator = SCALE * count;
    let numerator = value * denominator - sum;
    if numerator <= 0 {
        return Score::ZERO;
    }
    // Round half up: floor(numerator / denominator + 1/2).
    Score::saturating_from_tenths((2 * numerator + denominator) / (2 * denominator))
}

impl fmt::Display for Cvss4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.base;
        let m = &self.environmental;
        let s = &self.supplemental;
        vector::write_vector(
            f,
            "CVSS:4.0/",
            &[
                ("AV", Some(b.attack_vector.code())),
                ("AC", Some(b.attack_complexity.code())),
                ("AT", Some(b.attack_requirements.code())),
                ("PR", Some(b.privileges_required.code())),
                ("UI", Some(b.user_interaction.code())),
                ("VC", Some(b.vulnerable_confidentiality.code())),
                ("VI", Some(b.vulnerable_integrity.code())),
                ("VA", Some(b.vulnerable_availability.code())),
                ("SC", Some(b.subsequent_confidentiality.code())),
                ("SI", Some(b.subsequent_integrity.code())),
                ("SA", Some(b.subsequent_availability.code())),
                ("E", self.threat.exploit_maturity.map(|v| v.code())),
                ("CR", m.confidentiality_requirement.map(|v| v.code())),
                ("IR", m.integrity_requirement.map(|v| v.code())),
                ("AR", m.availability_requirement.map(|v| v.code())),
                ("MAV", m.attack_vector.map(|v| v.code())),
                ("MAC", m.attack_complexity.map(|v| v.code())),
                ("MAT", m.attack_requirements.map(|v| v.code())),
                ("MPR", m.privileges_required.map(|v| v.code())),
                ("MUI", m.user_interaction.map(|v| v.code())),
                ("MVC", m.vulnerable_confidentiality.map(|v| v.code())),
                ("MVI", m.vulnerable_integrity.map(|v| v.code())),
                ("MVA", m.vulnerable_availability.map(|v| v.code())),
                ("MSC", m.subsequent_confidentiality.map(|v| v.code())),
                ("MSI", m.subsequent_integrity.map(|v| v.code())),
                ("MSA", m.subsequent_availability.map(|v| v.code())),
                ("S", s.safety.map(|v| v.code())),
                ("AU", s.automatable.map(|v| v.code())),
                ("R", s.recovery.map(|v| v.code())),
                ("V", s.value_density.map(|v| v.code())),
                ("RE", s.response_effort.map(|v| v.code())),
                ("U", s.provider_urgency.map(|v| v.code())),
            ],
        )
    }
}

impl FromStr for Cvss4 {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cvss4::parse(s)
    }
}

impl Serialize for Cvss4 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cvss4 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cvss4::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(vector: &str) -> String {
        Cvss4::parse(vector)
            .map(|c| c.score().to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn macro_vector_table_is_sorted_and_complete() {
        assert!(MACRO_VECTOR_SCORES.windows(2).all(|w| w[0].0 < w[1].0));
        for eq1 in 0..3 {
            for eq2 in 0..2 {
                for (eq3, eq6) in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1)] {
                    for eq4 in 0..3 {
                        for eq5 in 0..3 {
                            let mv = MacroVector([eq1, eq2, eq3, eq4, eq5, eq6]);
                            assert!(mv.score().is_some(), "{mv} missing");
                        }
                    }
                }
            }
        }
        assert_eq!(MacroVector([2, 0, 2, 0, 0, 0]).score(), None);
    }

    #[test]
    fn well_known_vectors() {
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"),
            "10.0"
        );
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            "9.3"
        );
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N"),
            "0.0"
        );
        assert_eq!(
            score("CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L/E:P/MSI:S"),
            "7.1"
        );
        // A value that lands exactly on a half (8.55): rounds up, as FIRST's calculator does.
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H"),
            "8.6"
        );
    }

    #[test]
    fn supplemental_metrics_do_not_change_the_score() {
        let plain = "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N";
        let supplemented = format!("{plain}/S:P/AU:Y/R:I/V:C/RE:H/U:Red");
        assert_eq!(score(plain), score(&supplemented));
        let parsed = Cvss4::parse(&supplemented).map(|c| c.to_string());
        assert_eq!(parsed.ok(), Some(supplemented));
    }

    #[test]
    fn nomenclature_and_base_only() {
        let cvss =
            Cvss4::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U");
        let cvss = cvss.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cvss.nomenclature(), Nomenclature::Bt);
        assert_eq!(cvss.base_score().to_string(), "9.3");
        assert!(cvss.score() < cvss.base_score());
        assert_eq!(cvss.macro_vector().to_string(), "000220");
    }
}
