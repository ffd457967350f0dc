//! The dynamic section as the dynamic linker sees it: PT_DYNAMIC, its tags,
//! and the string and symbol tables its addresses point to.

use goblin::elf::dynamic::{
    DF_1_NOW, DF_BIND_NOW, DF_TEXTREL, DT_BIND_NOW, DT_FLAGS, DT_FLAGS_1, DT_GNU_HASH, DT_HASH,
    DT_NEEDED, DT_NULL, DT_RPATH, DT_RUNPATH, DT_SONAME, DT_STRSZ, DT_STRTAB, DT_SYMENT, DT_SYMTAB,
    DT_TEXTREL,
};
use goblin::elf::program_header::{PT_DYNAMIC, PT_INTERP};
use goblin::elf::section_header::{SHT_DYNAMIC, SHT_DYNSYM};
use goblin::elf::sym::Sym;

use crate::anomaly::{AnomalyKind, AnomalySink};
use crate::bytes::{TableString, clamped_range, table_string};
use crate::facts::{BindNow, Linking, TextRelocations};
use crate::image::Image;
use crate::limits::NameBudget;

/// The tags of the dynamic array that the facts need.
#[derive(Debug, Default)]
pub(crate) struct DynamicTags {
    pub(crate) present: bool,
    needed: Vec<u64>,
    soname: Option<u64>,
    rpath: Vec<u64>,
    runpath: Vec<u64>,
    strtab: Option<u64>,
    strsz: Option<u64>,
    symtab: Option<u64>,
    syment: Option<u64>,
    hash: Option<u64>,
    gnu_hash: Option<u64>,
    pub(crate) flags: u64,
    pub(crate) flags_1: u64,
    textrel: bool,
    bind_now: bool,
}

impl DynamicTags {
    pub(crate) fn text_relocations(&self) -> TextRelocations {
        TextRelocations {
            dt_textrel: self.textrel,
            df_textrel: self.flags & DF_TEXTREL != 0,
        }
    }

    pub(crate) fn bind_now(&self) -> BindNow {
        BindNow {
            dt_bind_now: self.bind_now,
            df_bind_now: self.flags & DF_BIND_NOW != 0,
            df_1_now: self.flags_1 & DF_1_NOW != 0,
        }
    }
}

pub(crate) fn read_tags(image: &Image<'_>, sink: &mut AnomalySink) -> DynamicTags {
    let mut tags = DynamicTags::default();
    let dynamic_section = image
        .section_headers
        .iter()
        .find(|s| s.sh_type == SHT_DYNAMIC);
    let mut segments = image.segments(PT_DYNAMIC);
    let Some(segment) = segments.next() else {
        if let Some(section) = dynamic_section {
            sink.at(
                AnomalyKind::SectionSegmentMismatch,
                section.sh_offset,
                "a SHT_DYNAMIC section exists but no PT_DYNAMIC segment: the loader sees no dynamic section",
            );
        }
        return tags;
    };
    if segments.next().is_some() {
        sink.note(
            AnomalyKind::DuplicateSegment,
            "more than one PT_DYNAMIC: the first one is used, as the loader does",
        );
    }
    if let Some(section) = dynamic_section
        && section.sh_offset != segment.p_offset
    {
        sink.at(
            AnomalyKind::SectionSegmentMismatch,
            section.sh_offset,
            format!(
                "the .dynamic section is at {:#x} but PT_DYNAMIC is at {:#x}",
                section.sh_offset, segment.p_offset
            ),
        );
    }
    let (table, cut) = clamped_range(image.bytes, segment.p_offset, segment.p_filesz);
    if cut {
        sink.at(
            AnomalyKind::SegmentOutOfBounds,
            segment.p_offset,
            format!(
                "PT_DYNAMIC ({} bytes) runs past the end of the file",
                segment.p_filesz
            ),
        );
    }
    tags.present = true;
    let is_64 = image.is_64();
    let entry_size = if is_64 { 16 } else { 8 };
    let word = entry_size / 2;
    let mut terminated = false;
    for entry in table.chunks_exact(entry_size) {
        let (Some(tag), Some(value)) = (
            image.order.word_at(entry, 0, is_64),
            image.order.word_at(entry, word, is_64),
        ) else {
            break;
        };
        match tag {
            DT_NULL => {
                terminated = true;
                break;
            }
            DT_NEEDED => tags.needed.push(value),
            DT_SONAME => tags.soname = Some(value),
            DT_RPATH => tags.rpath.push(value),
            DT_RUNPATH => tags.runpath.push(value),
            DT_STRTAB => tags.strtab = Some(value),
            DT_STRSZ => tags.strsz = Some(value),
            DT_SYMTAB => tags.symtab = Some(value),
            DT_SYMENT => tags.syment = Some(value),
            DT_HASH => tags.hash = Some(value),
            DT_GNU_HASH => tags.gnu_hash = Some(value),
            DT_FLAGS => tags.flags = value,
            DT_FLAGS_1 => tags.flags_1 = value,
            DT_TEXTREL => tags.textrel = true,
            DT_BIND_NOW => tags.bind_now = true,
            _ => {}
        }
    }
    if !terminated {
        sink.at(
            AnomalyKind::BadDynamicSection,
            segment.p_offset,
            "the dynamic array has no DT_NULL terminator",
        );
    }
    tags
}

/// The dynamic string table: from DT_STRTAB/DT_STRSZ, or from the section
/// view when the dynamic one is unusable.
pub(crate) fn string_table<'a>(
    image: &Image<'a>,
    tags: &DynamicTags,
    sink: &mut AnomalySink,
) -> &'a [u8] {
    if let Some(address) = tags.strtab {
        match image.bytes_at_address(address, tags.strsz) {
            Some((offset, table, cut)) => {
                if tags.strsz.is_none() {
                    sink.at(
                        AnomalyKind::BadStringTable,
                        offset,
                        "DT_STRTAB without DT_STRSZ",
                    );
                } else if cut {
                    sink.at(
                        AnomalyKind::BadStringTable,
                        offset,
                        format!(
                            "DT_STRSZ {} runs past the segment or file that holds DT_STRTAB",
                            tags.strsz.unwrap_or_default()
                        ),
                    );
                }
                if let Some((_, section)) = image.section_named(".dynstr")
                    && section.sh_offset != offset
                {
                    sink.at(
                        AnomalyKind::SectionSegmentMismatch,
                        section.sh_offset,
                        format!(
                            "the .dynstr section is at {:#x} but DT_STRTAB maps to {offset:#x}",
                            section.sh_offset
                        ),
                    );
                }
                return table;
            }
            None => sink.note(
                AnomalyKind::UnmappedAddress,
                format!("DT_STRTAB {address:#x} is not backed by file bytes of any PT_LOAD"),
            ),
        }
    } else if tags.present {
        sink.note(
            AnomalyKind::BadDynamicSection,
            "the dynamic section has no DT_STRTAB",
        );
    }
    // The section view: the string table linked from .dynsym.
    let linked = image
        .sections()
        .find(|(_, s, _)| s.sh_type == SHT_DYNSYM)
        .and_then(|(_, s, _)| usize::try_from(s.sh_link).ok());
    match linked {
        Some(index) => image.section_bytes(index).0,
        None => &[],
    }
}

/// Resolves the string-valued tags.
pub(crate) fn linking(
    image: &Image<'_>,
    tags: &DynamicTags,
    strings: &[u8],
    sink: &mut AnomalySink,
    names: &mut NameBudget,
) -> Linking {
    let mut lookup = |index: u64, what: &str| -> Option<String> {
        match table_string(strings, index, names.max_len()) {
            TableString::Terminated(raw) => Some(names.take_name(raw, sink)),
            TableString::Unterminated(raw) => {
                sink.note(
                    AnomalyKind::BadStringTable,
                    format!("the {what} string is not NUL-terminated"),
                );
                Some(names.take_name(raw, sink))
            }
            TableString::OutOfBounds => {
                sink.note(
                    AnomalyKind::BadStringTable,
                    format!(
                        "the {what} string index {index} is outside the {}-byte string table",
                        strings.len()
                    ),
                );
                None
            }
        }
    };
    let soname = tags.soname.and_then(|index| lookup(index, "DT_SONAME"));
    let needed = tags
        .needed
        .iter()
        .filter_map(|&index| lookup(index, "DT_NEEDED"))
        .collect();
    let rpath = tags
        .rpath
        .iter()
        .filter_map(|&index| lookup(index, "DT_RPATH"))
        .collect();
    let runpath = tags
        .runpath
        .iter()
        .filter_map(|&index| lookup(index, "DT_RUNPATH"))
        .collect();
    Linking {
        has_dynamic_section: tags.present,
        interpreter: interpreter(image, sink, names),
        soname,
        needed,
        rpath,
        runpath,
        flags: tags.flags,
        flags_1: tags.flags_1,
    }
}

fn interpreter(
    image: &Image<'_>,
    sink: &mut AnomalySink,
    names: &mut NameBudget,
) -> Option<String> {
    let mut segments = image.segments(PT_INTERP);
    let segment = segments.next()?;
    if segments.next().is_some() {
        sink.note(AnomalyKind::DuplicateSegment, "more than one PT_INTERP");
    }
    if let Some((_, section)) = image.section_named(".interp")
        && section.sh_offset != segment.p_offset
    {
        sink.at(
            AnomalyKind::SectionSegmentMismatch,
            section.sh_offset,
            format!(
                "the .interp section is at {:#x} but PT_INTERP is at {:#x}",
                section.sh_offset, segment.p_offset
            ),
        );
    }
    let (raw, cut) = clamped_range(image.bytes, segment.p_offset, segment.p_filesz);
    if cut {
        sink.at(
            AnomalyKind::SegmentOutOfBounds,
            segment.p_offset,
            "PT_INTERP runs past the end of the file",
        );
    }
    let path = raw.split(|&b| b == 0).next().unwrap_or_default();
    Some(names.take_name(path, sink))
}

/// Where the dynamic symbol table is and how many entries it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SymbolTableLocation {
    pub(crate) offset: u64,
    pub(crate) count: usize,
}

pub(crate) fn symbol_table(
    image: &Image<'_>,
    tags: &DynamicTags,
    sink: &mut AnomalySink,
) -> Option<SymbolTableLocation> {
    let entry_size = Sym::size(image.ctx.container) as u64;
    let section = image
        .sections()
        .find(|(_, s, _)| s.sh_type == SHT_DYNSYM)
        .map(|(_, s, _)| s);
    let section_count = section.map(|s| {
        if s.sh_entsize != entry_size {
            sink.at(
                AnomalyKind::BadSymbolTable,
                s.sh_offset,
                format!(
                    "the .dynsym entry size is {} where a symbol has {entry_size} bytes",
                    s.sh_entsize
                ),
            );
        }
        s.sh_size / entry_size
    });
    let Some(address) = tags.symtab else {
        if tags.present {
            sink.note(
                AnomalyKind::BadDynamicSection,
                "the dynamic section has no DT_SYMTAB",
            );
        }
        let section = section?;
        return fit(
            image,
            section.sh_offset,
            u64::MAX,
            section_count.unwrap_or(0),
            entry_size,
            sink,
        );
    };
    if let Some(syment) = tags.syment
        && syment != entry_size
    {
        sink.note(
            AnomalyKind::BadSymbolTable,
            format!("DT_SYMENT is {syment} where a symbol has {entry_size} bytes"),
        );
    }
    let Some((offset, available)) = image.map_address(address) else {
        sink.note(
            AnomalyKind::UnmappedAddress,
            format!("DT_SYMTAB {address:#x} is not backed by file bytes of any PT_LOAD"),
        );
        let section = section?;
        return fit(
            image,
            section.sh_offset,
            u64::MAX,
            section_count.unwrap_or(0),
            entry_size,
            sink,
        );
    };
    if let Some(section) = section
        && section.sh_offset != offset
    {
        sink.at(
            AnomalyKind::SectionSegmentMismatch,
            section.sh_offset,
            format!(
                "the .dynsym section is at {:#x} but DT_SYMTAB maps to {offset:#x}",
                section.sh_offset
            ),
        );
    }
    let hashed = hash_count(image, tags, sink);
    if let (Some(hashed), Some(section_count)) = (hashed, section_count)
        && hashed != section_count
        && section.is_some_and(|s| s.sh_offset == offset)
    {
        sink.at(
            AnomalyKind::SectionSegmentMismatch,
            offset,
            format!("the hash table counts {hashed} dynamic symbols but the .dynsym section holds {section_count}"),
        );
    }
    let count = match (hashed, section_count) {
        (Some(count), _) => count,
        (None, Some(count)) => count,
        (None, None) => {
            // Without hash table or section, the table is taken to end where
            // the string table starts, as linkers lay them out.
            let guessed = tags
                .strtab
                .and_then(|strtab| strtab.checked_sub(address))
                .map_or(0, |gap| gap / entry_size);
            sink.note(
                AnomalyKind::BadHashTable,
                format!("no usable hash table gives the dynamic symbol count; {guessed} assumed from the layout"),
            );
            guessed
        }
    };
    fit(image, offset, available, count, entry_size, sink)
}

/// Caps `count` entries at `offset` to what the file (and the segment,
/// `available` bytes) holds.
fn fit(
    image: &Image<'_>,
    offset: u64,
    available: u64,
    count: u64,
    entry_size: u64,
    sink: &mut AnomalySink,
) -> Option<SymbolTableLocation> {
    let in_file = (image.bytes.len() as u64).checked_sub(offset)?;
    let room = available.min(in_file) / entry_size;
    let count = if count > room {
        sink.at(
            AnomalyKind::BadSymbolTable,
            offset,
            format!("{count} dynamic symbols are declared but only {room} fit"),
        );
        room
    } else {
        count
    };
    Some(SymbolTableLocation {
        offset,
        count: usize::try_from(count).ok()?,
    })
}

/// The number of dynamic symbols according to DT_GNU_HASH or DT_HASH.
fn hash_count(image: &Image<'_>, tags: &DynamicTags, sink: &mut AnomalySink) -> Option<u64> {
    if let Some(address) = tags.gnu_hash {
        match image.bytes_at_address(address, None) {
            Some((offset, table, _)) => match gnu_hash_count(image, table) {
                Ok(Some(count)) => return Some(count),
                // Nothing is hashed (a program that only imports): the table
                // says nothing about how many unhashed symbols precede it.
                Ok(None) => {}
                Err(problem) => sink.at(
                    AnomalyKind::BadHashTable,
                    offset,
                    format!("DT_GNU_HASH: {problem}"),
                ),
            },
            None => sink.note(
                AnomalyKind::UnmappedAddress,
                format!("DT_GNU_HASH {address:#x} is not backed by file bytes of any PT_LOAD"),
            ),
        }
    }
    if let Some(address) = tags.hash {
        match image.bytes_at_address(address, None) {
            // nchain, the second word, equals the number of symbols.
            Some((offset, table, _)) => match image.order.u32_at(table, 4) {
                Some(nchain) => return Some(u64::from(nchain)),
                None => sink.at(AnomalyKind::BadHashTable, offset, "DT_HASH is truncated"),
            },
            None => sink.note(
                AnomalyKind::UnmappedAddress,
                format!("DT_HASH {address:#x} is not backed by file bytes of any PT_LOAD"),
            ),
        }
    }
    None
}

/// Counts the symbols covered by a GNU hash table: the highest symbol index
/// reached from any bucket, followed to the end of its chain.
fn gnu_hash_count(image: &Image<'_>, table: &[u8]) -> Result<Option<u64>, String> {
    let order = image.order;
    let word = |offset: usize| {
        order
            .u32_at(table, offset)
            .ok_or_else(|| format!("truncated at +{offset:#x}"))
    };
    let buckets = word(0)? as usize;
    let symbol_offset = word(4)?;
    let bloom_words = word(8)? as usize;
    let bloom_word_size = if image.is_64() { 8 } else { 4 };
    let buckets_at = bloom_words
        .checked_mul(bloom_word_size)
        .and_then(|bloom| bloom.checked_add(16))
        .filter(|at| *at <= table.len())
        .ok_or_else(|| format!("{bloom_words} bloom words do not fit"))?;
    let chains_at = buckets
        .checked_mul(4)
        .and_then(|size| size.checked_add(buckets_at))
        .filter(|at| *at <= table.len())
        .ok_or_else(|| format!("{buckets} buckets do not fit"))?;
    let mut last = 0u32;
    for bucket in 0..buckets {
        last = last.max(word(buckets_at + bucket * 4)?);
    }
    if last == 0 {
        return Ok(None);
    }
    if last < symbol_offset {
        return Err(format!(
            "bucket value {last} is below the first hashed symbol {symbol_offset}"
        ));
    }
    let mut index = u64::from(last);
    let mut at = (last - symbol_offset) as usize;
    loop {
        let position = at
            .checked_mul(4)
            .and_then(|p| p.checked_add(chains_at))
            .ok_or_else(|| "chain index overflows".to_string())?;
        let hash = word(position)
            .map_err(|_| format!("the chain of symbol {index} runs off the table"))?;
        index += 1;
        at += 1;
        if hash & 1 == 1 {
            return Ok(Some(index));
        }
    }
}
