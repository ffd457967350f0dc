//! Hardening facts about the native libraries (`lib/<abi>/*.so`) of an app.
//!
//! [`ElfFacts::parse`] takes the bytes of one ELF file and returns
//! [`ElfFacts`] plus a list of [`Anomaly`]s. It never panics and never
//! allocates in proportion to a count read from the file without first
//! checking that count against the bytes that would hold it. Only input that
//! is not ELF at all, or whose header is cut off, is an [`ElfError`]; any other
//! damage is an anomaly and the facts that could still be established.
//!
//! The facts are plain serde data, grouped the way the native rules read them:
//!
//! * the header: [`ElfClass`], [`Endianness`], `e_machine` and its
//!   [`AndroidAbi`], and the [`ObjectType`];
//! * [`Linking`]: PT_INTERP, DT_SONAME, DT_NEEDED, DT_RPATH / DT_RUNPATH and the
//!   dynamic flags;
//! * [`Hardening`]: [`Position`] (shared object, PIE or fixed executable),
//!   [`TextRelocations`], the NX [`StackExecutability`], [`Relro`] with
//!   [`BindNow`], the [`StackProtector`] and [`Fortify`] imports, and
//!   branch-protection properties ([`ControlFlowProtection`]);
//! * [`LoadSegments`]: every PT_LOAD and whether all of them are aligned for
//!   16 KB pages;
//! * [`CodeFacts`] and [`Producer`]s, which tell a rule when a missing canary
//!   is not a finding (a data-only library, Go, Rust, a Dart snapshot);
//! * [`Symbols`] (dynamic imports and exports, `.symtab` presence), [`Jni`]
//!   entry points decoded to Java class and method names, [`Notes`] (build-id,
//!   the NDK's API level and version) and [`Sections`];
//! * [`ExtractedStrings`]: printable strings from `.rodata` and
//!   `.data.rel.ro`, each with its region offset and file offset, bounded by
//!   [`Limits`], for a secrets or version-banner pass.
//!
//! Every hardening fact is taken from the loader's view (program headers and
//! the dynamic section), because section headers are optional and easy to
//! forge; where the two views disagree a [`AnomalyKind::SectionSegmentMismatch`]
//! is reported.
//!
//! goblin supplies the header and table entry decoders; this crate decides
//! which entries to read, bounds every offset and count, and derives the facts.
//!
//! How the native rules read the facts:
//!
//! ```
//! use appvd_elf::{ElfFacts, Relro};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86_64-weak.so");
//! let (facts, anomalies) = ElfFacts::parse(&std::fs::read(path)?)?;
//! assert!(anomalies.is_empty());
//! // code.native_nx_disabled
//! assert!(!facts.hardening.stack.is_nx());
//! // code.native_no_stack_canary
//! assert!(facts.stack_protector_applies() && !facts.hardening.stack_protector.present());
//! // code.native_text_relocations
//! assert!(facts.hardening.is_position_independent());
//! // code.native_relro
//! assert_eq!(facts.hardening.relro, Relro::None);
//! // code.native_rpath
//! assert_eq!(facts.linking.rpath, ["/data/local/tmp/lib"]);
//! // code.native_no_fortify
//! assert!(facts.hardening.fortify.lacks_fortify());
//! // resilience.native_symbols
//! assert!(facts.symbols.symtab.is_some() || facts.sections.debug_info);
//! // 16 KB page-size readiness
//! assert!(!facts.load.supports_16k_pages());
//! // secrets pass
//! let url = facts.strings.strings.iter().find(|s| s.text.starts_with("https://")).unwrap();
//! assert_eq!(facts.strings.region_of(url).unwrap().name, ".rodata");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod anomaly;
mod bytes;
mod dynamic;
mod error;
mod facts;
mod image;
mod jni;
mod limits;
mod notes;
mod segments;
mod strings;
mod symbols;

pub use anomaly::{Anomaly, AnomalyKind};
pub use error::ElfError;
pub use facts::*;
pub use jni::decode_jni_symbol;
pub use limits::Limits;
pub use segments::PAGE_16K;
pub use symbols::FORTIFIABLE_FUNCTIONS;

use goblin::elf::section_header::{SHF_EXECINSTR, SHT_NOBITS};

use crate::anomaly::AnomalySink;
use crate::image::Image;
use crate::limits::NameBudget;

impl ElfFacts {
    /// Reads one ELF file with the default [`Limits`].
    pub fn parse(bytes: &[u8]) -> Result<(ElfFacts, Vec<Anomaly>), ElfError> {
        Self::parse_with_limits(bytes, &Limits::default())
    }

    /// Reads one ELF file.
    pub fn parse_with_limits(
        bytes: &[u8],
        limits: &Limits,
    ) -> Result<(ElfFacts, Vec<Anomaly>), ElfError> {
        let mut sink = AnomalySink::default();
        let mut names = NameBudget::new(limits);
        let image = Image::read(bytes, &mut sink, &mut names)?;

        let load = segments::load_segments(&image, &mut sink);
        segments::check_sections_against_segments(&image, &mut sink);

        let tags = dynamic::read_tags(&image, &mut sink);
        let dynamic_strings = dynamic::string_table(&image, &tags, &mut sink);
        let linking = dynamic::linking(&image, &tags, dynamic_strings, &mut sink, &mut names);
        let symbol_table = dynamic::symbol_table(&image, &tags, &mut sink);
        let symbols =
            symbols::dynamic_symbols(&image, symbol_table, dynamic_strings, &mut sink, &mut names);
        let (notes, control_flow) = notes::read_notes(&image, &mut sink);
        let strings = strings::extract(&image, limits);

        let object_type = ObjectType::from_raw(image.header.e_type);
        let position = position(object_type, &linking);
        if matches!(
            position,
            Position::PieExecutable | Position::FixedExecutable
        ) {
            segments::check_entry(&image, &load, &mut sink);
        }
        let bind_now = tags.bind_now();
        let relro = match (segments::has_relro_segment(&image), bind_now.any()) {
            (false, _) => Relro::None,
            (true, false) => Relro::Partial,
            (true, true) => Relro::Full,
        };
        let hardening = Hardening {
            position,
            text_relocations: tags.text_relocations(),
            stack: segments::stack(&image),
            relro,
            bind_now,
            stack_protector: symbols::stack_protector(&symbols),
            fortify: symbols::fortify(&symbols),
            control_flow,
        };
        let code = CodeFacts {
            executable_segment_bytes: load
                .segments
                .iter()
                .filter(|s| s.executable)
                .fold(0u64, |sum, s| sum.saturating_add(s.file_size)),
            executable_section_bytes: image
                .section_headers
                .iter()
                .filter(|s| s.sh_flags & u64::from(SHF_EXECINSTR) != 0 && s.sh_type != SHT_NOBITS)
                .fold(0u64, |sum, s| sum.saturating_add(s.sh_size)),
            exported_functions: symbols
                .exported
                .iter()
                .filter(|s| s.kind.is_function())
                .count(),
            symtab_functions: symbols.symtab.map(|table| table.defined_functions),
        };
        let jni = Jni {
            on_load: symbols.exports("JNI_OnLoad"),
            on_unload: symbols.exports("JNI_OnUnload"),
            methods: symbols
                .exported
                .iter()
                .filter(|s| s.kind.is_function())
                .filter_map(|s| decode_jni_symbol(&s.name))
                .collect(),
        };
        let sections = sections(&image, &mut sink, &mut names);
        let producers = producers(&linking, &symbols, &notes, &sections, &strings);
        let machine = image.header.e_machine;
        let facts = ElfFacts {
            file_size: bytes.len() as u64,
            class: image.class,
            endianness: image.endianness,
            machine,
            machine_name: goblin::elf::header::machine_to_str(machine).to_string(),
            abi: AndroidAbi::from_machine(machine, image.class),
            object_type,
            entry: image.header.e_entry,
            linking,
            hardening,
            load,
            code,
            symbols,
            jni,
            notes,
            sections,
            producers,
            strings,
        };
        Ok((facts, sink.finish()))
    }

    /// Whether a missing stack canary is a finding: the file has executable
    /// code with functions of its own (exported, in `.symtab`, or it is a
    /// program), and was not produced by Go, Rust or the Dart compiler, whose
    /// code is never instrumented with canaries.
    pub fn stack_protector_applies(&self) -> bool {
        let has_functions = self.code.exported_functions > 0
            || self.code.symtab_functions.unwrap_or(0) > 0
            || matches!(
                self.hardening.position,
                Position::PieExecutable | Position::FixedExecutable
            );
        let code_bytes = self
            .code
            .executable_segment_bytes
            .max(self.code.executable_section_bytes);
        let exempt = self
            .producers
            .iter()
            .any(|p| matches!(p, Producer::Go | Producer::Rust | Producer::DartAot));
        code_bytes > 0 && has_functions && !exempt
    }
}

/// See [`Position`] for the rule.
fn position(object_type: ObjectType, linking: &Linking) -> Position {
    match object_type {
        ObjectType::Dynamic => {
            let pie_flag = linking.flags_1 & goblin::elf::dynamic::DF_1_PIE != 0;
            if pie_flag || (linking.interpreter.is_some() && linking.soname.is_none()) {
                Position::PieExecutable
            } else {
                Position::SharedObject
            }
        }
        ObjectType::Executable => Position::FixedExecutable,
        ObjectType::Relocatable => Position::Relocatable,
        ObjectType::Core | ObjectType::Other(_) => Position::Unknown,
    }
}

const MAX_COMMENTS: usize = 16;
const MAX_COMMENT_LEN: usize = 256;

fn sections(image: &Image<'_>, sink: &mut AnomalySink, names: &mut NameBudget) -> Sections {
    let list: Vec<Section> = image
        .sections()
        .map(|(_, s, name)| Section {
            name: name.to_string(),
            kind: s.sh_type,
            flags: s.sh_flags,
            address: s.sh_addr,
            offset: s.sh_offset,
            size: s.sh_size,
        })
        .collect();
    let comments = image
        .section_named(".comment")
        .map(|(index, _)| {
            let (raw, _) = image.section_bytes(index);
            raw.split(|&b| b == 0)
                .filter(|text| !text.is_empty())
                .take(MAX_COMMENTS)
                .map(|text| names.take(text, MAX_COMMENT_LEN, sink))
                .collect()
        })
        .unwrap_or_default();
    Sections {
        present: !list.is_empty(),
        debug_info: list
            .iter()
            .any(|s| s.name.starts_with(".debug_") || s.name.starts_with(".zdebug_")),
        mini_debug_info: list.iter().any(|s| s.name == ".gnu_debugdata"),
        comments,
        list,
    }
}

const RUST_RUNTIME_SYMBOLS: &[&str] = &[
    "rust_begin_unwind",
    "rust_eh_personality",
    "rust_panic",
    "__rust_alloc",
    "__rust_dealloc",
    "__rust_realloc",
    "__rust_probestack",
    "__rust_alloc_error_handler",
];

fn producers(
    linking: &Linking,
    symbols: &Symbols,
    notes: &Notes,
    sections: &Sections,
    strings: &ExtractedStrings,
) -> Vec<Producer> {
    let all_symbols = || {
        symbols
            .exported
            .iter()
            .chain(&symbols.imported)
            .map(|s| s.name.as_str())
    };
    let any_string = |needle: &str| strings.strings.iter().any(|s| s.text.contains(needle));
    let mut found = Vec::new();
    let go = notes.go_build_id.is_some()
        || sections
            .names()
            .any(|n| matches!(n, ".go.buildinfo" | ".gopclntab" | ".gosymtab"))
        || all_symbols().any(|n| n == "crosscall2" || n.starts_with("_cgo_"));
    if go {
        found.push(Producer::Go);
    }
    let rust = all_symbols().any(|n| RUST_RUNTIME_SYMBOLS.contains(&n) || is_rust_mangled(n))
        || any_string("/rustc/")
        || any_string("/.cargo/registry/src/");
    if rust {
        found.push(Producer::Rust);
    }
    if symbols.exports("_kDartIsolateSnapshotInstructions")
        || symbols.exports("_kDartVmSnapshotInstructions")
    {
        found.push(Producer::DartAot);
    }
    if linking.soname.as_deref() == Some("libflutter.so")
        || any_string("io/flutter/embedding/engine/FlutterJNI")
    {
        found.push(Producer::FlutterEngine);
    }
    found
}

/// Rust's legacy mangling ends in a 17-character hash part (`17h` + 16 hex
/// digits + `E`); the v0 mangling starts with `_R` and an upper-case tag.
fn is_rust_mangled(name: &str) -> bool {
    let legacy = name.starts_with("_ZN")
        && name
            .strip_suffix('E')
            .and_then(|rest| rest.get(rest.len().checked_sub(19)?..))
            .is_some_and(|tail| {
                tail.starts_with("17h") && tail.bytes().skip(3).all(|b| b.is_ascii_hexdigit())
            });
    let v0 = name
        .strip_prefix("_R")
        .and_then(|rest| rest.bytes().next())
        .is_some_and(|b| b.is_ascii_uppercase());
    legacy || v0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_mangling_is_recognised() {
        assert!(is_rust_mangled(
            "_ZN4core9panicking5panic17h0123456789abcdefE"
        ));
        assert!(is_rust_mangled("_RNvCs1234_5crate4main"));
        assert!(!is_rust_mangled("_ZN7android6String8C2EPKc"));
        assert!(!is_rust_mangled("_ZN3foo17hNOTHEXNOTHEXNOTHE"));
        assert!(!is_rust_mangled("_Rx"));
        assert!(!is_rust_mangled("memcpy"));
    }

    fn symbol(name: &str) -> DynamicSymbol {
        DynamicSymbol {
            name: name.into(),
            kind: SymbolKind::Function,
            weak: false,
        }
    }

    fn found_producers(
        linking: Linking,
        exported: &[&str],
        imported: &[&str],
        sections: &[&str],
        notes: Notes,
        strings: &[&str],
    ) -> Vec<Producer> {
        let symbols = Symbols {
            exported: exported.iter().map(|n| symbol(n)).collect(),
            imported: imported.iter().map(|n| symbol(n)).collect(),
            ..Symbols::default()
        };
        let sections = Sections {
            list: sections
                .iter()
                .map(|n| Section {
                    name: n.to_string(),
                    kind: 1,
                    flags: 0,
                    address: 0,
                    offset: 0,
                    size: 0,
                })
                .collect(),
            ..Sections::default()
        };
        let strings = ExtractedStrings {
            strings: strings
                .iter()
                .map(|t| FoundString {
                    region: 0,
                    offset: 0,
                    file_offset: 0,
                    text: t.to_string(),
                })
                .collect(),
            ..ExtractedStrings::default()
        };
        producers(&linking, &symbols, &notes, &sections, &strings)
    }

    #[test]
    fn producers_from_each_kind_of_evidence() {
        let none = found_producers(
            Linking::default(),
            &["JNI_OnLoad"],
            &["memcpy"],
            &[".text"],
            Notes::default(),
            &[],
        );
        assert!(none.is_empty());
        let go = found_producers(
            Linking::default(),
            &[],
            &[],
            &[".go.buildinfo"],
            Notes::default(),
            &[],
        );
        assert_eq!(go, [Producer::Go]);
        let go_note = Notes {
            go_build_id: Some("abc/def".into()),
            ..Notes::default()
        };
        assert_eq!(
            found_producers(Linking::default(), &[], &[], &[], go_note, &[]),
            [Producer::Go]
        );
        let cgo = found_producers(
            Linking::default(),
            &["crosscall2"],
            &[],
            &[],
            Notes::default(),
            &[],
        );
        assert_eq!(cgo, [Producer::Go]);
        let rust = found_producers(
            Linking::default(),
            &[],
            &["__rust_alloc"],
            &[],
            Notes::default(),
            &[],
        );
        assert_eq!(rust, [Producer::Rust]);
        let rust_paths = found_producers(
            Linking::default(),
            &[],
            &[],
            &[],
            Notes::default(),
            &["/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/fmt/mod.rs"],
        );
        assert_eq!(rust_paths, [Producer::Rust]);
        let dart = found_producers(
            Linking::default(),
            &["_kDartIsolateSnapshotInstructions"],
            &[],
            &[],
            Notes::default(),
            &[],
        );
        assert_eq!(dart, [Producer::DartAot]);
        let engine = Linking {
            soname: Some("libflutter.so".into()),
            ..Linking::default()
        };
        assert_eq!(
            found_producers(engine, &[], &[], &[], Notes::default(), &[]),
            [Producer::FlutterEngine]
        );
    }

    #[test]
    fn position_tells_pie_from_library() {
        let library = Linking {
            soname: Some("libx.so".into()),
            ..Linking::default()
        };
        assert_eq!(
            position(ObjectType::Dynamic, &library),
            Position::SharedObject
        );
        let runnable_library = Linking {
            interpreter: Some("/system/bin/linker64".into()),
            ..library.clone()
        };
        assert_eq!(
            position(ObjectType::Dynamic, &runnable_library),
            Position::SharedObject
        );
        let old_pie = Linking {
            interpreter: Some("/system/bin/linker64".into()),
            ..Linking::default()
        };
        assert_eq!(
            position(ObjectType::Dynamic, &old_pie),
            Position::PieExecutable
        );
        let flagged = Linking {
            flags_1: goblin::elf::dynamic::DF_1_PIE,
            ..library
        };
        assert_eq!(
            position(ObjectType::Dynamic, &flagged),
            Position::PieExecutable
        );
        assert_eq!(
            position(ObjectType::Executable, &Linking::default()),
            Position::FixedExecutable
        );
        assert_eq!(
            position(ObjectType::Relocatable, &Linking::default()),
            Position::Relocatable
        );
        assert_eq!(
            position(ObjectType::Other(0xfe00), &Linking::default()),
            Position::Unknown
        );
    }
}
