//! Binary XML: decode, render, and build every typed view on the result (resolving references
//! through a real resource table), so that the decoder and all views see fuzzed trees.
#![no_main]

use std::sync::OnceLock;

use appvd_axml::{
    BackupRules, FileProviderPaths, Manifest, NetworkSecurityConfig, ResourceTable, XmlDocument,
};
use libfuzzer_sys::fuzz_target;

static TABLE_BYTES: &[u8] =
    include_bytes!("../../crates/appvd-axml/tests/fixtures/built/full/resources.arsc");

fn table() -> &'static ResourceTable {
    static TABLE: OnceLock<ResourceTable> = OnceLock::new();
    TABLE.get_or_init(|| ResourceTable::parse(TABLE_BYTES).expect("fixture table").0)
}

fuzz_target!(|data: &[u8]| {
    let Ok((document, anomalies)) = XmlDocument::parse(data) else {
        return;
    };
    assert!(anomalies.len() <= appvd_axml::anomaly::MAX_ANOMALIES + 1);
    for anomaly in &anomalies {
        let _ = anomaly.to_string();
    }
    let table = table();
    let _ = document.to_xml();
    let _ = document.to_xml_with(table);
    for element in document.root.descendants() {
        for attribute in &element.attributes {
            let _ = (
                attribute.display_name(),
                attribute.string_value(),
                attribute.value.as_bool(),
                attribute.value.as_int(),
            );
        }
    }
    let (manifest, _) = Manifest::from_document(&document, Some(table));
    let _ = (
        manifest.min_sdk(),
        manifest.target_sdk(),
        manifest.long_version_code(),
        manifest.components().count(),
    );
    let (nsc, _) = NetworkSecurityConfig::from_document(&document, Some(table));
    let _ = nsc.effective_configs(manifest.target_sdk(), true);
    let _ = nsc.pin_sets().iter().map(|p| p.expiration_date()).count();
    let (rules, _) = BackupRules::from_document(&document, Some(table));
    let _ = rules
        .sections
        .iter()
        .map(|s| s.excludes("database"))
        .count();
    let (paths, _) = FileProviderPaths::from_document(&document, Some(table));
    let _ = paths.broad_entries().count();
});
