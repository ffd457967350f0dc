//! `appvd serve`.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use appvd_web::{AppState, WebConfig};

use crate::StorageArgs;
use crate::support::{load_policy, open_store};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "APPVD_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,

    /// Load the demo data set first if the database has no cases yet.
    #[arg(long)]
    demo: bool,

    /// Mark session cookies `Secure`. Defaults to true unless listening on a loopback address
    /// (plain-HTTP local use); set it to true behind an HTTPS reverse proxy.
    #[arg(long, env = "APPVD_SECURE_COOKIES")]
    secure_cookies: Option<bool>,

    /// Largest attachment accepted, in MiB.
    #[arg(long, env = "APPVD_MAX_UPLOAD_MIB", default_value_t = 10)]
    max_upload_mib: usize,
}

pub async fn run(storage: &StorageArgs, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(storage)?;
    let store = open_store(storage).await?;
    if args.demo && store.count_cases().await? == 0 {
        crate::demo::load(&store, &policy)
            .await
            .context("cannot load the demo data")?;
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let local = listener.local_addr()?;
    crate::support::say(&format!(
        "appvd serving on http://{local} ({} database)",
        store.backend().as_str()
    ));
    let config = WebConfig {
        secure_cookies: args
            .secure_cookies
            .unwrap_or(!args.listen.ip().is_loopback()),
        max_upload_bytes: args.max_upload_mib.saturating_mul(1 << 20),
        ..WebConfig::default()
    };
    let state = AppState::load(store.clone(), policy, &storage.data_dir, config).await?;
    appvd_web::serve(listener, state)
        .await
        .context("the server stopped with an error")?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
