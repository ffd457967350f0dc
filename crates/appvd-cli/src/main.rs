//! `appvd`: the one binary. Parses arguments and wires the library crates together; no rules live
//! here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod admin;
mod bench;
mod demo;
mod dex;
mod info;
mod scan;
mod serve;
mod severity;
mod support;

/// appvd — a self-hostable platform for mobile-app security vulnerabilities.
#[derive(Debug, Parser)]
#[command(name = "appvd", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    storage: StorageArgs,

    #[command(subcommand)]
    command: Command,
}

/// Where the data lives. With neither flag, an SQLite database in `./appvd-data` is created on
/// first use.
#[derive(Debug, Clone, clap::Args)]
pub struct StorageArgs {
    /// Data directory (SQLite database, attachments).
    #[arg(
        long,
        global = true,
        env = "APPVD_DATA_DIR",
        default_value = "appvd-data"
    )]
    pub data_dir: PathBuf,

    /// Database URL (`sqlite:PATH` or `postgres://USER:PASS@HOST/DB`); overrides the data
    /// directory's SQLite file.
    #[arg(long, global = true, env = "APPVD_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Policy file (TOML): deadlines, fix SLAs, retention, quiet periods, case id prefix.
    #[arg(long, global = true, env = "APPVD_POLICY")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (JSON API and pages).
    Serve(serve::ServeArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Administration: organisations and users.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Load the demo data set (organisations, users, products and cases in every state).
    Demo,
    /// Scan APKs (and XAPK / APKS bundles) for security flaws.
    Scan(scan::ScanArgs),
    /// Describe apps without judging them: identity, SDK levels, signers, permissions,
    /// components, resources and the decoded manifest.
    Info(info::InfoArgs),
    /// List the analyzer's rules.
    Rules(scan::RulesArgs),
    /// Look inside DEX bytecode.
    #[command(subcommand)]
    Dex(dex::DexCommand),
    /// Score a CVSS 3.x or 4.0 vector.
    Cvss(severity::CvssArgs),
    /// Grade a vulnerability by the GB/T 30279-2020 indicators.
    Grade(severity::GradeArgs),
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Apply pending migrations.
    Migrate,
    /// Measure case insert and search throughput on a fresh database.
    Bench(bench::BenchArgs),
    /// Add synthetic cases to the configured database (load tests, search at scale).
    Seed(bench::SeedArgs),
    /// Verify the hash chains of the case event log and the receipt log.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    support::init_tracing();
    let storage = &cli.storage;
    // The analyzer and calculator commands are synchronous and never start the async runtime,
    // whose worker threads would cost a short scan more than its decoding does.
    let result = match cli.command {
        Command::Scan(args) => scan::scan(&args),
        Command::Info(args) => info::run(&args),
        Command::Rules(args) => scan::rules(&args),
        Command::Dex(cmd) => dex::run(&cmd),
        Command::Cvss(args) => severity::cvss(&args),
        Command::Grade(args) => severity::grade(&args),
        Command::Serve(args) => on_runtime(serve::run(storage, args)),
        Command::Db(DbCommand::Migrate) => on_runtime(async {
            let store = support::open_store(storage).await?;
            support::say(&format!(
                "migrations applied ({})",
                store.backend().as_str()
            ));
            Ok(ExitCode::SUCCESS)
        }),
        Command::Db(DbCommand::Bench(args)) => on_runtime(bench::run(args)),
        Command::Db(DbCommand::Seed(args)) => on_runtime(async {
            let store = support::open_store(storage).await?;
            bench::seed(&store, &args).await
        }),
        Command::Db(DbCommand::Verify) => on_runtime(support::verify_chains(storage)),
        Command::Admin(cmd) => on_runtime(admin::run(storage, cmd)),
        Command::Demo => on_runtime(demo::run(storage)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            support::fail(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

/// Runs a command that needs the database or the network on a multi-threaded runtime.
fn on_runtime(command: impl Future<Output = anyhow::Result<ExitCode>>) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(command)
}
