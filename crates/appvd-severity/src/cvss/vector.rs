//! The vector-string grammar shared by CVSS 3.x and 4.0: `CVSS:x.y/` then `METRIC:VALUE`
//! segments separated by `/`, each metric at most once, optional metrics allowed to say `X`.

use super::{CvssError, CvssVersion};

/// Longest input accepted. A CVSS 4.0 vector that spells out all 32 metrics is about 220
/// bytes; anything much longer is not a vector, and refusing it bounds the work and the size of
/// the strings quoted back in errors.
pub const MAX_VECTOR_LEN: usize = 512;

/// One metric of a version: its abbreviation, the codes of its values (in the order of the
/// typed enum's `ALL`), and whether a vector must give it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MetricSpec {
    pub abbr: &'static str,
    pub codes: &'static [&'static str],
    pub mandatory: bool,
}

/// Declares an enum of metric values with their vector codes.
macro_rules! metric_values {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value, in the order the specification lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The vector codes of [`Self::ALL`], in the same order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The code used in vector strings.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value for a vector code (case-sensitive, as the specifications define them).
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use metric_values;

/// Result of splitting a vector: for each metric of the version's spec list, the index of its
/// value in `codes`, or `None` if absent or `X`.
pub(crate) type Slots = Vec<Option<usize>>;

/// Splits `CVSS:x.y/...` into its version and the remaining body, with the errors for a
/// missing or unknown prefix.
pub(crate) fn split_prefix(input: &str) -> Result<(CvssVersion, &str), CvssError> {
    if input.is_empty() {
        return Err(CvssError::Empty);
    }
    if input.len() > MAX_VECTOR_LEN {
        return Err(CvssError::TooLong {
            len: input.len(),
            max: MAX_VECTOR_LEN,
        });
    }
    let Some(rest) = input.strip_prefix("CVSS:") else {
        // CVSS v2 vectors carry no prefix and use `Au` (authentication); say so rather than
        // only "missing prefix", since that is the usual reason.
        let looks_like_v2 = input.split('/').any(|segment| segment.starts_with("Au:"));
        return Err(CvssError::MissingPrefix { looks_like_v2 });
    };
    let (version, body) = rest.split_once('/').unwrap_or((rest, ""));
    let version = match version {
        "3.0" => CvssVersion::V3_0,
        "3.1" => CvssVersion::V3_1,
        "4.0" => CvssVersion::V4_0,
        other => {
            return Err(CvssError::UnsupportedVersion {
                version: other.to_string(),
            });
        }
    };
    Ok((version, body))
}

/// Parses the body of a vector against the metric list of `version`. `other_family` lists the
/// metrics of the other CVSS generation, so that a 4.0 metric in a 3.1 vector (or the reverse)
/// is reported as a version mismatch instead of an unknown metric.
pub(crate) fn parse_body(
    body: &str,
    version: CvssVersion,
    specs: &[MetricSpec],
    other_family: (CvssVersion, &[MetricSpec]),
) -> Result<Slots, CvssError> {
    let mut slots: Slots = vec![None; specs.len()];
    let mut seen = vec![false; specs.len()];
    // A bare prefix has no segments at all; it is then simply missing every base metric.
    let segments = body.split('/').filter(|_| !body.is_empty());
    // Segment numbers in errors count the prefix as segment 1, as a reader counts slashes.
    for (index, segment) in segments.enumerate() {
        let position = index + 2;
        if segment.is_empty() {
            return Err(CvssError::EmptySegment { position });
        }
        let Some((metric, value)) = segment.split_once(':') else {
            return Err(CvssError::MalformedSegment {
                position,
                segment: segment.to_string(),
            });
        };
        if metric.is_empty() || value.is_empty() || value.contains(':') {
            return Err(CvssError::MalformedSegment {
                position,
                segment: segment.to_string(),
            });
        }
        let Some(slot) = specs.iter().position(|spec| spec.abbr == metric) else {
            let (other_version, other_specs) = other_family;
            if other_specs.iter().any(|spec| spec.abbr == metric) {
                return Err(CvssError::MetricOfOtherVersion {
                    metric: metric.to_string(),
                    declared: version,
                    belongs_to: other_version,
                });
            }
            return Err(CvssError::UnknownMetric {
                metric: metric.to_string(),
                version,
            });
        };
        let spec = specs[slot];
        if std::mem::replace(&mut seen[slot], true) {
            return Err(CvssError::DuplicateMetric { metric: spec.abbr });
        }
        if value == "X" && !spec.mandatory {
            continue;
        }
        let Some(code_index) = spec.codes.iter().position(|code| *code == value) else {
            let mut allowed: Vec<&'static str> = spec.codes.to_vec();
            if !spec.mandatory {
                allowed.push("X");
            }
            return Err(CvssError::InvalidValue {
                metric: spec.abbr,
                value: value.to_string(),
                version,
                allowed,
            });
        };
        slots[slot] = Some(code_index);
    }
    let missing: Vec<&'static str> = specs
        .iter()
        .zip(&seen)
        .filter(|(spec, seen)| spec.mandatory && !**seen)
        .map(|(spec, _)| spec.abbr)
        .collect();
    if !missing.is_empty() {
        return Err(CvssError::MissingMandatory { version, missing });
    }
    Ok(slots)
}

/// Reads the typed value of slot `index`.
pub(crate) fn pick<T: Copy>(all: &[T], slots: &[Option<usize>], index: usize) -> Option<T> {
    slots
        .get(index)
        .copied()
        .flatten()
        .and_then(|i| all.get(i).copied())
}

/// Writes `prefix` and every defined metric as `/ABBR:CODE`, in the order given.
pub(crate) fn write_vector(
    f: &mut std::fmt::Formatter<'_>,
    prefix: &str,
    metrics: &[(&str, Option<&str>)],
) -> std::fmt::Result {
    f.write_str(prefix)?;
    let mut first = true;
    for (abbr, code) in metrics {
        if let Some(code) = code {
            if !first {
                f.write_str("/")?;
            }
            first = false;
            write!(f, "{abbr}:{code}")?;
        }
    }
    Ok(())
}
