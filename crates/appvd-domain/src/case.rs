//! Cases: the vulnerability record that a report becomes, and everything the loop adds to it.

use time::{Date, OffsetDateTime};

use crate::grade::Grade;
use crate::ids::{CaseId, OrgId, ProductId, UserId};
use crate::org::{Jurisdiction, str_enum};
use crate::product::Platform;

/// General-type (通用型): in the shipped app or SDK, every installation inherits it; the provider's
/// duties of Art. 7 apply. Event-type (事件型): in one operator's live system; Art. 8 applies and
/// details are never published (REG-9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    General,
    Event,
}

str_enum!(CaseType { General => "general", Event => "event" } what "case_type");

/// The states of a case. See [`crate::lifecycle`] for the transitions between them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Received,
    Triage,
    NeedsInfo,
    Rejected,
    Duplicate,
    Verified,
    VendorNotified,
    VendorAcknowledged,
    Fixing,
    Fixed,
    FixVerified,
    PublicationReview,
    Published,
    ClosedUnpublished,
    Withdrawn,
}

str_enum!(CaseState {
    Received => "received",
    Triage => "triage",
    NeedsInfo => "needs_info",
    Rejected => "rejected",
    Duplicate => "duplicate",
    Verified => "verified",
    VendorNotified => "vendor_notified",
    VendorAcknowledged => "vendor_acknowledged",
    Fixing => "fixing",
    Fixed => "fixed",
    FixVerified => "fix_verified",
    PublicationReview => "publication_review",
    Published => "published",
    ClosedUnpublished => "closed_unpublished",
    Withdrawn => "withdrawn",
} what "state");

impl CaseState {
    /// States in which the vendor has been told (the national-report clock may run).
    pub fn vendor_is_aware(self) -> bool {
        matches!(
            self,
            CaseState::VendorNotified
                | CaseState::VendorAcknowledged
                | CaseState::Fixing
                | CaseState::Fixed
                | CaseState::FixVerified
                | CaseState::PublicationReview
                | CaseState::Published
                | CaseState::Withdrawn
        )
    }

    /// Whether the case's details are public (only after publication; a withdrawn advisory stays
    /// readable with its withdrawal notice, as OSV and GitHub do).
    pub fn is_public(self) -> bool {
        matches!(self, CaseState::Published | CaseState::Withdrawn)
    }

    /// Terminal states: nothing but an explicit reopen or withdrawal follows.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            CaseState::Rejected
                | CaseState::Duplicate
                | CaseState::ClosedUnpublished
                | CaseState::Withdrawn
        )
    }
}

/// The vendor's statement of whether its product is affected (VINCE-style, per case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VendorStatus {
    Affected,
    NotAffected,
    UnderInvestigation,
    Fixed,
}

str_enum!(VendorStatus {
    Affected => "affected",
    NotAffected => "not_affected",
    UnderInvestigation => "under_investigation",
    Fixed => "fixed",
} what "status");

/// The product a case is about, as the case records it (names are copied so the record stays
/// readable even if the product is renamed later).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CaseProduct {
    pub product: ProductId,
    pub vendor_org: OrgId,
    pub vendor_name: String,
    pub vendor_jurisdiction: Jurisdiction,
    pub name: String,
    pub platform: Platform,
    pub package_id: String,
}

/// A fix released by the vendor (REG-7.5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FixInfo {
    pub fixed_versions: String,
    pub released_on: Date,
    /// What users must do, or the URL of the vendor's notice.
    pub user_notice: String,
}

/// An official mitigation published by the vendor when no fixed version exists yet (REG-9.1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mitigation {
    pub text: String,
    pub published_on: Date,
    pub link: Option<String>,
}

/// An approved exception to publish before a fix (Art. 9(1)): the joint assessment with the
/// vendor, the reports to MIIT and MPS, and the authorities' assessment outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EarlyReleaseException {
    pub joint_assessment: String,
    pub reported_to_miit_on: Option<Date>,
    pub reported_to_mps_on: Option<Date>,
    pub authority_outcome: Option<String>,
}

impl EarlyReleaseException {
    /// Every element Art. 9(1) asks for is recorded.
    pub fn is_complete(&self) -> bool {
        !self.joint_assessment.trim().is_empty()
            && self.reported_to_miit_on.is_some()
            && self.reported_to_mps_on.is_some()
            && self
                .authority_outcome
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty())
    }
}

/// Consent of the Ministry of Public Security to publish during a quiet period (Art. 9(6)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MpsConsent {
    pub reference: String,
    pub given_on: Date,
    pub scope: String,
}

/// The vendor's report to the national sharing platform (REG-7.2).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NationalReport {
    pub submitted_on: Date,
    pub reference: String,
    pub recorded_by: UserId,
}

/// A public severity different from the verified grade, which needs a reason and a second person
/// (REG-9.3).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GradeOverride {
    pub grade: Grade,
    pub reason: String,
    pub proposed_by: UserId,
    pub approved_by: Option<UserId>,
}

/// What a case starts from: the report's claims, before triage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOpening {
    pub id: CaseId,
    pub case_type: CaseType,
    pub title: String,
    pub description: String,
    pub affected_versions: String,
    pub product: Option<CaseProduct>,
    pub reporter: Option<UserId>,
}

/// The vulnerability record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub case_type: CaseType,
    pub state: CaseState,
    pub title: String,
    pub product: Option<CaseProduct>,
    pub affected_versions: String,
    /// Technical characteristics, as verified (internal until publication).
    pub description: String,
    /// Harm: what an attacker gains (REG-7.3).
    pub harm: Option<String>,
    /// Scope: install base, platforms, regions (REG-7.3).
    pub scope: Option<String>,
    pub cwe: Option<u32>,
    pub gbt_category: Option<String>,
    pub masvs: Option<String>,
    /// Canonical CVSS 3.x vector.
    pub cvss_v3: Option<String>,
    /// Canonical CVSS 4.0 vector.
    pub cvss_v4: Option<String>,
    /// GB/T 30279 indicators in their canonical text form.
    pub gbt_indicators: Option<String>,
    /// The grade verification produced (GB/T 30279 comprehensive grade).
    pub grade: Option<Grade>,
    pub grade_override: Option<GradeOverride>,
    pub vendor_status: Option<VendorStatus>,
    pub vendor_statement: Option<String>,
    pub fix: Option<FixInfo>,
    pub mitigation: Option<Mitigation>,
    /// Remediation text for the public advisory (REG-9.5).
    pub remediation: Option<String>,
    /// The public advisory's summary. Nothing from the PoC field may appear here (REG-9.4).
    pub advisory_summary: Option<String>,
    pub early_release: Option<EarlyReleaseException>,
    pub mps_consent: Option<MpsConsent>,
    pub national_report: Option<NationalReport>,
    /// When the vendor (or, for event-type cases, the operator) was told; starts REG-7.1 / REG-8.1.
    #[serde(with = "time::serde::rfc3339::option")]
    pub vendor_aware_at: Option<OffsetDateTime>,
    /// Re-test evidence for the fix (REG-8.2).
    pub fix_verification: Option<String>,
    pub duplicate_of: Option<CaseId>,
    pub reporter: Option<UserId>,
    pub assignee: Option<UserId>,
    pub publication_requested_by: Option<UserId>,
    /// The state a publication request came from, to return to if the request is turned down.
    pub review_from_state: Option<CaseState>,
    pub closing_reason: Option<String>,
    /// Other ids of the same vulnerability: CVE, CNVD, CNNVD, GHSA.
    pub aliases: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
}

impl Case {
    /// A freshly received case.
    pub fn open(opening: CaseOpening, now: OffsetDateTime) -> Self {
        let CaseOpening {
            id,
            case_type,
            title,
            description,
            affected_versions,
            product,
            reporter,
        } = opening;
        Self {
            id,
            case_type,
            state: CaseState::Received,
            title,
            product,
            affected_versions,
            description,
            harm: None,
            scope: None,
            cwe: None,
            gbt_category: None,
            masvs: None,
            cvss_v3: None,
            cvss_v4: None,
            gbt_indicators: None,
            grade: None,
            grade_override: None,
            vendor_status: None,
            vendor_statement: None,
            fix: None,
            mitigation: None,
            remediation: None,
            advisory_summary: None,
            early_release: None,
            mps_consent: None,
            national_report: None,
            vendor_aware_at: None,
            fix_verification: None,
            duplicate_of: None,
            reporter,
            assignee: None,
            publication_requested_by: None,
            review_from_state: None,
            closing_reason: None,
            aliases: Vec::new(),
            created_at: now,
            updated_at: now,
            published_at: None,
        }
    }

    pub fn vendor_org(&self) -> Option<OrgId> {
        self.product.as_ref().map(|p| p.vendor_org)
    }

    /// The severity the public sees: the verified grade unless an approved override exists.
    pub fn public_grade(&self) -> Option<Grade> {
        match &self.grade_override {
            Some(o) if o.approved_by.is_some() => Some(o.grade),
            _ => self.grade,
        }
    }

    /// The text a search index may see for staff: everything but the PoC, which lives elsewhere.
    pub fn internal_search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.title, &self.description, &self.affected_versions];
        if let Some(p) = &self.product {
            parts.extend([
                p.name.as_str(),
                p.package_id.as_str(),
                p.vendor_name.as_str(),
            ]);
        }
        parts.extend(self.harm.as_deref());
        parts.extend(self.scope.as_deref());
        parts.extend(self.advisory_summary.as_deref());
        parts.extend(self.aliases.iter().map(String::as_str));
        parts.join("\n")
    }

    /// The text a public search index may see: only fields of the public advisory, and for
    /// event-type cases nothing but the title (REG-9.2). Empty while unpublished.
    pub fn public_search_text(&self) -> String {
        if !self.state.is_public() {
            return String::new();
        }
        let mut parts: Vec<&str> = vec![&self.title];
        if self.case_type == CaseType::General {
            if let Some(p) = &self.product {
                parts.extend([
                    p.name.as_str(),
                    p.package_id.as_str(),
                    p.vendor_name.as_str(),
                ]);
            }
            parts.extend(self.advisory_summary.as_deref());
            parts.extend(self.remediation.as_deref());
            parts.push(&self.affected_versions);
            parts.extend(self.aliases.iter().map(String::as_str));
        }
        parts.join("\n")
    }
}
