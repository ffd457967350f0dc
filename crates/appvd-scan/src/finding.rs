//! Findings: what a rule reports, where, and a fingerprint that survives a rebuild of the app.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The SARIF `level` GitHub code scanning shows.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }

    /// The SARIF `security-severity` property (a CVSS-like number GitHub maps to its labels).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown severity name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a severity; use info, low, medium, high or critical")]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownSeverity(s.to_owned()))
    }
}

/// Where a finding is. Every part is optional; rules fill in what they know. Classes are dotted
/// Java names (`com.example.MainActivity`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// The file inside the app (`AndroidManifest.xml`, `res/xml/nsc.xml`, `lib/arm64-v8a/libx.so`,
    /// `classes2.dex`, or `META-INF/CERT.RSA`).
    pub file: Option<String>,
    /// The manifest component (activity, service, receiver, provider), dotted class name.
    pub component: Option<String>,
    pub class: Option<String>,
    pub method: Option<String>,
    /// Line in the source XML (AXML keeps it) or in the DEX debug info.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Byte or code-unit offset, when a line is not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: Some(file.into()),
            ..Self::default()
        }
    }

    #[must_use]
    pub fn with_component(mut self, component: impl Into<String>) -> Self {
        self.component = Some(component.into());
        self
    }

    #[must_use]
    pub fn with_line(mut self, line: u32) -> Self {
        self.line = (line > 0).then_some(line);
        self
    }

    #[must_use]
    pub fn with_class(mut self, class: impl Into<String>) -> Self {
        self.class = Some(class.into());
        self
    }

    #[must_use]
    pub fn with_method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    #[must_use]
    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// What this occurrence is, in a sentence.
    pub message: String,
    pub masvs: &'static str,
    pub cwe: u32,
    pub location: Location,
    /// The facts that made the rule fire (an attribute, a string, a symbol list…), never a secret
    /// in full.
    pub evidence: String,
    /// Stable across rebuilds and versions of the same app: the rule id and the rule's identity key
    /// for the occurrence (a component name, a file, a host), hashed — not line numbers or offsets.
    pub fingerprint: String,
    /// The third-party SDK the finding lies in, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
}

/// The fingerprint of a finding: the first 16 bytes of SHA-256 over the rule id and the identity
/// key, hex.
pub fn fingerprint(rule: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    hex::encode(&h.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        assert!(
            "severe"
                .parse::<Severity>()
                .unwrap_err()
                .to_string()
                .contains("critical")
        );
    }

    #[test]
    fn fingerprints_depend_on_rule_and_key_only() {
        let a = fingerprint("manifest.debuggable", "application");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint("manifest.debuggable", "application"));
        assert_ne!(a, fingerprint("manifest.test_only", "application"));
        assert_ne!(fingerprint("a", "bc"), fingerprint("ab", "c"));
    }
}
