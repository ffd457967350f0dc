//! The HTTP interface of appvd: the JSON API under `/api/v1` and the server-rendered pages.
//!
//! [`router`] builds the whole axum application from an [`AppState`] (the store and the policy);
//! [`serve`] runs it on a listener until Ctrl-C or SIGTERM. Handlers translate between HTTP and the
//! domain and store crates; they hold no rules of their own. Public output is built only from
//! `appvd_domain::advisory::Advisory`, the allow-list of what the public may see.

use std::sync::Arc;
use std::time::Duration;

use appvd_domain::policy::Policy;
use appvd_store::Store;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
mod pages;
mod view;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub policy: Arc<Policy>,
    pub default_lang: i18n::Lang,
}

impl AppState {
    pub fn new(store: Store, policy: Policy) -> Self {
        Self {
            store,
            policy: Arc::new(policy),
            default_lang: i18n::Lang::ZhCn,
        }
    }
}

/// The Content-Security-Policy of every response: no inline script, no third-party origin.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The whole application.
pub fn router(state: AppState) -> Router {
    let security_headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut app = Router::new()
        .route("/healthz", get(api::healthz))
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .with_state(state);
    for (name, value) in security_headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app.layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// Serves `router(state)` on `listener` until the process is asked to stop.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    // Give in-flight requests a moment; axum waits for them after this future completes.
    tokio::time::sleep(Duration::from_millis(50)).await;
}
