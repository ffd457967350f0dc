//! Damaged copies of x86_64-weak.so written by tests/fixtures/tamper.py, and
//! in-memory patches of the fixtures. Each test checks the anomaly the damage
//! causes and the facts that survive it.

mod common;

use appvd_elf::{AnomalyKind, ElfError, ElfFacts, Relro, StackExecutability};
use common::{TAMPERED, fixture, has, kinds, names, parse, parse_clean, string_texts};

const ENDPOINT: &str = "https://api.example.invalid/v1/session";

#[test]
fn hopeless_input_is_an_error() {
    assert_eq!(ElfFacts::parse(b"").unwrap_err(), ElfError::NotElf);
    assert_eq!(
        ElfFacts::parse(b"PK\x03\x04 not an elf").unwrap_err(),
        ElfError::NotElf
    );
    assert_eq!(ElfFacts::parse(b"\x7fEL").unwrap_err(), ElfError::NotElf);
    assert_eq!(
        ElfFacts::parse(b"\x7fELF").unwrap_err(),
        ElfError::TruncatedHeader {
            len: 4,
            bits: 32,
            needed: 52
        }
    );
    assert_eq!(
        ElfFacts::parse(&fixture("tampered/truncated-header.so")).unwrap_err(),
        ElfError::TruncatedHeader {
            len: 40,
            bits: 64,
            needed: 64
        }
    );
    assert_eq!(
        ElfFacts::parse(&fixture("tampered/bad-class.so")).unwrap_err(),
        ElfError::UnknownClass(9)
    );
    let mut bytes = fixture("x86_64-weak.so");
    bytes[5] = 7;
    assert_eq!(
        ElfFacts::parse(&bytes).unwrap_err(),
        ElfError::UnknownEncoding(7)
    );
    let message = ElfError::UnknownClass(9).to_string();
    assert!(message.contains("class 9"), "{message}");
}

#[test]
fn truncated_file_keeps_the_loader_view() {
    let (facts, anomalies) = parse("tampered/truncated-half.so");
    assert!(has(&anomalies, AnomalyKind::SectionHeadersOutOfBounds));
    assert!(!facts.sections.present);
    // Program headers, the dynamic section and .rodata are in the first half.
    assert_eq!(facts.hardening.stack, StackExecutability::Executable);
    assert_eq!(facts.linking.rpath, ["/data/local/tmp/lib"]);
    assert_eq!(
        names(&facts.symbols.imported),
        ["strcpy", "strlen", "memcpy", "sprintf"]
    );
    assert!(facts.hardening.fortify.lacks_fortify());
    // Without sections, strings come from the read-only PT_LOAD.
    assert_eq!(facts.strings.regions[0].name, "PT_LOAD[0]");
    assert!(string_texts(&facts).contains(&ENDPOINT));
}

#[test]
fn program_headers_out_of_bounds() {
    let (facts, anomalies) = parse("tampered/bad-phoff.so");
    assert!(has(&anomalies, AnomalyKind::ProgramHeadersOutOfBounds));
    assert!(
        has(&anomalies, AnomalyKind::SectionSegmentMismatch),
        "{anomalies:#?}"
    );
    assert!(facts.load.segments.is_empty());
    assert!(!facts.load.all_16k_aligned);
    assert_eq!(facts.hardening.stack, StackExecutability::Absent);
    assert_eq!(facts.hardening.relro, Relro::None);
    assert!(!facts.linking.has_dynamic_section);
    // The section view still gives symbols and strings.
    assert_eq!(
        names(&facts.symbols.imported),
        ["strcpy", "strlen", "memcpy", "sprintf"]
    );
    assert!(string_texts(&facts).contains(&ENDPOINT));
    assert_eq!(facts.strings.regions[0].name, ".rodata");
}

#[test]
fn section_headers_out_of_bounds() {
    let (facts, anomalies) = parse("tampered/bad-shoff.so");
    assert_eq!(kinds(&anomalies), [AnomalyKind::SectionHeadersOutOfBounds]);
    assert!(!facts.sections.present);
    let original = parse_clean("x86_64-weak.so");
    assert_eq!(facts.hardening, original.hardening);
    assert_eq!(facts.linking, original.linking);
    assert_eq!(facts.load, original.load);
    assert_eq!(facts.symbols.exported, original.symbols.exported);
    assert_eq!(
        facts.symbols.symtab, None,
        "the .symtab is found through sections only"
    );
    assert!(string_texts(&facts).contains(&ENDPOINT));
}

#[test]
fn huge_counts_are_capped_to_the_file() {
    let (facts, anomalies) = parse("tampered/huge-counts.so");
    assert!(has(&anomalies, AnomalyKind::SectionHeadersOutOfBounds));
    assert!(has(&anomalies, AnomalyKind::ProgramHeadersOutOfBounds));
    // 4448 bytes hold at most 78 program headers of 56 bytes from e_phoff 64.
    assert!(facts.sections.list.len() <= 20);
    // The anomaly list stays bounded however many entries are garbage.
    for kind in AnomalyKind::ALL {
        assert!(anomalies.iter().filter(|a| a.kind == *kind).count() <= 17);
    }
}

#[test]
fn bad_section_name_table() {
    let (facts, anomalies) = parse("tampered/bad-shstrndx.so");
    assert_eq!(kinds(&anomalies), [AnomalyKind::BadSectionNameTable]);
    assert!(facts.sections.present);
    assert!(facts.sections.list.iter().all(|s| s.name.is_empty()));
    assert_eq!(facts.strings.regions[0].name, "PT_LOAD[0]");
    assert!(string_texts(&facts).contains(&ENDPOINT));
    assert_eq!(facts.hardening, parse_clean("x86_64-weak.so").hardening);
}

#[test]
fn overlapping_segments() {
    let (facts, anomalies) = parse("tampered/overlapping-segments.so");
    assert!(has(&anomalies, AnomalyKind::OverlappingSegments));
    assert!(has(&anomalies, AnomalyKind::MisalignedSegment));
    assert!(!facts.load.offsets_congruent);
}

#[test]
fn section_and_segment_views_disagree() {
    let (facts, anomalies) = parse("tampered/section-mismatch.so");
    assert!(has(&anomalies, AnomalyKind::SectionSegmentMismatch));
    // The facts follow PT_DYNAMIC, as the loader does, not the moved section.
    assert_eq!(facts.linking, parse_clean("x86_64-weak.so").linking);
}

#[test]
fn broken_dynamic_tables_fall_back_to_sections() {
    let (facts, anomalies) = parse("tampered/bad-dynamic-tables.so");
    assert!(has(&anomalies, AnomalyKind::BadStringTable));
    assert!(has(&anomalies, AnomalyKind::UnmappedAddress));
    assert_eq!(facts.linking.needed, ["libc.so.6"]);
    assert_eq!(
        names(&facts.symbols.imported),
        ["strcpy", "strlen", "memcpy", "sprintf"]
    );
}

#[test]
fn missing_gnu_stack_means_executable_stack() {
    let facts = parse_clean("tampered/no-gnu-stack.so");
    assert_eq!(facts.hardening.stack, StackExecutability::Absent);
    assert!(!facts.hardening.stack.is_nx());
}

#[test]
fn misaligned_segment() {
    let (facts, anomalies) = parse("tampered/misaligned-segment.so");
    assert_eq!(kinds(&anomalies), [AnomalyKind::MisalignedSegment]);
    assert!(!facts.load.offsets_congruent);
    assert_eq!(
        (facts.load.min_align, facts.load.max_align),
        (Some(0x3000), Some(0x10000))
    );
    assert!(!facts.load.all_16k_aligned);
}

#[test]
fn bad_note() {
    let (facts, anomalies) = parse("tampered/bad-note.so");
    assert_eq!(kinds(&anomalies), [AnomalyKind::BadNote]);
    assert_eq!(facts.notes.build_id, None);
}

#[test]
fn wrong_endianness_gives_anomalies_not_a_crash() {
    let (facts, anomalies) = parse("tampered/wrong-endianness.so");
    assert!(has(&anomalies, AnomalyKind::BadVersion));
    assert!(has(&anomalies, AnomalyKind::BadHeaderSize));
    assert_eq!(facts.endianness, appvd_elf::Endianness::Big);
    assert!(facts.load.segments.is_empty());
}

#[test]
fn every_tampered_file_parses_or_errors_cleanly() {
    for name in TAMPERED {
        match ElfFacts::parse(&fixture(name)) {
            Ok((facts, _)) => {
                serde_json::to_string(&facts).unwrap();
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
}

// ---- in-memory patches ------------------------------------------------------

fn put_u16(bytes: &mut [u8], at: usize, value: u16) {
    bytes[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap())
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

#[test]
fn extended_numbering_reads_the_same_file() {
    // ELF64 header: e_shoff 0x28, e_phnum 0x38, e_shnum 0x3c, e_shstrndx 0x3e.
    // Section 0 (at e_shoff): sh_size 0x20, sh_link 0x28, sh_info 0x2c.
    let original = fixture("x86_64-weak.so");
    let mut bytes = original.clone();
    let shoff = usize::try_from(u64_at(&bytes, 0x28)).unwrap();
    let (phnum, shnum, shstrndx) = (
        u16_at(&bytes, 0x38),
        u16_at(&bytes, 0x3c),
        u16_at(&bytes, 0x3e),
    );
    put_u16(&mut bytes, 0x38, 0xffff);
    put_u16(&mut bytes, 0x3c, 0);
    put_u16(&mut bytes, 0x3e, 0xffff);
    put_u64(&mut bytes, shoff + 0x20, u64::from(shnum));
    put_u32(&mut bytes, shoff + 0x28, u32::from(shstrndx));
    put_u32(&mut bytes, shoff + 0x2c, u32::from(phnum));
    let (facts, anomalies) = ElfFacts::parse(&bytes).unwrap();
    assert!(anomalies.is_empty(), "{anomalies:#?}");
    let expected = parse_clean("x86_64-weak.so");
    assert_eq!(facts.load, expected.load);
    assert_eq!(facts.hardening, expected.hardening);
    assert_eq!(
        facts.sections.names().collect::<Vec<_>>(),
        expected.sections.names().collect::<Vec<_>>()
    );
}

#[test]
fn machine_maps_to_abi() {
    use appvd_elf::AndroidAbi;
    let mut bytes = fixture("x86_64-hardened.so");
    for (machine, abi) in [
        (243u16, AndroidAbi::Riscv64),
        (8, AndroidAbi::Other),
        (183, AndroidAbi::Arm64V8a),
    ] {
        put_u16(&mut bytes, 0x12, machine);
        let (facts, _) = ElfFacts::parse(&bytes).unwrap();
        assert_eq!((facts.machine, facts.abi), (machine, abi));
        assert_eq!(facts.abi.name(), serde_json::to_value(abi).unwrap());
    }
    // An ELF32 AArch64 (ILP32) file is no Android ABI.
    assert_eq!(
        AndroidAbi::from_machine(183, appvd_elf::ElfClass::Elf32),
        AndroidAbi::Other
    );
    assert_eq!(
        AndroidAbi::from_machine(62, appvd_elf::ElfClass::Elf32),
        AndroidAbi::Other
    );
}

#[test]
fn larger_entry_sizes_are_followed() {
    // A section header table declared with 128-byte entries cannot be the
    // real one: it is read with that stride and reported.
    let mut bytes = fixture("x86_64-weak.so");
    put_u16(&mut bytes, 0x3a, 128);
    let (_, anomalies) = ElfFacts::parse(&bytes).unwrap();
    assert!(has(&anomalies, AnomalyKind::BadSectionHeaderEntrySize));
    // Smaller than the structure: the table is ignored.
    put_u16(&mut bytes, 0x3a, 16);
    put_u16(&mut bytes, 0x36, 8);
    let (facts, anomalies) = ElfFacts::parse(&bytes).unwrap();
    assert!(has(&anomalies, AnomalyKind::BadProgramHeaderEntrySize));
    assert!(facts.load.segments.is_empty() && !facts.sections.present);
}

#[test]
fn every_truncation_of_a_fixture_parses_or_errors() {
    let bytes = fixture("armeabi-v7a.so");
    for len in 0..bytes.len() {
        if let Ok((facts, _)) = ElfFacts::parse(&bytes[..len]) {
            assert_eq!(facts.file_size, len as u64);
        }
    }
}

/// Appends a program header table of `count` PT_NOTE + PT_LOAD entries and a
/// section table of `count` ".rodata" sections, all covering the whole file:
/// work on such a file must stay proportional to its size.
#[test]
fn forged_tables_over_the_same_bytes_stay_linear() {
    let mut bytes = fixture("x86_64-weak.so");
    let rodata_name = {
        // sh_name of the real .rodata: section header 11 in this fixture.
        let shoff = usize::try_from(u64_at(&bytes, 0x28)).unwrap();
        u32::from_le_bytes(
            bytes[shoff + 11 * 64..shoff + 11 * 64 + 4]
                .try_into()
                .unwrap(),
        )
    };
    let shstrndx = u16_at(&bytes, 0x3e);
    let original_shoff = usize::try_from(u64_at(&bytes, 0x28)).unwrap();
    let shstrtab = bytes[original_shoff + usize::from(shstrndx) * 64..][..64].to_vec();
    let count = 20_000usize;
    let total = bytes.len() + count * 56 + count * 64;
    let whole = total as u64;

    let phoff = bytes.len();
    for index in 0..count {
        let mut entry = [0u8; 56];
        let p_type: u32 = if index % 2 == 0 { 4 } else { 1 };
        entry[0..4].copy_from_slice(&p_type.to_le_bytes());
        entry[4..8].copy_from_slice(&4u32.to_le_bytes()); // PF_R
        entry[0x20..0x28].copy_from_slice(&whole.to_le_bytes()); // p_filesz
        entry[0x28..0x30].copy_from_slice(&whole.to_le_bytes()); // p_memsz
        entry[0x30..0x38].copy_from_slice(&4u64.to_le_bytes()); // p_align
        bytes.extend_from_slice(&entry);
    }
    let shoff = bytes.len();
    for index in 0..count {
        let entry = if index == 1 {
            shstrtab.clone()
        } else {
            let mut entry = vec![0u8; 64];
            entry[0..4].copy_from_slice(&rodata_name.to_le_bytes());
            entry[4..8].copy_from_slice(&1u32.to_le_bytes()); // SHT_PROGBITS
            entry[0x20..0x28].copy_from_slice(&whole.to_le_bytes()); // sh_size
            entry
        };
        bytes.extend_from_slice(&entry);
    }
    assert_eq!(bytes.len(), total);
    put_u64(&mut bytes, 0x20, phoff as u64);
    put_u64(&mut bytes, 0x28, shoff as u64);
    put_u16(&mut bytes, 0x38, u16::try_from(count).unwrap());
    put_u16(&mut bytes, 0x3c, u16::try_from(count).unwrap());
    put_u16(&mut bytes, 0x3e, 1);

    let started = std::time::Instant::now();
    let (facts, anomalies) = ElfFacts::parse(&bytes).unwrap();
    let elapsed = started.elapsed();
    assert!(has(&anomalies, AnomalyKind::CountCapped), "{anomalies:#?}");
    let scanned: u64 = facts.strings.regions.iter().map(|r| r.size).sum();
    assert!(
        scanned <= bytes.len() as u64,
        "scanned {scanned} bytes of a {}-byte file",
        bytes.len()
    );
    assert_eq!(facts.sections.list.len(), count);
    assert_eq!(facts.load.segments.len(), count / 2);
    // Generous even for an unoptimised build on a busy machine; the quadratic
    // version of this parse took minutes.
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}
