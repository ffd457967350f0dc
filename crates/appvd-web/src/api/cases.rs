//! Reports, cases, actions, the conversation, attachments and duplicate candidates.
//!
//! Every read of a case goes through [`load_member_case`], which answers 404 — the same as for an
//! unknown id — to anyone who is not a member of an unpublished case, and writes an audit entry for
//! every read of unpublished material (REG-11.4).

use std::collections::HashSet;

use appvd_domain::access::{self, Audience, Membership};
use appvd_domain::case::{Case, CaseProduct, CaseState};
use appvd_domain::deadline::{self, Clock};
use appvd_domain::edit::{CaseEdit, apply_edit};
use appvd_domain::gate;
use appvd_domain::ids::{CaseId, ProductId, TrackingCode};
use appvd_domain::lifecycle::{self, Action, ActionContext, ActionName};
use appvd_domain::receipt::Channel;
use appvd_domain::report::NewReport;
use appvd_domain::user::Role;
use appvd_domain::{Refusal, text};
use appvd_store::{CaseFilter, CaseRecord, NewAttachment, NewEvent, SubmittedReport};
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::admin::require;
use super::json::JsonBody;
use crate::AppState;
use crate::auth::{Authenticated, Principal};
use crate::error::{ApiError, rules};

pub fn routes(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/reports", post(submit_report))
        .route("/cases", get(list_cases))
        .route("/cases/{case_id}", get(get_case).patch(edit_case))
        .route("/cases/{case_id}/actions", post(take_action))
        .route("/cases/{case_id}/product", post(assign_product))
        .route("/cases/{case_id}/assignee", post(assign_analyst))
        .route(
            "/cases/{case_id}/messages",
            get(list_messages).post(post_message),
        )
        .route("/cases/{case_id}/duplicates", get(duplicates))
        .route(
            "/cases/{case_id}/attachments",
            post(upload_attachment).layer(axum::extract::DefaultBodyLimit::max(
                upload_limit.saturating_add(64 << 10),
            )),
        )
        .route(
            "/cases/{case_id}/attachments/{attachment_id}",
            get(download_attachment),
        )
}

fn now() -> OffsetDateTime {
    appvd_domain::hashchain::to_stored_precision(OffsetDateTime::now_utc())
}

fn parse_case_id(raw: &str) -> Result<CaseId, ApiError> {
    raw.parse()
        .map_err(|e: appvd_domain::InvalidInput| ApiError::bad_request(e.message))
}

fn not_found(id: &CaseId) -> ApiError {
    ApiError::not_found(format!("no case {id} is visible to you"))
}

/// Loads a case the caller may see, with their membership. Non-members and REG-9.7 refusals get the
/// same 404 as an unknown id; the refusal itself is audited.
pub(crate) async fn load_member_case(
    state: &AppState,
    p: &Principal,
    raw_id: &str,
) -> Result<(CaseRecord, Membership), ApiError> {
    let id = parse_case_id(raw_id)?;
    let Some(record) = state.store.case(&id).await? else {
        return Err(not_found(&id));
    };
    let actor = p.actor();
    match access::may_read(Some(&actor), &record.case) {
        Ok(m) => {
            if !record.case.state.is_public() {
                state
                    .store
                    .audit(
                        now(),
                        Some(p.user.id),
                        "read_unpublished",
                        &id.to_string(),
                        "{}",
                    )
                    .await?;
            }
            Ok((record, m))
        }
        Err(refusal) => {
            if refusal.rule == appvd_domain::refusal::rules::REG_9_7 {
                let detail = serde_json::json!({ "rule": refusal.rule }).to_string();
                state
                    .store
                    .audit(
                        now(),
                        Some(p.user.id),
                        "refused_read",
                        &id.to_string(),
                        &detail,
                    )
                    .await?;
            }
            Err(not_found(&id))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Intake

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub product_id: i64,
    pub title: String,
    pub description: String,
    pub steps: Option<String>,
    pub case_type: appvd_domain::case::CaseType,
    pub affected_versions: String,
    pub cvss_vector: Option<String>,
    pub poc: Option<String>,
}

/// The receipt a reporter gets (REG-5.5).
#[derive(Debug, Serialize)]
pub struct Receipt {
    pub report_id: i64,
    pub case_id: CaseId,
    pub tracking_code: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The same moment in Beijing time, as the receipt log keeps it.
    pub received_at_beijing: String,
    pub receipt_seq: i64,
    pub content_sha256: String,
}

/// Reports per reporter per hour, so a runaway script cannot flood the queue.
const INTAKE_LIMIT_PER_HOUR: u32 = 60;

pub(crate) async fn intake(
    state: &AppState,
    p: &Principal,
    req: ReportRequest,
    channel: Channel,
) -> Result<Receipt, ApiError> {
    require(p, &[Role::Reporter])?;
    if let Err(wait) = state.limiter.hit(
        &format!("intake:{}", p.user.id),
        INTAKE_LIMIT_PER_HOUR,
        std::time::Duration::from_secs(3600),
    ) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            rules::RATE_LIMIT,
            format!(
                "too many reports this hour; try again in {} minutes",
                wait.as_secs().div_ceil(60)
            ),
        ));
    }
    let product = state
        .store
        .product(ProductId(req.product_id))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                rules::INPUT,
                format!("product_id: there is no product {}", req.product_id),
            )
        })?;
    let report = NewReport {
        product: product.id,
        title: req.title,
        description: req.description,
        steps: req.steps,
        affected_versions: req.affected_versions,
        case_type: req.case_type,
        cvss_vector: req.cvss_vector,
        poc: req.poc,
        channel,
    }
    .validate()?;
    let vendor = state.store.org(product.vendor_org).await?;
    let code = TrackingCode::from_random(rand::random());
    let submission = state
        .store
        .submit_report(SubmittedReport {
            report: &report,
            product: Some(CaseProduct {
                product: product.id,
                vendor_org: vendor.id,
                vendor_name: vendor.name,
                vendor_jurisdiction: vendor.jurisdiction,
                name: product.name,
                platform: product.platform,
                package_id: product.package_id,
            }),
            reporter: Some(p.user.id),
            tracking_code: code,
            received_at: now(),
            prefix: &state.policy.case_id_prefix,
        })
        .await?;
    Ok(Receipt {
        report_id: submission.report_id.0,
        case_id: submission.case.case.id.clone(),
        tracking_code: submission.tracking_code.to_string(),
        received_at: submission.received_at,
        received_at_beijing: crate::view::beijing_minute(submission.received_at) + " (UTC+8)",
        receipt_seq: submission.receipt.seq,
        content_sha256: submission.receipt.content_sha256,
    })
}

/// `POST /api/v1/reports` (reporter): submit a report; the answer is the receipt.
async fn submit_report(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    JsonBody(req): JsonBody<ReportRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let channel = if p.session.is_some() {
        Channel::Web
    } else {
        Channel::Api
    };
    Ok((
        StatusCode::CREATED,
        Json(intake(&state, &p, req, channel).await?),
    ))
}

// ---------------------------------------------------------------------------------------------
// Reading

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    pub state: Option<String>,
    /// `me`: staff see only the cases assigned to them.
    pub assigned: Option<String>,
    pub q: Option<String>,
    pub mine: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// A case in a list.
#[derive(Debug, Serialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub title: String,
    pub state: CaseState,
    pub case_type: appvd_domain::case::CaseType,
    pub product: Option<String>,
    pub grade: Option<appvd_severity::gbt::Grade>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Serialize)]
pub struct CaseList {
    pub items: Vec<CaseSummary>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

fn summary(c: &Case) -> CaseSummary {
    CaseSummary {
        id: c.id.clone(),
        title: c.title.clone(),
        state: c.state,
        case_type: c.case_type,
        product: c.product.as_ref().map(|p| p.name.clone()),
        grade: c.grade,
        updated_at: c.updated_at,
    }
}

/// The cases a caller may list: staff see every case (the queue), vendors their notified cases,
/// reporters their own reports.
pub(crate) async fn cases_for(
    state: &AppState,
    p: &Principal,
    q: &ListQuery,
) -> Result<CaseList, ApiError> {
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(20).clamp(1, appvd_store::MAX_PER_PAGE);
    let staff = p.user.roles.contains(Role::Analyst) || p.user.roles.contains(Role::Admin);
    let wanted_state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<CaseState>()
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        ),
        None => None,
    };
    if staff && !q.mine.unwrap_or(false) {
        if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
            let found = state.store.search_cases(text, page, per_page).await?;
            let items: Vec<CaseSummary> = found
                .items
                .iter()
                .filter(|r| wanted_state.is_none_or(|s| r.case.state == s))
                .map(|r| summary(&r.case))
                .collect();
            return Ok(CaseList {
                items,
                total: found.total,
                page: found.page,
                per_page: found.per_page,
            });
        }
        let filter = CaseFilter {
            state: wanted_state,
            ..CaseFilter::default()
        };
        let found = state.store.list_cases(&filter, page, per_page).await?;
        return Ok(CaseList {
            items: found.items.iter().map(|r| summary(&r.case)).collect(),
            total: found.total,
            page: found.page,
            per_page: found.per_page,
        });
    }
    let vendor = (p.user.roles.contains(Role::VendorMember)
        || p.user.roles.contains(Role::VendorAdmin))
        && p.user.org.is_some();
    let filter = if vendor && !q.mine.unwrap_or(false) {
        let aware: Vec<CaseState> = CaseState::ALL
            .iter()
            .copied()
            .filter(|s| s.vendor_is_aware())
            .collect();
        CaseFilter {
            vendor_org: p.user.org,
            states: Some(aware),
            state: wanted_state,
            ..CaseFilter::default()
        }
    } else {
        CaseFilter {
            reporter: Some(p.user.id),
            state: wanted_state,
            ..CaseFilter::default()
        }
    };
    let found = state.store.list_cases(&filter, page, per_page).await?;
    // REG-9.7 applies to lists as well: an overseas vendor member sees only its own vendor's
    // cases, which the filter already ensures.
    Ok(CaseList {
        items: found.items.iter().map(|r| summary(&r.case)).collect(),
        total: found.total,
        page: found.page,
        per_page: found.per_page,
    })
}

async fn list_cases(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Query(q): Query<ListQuery>,
) -> Result<Json<CaseList>, ApiError> {
    Ok(Json(cases_for(&state, &p, &q).await?))
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub steps: Option<String>,
    pub affected_versions: String,
    pub cvss_vector: Option<String>,
    pub channel: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Shown to the reporter and staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// Restricted: shown only to the reporter and to members with the PoC permission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poc: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// Staff see who acted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<i64>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Serialize)]
pub struct MessageView {
    pub id: i64,
    pub author: String,
    pub audience: Audience,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Serialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Serialize)]
pub struct Deadlines {
    /// REG-7.1: the vendor's report to the national platform.
    pub national_report: Option<Clock>,
    /// REG-8.1: the fix SLA of the case's grade.
    pub fix: Option<Clock>,
}

/// A case as its members see it.
#[derive(Debug, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub membership: Membership,
    pub allowed_actions: Vec<ActionName>,
    pub can_edit: bool,
    pub poc_visible: bool,
    pub deadlines: Deadlines,
    /// For staff: the publication gate's verdict right now (empty = publishable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publication_gate: Option<Vec<Refusal>>,
    /// REG-7.3 fields still missing (staff).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing_fields: Option<Vec<gate::RequiredField>>,
    pub reports: Vec<ReportView>,
    pub attachments: Vec<AttachmentView>,
    pub timeline: Vec<EventView>,
    pub messages: Vec<MessageView>,
}

pub(crate) async fn case_view(
    state: &AppState,
    p: &Principal,
    record: &CaseRecord,
    m: Membership,
) -> Result<CaseView, ApiError> {
    let actor = p.actor();
    let case = &record.case;
    let poc_visible = access::may_read_poc(m, p.user.poc_access);
    let allowed_actions: Vec<ActionName> = lifecycle::actions_from(case.state)
        .filter(|a| lifecycle::authorize(case, &actor, *a).is_ok())
        .collect();
    let now = OffsetDateTime::now_utc();
    let reports = state
        .store
        .case_reports(record.pk)
        .await?
        .into_iter()
        .map(|r| ReportView {
            id: r.id.0,
            title: r.title,
            description: r.description,
            steps: r.steps,
            affected_versions: r.affected_versions,
            cvss_vector: r.cvss_vector,
            channel: r.channel,
            received_at: r.received_at,
            tracking_code: (m.staff || m.reporter).then_some(r.tracking_code),
            poc: if poc_visible { r.poc } else { None },
        })
        .collect();
    let attachments = if poc_visible {
        state
            .store
            .attachments(record.pk)
            .await?
            .into_iter()
            .map(|a| AttachmentView {
                id: a.id,
                file_name: a.file_name,
                content_type: a.content_type,
                size: a.size,
                sha256: a.sha256,
                created_at: a.created_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    let timeline = state
        .store
        .case_events(&case.id)
        .await?
        .into_iter()
        .map(|e| EventView {
            seq: e.seq,
            at: e.at,
            kind: e.kind,
            from_state: e.from_state,
            to_state: e.to_state,
            actor_id: if m.staff { e.actor.map(|a| a.0) } else { None },
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    let messages = state
        .store
        .messages(record.pk, &access::readable_audiences(m))
        .await?
        .into_iter()
        .map(|msg| MessageView {
            id: msg.id,
            author: msg.author_name,
            audience: msg.audience,
            body: msg.body,
            created_at: msg.created_at,
        })
        .collect();
    let (publication_gate, missing_fields) = if m.staff {
        let poc = state.store.case_poc_texts(record.pk).await?;
        let refs: Vec<&str> = poc.iter().map(String::as_str).collect();
        (
            Some(
                gate::check_publication(case, now, &state.policy, &refs)
                    .err()
                    .unwrap_or_default(),
            ),
            Some(gate::missing_required_fields(case)),
        )
    } else {
        (None, None)
    };
    Ok(CaseView {
        case: case.clone(),
        membership: m,
        allowed_actions,
        can_edit: m.staff && appvd_domain::edit::editable(case.state),
        poc_visible,
        deadlines: Deadlines {
            national_report: deadline::national_report_clock(case, &state.policy, now),
            fix: deadline::fix_clock(case, &state.policy, now),
        },
        publication_gate,
        missing_fields,
        reports,
        attachments,
        timeline,
        messages,
    })
}

/// `GET /api/v1/cases/{id}`: the case as the caller may see it; 404 when the caller may not know
/// it exists.
async fn get_case(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
) -> Result<Json<CaseView>, ApiError> {
    let (record, m) = load_member_case(&state, &p, &raw).await?;
    Ok(Json(case_view(&state, &p, &record, m).await?))
}

// ---------------------------------------------------------------------------------------------
// Changing

/// `PATCH /api/v1/cases/{id}` (staff): classification, grading, advisory text.
async fn edit_case(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
    JsonBody(edit): JsonBody<CaseEdit>,
) -> Result<Json<CaseView>, ApiError> {
    let (record, m) = load_member_case(&state, &p, &raw).await?;
    let (changed, fields) = apply_edit(&record.case, &p.actor(), &edit, &state.grading)?;
    let record = if fields.is_empty() {
        record
    } else {
        let mut changed = changed;
        changed.updated_at = now();
        let event = NewEvent {
            at: changed.updated_at,
            actor: Some(p.user.id),
            kind: "edited".into(),
            from_state: Some(changed.state),
            to_state: Some(changed.state),
            detail: serde_json::json!({ "fields": fields }).to_string(),
        };
        state.store.update_case(&record, &changed, &event).await?
    };
    Ok(Json(case_view(&state, &p, &record, m).await?))
}

/// The outcome of an action.
#[derive(Debug, Serialize)]
pub struct ActionResult {
    pub state: CaseState,
    pub transition: lifecycle::Transition,
    pub case: CaseView,
}

pub(crate) async fn perform(
    state: &AppState,
    p: &Principal,
    raw: &str,
    action: &Action,
) -> Result<(CaseRecord, lifecycle::Transition, Membership), ApiError> {
    let (record, m) = load_member_case(state, p, raw).await?;
    let vendor = match record.case.vendor_org() {
        Some(id) => state.store.find_org(id).await?,
        None => None,
    };
    let poc = state.store.case_poc_texts(record.pk).await?;
    let poc_refs: Vec<&str> = poc.iter().map(String::as_str).collect();
    let at = now();
    let ctx = ActionContext {
        now: at,
        policy: &state.policy,
        vendor: vendor.as_ref(),
        poc_texts: &poc_refs,
    };
    if let Action::MarkDuplicate { duplicate_of } = action
        && state.store.case(duplicate_of).await?.is_none()
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            appvd_domain::refusal::rules::DUPLICATE_TARGET,
            format!("there is no case {duplicate_of}"),
        ));
    }
    let (next, transition) = lifecycle::apply(&record.case, &p.actor(), action, &ctx)?;
    let event = NewEvent {
        at,
        actor: Some(p.user.id),
        kind: transition.action.as_str().into(),
        from_state: Some(transition.from),
        to_state: Some(transition.to),
        detail: serde_json::json!({ "note": transition.note }).to_string(),
    };
    let record = state.store.update_case(&record, &next, &event).await?;
    Ok((record, transition, m))
}

/// `POST /api/v1/cases/{id}/actions` `{"action": "...", ...}`: a transition of the state machine.
/// 409 when the action does not exist in the case's state, 422 when a gate refuses, 403 when the
/// caller may not take it; each with `{error: {rule, message}}`.
async fn take_action(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
    JsonBody(action): JsonBody<Action>,
) -> Result<Json<ActionResult>, ApiError> {
    let (record, transition, m) = perform(&state, &p, &raw, &action).await?;
    Ok(Json(ActionResult {
        state: record.case.state,
        transition,
        case: case_view(&state, &p, &record, m).await?,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductAssignment {
    pub product_id: i64,
}

/// `POST /api/v1/cases/{id}/product` (staff): set the product (and so the vendor) a case is about.
async fn assign_product(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<ProductAssignment>,
) -> Result<Json<CaseView>, ApiError> {
    require(&p, &[Role::Analyst, Role::Admin])?;
    let (record, m) = load_member_case(&state, &p, &raw).await?;
    if record.case.state.vendor_is_aware() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            appvd_domain::refusal::rules::LIFECYCLE_STATE,
            "the vendor has been notified; the product can no longer change",
        ));
    }
    let product = state.store.product(ProductId(req.product_id)).await?;
    let vendor = state.store.org(product.vendor_org).await?;
    let mut changed = record.case.clone();
    changed.product = Some(CaseProduct {
        product: product.id,
        vendor_org: vendor.id,
        vendor_name: vendor.name,
        vendor_jurisdiction: vendor.jurisdiction,
        name: product.name,
        platform: product.platform,
        package_id: product.package_id,
    });
    changed.updated_at = now();
    let event = NewEvent {
        at: changed.updated_at,
        actor: Some(p.user.id),
        kind: "edited".into(),
        from_state: Some(changed.state),
        to_state: Some(changed.state),
        detail: serde_json::json!({ "fields": ["product"] }).to_string(),
    };
    let record = state.store.update_case(&record, &changed, &event).await?;
    Ok(Json(case_view(&state, &p, &record, m).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// The analyst to assign; the caller when absent.
    pub user_id: Option<i64>,
}

pub(crate) async fn assign(
    state: &AppState,
    p: &Principal,
    raw: &str,
    user: Option<i64>,
) -> Result<CaseRecord, ApiError> {
    require(p, &[Role::Analyst, Role::Admin])?;
    let (record, _) = load_member_case(state, p, raw).await?;
    let target = match user {
        None => p.user.clone(),
        Some(id) => state.store.user(appvd_domain::ids::UserId(id)).await?,
    };
    if !target.roles.contains(Role::Analyst) || target.disabled {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "user_id: cases are assigned to active analysts",
        ));
    }
    if record.case.assignee == Some(target.id) {
        return Ok(record);
    }
    let mut changed = record.case.clone();
    changed.assignee = Some(target.id);
    changed.updated_at = now();
    let event = NewEvent {
        at: changed.updated_at,
        actor: Some(p.user.id),
        kind: "assigned".into(),
        from_state: Some(changed.state),
        to_state: Some(changed.state),
        detail: serde_json::json!({ "assignee": target.id.0 }).to_string(),
    };
    Ok(state.store.update_case(&record, &changed, &event).await?)
}

/// `POST /api/v1/cases/{id}/assignee` `{user_id?}` (staff): assign the case to an analyst (the caller
/// when no id is given).
async fn assign_analyst(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<Assignment>,
) -> Result<Json<CaseView>, ApiError> {
    let record = assign(&state, &p, &raw, req.user_id).await?;
    let (_, m) = load_member_case(&state, &p, &raw).await?;
    Ok(Json(case_view(&state, &p, &record, m).await?))
}

// ---------------------------------------------------------------------------------------------
// Conversation

async fn list_messages(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    let (record, m) = load_member_case(&state, &p, &raw).await?;
    let messages = state
        .store
        .messages(record.pk, &access::readable_audiences(m))
        .await?;
    Ok(Json(
        messages
            .into_iter()
            .map(|msg| MessageView {
                id: msg.id,
                author: msg.author_name,
                audience: msg.audience,
                body: msg.body,
                created_at: msg.created_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub body: String,
    pub audience: Option<Audience>,
}

pub(crate) async fn add_message(
    state: &AppState,
    p: &Principal,
    raw: &str,
    req: MessageRequest,
) -> Result<(CaseRecord, Membership), ApiError> {
    let (record, m) = load_member_case(state, p, raw).await?;
    let audience = req.audience.unwrap_or(Audience::All);
    if !access::writable_audiences(m).contains(&audience) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            appvd_domain::refusal::rules::CASE_MEMBER,
            format!("you cannot write to the {} audience", audience.as_str()),
        ));
    }
    let body = text::required_text("body", &req.body, text::limits::DESCRIPTION)?;
    state
        .store
        .add_message(record.pk, p.user.id, audience, &body, now())
        .await?;
    Ok((record, m))
}

/// `POST /api/v1/cases/{id}/messages` `{body, audience?}`: write to the case's conversation.
async fn post_message(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<MessageRequest>,
) -> Result<(StatusCode, Json<Vec<MessageView>>), ApiError> {
    let (record, m) = add_message(&state, &p, &raw, req).await?;
    let messages = state
        .store
        .messages(record.pk, &access::readable_audiences(m))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            messages
                .into_iter()
                .map(|msg| MessageView {
                    id: msg.id,
                    author: msg.author_name,
                    audience: msg.audience,
                    body: msg.body,
                    created_at: msg.created_at,
                })
                .collect(),
        ),
    ))
}

// ---------------------------------------------------------------------------------------------
// Attachments

/// A safe display name for an uploaded file: no path, no control characters, bounded.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

pub(crate) async fn store_attachment(
    state: &AppState,
    p: &Principal,
    raw: &str,
    file_name: &str,
    content_type: &str,
    bytes: Bytes,
) -> Result<AttachmentView, ApiError> {
    let (record, m) = load_member_case(state, p, raw).await?;
    if !(m.staff || m.reporter) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            appvd_domain::refusal::rules::CASE_MEMBER,
            "only the reporter and staff attach proof-of-concept material",
        ));
    }
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            "the file is empty",
        ));
    }
    if bytes.len() > state.config.max_upload_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            rules::TOO_LARGE,
            format!(
                "attachments may be at most {} bytes",
                state.config.max_upload_bytes
            ),
        ));
    }
    let blobs = state.blobs.clone();
    let sha = tokio::task::spawn_blocking(move || blobs.put(&bytes))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                rules::INTERNAL,
                "storing the file failed",
            )
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "blob store write failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                rules::INTERNAL,
                "storing the file failed",
            )
        })?;
    let size = i64::try_from(
        state
            .blobs
            .get(&sha)
            .ok()
            .flatten()
            .map(|b| b.len())
            .unwrap_or(0),
    )
    .unwrap_or(0);
    let content_type: String = content_type
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect();
    let a = state
        .store
        .add_attachment(&NewAttachment {
            case_pk: record.pk,
            report_id: None,
            sha256: &sha,
            file_name: &clean_file_name(file_name),
            content_type: if content_type.is_empty() {
                "application/octet-stream"
            } else {
                &content_type
            },
            size,
            uploaded_by: p.user.id,
            now: now(),
        })
        .await?;
    Ok(AttachmentView {
        id: a.id,
        file_name: a.file_name,
        content_type: a.content_type,
        size: a.size,
        sha256: a.sha256,
        created_at: a.created_at,
    })
}

/// `POST /api/v1/cases/{id}/attachments` (multipart, field `file`): restricted PoC material, stored
/// by content hash, size-limited.
async fn upload_attachment(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<AttachmentView>), ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            rules::TOO_LARGE,
            format!(
                "attachments may be at most {} bytes",
                state.config.max_upload_bytes
            ),
        )
    };
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::bad_request(e.body_text())
        }
    })? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("attachment").to_owned();
        let ct = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::bad_request(e.body_text())
            }
        })?;
        return Ok((
            StatusCode::CREATED,
            Json(store_attachment(&state, &p, &raw, &name, &ct, bytes).await?),
        ));
    }
    Err(ApiError::bad_request("the upload has no `file` field"))
}

/// `GET /api/v1/cases/{id}/attachments/{aid}`: the file, for members with the PoC permission; every
/// download is audited.
async fn download_attachment(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path((raw, attachment_id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (record, m) = load_member_case(&state, &p, &raw).await?;
    let missing = || ApiError::not_found("no such attachment");
    let attachment = state
        .store
        .attachment(attachment_id)
        .await?
        .filter(|a| a.case_pk == record.pk)
        .ok_or_else(missing)?;
    if !access::may_read_poc(m, p.user.poc_access) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "REG-11.1",
            "proof-of-concept material needs the PoC permission",
        ));
    }
    let bytes = state
        .blobs
        .get(&attachment.sha256)
        .map_err(|_| missing())?
        .ok_or_else(missing)?;
    state
        .store
        .audit(
            now(),
            Some(p.user.id),
            "read_attachment",
            &record.case.id.to_string(),
            &serde_json::json!({ "attachment": attachment.id }).to_string(),
        )
        .await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        attachment
            .file_name
            .replace(|c: char| !c.is_ascii_graphic() || c == '"', "_")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Duplicates

#[derive(Debug, Serialize)]
pub struct DuplicateCandidate {
    pub id: CaseId,
    pub title: String,
    pub state: CaseState,
    pub score: u32,
    pub reasons: Vec<&'static str>,
}

/// Duplicate candidates: cases on the same product, with the same weakness, and with similar text
/// (shared search tokens), scored and ranked.
pub(crate) async fn duplicate_candidates(
    state: &AppState,
    case: &Case,
) -> Result<Vec<DuplicateCandidate>, ApiError> {
    let own: HashSet<String> =
        appvd_domain::search::tokens(&format!("{} {}", case.title, case.description))
            .into_iter()
            .collect();
    let mut pool: Vec<CaseRecord> = Vec::new();
    if let Some(product) = case.product.as_ref().map(|p| p.product) {
        pool.extend(
            state
                .store
                .list_cases(
                    &CaseFilter {
                        product: Some(product),
                        ..CaseFilter::default()
                    },
                    1,
                    100,
                )
                .await?
                .items,
        );
    }
    let mut title_tokens: Vec<String> = appvd_domain::search::tokens(&case.title);
    title_tokens.sort();
    title_tokens.dedup();
    pool.extend(state.store.search_cases_any(&title_tokens, 50).await?);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in pool {
        let other = &r.case;
        if other.id == case.id || !seen.insert(other.id.clone()) {
            continue;
        }
        let mut score = 0;
        let mut reasons = Vec::new();
        if other.product.as_ref().map(|p| p.product) == case.product.as_ref().map(|p| p.product)
            && case.product.is_some()
        {
            score += 40;
            reasons.push("same product");
        }
        if other.cwe.is_some() && other.cwe == case.cwe {
            score += 25;
            reasons.push("same weakness");
        }
        let theirs: HashSet<String> =
            appvd_domain::search::tokens(&format!("{} {}", other.title, other.description))
                .into_iter()
                .collect();
        let shared = own.intersection(&theirs).count();
        let union = own.union(&theirs).count().max(1);
        let similarity = u32::try_from(shared * 35 / union).unwrap_or(35);
        if similarity >= 5 {
            reasons.push("similar text");
        }
        score += similarity;
        if score >= 30 {
            out.push(DuplicateCandidate {
                id: other.id.clone(),
                title: other.title.clone(),
                state: other.state,
                score,
                reasons,
            });
        }
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.id.cmp(&b.id)));
    out.truncate(10);
    Ok(out)
}

async fn duplicates(
    State(state): State<AppState>,
    Authenticated(p): Authenticated,
    Path(raw): Path<String>,
) -> Result<Json<Vec<DuplicateCandidate>>, ApiError> {
    require(&p, &[Role::Analyst, Role::Admin])?;
    let (record, _) = load_member_case(&state, &p, &raw).await?;
    Ok(Json(duplicate_candidates(&state, &record.case).await?))
}
