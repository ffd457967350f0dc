//! One test per fixture built by tests/fixtures/build.sh: each native rule is
//! covered both ways. The expected values were checked against `readelf -lWd
//! --dyn-syms` and `checksec --file` on the same files.

mod common;

use appvd_elf::{
    AndroidAbi, AndroidIdent, ElfClass, ElfFacts, Endianness, ObjectType, PAGE_16K, Position,
    Relro, StackExecutability, SymbolKind,
};
use common::{BUILT, fixture, names, parse_clean, string_texts};

const NATIVE_EXPORTS: &[&str] = &[
    "appvd_copy_name",
    "JNI_OnLoad",
    "Java_com_example_app_Native_1Bridge_nativeInit__Ljava_lang_String_2",
    "appvd_fixture_endpoint",
    "Java_com_example_app_NativeBridge_greet",
];

fn sorted(mut list: Vec<&str>) -> Vec<&str> {
    list.sort_unstable();
    list
}

/// The facts every build of src/native.c shares.
fn assert_native_library(facts: &ElfFacts) {
    assert_eq!(facts.object_type, ObjectType::Dynamic);
    assert_eq!(facts.hardening.position, Position::SharedObject);
    assert!(facts.hardening.is_position_independent());
    assert_eq!(
        sorted(names(&facts.symbols.exported)),
        sorted(NATIVE_EXPORTS.to_vec())
    );
    assert!(
        !facts.symbols.exports("appvd_internal_scale"),
        "hidden symbols are not exports"
    );
    let endpoint = facts
        .symbols
        .exported
        .iter()
        .find(|s| s.name == "appvd_fixture_endpoint")
        .unwrap();
    assert_eq!(endpoint.kind, SymbolKind::Object);
    assert!(facts.jni.on_load);
    assert!(!facts.jni.on_unload);
    let mut methods: Vec<_> = facts
        .jni
        .methods
        .iter()
        .map(|m| {
            (
                m.class_name.as_str(),
                m.method_name.as_str(),
                m.arguments.as_deref(),
            )
        })
        .collect();
    methods.sort_unstable();
    assert_eq!(
        methods,
        [
            ("com.example.app.NativeBridge", "greet", None),
            (
                "com.example.app.Native_Bridge",
                "nativeInit",
                Some("(Ljava/lang/String;)")
            ),
        ]
    );
    assert!(facts.linking.needed.iter().any(|n| n == "libc.so.6"));
    assert_eq!(facts.linking.soname, None);
    assert!(facts.linking.interpreter.is_none());
    assert!(string_texts(facts).contains(&"https://api.example.invalid/v1/session"));
    assert!(string_texts(facts).contains(&"appvd-fixture greeting for %s"));
    assert_eq!(facts.strings.cap_hit, None);
    assert!(facts.stack_protector_applies());
    assert!(facts.producers.is_empty());
    assert!(
        facts
            .notes
            .build_id
            .as_ref()
            .is_some_and(|id| id.len() == 40)
    );
}

#[test]
fn x86_64_hardened() {
    let facts = parse_clean("x86_64-hardened.so");
    assert_native_library(&facts);
    assert_eq!(
        (facts.class, facts.endianness, facts.machine),
        (ElfClass::Elf64, Endianness::Little, 62)
    );
    assert_eq!(facts.abi, AndroidAbi::X86_64);
    assert_eq!(facts.machine_name, "X86_64");
    let hardening = &facts.hardening;
    assert_eq!(hardening.stack, StackExecutability::NonExecutable);
    assert!(hardening.stack.is_nx());
    assert_eq!(hardening.relro, Relro::Full);
    assert!(
        hardening.bind_now.df_bind_now
            && hardening.bind_now.df_1_now
            && !hardening.bind_now.dt_bind_now
    );
    assert!(!hardening.text_relocations.present());
    assert_eq!(hardening.stack_protector.imported, ["__stack_chk_fail"]);
    assert_eq!(
        hardening.fortify.fortified,
        ["__memcpy_chk", "__strcpy_chk", "__sprintf_chk"]
    );
    // strcpy into a caller's buffer of unknown size stays unchecked even under FORTIFY.
    assert_eq!(hardening.fortify.unfortified, ["strcpy"]);
    assert!(!hardening.fortify.lacks_fortify());
    assert!(hardening.control_flow.x86_ibt && hardening.control_flow.x86_shstk);
    assert!(!hardening.control_flow.aarch64_bti);
    assert!(!facts.linking.has_search_path());
    assert_eq!(facts.load.segments.len(), 2);
    assert_eq!(
        (facts.load.min_align, facts.load.max_align),
        (Some(PAGE_16K), Some(PAGE_16K))
    );
    assert!(
        facts.load.all_16k_aligned
            && facts.load.offsets_congruent
            && facts.load.supports_16k_pages()
    );
    assert!(facts.symbols.symtab.is_none(), "stripped");
    assert!(!facts.sections.debug_info);
    assert_eq!(
        facts.notes.build_id.as_deref(),
        Some("d3a37af8152a0ffce28cd2162a4fc4dce025ea2e")
    );
    assert_eq!(facts.notes.android, None);
    assert_eq!(facts.symbols.dynamic_symbol_count, 12);
    let section_names: Vec<_> = facts.sections.names().collect();
    for name in [
        ".dynsym",
        ".dynstr",
        ".text",
        ".rodata",
        ".dynamic",
        ".note.gnu.property",
    ] {
        assert!(section_names.contains(&name), "{name} in {section_names:?}");
    }
    assert!(!section_names.contains(&".symtab"));
}

#[test]
fn x86_64_weak() {
    let facts = parse_clean("x86_64-weak.so");
    assert_native_library(&facts);
    let hardening = &facts.hardening;
    assert_eq!(hardening.stack, StackExecutability::Executable);
    assert!(!hardening.stack.is_nx());
    assert_eq!(hardening.relro, Relro::None);
    assert!(!hardening.bind_now.any());
    assert!(hardening.stack_protector.imported.is_empty());
    assert!(!hardening.stack_protector.present());
    assert!(hardening.fortify.fortified.is_empty());
    assert_eq!(
        hardening.fortify.unfortified,
        ["strcpy", "memcpy", "sprintf"]
    );
    assert!(hardening.fortify.lacks_fortify());
    assert_eq!(hardening.control_flow, Default::default());
    assert_eq!(facts.linking.rpath, ["/data/local/tmp/lib"]);
    assert!(facts.linking.runpath.is_empty());
    assert!(facts.linking.has_search_path());
    assert_eq!(
        (facts.load.min_align, facts.load.max_align),
        (Some(0x1000), Some(0x1000))
    );
    assert!(!facts.load.all_16k_aligned && !facts.load.supports_16k_pages());
    assert!(facts.load.offsets_congruent);
    // Not stripped: the full symbol table, with the hidden helper as a local function.
    let symtab = facts.symbols.symtab.expect("unstripped");
    assert_eq!(symtab.size_bytes, 0x198);
    assert_eq!(symtab.entries, 17);
    assert_eq!(symtab.defined_functions, 5);
    assert_eq!(facts.code.symtab_functions, Some(5));
    assert!(facts.sections.get(".symtab").is_some());
    assert!(
        facts
            .sections
            .comments
            .iter()
            .any(|c| c.starts_with("GCC: "))
    );
    assert_eq!(
        facts.notes.build_id.as_deref(),
        Some("5ab740c749e7e844db5010bbee29a905b403b04e")
    );
}

#[test]
fn x86_64_partial_relro_with_runpath() {
    let facts = parse_clean("x86_64-partial-relro-runpath.so");
    assert_native_library(&facts);
    assert_eq!(facts.hardening.relro, Relro::Partial);
    assert!(!facts.hardening.bind_now.any());
    assert_eq!(facts.linking.runpath, ["$ORIGIN/../lib"]);
    assert!(facts.linking.rpath.is_empty());
    assert!(facts.hardening.stack_protector.present());
    assert!(!facts.hardening.fortify.lacks_fortify());
}

#[test]
fn x86_64_data_only_library_needs_no_canary() {
    let facts = parse_clean("x86_64-data-only.so");
    assert_eq!(facts.hardening.position, Position::SharedObject);
    assert!(!facts.hardening.stack_protector.present());
    assert_eq!(facts.code.executable_segment_bytes, 0);
    assert_eq!(facts.code.executable_section_bytes, 0);
    assert_eq!(facts.code.exported_functions, 0);
    assert!(!facts.stack_protector_applies());
    assert!(facts.load.segments.iter().all(|s| !s.executable));
    let exported: Vec<_> = facts
        .symbols
        .exported
        .iter()
        .map(|s| (s.name.as_str(), s.kind))
        .collect();
    assert_eq!(
        sorted(exported.iter().map(|(n, _)| *n).collect()),
        ["appvd_crc_table", "appvd_data_banner"]
    );
    assert!(exported.iter().all(|(_, kind)| *kind == SymbolKind::Object));
    assert!(facts.symbols.imported.is_empty());
    assert!(facts.linking.needed.is_empty(), "nothing from libc is used");
    assert_eq!(facts.hardening.relro, Relro::Full);
    assert!(facts.load.supports_16k_pages());
    assert!(string_texts(&facts).contains(&"appvd data-only fixture library v1.0"));
    assert!(facts.jni.methods.is_empty() && !facts.jni.on_load);
}

#[test]
fn arm64_hardened_with_android_note() {
    let facts = parse_clean("arm64-v8a-hardened.so");
    assert_native_library(&facts);
    assert_eq!(
        (facts.class, facts.abi, facts.machine),
        (ElfClass::Elf64, AndroidAbi::Arm64V8a, 183)
    );
    assert_eq!(facts.hardening.relro, Relro::Full);
    assert_eq!(facts.hardening.stack, StackExecutability::NonExecutable);
    // glibc on AArch64 keeps the canary in a global, like 32-bit ARM.
    assert_eq!(
        facts.hardening.stack_protector.imported,
        ["__stack_chk_fail", "__stack_chk_guard"]
    );
    assert!(!facts.hardening.fortify.fortified.is_empty());
    assert!(facts.hardening.control_flow.aarch64_bti && facts.hardening.control_flow.aarch64_pac);
    assert!(!facts.hardening.control_flow.x86_ibt);
    assert!(facts.load.supports_16k_pages());
    assert_eq!(
        facts.notes.android,
        Some(AndroidIdent {
            api_level: 24,
            ndk_version: Some("r26b".into()),
            ndk_build_number: Some("10909125".into()),
        })
    );
    assert_eq!(
        facts.notes.build_id.as_deref(),
        Some("4555d056deb5968509addb04ceb0f20af4fbbc29")
    );
}

#[test]
fn arm64_4k_pages_without_canary() {
    let facts = parse_clean("arm64-v8a-4k.so");
    assert_native_library(&facts);
    assert_eq!(facts.abi, AndroidAbi::Arm64V8a);
    assert_eq!(
        (facts.load.min_align, facts.load.max_align),
        (Some(0x1000), Some(0x1000))
    );
    assert!(!facts.load.all_16k_aligned);
    assert!(!facts.load.supports_16k_pages());
    assert!(!facts.hardening.stack_protector.present());
    assert!(facts.hardening.fortify.lacks_fortify());
    assert_eq!(facts.hardening.relro, Relro::Partial);
    assert_eq!(facts.hardening.control_flow, Default::default());
}

#[test]
fn armeabi_v7a_uses_the_global_guard() {
    let facts = parse_clean("armeabi-v7a.so");
    assert_native_library(&facts);
    assert_eq!(
        (facts.class, facts.abi, facts.machine),
        (ElfClass::Elf32, AndroidAbi::ArmeabiV7a, 40)
    );
    assert_eq!(
        facts.hardening.stack_protector.imported,
        ["__stack_chk_guard", "__stack_chk_fail"]
    );
    assert_eq!(facts.hardening.relro, Relro::Partial);
    assert_eq!(facts.linking.needed, ["libc.so.6", "ld-linux-armhf.so.3"]);
    assert_eq!(
        facts.hardening.fortify.fortified,
        ["__memcpy_chk", "__strcpy_chk", "__sprintf_chk"]
    );
    assert!(!facts.load.all_16k_aligned);
}

#[test]
fn x86_text_relocations() {
    let facts = parse_clean("x86-textrel.so");
    assert_eq!((facts.class, facts.abi), (ElfClass::Elf32, AndroidAbi::X86));
    assert_eq!(facts.hardening.position, Position::SharedObject);
    assert!(facts.hardening.text_relocations.dt_textrel);
    assert!(facts.hardening.text_relocations.df_textrel);
    assert!(!facts.hardening.is_position_independent());
    assert_eq!(
        sorted(names(&facts.symbols.exported)),
        ["appvd_bump", "counter"]
    );
    assert_eq!(facts.hardening.relro, Relro::Partial);
}

#[test]
fn pie_executable_is_not_a_shared_object() {
    let facts = parse_clean("x86_64-pie-program");
    assert_eq!(facts.object_type, ObjectType::Dynamic);
    assert_eq!(facts.hardening.position, Position::PieExecutable);
    assert!(facts.hardening.is_position_independent());
    assert_eq!(
        facts.linking.interpreter.as_deref(),
        Some("/lib64/ld-linux-x86-64.so.2")
    );
    assert_ne!(facts.linking.flags_1 & 0x0800_0000, 0, "DF_1_PIE");
    assert_ne!(facts.entry, 0);
    assert_eq!(facts.hardening.relro, Relro::Full);
    assert!(
        facts.stack_protector_applies(),
        "a program has code even without exports"
    );
    assert!(!facts.hardening.stack_protector.present());
    assert_eq!(
        facts.notes.build_id.as_deref(),
        Some("c8490b44629e17dbd8b2d3486caa5f8bc7e834ab")
    );
    assert!(string_texts(&facts).contains(&"appvd fixture program"));
}

#[test]
fn fixed_address_executable_is_not_position_independent() {
    let facts = parse_clean("x86_64-exec-program");
    assert_eq!(facts.object_type, ObjectType::Executable);
    assert_eq!(facts.hardening.position, Position::FixedExecutable);
    assert!(!facts.hardening.is_position_independent());
    assert!(facts.linking.interpreter.is_some());
    assert!(facts.entry >= 0x40_0000);
}

#[test]
fn every_string_is_where_it_says() {
    for name in BUILT {
        let bytes = fixture(name);
        let facts = parse_clean(name);
        // The text-relocation fixture has no .rodata; every other one has strings.
        assert_eq!(
            facts.strings.strings.is_empty(),
            *name == "x86-textrel.so",
            "{name}"
        );
        for string in &facts.strings.strings {
            let region = facts.strings.region_of(string).unwrap();
            assert_eq!(
                region.file_offset + string.offset,
                string.file_offset,
                "{name}"
            );
            assert!(string.offset + string.text.len() as u64 <= region.size);
            let at = usize::try_from(string.file_offset).unwrap();
            assert_eq!(
                &bytes[at..at + string.text.len()],
                string.text.as_bytes(),
                "{name}"
            );
            assert!(string.text.len() >= 6);
        }
        let total: usize = facts.strings.strings.iter().map(|s| s.text.len()).sum();
        assert_eq!(total, facts.strings.total_bytes);
    }
}

#[test]
fn facts_round_trip_through_json() {
    for name in BUILT {
        let facts = parse_clean(name);
        let json = serde_json::to_string(&facts).unwrap();
        let back: ElfFacts = serde_json::from_str(&json).unwrap();
        assert_eq!(back, facts, "{name}");
    }
}

#[test]
fn json_uses_the_documented_names() {
    let facts = parse_clean("arm64-v8a-hardened.so");
    let json = serde_json::to_value(&facts).unwrap();
    assert_eq!(json["abi"], "arm64-v8a");
    assert_eq!(json["object_type"], "ET_DYN");
    assert_eq!(json["hardening"]["relro"], "full");
    assert_eq!(json["hardening"]["stack"], "non_executable");
    assert_eq!(json["hardening"]["position"], "shared_object");
    assert_eq!(json["class"], "elf64");
}

#[test]
fn string_caps_are_reported() {
    let bytes = fixture("x86_64-weak.so");
    let limits = appvd_elf::Limits {
        max_strings: 1,
        ..Default::default()
    };
    let (facts, _) = ElfFacts::parse_with_limits(&bytes, &limits).unwrap();
    assert_eq!(facts.strings.strings.len(), 1);
    assert_eq!(facts.strings.cap_hit, Some(appvd_elf::StringCap::Count));

    let limits = appvd_elf::Limits {
        max_string_bytes: 40,
        ..Default::default()
    };
    let (facts, _) = ElfFacts::parse_with_limits(&bytes, &limits).unwrap();
    assert_eq!(facts.strings.cap_hit, Some(appvd_elf::StringCap::Bytes));
    assert!(facts.strings.total_bytes <= 40);

    let limits = appvd_elf::Limits {
        min_string_len: 30,
        ..Default::default()
    };
    let (facts, _) = ElfFacts::parse_with_limits(&bytes, &limits).unwrap();
    assert_eq!(
        string_texts(&facts),
        ["https://api.example.invalid/v1/session"]
    );
}

#[test]
fn name_budget_truncates_symbols() {
    let bytes = fixture("x86_64-weak.so");
    let limits = appvd_elf::Limits {
        max_name_bytes: 60,
        ..Default::default()
    };
    let (facts, anomalies) = ElfFacts::parse_with_limits(&bytes, &limits).unwrap();
    assert!(facts.symbols.truncated);
    assert!(facts.symbols.exported.len() + facts.symbols.imported.len() < 9);
    assert!(common::has(
        &anomalies,
        appvd_elf::AnomalyKind::NameBudgetExhausted
    ));
}
