//! Dynamic imports and exports, and the static symbol table.

use goblin::elf::section_header::{SHN_UNDEF, SHT_SYMTAB};
use goblin::elf::sym::{
    STB_GLOBAL, STB_GNU_UNIQUE, STB_WEAK, STT_FILE, STT_FUNC, STT_SECTION, STV_DEFAULT,
    STV_PROTECTED, Sym, Symtab,
};

use crate::anomaly::{AnomalyKind, AnomalySink};
use crate::bytes::{TableString, table_string};
use crate::dynamic::SymbolTableLocation;
use crate::facts::{DynamicSymbol, Fortify, StackProtector, SymbolKind, SymbolTableInfo, Symbols};
use crate::image::Image;
use crate::limits::NameBudget;

/// libc functions that FORTIFY_SOURCE replaces with a checked `__*_chk`
/// variant when the destination size is known. Only functions that write
/// through a caller-supplied buffer are listed: importing `strlen` alone says
/// nothing about how the library was built.
pub const FORTIFIABLE_FUNCTIONS: &[&str] = &[
    "memcpy",
    "memmove",
    "mempcpy",
    "memset",
    "strcpy",
    "stpcpy",
    "strncpy",
    "stpncpy",
    "strcat",
    "strncat",
    "strlcpy",
    "strlcat",
    "sprintf",
    "snprintf",
    "vsprintf",
    "vsnprintf",
    "gets",
    "fgets",
    "fread",
    "read",
    "pread",
    "pread64",
    "readlink",
    "readlinkat",
    "getcwd",
    "realpath",
    "recv",
    "recvfrom",
    "wcscpy",
    "wcsncpy",
    "wcscat",
    "wcsncat",
    "wmemcpy",
    "wmemmove",
    "wmemset",
];

/// Checked variants that do not follow the `__*_chk` naming (bionic's and glibc's
/// `open` family, which checks the flags/mode pairing).
const FORTIFIED_WITHOUT_CHK_SUFFIX: &[&str] =
    &["__open_2", "__open64_2", "__openat_2", "__openat64_2"];

/// Symbols that show stack-protector instrumentation: bionic and glibc on
/// most targets call `__stack_chk_fail`; 32-bit ARM also reads the global `__stack_chk_guard`.
const STACK_PROTECTOR_SYMBOLS: &[&str] = &["__stack_chk_fail", "__stack_chk_guard"];

pub(crate) fn dynamic_symbols(
    image: &Image<'_>,
    location: Option<SymbolTableLocation>,
    strings: &[u8],
    sink: &mut AnomalySink,
    names: &mut NameBudget,
) -> Symbols {
    let mut symbols = Symbols::default();
    let Some(location) = location else {
        return symbols;
    };
    let Ok(offset) = usize::try_from(location.offset) else {
        return symbols;
    };
    let table = match Symtab::parse(image.bytes, offset, location.count, image.ctx) {
        Ok(table) => table,
        Err(error) => {
            sink.at(
                AnomalyKind::BadSymbolTable,
                location.offset,
                format!("dynamic symbol table unreadable: {error}"),
            );
            return symbols;
        }
    };
    symbols.dynamic_symbol_count = table.len();
    let mut bad_names = 0usize;
    for symbol in table.iter().skip(1) {
        let binding = symbol.st_bind();
        if !matches!(binding, STB_GLOBAL | STB_WEAK | STB_GNU_UNIQUE) {
            continue;
        }
        let undefined = symbol.st_shndx == SHN_UNDEF as usize;
        let st_type = symbol.st_type();
        let exported = !undefined
            && matches!(symbol.st_visibility(), STV_DEFAULT | STV_PROTECTED)
            && !matches!(st_type, STT_SECTION | STT_FILE);
        if !undefined && !exported {
            continue;
        }
        let raw = match table_string(strings, symbol.st_name as u64, names.max_len()) {
            TableString::Terminated(raw) | TableString::Unterminated(raw) => raw,
            TableString::OutOfBounds => {
                bad_names += 1;
                continue;
            }
        };
        if raw.is_empty() {
            continue;
        }
        if names.exhausted {
            symbols.truncated = true;
            break;
        }
        let name = names.take_name(raw, sink);
        if names.exhausted {
            symbols.truncated = true;
            break;
        }
        let entry = DynamicSymbol {
            name,
            kind: SymbolKind::from_type(st_type),
            weak: binding == STB_WEAK,
        };
        if undefined {
            symbols.imported.push(entry);
        } else {
            symbols.exported.push(entry);
        }
    }
    if bad_names > 0 {
        sink.at(
            AnomalyKind::BadStringTable,
            location.offset,
            format!(
                "{bad_names} dynamic symbols have a name index outside the {}-byte string table",
                strings.len()
            ),
        );
    }
    symbols.symtab = static_symbol_table(image, sink);
    symbols
}

/// Size of `.symtab` and how many functions it defines; names are not kept.
fn static_symbol_table(image: &Image<'_>, sink: &mut AnomalySink) -> Option<SymbolTableInfo> {
    let entry_size = Sym::size(image.ctx.container) as u64;
    let section = image
        .section_headers
        .iter()
        .rfind(|s| s.sh_type == SHT_SYMTAB)?;
    if section.sh_entsize != entry_size {
        sink.at(
            AnomalyKind::BadSymbolTable,
            section.sh_offset,
            format!(
                "the .symtab entry size is {} where a symbol has {entry_size} bytes",
                section.sh_entsize
            ),
        );
    }
    let entries = section.sh_size / entry_size;
    let in_file = (image.bytes.len() as u64).saturating_sub(section.sh_offset) / entry_size;
    let readable = usize::try_from(entries.min(in_file)).unwrap_or(0);
    let defined_functions = usize::try_from(section.sh_offset)
        .ok()
        .filter(|_| readable > 0)
        .and_then(|offset| Symtab::parse(image.bytes, offset, readable, image.ctx).ok())
        .map_or(0, |table| {
            table
                .iter()
                .filter(|s| s.st_type() == STT_FUNC && s.st_shndx != SHN_UNDEF as usize)
                .count()
        });
    Some(SymbolTableInfo {
        entries,
        size_bytes: section.sh_size,
        defined_functions,
    })
}

pub(crate) fn stack_protector(symbols: &Symbols) -> StackProtector {
    StackProtector {
        imported: symbols
            .imported
            .iter()
            .filter(|s| STACK_PROTECTOR_SYMBOLS.contains(&s.name.as_str()))
            .map(|s| s.name.clone())
            .collect(),
        defined: symbols.exports("__stack_chk_fail"),
    }
}

pub(crate) fn fortify(symbols: &Symbols) -> Fortify {
    let mut fortify = Fortify::default();
    for symbol in &symbols.imported {
        let name = symbol.name.as_str();
        if is_fortified(name) {
            fortify.fortified.push(symbol.name.clone());
        } else if FORTIFIABLE_FUNCTIONS.contains(&name) {
            fortify.unfortified.push(symbol.name.clone());
        }
    }
    fortify
}

fn is_fortified(name: &str) -> bool {
    (name.starts_with("__") && name.ends_with("_chk") && name.len() > "___chk".len())
        || FORTIFIED_WITHOUT_CHK_SUFFIX.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(name: &str) -> DynamicSymbol {
        DynamicSymbol {
            name: name.into(),
            kind: SymbolKind::Function,
            weak: false,
        }
    }

    #[test]
    fn fortify_splits_checked_and_unchecked() {
        let symbols = Symbols {
            imported: [
                "memcpy",
                "__memcpy_chk",
                "strlen",
                "__open_2",
                "__chk",
                "__stack_chk_fail",
                "sprintf",
            ]
            .into_iter()
            .map(import)
            .collect(),
            ..Symbols::default()
        };
        let fortify = fortify(&symbols);
        assert_eq!(fortify.fortified, ["__memcpy_chk", "__open_2"]);
        assert_eq!(fortify.unfortified, ["memcpy", "sprintf"]);
        assert!(!fortify.lacks_fortify());
    }

    #[test]
    fn stack_protector_from_imports_or_definition() {
        let mut symbols = Symbols {
            imported: vec![import("__stack_chk_guard"), import("puts")],
            ..Symbols::default()
        };
        let found = stack_protector(&symbols);
        assert_eq!(found.imported, ["__stack_chk_guard"]);
        assert!(found.present());
        symbols.imported.clear();
        assert!(!stack_protector(&symbols).present());
        symbols.exported.push(import("__stack_chk_fail"));
        assert!(stack_protector(&symbols).defined);
    }
}
