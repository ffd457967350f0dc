//! The public pages: the advisory list with search and filters, and advisory pages.

use appvd_domain::advisory::Advisory;
use appvd_domain::case::CaseType;
use appvd_domain::ids::CaseId;
use appvd_domain::product::Platform;
use askama::Template;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{
    LangLink, Nav, error_page, grade_label, lang_links, pick_lang, platform_label, query_string,
    render, with_lang_cookie,
};
use crate::AppState;
use crate::auth::MaybePrincipal;
use crate::error::ApiError;
use crate::i18n::{Lang, Messages};
use crate::view::{self, ListParams, PER_PAGE, beijing_date, beijing_minute};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(advisory_list))
        .route("/advisories/{case_id}", get(advisory_page))
        .route("/feed.atom", get(super::feed::atom))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
}

struct SelectOption {
    value: &'static str,
    label: String,
    selected: bool,
}

struct Row {
    id: String,
    title: String,
    product: String,
    grade_key: &'static str,
    grade_label: String,
    published: String,
    published_iso: String,
    withdrawn: bool,
}

#[derive(Template)]
#[template(path = "advisories.html")]
struct ListPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    q: String,
    grade_options: Vec<SelectOption>,
    platform_options: Vec<SelectOption>,
    error: Option<String>,
    count_text: String,
    rows: Vec<Row>,
    pages: u64,
    page_text: String,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "advisory.html")]
struct DetailPage {
    t: &'static Messages,
    lang: Lang,
    lang_links: Vec<LangLink>,
    nav: Nav,
    a: Advisory,
    grade_key: &'static str,
    grade_label: String,
    platform_label: String,
    published: String,
    published_iso: String,
    updated: String,
    updated_iso: String,
    fix_released: Option<String>,
    cwe: Option<String>,
    aliases: String,
    event_notice: bool,
}

async fn advisory_list(
    State(state): State<AppState>,
    MaybePrincipal(p): MaybePrincipal,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let (lang, remember) = pick_lang(params.lang.as_deref(), &headers, state.default_lang);
    let t = lang.messages();
    let q = params.q.clone().unwrap_or_default();
    let grade = params.grade.clone().unwrap_or_default();
    let platform = params.platform.clone().unwrap_or_default();

    let (result, error) = match view::filter_of(&ListParams {
        per_page: None,
        ..params
    }) {
        Ok((filter, page, _)) => match state.store.advisories(&filter, page, PER_PAGE).await {
            Ok(r) => (Some(r), None),
            Err(e) => {
                return error_page(
                    lang,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError::from(e).message,
                );
            }
        },
        Err(e) => (None, Some(e.message)),
    };
    let (items, total, page) =
        result
            .map(|r| (r.items, r.total, r.page))
            .unwrap_or((Vec::new(), 0, 1));
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let filters = [
        ("q", q.as_str()),
        ("grade", grade.as_str()),
        ("platform", platform.as_str()),
    ];
    let page_href = |n: u32| {
        let n = n.to_string();
        let mut pairs = filters.to_vec();
        pairs.push(("page", &n));
        pairs.push(("lang", lang.tag()));
        format!("/{}", query_string(&pairs))
    };
    let rows = items
        .iter()
        .map(|a| {
            let (grade_key, grade_label) = grade_label(t, a.grade);
            Row {
                id: a.id.to_string(),
                title: a.title.clone(),
                product: a
                    .product
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                grade_key,
                grade_label,
                published: beijing_date(a.published_at),
                published_iso: a
                    .published_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                withdrawn: a.withdrawn,
            }
        })
        .collect();
    let grade_options = ["critical", "high", "medium", "low"]
        .into_iter()
        .map(|g| SelectOption {
            value: g,
            label: t.get(&format!("grade.{g}")).to_owned(),
            selected: g == grade,
        })
        .collect();
    let platform_options = Platform::ALL
        .iter()
        .map(|p| SelectOption {
            value: p.as_str(),
            label: platform_label(lang, *p),
            selected: p.as_str() == platform,
        })
        .collect();
    let page_view = ListPage {
        t,
        lang,
        lang_links: lang_links("/", &filters, lang),
        nav: Nav::of(p.as_ref()),
        q: q.clone(),
        grade_options,
        platform_options,
        error,
        count_text: t.fill("list.count", &[("n", &total.to_string())]),
        rows,
        pages,
        page_text: t.fill(
            "list.page",
            &[("page", &page.to_string()), ("pages", &pages.to_string())],
        ),
        prev_href: (page > 1).then(|| page_href(page - 1)),
        next_href: (u64::from(page) < pages).then(|| page_href(page + 1)),
    };
    with_lang_cookie(render(&page_view, StatusCode::OK), lang, remember)
}

async fn advisory_page(
    State(state): State<AppState>,
    MaybePrincipal(p): MaybePrincipal,
    headers: HeaderMap,
    Path(case_id): Path<String>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let (lang, remember) = pick_lang(params.lang.as_deref(), &headers, state.default_lang);
    let t = lang.messages();
    let not_found = || {
        with_lang_cookie(
            error_page(
                lang,
                StatusCode::NOT_FOUND,
                t.get("error.not_found").to_owned(),
            ),
            lang,
            remember,
        )
    };
    let Ok(id) = case_id.parse::<CaseId>() else {
        return not_found();
    };
    let advisory = match state.store.advisory(&id).await {
        Ok(Some(a)) => a,
        Ok(None) => return not_found(),
        Err(e) => {
            return error_page(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::from(e).message,
            );
        }
    };
    let (grade_key, grade_label) = grade_label(t, advisory.grade);
    let rfc3339 = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let page = DetailPage {
        t,
        lang,
        lang_links: lang_links(&format!("/advisories/{id}"), &[], lang),
        nav: Nav::of(p.as_ref()),
        grade_key,
        grade_label,
        platform_label: advisory
            .product
            .as_ref()
            .map(|p| platform_label(lang, p.platform))
            .unwrap_or_default(),
        published: beijing_minute(advisory.published_at),
        published_iso: rfc3339(advisory.published_at),
        updated: beijing_minute(advisory.updated_at),
        updated_iso: rfc3339(advisory.updated_at),
        fix_released: advisory.fix_released_on.map(|d| d.to_string()),
        cwe: advisory.cwe.map(|c| format!("CWE-{c}")),
        aliases: advisory.aliases.join(", "),
        event_notice: advisory.case_type == CaseType::Event,
        a: advisory,
    };
    with_lang_cookie(render(&page, StatusCode::OK), lang, remember)
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
}
