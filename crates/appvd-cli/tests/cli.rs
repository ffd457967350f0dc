//! The `appvd` binary end to end: exit codes, output shapes, and a real server on a free port.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

fn appvd(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_appvd"));
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("APPVD_DATABASE_URL")
        .env_remove("APPVD_POLICY");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the appvd binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn cvss_prints_scores_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(appvd(dir.path()).args([
        "cvss",
        "--json",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/CR:L",
    ]));
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "3.1");
    assert_eq!(
        v["vector"],
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/CR:L"
    );
    assert_eq!(v["base_score"], 9.8);
    assert_eq!(v["severity"], "CRITICAL");
    assert_eq!(
        v["temporal_score"], 9.0,
        "9.8 × 0.91 rounded up to one decimal"
    );
    assert!(v["environmental_score"].is_number());

    let out = run(appvd(dir.path()).args([
        "cvss",
        "--json",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    ]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["version"].as_str(), v["base_score"].as_f64()),
        (Some("4.0"), Some(9.3))
    );
    assert!(v.get("temporal_score").is_none());

    let out = run(appvd(dir.path()).args(["cvss", "CVSS:3.1/AV:N/AC:L"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("lacks mandatory base metrics: PR, UI"),
        "{}",
        text(&out.stderr)
    );
    let out =
        run(appvd(dir.path()).args(["cvss", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("AV"));
}

#[test]
fn grade_labels_the_provisional_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(appvd(dir.path()).args([
        "grade",
        "--json",
        "GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["grading"]["table"]["provisional"], true);
    assert!(v["grading"]["technical_grade"].is_string());
    let out = run(appvd(dir.path()).args(["grade", "GBT30279/AP:Q"]));
    assert_eq!(out.status.code(), Some(2));
    let out =
        run(appvd(dir.path()).args(["grade", "--table", "/nonexistent.toml", "GBT30279/AP:N"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read"));
}

#[test]
fn admin_commands_create_and_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(appvd(dir.path()).args([
        "admin",
        "create-org",
        "--name",
        "Acme",
        "--kind",
        "vendor",
        "--security-contact",
        "psirt@acme.example",
        "--verified",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created organisation 1"));
    let out =
        run(appvd(dir.path()).args(["admin", "create-org", "--name", "Acme", "--kind", "vendor"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists"));
    let out = run(appvd(dir.path()).args(["admin", "create-org", "--name", "X", "--kind", "bank"]));
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown kind");

    let mut child = appvd(dir.path())
        .args([
            "admin",
            "create-user",
            "--login",
            "Ana",
            "--roles",
            "vendor_admin,vendor_member",
            "--org-id",
            "1",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough passphrase\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(ana)"), "logins are lowercased");

    let mut child = appvd(dir.path())
        .args([
            "admin",
            "create-user",
            "--login",
            "bob",
            "--roles",
            "analyst",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("at least 12"));
}

#[test]
fn demo_then_serve_then_verify() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(appvd(dir.path()).arg("demo"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(appvd(dir.path()).arg("demo"));
    assert_eq!(
        out.status.code(),
        Some(2),
        "the demo loads only into an empty database"
    );
    let out = run(appvd(dir.path()).args(["db", "verify"]));
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("chain intact"));

    let mut server = appvd(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let addr = first_line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_owned();
    let body = http_get(&addr, "/api/v1/advisories");
    let _ = server.kill();
    let _ = server.wait();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total"], 3, "the demo publishes three advisories");
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_owned()
}

fn fixture(rule: &str, kind: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../appvd-scan/tests/fixtures/rules")
        .join(rule)
        .join(format!("{kind}.apk"))
}

#[test]
fn scan_reports_json_and_sets_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let positive = fixture("manifest.debuggable", "positive");
    let negative = fixture("manifest.debuggable", "negative");
    let out = run(appvd(dir.path())
        .args(["scan", "--format", "json", "--rules", "manifest.debuggable"])
        .arg(&positive)
        .arg(&negative));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tool"]["name"], "appvd");
    let apps = v["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 2);
    let findings: Vec<usize> = apps
        .iter()
        .map(|a| a["findings"].as_array().unwrap().len())
        .collect();
    assert_eq!(findings.iter().sum::<usize>(), 1);
    let app = apps
        .iter()
        .find(|a| !a["findings"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(app["package"], "com.appvd.fixture");
    let f = &app["findings"][0];
    for key in [
        "rule",
        "severity",
        "title",
        "masvs",
        "cwe",
        "evidence",
        "fingerprint",
    ] {
        assert!(!f[key].is_null(), "{key}");
    }
    for key in ["file", "component", "class", "method"] {
        assert!(f["location"].get(key).is_some(), "location.{key}");
    }

    let out = run(appvd(dir.path())
        .args(["scan", "--fail-on", "high"])
        .arg(&positive));
    assert_eq!(out.status.code(), Some(1), "a high finding fails the build");
    let out = run(appvd(dir.path())
        .args([
            "scan",
            "--fail-on",
            "critical",
            "--rules",
            "manifest.debuggable",
        ])
        .arg(&positive));
    assert_eq!(out.status.code(), Some(0));
    let out = run(appvd(dir.path())
        .args(["scan", "--rules", "nonsense.rule"])
        .arg(&positive));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nonsense.rule"));
    let missing = dir.path().join("missing.apk");
    let out = run(appvd(dir.path()).arg("scan").arg(&missing));
    assert_eq!(out.status.code(), Some(2));
    let garbage = dir.path().join("garbage.apk");
    std::fs::write(&garbage, b"not a zip at all").unwrap();
    let out = run(appvd(dir.path()).arg("scan").arg(&garbage));
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable app is reported, not a crash"
    );
    assert!(text(&out.stderr).contains("garbage.apk"));
}

#[test]
fn scan_writes_sarif_and_html_files() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let out = run(appvd(dir.path())
        .args(["scan", "--format", "sarif", "--output"])
        .arg(&sarif)
        .arg(fixture("manifest.debuggable", "positive")));
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
    let html = dir.path().join("out.html");
    let out = run(appvd(dir.path())
        .args(["scan", "--format", "html", "-o"])
        .arg(&html)
        .arg(fixture("manifest.debuggable", "positive")));
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .starts_with("<!doctype html>")
    );
}

#[test]
fn rules_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(appvd(dir.path()).args(["rules", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v.as_array().unwrap();
    assert!(rules.len() >= 42, "{}", rules.len());
    assert!(rules.iter().all(|r| r["docs"]["why"].is_string()));
    let out = run(appvd(dir.path()).args(["rules", "--html"]));
    assert!(text(&out.stdout).contains("manifest.debuggable"));
}

#[test]
fn a_baseline_tells_new_fixed_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.json");
    let out = run(appvd(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--rules",
            "manifest.debuggable",
            "-o",
        ])
        .arg(&before)
        .arg(fixture("manifest.debuggable", "positive")));
    assert!(out.status.success());

    // The fixed version: the finding is gone.
    let out = run(appvd(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--rules",
            "manifest.debuggable",
            "--baseline",
        ])
        .arg(&before)
        .arg(fixture("manifest.debuggable", "negative")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["apps"][0]["comparison"];
    assert_eq!(
        (
            c["new"].as_array().unwrap().len(),
            c["fixed"].as_array().unwrap().len()
        ),
        (0, 1)
    );
    assert_eq!(c["fixed"][0]["rule"], "manifest.debuggable");

    // The same version again: unchanged, and --fail-on counts only new findings.
    let out = run(appvd(dir.path())
        .args([
            "scan",
            "--rules",
            "manifest.debuggable",
            "--fail-on",
            "high",
            "--baseline",
        ])
        .arg(&before)
        .arg(fixture("manifest.debuggable", "positive")));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("0 new, 0 fixed, 1 unchanged"));

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"tool\": 1}").unwrap();
    let out = run(appvd(dir.path())
        .args(["scan", "--baseline"])
        .arg(&bad)
        .arg(fixture("manifest.debuggable", "positive")));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not an appvd scan report"));
}

#[test]
fn db_seed_and_bench_work_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(appvd(dir.path()).args(["db", "seed", "--cases", "30"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("added 30 synthetic cases"));
    // Seeding again continues the numbering and reuses the bench product.
    let out = run(appvd(dir.path()).args(["db", "seed", "--cases", "5"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(appvd(dir.path()).args(["db", "verify"]));
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(appvd(dir.path()).args([
        "db",
        "bench",
        "--cases",
        "200",
        "--submissions",
        "5",
        "--searches",
        "5",
        "--json",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["backend"], "sqlite");
    let figures = v["figures"].as_array().unwrap();
    assert!(figures.len() >= 3, "{v}");
    assert!(figures.iter().all(|f| f["count"].as_u64() > Some(0)));
}

#[test]
fn no_code_skips_bytecode_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // A code flaw and a manifest flaw in two fixtures: only the manifest one survives --no-code.
    let code = fixture("crypto.ecb_mode", "positive");
    let manifest = fixture("manifest.debuggable", "positive");
    let scan = |extra: &[&str]| -> serde_json::Value {
        let out = run(appvd(dir.path())
            .args([
                "scan",
                "--format",
                "json",
                "--rules",
                "crypto.ecb_mode,manifest.debuggable",
            ])
            .args(extra)
            .arg(&code)
            .arg(&manifest));
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let rules_found = |v: &serde_json::Value| -> Vec<String> {
        let mut rules: Vec<String> = v["apps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["findings"].as_array().unwrap().iter())
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect();
        rules.sort();
        rules.dedup();
        rules
    };
    let full = scan(&[]);
    assert_eq!(
        rules_found(&full),
        ["crypto.ecb_mode", "manifest.debuggable"]
    );
    assert!(
        full["apps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["code_analysed"] == true)
    );
    let quick = scan(&["--no-code"]);
    assert_eq!(rules_found(&quick), ["manifest.debuggable"]);
    let apps = quick["apps"].as_array().unwrap();
    assert!(apps.iter().all(|a| a["code_analysed"] == false));
    // The DEX files are still listed in the summary; they were just not analysed.
    assert!(
        apps.iter()
            .all(|a| a["summary"]["dex_files"].as_u64() >= Some(1))
    );

    let out = run(appvd(dir.path()).args(["scan", "--no-code"]).arg(&code));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("bytecode not analysed"));

    // An exclusion may start the --rules value.
    let out = run(appvd(dir.path())
        .args(["scan", "--format", "json", "--rules", "-secret,-crypto"])
        .arg(&code));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!rules_found(&v).iter().any(|r| r.starts_with("crypto.")));
}

#[test]
fn info_describes_apps_without_running_rules() {
    let dir = tempfile::tempdir().unwrap();
    let debuggable = fixture("manifest.debuggable", "positive");
    let clean = fixture("manifest.debuggable", "negative");
    let tampered = fixture("resilience.malformed_container", "positive");

    let out = run(appvd(dir.path()).arg("info").arg(&debuggable));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for expected in ["package ", "SDK ", "signed ", "components ", "debuggable"] {
        assert!(
            shown.contains(expected),
            "{expected:?} missing from:\n{shown}"
        );
    }
    assert!(!shown.contains("findings"), "{shown}");

    let out = run(appvd(dir.path())
        .args(["info", "--format", "json"])
        .arg(&debuggable)
        .arg(&clean)
        .arg(&tampered));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tool"]["name"], "appvd");
    let apps = v["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 3);
    let by_path = |apk: &std::path::Path| {
        apps.iter()
            .find(|a| a["path"] == apk.display().to_string())
            .unwrap_or_else(|| panic!("{} not described", apk.display()))
    };
    let (positive, negative) = (by_path(&debuggable), by_path(&clean));
    assert_eq!(positive["debuggable"], true);
    assert_eq!(negative["debuggable"], false);
    assert_eq!(positive["package"], positive["manifest"]["package"]);
    assert!(positive["package"].as_str().is_some_and(|p| !p.is_empty()));
    assert!(
        positive["summary"]["signers"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    // Describing is not judging, and it never hashes the whole input.
    assert!(positive.get("findings").is_none() && positive.get("sha256").is_none());
    // The tampered container is described with its anomalies, not refused.
    assert!(
        by_path(&tampered)["anomalies"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );

    let garbage = dir.path().join("garbage.apk");
    std::fs::write(&garbage, b"not a zip at all").unwrap();
    let out = run(appvd(dir.path())
        .args(["info", "--format", "json"])
        .arg(&garbage));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("garbage.apk"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failures"].as_array().map(Vec::len), Some(1));
}

#[test]
fn info_reads_split_sets_and_bundles_as_one_app() {
    let dir = tempfile::tempdir().unwrap();
    let apk_fixture = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../appvd-apk/tests/fixtures")
            .join(name)
    };
    let out = run(appvd(dir.path())
        .args(["info", "--format", "json", "--split"])
        .arg(apk_fixture("split_config.arm64_v8a.apk"))
        .arg(apk_fixture("signed-v1v2v3.apk")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let app = &v["apps"][0];
    assert_eq!(v["apps"].as_array().map(Vec::len), Some(1));
    assert_eq!(app["summary"]["bundle"], "split_apks");
    assert_eq!(app["splits"][0], "split_config.arm64_v8a.apk");
    assert_eq!(
        app["summary"]["signing_schemes"],
        serde_json::json!(["v1", "v2", "v3"])
    );

    let out = run(appvd(dir.path())
        .args(["info", "--format", "json"])
        .arg(apk_fixture("fixture.xapk")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["apps"][0]["summary"]["bundle"], "xapk");
    assert!(
        v["apps"][0]["splits"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
}
