//! Comparing a scan with an earlier one (`appvd scan --baseline OLD.json`): which findings are new,
//! which are fixed, which are unchanged — by fingerprint, so a rebuilt app with moved code still
//! matches. This is how a re-scan of a vendor's fixed version verifies the fix.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::report::{AppReport, ScanReport};

/// A finding of the earlier scan that the new one no longer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixedFinding {
    pub rule: String,
    pub severity: String,
    pub title: String,
    pub fingerprint: String,
    pub message: String,
}

/// One app compared with its counterpart in the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The baseline app it was matched with (its path in the baseline report).
    pub baseline_path: String,
    pub baseline_version_name: Option<String>,
    /// Fingerprints of the findings that are new in this scan.
    pub new: Vec<String>,
    /// Findings of the baseline that are gone.
    pub fixed: Vec<FixedFinding>,
    /// Fingerprints present in both.
    pub unchanged: Vec<String>,
}

/// Why a baseline file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("the baseline is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the baseline is not an appvd scan report (no `apps` list)")]
    Shape,
}

struct BaselineApp {
    path: String,
    package: Option<String>,
    version_name: Option<String>,
    findings: Vec<Value>,
}

fn parse(text: &str) -> Result<Vec<BaselineApp>, BaselineError> {
    let v: Value = serde_json::from_str(text)?;
    let apps = v
        .get("apps")
        .and_then(Value::as_array)
        .ok_or(BaselineError::Shape)?;
    Ok(apps
        .iter()
        .map(|a| BaselineApp {
            path: a
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            package: a.get("package").and_then(Value::as_str).map(str::to_owned),
            version_name: a
                .get("version_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            findings: a
                .get("findings")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        })
        .collect())
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Compares one app with a baseline app.
fn compare_app(app: &AppReport, base: &BaselineApp) -> Comparison {
    let current: BTreeSet<&str> = app
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut earlier: HashMap<String, &Value> = HashMap::new();
    for f in &base.findings {
        earlier.insert(text(f, "fingerprint"), f);
    }
    let new = current
        .iter()
        .filter(|fp| !earlier.contains_key(**fp))
        .map(|fp| (*fp).to_owned())
        .collect();
    let unchanged = current
        .iter()
        .filter(|fp| earlier.contains_key(**fp))
        .map(|fp| (*fp).to_owned())
        .collect();
    let mut fixed: Vec<FixedFinding> = earlier
        .iter()
        .filter(|(fp, _)| !current.contains(fp.as_str()))
        .map(|(fp, f)| FixedFinding {
            rule: text(f, "rule"),
            severity: text(f, "severity"),
            title: text(f, "title"),
            fingerprint: fp.clone(),
            message: text(f, "message"),
        })
        .collect();
    fixed.sort_by(|a, b| a.rule.cmp(&b.rule).then(a.fingerprint.cmp(&b.fingerprint)));
    Comparison {
        baseline_path: base.path.clone(),
        baseline_version_name: base.version_name.clone(),
        new,
        fixed,
        unchanged,
    }
}

/// Attaches a comparison to every app of `report` that has a counterpart in the baseline: the same
/// package, else the same file name, else — when both reports hold exactly one app — that app.
pub fn apply(report: &mut ScanReport, baseline_text: &str) -> Result<(), BaselineError> {
    let base = parse(baseline_text)?;
    let single = base.len() == 1 && report.apps.len() == 1;
    for app in &mut report.apps {
        let matched = base
            .iter()
            .find(|b| b.package.is_some() && b.package == app.package)
            .or_else(|| {
                base.iter()
                    .find(|b| file_name(&b.path) == file_name(&app.path))
            })
            .or_else(|| if single { base.first() } else { None });
        if let Some(b) = matched {
            app.comparison = Some(compare_app(app, b));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_report() {
        assert!(matches!(parse("not json"), Err(BaselineError::Json(_))));
        assert!(matches!(parse("{\"tool\": {}}"), Err(BaselineError::Shape)));
        assert!(parse("{\"apps\": []}").unwrap().is_empty());
    }
}
