//! Reports: one submission by a reporter. A report opens a case; the PoC stays with the report,
//! restricted, and never reaches public output (REG-9.4).

use crate::case::CaseType;
use crate::error::InvalidInput;
use crate::ids::ProductId;
use crate::receipt::Channel;
use crate::text::{self, limits};

/// A report as submitted, before validation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewReport {
    pub product: ProductId,
    pub title: String,
    pub description: String,
    pub steps: Option<String>,
    pub affected_versions: String,
    pub case_type: CaseType,
    pub cvss_vector: Option<String>,
    pub poc: Option<String>,
    pub channel: Channel,
}

/// A validated report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidReport {
    pub product: ProductId,
    pub title: String,
    pub description: String,
    pub steps: Option<String>,
    pub affected_versions: String,
    pub case_type: CaseType,
    /// Canonical form of the claimed CVSS vector.
    pub cvss_vector: Option<String>,
    pub poc: Option<String>,
    pub channel: Channel,
}

impl NewReport {
    /// Checks every field; the first problem found is returned with the field's name.
    pub fn validate(self) -> Result<ValidReport, InvalidInput> {
        let cvss_vector = match self.cvss_vector.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => Some(
                crate::grade::canonical_cvss(v).map_err(|e| InvalidInput::new("cvss_vector", e))?,
            ),
        };
        Ok(ValidReport {
            product: self.product,
            title: text::required_line("title", &self.title, limits::TITLE)?,
            description: text::required_text(
                "description",
                &self.description,
                limits::DESCRIPTION,
            )?,
            steps: text::optional_text("steps", self.steps.as_deref(), limits::DESCRIPTION)?,
            affected_versions: text::required_line(
                "affected_versions",
                &self.affected_versions,
                limits::VERSION_LIST,
            )?,
            case_type: self.case_type,
            cvss_vector,
            poc: text::optional_text("poc", self.poc.as_deref(), limits::POC)?,
            channel: self.channel,
        })
    }
}

impl ValidReport {
    /// The bytes whose SHA-256 the receipt log records: every field as received, length-prefixed.
    pub fn content_for_receipt(&self) -> Vec<u8> {
        let fields: [&str; 7] = [
            &self.title,
            &self.description,
            self.steps.as_deref().unwrap_or(""),
            &self.affected_versions,
            self.case_type.as_str(),
            self.cvss_vector.as_deref().unwrap_or(""),
            self.poc.as_deref().unwrap_or(""),
        ];
        let mut out = Vec::new();
        for f in fields {
            out.extend_from_slice(&(f.len() as u64).to_be_bytes());
            out.extend_from_slice(f.as_bytes());
        }
        out
    }
}
