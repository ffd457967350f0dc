//! `appvd scan` and `appvd rules`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use appvd_scan::finding::Severity;
use appvd_scan::model::{AppModel, OpenAppError};
use appvd_scan::registry::RULES;
use appvd_scan::report::{self, ScanFailure, ScanReport, TOOL};
use appvd_scan::rule::Selection;
use rayon::prelude::*;

use crate::support::{fail, say};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// APK, XAPK or APKS files, or folders to search (recursively) for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit with status 1 when a finding of this severity or worse is found (info, low, medium,
    /// high, critical).
    #[arg(long)]
    fail_on: Option<Severity>,
    /// Rules to run: ids or families, comma-separated; a leading '-' excludes (e.g. "tls,-tls.http_url").
    #[arg(long, allow_hyphen_values = true)]
    rules: Option<String>,
    /// Treat all given files as the base and split APKs of one app.
    #[arg(long)]
    split: bool,
    /// An earlier JSON report (`--format json`) to compare with: findings are marked new, fixed or
    /// unchanged by fingerprint, and `--fail-on` counts only new findings.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Skip bytecode: read the container, manifest, resources, signatures, files and native
    /// libraries only (a quick triage; code rules and secrets in code do not run, and the
    /// report says so).
    #[arg(long)]
    no_code: bool,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Print every rule with its metadata and documentation as JSON.
    #[arg(long, conflicts_with = "html")]
    json: bool,
    /// Print the rule reference as a self-contained HTML page.
    #[arg(long)]
    html: bool,
}

/// Exit status when an input could not be scanned.
pub(crate) const SCAN_FAILED: u8 = 2;
/// Exit status when `--fail-on` was reached.
const FINDINGS: u8 = 1;

fn is_app_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["apk", "xapk", "apks"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Files named on the command line, and app files found under named folders, sorted.
pub(crate) fn collect_inputs(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)
                    .with_context(|| format!("cannot list {}", dir.display()))?
                {
                    let p = entry?.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if is_app_file(&p) {
                        found.push(p);
                    }
                }
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Runs `one` on every input in parallel, ticking `progress`, or with `split` runs `set` once
/// on all of them as one app. An input that cannot be opened becomes a failure naming its path.
pub(crate) fn each_app<T: Send>(
    inputs: &[PathBuf],
    split: bool,
    progress: Option<&indicatif::ProgressBar>,
    one: impl Fn(&Path) -> Result<T, OpenAppError> + Sync,
    set: impl FnOnce(&[&Path]) -> Result<T, OpenAppError>,
) -> (Vec<T>, Vec<ScanFailure>) {
    let failure = |path: &Path, error: OpenAppError| ScanFailure {
        path: path.display().to_string(),
        error: error.to_string(),
    };
    let mut apps = Vec::new();
    let mut failures = Vec::new();
    if split {
        let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        match set(&refs) {
            Ok(app) => apps.push(app),
            Err(e) => failures.push(failure(refs.first().copied().unwrap_or(Path::new("")), e)),
        }
        return (apps, failures);
    }
    let results: Vec<_> = inputs
        .par_iter()
        .map(|path| {
            let result = one(path);
            if let Some(bar) = progress {
                bar.inc(1);
                bar.set_message(
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
            }
            (path, result)
        })
        .collect();
    for (path, result) in results {
        match result {
            Ok(app) => apps.push(app),
            Err(e) => failures.push(failure(path, e)),
        }
    }
    (apps, failures)
}

/// Writes a rendered report to `output`, or prints it.
pub(crate) fn write_output(output: Option<&Path>, rendered: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display())),
        None => {
            say(rendered.trim_end());
            Ok(())
        }
    }
}

pub fn scan(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let selection = match &args.rules {
        Some(spec) => match Selection::parse(spec, &RULES) {
            Ok(s) => s,
            Err(e) => {
                fail(&e.to_string());
                return Ok(ExitCode::from(SCAN_FAILED));
            }
        },
        None => Selection::all(),
    };
    let selection = if args.no_code {
        selection.without_code()
    } else {
        selection
    };
    let inputs = collect_inputs(&args.paths)?;
    if inputs.is_empty() {
        fail("no APK, XAPK or APKS file found in the given paths");
        return Ok(ExitCode::from(SCAN_FAILED));
    }

    let progress = (inputs.len() > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });

    let (apps, failures) = each_app(
        &inputs,
        args.split,
        progress.as_ref(),
        |path| appvd_scan::scan_file(path, &selection),
        |paths| AppModel::open_split_set(paths).map(|app| appvd_scan::scan(&app, &selection)),
    );
    let mut report = ScanReport {
        tool: TOOL,
        apps,
        failures,
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the baseline {}", path.display()))?;
        if let Err(e) = report::baseline::apply(&mut report, &text) {
            fail(&format!("{}: {e}", path.display()));
            return Ok(ExitCode::from(SCAN_FAILED));
        }
    }

    let rendered = match args.format {
        Format::Text => report::text::render(&report),
        Format::Json => report::json::render(&report),
        Format::Sarif => report::sarif::render(&report),
        Format::Html => report::html::render(&report),
    };
    write_output(args.output.as_deref(), &rendered)?;
    for failure in &report.failures {
        fail(&format!(
            "could not scan {}: {}",
            failure.path, failure.error
        ));
    }
    if !report.failures.is_empty() {
        return Ok(ExitCode::from(SCAN_FAILED));
    }
    let reached = args.fail_on.is_some_and(|threshold| {
        report
            .apps
            .iter()
            .any(|a| a.worst_counted().is_some_and(|w| w >= threshold))
    });
    Ok(if reached {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn rules(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    if args.html {
        say(report::html::rules_reference().trim_end());
    } else if args.json {
        let list: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "title": r.title,
                    "severity": r.severity,
                    "masvs": r.masvs,
                    "cwe": r.cwe,
                    "docs": { "what": r.docs.what, "why": r.docs.why, "fix": r.docs.fix, "references": r.docs.references },
                })
            })
            .collect();
        say(&serde_json::to_string_pretty(&list)?);
    } else {
        for r in RULES.iter() {
            say(&format!(
                "{:<36} {:<8} {:<20} CWE-{:<5} {}",
                r.id,
                r.severity.as_str(),
                r.masvs,
                r.cwe,
                r.title
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
