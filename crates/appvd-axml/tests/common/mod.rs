//! Fixture loading shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use appvd_axml::{Anomaly, ResourceTable, XmlDocument};

pub fn fixture_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/built")
        .join(relative)
}

pub fn bytes(relative: &str) -> Vec<u8> {
    let path = fixture_path(relative);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

pub fn document(relative: &str) -> (XmlDocument, Vec<Anomaly>) {
    XmlDocument::parse(&bytes(relative)).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

pub fn table(relative: &str) -> (ResourceTable, Vec<Anomaly>) {
    ResourceTable::parse(&bytes(relative)).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

pub fn kinds(anomalies: &[Anomaly]) -> Vec<&'static str> {
    anomalies.iter().map(|a| a.kind.id()).collect()
}

/// Every binary fixture (relative paths), tampered ones included.
pub fn all_fixtures() -> Vec<String> {
    let root = fixture_path("");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(&root)
                        .expect("prefix")
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}
