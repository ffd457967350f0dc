//! Mutated and truncated fixtures never make any part of the crate panic, and the tampered
//! fixtures go through the whole pipeline.

mod common;

use appvd_dex::disasm::{DisasmOptions, disassemble_class};
use appvd_dex::file::ParseOptions;
use appvd_dex::{Analysis, DexFile, DexInput};
use common::fixture;
use proptest::prelude::*;

/// Everything a caller can do with a file: parse, disassemble every class, build every index,
/// run the shape queries.
fn exercise(bytes: &[u8]) {
    let options = ParseOptions {
        verify_checksum: false,
        verify_signature: false,
    };
    if let Ok(entries) = DexFile::parse_container(bytes, options) {
        for dex in &entries {
            for class in dex.class_defs().take(64) {
                let _ = disassemble_class(dex, &class, &DisasmOptions::default());
            }
        }
    }
    let analysis = Analysis::new(&[DexInput {
        name: "classes.dex",
        data: bytes,
    }]);
    for call in analysis.call_sites().take(256) {
        let _ = call.location();
        let _ = call.evidence(2, 2);
        for arg in call.args() {
            let _ = arg.describe();
        }
    }
    let _ = analysis.tls_shapes();
    let _ = analysis.unreferenced_strings();
    let _ = analysis.anomalies().count();
}

#[test]
fn tampered_fixtures_go_through_the_pipeline() {
    for name in [
        "bad_checksum",
        "truncated",
        "bad_indices",
        "huge_counts",
        "bad_mutf8",
        "bad_code",
        "container_v41",
    ] {
        let bytes = fixture(&format!("tampered/{name}.dex"));
        exercise(&bytes);
    }
    let bytes = fixture("tampered/bad_code.dex");
    let analysis = Analysis::new(&[DexInput {
        name: "classes.dex",
        data: &bytes,
    }]);
    let kinds: Vec<_> = analysis.anomalies().map(|a| a.anomaly.kind).collect();
    assert!(
        kinds.contains(&appvd_dex::AnomalyKind::UnknownOpcode),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&appvd_dex::AnomalyKind::BadCodeItem),
        "{kinds:?}"
    );
    let bytes = fixture("tampered/container_v41.dex");
    let analysis = Analysis::new(&[DexInput {
        name: "classes.dex",
        data: &bytes,
    }]);
    let dexes: Vec<&str> = analysis
        .app()
        .dexes()
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(dexes, ["classes.dex", "classes.dex!2"]);
    let texts: Vec<String> = analysis
        .string_refs()
        .map(|r| r.text().into_owned())
        .collect();
    assert_eq!(texts, ["entry one", "entry two"]);
}

/// Inputs the fuzzer found, kept as regressions (tests/fixtures/crashers/README.md says what
/// each one did).
#[test]
fn fuzz_regressions_stay_bounded() {
    let dir = common::fixture_path("crashers");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("crashers folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "dex") {
            continue;
        }
        seen += 1;
        let bytes = std::fs::read(&path).expect("read");
        exercise(&bytes);
        // Disassembly stays proportional to the input even when items are shared.
        if let Ok(dex) = DexFile::parse_with(
            &bytes,
            ParseOptions {
                verify_checksum: false,
                verify_signature: false,
            },
        ) {
            for class in dex.class_defs() {
                let text = disassemble_class(&dex, &class, &DisasmOptions::default());
                // The cap applies between members, so one member may overshoot it.
                assert!(
                    text.len() <= bytes.len() * 64 + (1 << 17),
                    "{}: {} bytes",
                    path.display(),
                    text.len()
                );
            }
        }
    }
    assert!(seen > 0);
}

#[test]
fn every_prefix_of_a_fixture_is_handled() {
    let bytes = fixture("formats.dex");
    for len in (0..bytes.len()).step_by(97) {
        exercise(&bytes[..len]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<u32>(), any::<u8>()), 1..24),
    ) {
        let name = ["app.dex", "formats.dex", "app2.dex"][which];
        let mut bytes = fixture(name);
        let len = bytes.len() as u32;
        for (at, value) in edits {
            bytes[(at % len) as usize] = value;
        }
        exercise(&bytes);
    }

    #[test]
    fn header_field_mutations_never_panic(field in 0usize..28, value in any::<u32>()) {
        let mut bytes = fixture("app.dex");
        let at = 0x20 + field * 4;
        bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        exercise(&bytes);
    }
}
