//! Refusals: the one shape every "no" of the domain takes.
//!
//! A refusal names the rule that said no (a `REG-…` id from the Regulations, or one of the
//! platform's own `APPVD-…` ids) and carries a sentence a person can act on. The web layer maps the
//! [`RefusalKind`] to an HTTP status; the rule id travels unchanged to the API and the page.

use std::fmt;

/// Why an action was refused, which decides how a caller reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    /// The action does not exist in the case's current state (HTTP 409).
    WrongState,
    /// The actor may not take this action on this case (HTTP 403).
    Forbidden,
    /// The action is allowed in principle but a gate or a required field says no (HTTP 422).
    Gate,
    /// The input itself is malformed (HTTP 400 / 422).
    Invalid,
}

/// A refused action: rule id, kind, and a human sentence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    pub rule: String,
    pub kind: RefusalKind,
    pub message: String,
}

impl Refusal {
    pub fn new(rule: impl Into<String>, kind: RefusalKind, message: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            kind,
            message: message.into(),
        }
    }

    pub fn gate(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, RefusalKind::Gate, message)
    }

    pub fn forbidden(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, RefusalKind::Forbidden, message)
    }

    pub fn wrong_state(message: impl Into<String>) -> Self {
        Self::new(rules::LIFECYCLE_STATE, RefusalKind::WrongState, message)
    }

    pub fn invalid(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, RefusalKind::Invalid, message)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

impl std::error::Error for Refusal {}

/// Rule ids. `REG-*` ids trace to an article of the Regulations (see the reference table in
/// ARCHITECTURE.md); `APPVD-*` ids are the platform's own invariants.
pub mod rules {
    /// The action is not defined for the case's current state.
    pub const LIFECYCLE_STATE: &str = "APPVD-LIFECYCLE";
    /// The actor lacks the role the action requires.
    pub const ROLE: &str = "APPVD-ROLE";
    /// The actor has the role but is not a member of this case (vendor of another product, …).
    pub const CASE_MEMBER: &str = "APPVD-CASE-MEMBER";
    /// Input validation (lengths, formats).
    pub const INPUT: &str = "APPVD-INPUT";
    /// A duplicate must name the case it duplicates, and not itself.
    pub const DUPLICATE_TARGET: &str = "APPVD-DUPLICATE";
    /// A reason is required for this action.
    pub const REASON: &str = "APPVD-REASON";

    /// Receipt-log entries are append-only.
    pub const REG_5_1: &str = "REG-5.1";
    /// Receipt-log entries cannot be deleted before the retention floor.
    pub const REG_5_2: &str = "REG-5.2";
    /// A vendor must have a verified security contact before it can be notified.
    pub const REG_5_4: &str = "REG-5.4";
    /// Skipping vendor notification needs a recorded reason.
    pub const REG_6_1: &str = "REG-6.1";
    /// The 48-hour national report clock.
    pub const REG_7_1: &str = "REG-7.1";
    /// The vendor's report to the national platform must be recorded.
    pub const REG_7_2: &str = "REG-7.2";
    /// Required fields before a case leaves verification.
    pub const REG_7_3: &str = "REG-7.3";
    /// A fixed general-type case needs fixed versions, a release date and a user notice.
    pub const REG_7_5: &str = "REG-7.5";
    /// An event-type case closes only with re-test evidence.
    pub const REG_8_2: &str = "REG-8.2";
    /// No publication before a fix or an approved early-release exception.
    pub const REG_9_1: &str = "REG-9.1";
    /// Never details of an event-type case.
    pub const REG_9_2: &str = "REG-9.2";
    /// Public severity equals the verified grade; no hype.
    pub const REG_9_3: &str = "REG-9.3";
    /// No PoC or exploit in any public output.
    pub const REG_9_4: &str = "REG-9.4";
    /// Remediation published at the same time.
    pub const REG_9_5: &str = "REG-9.5";
    /// Quiet periods need a recorded consent.
    pub const REG_9_6: &str = "REG-9.6";
    /// No unpublished detail to an overseas party other than the affected vendor.
    pub const REG_9_7: &str = "REG-9.7";
    /// Publication is a two-person action.
    pub const REG_11_5: &str = "REG-11.5";
}
