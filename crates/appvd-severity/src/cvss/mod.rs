//! CVSS vectors of versions 3.0, 3.1 and 4.0: parsing with precise errors, scoring, severity
//! and canonical serialisation.

pub mod metrics;
mod v3;
mod v4;
mod v4_tables;
mod vector;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::score::{Score, Severity};
pub use v3::{Base3, Cvss3, Cvss3Version, Environmental3, Temporal3};
pub use v4::{Base4, Cvss4, Environmental4, MacroVector, Nomenclature, Supplemental4, Threat4};
pub use vector::MAX_VECTOR_LEN;

/// A CVSS specification version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CvssVersion {
    /// CVSS 3.0
    #[serde(rename = "3.0")]
    V3_0,
    /// CVSS 3.1
    #[serde(rename = "3.1")]
    V3_1,
    /// CVSS 4.0
    #[serde(rename = "4.0")]
    V4_0,
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        })
    }
}

/// Why a string is not a valid CVSS vector. Every message names the problem and the part of
/// the input at fault; input quoted back is bounded by [`MAX_VECTOR_LEN`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CvssError {
    /// Nothing to parse.
    #[error("the CVSS vector is empty")]
    Empty,
    /// Longer than any valid vector.
    #[error("the CVSS vector is {len} bytes long; a valid vector is at most {max} bytes")]
    TooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// No `CVSS:x.y/` at the start.
    #[error(
        "the CVSS vector does not start with a version prefix such as \"CVSS:3.1/\" or \"CVSS:4.0/\"{}",
        if *looks_like_v2 { " (it looks like a CVSS v2 vector, which is not supported)" } else { "" }
    )]
    MissingPrefix {
        /// The input has a CVSS v2 `Au:` metric.
        looks_like_v2: bool,
    },
    /// A `CVSS:x.y` prefix with a version other than 3.0, 3.1 or 4.0.
    #[error("CVSS version {version:?} is not supported (supported: 3.0, 3.1, 4.0)")]
    UnsupportedVersion {
        /// The version text after `CVSS:`.
        version: String,
    },
    /// A version-specific parser was given a vector of another version.
    #[error("expected a CVSS {expected} vector, found a CVSS {found} vector")]
    UnexpectedVersion {
        /// What the caller asked for.
        expected: &'static str,
        /// What the prefix declares.
        found: CvssVersion,
    },
    /// Two slashes in a row, or a slash at the end.
    #[error("segment {position} of the CVSS vector is empty (a doubled or trailing \"/\")")]
    EmptySegment {
        /// 1-based segment number, the prefix being segment 1.
        position: usize,
    },
    /// A segment that is not `METRIC:VALUE`.
    #[error("segment {position} of the CVSS vector, {segment:?}, is not of the form METRIC:VALUE")]
    MalformedSegment {
        /// 1-based segment number, the prefix being segment 1.
        position: usize,
        /// The segment as written.
        segment: String,
    },
    /// A metric that no CVSS version defines.
    #[error("{metric:?} is not a CVSS {version} metric")]
    UnknownMetric {
        /// The metric abbreviation as written.
        metric: String,
        /// The declared version.
        version: CvssVersion,
    },
    /// A metric of the other CVSS generation, e.g. `AT` in a 3.1 vector.
    #[error(
        "metric {metric:?} belongs to CVSS {belongs_to}, but the vector declares CVSS {declared}"
    )]
    MetricOfOtherVersion {
        /// The metric abbreviation as written.
        metric: String,
        /// The version the prefix declares.
        declared: CvssVersion,
        /// A version that defines the metric.
        belongs_to: CvssVersion,
    },
    /// The same metric twice.
    #[error("metric {metric} appears more than once")]
    DuplicateMetric {
        /// The metric abbreviation.
        metric: &'static str,
    },
    /// A value the metric does not have.
    #[error(
        "{value:?} is not a valid value of metric {metric} in CVSS {version} (expected one of {})",
        allowed.join(", ")
    )]
    InvalidValue {
        /// The metric abbreviation.
        metric: &'static str,
        /// The value as written.
        value: String,
        /// The declared version.
        version: CvssVersion,
        /// The codes the metric accepts.
        allowed: Vec<&'static str>,
    },
    /// Base metrics absent.
    #[error(
        "the CVSS {version} vector lacks mandatory base metrics: {}",
        missing.join(", ")
    )]
    MissingMandatory {
        /// The declared version.
        version: CvssVersion,
        /// Abbreviations of the missing metrics, in specification order.
        missing: Vec<&'static str>,
    },
}

/// A CVSS vector of any supported version.
///
/// `Display` and serde use the canonical vector string (metrics in specification order,
/// undefined metrics omitted); `parse(s).to_string()` re-parses to the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cvss {
    /// CVSS 3.0 or 3.1.
    V3(Cvss3),
    /// CVSS 4.0.
    V4(Cvss4),
}

impl Cvss {
    /// Parses a vector of version 3.0, 3.1 or 4.0, chosen by its `CVSS:x.y/` prefix.
    /// Surrounding whitespace is ignored; everything else must follow the specification.
    pub fn parse(input: &str) -> Result<Cvss, CvssError> {
        let (version, body) = vector::split_prefix(input.trim())?;
        match version {
            CvssVersion::V3_0 => Cvss3::parse_body(Cvss3Version::V3_0, body).map(Cvss::V3),
            CvssVersion::V3_1 => Cvss3::parse_body(Cvss3Version::V3_1, body).map(Cvss::V3),
            CvssVersion::V4_0 => Cvss4::parse_body(body).map(Cvss::V4),
        }
    }

    /// The vector's version.
    pub fn version(&self) -> CvssVersion {
        match self {
            Cvss::V3(v) => v.version.version(),
            Cvss::V4(_) => CvssVersion::V4_0,
        }
    }

    /// The base score: for 3.x the base equation; for 4.0 the CVSS-B score (base metrics only,
    /// threat and environmental metrics ignored).
    pub fn base_score(&self) -> Score {
        match self {
            Cvss::V3(v) => v.base_score(),
            Cvss::V4(v) => v.base_score(),
        }
    }

    /// The score of everything the vector gives: for 3.x the environmental score if any
    /// environmental metric is defined, else the temporal score if any temporal metric is
    /// defined, else the base score; for 4.0 the score over all its metrics.
    pub fn score(&self) -> Score {
        match self {
            Cvss::V3(v) => v.score(),
            Cvss::V4(v) => v.score(),
        }
    }

    /// The severity rating of [`Cvss::score`].
    pub fn severity(&self) -> Severity {
        self.score().severity()
    }

    /// The severity rating of [`Cvss::base_score`].
    pub fn base_severity(&self) -> Severity {
        self.base_score().severity()
    }

    /// Everything a report shows about the vector, ready to serialise.
    pub fn summary(&self) -> CvssSummary {
        let (temporal_score, environmental_score, nomenclature) = match self {
            Cvss::V3(v) => (
                Some(v.temporal_score()),
                Some(v.environmental_score()),
                None,
            ),
            Cvss::V4(v) => (None, None, Some(v.nomenclature())),
        };
        CvssSummary {
            version: self.version(),
            vector: self.to_string(),
            base_score: self.base_score(),
            base_severity: self.base_severity(),
            temporal_score,
            environmental_score,
            nomenclature,
            score: self.score(),
            severity: self.severity(),
        }
    }
}

/// The scores of one vector, as the CLI and the API print them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvssSummary {
    /// Specification version.
    pub version: CvssVersion,
    /// Canonical vector string.
    pub vector: String,
    /// See [`Cvss::base_score`].
    pub base_score: Score,
    /// Rating of `base_score`.
    pub base_severity: Severity,
    /// CVSS 3.x temporal score.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub temporal_score: Option<Score>,
    /// CVSS 3.x environmental score.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub environmental_score: Option<Score>,
    /// CVSS 4.0 nomenclature of `score` (CVSS-B, CVSS-BT, CVSS-BE, CVSS-BTE).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nomenclature: Option<Nomenclature>,
    /// See [`Cvss::score`].
    pub score: Score,
    /// Rating of `score`.
    pub severity: Severity,
}

impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cvss::V3(v) => v.fmt(f),
            Cvss::V4(v) => v.fmt(f),
        }
    }
}

impl FromStr for Cvss {
    type Err = CvssError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cvss::parse(s)
    }
}

impl From<Cvss3> for Cvss {
    fn from(value: Cvss3) -> Self {
        Cvss::V3(value)
    }
}

impl From<Cvss4> for Cvss {
    fn from(value: Cvss4) -> Self {
        Cvss::V4(value)
    }
}

impl Serialize for Cvss {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cvss {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cvss::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        match Cvss::parse(input) {
            Ok(v) => format!("unexpectedly parsed as {v}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(err(""), "the CVSS vector is empty");
        assert_eq!(
            err("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            "the CVSS vector does not start with a version prefix such as \"CVSS:3.1/\" or \
             \"CVSS:4.0/\" (it looks like a CVSS v2 vector, which is not supported)"
        );
        assert_eq!(
            err("CVSS:2.0/AV:N"),
            "CVSS version \"2.0\" is not supported (supported: 3.0, 3.1, 4.0)"
        );
        assert_eq!(
            err("CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            "metric \"AT\" belongs to CVSS 4.0, but the vector declares CVSS 3.1"
        );
        assert_eq!(
            err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/VC:H"),
            "\"U\" is not a valid value of metric S in CVSS 4.0 (expected one of N, P, X)"
        );
        assert_eq!(
            err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/C:H"),
            "metric \"C\" belongs to CVSS 3.1, but the vector declares CVSS 4.0"
        );
        assert_eq!(
            err("CVSS:3.1/AV:N/AV:N"),
            "metric AV appears more than once"
        );
        assert_eq!(err("CVSS:3.1/ZZ:N"), "\"ZZ\" is not a CVSS 3.1 metric");
        assert_eq!(
            err("CVSS:3.1/AV:Q"),
            "\"Q\" is not a valid value of metric AV in CVSS 3.1 (expected one of N, A, L, P)"
        );
        assert_eq!(
            err("CVSS:3.1/AV:N/AC:L/PR:N"),
            "the CVSS 3.1 vector lacks mandatory base metrics: UI, S, C, I, A"
        );
        assert_eq!(
            err("CVSS:3.1/AV:N//AC:L"),
            "segment 3 of the CVSS vector is empty (a doubled or trailing \"/\")"
        );
        assert_eq!(
            err("CVSS:3.1/AV:N/"),
            "segment 3 of the CVSS vector is empty (a doubled or trailing \"/\")"
        );
        assert_eq!(
            err("CVSS:3.1/AV=N"),
            "segment 2 of the CVSS vector, \"AV=N\", is not of the form METRIC:VALUE"
        );
        assert_eq!(
            err("CVSS:3.1/AV:N:L"),
            "segment 2 of the CVSS vector, \"AV:N:L\", is not of the form METRIC:VALUE"
        );
        assert_eq!(
            err("CVSS:3.1/AV:X"),
            "\"X\" is not a valid value of metric AV in CVSS 3.1 (expected one of N, A, L, P)"
        );
        assert_eq!(
            err(&"CVSS:3.1/".repeat(60)),
            "the CVSS vector is 540 bytes long; a valid vector is at most 512 bytes"
        );
        assert_eq!(
            err("CVSS:3.1/"),
            "the CVSS 3.1 vector lacks mandatory base metrics: AV, AC, PR, UI, S, C, I, A"
        );
        assert_eq!(
            Cvss4::parse("CVSS:3.1/AV:N")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("expected a CVSS 4.0 vector, found a CVSS 3.1 vector")
        );
    }

    #[test]
    fn parses_each_version_and_round_trips() {
        for input in [
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:N/A:N/E:U/RL:O/RC:R/CR:L/IR:M/AR:H/MAV:P/MAC:H/MPR:L/MUI:N/MS:U/MC:N/MI:L/MA:H",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/CR:H/MSI:S/S:P/U:Amber",
        ] {
            let parsed = Cvss::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.to_string(), input);
            let json = serde_json::to_string(&parsed).unwrap_or_default();
            assert_eq!(json, format!("\"{input}\""));
            let back: Cvss = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, parsed);
        }
        assert_eq!(
            Cvss::parse("  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n").map(|c| c.version()),
            Ok(CvssVersion::V3_1)
        );
    }

    #[test]
    fn summary_serialises_scores_as_numbers() {
        let cvss = Cvss::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P");
        let json = cvss.map(|c| serde_json::to_string(&c.summary()).unwrap_or_default());
        assert_eq!(
            json.ok().as_deref(),
            Some(
                "{\"version\":\"3.1\",\"vector\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P\",\
                 \"base_score\":9.8,\"base_severity\":\"CRITICAL\",\"temporal_score\":9.3,\
                 \"environmental_score\":9.3,\"score\":9.3,\"severity\":\"CRITICAL\"}"
            )
        );
    }
}
