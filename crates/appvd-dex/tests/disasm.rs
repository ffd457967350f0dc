//! The disassembler against baksmali: the committed snapshot (`tests/fixtures/baksmali/`,
//! produced by `baksmali d` from Debian's libsmali-java 2.5.2) always, and a fresh baksmali run
//! when it is installed.

mod common;

use appvd_dex::DexFile;
use appvd_dex::disasm::{DisasmOptions, disassemble_class};
use common::{fixture, fixture_path};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const FIXTURES: [&str; 4] = ["formats", "app", "app2", "cycle"];

/// Our output for every class of a fixture, keyed by the relative `.smali` path baksmali uses.
fn ours(name: &str) -> BTreeMap<String, String> {
    let bytes = fixture(&format!("{name}.dex"));
    let dex = DexFile::parse(&bytes).expect("opens");
    dex.class_defs()
        .map(|class| {
            let descriptor = dex.type_lossy(class.class).into_owned();
            let path = format!(
                "{}.smali",
                descriptor.trim_start_matches('L').trim_end_matches(';')
            );
            (
                path,
                disassemble_class(&dex, &class, &DisasmOptions::default()),
            )
        })
        .collect()
}

fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .expect("prefix")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(relative, std::fs::read_to_string(&path).expect("utf-8"));
            }
        }
    }
    out
}

/// baksmali 2.5.2 prints `.prologue` for the epilogue directive too (both debug items share
/// the text); we print `.epilogue`. Comparing after this one substitution keeps the test strict
/// everywhere else.
fn normalise(text: &str) -> String {
    text.replace("    .epilogue\n", "    .prologue\n")
}

fn compare(expected: &BTreeMap<String, String>, actual: &BTreeMap<String, String>, what: &str) {
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>(),
        "{what}: class lists differ"
    );
    for (path, want) in expected {
        let got = normalise(&actual[path]);
        if *want != got {
            let first_diff = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{what}: {path} differs at line {}:\n  baksmali: {:?}\n  ours:     {:?}",
                first_diff + 1,
                want.lines().nth(first_diff),
                got.lines().nth(first_diff)
            );
        }
    }
}

#[test]
fn matches_committed_baksmali_snapshot() {
    for name in FIXTURES {
        let expected = read_tree(&fixture_path(&format!("baksmali/{name}")));
        assert!(!expected.is_empty());
        compare(&expected, &ours(name), &format!("snapshot {name}"));
    }
}

#[test]
#[allow(clippy::print_stderr)] // Saying that the comparison was skipped is the point.
fn matches_live_baksmali_when_installed() {
    let available = Command::new("baksmali")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        // Debian's libsmali-java provides /usr/bin/baksmali; without it the snapshot test above
        // carries the comparison.
        eprintln!("baksmali not installed: skipping the live comparison");
        return;
    }
    let out = std::env::temp_dir().join(format!("appvd-dex-baksmali-{}", std::process::id()));
    for name in FIXTURES {
        let dir = out.join(name);
        let status = Command::new("baksmali")
            .arg("disassemble")
            .arg("--output")
            .arg(&dir)
            .arg(fixture_path(&format!("{name}.dex")))
            .status()
            .expect("runs baksmali");
        assert!(status.success());
        compare(&read_tree(&dir), &ours(name), &format!("live {name}"));
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn classes_and_methods_are_found_by_name() {
    let bytes = fixture("app.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let by_java = dex.find_class("com.acme.app.Crypto").expect("java name");
    let by_descriptor = dex.find_class("Lcom/acme/app/Crypto;").expect("descriptor");
    assert_eq!(by_java, by_descriptor);
    assert!(dex.find_class("com.acme.app.Missing").is_none());
    let text = appvd_dex::disasm::disassemble_methods(
        &dex,
        &by_java,
        "ecbDirect",
        &DisasmOptions::default(),
    );
    let expected = std::fs::read_to_string(fixture_path("baksmali/app/com/acme/app/Crypto.smali"))
        .expect("snapshot");
    assert!(
        text.starts_with(".method public static ecbDirect()V\n"),
        "{text}"
    );
    assert!(expected.contains(&text), "{text}");
}

#[test]
fn listing_window_shows_evidence_around_a_call() {
    let bytes = fixture("app.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let class = dex
        .class_defs()
        .find(|c| dex.type_lossy(c.class) == "Lcom/acme/app/Crypto;")
        .expect("class");
    let (data, _) = dex.class_data(&class);
    let method = data
        .methods()
        .find(|m| {
            dex.method_id(m.method)
                .is_ok_and(|id| dex.string_lossy(id.name) == "ecbDirect")
        })
        .expect("method");
    let listing =
        appvd_dex::disasm::method_listing(&dex, &class, method, &DisasmOptions::default());
    assert_eq!(
        listing.window(2, 1, 1),
        "const-string v0, \"AES/ECB/PKCS5Padding\"\ninvoke-static {v0}, Ljavax/crypto/Cipher;->getInstance(Ljava/lang/String;)Ljavax/crypto/Cipher;\nreturn-void\n"
    );
    assert!(listing.window(99, 1, 1).is_empty());
}
