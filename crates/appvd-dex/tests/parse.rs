//! The parser on the fixtures: header checks, id tables, strings, class data, code items, the
//! DEX 041 container and the tampered copies.

mod common;

use appvd_dex::file::ParseOptions;
use appvd_dex::ids::{StringIdx, TypeIdx};
use appvd_dex::insn::Instructions;
use appvd_dex::{AnomalyKind, DexError, DexFile};
use common::fixture;

fn kinds(dex: &DexFile<'_>) -> Vec<AnomalyKind> {
    dex.anomalies().iter().map(|a| a.kind).collect()
}

#[test]
fn well_formed_fixtures_open_without_anomalies() {
    for (name, version) in [
        ("formats.dex", 39),
        ("app.dex", 35),
        ("app2.dex", 35),
        ("cycle.dex", 35),
    ] {
        let bytes = fixture(name);
        let dex = DexFile::parse(&bytes).expect(name);
        assert_eq!(dex.version(), version, "{name}");
        assert!(dex.anomalies().is_empty(), "{name}: {:?}", dex.anomalies());
        assert_eq!(dex.header().file_size as usize, bytes.len());
        assert!(!dex.map().is_empty());
    }
}

#[test]
fn strings_types_and_members_resolve() {
    let bytes = fixture("app.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let all: Vec<String> = (0..dex.string_count())
        .map(|i| dex.string_lossy(StringIdx(i)).into_owned())
        .collect();
    assert!(all.contains(&"AES/ECB/PKCS5Padding".to_string()));
    // The pool is sorted, as the format requires.
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    assert_eq!(all, sorted);
    let descriptors: Vec<String> = (0..dex.type_count())
        .map(|i| dex.type_lossy(TypeIdx(i)).into_owned())
        .collect();
    assert!(descriptors.contains(&"Lcom/acme/app/MainActivity;".to_string()));
    let main = dex
        .class_defs()
        .find(|c| dex.type_lossy(c.class) == "Lcom/acme/app/MainActivity;")
        .expect("class");
    assert_eq!(
        dex.type_lossy(main.superclass.expect("super")),
        "Landroid/app/Activity;"
    );
    let interfaces: Vec<_> = dex
        .interfaces(&main)
        .expect("interfaces")
        .iter()
        .map(|t| dex.type_lossy(t).into_owned())
        .collect();
    assert_eq!(
        interfaces,
        [
            "Landroid/view/View$OnClickListener;",
            "Ljava/lang/Runnable;"
        ]
    );
    let (data, error) = dex.class_data(&main);
    assert!(error.is_none());
    assert_eq!(data.static_fields.len(), 11);
    assert_eq!(data.instance_fields.len(), 1);
    assert_eq!(data.direct_methods.len(), 2);
    assert_eq!(data.virtual_methods.len(), 3);
    let values = dex.static_values(&main).expect("static values");
    assert_eq!(values.len(), 10, "the trailing default ZERO is omitted");
    let directory = dex
        .annotations_directory(&main)
        .expect("ok")
        .expect("present");
    let class_annotations = dex
        .annotation_set(directory.class_annotations_off)
        .expect("set");
    assert_eq!(class_annotations.len(), 2);
}

#[test]
fn code_items_decode_with_tries_and_debug_info() {
    let bytes = fixture("app.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let crypto = dex
        .class_defs()
        .find(|c| dex.type_lossy(c.class) == "Lcom/acme/app/Crypto;")
        .expect("class");
    let (data, _) = dex.class_data(&crypto);
    let with_try = data
        .methods()
        .find(|m| {
            dex.method_id(m.method)
                .is_ok_and(|id| dex.string_lossy(id.name) == "wideAndCatch")
        })
        .expect("method");
    let code = dex.code_item(with_try.code_off).expect("code");
    let (tries, error) = code.try_blocks();
    assert!(error.is_none());
    assert_eq!(tries.len(), 1);
    assert_eq!(tries[0].catches.len(), 1);
    assert!(Instructions::new(code.insns()).all(|r| r.is_ok()));

    let main = dex
        .class_defs()
        .find(|c| dex.type_lossy(c.class) == "Lcom/acme/app/MainActivity;")
        .expect("class");
    let (data, _) = dex.class_data(&main);
    let on_create = data
        .methods()
        .find(|m| {
            dex.method_id(m.method)
                .is_ok_and(|id| dex.string_lossy(id.name) == "onCreate")
        })
        .expect("onCreate");
    let code = dex.code_item(on_create.code_off).expect("code");
    let debug = dex.debug_info(code.debug_info_off).expect("debug info");
    assert_eq!(debug.parameter_names.len(), 1);
    assert_eq!(debug.line_at(0), Some(30));
    assert_eq!(debug.line_at(6), Some(31));
}

#[test]
fn every_instruction_format_decodes() {
    let bytes = fixture("formats.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let mut formats = std::collections::BTreeSet::new();
    let mut opcodes = std::collections::BTreeSet::new();
    for class in dex.class_defs() {
        let (data, _) = dex.class_data(&class);
        for method in data.methods() {
            if method.code_off == 0 {
                continue;
            }
            let code = dex.code_item(method.code_off).expect("code");
            for item in Instructions::new(code.insns()) {
                let (_, insn) = item.expect("decodes");
                formats.insert(insn.opcode.format().id());
                opcodes.insert(insn.opcode.0);
            }
        }
    }
    for format in [
        "10x",
        "12x",
        "11n",
        "11x",
        "10t",
        "20t",
        "22x",
        "21t",
        "21s",
        "21h",
        "21c",
        "23x",
        "22b",
        "22t",
        "22s",
        "22c",
        "30t",
        "32x",
        "31i",
        "31t",
        "31c",
        "35c",
        "3rc",
        "45cc",
        "4rcc",
        "51l",
        "packed-switch-payload",
        "sparse-switch-payload",
        "fill-array-data-payload",
    ] {
        assert!(formats.contains(format), "format {format} not covered");
    }
    for b in (0u16..256).filter(|&b| appvd_dex::opcode::Opcode(b).is_defined()) {
        assert!(
            opcodes.contains(&b),
            "opcode {:?} not covered",
            appvd_dex::opcode::Opcode(b)
        );
    }
}

#[test]
fn tampered_files_report_anomalies_and_still_open() {
    let bytes = fixture("tampered/bad_checksum.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    assert_eq!(
        kinds(&dex),
        [AnomalyKind::BadChecksum, AnomalyKind::BadSignature]
    );
    assert!(dex.class_def_count() > 0);

    let bytes = fixture("tampered/truncated.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let k = kinds(&dex);
    assert!(k.contains(&AnomalyKind::FileSizeMismatch));
    assert!(k.contains(&AnomalyKind::BadMap));

    let bytes = fixture("tampered/huge_counts.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let k = kinds(&dex);
    assert!(
        k.iter().filter(|k| **k == AnomalyKind::CountCapped).count() >= 3,
        "{k:?}"
    );
    // The map list still has the real counts and is used to recover the tables.
    let original_bytes = fixture("app.dex");
    let original = DexFile::parse(&original_bytes).expect("opens");
    assert_eq!(dex.string_count(), original.string_count());
    assert_eq!(dex.method_count(), original.method_count());
    assert_eq!(dex.class_def_count(), original.class_def_count());
    let first = dex.class_def(0).expect("class 0");
    let (_, error) = dex.class_data(&first);
    assert!(error.is_some(), "huge class data counts are reported");

    let bytes = fixture("tampered/bad_indices.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    assert!(
        dex.anomalies().is_empty(),
        "hashes were fixed: {:?}",
        dex.anomalies()
    );
    let method = dex
        .method_id(appvd_dex::ids::MethodIdx(0))
        .expect("method 0");
    assert!(matches!(
        dex.string(method.name),
        Err(DexError::IndexOutOfRange { .. })
    ));
    assert!(dex.string(StringIdx(3)).is_err());

    let bytes = fixture("tampered/bad_mutf8.dex");
    let dex = DexFile::parse(&bytes).expect("opens");
    let broken = (0..dex.string_count())
        .filter_map(|i| dex.string(StringIdx(i)).ok())
        .find(|s| !s.decode().valid)
        .expect("one invalid string");
    assert!(broken.to_str_lossy().contains('\u{fffd}'));
}

#[test]
fn dex_041_container_entries_are_all_opened() {
    let bytes = fixture("tampered/container_v41.dex");
    let entries = DexFile::parse_container(&bytes, ParseOptions::default()).expect("opens");
    assert_eq!(entries.len(), 2);
    assert_eq!(kinds(&entries[0]), [AnomalyKind::Container]);
    assert!(
        entries[1].anomalies().is_empty(),
        "{:?}",
        entries[1].anomalies()
    );
    for (entry, class, text) in [
        (&entries[0], "Lcom/acme/c1/Entry;", "entry one"),
        (&entries[1], "Lcom/acme/c2/Entry;", "entry two"),
    ] {
        assert_eq!(entry.version(), 41);
        let def = entry.class_def(0).expect("class");
        assert_eq!(entry.type_lossy(def.class), class);
        let (data, _) = entry.class_data(&def);
        let code = entry
            .code_item(data.direct_methods[0].code_off)
            .expect("code");
        let (_, insn) = Instructions::new(code.insns())
            .next()
            .expect("insn")
            .expect("decodes");
        let index = insn.index().expect("string index");
        assert_eq!(entry.string_lossy(StringIdx(index)), text);
    }
}

#[test]
fn checksum_verification_can_be_skipped() {
    let bytes = fixture("tampered/bad_checksum.dex");
    let dex = DexFile::parse_with(
        &bytes,
        ParseOptions {
            verify_checksum: false,
            verify_signature: false,
        },
    )
    .expect("opens");
    assert!(dex.anomalies().is_empty());
}
