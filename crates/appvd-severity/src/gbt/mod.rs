//! GB/T 30279-2020 (网络安全漏洞分类分级指南) vulnerability grading.
//!
//! The standard grades a vulnerability from ten indicators (clause 6.2): four of
//! exploitability (被利用性), three of impact (影响程度) and three of environment (环境因素).
//! Annex A rates the exploitability indicators as a [`Level`], Annex B the impact indicators,
//! Annex C the environment indicators; Annex D combines the exploitability and impact levels
//! into the technical grade (技术分级), and Annex E combines the technical grade with the
//! environment level into the comprehensive grade (综合分级). Every annex is a lookup table;
//! [`GradingTable`] holds all five.
//!
//! # Text form
//!
//! [`Indicators`] print and parse as `GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H`.
//! The seven exploitability and impact indicators are mandatory; the three environment
//! indicators may be left out (the comprehensive grade then stays undetermined).
//!
//! | Code | Indicator | Values |
//! |---|---|---|
//! | `AP` | 访问路径 access path | `N` 网络 network, `A` 邻接 adjacent, `L` 本地 local, `P` 物理 physical |
//! | `TR` | 触发要求 trigger requirement | `L` 低 low, `H` 高 high |
//! | `PR` | 权限需求 privilege requirement | `N` 无 none, `L` 低 low, `H` 高 high |
//! | `UI` | 交互条件 interaction | `N` 不需要 not required, `R` 需要 required |
//! | `C` | 保密性影响 confidentiality impact | `S` 严重 severe, `G` 一般 general, `N` 无 none |
//! | `I` | 完整性影响 integrity impact | `S`, `G`, `N` as for `C` |
//! | `A` | 可用性影响 availability impact | `S`, `G`, `N` as for `C` |
//! | `EC` | 被利用成本 exploitation cost | `L` 低 low, `M` 中 medium, `H` 高 high |
//! | `FD` | 修复难度 fix difficulty | `H` 高 high, `M` 中 medium, `L` 低 low |
//! | `SC` | 影响范围 scope of impact | `H` 高 high, `M` 中 medium, `L` 低 low, `N` 无 none |

mod prefill;
mod table;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

pub use prefill::prefill_from_cvss;
pub use table::{Annex, Grading, GradingTable, MonotonicityViolation, TableError, TableLabel};

/// Declares a GB/T value enum: variant = (text-form code, data-file id, Chinese label, English
/// label, severity rank — higher is worse for the vulnerability's owner).
macro_rules! gbt_values {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $id:literal, $zh:literal, $en:literal, $rank:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in the order the standard lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Text-form codes of [`Self::ALL`], in the same order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The code of the text form.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The value for a text-form code.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            /// The identifier used in JSON and in grading-table files.
            pub fn id(self) -> &'static str { match self { $($name::$variant => $id),+ } }
            /// The value for an identifier, or for its Chinese label.
            pub fn from_id(id: &str) -> Option<$name> {
                match id { $($id | $zh => Some($name::$variant),)+ _ => None }
            }
            /// Chinese label, as the standard names the value.
            pub fn label_zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
            /// English label.
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            /// Severity rank: a higher rank is worse (more exploitable, more harmful).
            pub fn rank(self) -> u8 { match self { $($name::$variant => $rank),+ } }
            /// Position in [`Self::ALL`].
            pub(crate) fn index(self) -> usize {
                Self::ALL.iter().position(|v| *v == self).unwrap_or(0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label_en())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.id())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::from_id(&text).ok_or_else(|| {
                    let ids: Vec<&str> = $name::ALL.iter().map(|v| v.id()).collect();
                    serde::de::Error::custom(format!(
                        "{text:?} is not a valid {} (expected one of {})",
                        stringify!($name),
                        ids.join(", ")
                    ))
                })
            }
        }
    };
}

gbt_values! {
    /// 访问路径: how the attacker reaches the vulnerable product.
    AccessPath {
        /// 网络
        Network = ("N", "network", "网络", "network", 3),
        /// 邻接
        Adjacent = ("A", "adjacent", "邻接", "adjacent", 2),
        /// 本地
        Local = ("L", "local", "本地", "local", 1),
        /// 物理
        Physical = ("P", "physical", "物理", "physical", 0),
    }
}

gbt_values! {
    /// 触发要求: how demanding the conditions to trigger the vulnerability are.
    TriggerRequirement {
        /// 低
        Low = ("L", "low", "低", "low", 1),
        /// 高
        High = ("H", "high", "高", "high", 0),
    }
}

gbt_values! {
    /// 权限需求: privileges the attacker must already hold.
    PrivilegeRequirement {
        /// 无
        None = ("N", "none", "无", "none", 2),
        /// 低
        Low = ("L", "low", "低", "low", 1),
        /// 高
        High = ("H", "high", "高", "high", 0),
    }
}

gbt_values! {
    /// 交互条件: whether a user other than the attacker must take part.
    Interaction {
        /// 不需要
        NotRequired = ("N", "not_required", "不需要", "not required", 1),
        /// 需要
        Required = ("R", "required", "需要", "required", 0),
    }
}

gbt_values! {
    /// 保密性 / 完整性 / 可用性 impact.
    ImpactDegree {
        /// 严重
        Severe = ("S", "severe", "严重", "severe", 2),
        /// 一般
        General = ("G", "general", "一般", "general", 1),
        /// 无
        None = ("N", "none", "无", "none", 0),
    }
}

gbt_values! {
    /// 被利用成本: what exploitation costs the attacker (low cost is worse).
    ExploitationCost {
        /// 低
        Low = ("L", "low", "低", "low", 2),
        /// 中
        Medium = ("M", "medium", "中", "medium", 1),
        /// 高
        High = ("H", "high", "高", "high", 0),
    }
}

gbt_values! {
    /// 修复难度: how hard the vulnerability is to fix (hard is worse).
    FixDifficulty {
        /// 高
        High = ("H", "high", "高", "high", 2),
        /// 中
        Medium = ("M", "medium", "中", "medium", 1),
        /// 低
        Low = ("L", "low", "低", "low", 0),
    }
}

gbt_values! {
    /// 影响范围: how widely the vulnerable product is deployed or relied on.
    ScopeOfImpact {
        /// 高
        High = ("H", "high", "高", "high", 3),
        /// 中
        Medium = ("M", "medium", "中", "medium", 2),
        /// 低
        Low = ("L", "low", "低", "low", 1),
        /// 无
        None = ("N", "none", "无", "none", 0),
    }
}

gbt_values! {
    /// The rating of one indicator group (Annex A, B or C).
    Level {
        /// 高
        High = ("H", "high", "高", "high", 2),
        /// 中
        Medium = ("M", "medium", "中", "medium", 1),
        /// 低
        Low = ("L", "low", "低", "low", 0),
    }
}

gbt_values! {
    /// A GB/T 30279-2020 vulnerability grade (technical or comprehensive).
    Grade {
        /// 超危
        Critical = ("C", "critical", "超危", "Critical", 3),
        /// 高危
        High = ("H", "high", "高危", "High", 2),
        /// 中危
        Medium = ("M", "medium", "中危", "Medium", 1),
        /// 低危
        Low = ("L", "low", "低危", "Low", 0),
    }
}

/// The ten grading indicators of GB/T 30279-2020 clause 6.2.
///
/// The environment indicators are optional because they describe the deployment, which an
/// analyst often learns later than the technical facts; without all three only the technical
/// grade is determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Indicators {
    /// 访问路径 (AP)
    pub access_path: AccessPath,
    /// 触发要求 (TR)
    pub trigger: TriggerRequirement,
    /// 权限需求 (PR)
    pub privilege: PrivilegeRequirement,
    /// 交互条件 (UI)
    pub interaction: Interaction,
    /// 保密性影响 (C)
    pub confidentiality: ImpactDegree,
    /// 完整性影响 (I)
    pub integrity: ImpactDegree,
    /// 可用性影响 (A)
    pub availability: ImpactDegree,
    /// 被利用成本 (EC)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation_cost: Option<ExploitationCost>,
    /// 修复难度 (FD)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_difficulty: Option<FixDifficulty>,
    /// 影响范围 (SC)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ScopeOfImpact>,
}

/// The text-form prefix.
pub const TEXT_PREFIX: &str = "GBT30279/";

/// Longest text form accepted (a complete one is 49 bytes).
pub const MAX_TEXT_LEN: usize = 128;

/// Text-form codes in canonical order, with whether they are mandatory and their values.
const TEXT_FIELDS: [(&str, bool, &[&str]); 10] = [
    ("AP", true, AccessPath::CODES),
    ("TR", true, TriggerRequirement::CODES),
    ("PR", true, PrivilegeRequirement::CODES),
    ("UI", true, Interaction::CODES),
    ("C", true, ImpactDegree::CODES),
    ("I", true, ImpactDegree::CODES),
    ("A", true, ImpactDegree::CODES),
    ("EC", false, ExploitationCost::CODES),
    ("FD", false, FixDifficulty::CODES),
    ("SC", false, ScopeOfImpact::CODES),
];

/// Why a string is not a valid GB/T 30279 indicator text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IndicatorsError {
    /// Nothing to parse.
    #[error("the GB/T 30279 indicator text is empty")]
    Empty,
    /// Longer than any valid text.
    #[error(
        "the GB/T 30279 indicator text is {len} bytes long; a valid one is at most {max} bytes"
    )]
    TooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// No `GBT30279/` at the start.
    #[error("the GB/T 30279 indicator text does not start with \"GBT30279/\"")]
    MissingPrefix,
    /// Two slashes in a row, or a slash at the end.
    #[error(
        "segment {position} of the GB/T 30279 indicator text is empty (a doubled or trailing \"/\")"
    )]
    EmptySegment {
        /// 1-based segment number, the prefix being segment 1.
        position: usize,
    },
    /// A segment that is not `CODE:VALUE`.
    #[error(
        "segment {position} of the GB/T 30279 indicator text, {segment:?}, is not of the form CODE:VALUE"
    )]
    MalformedSegment {
        /// 1-based segment number.
        position: usize,
        /// The segment as written.
        segment: String,
    },
    /// A code that is not one of the ten indicators.
    #[error(
        "{code:?} is not a GB/T 30279 indicator (expected one of AP, TR, PR, UI, C, I, A, EC, FD, SC)"
    )]
    UnknownIndicator {
        /// The code as written.
        code: String,
    },
    /// The same indicator twice.
    #[error("indicator {code} appears more than once")]
    Duplicate {
        /// The indicator code.
        code: &'static str,
    },
    /// A value the indicator does not have.
    #[error("{value:?} is not a valid value of indicator {code} (expected one of {})", allowed.join(", "))]
    InvalidValue {
        /// The indicator code.
        code: &'static str,
        /// The value as written.
        value: String,
        /// Accepted codes.
        allowed: Vec<&'static str>,
    },
    /// Exploitability or impact indicators absent.
    #[error("the GB/T 30279 indicator text lacks mandatory indicators: {}", missing.join(", "))]
    MissingMandatory {
        /// Codes of the missing indicators, in canonical order.
        missing: Vec<&'static str>,
    },
}

impl Indicators {
    /// Parses the text form; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Indicators, IndicatorsError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(IndicatorsError::Empty);
        }
        if input.len() > MAX_TEXT_LEN {
            return Err(IndicatorsError::TooLong {
                len: input.len(),
                max: MAX_TEXT_LEN,
            });
        }
        let Some(body) = input.strip_prefix(TEXT_PREFIX) else {
            return Err(IndicatorsError::MissingPrefix);
        };
        let mut slots: [Option<usize>; 10] = [None; 10];
        let mut seen = [false; 10];
        let segments = body.split('/').filter(|_| !body.is_empty());
        for (index, segment) in segments.enumerate() {
            let position = index + 2;
            if segment.is_empty() {
                return Err(IndicatorsError::EmptySegment { position });
            }
            let malformed = || IndicatorsError::MalformedSegment {
                position,
                segment: segment.to_string(),
            };
            let (code, value) = segment.split_once(':').ok_or_else(malformed)?;
            if code.is_empty() || value.is_empty() || value.contains(':') {
                return Err(malformed());
            }
            let Some(slot) = TEXT_FIELDS.iter().position(|(c, _, _)| *c == code) else {
                return Err(IndicatorsError::UnknownIndicator {
                    code: code.to_string(),
                });
            };
            let Some((field_code, _, values)) = TEXT_FIELDS.get(slot) else {
                continue;
            };
            if let Some(seen) = seen.get_mut(slot)
                && std::mem::replace(seen, true)
            {
                return Err(IndicatorsError::Duplicate { code: field_code });
            }
            let Some(value_index) = values.iter().position(|v| *v == value) else {
                return Err(IndicatorsError::InvalidValue {
                    code: field_code,
                    value: value.to_string(),
                    allowed: values.to_vec(),
                });
            };
            if let Some(slot) = slots.get_mut(slot) {
                *slot = Some(value_index);
            }
        }
        let missing: Vec<&'static str> = TEXT_FIELDS
            .iter()
            .zip(seen)
            .filter(|((_, mandatory, _), seen)| *mandatory && !seen)
            .map(|((code, _, _), _)| *code)
            .collect();
        if !missing.is_empty() {
            return Err(IndicatorsError::MissingMandatory { missing });
        }
        fn pick<T: Copy>(all: &[T], slot: Option<usize>) -> Option<T> {
            slot.and_then(|i| all.get(i).copied())
        }
        let [ap, tr, pr, ui, c, i, a, ec, fd, sc] = slots;
        (|| {
            Some(Indicators {
                access_path: pick(AccessPath::ALL, ap)?,
                trigger: pick(TriggerRequirement::ALL, tr)?,
                privilege: pick(PrivilegeRequirement::ALL, pr)?,
                interaction: pick(Interaction::ALL, ui)?,
                confidentiality: pick(ImpactDegree::ALL, c)?,
                integrity: pick(ImpactDegree::ALL, i)?,
                availability: pick(ImpactDegree::ALL, a)?,
                exploitation_cost: pick(ExploitationCost::ALL, ec),
                fix_difficulty: pick(FixDifficulty::ALL, fd),
                scope: pick(ScopeOfImpact::ALL, sc),
            })
        })()
        .ok_or(IndicatorsError::MissingMandatory {
            missing: Vec::new(),
        })
    }

    /// Codes of the environment indicators not given, in canonical order.
    pub fn missing_environment(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.exploitation_cost.is_none() {
            missing.push("EC");
        }
        if self.fix_difficulty.is_none() {
            missing.push("FD");
        }
        if self.scope.is_none() {
            missing.push("SC");
        }
        missing
    }

    /// Every combination of the ten indicators (4 × 2 × 3 × 2 × 3 × 3 × 3 × 3 × 3 × 4 =
    /// 46,656), environment indicators all given.
    pub fn all() -> impl Iterator<Item = Indicators> {
        AccessPath::ALL.iter().flat_map(|&access_path| {
            TriggerRequirement::ALL.iter().flat_map(move |&trigger| {
                PrivilegeRequirement::ALL
                    .iter()
                    .flat_map(move |&privilege| {
                        Interaction::ALL.iter().flat_map(move |&interaction| {
                            ImpactDegree::ALL.iter().flat_map(move |&confidentiality| {
                                ImpactDegree::ALL.iter().flat_map(move |&integrity| {
                                    ImpactDegree::ALL.iter().flat_map(move |&availability| {
                                        ExploitationCost::ALL.iter().flat_map(move |&cost| {
                                            FixDifficulty::ALL.iter().flat_map(move |&fix| {
                                                ScopeOfImpact::ALL.iter().map(move |&scope| {
                                                    Indicators {
                                                        access_path,
                                                        trigger,
                                                        privilege,
                                                        interaction,
                                                        confidentiality,
                                                        integrity,
                                                        availability,
                                                        exploitation_cost: Some(cost),
                                                        fix_difficulty: Some(fix),
                                                        scope: Some(scope),
                                                    }
                                                })
                                            })
                                        })
                                    })
                                })
                            })
                        })
                    })
            })
        })
    }
}

impl fmt::Display for Indicators {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{TEXT_PREFIX}AP:{}/TR:{}/PR:{}/UI:{}/C:{}/I:{}/A:{}",
            self.access_path.code(),
            self.trigger.code(),
            self.privilege.code(),
            self.interaction.code(),
            self.confidentiality.code(),
            self.integrity.code(),
            self.availability.code()
        )?;
        if let Some(v) = self.exploitation_cost {
            write!(f, "/EC:{}", v.code())?;
        }
        if let Some(v) = self.fix_difficulty {
            write!(f, "/FD:{}", v.code())?;
        }
        if let Some(v) = self.scope {
            write!(f, "/SC:{}", v.code())?;
        }
        Ok(())
    }
}

impl FromStr for Indicators {
    type Err = IndicatorsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Indicators::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        match Indicators::parse(input) {
            Ok(v) => format!("unexpectedly parsed as {v}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn text_form_round_trips() {
        let full = "GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H";
        assert_eq!(
            Indicators::parse(full)
                .map(|i| i.to_string())
                .ok()
                .as_deref(),
            Some(full)
        );
        let technical = "GBT30279/AP:P/TR:H/PR:H/UI:R/C:N/I:G/A:N";
        let parsed = Indicators::parse(technical).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.to_string(), technical);
        assert_eq!(parsed.missing_environment(), vec!["EC", "FD", "SC"]);
        let shuffled = "GBT30279/SC:L/A:G/I:G/C:G/UI:R/PR:L/TR:H/AP:A";
        assert_eq!(
            Indicators::parse(shuffled)
                .map(|i| i.to_string())
                .ok()
                .as_deref(),
            Some("GBT30279/AP:A/TR:H/PR:L/UI:R/C:G/I:G/A:G/SC:L")
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(err(" "), "the GB/T 30279 indicator text is empty");
        assert_eq!(
            err("AP:N"),
            "the GB/T 30279 indicator text does not start with \"GBT30279/\""
        );
        assert_eq!(
            err("GBT30279/AP:N/TR:L"),
            "the GB/T 30279 indicator text lacks mandatory indicators: PR, UI, C, I, A"
        );
        assert_eq!(
            err("GBT30279/AP:Q"),
            "\"Q\" is not a valid value of indicator AP (expected one of N, A, L, P)"
        );
        assert_eq!(
            err("GBT30279/AV:N"),
            "\"AV\" is not a GB/T 30279 indicator (expected one of AP, TR, PR, UI, C, I, A, EC, FD, SC)"
        );
        assert_eq!(
            err("GBT30279/AP:N/AP:L"),
            "indicator AP appears more than once"
        );
        assert_eq!(
            err("GBT30279/AP:N//TR:L"),
            "segment 3 of the GB/T 30279 indicator text is empty (a doubled or trailing \"/\")"
        );
        assert_eq!(
            err("GBT30279/AP"),
            "segment 2 of the GB/T 30279 indicator text, \"AP\", is not of the form CODE:VALUE"
        );
        assert_eq!(
            err(&format!("GBT30279/{}", "AP:N/".repeat(30))),
            "the GB/T 30279 indicator text is 159 bytes long; a valid one is at most 128 bytes"
        );
    }

    #[test]
    fn all_combinations_are_distinct_and_complete() {
        let all: std::collections::HashSet<Indicators> = Indicators::all().collect();
        assert_eq!(all.len(), 48 * 27 * 36);
    }

    #[test]
    fn serde_uses_ids_and_accepts_chinese_labels() {
        let parsed = Indicators::parse("GBT30279/AP:N/TR:L/PR:N/UI:R/C:S/I:G/A:N/EC:M");
        let json = parsed.map(|i| serde_json::to_string(&i).unwrap_or_default());
        assert_eq!(
            json.ok().as_deref(),
            Some(
                "{\"access_path\":\"network\",\"trigger\":\"low\",\"privilege\":\"none\",\
                 \"interaction\":\"required\",\"confidentiality\":\"severe\",\
                 \"integrity\":\"general\",\"availability\":\"none\",\"exploitation_cost\":\"medium\"}"
            )
        );
        assert_eq!(
            serde_json::from_str::<Grade>("\"超危\"").ok(),
            Some(Grade::Critical)
        );
        assert!(serde_json::from_str::<Grade>("\"severe\"").is_err());
        assert_eq!(Grade::Critical.label_zh(), "超危");
        assert_eq!(Grade::Low.label_en(), "Low");
    }
}
