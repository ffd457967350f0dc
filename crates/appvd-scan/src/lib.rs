//! The appvd static analyzer.
//!
//! [`AppModel::open`](model::AppModel::open) reads an app once (container, manifest, resources,
//! res/xml, signing; native libraries on demand). Each [`Rule`](rule::Rule) is a `static` in its
//! own file under `rules/` carrying metadata, documentation and a check; [`registry::RULES`] lists
//! them. [`scan`] runs the selected rules in parallel on a model and returns an
//! [`AppReport`](report::AppReport); [`report`] renders reports as text, JSON, SARIF 2.1.0 or
//! self-contained HTML.
//!
//! Architecture invariant: this crate and the parsers below it never touch tokio, a database or the
//! web. They take files or bytes and return plain data.

pub mod finding;
pub mod info;
pub mod model;
pub mod registry;
pub mod report;
pub mod rule;
pub mod rules;
pub mod sdk;

#[cfg(test)]
mod testing;

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::finding::Finding;
use crate::model::{AppModel, OpenAppError};
use crate::report::{AppReport, summarize};
use crate::rule::{Rule, Selection};

/// Runs the selected rules on an opened app.
pub fn scan(app: &AppModel, selection: &Selection) -> AppReport {
    let started = Instant::now();
    app.hash_in_background();
    let code_analysed = !(selection.skips_code() && app.skip_code());
    let rules: Vec<&'static Rule> = registry::RULES
        .iter()
        .copied()
        .filter(|r| selection.selects(r))
        .collect();
    let mut findings: Vec<Finding> = rules
        .par_iter()
        .flat_map_iter(|rule| rule.run(app))
        .collect();
    let sdks = sdk::inventory(app);
    sdk::attribute(app, &sdks, &mut findings);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(b.rule))
            .then_with(|| a.location.file.cmp(&b.location.file))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    let manifest = app.manifest();
    AppReport {
        path: app.path().to_owned(),
        sha256: app.sha256().to_owned(),
        size: app.size(),
        package: manifest.and_then(|m| m.package.clone()),
        version_name: manifest.and_then(|m| m.version_name.clone()),
        version_code: manifest.and_then(|m| m.long_version_code()),
        min_sdk: manifest.map(|m| m.min_sdk()),
        target_sdk: manifest.map(|m| m.target_sdk()),
        summary: summarize(app),
        sdks,
        findings,
        anomalies: app.anomalies(),
        rules_run: rules.len(),
        code_analysed,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        comparison: None,
    }
}

/// Opens and scans one file.
pub fn scan_file(path: &Path, selection: &Selection) -> Result<AppReport, OpenAppError> {
    let started = Instant::now();
    let app = AppModel::open(path)?;
    let mut report = scan(&app, selection);
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}
