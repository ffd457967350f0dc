//! Errors as the API and the pages show them.
//!
//! The API answers every failure with `{"error": {"rule": "…", "message": "…"}}`: the rule id of the
//! refusal (`REG-9.1`, `APPVD-INPUT`, …) and a sentence. Internal failures are logged with their
//! detail and answered with a generic message, so nothing about the database leaks.

use appvd_domain::{InvalidInput, Refusal, RefusalKind};
use appvd_store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Rule ids of the HTTP layer.
pub mod rules {
    pub const NOT_FOUND: &str = "APPVD-NOT-FOUND";
    pub const INPUT: &str = "APPVD-INPUT";
    pub const INTERNAL: &str = "APPVD-INTERNAL";
    pub const UNAVAILABLE: &str = "APPVD-UNAVAILABLE";
    pub const CONFLICT: &str = "APPVD-CONFLICT";
    pub const UNAUTHENTICATED: &str = "APPVD-AUTH";
    pub const CSRF: &str = "APPVD-CSRF";
    pub const TOO_LARGE: &str = "APPVD-TOO-LARGE";
    pub const RATE_LIMIT: &str = "APPVD-RATE-LIMIT";
    pub const MFA: &str = "APPVD-MFA";
}

/// A failed API request.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub rule: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            rule: rule.into(),
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, rules::NOT_FOUND, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, rules::INPUT, message)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let status = match r.kind {
            RefusalKind::WrongState => StatusCode::CONFLICT,
            RefusalKind::Forbidden => StatusCode::FORBIDDEN,
            RefusalKind::Gate | RefusalKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Self::new(status, r.rule, r.message)
    }
}

impl From<InvalidInput> for ApiError {
    fn from(e: InvalidInput) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            rules::INPUT,
            e.to_string(),
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(r) => r.into(),
            StoreError::NotFound { what, key } => {
                Self::not_found(format!("{what} {key} does not exist"))
            }
            StoreError::Conflict(m) => Self::new(StatusCode::CONFLICT, rules::CONFLICT, m),
            other => {
                tracing::error!(error = %other, "store failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    rules::INTERNAL,
                    "the request failed inside the server; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "rule": self.rule, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}
