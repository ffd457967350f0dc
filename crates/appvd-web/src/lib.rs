#![recursion_limit = "512"]
//! The HTTP interface of appvd: the JSON API under `/api/v1` and the server-rendered pages.
//!
//! [`router`] builds the whole axum application from an [`AppState`] (the store and the policy);
//! [`serve`] runs it on a listener until Ctrl-C or SIGTERM. Handlers translate between HTTP and the
//! domain and store crates; they hold no rules of their own. Public output is built only from
//! `appvd_domain::advisory::Advisory`, the allow-list of what the public may see.

use std::sync::Arc;
use std::time::Duration;

use appvd_domain::policy::Policy;
use appvd_severity::gbt::GradingTable;
use appvd_store::{BlobStore, DirBlobStore, Store, StoreError};
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
pub mod rate;
mod view;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// How long a session lives without use.
    pub session_ttl: time::Duration,
    /// Mark cookies `Secure` (true behind HTTPS; false only for plain-HTTP loopback use).
    pub secure_cookies: bool,
    /// Largest attachment accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            session_ttl: time::Duration::hours(8),
            secure_cookies: true,
            max_upload_bytes: 10 << 20,
            max_json_bytes: 1 << 20,
        }
    }
}

/// The key under which an administrator's GB/T grading table is kept in the settings.
pub const GRADING_TABLE_SETTING: &str = "gbt30279_table";

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub policy: Arc<Policy>,
    pub default_lang: i18n::Lang,
    pub config: Arc<WebConfig>,
    pub blobs: Arc<dyn BlobStore>,
    pub grading: Arc<GradingTable>,
    pub limiter: Arc<rate::RateLimiter>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The state for a store, with attachments under `data_dir/attachments` and the grading table an
    /// administrator loaded (or the built-in provisional one).
    pub async fn load(
        store: Store,
        policy: Policy,
        data_dir: &std::path::Path,
        config: WebConfig,
    ) -> Result<Self, StoreError> {
        let grading = match store.setting(GRADING_TABLE_SETTING).await? {
            Some(text) => match GradingTable::from_toml(&text) {
                Ok(t) => t,
                Err(e) => {
                    tracing::error!(error = %e, "the stored grading table does not load; using the built-in provisional table");
                    GradingTable::builtin().clone()
                }
            },
            None => GradingTable::builtin().clone(),
        };
        Ok(Self {
            store,
            policy: Arc::new(policy),
            default_lang: i18n::Lang::ZhCn,
            config: Arc::new(config),
            blobs: Arc::new(DirBlobStore::new(data_dir.join("attachments"))),
            grading: Arc::new(grading),
            limiter: Arc::new(rate::RateLimiter::default()),
        })
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
        .nest("/api/v1", api::routes(&state.config))
        .merge(pages::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::identity::authenticate,
        ))
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
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
