//! Severity as the domain uses it: the GB/T 30279 grade a case carries, and CVSS vector checks.
//! Both come from `appvd-severity`, so the whole workspace speaks of one grade type.

use appvd_severity::Cvss;
pub use appvd_severity::gbt::Grade;

/// Validates a CVSS 3.x or 4.0 vector and returns its canonical form, or the reason it is invalid.
pub fn canonical_cvss(vector: &str) -> Result<String, String> {
    Cvss::parse(vector)
        .map(|c| c.to_string())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_canonicalised_or_explained() {
        assert_eq!(
            canonical_cvss(" CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U ").unwrap(),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        );
        let err = canonical_cvss("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(err.contains("AV"), "{err}");
    }
}
