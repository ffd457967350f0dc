//! The terminal report: an app summary, then findings from the worst down.

use std::fmt::Write;

use crate::finding::Severity;
use crate::report::{AppReport, ScanReport};

pub fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    for app in &report.apps {
        render_app(&mut out, app);
    }
    for failure in &report.failures {
        let _ = writeln!(out, "✗ {}: {}", failure.path, failure.error);
    }
    if report.apps.len() > 1 {
        let total: usize = report.apps.iter().map(|a| a.findings.len()).sum();
        let _ = writeln!(
            out,
            "{} apps scanned, {total} findings, {} could not be scanned",
            report.apps.len(),
            report.failures.len()
        );
    }
    out
}

pub(crate) fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".to_owned())
}

fn render_app(out: &mut String, app: &AppReport) {
    let s = &app.summary;
    let _ = writeln!(out, "{}", app.path);
    let _ = writeln!(
        out,
        "  package {}  version {} ({})  min SDK {}  target SDK {}",
        or_dash(app.package.as_deref()),
        or_dash(app.version_name.as_deref()),
        or_dash(app.version_code),
        or_dash(app.min_sdk),
        or_dash(app.target_sdk)
    );
    let schemes = if s.signing_schemes.is_empty() {
        "unsigned".to_owned()
    } else {
        s.signing_schemes.join(", ")
    };
    let _ = writeln!(out, "  signed {schemes}");
    for signer in &s.signers {
        let _ = writeln!(
            out,
            "    {}  ({}, {}, SHA-256 {})",
            signer.subject, signer.key, signer.signature_algorithm, signer.sha256
        );
    }
    let exported = s.components.iter().filter(|c| c.exported).count();
    let _ = writeln!(
        out,
        "  {} permissions, {} components ({exported} exported), {} dex, native ABIs: {}",
        s.permissions.len(),
        s.components.len(),
        s.dex_files,
        if s.native_abis.is_empty() {
            "none".to_owned()
        } else {
            s.native_abis.join(" ")
        }
    );
    if !app.sdks.is_empty() {
        let trackers = app.sdks.iter().filter(|s| s.tracker).count();
        let listed: Vec<String> = app
            .sdks
            .iter()
            .map(|s| {
                let mut item = s.name.clone();
                if let Some(v) = &s.version {
                    let _ = write!(item, " {v}");
                }
                if s.tracker {
                    item.push_str(" (tracker)");
                }
                item
            })
            .collect();
        let _ = writeln!(
            out,
            "  {} SDKs ({trackers} trackers): {}",
            app.sdks.len(),
            listed.join(", ")
        );
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|sev| {
            let n = app.count(*sev);
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
    let _ = writeln!(
        out,
        "  {} findings{}  ({} rules{}, {} ms)",
        app.findings.len(),
        if counts.is_empty() {
            String::new()
        } else {
            format!(": {}", counts.join(", "))
        },
        app.rules_run,
        if app.code_analysed {
            ""
        } else {
            "; bytecode not analysed"
        },
        app.duration_ms
    );
    for f in &app.findings {
        let mut place = f.location.file.clone().unwrap_or_default();
        if let Some(c) = f
            .location
            .component
            .as_deref()
            .or(f.location.class.as_deref())
        {
            let _ = write!(place, " {c}");
        }
        if let Some(m) = &f.location.method {
            let _ = write!(place, ".{m}");
        }
        if let Some(line) = f.location.line {
            let _ = write!(place, ":{line}");
        }
        let _ = writeln!(
            out,
            "  [{:<8}] {:<34} {}",
            f.severity.as_str().to_uppercase(),
            f.rule,
            f.message
        );
        let sdk = f
            .sdk
            .as_ref()
            .map(|s| format!("(in SDK {s})"))
            .unwrap_or_default();
        // Whole-app findings (signing, the container) have no place to point at.
        let place = place.trim();
        if !place.is_empty() {
            let line = format!("             at {place}  {sdk}");
            let _ = writeln!(out, "{}", line.trim_end());
        } else if !sdk.is_empty() {
            let _ = writeln!(out, "             {sdk}");
        }
    }
    if let Some(c) = &app.comparison {
        let _ = writeln!(
            out,
            "  against {} ({}): {} new, {} fixed, {} unchanged",
            c.baseline_path,
            c.baseline_version_name.as_deref().unwrap_or("-"),
            c.new.len(),
            c.fixed.len(),
            c.unchanged.len()
        );
        for f in app
            .findings
            .iter()
            .filter(|f| c.new.contains(&f.fingerprint))
        {
            let _ = writeln!(
                out,
                "    new    [{:<8}] {} {}",
                f.severity.as_str().to_uppercase(),
                f.rule,
                f.message
            );
        }
        for f in &c.fixed {
            let _ = writeln!(
                out,
                "    fixed  [{:<8}] {} {}",
                f.severity.to_uppercase(),
                f.rule,
                f.message
            );
        }
    }
    if !app.anomalies.is_empty() {
        let _ = writeln!(
            out,
            "  {} container/format anomalies (see --format json)",
            app.anomalies.len()
        );
    }
    out.push('\n');
}
