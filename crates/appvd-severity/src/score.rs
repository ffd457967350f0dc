//! Scores as exact tenths and the FIRST qualitative severity scale.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A CVSS score between 0.0 and 10.0, held as a whole number of tenths so that no float
/// formatting drift ever reaches a user: `Score::from_tenths(98)` displays as `9.8` and
/// serialises as the JSON number `9.8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    /// 0.0
    pub const ZERO: Score = Score(0);
    /// 10.0
    pub const MAX: Score = Score(100);

    /// The score with this many tenths, if it is at most 100 (10.0).
    pub const fn from_tenths(tenths: u8) -> Option<Score> {
        if tenths <= 100 {
            Some(Score(tenths))
        } else {
            None
        }
    }

    /// Clamps a computed number of tenths into the 0.0–10.0 range.
    pub(crate) fn saturating_from_tenths(tenths: i64) -> Score {
        // The clamp makes the narrowing conversion lossless.
        Score(tenths.clamp(0, 100) as u8)
    }

    /// The score in tenths (`9.8` → `98`).
    pub const fn tenths(self) -> u8 {
        self.0
    }

    /// The score as a float, for arithmetic by callers; display with [`fmt::Display`] instead.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The FIRST qualitative rating of this score.
    pub fn severity(self) -> Severity {
        Severity::from_score(self)
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        let tenths = (value * 10.0).round();
        if !(0.0..=100.0).contains(&tenths) || (value * 10.0 - tenths).abs() > 1e-6 {
            return Err(serde::de::Error::custom(format!(
                "{value} is not a CVSS score (0.0 to 10.0 in steps of 0.1)"
            )));
        }
        Ok(Score(tenths as u8))
    }
}

/// The FIRST qualitative severity rating scale (CVSS 3.x §5, CVSS 4.0 §6).
///
/// Serialised in upper case as in FIRST's JSON schemas (`"CRITICAL"`); displayed as `Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// 0.0
    None,
    /// 0.1–3.9
    Low,
    /// 4.0–6.9
    Medium,
    /// 7.0–8.9
    High,
    /// 9.0–10.0
    Critical,
}

impl Severity {
    /// Every rating, least severe first.
    pub const ALL: [Severity; 5] = [
        Severity::None,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The rating of a score.
    pub fn from_score(score: Score) -> Severity {
        match score.tenths() {
            0 => Severity::None,
            1..=39 => Severity::Low,
            40..=69 => Severity::Medium,
            70..=89 => Severity::High,
            _ => Severity::Critical,
        }
    }

    /// English label, e.g. `Critical`.
    pub fn label_en(self) -> &'static str {
        match self {
            Severity::None => "None",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }

    /// Chinese label as used for CVSS ratings in Chinese advisories, e.g. `严重`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::None => "无",
            Severity::Low => "低",
            Severity::Medium => "中",
            Severity::High => "高",
            Severity::Critical => "严重",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_tenths_exactly() {
        assert_eq!(
            Score::from_tenths(98).map(|s| s.to_string()),
            Some("9.8".into())
        );
        assert_eq!(Score::ZERO.to_string(), "0.0");
        assert_eq!(Score::MAX.to_string(), "10.0");
        assert_eq!(Score::from_tenths(101), None);
    }

    #[test]
    fn serialises_as_json_number_and_back() {
        for tenths in 0..=100 {
            let score = Score::from_tenths(tenths).unwrap_or(Score::ZERO);
            let json = serde_json::to_string(&score).unwrap_or_default();
            assert_eq!(json, score.to_string());
            let back: Score = serde_json::from_str(&json).unwrap_or(Score::MAX);
            assert_eq!(back, score);
        }
        assert!(serde_json::from_str::<Score>("10.1").is_err());
        assert!(serde_json::from_str::<Score>("5.55").is_err());
        assert!(serde_json::from_str::<Score>("-0.1").is_err());
    }

    #[test]
    fn severity_bands_follow_first_scale() {
        let band = |t| Score::from_tenths(t).map(Severity::from_score);
        assert_eq!(band(0), Some(Severity::None));
        assert_eq!(band(1), Some(Severity::Low));
        assert_eq!(band(39), Some(Severity::Low));
        assert_eq!(band(40), Some(Severity::Medium));
        assert_eq!(band(69), Some(Severity::Medium));
        assert_eq!(band(70), Some(Severity::High));
        assert_eq!(band(89), Some(Severity::High));
        assert_eq!(band(90), Some(Severity::Critical));
        assert_eq!(band(100), Some(Severity::Critical));
        assert_eq!(
            serde_json::to_string(&Severity::Critical).ok().as_deref(),
            Some("\"CRITICAL\"")
        );
    }
}
