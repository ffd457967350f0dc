//! Fixture loading shared by the integration tests.
#![allow(dead_code)]

use appvd_dex::{Analysis, DexInput};
use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The two-DEX app fixture (classes.dex + classes2.dex).
pub struct AppFixture {
    pub classes: Vec<u8>,
    pub classes2: Vec<u8>,
}

impl AppFixture {
    pub fn load() -> AppFixture {
        AppFixture {
            classes: fixture("app.dex"),
            classes2: fixture("app2.dex"),
        }
    }

    pub fn inputs(&self) -> Vec<DexInput<'_>> {
        vec![
            DexInput {
                name: "classes.dex",
                data: &self.classes,
            },
            DexInput {
                name: "classes2.dex",
                data: &self.classes2,
            },
        ]
    }

    pub fn analysis(&self) -> Analysis<'_> {
        Analysis::new(&self.inputs())
    }
}
