//! Inputs found by fuzzing (tests/fixtures/fuzz/), run through the same calls as the fuzz
//! targets `axml` and `arsc`.

mod common;

use std::path::PathBuf;

use appvd_axml::{
    BackupRules, FileProviderPaths, Manifest, NetworkSecurityConfig, ResourceTable, XmlDocument,
};

fn inputs(extension: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fuzz fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read(&path).expect("readable"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn axml_regressions() {
    let (table, _) = common::table("full/resources.arsc");
    for (name, data) in inputs("axml") {
        let Ok((document, anomalies)) = XmlDocument::parse(&data) else {
            continue;
        };
        assert!(
            anomalies.len() <= appvd_axml::anomaly::MAX_ANOMALIES + 1,
            "{name}"
        );
        let _ = document.to_xml_with(&table);
        let (manifest, _) = Manifest::from_document(&document, Some(&table));
        let (nsc, _) = NetworkSecurityConfig::from_document(&document, Some(&table));
        let _ = nsc.effective_configs(manifest.target_sdk(), true);
        let _ = BackupRules::from_document(&document, Some(&table));
        let _ = FileProviderPaths::from_document(&document, Some(&table));
    }
}

#[test]
fn arsc_regressions() {
    for (name, data) in inputs("arsc") {
        let Ok((table, _)) = ResourceTable::parse(&data) else {
            continue;
        };
        for id in table.resource_ids() {
            let _ = table.resolve(id);
            let _ = table.default_entry(id);
            if let Some(resource) = table.name_of(id) {
                assert!(
                    table.id_of(&resource.type_name, &resource.entry).is_some(),
                    "{name}: 0x{id:08x} {resource}"
                );
            }
            let _ = table.file_paths(id);
        }
        let _ = table.string_resources();
        let _ = table.dump();
    }
}
