//! Shared plumbing of the subcommands: output, store opening, policy loading.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use appvd_domain::policy::Policy;
use appvd_store::Store;

use crate::StorageArgs;

/// Prints a line to standard output (the command's result).
pub fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// Prints an error to standard error.
pub fn fail(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {message}");
}

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("APPVD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,appvd=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens the configured database and applies pending migrations.
pub async fn open_store(storage: &StorageArgs) -> anyhow::Result<Store> {
    let store = match &storage.database_url {
        Some(url) => Store::connect(url)
            .await
            .with_context(|| "cannot connect to the database URL".to_string())?,
        None => Store::open_data_dir(&storage.data_dir)
            .await
            .with_context(|| {
                format!("cannot open the database in {}", storage.data_dir.display())
            })?,
    };
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}

pub fn load_policy(storage: &StorageArgs) -> anyhow::Result<Policy> {
    match &storage.policy {
        None => Ok(Policy::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Policy::from_toml(&text)
                .with_context(|| format!("{} is not a valid policy", path.display()))
        }
    }
}

pub async fn verify_chains(storage: &StorageArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(storage).await?;
    let mut ok = true;
    match store.verify_event_chain().await? {
        Ok(n) => say(&format!("case event log: {n} entries, chain intact")),
        Err(b) => {
            ok = false;
            say(&format!("case event log: BROKEN — {b}"));
        }
    }
    match store.verify_receipt_chain().await? {
        Ok(n) => say(&format!("receipt log: {n} entries, chain intact")),
        Err(b) => {
            ok = false;
            say(&format!("receipt log: BROKEN — {b}"));
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
