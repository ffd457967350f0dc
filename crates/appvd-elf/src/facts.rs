//! The plain-data facts returned by [`ElfFacts::parse`](crate::ElfFacts::parse).

use serde::{Deserialize, Serialize};

/// Everything appvd knows about one ELF file. See the crate documentation for
/// how the parts fit together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElfFacts {
    /// Length of the input in bytes.
    pub file_size: u64,
    /// 32- or 64-bit.
    pub class: ElfClass,
    /// Byte order.
    pub endianness: Endianness,
    /// Raw `e_machine`.
    pub machine: u16,
    /// goblin's name for `e_machine` (`"AARCH64"`, `"ARM"`, ...).
    pub machine_name: String,
    /// The Android ABI directory this machine and class belong in.
    pub abi: AndroidAbi,
    /// `e_type`.
    pub object_type: ObjectType,
    /// `e_entry` (0 for most shared libraries).
    pub entry: u64,
    /// Dynamic-linking facts from PT_INTERP and the dynamic section.
    pub linking: Linking,
    /// Exploit-mitigation facts, one per native rule.
    pub hardening: Hardening,
    /// PT_LOAD segments and their alignment (16 KB page-size readiness).
    pub load: LoadSegments,
    /// How much code the file carries (decides whether canary rules apply).
    pub code: CodeFacts,
    /// Dynamic imports and exports, and the static symbol table's presence.
    pub symbols: Symbols,
    /// JNI entry points exported to Java.
    pub jni: Jni,
    /// Build-id, Android NDK ident and other notes.
    pub notes: Notes,
    /// The section header view.
    pub sections: Sections,
    /// Languages and runtimes the file was recognisably produced by.
    pub producers: Vec<Producer>,
    /// Printable strings from read-only data, for secret and version scanning.
    pub strings: ExtractedStrings,
}

/// `EI_CLASS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElfClass {
    /// ELFCLASS32.
    Elf32,
    /// ELFCLASS64.
    Elf64,
}

impl ElfClass {
    /// 32 or 64.
    pub fn bits(self) -> u8 {
        match self {
            ElfClass::Elf32 => 32,
            ElfClass::Elf64 => 64,
        }
    }
}

/// `EI_DATA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endianness {
    /// ELFDATA2LSB.
    Little,
    /// ELFDATA2MSB.
    Big,
}

/// The `lib/<abi>/` directory a library belongs in, from `e_machine` and the class.
///
/// ARM 32-bit maps to `armeabi-v7a`; the long-removed `armeabi` (ARMv5) uses
/// the same machine and is not told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AndroidAbi {
    /// AArch64, ELF64.
    #[serde(rename = "arm64-v8a")]
    Arm64V8a,
    /// ARM, ELF32.
    #[serde(rename = "armeabi-v7a")]
    ArmeabiV7a,
    /// i386, ELF32.
    #[serde(rename = "x86")]
    X86,
    /// x86-64, ELF64.
    #[serde(rename = "x86_64")]
    X86_64,
    /// RISC-V, ELF64.
    #[serde(rename = "riscv64")]
    Riscv64,
    /// Anything else (MIPS, ILP32 AArch64, ...): not loadable by current Android.
    #[serde(rename = "other")]
    Other,
}

impl AndroidAbi {
    /// Maps `e_machine` and the class to an ABI.
    pub fn from_machine(machine: u16, class: ElfClass) -> Self {
        use goblin::elf::header::{EM_386, EM_AARCH64, EM_ARM, EM_RISCV, EM_X86_64};
        match (machine, class) {
            (EM_AARCH64, ElfClass::Elf64) => AndroidAbi::Arm64V8a,
            (EM_ARM, ElfClass::Elf32) => AndroidAbi::ArmeabiV7a,
            (EM_386, ElfClass::Elf32) => AndroidAbi::X86,
            (EM_X86_64, ElfClass::Elf64) => AndroidAbi::X86_64,
            (EM_RISCV, ElfClass::Elf64) => AndroidAbi::Riscv64,
            _ => AndroidAbi::Other,
        }
    }

    /// The directory name (`"arm64-v8a"`, ..., `"other"`).
    pub fn name(self) -> &'static str {
        match self {
            AndroidAbi::Arm64V8a => "arm64-v8a",
            AndroidAbi::ArmeabiV7a => "armeabi-v7a",
            AndroidAbi::X86 => "x86",
            AndroidAbi::X86_64 => "x86_64",
            AndroidAbi::Riscv64 => "riscv64",
            AndroidAbi::Other => "other",
        }
    }
}

/// `e_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObjectType {
    /// ET_REL: an object file, never loaded as is.
    #[serde(rename = "ET_REL")]
    Relocatable,
    /// ET_EXEC: linked at a fixed address.
    #[serde(rename = "ET_EXEC")]
    Executable,
    /// ET_DYN: a shared object or a PIE executable (see [`Position`]).
    #[serde(rename = "ET_DYN")]
    Dynamic,
    /// ET_CORE.
    #[serde(rename = "ET_CORE")]
    Core,
    /// Any other value.
    #[serde(rename = "other")]
    Other(u16),
}

impl ObjectType {
    pub(crate) fn from_raw(e_type: u16) -> Self {
        use goblin::elf::header::{ET_CORE, ET_DYN, ET_EXEC, ET_REL};
        match e_type {
            ET_REL => ObjectType::Relocatable,
            ET_EXEC => ObjectType::Executable,
            ET_DYN => ObjectType::Dynamic,
            ET_CORE => ObjectType::Core,
            other => ObjectType::Other(other),
        }
    }
}

/// Facts from PT_INTERP and the dynamic section (the dynamic linker's view).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linking {
    /// Whether a PT_DYNAMIC segment was found and read.
    pub has_dynamic_section: bool,
    /// PT_INTERP path, e.g. `/system/bin/linker64`.
    pub interpreter: Option<String>,
    /// DT_SONAME.
    pub soname: Option<String>,
    /// DT_NEEDED entries in order.
    pub needed: Vec<String>,
    /// DT_RPATH entries (each may hold several `:`-separated paths).
    pub rpath: Vec<String>,
    /// DT_RUNPATH entries.
    pub runpath: Vec<String>,
    /// DT_FLAGS (0 when absent).
    pub flags: u64,
    /// DT_FLAGS_1 (0 when absent).
    pub flags_1: u64,
}

impl Linking {
    /// Whether any DT_RPATH or DT_RUNPATH is present (rule `code.native_rpath`).
    pub fn has_search_path(&self) -> bool {
        !self.rpath.is_empty() || !self.runpath.is_empty()
    }
}

/// Exploit-mitigation facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hardening {
    /// Shared object, PIE or fixed-address executable.
    pub position: Position,
    /// Text relocations (code that the loader must patch).
    pub text_relocations: TextRelocations,
    /// PT_GNU_STACK (NX).
    pub stack: StackExecutability,
    /// PT_GNU_RELRO and immediate binding.
    pub relro: Relro,
    /// Where immediate binding was requested.
    pub bind_now: BindNow,
    /// Stack-protector symbols.
    pub stack_protector: StackProtector,
    /// FORTIFY_SOURCE imports.
    pub fortify: Fortify,
    /// Branch-protection properties from `.note.gnu.property`.
    pub control_flow: ControlFlowProtection,
}

impl Hardening {
    /// Whether the loaded code is position independent: an ET_DYN file
    /// (shared object or PIE) whose code needs no text relocations. Rule
    /// `code.native_text_relocations` fires when this is false.
    pub fn is_position_independent(&self) -> bool {
        matches!(
            self.position,
            Position::SharedObject | Position::PieExecutable
        ) && !self.text_relocations.present()
    }
}

/// How the file is meant to be loaded.
///
/// `ET_DYN` is both a shared object and a PIE executable. It is a PIE
/// executable when DT_FLAGS_1 has DF_1_PIE (set by every linker since 2019),
/// or, for older linkers, when it has a PT_INTERP and no DT_SONAME. A library
/// with a PT_INTERP *and* a DT_SONAME (glibc's `libc.so.6` is runnable) stays a
/// shared object. An ELF executable renamed to `libfoo.so` so that the
/// installer extracts it shows up here as `PieExecutable` or `FixedExecutable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// ET_DYN library.
    SharedObject,
    /// ET_DYN executable.
    PieExecutable,
    /// ET_EXEC: loaded at a fixed address, not position independent.
    FixedExecutable,
    /// ET_REL object file.
    Relocatable,
    /// ET_CORE or an unknown `e_type`.
    Unknown,
}

/// DT_TEXTREL and DF_TEXTREL (rule `code.native_text_relocations`). Android
/// refuses text relocations for apps targeting API 23 or later.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TextRelocations {
    /// A DT_TEXTREL entry is present.
    pub dt_textrel: bool,
    /// DT_FLAGS has DF_TEXTREL.
    pub df_textrel: bool,
}

impl TextRelocations {
    /// Either marker is present.
    pub fn present(self) -> bool {
        self.dt_textrel || self.df_textrel
    }
}

/// PT_GNU_STACK (rule `code.native_nx_disabled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StackExecutability {
    /// PT_GNU_STACK present without PF_X: NX stack.
    NonExecutable,
    /// PT_GNU_STACK present with PF_X.
    Executable,
    /// No PT_GNU_STACK: older Android linkers and kernels then make the stack executable.
    Absent,
}

impl StackExecutability {
    /// Whether the stack is known not to be executable.
    pub fn is_nx(self) -> bool {
        self == StackExecutability::NonExecutable
    }
}

/// RELRO level, as checksec computes it (rule `code.native_relro`).
///
/// Bionic never binds lazily, so on Android `Partial` behaves like `Full` at
/// run time; the level still tells how the library was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relro {
    /// No PT_GNU_RELRO.
    None,
    /// PT_GNU_RELRO without immediate binding.
    Partial,
    /// PT_GNU_RELRO and immediate binding ([`BindNow::any`]).
    Full,
}

/// The three ways to ask for immediate binding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BindNow {
    /// A DT_BIND_NOW entry.
    pub dt_bind_now: bool,
    /// DF_BIND_NOW in DT_FLAGS.
    pub df_bind_now: bool,
    /// DF_1_NOW in DT_FLAGS_1.
    pub df_1_now: bool,
}

impl BindNow {
    /// Any of the three.
    pub fn any(self) -> bool {
        self.dt_bind_now || self.df_bind_now || self.df_1_now
    }
}

/// Stack-protector evidence (rule `code.native_no_stack_canary`). Whether the
/// rule applies at all is [`ElfFacts::stack_protector_applies`](crate::ElfFacts::stack_protector_applies).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackProtector {
    /// Imported `__stack_chk_fail` / `__stack_chk_guard` (in table order).
    pub imported: Vec<String>,
    /// The library defines `__stack_chk_fail` itself (a libc, or a static runtime).
    pub defined: bool,
}

impl StackProtector {
    /// Whether any canary symbol is used.
    pub fn present(&self) -> bool {
        self.defined || !self.imported.is_empty()
    }
}

/// FORTIFY_SOURCE evidence (rule `code.native_no_fortify`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fortify {
    /// Imported checked variants: `__memcpy_chk`, `__open_2`, ...
    pub fortified: Vec<String>,
    /// Imported libc functions that have a checked variant: `memcpy`, `strcpy`, ...
    pub unfortified: Vec<String>,
}

impl Fortify {
    /// Unsafe functions are imported and no checked variant is: the library
    /// was most likely built without `-D_FORTIFY_SOURCE`. (A fortified build
    /// still imports plain `memcpy` where the compiler proved the size safe.)
    pub fn lacks_fortify(&self) -> bool {
        self.fortified.is_empty() && !self.unfortified.is_empty()
    }
}

/// Control-flow integrity properties from NT_GNU_PROPERTY_TYPE_0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ControlFlowProtection {
    /// AArch64 branch target identification (`-mbranch-protection=bti`).
    pub aarch64_bti: bool,
    /// AArch64 pointer authentication of return addresses.
    pub aarch64_pac: bool,
    /// x86 indirect branch tracking (`-fcf-protection=branch`).
    pub x86_ibt: bool,
    /// x86 shadow stack (`-fcf-protection=return`).
    pub x86_shstk: bool,
}

/// PT_LOAD segments and their alignment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadSegments {
    /// Every PT_LOAD, in program header order.
    pub segments: Vec<LoadSegment>,
    /// Smallest `p_align` of a PT_LOAD.
    pub min_align: Option<u64>,
    /// Largest `p_align` of a PT_LOAD.
    pub max_align: Option<u64>,
    /// There is at least one PT_LOAD and every one has `p_align` a multiple of
    /// 16 KB: loadable on Android 15+ devices with 16 KB pages.
    pub all_16k_aligned: bool,
    /// Every PT_LOAD has `p_offset ≡ p_vaddr (mod p_align)`, as mmap needs.
    pub offsets_congruent: bool,
}

impl LoadSegments {
    /// 16 KB alignment and congruent offsets: what Android 15's 16 KB page
    /// size check requires of a native library.
    pub fn supports_16k_pages(&self) -> bool {
        self.all_16k_aligned && self.offsets_congruent
    }
}

/// One PT_LOAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LoadSegment {
    /// `p_offset`.
    pub offset: u64,
    /// `p_vaddr`.
    pub vaddr: u64,
    /// `p_filesz`.
    pub file_size: u64,
    /// `p_memsz`.
    pub memory_size: u64,
    /// `p_align`.
    pub align: u64,
    /// PF_R.
    pub readable: bool,
    /// PF_W.
    pub writable: bool,
    /// PF_X.
    pub executable: bool,
}

/// How much code the file has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodeFacts {
    /// Sum of `p_filesz` of executable PT_LOAD segments.
    pub executable_segment_bytes: u64,
    /// Sum of the sizes of SHF_EXECINSTR sections (0 without section headers).
    pub executable_section_bytes: u64,
    /// Defined, exported STT_FUNC / STT_GNU_IFUNC dynamic symbols.
    pub exported_functions: usize,
    /// Defined STT_FUNC symbols in `.symtab`, when the file is not stripped.
    pub symtab_functions: Option<usize>,
}

/// Dynamic imports and exports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbols {
    /// Entries in the dynamic symbol table (including the null entry).
    pub dynamic_symbol_count: usize,
    /// Defined, global or weak, default or protected visibility.
    pub exported: Vec<DynamicSymbol>,
    /// Undefined, global or weak.
    pub imported: Vec<DynamicSymbol>,
    /// The full `.symtab`, when the file is not stripped.
    pub symtab: Option<SymbolTableInfo>,
    /// The name budget ran out: the lists above are incomplete.
    pub truncated: bool,
}

impl Symbols {
    /// Whether `name` is imported.
    pub fn imports(&self, name: &str) -> bool {
        self.imported.iter().any(|symbol| symbol.name == name)
    }

    /// Whether `name` is exported.
    pub fn exports(&self, name: &str) -> bool {
        self.exported.iter().any(|symbol| symbol.name == name)
    }
}

/// One dynamic symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DynamicSymbol {
    /// Name from the dynamic string table (lossily decoded if not UTF-8).
    pub name: String,
    /// `STT_*`.
    pub kind: SymbolKind,
    /// STB_WEAK.
    pub weak: bool,
}

/// `STT_*` of a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    /// STT_NOTYPE.
    NoType,
    /// STT_OBJECT.
    Object,
    /// STT_FUNC.
    Function,
    /// STT_GNU_IFUNC.
    IndirectFunction,
    /// STT_TLS.
    Tls,
    /// STT_COMMON.
    Common,
    /// Anything else.
    Other,
}

impl SymbolKind {
    pub(crate) fn from_type(st_type: u8) -> Self {
        use goblin::elf::sym::{
            STT_COMMON, STT_FUNC, STT_GNU_IFUNC, STT_NOTYPE, STT_OBJECT, STT_TLS,
        };
        match st_type {
            STT_NOTYPE => SymbolKind::NoType,
            STT_OBJECT => SymbolKind::Object,
            STT_FUNC => SymbolKind::Function,
            STT_GNU_IFUNC => SymbolKind::IndirectFunction,
            STT_TLS => SymbolKind::Tls,
            STT_COMMON => SymbolKind::Common,
            _ => SymbolKind::Other,
        }
    }

    /// A function or indirect function.
    pub fn is_function(self) -> bool {
        matches!(self, SymbolKind::Function | SymbolKind::IndirectFunction)
    }
}

/// The static symbol table (`.symtab`): present means not stripped (rule
/// `resilience.native_symbols`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SymbolTableInfo {
    /// Number of entries.
    pub entries: u64,
    /// `sh_size` in bytes.
    pub size_bytes: u64,
    /// Defined STT_FUNC entries, local ones included.
    pub defined_functions: usize,
}

/// JNI entry points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jni {
    /// `JNI_OnLoad` is exported.
    pub on_load: bool,
    /// `JNI_OnUnload` is exported.
    pub on_unload: bool,
    /// Exported `Java_…` functions, decoded.
    pub methods: Vec<JniMethod>,
}

/// A statically registered native method, decoded from its `Java_…` symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct JniMethod {
    /// The exported symbol.
    pub symbol: String,
    /// Binary class name with dots: `com.example.Foo$Bar`.
    pub class_name: String,
    /// Method name.
    pub method_name: String,
    /// Argument descriptor of an overloaded method, like `(Ljava/lang/String;I)`.
    pub arguments: Option<String>,
}

/// Facts from notes (PT_NOTE, or SHT_NOTE sections when there is no PT_NOTE).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notes {
    /// NT_GNU_BUILD_ID in lower-case hex.
    pub build_id: Option<String>,
    /// `.note.android.ident`, added by the NDK's crtbegin.
    pub android: Option<AndroidIdent>,
    /// Go's build id note (`.note.go.buildid`).
    pub go_build_id: Option<String>,
}

/// The NDK ident note: target API level and NDK release.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AndroidIdent {
    /// `__ANDROID_API__` the library was built for (its minSdkVersion).
    pub api_level: u32,
    /// NDK version such as `r26b` (NDK r14 and later).
    pub ndk_version: Option<String>,
    /// NDK build number.
    pub ndk_build_number: Option<String>,
}

/// The section header view. Sections are optional for loading, so every
/// hardening fact is taken from program headers and the dynamic section;
/// sections add names, the static symbol table and string regions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sections {
    /// Whether a section header table was found.
    pub present: bool,
    /// Every section header, in order.
    pub list: Vec<Section>,
    /// `.debug_*` / `.zdebug_*` sections present.
    pub debug_info: bool,
    /// `.gnu_debugdata` (MiniDebugInfo: a compressed symbol table) present.
    pub mini_debug_info: bool,
    /// Strings from `.comment` (compiler and linker identification).
    pub comments: Vec<String>,
}

impl Sections {
    /// The first section with this name.
    pub fn get(&self, name: &str) -> Option<&Section> {
        self.list.iter().find(|section| section.name == name)
    }

    /// Section names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|section| section.name.as_str())
    }
}

/// One section header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Section {
    /// Name from the section name string table (empty when unknown).
    pub name: String,
    /// `sh_type`.
    pub kind: u32,
    /// `sh_flags`.
    pub flags: u64,
    /// `sh_addr`.
    pub address: u64,
    /// `sh_offset`.
    pub offset: u64,
    /// `sh_size`.
    pub size: u64,
}

/// A language or runtime recognised from sections, symbols, notes or strings.
/// The stack-protector rule does not apply to their code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Producer {
    /// Go (`.go.buildinfo`, `.gopclntab`, Go build-id note, `runtime.` symbols).
    Go,
    /// Rust (`rust_begin_unwind`, `__rust_*` symbols, `/rustc/` paths in strings).
    Rust,
    /// Dart ahead-of-time snapshot: Flutter's `libapp.so`.
    DartAot,
    /// The Flutter engine (`libflutter.so`).
    FlutterEngine,
}

/// Printable strings from read-only data, like `strings -n 6`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedStrings {
    /// The regions that were scanned: `.rodata`, `.data.rel.ro`, or, without
    /// section headers, read-only PT_LOAD segments named `PT_LOAD[n]`.
    pub regions: Vec<StringRegion>,
    /// The strings in file order per region.
    pub strings: Vec<FoundString>,
    /// Sum of the lengths of `strings`.
    pub total_bytes: usize,
    /// Set when a cap of [`Limits`](crate::Limits) stopped the scan: later strings are missing.
    pub cap_hit: Option<StringCap>,
}

impl ExtractedStrings {
    /// The region a string was found in.
    pub fn region_of(&self, string: &FoundString) -> Option<&StringRegion> {
        self.regions.get(string.region)
    }
}

/// A scanned region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StringRegion {
    /// Section name, or `PT_LOAD[n]`.
    pub name: String,
    /// File offset of the region's first byte.
    pub file_offset: u64,
    /// Bytes scanned.
    pub size: u64,
}

/// One printable run.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FoundString {
    /// Index into [`ExtractedStrings::regions`].
    pub region: usize,
    /// Offset of the first byte inside the region.
    pub offset: u64,
    /// Offset of the first byte in the file.
    pub file_offset: u64,
    /// The text: printable ASCII and tab only.
    pub text: String,
}

/// Which cap stopped string extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StringCap {
    /// [`Limits::max_strings`](crate::Limits::max_strings).
    Count,
    /// [`Limits::max_string_bytes`](crate::Limits::max_string_bytes).
    Bytes,
}
