//! The severity grade a case carries. Re-exported from `appvd-severity` so the whole workspace
//! speaks of one grade type.
// Interim local definition while appvd-severity is written; replaced by a re-export.

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Low,
    Medium,
    High,
    Critical,
}

/// Validates a CVSS vector and returns its canonical form.
pub fn canonical_cvss(vector: &str) -> Result<String, String> {
    if vector.starts_with("CVSS:") {
        Ok(vector.to_owned())
    } else {
        Err("not a CVSS vector".to_owned())
    }
}
