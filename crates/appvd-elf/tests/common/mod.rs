//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;

use appvd_elf::{Anomaly, AnomalyKind, ElfFacts};

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|error| panic!("fixture {name}: {error}"))
}

/// Every committed fixture built by build.sh (not the tampered ones).
pub const BUILT: &[&str] = &[
    "x86_64-hardened.so",
    "x86_64-weak.so",
    "x86_64-partial-relro-runpath.so",
    "x86_64-data-only.so",
    "arm64-v8a-hardened.so",
    "arm64-v8a-4k.so",
    "armeabi-v7a.so",
    "x86-textrel.so",
    "x86_64-pie-program",
    "x86_64-exec-program",
];

/// Every tampered copy written by tamper.py.
pub const TAMPERED: &[&str] = &[
    "tampered/truncated-header.so",
    "tampered/truncated-half.so",
    "tampered/bad-phoff.so",
    "tampered/bad-shoff.so",
    "tampered/huge-counts.so",
    "tampered/bad-shstrndx.so",
    "tampered/overlapping-segments.so",
    "tampered/section-mismatch.so",
    "tampered/bad-dynamic-tables.so",
    "tampered/no-gnu-stack.so",
    "tampered/misaligned-segment.so",
    "tampered/bad-note.so",
    "tampered/wrong-endianness.so",
    "tampered/bad-class.so",
];

pub fn parse(name: &str) -> (ElfFacts, Vec<Anomaly>) {
    ElfFacts::parse(&fixture(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// Parses a fixture that must be free of anomalies.
pub fn parse_clean(name: &str) -> ElfFacts {
    let (facts, anomalies) = parse(name);
    assert!(
        anomalies.is_empty(),
        "{name}: unexpected anomalies {anomalies:#?}"
    );
    facts
}

pub fn kinds(anomalies: &[Anomaly]) -> Vec<AnomalyKind> {
    anomalies.iter().map(|a| a.kind).collect()
}

pub fn has(anomalies: &[Anomaly], kind: AnomalyKind) -> bool {
    anomalies.iter().any(|a| a.kind == kind)
}

pub fn names(symbols: &[appvd_elf::DynamicSymbol]) -> Vec<&str> {
    symbols.iter().map(|s| s.name.as_str()).collect()
}

pub fn string_texts(facts: &ElfFacts) -> Vec<&str> {
    facts
        .strings
        .strings
        .iter()
        .map(|s| s.text.as_str())
        .collect()
}
