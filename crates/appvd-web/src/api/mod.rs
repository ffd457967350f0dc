//! The JSON API under `/api/v1`.

use appvd_domain::advisory::Advisory;
use appvd_domain::ids::CaseId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::AppState;
use crate::error::{ApiError, rules};
use crate::view::{ListParams, filter_of};

pub mod admin;
pub mod cases;
pub mod json;
pub mod openapi;
pub mod session;

pub fn routes(config: &crate::WebConfig) -> Router<AppState> {
    Router::new()
        .route("/advisories", get(list_advisories))
        .route("/advisories/{case_id}", get(get_advisory))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/cvss", get(score_cvss))
        .merge(session::routes())
        .merge(admin::routes())
        .merge(cases::routes(config.max_upload_bytes))
        .layer(axum::extract::DefaultBodyLimit::max(config.max_json_bytes))
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": state.store.backend().as_str() })),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    serde_json::json!({ "status": "unavailable", "error": { "rule": rules::UNAVAILABLE, "message": "the database does not answer" } }),
                ),
            )
        }
    }
}

/// A page of advisories.
#[derive(Debug, Serialize)]
pub struct AdvisoryList {
    pub items: Vec<Advisory>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// `GET /api/v1/advisories`: published advisories, newest first or by relevance to `q`; filters
/// `grade`, `platform`, `modified_since` (RFC 3339); `page`, `per_page` (≤ 100).
async fn list_advisories(
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<AdvisoryList>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (filter, page, per_page) = filter_of(&params)?;
    let result = state.store.advisories(&filter, page, per_page).await?;
    Ok(Json(AdvisoryList {
        items: result.items,
        total: result.total,
        page: result.page,
        per_page: result.per_page,
    }))
}

/// `GET /api/v1/advisories/{case_id}`: one published advisory. Unpublished and unknown ids answer
/// the same 404, so the API does not reveal which cases exist.
async fn get_advisory(
    State(state): State<AppState>,
    Path(case_id): Path<String>,
) -> Result<Json<Advisory>, ApiError> {
    let id: CaseId = case_id
        .parse()
        .map_err(|e: appvd_domain::InvalidInput| ApiError::bad_request(e.message))?;
    match state.store.advisory(&id).await? {
        Some(a) => Ok(Json(a)),
        None => Err(ApiError::not_found(format!(
            "no published advisory has the id {id}"
        ))),
    }
}

#[derive(Debug, serde::Deserialize)]
struct CvssQuery {
    vector: String,
}

/// `GET /api/v1/cvss?vector=…`: the calculator behind the report form's live score (public: it
/// computes, it stores nothing).
async fn score_cvss(Query(q): Query<CvssQuery>) -> Result<Json<serde_json::Value>, ApiError> {
    let cvss = appvd_severity::Cvss::parse(&q.vector).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            e.to_string(),
        )
    })?;
    Ok(Json(serde_json::json!({
        "version": cvss.version().to_string(),
        "vector": cvss.to_string(),
        "score": cvss.score(),
        "severity": cvss.severity(),
        "base_score": cvss.base_score(),
    })))
}
