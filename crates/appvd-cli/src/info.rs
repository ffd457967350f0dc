//! `appvd info`: what an app is, without running rules.

use std::path::PathBuf;
use std::process::ExitCode;

use appvd_scan::info::{self, InfoReport};
use appvd_scan::model::AppModel;

use crate::scan::{SCAN_FAILED, collect_inputs, each_app, write_output};
use crate::support::fail;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InfoFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// APK, XAPK or APKS files, or folders to search (recursively) for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format; JSON adds the whole decoded manifest.
    #[arg(long, value_enum, default_value = "text")]
    format: InfoFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Treat all given files as the base and split APKs of one app.
    #[arg(long)]
    split: bool,
}

pub fn run(args: &InfoArgs) -> anyhow::Result<ExitCode> {
    let inputs = collect_inputs(&args.paths)?;
    if inputs.is_empty() {
        fail("no APK, XAPK or APKS file found in the given paths");
        return Ok(ExitCode::from(SCAN_FAILED));
    }
    let (apps, failures) = each_app(&inputs, args.split, None, info::describe_file, |paths| {
        AppModel::open_split_set(paths).map(|app| {
            app.skip_code();
            info::describe(&app)
        })
    });
    let report = InfoReport {
        apps,
        failures,
        ..InfoReport::new()
    };
    let rendered = match args.format {
        InfoFormat::Text => info::render_text(&report),
        InfoFormat::Json => appvd_scan::report::json::render(&report),
    };
    write_output(args.output.as_deref(), &rendered)?;
    for failed in &report.failures {
        fail(&format!("could not read {}: {}", failed.path, failed.error));
    }
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(SCAN_FAILED)
    })
}
