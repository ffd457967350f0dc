//! The working pages: the report form and receipt, case lists (the analysts' queue, a vendor's
//! cases, a reporter's reports), and the case page with its action, edit, message and upload forms.
//! Every change goes through the same functions as the JSON API.

use std::collections::BTreeMap;

use appvd_domain::access::Audience;
use appvd_domain::case::{CaseState, CaseType};
use appvd_domain::deadline::ClockStatus;
use appvd_domain::edit::CaseEdit;
use appvd_domain::lifecycle::{self, Action, ActionName, InputKind};
use appvd_domain::receipt::Channel;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{
    LangLink, Nav, SignedIn, error_page_for, grade_label, lang_links, pick_lang, render, see_other,
};
use crate::AppState;
use crate::api::cases::{self as api, CaseView, ListQuery, MessageRequest, ReportRequest};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::i18n::{Lang, Messages};
use crate::view::beijing_minute;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report", get(report_page).post(report_submit))
        .route("/cases", get(case_list))
        .route("/cases/{case_id}", get(case_page))
        .route("/cases/{case_id}/action", post(action_submit))
        .route("/cases/{case_id}/assign", post(assign_submit))
        .route("/cases/{case_id}/edit", post(edit_submit))
        .route("/cases/{case_id}/messages", post(message_submit))
        .route(
            "/cases/{case_id}/attachments",
            post(attachment_submit).layer(axum::extract::DefaultBodyLimit::max(64 << 20)),
        )
}

struct Opt {
    value: String,
    label: String,
    selected: bool,
}

fn lang_of(state: &AppState, headers: &HeaderMap) -> Lang {
    pick_lang(None, headers, state.default_lang).0
}

/// Pages that need a login send the visitor to the login page; staff without their second factor
/// go to the enrolment page.
#[allow(
    clippy::result_large_err,
    reason = "the response is returned at once; boxing it buys nothing"
)]
fn refusal_text(e: &ApiError) -> String {
    format!("{} — {}", e.rule, e.message)
}

// ---------------------------------------------------------------------------------------------
// Report form

#[derive(Debug, Default, Deserialize)]
struct ReportForm {
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    steps: String,
    #[serde(default)]
    affected_versions: String,
    #[serde(default)]
    case_type: String,
    #[serde(default)]
    cvss_vector: String,
    #[serde(default)]
    poc: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    products: Vec<Opt>,
    form: ReportForm,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    case_id: String,
    tracking_code: String,
    received_utc: String,
    received_beijing: String,
    content_sha256: String,
}

async fn report_form(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    form: ReportForm,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let products = match state.store.list_products().await {
        Ok(list) => list,
        Err(e) => {
            return error_page_for(
                Some(p),
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::from(e).message,
            );
        }
    };
    let products = products
        .into_iter()
        .map(|pr| Opt {
            selected: pr.id.0.to_string() == form.product_id,
            value: pr.id.0.to_string(),
            label: format!("{} ({})", pr.name, pr.package_id),
        })
        .collect();
    let page = ReportPage {
        t: lang.messages(),
        lang,
        lang_links: lang_links("/report", &[], lang),
        nav: Nav::of(Some(p)),
        products,
        form,
        error,
    };
    render(&page, status)
}

async fn report_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
) -> Response {
    report_form(
        &state,
        &p,
        lang_of(&state, &headers),
        ReportForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn report_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Form(form): Form<ReportForm>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let none_if_blank = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let req = ReportRequest {
        product_id: form.product_id.trim().parse().unwrap_or(-1),
        title: form.title.clone(),
        description: form.description.clone(),
        steps: none_if_blank(&form.steps),
        case_type: if form.case_type == "event" {
            CaseType::Event
        } else {
            CaseType::General
        },
        affected_versions: form.affected_versions.clone(),
        cvss_vector: none_if_blank(&form.cvss_vector),
        poc: none_if_blank(&form.poc),
    };
    match api::intake(&state, &p, req, Channel::Web).await {
        Ok(receipt) => {
            let page = ReceiptPage {
                t: lang.messages(),
                lang,
                lang_links: lang_links("/report", &[], lang),
                nav: Nav::of(Some(&p)),
                case_id: receipt.case_id.to_string(),
                tracking_code: receipt.tracking_code,
                received_utc: receipt
                    .received_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                received_beijing: receipt.received_at_beijing,
                content_sha256: receipt.content_sha256,
            };
            render(&page, StatusCode::CREATED)
        }
        Err(e) => report_form(&state, &p, lang, form, Some(refusal_text(&e)), e.status).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Lists

struct Row {
    id: String,
    title: String,
    product: String,
    state: String,
    grade_key: &'static str,
    grade_label: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    heading: String,
    q: String,
    assigned_me: bool,
    states: Vec<Opt>,
    count_text: String,
    rows: Vec<Row>,
}

fn state_label(t: &Messages, s: CaseState) -> String {
    t.get(&format!("state.{}", s.as_str())).to_owned()
}

async fn case_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let t = lang.messages();
    let list = match api::cases_for(&state, &p, &q).await {
        Ok(l) => l,
        Err(e) => return error_page_for(Some(&p), lang, e.status, refusal_text(&e)),
    };
    let nav = Nav::of(Some(&p));
    let heading = if nav.staff {
        t.get("nav.queue")
    } else {
        t.get("nav.my_cases")
    }
    .to_owned();
    let selected = q.state.clone().unwrap_or_default();
    let page = CasesPage {
        t,
        lang,
        lang_links: lang_links("/cases", &[], lang),
        heading,
        q: q.q.clone().unwrap_or_default(),
        assigned_me: q.assigned.as_deref() == Some("me"),
        states: CaseState::ALL
            .iter()
            .map(|s| Opt {
                value: s.as_str().to_owned(),
                label: state_label(t, *s),
                selected: s.as_str() == selected,
            })
            .collect(),
        count_text: t.fill("list.count", &[("n", &list.total.to_string())]),
        rows: list
            .items
            .iter()
            .map(|c| {
                let (grade_key, grade_label) = grade_label(t, c.grade);
                Row {
                    id: c.id.to_string(),
                    title: c.title.clone(),
                    product: c.product.clone().unwrap_or_default(),
                    state: state_label(t, c.state),
                    grade_key,
                    grade_label,
                    updated: beijing_minute(c.updated_at),
                }
            })
            .collect(),
        nav,
    };
    render(&page, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------------
// The case page

struct Field {
    name: &'static str,
    label: String,
    kind: &'static str,
    required: bool,
    options: Vec<Opt>,
}

struct ActionForm {
    name: &'static str,
    label: String,
    fields: Vec<Field>,
}

struct EditField {
    name: &'static str,
    label: String,
    value: String,
    multiline: bool,
}

struct ClockView {
    key: &'static str,
    label: String,
    due: String,
    status: &'static str,
    status_label: String,
}

struct ReportRow {
    title: String,
    description: String,
    steps: Option<String>,
    received: String,
    tracking_code: Option<String>,
    poc: Option<String>,
}

struct AttachmentRow {
    id: i64,
    file_name: String,
    size: i64,
}

struct MessageRow {
    author: String,
    at: String,
    audience: String,
    body: String,
}

struct EventRow {
    at: String,
    kind: String,
    to_state: Option<String>,
    note: Option<String>,
}

struct GateRow {
    rule: String,
    message: String,
}

struct DuplicateRow {
    id: String,
    title: String,
    score: u32,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    c: appvd_domain::case::Case,
    state_key: &'static str,
    state_label: String,
    type_label: String,
    grade_key: &'static str,
    grade_label: String,
    cwe: Option<String>,
    error: Option<String>,
    notice: Option<String>,
    clocks: Vec<ClockView>,
    gate: Vec<GateRow>,
    missing: String,
    actions: Vec<ActionForm>,
    can_edit: bool,
    assignee: Option<String>,
    assigned_to_me: bool,
    edit_fields: Vec<EditField>,
    duplicates: Vec<DuplicateRow>,
    reports: Vec<ReportRow>,
    poc_visible: bool,
    attachments: Vec<AttachmentRow>,
    can_attach: bool,
    messages: Vec<MessageRow>,
    audiences: Vec<Opt>,
    timeline: Vec<EventRow>,
}

fn field(t: &Messages, name: &'static str, kind: &'static str, required: bool) -> Field {
    Field {
        name,
        label: t.get(&format!("field.{name}")).to_owned(),
        kind,
        required,
        options: Vec::new(),
    }
}

/// The inputs each action's form asks for: the domain's declaration of the action's fields, so the
/// page, the API and its OpenAPI description agree.
fn action_fields(t: &Messages, a: ActionName) -> Vec<Field> {
    lifecycle::inputs(a)
        .iter()
        .map(|i| {
            let kind = match i.kind {
                InputKind::Line | InputKind::CaseId => "text",
                InputKind::Text => "textarea",
                InputKind::Date => "date",
                InputKind::VendorStatus => "select",
            };
            let mut f = field(t, i.name, kind, i.required);
            if i.kind == InputKind::VendorStatus {
                f.options = ["affected", "not_affected", "under_investigation"]
                    .into_iter()
                    .map(|s| Opt {
                        value: s.to_owned(),
                        label: t.get(&format!("vendor_status.{s}")).to_owned(),
                        selected: false,
                    })
                    .collect();
            }
            f
        })
        .collect()
}

fn clock_view(t: &Messages, key: &'static str, clock: &appvd_domain::deadline::Clock) -> ClockView {
    let status = match clock.status {
        ClockStatus::Running => "running",
        ClockStatus::Warning => "warning",
        ClockStatus::Overdue => "overdue",
        ClockStatus::Met => "met",
    };
    ClockView {
        key,
        label: t.get(&format!("clock.{key}")).to_owned(),
        due: beijing_minute(clock.due_at),
        status,
        status_label: t.get(&format!("clock_status.{status}")).to_owned(),
    }
}

/// The case page again, with the refusal of the action just tried.
async fn refused(state: &AppState, p: &Principal, lang: Lang, raw: &str, e: &ApiError) -> Response {
    show_case(state, p, lang, raw, Some(refusal_text(e)), None, e.status).await
}

async fn show_case(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    raw: &str,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let (record, m) = match api::load_member_case(state, p, raw).await {
        Ok(x) => x,
        Err(e) => return error_page_for(Some(p), lang, e.status, e.message),
    };
    let view: CaseView = match api::case_view(state, p, &record, m).await {
        Ok(v) => v,
        Err(e) => return error_page_for(Some(p), lang, e.status, e.message),
    };
    let t = lang.messages();
    let c = view.case.clone();
    let (gk, gl) = grade_label(t, c.grade);
    let duplicates = if m.staff
        && matches!(
            c.state,
            CaseState::Received | CaseState::Triage | CaseState::NeedsInfo
        ) {
        api::duplicate_candidates(state, &c)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut clocks = Vec::new();
    if let Some(k) = &view.deadlines.national_report {
        clocks.push(clock_view(t, "national_report", k));
    }
    if let Some(k) = &view.deadlines.fix {
        clocks.push(clock_view(t, "fix", k));
    }
    let edit_fields = if view.can_edit {
        let text = |name: &'static str, value: Option<&str>, multiline: bool| EditField {
            name,
            label: t.get(&format!("field.{name}")).to_owned(),
            value: value.unwrap_or("").to_owned(),
            multiline,
        };
        vec![
            text("title", Some(&c.title), false),
            text("description", Some(&c.description), true),
            text("affected_versions", Some(&c.affected_versions), false),
            text("harm", c.harm.as_deref(), true),
            text("scope", c.scope.as_deref(), true),
            text("cwe", c.cwe.map(|x| x.to_string()).as_deref(), false),
            text("gbt_category", c.gbt_category.as_deref(), false),
            text("masvs", c.masvs.as_deref(), false),
            text("cvss_v3", c.cvss_v3.as_deref(), false),
            text("cvss_v4", c.cvss_v4.as_deref(), false),
            text("gbt_indicators", c.gbt_indicators.as_deref(), false),
            text("advisory_summary", c.advisory_summary.as_deref(), true),
            text("remediation", c.remediation.as_deref(), true),
            text("aliases", Some(&c.aliases.join(", ")), false),
        ]
    } else {
        Vec::new()
    };
    let audiences = appvd_domain::access::writable_audiences(m)
        .into_iter()
        .map(|a| Opt {
            value: a.as_str().to_owned(),
            label: t.get(&format!("audience.{}", a.as_str())).to_owned(),
            selected: false,
        })
        .collect();
    let page = CasePage {
        t,
        lang,
        lang_links: lang_links(&format!("/cases/{}", c.id), &[], lang),
        nav: Nav::of(Some(p)),
        state_key: c.state.as_str(),
        state_label: state_label(t, c.state),
        type_label: t
            .get(&format!("case_type.{}", c.case_type.as_str()))
            .to_owned(),
        grade_key: gk,
        grade_label: gl,
        cwe: c.cwe.map(|id| match appvd_taxonomy::cwe(id) {
            Some(w) => format!("CWE-{id} {}", w.name),
            None => format!("CWE-{id}"),
        }),
        error,
        notice,
        clocks,
        gate: view
            .publication_gate
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|r| GateRow {
                rule: r.rule,
                message: r.message,
            })
            .collect(),
        missing: view
            .missing_fields
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|f| f.label())
            .collect::<Vec<_>>()
            .join(", "),
        actions: view
            .allowed_actions
            .iter()
            .map(|a| ActionForm {
                name: a.as_str(),
                label: t.get(&format!("action.{}", a.as_str())).to_owned(),
                fields: action_fields(t, *a),
            })
            .collect(),
        can_edit: view.can_edit,
        assignee: match c.assignee {
            Some(id) => state.store.user(id).await.ok().map(|u| u.display_name),
            None => None,
        },
        assigned_to_me: c.assignee == Some(p.user.id),
        edit_fields,
        duplicates: duplicates
            .into_iter()
            .map(|d| DuplicateRow {
                id: d.id.to_string(),
                title: d.title,
                score: d.score,
            })
            .collect(),
        reports: view
            .reports
            .iter()
            .map(|r| ReportRow {
                title: r.title.clone(),
                description: r.description.clone(),
                steps: r.steps.clone(),
                received: beijing_minute(r.received_at),
                tracking_code: r.tracking_code.clone(),
                poc: r.poc.clone(),
            })
            .collect(),
        poc_visible: view.poc_visible,
        attachments: view
            .attachments
            .iter()
            .map(|a| AttachmentRow {
                id: a.id,
                file_name: a.file_name.clone(),
                size: a.size,
            })
            .collect(),
        can_attach: m.staff || m.reporter,
        messages: view
            .messages
            .iter()
            .map(|msg| MessageRow {
                author: msg.author.clone(),
                at: beijing_minute(msg.created_at),
                audience: t
                    .get(&format!("audience.{}", msg.audience.as_str()))
                    .to_owned(),
                body: msg.body.clone(),
            })
            .collect(),
        audiences,
        timeline: view
            .timeline
            .iter()
            .map(|e| EventRow {
                at: beijing_minute(e.at),
                kind: t.get(&format!("event.{}", e.kind)).to_owned(),
                to_state: e
                    .to_state
                    .as_deref()
                    .and_then(|s| s.parse::<CaseState>().ok())
                    .map(|s| state_label(t, s)),
                note: e
                    .detail
                    .get("note")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned),
            })
            .collect(),
        c,
    };
    render(&page, status)
}

async fn case_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Path(raw): Path<String>,
) -> Response {
    show_case(
        &state,
        &p,
        lang_of(&state, &headers),
        &raw,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// An action form: the fields become the JSON object the API takes, so the page and the API cannot
/// disagree about what an action needs.
async fn action_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Path(raw): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let mut object = serde_json::Map::new();
    for (k, v) in fields {
        if k == "csrf_token" || k == "submit" || (v.trim().is_empty() && k != "action") {
            continue;
        }
        object.insert(k, serde_json::Value::String(v));
    }
    let action: Action = match serde_json::from_value(serde_json::Value::Object(object)) {
        Ok(a) => a,
        Err(e) => {
            return show_case(
                &state,
                &p,
                lang,
                &raw,
                Some(format!("APPVD-INPUT — {e}")),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match api::perform(&state, &p, &raw, &action).await {
        Ok((record, _, _)) => see_other(&format!("/cases/{}", record.case.id)),
        Err(e) => refused(&state, &p, lang, &raw, &e).await,
    }
}

async fn edit_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Path(raw): Path<String>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let get = |k: &str| fields.get(k).cloned();
    let edit = CaseEdit {
        title: get("title"),
        description: get("description"),
        affected_versions: get("affected_versions"),
        harm: get("harm"),
        scope: get("scope"),
        cwe: match get("cwe").map(|s| s.trim().to_owned()) {
            None => None,
            Some(s) if s.is_empty() => Some(0),
            Some(s) => match s.trim_start_matches("CWE-").parse() {
                Ok(n) => Some(n),
                Err(_) => {
                    return show_case(
                        &state,
                        &p,
                        lang,
                        &raw,
                        Some(format!("APPVD-INPUT — cwe: {s:?} is not a CWE number")),
                        None,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
            },
        },
        gbt_category: get("gbt_category"),
        masvs: get("masvs"),
        cvss_v3: get("cvss_v3"),
        cvss_v4: get("cvss_v4"),
        gbt_indicators: get("gbt_indicators"),
        advisory_summary: get("advisory_summary"),
        remediation: get("remediation"),
        aliases: get("aliases").map(|s| {
            s.split([',', ' '])
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect()
        }),
        ..CaseEdit::default()
    };
    let result = async {
        let (record, _) = api::load_member_case(&state, &p, &raw).await?;
        let (changed, changed_fields) =
            appvd_domain::edit::apply_edit(&record.case, &p.actor(), &edit, &state.grading)?;
        if !changed_fields.is_empty() {
            let mut changed = changed;
            changed.updated_at =
                appvd_domain::hashchain::to_stored_precision(time::OffsetDateTime::now_utc());
            let event = appvd_store::NewEvent {
                at: changed.updated_at,
                actor: Some(p.user.id),
                kind: "edited".into(),
                from_state: Some(changed.state),
                to_state: Some(changed.state),
                detail: serde_json::json!({ "fields": changed_fields }).to_string(),
            };
            state.store.update_case(&record, &changed, &event).await?;
        }
        Ok::<_, ApiError>(())
    };
    match result.await {
        Ok(()) => see_other(&format!("/cases/{raw}")),
        Err(e) => refused(&state, &p, lang, &raw, &e).await,
    }
}

async fn assign_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Path(raw): Path<String>,
) -> Response {
    let lang = lang_of(&state, &headers);
    match api::assign(&state, &p, &raw, None).await {
        Ok(_) => see_other(&format!("/cases/{raw}")),
        Err(e) => refused(&state, &p, lang, &raw, &e).await,
    }
}

#[derive(Debug, Deserialize)]
struct MessageForm {
    body: String,
    #[serde(default)]
    audience: String,
}

async fn message_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<MessageForm>,
) -> Response {
    let lang = lang_of(&state, &headers);
    let req = MessageRequest {
        body: form.body,
        audience: Audience::parse(&form.audience),
    };
    match api::add_message(&state, &p, &raw, req).await {
        Ok(_) => see_other(&format!("/cases/{raw}#messages")),
        Err(e) => refused(&state, &p, lang, &raw, &e).await,
    }
}

async fn attachment_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedIn(p): SignedIn,
    Path(raw): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let lang = lang_of(&state, &headers);
    let too_large = lang.messages().get("case.too_large").to_owned();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("attachment").to_owned();
                let ct = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                return match field.bytes().await {
                    Ok(bytes) => {
                        match api::store_attachment(&state, &p, &raw, &name, &ct, bytes).await {
                            Ok(_) => see_other(&format!("/cases/{raw}#reports")),
                            Err(e) => refused(&state, &p, lang, &raw, &e).await,
                        }
                    }
                    Err(_) => {
                        show_case(
                            &state,
                            &p,
                            lang,
                            &raw,
                            Some(too_large),
                            None,
                            StatusCode::PAYLOAD_TOO_LARGE,
                        )
                        .await
                    }
                };
            }
            Ok(Some(_)) => continue,
            Ok(None) => {
                return show_case(
                    &state,
                    &p,
                    lang,
                    &raw,
                    Some("APPVD-INPUT — no file".into()),
                    None,
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
            Err(_) => {
                return show_case(
                    &state,
                    &p,
                    lang,
                    &raw,
                    Some(too_large),
                    None,
                    StatusCode::PAYLOAD_TOO_LARGE,
                )
                .await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_domain::lifecycle::TRANSITIONS;

    /// Keys built at run time (`state.*`, `action.*`, …) exist in both languages.
    #[test]
    fn dynamic_keys_are_translated() {
        let mut keys: Vec<String> = CaseState::ALL
            .iter()
            .map(|s| format!("state.{}", s.as_str()))
            .collect();
        for r in TRANSITIONS {
            keys.push(format!("action.{}", r.action.as_str()));
            keys.push(format!("event.{}", r.action.as_str()));
            for lang in Lang::ALL {
                keys.extend(
                    action_fields(lang.messages(), r.action)
                        .iter()
                        .map(|f| format!("field.{}", f.name)),
                );
            }
        }
        keys.extend(
            Audience::ALL
                .iter()
                .map(|a| format!("audience.{}", a.as_str())),
        );
        keys.extend(
            ["received", "imported", "edited"]
                .iter()
                .map(|k| format!("event.{k}")),
        );
        keys.extend(
            ["general", "event"]
                .iter()
                .map(|k| format!("case_type.{k}")),
        );
        keys.extend(
            ["running", "warning", "overdue", "met"]
                .iter()
                .map(|k| format!("clock_status.{k}")),
        );
        for lang in Lang::ALL {
            for key in &keys {
                assert_ne!(
                    lang.messages().get(key),
                    key,
                    "{key} is missing in {}",
                    lang.tag()
                );
            }
        }
    }
}
