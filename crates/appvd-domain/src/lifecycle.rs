//! The case lifecycle: which action may move a case from which state, who may take it, and what must
//! hold first.
//!
//! ```text
//! received ─accept─▶ triage ─verify─▶ verified ─notify_vendor─▶ vendor_notified ─acknowledge─▶
//!    │                 │ ▲                                        vendor_acknowledged ─▶ fixing
//!    │  request_info   │ │ supply_info                                  │                  │
//!    ├──────────────▶ needs_info                                     mark_fixed ◀──────────┘
//!    │ reject / mark_duplicate ──▶ rejected / duplicate ─reopen─▶ triage    │
//!                                                                      fixed ─verify_fix─▶ fix_verified
//! fix_verified ─request_publication─▶ publication_review ─approve_publication─▶ published ─withdraw─▶ withdrawn
//!              ─close_unpublished─▶ closed_unpublished
//! ```
//!
//! [`apply`] is the single entry point: it checks state, role and membership, runs the gates, and
//! returns the changed case with the transition taken, or a [`Refusal`] naming the rule.

use time::{Date, OffsetDateTime};

use crate::case::{
    Case, CaseState, CaseType, EarlyReleaseException, FixInfo, Mitigation, NationalReport,
    VendorStatus,
};
use crate::gate;
use crate::ids::CaseId;
use crate::org::{Organisation, str_enum};
use crate::policy::Policy;
use crate::refusal::{Refusal, rules};
use crate::text::{self, limits};
use crate::user::{Actor, Role};

/// The names of the actions, as the API spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionName {
    Accept,
    RequestInfo,
    SupplyInfo,
    Reject,
    MarkDuplicate,
    Reopen,
    Verify,
    NotifyVendor,
    Acknowledge,
    SetVendorStatus,
    MarkFixed,
    VerifyFix,
    RecordNationalReport,
    RequestPublication,
    ApprovePublication,
    RejectPublication,
    Withdraw,
    CloseUnpublished,
}

str_enum!(ActionName {
    Accept => "accept",
    RequestInfo => "request_info",
    SupplyInfo => "supply_info",
    Reject => "reject",
    MarkDuplicate => "mark_duplicate",
    Reopen => "reopen",
    Verify => "verify",
    NotifyVendor => "notify_vendor",
    Acknowledge => "acknowledge",
    SetVendorStatus => "set_vendor_status",
    MarkFixed => "mark_fixed",
    VerifyFix => "verify_fix",
    RecordNationalReport => "record_national_report",
    RequestPublication => "request_publication",
    ApprovePublication => "approve_publication",
    RejectPublication => "reject_publication",
    Withdraw => "withdraw",
    CloseUnpublished => "close_unpublished",
} what "action");

/// Who may take an action, beyond platform staff roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// Analysts.
    Analyst,
    /// Analysts or administrators.
    Staff,
    /// Members of the case's vendor organisation, or analysts acting for them.
    VendorOrAnalyst,
    /// The reporter of the case.
    Reporter,
}

/// One row of the transition table.
#[derive(Debug, Clone, Copy)]
pub struct TransitionRule {
    pub action: ActionName,
    pub from: &'static [CaseState],
    /// `None` when the action records something without changing the state, or when the target
    /// depends on the case (see [`apply`]).
    pub to: Option<CaseState>,
    pub party: Party,
}

use CaseState as S;

const VENDOR_AWARE_OPEN: &[CaseState] = &[
    S::VendorNotified,
    S::VendorAcknowledged,
    S::Fixing,
    S::Fixed,
    S::FixVerified,
    S::PublicationReview,
    S::Published,
];
const BEFORE_FIX_PUBLICATION: &[CaseState] = &[
    S::FixVerified,
    S::Verified,
    S::VendorNotified,
    S::VendorAcknowledged,
    S::Fixing,
    S::Fixed,
];

/// The whole state machine as data: the documentation and the API's OpenAPI description are
/// generated from it, and the tests walk it.
pub const TRANSITIONS: &[TransitionRule] = &[
    TransitionRule {
        action: ActionName::Accept,
        from: &[S::Received],
        to: Some(S::Triage),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::RequestInfo,
        from: &[S::Received, S::Triage],
        to: Some(S::NeedsInfo),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::SupplyInfo,
        from: &[S::NeedsInfo],
        to: Some(S::Triage),
        party: Party::Reporter,
    },
    TransitionRule {
        action: ActionName::Reject,
        from: &[S::Received, S::Triage, S::NeedsInfo],
        to: Some(S::Rejected),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::MarkDuplicate,
        from: &[S::Received, S::Triage, S::NeedsInfo],
        to: Some(S::Duplicate),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::Reopen,
        from: &[S::Rejected, S::Duplicate],
        to: Some(S::Triage),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::Verify,
        from: &[S::Triage],
        to: Some(S::Verified),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::NotifyVendor,
        from: &[S::Verified],
        to: Some(S::VendorNotified),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::Acknowledge,
        from: &[S::VendorNotified],
        to: Some(S::VendorAcknowledged),
        party: Party::VendorOrAnalyst,
    },
    TransitionRule {
        action: ActionName::SetVendorStatus,
        from: &[S::VendorNotified, S::VendorAcknowledged, S::Fixing],
        to: None,
        party: Party::VendorOrAnalyst,
    },
    TransitionRule {
        action: ActionName::MarkFixed,
        from: &[S::VendorAcknowledged, S::Fixing],
        to: Some(S::Fixed),
        party: Party::VendorOrAnalyst,
    },
    TransitionRule {
        action: ActionName::VerifyFix,
        from: &[S::Fixed],
        to: Some(S::FixVerified),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::RecordNationalReport,
        from: VENDOR_AWARE_OPEN,
        to: None,
        party: Party::VendorOrAnalyst,
    },
    TransitionRule {
        action: ActionName::RequestPublication,
        from: BEFORE_FIX_PUBLICATION,
        to: Some(S::PublicationReview),
        party: Party::Analyst,
    },
    TransitionRule {
        action: ActionName::ApprovePublication,
        from: &[S::PublicationReview],
        to: Some(S::Published),
        party: Party::Staff,
    },
    TransitionRule {
        action: ActionName::RejectPublication,
        from: &[S::PublicationReview],
        to: None,
        party: Party::Staff,
    },
    TransitionRule {
        action: ActionName::Withdraw,
        from: &[S::Published],
        to: Some(S::Withdrawn),
        party: Party::Staff,
    },
    TransitionRule {
        action: ActionName::CloseUnpublished,
        from: &[
            S::VendorNotified,
            S::VendorAcknowledged,
            S::Fixing,
            S::FixVerified,
        ],
        to: Some(S::ClosedUnpublished),
        party: Party::Analyst,
    },
];

/// The rule of an action.
pub fn rule_for(action: ActionName) -> &'static TransitionRule {
    TRANSITIONS
        .iter()
        .find(|r| r.action == action)
        .unwrap_or(&TRANSITIONS[0])
}

/// The actions whose `from` list contains `state`, in table order.
pub fn actions_from(state: CaseState) -> impl Iterator<Item = ActionName> {
    TRANSITIONS
        .iter()
        .filter(move |r| r.from.contains(&state))
        .map(|r| r.action)
}

/// The kind of value an action's input field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// One line of text.
    Line,
    /// Free text.
    Text,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A case id.
    CaseId,
    /// One of the vendor statuses a vendor may set (`affected`, `not_affected`,
    /// `under_investigation`).
    VendorStatus,
}

/// One input field of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub name: &'static str,
    pub kind: InputKind,
    pub required: bool,
}

const fn input(name: &'static str, kind: InputKind, required: bool) -> Input {
    Input {
        name,
        kind,
        required,
    }
}

const QUESTION: &[Input] = &[input("question", InputKind::Text, true)];
const ANSWER: &[Input] = &[input("answer", InputKind::Text, true)];
const REASON: &[Input] = &[input("reason", InputKind::Text, true)];
const DUPLICATE: &[Input] = &[input("duplicate_of", InputKind::CaseId, true)];
const VENDOR_STATUS: &[Input] = &[
    input("status", InputKind::VendorStatus, true),
    input("statement", InputKind::Text, false),
];
const FIXED: &[Input] = &[
    input("fixed_versions", InputKind::Line, true),
    input("released_on", InputKind::Date, true),
    input("user_notice", InputKind::Text, true),
];
const EVIDENCE: &[Input] = &[input("evidence", InputKind::Text, true)];
const NATIONAL_REPORT: &[Input] = &[
    input("submitted_on", InputKind::Date, true),
    input("reference", InputKind::Line, true),
];

/// The fields each action takes besides its name — what the API documents and the pages ask for.
pub fn inputs(action: ActionName) -> &'static [Input] {
    match action {
        ActionName::RequestInfo => QUESTION,
        ActionName::SupplyInfo => ANSWER,
        ActionName::Reject
        | ActionName::Reopen
        | ActionName::RejectPublication
        | ActionName::Withdraw
        | ActionName::CloseUnpublished => REASON,
        ActionName::MarkDuplicate => DUPLICATE,
        ActionName::SetVendorStatus => VENDOR_STATUS,
        ActionName::MarkFixed => FIXED,
        ActionName::VerifyFix => EVIDENCE,
        ActionName::RecordNationalReport => NATIONAL_REPORT,
        ActionName::Accept
        | ActionName::Verify
        | ActionName::NotifyVendor
        | ActionName::Acknowledge
        | ActionName::RequestPublication
        | ActionName::ApprovePublication => &[],
    }
}

/// An action with its input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Accept,
    RequestInfo {
        question: String,
    },
    SupplyInfo {
        answer: String,
    },
    Reject {
        reason: String,
    },
    MarkDuplicate {
        duplicate_of: CaseId,
    },
    Reopen {
        reason: String,
    },
    Verify,
    NotifyVendor,
    Acknowledge,
    SetVendorStatus {
        status: VendorStatus,
        statement: Option<String>,
    },
    MarkFixed {
        fixed_versions: String,
        released_on: Date,
        user_notice: String,
        mitigation: Option<Mitigation>,
    },
    VerifyFix {
        evidence: String,
    },
    RecordNationalReport {
        submitted_on: Date,
        reference: String,
    },
    RequestPublication,
    ApprovePublication,
    RejectPublication {
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    CloseUnpublished {
        reason: String,
    },
}

impl Action {
    pub fn name(&self) -> ActionName {
        match self {
            Action::Accept => ActionName::Accept,
            Action::RequestInfo { .. } => ActionName::RequestInfo,
            Action::SupplyInfo { .. } => ActionName::SupplyInfo,
            Action::Reject { .. } => ActionName::Reject,
            Action::MarkDuplicate { .. } => ActionName::MarkDuplicate,
            Action::Reopen { .. } => ActionName::Reopen,
            Action::Verify => ActionName::Verify,
            Action::NotifyVendor => ActionName::NotifyVendor,
            Action::Acknowledge => ActionName::Acknowledge,
            Action::SetVendorStatus { .. } => ActionName::SetVendorStatus,
            Action::MarkFixed { .. } => ActionName::MarkFixed,
            Action::VerifyFix { .. } => ActionName::VerifyFix,
            Action::RecordNationalReport { .. } => ActionName::RecordNationalReport,
            Action::RequestPublication => ActionName::RequestPublication,
            Action::ApprovePublication => ActionName::ApprovePublication,
            Action::RejectPublication { .. } => ActionName::RejectPublication,
            Action::Withdraw { .. } => ActionName::Withdraw,
            Action::CloseUnpublished { .. } => ActionName::CloseUnpublished,
        }
    }
}

/// What [`apply`] needs to know beyond the case and the actor.
#[derive(Debug, Clone, Copy)]
pub struct ActionContext<'a> {
    pub now: OffsetDateTime,
    pub policy: &'a Policy,
    /// The case's vendor organisation (REG-5.4 looks at its contacts).
    pub vendor: Option<&'a Organisation>,
    /// The texts of the case's restricted PoC material, which no public field may contain (REG-9.4).
    pub poc_texts: &'a [&'a str],
}

/// A transition that happened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transition {
    pub action: ActionName,
    pub from: CaseState,
    pub to: CaseState,
    /// A short text for the timeline (question, reason, status…), when the action carries one.
    pub note: Option<String>,
}

/// Checks that `actor` may take `action` on `case` at all (role and membership), before any state
/// or gate check. Used by [`apply`] and by pages that decide which buttons to show.
pub fn authorize(case: &Case, actor: &Actor, action: ActionName) -> Result<(), Refusal> {
    let rule = rule_for(action);
    let analyst = actor.has(Role::Analyst);
    let admin = actor.has(Role::Admin);
    let vendor_member = (actor.has(Role::VendorMember) || actor.has(Role::VendorAdmin))
        && actor.org.is_some()
        && actor.org == case.vendor_org();
    let allowed = match rule.party {
        Party::Analyst => analyst,
        Party::Staff => analyst || admin,
        Party::VendorOrAnalyst => analyst || vendor_member,
        Party::Reporter => actor.has(Role::Reporter) && case.reporter == Some(actor.user),
    };
    if allowed {
        return Ok(());
    }
    let who = match rule.party {
        Party::Analyst => "an analyst",
        Party::Staff => "an analyst or an administrator",
        Party::VendorOrAnalyst => "a member of the case's vendor organisation or an analyst",
        Party::Reporter => "the case's reporter",
    };
    let rule_id = match rule.party {
        Party::VendorOrAnalyst | Party::Reporter if !actor.roles.is_empty() => rules::CASE_MEMBER,
        _ => rules::ROLE,
    };
    Err(Refusal::forbidden(
        rule_id,
        format!("only {who} may {}", action.as_str().replace('_', " ")),
    ))
}

/// Applies `action` to a copy of `case`. On success returns the new case and the transition; the
/// caller persists both (and the event) in one transaction. On refusal nothing changes.
pub fn apply(
    case: &Case,
    actor: &Actor,
    action: &Action,
    ctx: &ActionContext<'_>,
) -> Result<(Case, Transition), Refusal> {
    let name = action.name();
    authorize(case, actor, name)?;
    let rule = rule_for(name);
    if !rule.from.contains(&case.state) {
        let allowed: Vec<&str> = rule.from.iter().map(|s| s.as_str()).collect();
        return Err(Refusal::wrong_state(format!(
            "{} is not possible while the case is {}; it needs one of: {}",
            name.as_str(),
            case.state.as_str(),
            allowed.join(", ")
        )));
    }

    let mut next = case.clone();
    let from = case.state;
    let mut note = None;
    let reason = |field: &str, value: &str| -> Result<String, Refusal> {
        text::required_text(field, value, limits::SHORT * 4)
            .map_err(|e| Refusal::invalid(rules::REASON, e.to_string()))
    };

    match action {
        Action::Accept => {
            next.assignee.get_or_insert(actor.user);
        }
        Action::RequestInfo { question } => note = Some(reason("question", question)?),
        Action::SupplyInfo { answer } => note = Some(reason("answer", answer)?),
        Action::Reject { reason: r } | Action::Reopen { reason: r } => {
            note = Some(reason("reason", r)?)
        }
        Action::MarkDuplicate { duplicate_of } => {
            if *duplicate_of == case.id {
                return Err(Refusal::invalid(
                    rules::DUPLICATE_TARGET,
                    "a case cannot be a duplicate of itself",
                ));
            }
            next.duplicate_of = Some(duplicate_of.clone());
            note = Some(duplicate_of.to_string());
        }
        Action::Verify => {
            let missing = gate::missing_required_fields(case);
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|f| f.label()).collect();
                return Err(Refusal::gate(
                    rules::REG_7_3,
                    format!(
                        "the case cannot leave verification until these fields are complete: {}",
                        names.join(", ")
                    ),
                ));
            }
        }
        Action::NotifyVendor => {
            let vendor = ctx.vendor.filter(|v| Some(v.id) == case.vendor_org());
            match vendor {
                Some(v) if v.has_verified_contact() => {}
                Some(v) => {
                    return Err(Refusal::gate(
                        rules::REG_5_4,
                        format!(
                            "{} has no verified security contact, so it cannot be notified",
                            v.name
                        ),
                    ));
                }
                None => {
                    return Err(Refusal::gate(
                        rules::REG_5_4,
                        "the case names no vendor organisation to notify",
                    ));
                }
            }
            next.vendor_aware_at = Some(ctx.now);
        }
        Action::Acknowledge => {
            if next.vendor_status.is_none() {
                next.vendor_status = Some(VendorStatus::UnderInvestigation);
            }
        }
        Action::SetVendorStatus { status, statement } => {
            let statement =
                text::optional_text("statement", statement.as_deref(), limits::DESCRIPTION)?;
            if *status == VendorStatus::Fixed {
                return Err(Refusal::invalid(
                    rules::INPUT,
                    "use mark_fixed to say the vulnerability is fixed: it records the fixed version and the user notice",
                ));
            }
            next.vendor_status = Some(*status);
            next.vendor_statement = statement.or(next.vendor_statement);
            next.state = match (case.state, status) {
                (S::VendorNotified | S::VendorAcknowledged, VendorStatus::Affected) => S::Fixing,
                (S::VendorNotified, _) => S::VendorAcknowledged,
                (state, _) => state,
            };
            note = Some(status.as_str().to_owned());
        }
        Action::MarkFixed {
            fixed_versions,
            released_on,
            user_notice,
            mitigation,
        } => {
            let fixed_versions =
                text::required_line("fixed_versions", fixed_versions, limits::VERSION_LIST)
                    .map_err(|e| Refusal::gate(rules::REG_7_5, e.to_string()))?;
            let user_notice = text::required_text("user_notice", user_notice, limits::DESCRIPTION).map_err(|_| {
                Refusal::gate(rules::REG_7_5, "a fixed case needs a user notice: what users must do, or the URL of the vendor's notice")
            })?;
            if *released_on > ctx.now.date() {
                return Err(Refusal::gate(
                    rules::REG_7_5,
                    "the fix release date lies in the future",
                ));
            }
            next.fix = Some(FixInfo {
                fixed_versions,
                released_on: *released_on,
                user_notice,
            });
            if let Some(m) = mitigation {
                next.mitigation = Some(m.clone());
            }
            next.vendor_status = Some(VendorStatus::Fixed);
        }
        Action::VerifyFix { evidence } => {
            let evidence = text::required_text("evidence", evidence, limits::DESCRIPTION).map_err(|_| {
                Refusal::gate(rules::REG_8_2, "verifying a fix needs re-test evidence (what was tested, on which version, with what result)")
            })?;
            next.fix_verification = Some(evidence);
        }
        Action::RecordNationalReport {
            submitted_on,
            reference,
        } => {
            let reference = text::required_line("reference", reference, limits::SHORT)
                .map_err(|e| Refusal::invalid(rules::REG_7_2, e.to_string()))?;
            if *submitted_on > ctx.now.date() {
                return Err(Refusal::invalid(
                    rules::REG_7_2,
                    "the submission date lies in the future",
                ));
            }
            next.national_report = Some(NationalReport {
                submitted_on: *submitted_on,
                reference,
                recorded_by: actor.user,
            });
        }
        Action::RequestPublication => {
            if case.state != S::FixVerified
                && !case
                    .early_release
                    .as_ref()
                    .is_some_and(EarlyReleaseException::is_complete)
            {
                return Err(Refusal::gate(
                    rules::REG_9_1,
                    "publication can be requested before the fix is verified only with a complete early-release exception",
                ));
            }
            gate::check_publication(case, ctx.now, ctx.policy, ctx.poc_texts).map_err(first_of)?;
            next.publication_requested_by = Some(actor.user);
            next.review_from_state = Some(case.state);
        }
        Action::ApprovePublication => {
            if case.publication_requested_by == Some(actor.user) {
                return Err(Refusal::forbidden(
                    rules::REG_11_5,
                    "publication needs a second person: the one who requested it cannot approve it",
                ));
            }
            gate::check_publication(case, ctx.now, ctx.policy, ctx.poc_texts).map_err(first_of)?;
            next.published_at = Some(ctx.now);
        }
        Action::RejectPublication { reason: r } => {
            note = Some(reason("reason", r)?);
            next.state = case.review_from_state.unwrap_or(S::FixVerified);
            next.publication_requested_by = None;
            next.review_from_state = None;
        }
        Action::Withdraw { reason: r } => {
            let r = reason("reason", r)?;
            next.closing_reason = Some(r.clone());
            note = Some(r);
        }
        Action::CloseUnpublished { reason: r } => {
            let r = reason("reason", r)?;
            if case.state != S::FixVerified {
                if case.case_type == CaseType::Event {
                    return Err(Refusal::gate(
                        rules::REG_8_2,
                        "an event-type case closes only after its fix is verified by a re-test",
                    ));
                }
                if case.vendor_status != Some(VendorStatus::NotAffected) {
                    return Err(Refusal::gate(
                        rules::REASON,
                        "a general-type case closes unpublished before a verified fix only when the vendor states it is not affected",
                    ));
                }
            }
            next.closing_reason = Some(r.clone());
            note = Some(r);
        }
    }

    if let Some(to) = rule.to {
        next.state = to;
    }
    next.updated_at = ctx.now;
    let transition = Transition {
        action: name,
        from,
        to: next.state,
        note,
    };
    Ok((next, transition))
}

/// The first refusal of a non-empty list; `check_publication` reports every failing rule, the
/// transition needs one to answer with.
fn first_of(mut refusals: Vec<Refusal>) -> Refusal {
    if refusals.is_empty() {
        Refusal::gate(rules::REG_9_1, "publication refused")
    } else {
        let first = refusals.remove(0);
        if refusals.is_empty() {
            first
        } else {
            let rest: Vec<String> = refusals.iter().map(|r| r.rule.clone()).collect();
            Refusal {
                message: format!("{} (also failing: {})", first.message, rest.join(", ")),
                ..first
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{EarlyReleaseException, Mitigation};
    use crate::testing::*;
    use time::macros::date;

    fn ctx<'a>(policy: &'a Policy, vendor: Option<&'a Organisation>) -> ActionContext<'a> {
        ActionContext {
            now: NOW,
            policy,
            vendor,
            poc_texts: &[],
        }
    }

    fn step(case: &Case, actor: &Actor, action: Action, ctx: &ActionContext<'_>) -> Case {
        match apply(case, actor, &action, ctx) {
            Ok((next, t)) => {
                assert_eq!(t.from, case.state);
                assert_eq!(t.to, next.state);
                next
            }
            Err(r) => panic!("{:?} refused in {}: {r}", action.name(), case.state),
        }
    }

    #[test]
    fn the_whole_loop_of_a_general_case() {
        let policy = Policy::default();
        let vendor = vendor_org(true);
        let ctx = ctx(&policy, Some(&vendor));
        let mut c = case_in(CaseState::Received);
        c.grade = None;
        c = step(&c, &analyst(), Action::Accept, &ctx);
        assert_eq!(
            (c.state, c.assignee),
            (CaseState::Triage, Some(analyst().user))
        );
        c = step(
            &c,
            &analyst(),
            Action::RequestInfo {
                question: "Which build?".into(),
            },
            &ctx,
        );
        c = step(
            &c,
            &reporter(),
            Action::SupplyInfo {
                answer: "5.1.3 from the store".into(),
            },
            &ctx,
        );
        assert_eq!(c.state, CaseState::Triage);
        c.grade = Some(crate::grade::Grade::High);
        c = step(&c, &analyst(), Action::Verify, &ctx);
        c = step(&c, &analyst(), Action::NotifyVendor, &ctx);
        assert_eq!(c.vendor_aware_at, Some(NOW));
        c = step(&c, &vendor_member(), Action::Acknowledge, &ctx);
        c = step(
            &c,
            &vendor_member(),
            Action::SetVendorStatus {
                status: VendorStatus::Affected,
                statement: Some("Confirmed.".into()),
            },
            &ctx,
        );
        assert_eq!(c.state, CaseState::Fixing);
        c = step(
            &c,
            &vendor_member(),
            Action::RecordNationalReport {
                submitted_on: date!(2026 - 11 - 29),
                reference: "NVDB-123".into(),
            },
            &ctx,
        );
        assert_eq!(c.state, CaseState::Fixing);
        c = step(
            &c,
            &vendor_member(),
            Action::MarkFixed {
                fixed_versions: "5.2.0".into(),
                released_on: date!(2026 - 11 - 29),
                user_notice: "Update from the store.".into(),
                mitigation: None,
            },
            &ctx,
        );
        c = step(
            &c,
            &analyst(),
            Action::VerifyFix {
                evidence: "Re-tested 5.2.0.".into(),
            },
            &ctx,
        );
        c.remediation = Some("Upgrade to 5.2.0.".into());
        c = step(&c, &analyst(), Action::RequestPublication, &ctx);
        assert_eq!(c.state, CaseState::PublicationReview);
        c = step(&c, &second_analyst(), Action::ApprovePublication, &ctx);
        assert_eq!((c.state, c.published_at), (CaseState::Published, Some(NOW)));
        c = step(
            &c,
            &admin(),
            Action::Withdraw {
                reason: "Duplicate of an earlier advisory.".into(),
            },
            &ctx,
        );
        assert_eq!(c.state, CaseState::Withdrawn);
    }

    #[test]
    fn every_action_outside_its_states_is_refused_with_the_lifecycle_rule() {
        let policy = Policy::default();
        let vendor = vendor_org(true);
        let ctx = ctx(&policy, Some(&vendor));
        let superuser = actor(
            9,
            &[Role::Analyst, Role::Admin, Role::Reporter],
            Some(VENDOR),
        );
        for rule in TRANSITIONS {
            for state in CaseState::ALL {
                if rule.from.contains(state) {
                    continue;
                }
                let mut c = case_in(*state);
                c.reporter = Some(superuser.user);
                let action = sample_action(rule.action);
                let refusal = apply(&c, &superuser, &action, &ctx).unwrap_err();
                assert_eq!(
                    refusal.rule,
                    rules::LIFECYCLE_STATE,
                    "{:?} in {state}",
                    rule.action
                );
                assert_eq!(refusal.kind, crate::RefusalKind::WrongState);
            }
        }
    }

    fn sample_action(name: ActionName) -> Action {
        let reason = || "a reason".to_owned();
        match name {
            ActionName::Accept => Action::Accept,
            ActionName::RequestInfo => Action::RequestInfo { question: reason() },
            ActionName::SupplyInfo => Action::SupplyInfo { answer: reason() },
            ActionName::Reject => Action::Reject { reason: reason() },
            ActionName::MarkDuplicate => Action::MarkDuplicate {
                duplicate_of: "APPVD-2026-00001".parse().unwrap(),
            },
            ActionName::Reopen => Action::Reopen { reason: reason() },
            ActionName::Verify => Action::Verify,
            ActionName::NotifyVendor => Action::NotifyVendor,
            ActionName::Acknowledge => Action::Acknowledge,
            ActionName::SetVendorStatus => Action::SetVendorStatus {
                status: VendorStatus::Affected,
                statement: None,
            },
            ActionName::MarkFixed => Action::MarkFixed {
                fixed_versions: "2".into(),
                released_on: date!(2026 - 11 - 01),
                user_notice: "update".into(),
                mitigation: None,
            },
            ActionName::VerifyFix => Action::VerifyFix { evidence: reason() },
            ActionName::RecordNationalReport => Action::RecordNationalReport {
                submitted_on: date!(2026 - 11 - 01),
                reference: "R".into(),
            },
            ActionName::RequestPublication => Action::RequestPublication,
            ActionName::ApprovePublication => Action::ApprovePublication,
            ActionName::RejectPublication => Action::RejectPublication { reason: reason() },
            ActionName::Withdraw => Action::Withdraw { reason: reason() },
            ActionName::CloseUnpublished => Action::CloseUnpublished { reason: reason() },
        }
    }

    #[test]
    fn declared_inputs_deserialize_into_the_action() {
        for name in ActionName::ALL {
            let mut object = serde_json::Map::new();
            object.insert(
                "action".into(),
                serde_json::Value::String(name.as_str().into()),
            );
            for i in inputs(*name).iter().filter(|i| i.required) {
                let value = match i.kind {
                    InputKind::Date => "2026-11-01",
                    InputKind::CaseId => "APPVD-2026-00001",
                    InputKind::VendorStatus => "affected",
                    InputKind::Line | InputKind::Text => "text",
                };
                object.insert(i.name.into(), serde_json::Value::String(value.into()));
            }
            let action: Action = serde_json::from_value(serde_json::Value::Object(object))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(action.name(), *name);
        }
    }

    #[test]
    fn action_names_round_trip_and_cover_the_table() {
        for name in ActionName::ALL {
            assert_eq!(name.as_str().parse::<ActionName>().unwrap(), *name);
            assert_eq!(sample_action(*name).name(), *name);
            assert!(
                TRANSITIONS.iter().any(|r| r.action == *name),
                "{name} has no rule"
            );
        }
        assert!("publish_now".parse::<ActionName>().is_err());
    }

    #[test]
    fn roles_and_membership_are_checked_first() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let c = case_in(CaseState::Received);
        let r = apply(&c, &reporter(), &Action::Accept, &ctx).unwrap_err();
        assert_eq!(
            (r.rule.as_str(), r.kind),
            (rules::ROLE, crate::RefusalKind::Forbidden)
        );

        let c = case_in(CaseState::VendorNotified);
        let r = apply(&c, &other_vendor_member(), &Action::Acknowledge, &ctx).unwrap_err();
        assert_eq!(r.rule, rules::CASE_MEMBER);
        assert!(apply(&c, &vendor_member(), &Action::Acknowledge, &ctx).is_ok());
        assert!(
            apply(&c, &analyst(), &Action::Acknowledge, &ctx).is_ok(),
            "analysts may act for a vendor"
        );

        let c = case_in(CaseState::NeedsInfo);
        let stranger = actor(77, &[Role::Reporter], None);
        let r = apply(
            &c,
            &stranger,
            &Action::SupplyInfo { answer: "x".into() },
            &ctx,
        )
        .unwrap_err();
        assert_eq!(r.rule, rules::CASE_MEMBER);

        let c = case_in(CaseState::PublicationReview);
        let r = apply(&c, &vendor_member(), &Action::ApprovePublication, &ctx).unwrap_err();
        assert_eq!(r.kind, crate::RefusalKind::Forbidden);
    }

    #[test]
    fn reg_7_3_verify_needs_the_national_report_fields() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let mut c = case_in(CaseState::Triage);
        c.harm = None;
        c.scope = Some("  ".into());
        c.cwe = None;
        let r = apply(&c, &analyst(), &Action::Verify, &ctx).unwrap_err();
        assert_eq!(r.rule, "REG-7.3");
        for field in ["harm", "scope of impact", "weakness"] {
            assert!(r.message.contains(field), "{field} missing from {r}");
        }
        assert!(!r.message.contains("product name"));
    }

    #[test]
    fn reg_5_4_notify_needs_a_verified_contact() {
        let policy = Policy::default();
        let unverified = vendor_org(false);
        let c = case_in(CaseState::Verified);
        let r = apply(
            &c,
            &analyst(),
            &Action::NotifyVendor,
            &ctx(&policy, Some(&unverified)),
        )
        .unwrap_err();
        assert_eq!(r.rule, "REG-5.4");
        let r = apply(&c, &analyst(), &Action::NotifyVendor, &ctx(&policy, None)).unwrap_err();
        assert_eq!(r.rule, "REG-5.4");
    }

    #[test]
    fn reg_7_5_fixed_needs_versions_date_and_notice() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let c = case_in(CaseState::Fixing);
        let fixed = |notice: &str, day| Action::MarkFixed {
            fixed_versions: "5.2.0".into(),
            released_on: day,
            user_notice: notice.into(),
            mitigation: None,
        };
        assert_eq!(
            apply(
                &c,
                &vendor_member(),
                &fixed(" ", date!(2026 - 11 - 01)),
                &ctx
            )
            .unwrap_err()
            .rule,
            "REG-7.5"
        );
        assert_eq!(
            apply(
                &c,
                &vendor_member(),
                &fixed("update", date!(2027 - 01 - 01)),
                &ctx
            )
            .unwrap_err()
            .rule,
            "REG-7.5"
        );
        let (c, _) = apply(
            &c,
            &vendor_member(),
            &fixed("update", date!(2026 - 11 - 01)),
            &ctx,
        )
        .unwrap();
        assert_eq!(c.vendor_status, Some(VendorStatus::Fixed));
    }

    #[test]
    fn reg_8_2_fix_verification_and_event_closure_need_evidence() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let c = case_in(CaseState::Fixed);
        assert_eq!(
            apply(
                &c,
                &analyst(),
                &Action::VerifyFix {
                    evidence: "".into()
                },
                &ctx
            )
            .unwrap_err()
            .rule,
            "REG-8.2"
        );

        let mut event = case_in(CaseState::Fixing);
        event.case_type = CaseType::Event;
        let r = apply(
            &event,
            &analyst(),
            &Action::CloseUnpublished {
                reason: "done".into(),
            },
            &ctx,
        )
        .unwrap_err();
        assert_eq!(r.rule, "REG-8.2");
        event.state = CaseState::FixVerified;
        assert!(
            apply(
                &event,
                &analyst(),
                &Action::CloseUnpublished {
                    reason: "fixed and re-tested".into()
                },
                &ctx
            )
            .is_ok()
        );
    }

    #[test]
    fn general_case_closes_early_only_when_not_affected() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let mut c = case_in(CaseState::VendorAcknowledged);
        assert!(
            apply(
                &c,
                &analyst(),
                &Action::CloseUnpublished { reason: "r".into() },
                &ctx
            )
            .is_err()
        );
        c.vendor_status = Some(VendorStatus::NotAffected);
        assert!(
            apply(
                &c,
                &analyst(),
                &Action::CloseUnpublished {
                    reason: "vendor shows the code is unreachable".into()
                },
                &ctx
            )
            .is_ok()
        );
    }

    #[test]
    fn reg_9_1_publication_before_a_fix_is_refused() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let mut c = case_in(CaseState::Fixing);
        c.remediation = Some("Disable the feature.".into());
        let r = apply(&c, &analyst(), &Action::RequestPublication, &ctx).unwrap_err();
        assert_eq!(r.rule, "REG-9.1");

        c.early_release = Some(EarlyReleaseException {
            joint_assessment: "Assessed with the vendor on 2026-11-10.".into(),
            reported_to_miit_on: Some(date!(2026 - 11 - 11)),
            reported_to_mps_on: None,
            authority_outcome: Some("Approved".into()),
        });
        assert_eq!(
            apply(&c, &analyst(), &Action::RequestPublication, &ctx)
                .unwrap_err()
                .rule,
            "REG-9.1"
        );
        if let Some(e) = c.early_release.as_mut() {
            e.reported_to_mps_on = Some(date!(2026 - 11 - 11));
        }
        let (c, _) = apply(&c, &analyst(), &Action::RequestPublication, &ctx).unwrap();
        assert_eq!(c.review_from_state, Some(CaseState::Fixing));
        let (c, _) = apply(
            &c,
            &second_analyst(),
            &Action::RejectPublication {
                reason: "wait for the fix".into(),
            },
            &ctx,
        )
        .unwrap();
        assert_eq!(c.state, CaseState::Fixing);
    }

    #[test]
    fn official_mitigation_counts_as_fix_available() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let mut c = publishable_case();
        c.fix = None;
        c.mitigation = Some(Mitigation {
            text: "Turn off sync in settings.".into(),
            published_on: date!(2026 - 11 - 01),
            link: None,
        });
        assert!(apply(&c, &analyst(), &Action::RequestPublication, &ctx).is_ok());
    }

    #[test]
    fn reg_11_5_publication_needs_two_people() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let (c, _) = apply(
            &publishable_case(),
            &analyst(),
            &Action::RequestPublication,
            &ctx,
        )
        .unwrap();
        let r = apply(&c, &analyst(), &Action::ApprovePublication, &ctx).unwrap_err();
        assert_eq!(
            (r.rule.as_str(), r.kind),
            ("REG-11.5", crate::RefusalKind::Forbidden)
        );
        assert!(apply(&c, &admin(), &Action::ApprovePublication, &ctx).is_ok());
    }

    #[test]
    fn the_gate_runs_again_on_approval() {
        let mut policy = Policy::default();
        let (c, _) = apply(
            &publishable_case(),
            &analyst(),
            &Action::RequestPublication,
            &ctx(&policy, None),
        )
        .unwrap();
        policy.quiet_periods.push(crate::policy::QuietPeriod {
            name: "event".into(),
            start: NOW - time::Duration::hours(1),
            end: NOW + time::Duration::days(3),
        });
        let r = apply(
            &c,
            &second_analyst(),
            &Action::ApprovePublication,
            &ctx(&policy, None),
        )
        .unwrap_err();
        assert_eq!(r.rule, "REG-9.6");
    }

    #[test]
    fn duplicates_and_reasons() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let c = case_in(CaseState::Triage);
        let same = Action::MarkDuplicate {
            duplicate_of: c.id.clone(),
        };
        assert_eq!(
            apply(&c, &analyst(), &same, &ctx).unwrap_err().rule,
            rules::DUPLICATE_TARGET
        );
        assert_eq!(
            apply(&c, &analyst(), &Action::Reject { reason: " ".into() }, &ctx)
                .unwrap_err()
                .rule,
            rules::REASON
        );
        let long = "x".repeat(100_000);
        assert!(apply(&c, &analyst(), &Action::Reject { reason: long }, &ctx).is_err());
    }

    #[test]
    fn vendor_status_fixed_goes_through_mark_fixed() {
        let policy = Policy::default();
        let ctx = ctx(&policy, None);
        let c = case_in(CaseState::Fixing);
        let r = apply(
            &c,
            &vendor_member(),
            &Action::SetVendorStatus {
                status: VendorStatus::Fixed,
                statement: None,
            },
            &ctx,
        )
        .unwrap_err();
        assert!(r.message.contains("mark_fixed"));
    }
}
