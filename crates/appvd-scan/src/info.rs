//! What an app is, without judging it (`appvd info`): identity, SDK levels, signers,
//! permissions, components, resources and the fully decoded manifest.
//!
//! It reads what [`AppModel::open`] reads (container, manifest, `resources.arsc`, the res/xml
//! files the manifest names, signing) and nothing else: no rule runs, no file is searched, no DEX
//! or native library is parsed, and the input is not hashed.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use appvd_axml::Manifest;
use serde::Serialize;

use crate::model::{AppModel, OpenAppError, ScanAnomaly};
use crate::report::text::or_dash;
use crate::report::{AppSummary, ScanFailure, TOOL, Tool, summarize};

/// Everything one `appvd info` run produced.
#[derive(Debug, Clone, Serialize)]
pub struct InfoReport {
    pub tool: Tool,
    pub apps: Vec<AppInfo>,
    pub failures: Vec<ScanFailure>,
}

impl InfoReport {
    pub fn new() -> Self {
        Self {
            tool: TOOL,
            apps: Vec::new(),
            failures: Vec::new(),
        }
    }
}

impl Default for InfoReport {
    fn default() -> Self {
        Self::new()
    }
}

/// One app, described.
#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub path: String,
    pub size: u64,
    pub package: Option<String>,
    /// The application label, resolved through the resource table's default configuration.
    pub label: Option<String>,
    pub version_name: Option<String>,
    pub version_code: Option<i64>,
    /// Effective levels, as Android derives them from `<uses-sdk>`.
    pub min_sdk: Option<u32>,
    pub target_sdk: Option<u32>,
    pub compile_sdk: Option<i64>,
    /// `android:debuggable`, `android:allowBackup` (default true), `android:testOnly`.
    pub debuggable: bool,
    pub allow_backup: bool,
    pub test_only: bool,
    pub summary: AppSummary,
    /// Names of the split APKs beside the base, for split sets and bundles.
    pub splits: Vec<String>,
    pub resources: Option<ResourcesInfo>,
    /// The decoded manifest, every element and attribute the decoder knows.
    pub manifest: Option<Manifest>,
    pub anomalies: Vec<ScanAnomaly>,
}

/// The resource table at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct ResourcesInfo {
    pub packages: Vec<String>,
    /// String values over every configuration, string-array items included.
    pub strings: usize,
    /// Locales that have at least one string, as BCP 47 tags.
    pub locales: Vec<String>,
}

/// Describes an opened app.
pub fn describe(app: &AppModel) -> AppInfo {
    let manifest = app.manifest();
    let application = manifest.and_then(|m| m.application.as_ref());
    let resources = app.resources().map(|table| {
        let strings = table.string_resources();
        let locales: BTreeSet<String> = strings.iter().filter_map(|s| s.config.locale()).collect();
        ResourcesInfo {
            packages: table
                .packages()
                .iter()
                .map(|p| p.name().to_owned())
                .collect(),
            strings: strings.len(),
            locales: locales.into_iter().collect(),
        }
    });
    AppInfo {
        path: app.path().to_owned(),
        size: app.size(),
        package: manifest.and_then(|m| m.package.clone()),
        label: application.and_then(|a| a.label.clone()),
        version_name: manifest.and_then(|m| m.version_name.clone()),
        version_code: manifest.and_then(|m| m.long_version_code()),
        min_sdk: manifest.map(|m| m.min_sdk()),
        target_sdk: manifest.map(|m| m.target_sdk()),
        compile_sdk: manifest.and_then(|m| m.compile_sdk_version),
        debuggable: application.and_then(|a| a.debuggable).unwrap_or(false),
        allow_backup: application.and_then(|a| a.allow_backup).unwrap_or(true),
        test_only: application.and_then(|a| a.test_only).unwrap_or(false),
        summary: summarize(app),
        splits: app
            .app()
            .splits()
            .iter()
            .map(|s| s.name().to_owned())
            .collect(),
        resources,
        manifest: manifest.cloned(),
        anomalies: app.anomalies(),
    }
}

/// Opens and describes one file.
pub fn describe_file(path: &Path) -> Result<AppInfo, OpenAppError> {
    let app = AppModel::open(path)?;
    app.skip_code();
    Ok(describe(&app))
}

/// The report for a terminal.
pub fn render_text(report: &InfoReport) -> String {
    let mut out = String::new();
    for app in &report.apps {
        render_app(&mut out, app);
    }
    for failure in &report.failures {
        let _ = writeln!(out, "✗ {}: {}", failure.path, failure.error);
    }
    out
}

fn render_app(out: &mut String, app: &AppInfo) {
    let s = &app.summary;
    let _ = writeln!(out, "{}  ({} bytes, {})", app.path, app.size, s.bundle);
    let _ = writeln!(out, "  package      {}", or_dash(app.package.as_deref()));
    let _ = writeln!(out, "  label        {}", or_dash(app.label.as_deref()));
    let _ = writeln!(
        out,
        "  version      {} (code {})",
        or_dash(app.version_name.as_deref()),
        or_dash(app.version_code)
    );
    let _ = writeln!(
        out,
        "  SDK          min {}, target {}, compiled against {}",
        or_dash(app.min_sdk),
        or_dash(app.target_sdk),
        or_dash(app.compile_sdk)
    );
    let flags: Vec<&str> = [
        (app.debuggable, "debuggable"),
        (app.allow_backup, "allowBackup"),
        (app.test_only, "testOnly"),
    ]
    .iter()
    .filter_map(|(set, name)| set.then_some(*name))
    .collect();
    let _ = writeln!(
        out,
        "  flags        {}",
        if flags.is_empty() {
            "-".to_owned()
        } else {
            flags.join(", ")
        }
    );
    if !app.splits.is_empty() {
        let _ = writeln!(out, "  splits       {}", app.splits.join(", "));
    }
    let _ = writeln!(
        out,
        "  signed       {}",
        if s.signing_schemes.is_empty() {
            "unsigned".to_owned()
        } else {
            s.signing_schemes.join(", ")
        }
    );
    for signer in &s.signers {
        let _ = writeln!(out, "    {}", signer.subject);
        let _ = writeln!(
            out,
            "      {}, {}, valid until {}, SHA-256 {}",
            signer.key, signer.signature_algorithm, signer.not_after, signer.sha256
        );
    }
    let _ = writeln!(out, "  permissions  {}", s.permissions.len());
    for permission in &s.permissions {
        let _ = writeln!(out, "    {permission}");
    }
    let exported = s.components.iter().filter(|c| c.exported).count();
    let _ = writeln!(
        out,
        "  components   {} ({exported} exported)",
        s.components.len()
    );
    for c in &s.components {
        let mut line = format!("    {:<9} {}", c.kind, c.name);
        if c.exported {
            line.push_str("  exported");
        }
        if let Some(p) = &c.permission {
            let _ = write!(line, "  requires {p}");
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "  code         {} DEX files, native ABIs: {}",
        s.dex_files,
        if s.native_abis.is_empty() {
            "none".to_owned()
        } else {
            s.native_abis.join(" ")
        }
    );
    match &app.resources {
        Some(r) => {
            let _ = writeln!(
                out,
                "  resources    {} packages, {} strings, {} locales",
                r.packages.len(),
                r.strings,
                r.locales.len()
            );
        }
        None => {
            let _ = writeln!(out, "  resources    none");
        }
    }
    let _ = writeln!(out, "  entries      {}", s.entries);
    if !app.anomalies.is_empty() {
        let _ = writeln!(out, "  anomalies    {}", app.anomalies.len());
        for a in &app.anomalies {
            let _ = writeln!(out, "    [{}] {}", a.kind, a.message);
        }
    }
}
