//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

use appvd_apk::{AnomalyKind, App, ZipArchive};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn open(name: &str) -> App {
    App::open(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn archive(name: &str) -> ZipArchive {
    ZipArchive::open(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn kinds(archive: &ZipArchive) -> Vec<AnomalyKind> {
    let mut kinds: Vec<_> = archive.anomalies().iter().map(|a| a.kind).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Reads every entry, as a scan would; returns how many reads failed.
pub fn read_all(archive: &ZipArchive) -> usize {
    archive
        .entries()
        .iter()
        .filter(|e| archive.read(e).is_err())
        .count()
}
