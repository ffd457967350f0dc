//! The report renderers against their contracts: the JSON report against the crate's own schema
//! (`schema/scan-report.schema.json`), `appvd info`'s JSON against `schema/app-info.schema.json`,
//! the SARIF output against the official SARIF 2.1.0 schema, and the HTML report against hostile
//! values.
//!
//! The SARIF schema is not part of the repository. It is looked for in `$APPVD_SCHEMAS_DIR`, then
//! in `shared/schemas` next to the workspace, then in `/work/shared/schemas`; without it the SARIF
//! check says it was skipped and passes.

use std::path::PathBuf;

use appvd_scan::finding::{Finding, Location, Severity, fingerprint};
use appvd_scan::model::ScanAnomaly;
use appvd_scan::report::{
    AppReport, AppSummary, ComponentSummary, ScanFailure, ScanReport, SignerSummary, TOOL, html,
    json, sarif,
};
use appvd_scan::rule::Selection;
use appvd_scan::sdk::{Category, Match, MatchKind, SdkInfo};
use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Fixture APKs that between them produce findings of every group, anomalies, signers and an
/// unsigned app.
const SCANNED: &[&str] = &[
    "sign.debug_certificate/positive.apk",
    "sign.unsigned/positive.apk",
    "storage.embedded_keystore_file/positive.apk",
    "resilience.malformed_container/positive.apk",
    "code.native_relro/positive.apk",
    "code.native_text_relocations/positive.apk",
];

/// A scan of the fixtures above plus one input that is not an app at all.
fn fixture_report() -> ScanReport {
    let mut apps = Vec::new();
    let mut failures = Vec::new();
    let not_an_app = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_an_app.path(), b"this is not a ZIP archive").unwrap();
    let fixtures = crate_dir().join("tests/fixtures/rules");
    let paths: Vec<PathBuf> = SCANNED
        .iter()
        .map(|p| fixtures.join(p))
        .chain([not_an_app.path().to_owned()])
        .collect();
    for path in paths {
        match appvd_scan::scan_file(&path, &Selection::all()) {
            Ok(report) => apps.push(report),
            Err(error) => failures.push(ScanFailure {
                path: path.display().to_string(),
                error: error.to_string(),
            }),
        }
    }
    assert_eq!(apps.len(), SCANNED.len(), "every fixture opens");
    assert_eq!(
        failures.len(),
        1,
        "the non-ZIP input is a failure, not a report"
    );
    ScanReport {
        tool: TOOL,
        apps,
        failures,
    }
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema itself is invalid: {e}"))
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn report_schema() -> Value {
    let text = std::fs::read_to_string(crate_dir().join("schema/scan-report.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn json_report_matches_its_schema() {
    let report = fixture_report();
    let rendered: Value = serde_json::from_str(&json::render(&report)).unwrap();
    let validator = validator(&report_schema());
    let found = errors(&validator, &rendered);
    assert!(
        found.is_empty(),
        "the JSON report does not match schema/scan-report.schema.json:\n{}",
        found.join("\n")
    );

    // The fixtures exercise the optional parts of the shape, so the schema really was tested on them.
    let apps = rendered["apps"].as_array().unwrap();
    let findings: Vec<&Value> = apps
        .iter()
        .flat_map(|a| a["findings"].as_array().unwrap())
        .collect();
    for rule in [
        "sign.debug_certificate",
        "sign.unsigned",
        "storage.embedded_keystore_file",
        "resilience.malformed_container",
        "code.native_relro",
    ] {
        assert!(
            findings.iter().any(|f| f["rule"] == rule),
            "no {rule} finding in the scanned fixtures"
        );
    }
    assert!(
        apps.iter()
            .any(|a| !a["anomalies"].as_array().unwrap().is_empty()),
        "no anomalies to check"
    );
    assert!(
        apps.iter()
            .any(|a| a["summary"]["signers"].as_array().unwrap().is_empty()),
        "the unsigned app has no signer"
    );
    assert!(
        findings.iter().any(|f| f["location"].get("line").is_some()),
        "no finding with a line"
    );
}

/// A way to break a valid report, and what it breaks.
type Mutation = (&'static str, fn(&mut Value));

#[test]
fn the_report_schema_is_strict() {
    let validator = validator(&report_schema());
    let rendered: Value = serde_json::from_str(&json::render(&fixture_report())).unwrap();
    let mutations: &[Mutation] = &[
        ("an unknown top-level property", |v| {
            v["extra"] = Value::Bool(true)
        }),
        ("an unknown finding property", |v| {
            v["apps"][0]["findings"][0]["confidence"] = "high".into()
        }),
        ("an unknown severity", |v| {
            v["apps"][0]["findings"][0]["severity"] = "severe".into()
        }),
        ("a fingerprint of the wrong length", |v| {
            v["apps"][0]["findings"][0]["fingerprint"] = "abc".into()
        }),
        ("a missing location part", |v| {
            if let Some(location) = v["apps"][0]["findings"][0]["location"].as_object_mut() {
                location.remove("method");
            }
        }),
        ("an unknown anomaly source", |v| {
            let app = v["apps"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|a| !a["anomalies"].as_array().unwrap().is_empty())
                .unwrap();
            app["anomalies"][0]["source"] = "dex".into();
        }),
        ("a summary without its bundle kind", |v| {
            if let Some(summary) = v["apps"][0]["summary"].as_object_mut() {
                summary.remove("bundle");
            }
        }),
    ];
    for (what, mutate) in mutations {
        let mut broken = rendered.clone();
        mutate(&mut broken);
        assert!(
            !errors(&validator, &broken).is_empty(),
            "the schema accepts {what}"
        );
    }
}

/// Where the official SARIF 2.1.0 schema is, if anywhere.
fn sarif_schema_path() -> Option<PathBuf> {
    let workspace_shared = crate_dir().join("../../../shared/schemas");
    let dirs = std::env::var_os("APPVD_SCHEMAS_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([workspace_shared, PathBuf::from("/work/shared/schemas")]);
    let names = ["sarif-schema-2.1.0.json", "sarif-2.1.0-schema.json"];
    dirs.flat_map(|dir| names.map(|name| dir.join(name)))
        .find(|path| path.is_file())
}

#[test]
// The test's output is where a skipped check is announced.
#[allow(clippy::print_stdout)]
fn sarif_output_is_valid_sarif_2_1_0() {
    let report = fixture_report();
    let rendered: Value = serde_json::from_str(&sarif::render(&report)).unwrap();

    // Checks that need no schema: one result per finding, each pointing at its rule's metadata.
    let run = &rendered["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let findings: usize = report.apps.iter().map(|a| a.findings.len()).sum();
    assert_eq!(results.len(), findings);
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at another rule"
        );
        assert!(
            result["partialFingerprints"]["appvdFingerprint/v1"]
                .as_str()
                .is_some_and(|f| f.len() == 32)
        );
    }

    let Some(path) = sarif_schema_path() else {
        println!(
            "skipped the SARIF 2.1.0 schema check: set APPVD_SCHEMAS_DIR to the folder holding sarif-schema-2.1.0.json"
        );
        return;
    };
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let found = errors(&validator(&schema), &rendered);
    assert!(
        found.is_empty(),
        "the SARIF output does not match {}:\n{}",
        path.display(),
        found.join("\n")
    );
}

const HOSTILE: &str = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";

fn hostile_report() -> ScanReport {
    let finding = Finding {
        rule: "sign.unsigned",
        severity: Severity::High,
        title: "APK not signed",
        message: format!("message {HOSTILE}"),
        masvs: "MASVS-RESILIENCE-2",
        cwe: 347,
        location: Location::file(format!("assets/{HOSTILE}"))
            .with_component(HOSTILE)
            .with_class(HOSTILE)
            .with_method(HOSTILE)
            .with_line(3),
        evidence: format!("evidence {HOSTILE}"),
        fingerprint: fingerprint("sign.unsigned", HOSTILE),
        sdk: Some(HOSTILE.to_owned()),
    };
    let app = AppReport {
        path: format!("/tmp/{HOSTILE}.apk"),
        sha256: "0".repeat(64),
        size: 1,
        package: Some(HOSTILE.to_owned()),
        version_name: Some(HOSTILE.to_owned()),
        version_code: Some(1),
        min_sdk: Some(21),
        target_sdk: Some(34),
        summary: AppSummary {
            bundle: "apk",
            signing_schemes: vec!["v1"],
            signers: vec![SignerSummary {
                subject: format!("CN={HOSTILE}"),
                issuer: format!("CN={HOSTILE}"),
                sha256: "1".repeat(64),
                key: format!("RSA {HOSTILE}"),
                signature_algorithm: HOSTILE.to_owned(),
                not_after: HOSTILE.to_owned(),
            }],
            permissions: vec![HOSTILE.to_owned()],
            components: vec![ComponentSummary {
                kind: "activity",
                name: HOSTILE.to_owned(),
                exported: true,
                permission: Some(HOSTILE.to_owned()),
            }],
            native_abis: vec![HOSTILE.to_owned()],
            dex_files: 1,
            entries: 3,
        },
        sdks: vec![SdkInfo {
            id: HOSTILE.to_owned(),
            name: HOSTILE.to_owned(),
            vendor: HOSTILE.to_owned(),
            categories: vec![Category::Analytics],
            tracker: true,
            website: Some(HOSTILE.to_owned()),
            version: Some(HOSTILE.to_owned()),
            version_source: Some(HOSTILE.to_owned()),
            packages: vec![HOSTILE.to_owned()],
            classes: 3,
            files: vec![HOSTILE.to_owned()],
            matched: vec![Match {
                kind: MatchKind::Package,
                value: HOSTILE.to_owned(),
                count: Some(3),
            }],
        }],
        findings: vec![finding],
        anomalies: vec![ScanAnomaly {
            source: "container",
            kind: "zip.duplicate_entry".to_owned(),
            message: HOSTILE.to_owned(),
            file: Some(HOSTILE.to_owned()),
            offset: Some(4),
        }],
        rules_run: 1,
        code_analysed: true,
        duration_ms: 0,
        comparison: None,
    };
    ScanReport {
        tool: TOOL,
        apps: vec![app],
        failures: vec![ScanFailure {
            path: HOSTILE.to_owned(),
            error: HOSTILE.to_owned(),
        }],
    }
}

#[test]
fn html_report_escapes_hostile_values() {
    let page = html::render(&hostile_report());
    assert!(
        !page.contains("<script"),
        "a script element reached the page"
    );
    assert!(!page.contains("<img"), "an img element reached the page");
    assert!(
        !page.contains("alert('x')"),
        "quotes reached the page unescaped"
    );
    let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;";
    for place in ["message ", "evidence ", "assets/"] {
        assert!(
            page.contains(&format!("{place}{escaped}")),
            "the {place}value is not shown escaped"
        );
    }
    // The same hostile report is still valid JSON of the documented shape.
    let rendered: Value = serde_json::from_str(&json::render(&hostile_report())).unwrap();
    let found = errors(&validator(&report_schema()), &rendered);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn info_json_matches_its_schema() {
    let mut report = appvd_scan::info::InfoReport::new();
    let fixtures = crate_dir().join("tests/fixtures/rules");
    for path in SCANNED.iter().map(|p| fixtures.join(p)) {
        report
            .apps
            .push(appvd_scan::info::describe_file(&path).expect("every fixture opens"));
    }
    report.failures.push(ScanFailure {
        path: "not-an-app.apk".to_owned(),
        error: "no ZIP end record".to_owned(),
    });
    let rendered: Value = serde_json::from_str(&json::render(&report)).unwrap();

    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(crate_dir().join("schema").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let registry = jsonschema::Registry::new()
        .add("urn:appvd:schema:scan-report", report_schema())
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .offline()
        .should_validate_formats(true)
        .build(&read("app-info.schema.json"))
        .unwrap_or_else(|e| panic!("the schema itself is invalid: {e}"));
    let found = errors(&validator, &rendered);
    assert!(
        found.is_empty(),
        "the info JSON does not match schema/app-info.schema.json:\n{}",
        found.join("\n")
    );
    // The fixtures reach the optional parts: anomalies, signers, an unsigned app.
    let apps = rendered["apps"].as_array().unwrap();
    assert!(
        apps.iter()
            .any(|a| !a["anomalies"].as_array().unwrap().is_empty())
    );
    assert!(
        apps.iter()
            .any(|a| a["summary"]["signers"].as_array().unwrap().is_empty())
    );
    assert!(apps.iter().all(|a| a["manifest"].is_object()));

    // And the schema is strict: an unknown field or a wrong type is refused.
    let mut tampered = rendered.clone();
    tampered["apps"][0]["sha256"] = Value::from("00");
    assert!(!errors(&validator, &tampered).is_empty());
    let mut tampered = rendered;
    tampered["apps"][0]["debuggable"] = Value::from("yes");
    assert!(!errors(&validator, &tampered).is_empty());
}
