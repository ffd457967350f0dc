//! `appvd info`: what an app is, without running rules.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use appvd_scan::info::{self, InfoReport};
use appvd_scan::model::AppModel;
use appvd_scan::report::ScanFailure;
use rayon::prelude::*;

use crate::scan::{SCAN_FAILED, collect_inputs};
use crate::support::{fail, say};

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
    let mut report = InfoReport::new();
    let failure = |path: &Path, error: String| ScanFailure {
        path: path.display().to_string(),
        error,
    };
    if args.split {
        let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        match AppModel::open_split_set(&refs) {
            Ok(app) => {
                app.skip_code();
                report.apps.push(info::describe(&app));
            }
            Err(e) => report.failures.push(failure(
                refs.first().copied().unwrap_or(Path::new("")),
                e.to_string(),
            )),
        }
    } else {
        let results: Vec<_> = inputs
            .par_iter()
            .map(|path| (path, info::describe_file(path)))
            .collect();
        for (path, result) in results {
            match result {
                Ok(app) => report.apps.push(app),
                Err(e) => report.failures.push(failure(path, e.to_string())),
            }
        }
    }
    let rendered = match args.format {
        InfoFormat::Text => info::render_text(&report),
        InfoFormat::Json => info::render_json(&report),
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => say(rendered.trim_end()),
    }
    for failed in &report.failures {
        fail(&format!("could not read {}: {}", failed.path, failed.error));
    }
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(SCAN_FAILED)
    })
}
