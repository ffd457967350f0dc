//! `appvd dex dump` against baksmali: the DEX engine's committed baksmali snapshot always, and a
//! fresh baksmali run over the analyzer's fixture APKs where baksmali is installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dump(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appvd"))
        .args(["dex", "dump"])
        .args(args)
        .output()
        .expect("the appvd binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "appvd dex dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn crates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates folder")
        .to_path_buf()
}

fn dex_fixture(name: &str) -> PathBuf {
    crates().join("appvd-dex/tests/fixtures").join(name)
}

fn rule_fixture(rule: &str) -> PathBuf {
    crates()
        .join("appvd-scan/tests/fixtures/rules")
        .join(rule)
        .join("positive.apk")
}

/// Every `.smali` file under `root`, keyed by its path relative to `root`.
fn smali_tree(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "smali") {
                let relative = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(relative, std::fs::read_to_string(&path).expect("utf-8"));
            }
        }
    }
    out
}

/// `Lcom/acme/Foo;` for `com/acme/Foo.smali`.
fn descriptor_of(relative: &str) -> String {
    format!("L{};", relative.trim_end_matches(".smali"))
}

/// baksmali 2.5.2 prints the epilogue directive as `.prologue` (both share its text table);
/// appvd prints `.epilogue`. This one substitution is the only difference allowed.
fn normalise(text: &str) -> String {
    text.replace("    .epilogue\n", "    .prologue\n")
}

fn assert_same(file: &Path, expected: &BTreeMap<String, String>) {
    assert!(
        !expected.is_empty(),
        "{}: nothing to compare",
        file.display()
    );
    let listed = stdout(&dump(&[file.to_str().expect("utf-8 path")]));
    let mut listed: Vec<&str> = listed
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(l))
        .collect();
    listed.sort_unstable();
    let mut wanted: Vec<String> = expected.keys().map(|k| descriptor_of(k)).collect();
    wanted.sort_unstable();
    assert_eq!(listed, wanted, "{}: class lists differ", file.display());
    for (relative, want) in expected {
        let class = descriptor_of(relative);
        let got = normalise(&stdout(&dump(&[
            file.to_str().expect("utf-8 path"),
            "--class",
            &class,
        ])));
        if *want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{} {class} differs from baksmali at line {}:\n  baksmali: {:?}\n  appvd:    {:?}",
                file.display(),
                line + 1,
                want.lines().nth(line),
                got.lines().nth(line)
            );
        }
    }
}

#[test]
fn every_class_matches_the_committed_baksmali_snapshot() {
    for name in ["formats", "app", "app2", "cycle"] {
        let expected = smali_tree(&dex_fixture(&format!("baksmali/{name}")));
        assert_same(&dex_fixture(&format!("{name}.dex")), &expected);
    }
}

#[test]
fn a_method_is_printed_alone_and_names_are_accepted_either_way() {
    let file = dex_fixture("app.dex");
    let file = file.to_str().expect("utf-8 path");
    let by_java = stdout(&dump(&[
        file,
        "--class",
        "com.acme.app.Crypto",
        "--method",
        "ecbDirect",
    ]));
    let by_descriptor = stdout(&dump(&[
        file,
        "--class",
        "Lcom/acme/app/Crypto;",
        "--method",
        "ecbDirect",
    ]));
    assert_eq!(by_java, by_descriptor);
    assert!(by_java.starts_with(".method public static ecbDirect()V\n"));
    assert!(by_java.trim_end().ends_with(".end method"));
    let class = std::fs::read_to_string(dex_fixture("baksmali/app/com/acme/app/Crypto.smali"))
        .expect("snapshot");
    assert!(
        class.contains(&by_java),
        "the method is printed as in the whole class"
    );

    let bare = stdout(&dump(&[
        file,
        "--class",
        "com.acme.app.Crypto",
        "--method",
        "ecbDirect",
        "--no-debug-info",
        "--code-offsets",
    ]));
    assert!(bare.contains("#@0\n"), "{bare}");
    assert!(!bare.contains(".line"), "{bare}");
}

#[test]
fn an_apk_is_searched_through_its_dex_files() {
    let apk = rule_fixture("crypto.ecb_mode");
    let apk = apk.to_str().expect("utf-8 path");
    let listed = stdout(&dump(&[apk]));
    assert!(
        listed.lines().any(|l| l == "Lcom/appvd/fixture/Crypto;"),
        "{listed}"
    );
    let class = stdout(&dump(&[apk, "--class", "com.appvd.fixture.Crypto"]));
    assert!(class.starts_with(".class "), "{class}");
    assert!(
        class.contains("Ljavax/crypto/Cipher;->getInstance"),
        "{class}"
    );
}

#[test]
fn mistakes_get_a_clear_error_and_exit_status_1() {
    let file = dex_fixture("app.dex");
    let file = file.to_str().expect("utf-8 path");

    let out = dump(&[file, "--class", "Crypto"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("defines no class Crypto"), "{err}");
    assert!(err.contains("similar: Lcom/acme/app/Crypto;"), "{err}");

    let out = dump(&[file, "--class", "com.acme.app.Crypto", "--method", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no method nope; its methods: addMode"),
        "{err}"
    );

    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let out = dump(&[manifest.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("neither a DEX file nor a readable app"),
        "{err}"
    );

    let out = dump(&["/nonexistent/app.apk"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/app.apk"));

    let out = dump(&[file, "--method", "ecbDirect"]);
    assert_eq!(out.status.code(), Some(2), "--method needs --class");

    for entry in std::fs::read_dir(dex_fixture("crashers")).expect("crasher folder") {
        let crasher = entry.expect("entry").path();
        if crasher.extension().is_none_or(|e| e != "dex") {
            continue;
        }
        let out = dump(&[crasher.to_str().expect("utf-8 path")]);
        assert!(
            out.status.code().is_some_and(|c| c == 0 || c == 1),
            "{}: a damaged file is listed or refused, never a crash: {:?}",
            crasher.display(),
            out.status
        );
    }
}

#[test]
#[allow(clippy::print_stderr)] // Saying that the comparison was skipped is the point.
fn fixture_apks_match_live_baksmali_when_installed() {
    let available = Command::new("baksmali")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        eprintln!("baksmali not installed: skipping the live comparison (the snapshot test ran)");
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    // Fixtures whose code exercises many instruction formats: arrays, switches, try/catch, wide
    // values, string building, lambdas.
    for rule in [
        "crypto.ecb_mode",
        "crypto.static_iv",
        "crypto.insecure_random",
        "code.zip_slip",
        "code.sql_injection",
        "storage.logging",
        "webview.js_interface",
        "tls.trust_all_manager",
    ] {
        let apk = rule_fixture(rule);
        let out = work.path().join(rule);
        let status = Command::new("baksmali")
            .arg("disassemble")
            .arg("--output")
            .arg(&out)
            .arg(&apk)
            .status()
            .expect("runs baksmali");
        assert!(status.success(), "baksmali on {}", apk.display());
        assert_same(&apk, &smali_tree(&out));
    }
}
