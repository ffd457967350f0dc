//! Tampered and re-encoded variants of the full manifest (made by
//! tests/fixtures/scripts/tamper.py): each decodes, reports what was done to it, and yields the
//! typed view Android would see.

mod common;

use appvd_axml::{ExportReason, FileProviderPaths, Manifest, XmlDocument};
use common::{document, kinds, table};

fn view(relative: &str) -> (XmlDocument, Manifest, Vec<&'static str>) {
    let (table, _) = table("full/resources.arsc");
    let (document, mut anomalies) = document(relative);
    let (manifest, view_anomalies) = Manifest::from_document(&document, Some(&table));
    anomalies.extend(view_anomalies);
    let kinds = kinds(&anomalies);
    (document, manifest, kinds)
}

/// Files whose tampering Android tolerates: the typed view must equal the untampered one.
#[test]
fn tolerated_tampering_yields_the_original_view() {
    let (original_document, original, anomalies) = view("full/AndroidManifest.xml");
    assert!(anomalies.is_empty(), "{anomalies:?}");
    let cases: &[(&str, &[&str])] = &[
        ("tampered/blank_names.axml", &["axml.blank_attribute_name"]),
        (
            "tampered/renamed_names.axml",
            &["axml.attribute_name_mismatch"],
        ),
        (
            "tampered/bad_file_type.axml",
            &["axml.unexpected_file_type"],
        ),
        ("tampered/big_file_header.axml", &["chunk.oversized_header"]),
        (
            "tampered/garbage_chunks.axml",
            &[
                "chunk.unknown_type",
                "chunk.unknown_type",
                "chunk.unknown_type",
            ],
        ),
        ("tampered/garbage_bytes.axml", &["chunk.garbage_skipped"]),
        (
            "tampered/big_node_headers.axml",
            &["chunk.oversized_header"],
        ),
        (
            "tampered/attr_size_24.axml",
            &["axml.unusual_attribute_size"],
        ),
        ("tampered/utf8_pool.axml", &[]),
        (
            "tampered/tampered_namespace.axml",
            &["axml.tampered_namespace"],
        ),
        ("tampered/two_pools.axml", &["strings.multiple_pools"]),
        (
            "tampered/unsorted_duplicate.axml",
            &["axml.duplicate_attribute", "axml.unsorted_attributes"],
        ),
        ("tampered/trailing_hidden.axml", &["chunk.trailing_data"]),
        ("tampered/bad_styles.axml", &["strings.bad_style"]),
    ];
    for (file, expected) in cases {
        let (document, manifest, anomalies) = view(file);
        assert_eq!(&anomalies, expected, "{file}");
        assert_eq!(manifest, original, "{file}");
        assert_eq!(document.utf8_strings, *file == "tampered/utf8_pool.axml");
        if matches!(
            *file,
            "tampered/blank_names.axml"
                | "tampered/bad_file_type.axml"
                | "tampered/garbage_bytes.axml"
        ) {
            // Names come back from resource ids, so even the text rendering is unchanged.
            assert_eq!(document.to_xml(), original_document.to_xml(), "{file}");
        }
    }
}

#[test]
fn decoy_attributes_without_ids_do_not_override_the_real_ones() {
    let (_, manifest, anomalies) = view("tampered/decoy_attributes.axml");
    assert_eq!(
        anomalies,
        vec!["view.attribute_conflict", "view.attribute_found_by_name"]
    );
    let app = manifest.application.as_ref().expect("application");
    assert_eq!(
        app.debuggable,
        Some(true),
        "the id-keyed attribute wins over the decoy"
    );
    let hidden = manifest
        .components()
        .find(|c| c.raw_name.as_deref() == Some(".HiddenService"))
        .expect("service");
    // The name-only attribute is ignored, as Android ignores it (and reported).
    assert_eq!(hidden.exported, None);
    assert_ne!(hidden.export_reason, ExportReason::Explicit);
}

#[test]
fn truncated_manifest_keeps_the_beginning() {
    let (document, manifest, anomalies) = view("tampered/truncated.axml");
    assert_eq!(
        anomalies,
        vec![
            "chunk.truncated",
            "chunk.truncated",
            "axml.bad_node",
            "axml.unbalanced_element"
        ]
    );
    assert_eq!(document.root.name, "manifest");
    assert_eq!(manifest.package.as_deref(), Some("com.appvd.fixture.full"));
    assert_eq!(manifest.target_sdk(), 30);
    assert_eq!(manifest.uses_permissions.len(), 4);
    let app = manifest
        .application
        .as_ref()
        .expect("application start survives");
    assert_eq!(app.debuggable, Some(true));
    let names: Vec<&str> = manifest
        .components()
        .filter_map(|c| c.raw_name.as_deref())
        .collect();
    assert_eq!(
        names,
        vec![".MainActivity", "DeepLinkActivity"],
        "the components before the cut"
    );
}

#[test]
fn bad_string_offsets_lose_only_those_strings() {
    let (_, manifest, anomalies) = view("tampered/bad_string_offsets.axml");
    assert_eq!(
        anomalies,
        vec![
            "strings.offset_out_of_range",
            "strings.offset_out_of_range",
            "strings.index_out_of_range",
            "strings.index_out_of_range",
            "strings.index_out_of_range",
        ]
    );
    assert_eq!(manifest.permissions[1].name.as_deref(), Some(""));
    let deep = manifest.components().nth(1).expect("deep link activity");
    assert_eq!(deep.intent_filters[0].hosts(), vec![""]);
    assert_eq!(
        manifest.permissions[0].name.as_deref(),
        Some("com.appvd.fixture.full.NORMAL")
    );
}

#[test]
fn deep_nesting_is_capped_but_paths_survive() {
    let (document, anomalies) = document("tampered/deep_nesting.axml");
    assert_eq!(kinds(&anomalies), vec!["axml.too_deep"]);
    let (paths, view_anomalies) = FileProviderPaths::from_document(&document, None);
    assert!(view_anomalies.is_empty());
    // The seven real entries plus the nested root-path copies up to the depth cap.
    assert_eq!(paths.entries.len(), 7 + appvd_axml::xml::MAX_DEPTH - 1);
}
