//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rule metadata of every rule that
//! ran (from the registry), one result per finding with a stable `partialFingerprints` entry.

use serde_json::{Value, json};

use crate::registry::RULES;
use crate::report::{ScanReport, TOOL};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(report: &ScanReport) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": pascal(r.id),
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": r.docs.what },
                "help": {
                    "text": format!("{}\n\nWhy it matters: {}\n\nHow to fix: {}", r.docs.what, r.docs.why, r.docs.fix),
                    "markdown": format!(
                        "{}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n\n{}",
                        r.docs.what,
                        r.docs.why,
                        r.docs.fix,
                        r.docs.references.iter().map(|u| format!("- <{u}>")).collect::<Vec<_>>().join("\n")
                    ),
                },
                "helpUri": r.docs.references.first().copied().unwrap_or("https://mas.owasp.org/"),
                "defaultConfiguration": { "level": r.severity.sarif_level() },
                "properties": {
                    "tags": ["security", r.masvs, format!("external/cwe/cwe-{}", r.cwe)],
                    "precision": "high",
                    "security-severity": r.severity.security_severity(),
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut artifacts = Vec::new();
    for (index, app) in report.apps.iter().enumerate() {
        artifacts.push(json!({
            "location": { "uri": uri(&app.path) },
            "length": app.size,
            "hashes": { "sha-256": app.sha256 },
        }));
        for f in &app.findings {
            let rule_index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let mut logical = Vec::new();
            if let Some(c) = &f.location.component {
                logical.push(json!({ "fullyQualifiedName": c, "kind": "type" }));
            } else if let Some(c) = &f.location.class {
                let name = match &f.location.method {
                    Some(m) => format!("{c}.{m}"),
                    None => c.clone(),
                };
                logical.push(json!({ "fullyQualifiedName": name, "kind": if f.location.method.is_some() { "function" } else { "type" } }));
            }
            let mut physical =
                json!({ "artifactLocation": { "uri": uri(&app.path), "index": index } });
            let mut region = serde_json::Map::new();
            region.insert("startLine".into(), json!(f.location.line.unwrap_or(1)));
            physical["region"] = Value::Object(region);
            let inner = f
                .location
                .file
                .as_deref()
                .map(|file| format!(" in {file}"))
                .unwrap_or_default();
            let mut location = json!({ "physicalLocation": physical });
            if !logical.is_empty() {
                location["logicalLocations"] = Value::Array(logical);
            }
            results.push(json!({
                "ruleId": f.rule,
                "ruleIndex": rule_index,
                "level": f.severity.sarif_level(),
                "message": { "text": format!("{}{inner}", f.message) },
                "locations": [location],
                "partialFingerprints": { "appvdFingerprint/v1": f.fingerprint },
                "properties": {
                    "severity": f.severity.as_str(),
                    "evidence": f.evidence,
                    "masvs": f.masvs,
                    "cwe": format!("CWE-{}", f.cwe),
                    "file": f.location.file,
                    "sdk": f.sdk,
                },
            }));
        }
    }
    let sarif = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": TOOL.name,
                "version": TOOL.version,
                "semanticVersion": TOOL.version,
                "informationUri": "https://mas.owasp.org/MASVS/",
                "rules": rules,
            }},
            "artifacts": artifacts,
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default()
}

/// A relative URI for the scanned file (SARIF wants URIs; GitHub resolves them against the repo).
fn uri(path: &str) -> String {
    let trimmed = path.trim_start_matches("./");
    let mut out = String::with_capacity(trimmed.len());
    for b in trimmed.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `manifest.debuggable` → `ManifestDebuggable` (SARIF's optional human-readable rule name).
fn pascal(id: &str) -> String {
    id.split(['.', '_'])
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
