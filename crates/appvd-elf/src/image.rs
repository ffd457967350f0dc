//! The structural layer: the ELF header, program headers, section headers and
//! section names, read entry by entry with goblin and checked against the file.

use goblin::container::{Container, Ctx, Endian};
use goblin::elf::header::{self, Header};
use goblin::elf::program_header::{self, ProgramHeader};
use goblin::elf::section_header::{self, SectionHeader};

use crate::anomaly::{AnomalyKind, AnomalySink};
use crate::bytes::{Order, TableString, clamped_range, table_string};
use crate::error::ElfError;
use crate::facts::{ElfClass, Endianness};
use crate::limits::NameBudget;

/// More program or section headers than any real library has: counts above
/// this are capped so that a forged count cannot make us loop for long.
pub(crate) const MAX_HEADERS: usize = 65_536;

/// `e_phnum` value meaning "the count is in the null section's sh_info".
const PN_XNUM: u16 = 0xffff;

/// Section names are short; a longer one is a forgery.
const MAX_SECTION_NAME_LEN: usize = 1024;

/// A parsed ELF file: headers checked against the file, with helpers to reach
/// the bytes behind addresses and sections.
pub(crate) struct Image<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) header: Header,
    pub(crate) class: ElfClass,
    pub(crate) endianness: Endianness,
    pub(crate) order: Order,
    pub(crate) ctx: Ctx,
    pub(crate) program_headers: Vec<ProgramHeader>,
    pub(crate) section_headers: Vec<SectionHeader>,
    /// Parallel to `section_headers`; empty strings when the name is unknown.
    pub(crate) section_names: Vec<String>,
    /// Whether a usable section name table was found.
    pub(crate) section_names_known: bool,
}

impl<'a> Image<'a> {
    pub(crate) fn read(
        bytes: &'a [u8],
        sink: &mut AnomalySink,
        names: &mut NameBudget,
    ) -> Result<Self, ElfError> {
        let (header, class, endianness) = read_header(bytes)?;
        let is_64 = class == ElfClass::Elf64;
        let little = endianness == Endianness::Little;
        let ctx = Ctx::new(
            if is_64 {
                Container::Big
            } else {
                Container::Little
            },
            if little { Endian::Little } else { Endian::Big },
        );
        let mut image = Image {
            bytes,
            header,
            class,
            endianness,
            order: Order { little },
            ctx,
            program_headers: Vec::new(),
            section_headers: Vec::new(),
            section_names: Vec::new(),
            section_names_known: false,
        };
        image.check_header(sink);
        image.read_section_headers(sink);
        image.read_program_headers(sink);
        image.read_section_names(sink, names);
        image.check_sections(sink);
        Ok(image)
    }

    pub(crate) fn is_64(&self) -> bool {
        self.class == ElfClass::Elf64
    }

    fn check_header(&self, sink: &mut AnomalySink) {
        let ident_version = self.header.e_ident[header::EI_VERSION];
        if ident_version != 1 || self.header.e_version != 1 {
            sink.note(
                AnomalyKind::BadVersion,
                format!(
                    "EI_VERSION is {ident_version} and e_version is {} where both must be 1",
                    self.header.e_version
                ),
            );
        }
        let expected = header_size(self.class);
        if usize::from(self.header.e_ehsize) != expected {
            sink.note(
                AnomalyKind::BadHeaderSize,
                format!(
                    "e_ehsize is {} but an ELF{} header has {expected} bytes",
                    self.header.e_ehsize,
                    self.class.bits()
                ),
            );
        }
    }

    fn read_section_headers(&mut self, sink: &mut AnomalySink) {
        let shoff = self.header.e_shoff;
        let declared = self.header.e_shnum;
        if shoff == 0 {
            if declared != 0 {
                sink.note(
                    AnomalyKind::SectionHeadersOutOfBounds,
                    format!("e_shoff is 0 but e_shnum says {declared} section headers"),
                );
            }
            return;
        }
        let entry_size = SectionHeader::size(self.ctx);
        let Some(stride) = self.stride(
            self.header.e_shentsize,
            entry_size,
            AnomalyKind::BadSectionHeaderEntrySize,
            "e_shentsize",
            "section header",
            sink,
        ) else {
            return;
        };
        let Some(first) = self.read_section_header(shoff) else {
            sink.at(
                AnomalyKind::SectionHeadersOutOfBounds,
                shoff,
                format!(
                    "the section header table at e_shoff {shoff:#x} lies outside the {}-byte file",
                    self.bytes.len()
                ),
            );
            return;
        };
        // ELF extended numbering: a count that does not fit in e_shnum is kept
        // in the null section's sh_size.
        let count = if declared == 0 {
            first.sh_size
        } else {
            u64::from(declared)
        };
        let count = self.fit_count(
            count,
            shoff,
            stride,
            entry_size,
            "section header",
            AnomalyKind::SectionHeadersOutOfBounds,
            sink,
        );
        let mut headers = Vec::with_capacity(count);
        headers.push(first);
        for index in 1..count {
            let Some(offset) = entry_offset(shoff, stride, index) else {
                break;
            };
            match self.read_section_header(offset) {
                Some(section) => headers.push(section),
                None => break,
            }
        }
        self.section_headers = headers;
    }

    fn read_program_headers(&mut self, sink: &mut AnomalySink) {
        let phoff = self.header.e_phoff;
        let mut declared = u64::from(self.header.e_phnum);
        if self.header.e_phnum == PN_XNUM {
            // Extended numbering: the real count is in the null section's sh_info.
            if let Some(first) = self.section_headers.first() {
                declared = u64::from(first.sh_info);
            }
        }
        if declared == 0 {
            return;
        }
        if phoff == 0 {
            sink.note(
                AnomalyKind::ProgramHeadersOutOfBounds,
                format!("e_phoff is 0 but e_phnum says {declared} program headers"),
            );
            return;
        }
        let entry_size = ProgramHeader::size(self.ctx);
        let Some(stride) = self.stride(
            self.header.e_phentsize,
            entry_size,
            AnomalyKind::BadProgramHeaderEntrySize,
            "e_phentsize",
            "program header",
            sink,
        ) else {
            return;
        };
        let count = self.fit_count(
            declared,
            phoff,
            stride,
            entry_size,
            "program header",
            AnomalyKind::ProgramHeadersOutOfBounds,
            sink,
        );
        let mut headers = Vec::with_capacity(count);
        for index in 0..count {
            let Some(offset) = entry_offset(phoff, stride, index) else {
                break;
            };
            let Ok(offset) = usize::try_from(offset) else {
                break;
            };
            match ProgramHeader::parse(self.bytes, offset, 1, self.ctx) {
                Ok(mut one) => headers.append(&mut one),
                Err(_) => break,
            }
        }
        self.program_headers = headers;
    }

    /// The distance between table entries: the declared entry size when it is
    /// at least the structure size, else `None` (the table is unreadable).
    fn stride(
        &self,
        declared: u16,
        entry_size: usize,
        kind: AnomalyKind,
        field: &str,
        what: &str,
        sink: &mut AnomalySink,
    ) -> Option<usize> {
        let declared = usize::from(declared);
        if declared == entry_size {
            return Some(entry_size);
        }
        if declared < entry_size {
            sink.note(
                kind,
                format!("{field} is {declared}, smaller than the {entry_size}-byte {what}: the table is ignored"),
            );
            return None;
        }
        sink.note(
            kind,
            format!(
                "{field} is {declared} where an ELF{} {what} has {entry_size} bytes",
                self.class.bits()
            ),
        );
        Some(declared)
    }

    /// How many of `count` table entries lie wholly inside the file (and under
    /// [`MAX_HEADERS`]), with an anomaly when that is fewer than declared.
    #[allow(clippy::too_many_arguments)]
    fn fit_count(
        &self,
        count: u64,
        table_offset: u64,
        stride: usize,
        entry_size: usize,
        what: &str,
        kind: AnomalyKind,
        sink: &mut AnomalySink,
    ) -> usize {
        let len = self.bytes.len() as u64;
        let fitting = table_offset
            .checked_add(entry_size as u64)
            .filter(|end| *end <= len)
            .map_or(0, |end| (len - end) / stride as u64 + 1);
        let mut usable = count.min(fitting);
        if usable < count {
            sink.at(
                kind,
                table_offset,
                format!(
                    "{count} {what}s are declared but only {usable} fit in the {len}-byte file"
                ),
            );
        }
        if usable > MAX_HEADERS as u64 {
            sink.at(
                AnomalyKind::CountCapped,
                table_offset,
                format!("{usable} {what}s is more than any real file has; only the first {MAX_HEADERS} are read"),
            );
            usable = MAX_HEADERS as u64;
        }
        usize::try_from(usable).unwrap_or(MAX_HEADERS)
    }

    fn read_section_header(&self, offset: u64) -> Option<SectionHeader> {
        let offset = usize::try_from(offset).ok()?;
        SectionHeader::parse_from(self.bytes, offset, 1, self.ctx)
            .ok()?
            .into_iter()
            .next()
    }

    fn read_section_names(&mut self, sink: &mut AnomalySink, names: &mut NameBudget) {
        if self.section_headers.is_empty() {
            return;
        }
        let mut index = u32::from(self.header.e_shstrndx);
        if index == section_header::SHN_XINDEX {
            index = self
                .section_headers
                .first()
                .map_or(0, |first| first.sh_link);
        }
        let table = match usize::try_from(index)
            .ok()
            .and_then(|i| self.section_headers.get(i))
        {
            Some(strtab) if index != 0 => {
                if strtab.sh_type != section_header::SHT_STRTAB {
                    sink.note(
                        AnomalyKind::BadSectionNameTable,
                        format!(
                            "e_shstrndx {index} names a section of type {} rather than SHT_STRTAB",
                            strtab.sh_type
                        ),
                    );
                }
                let (table, cut) = clamped_range(self.bytes, strtab.sh_offset, strtab.sh_size);
                if cut {
                    sink.at(
                        AnomalyKind::BadSectionNameTable,
                        strtab.sh_offset,
                        format!(
                            "the section name table ({} bytes) runs past the end of the file",
                            strtab.sh_size
                        ),
                    );
                }
                table
            }
            _ => {
                sink.note(
                    AnomalyKind::BadSectionNameTable,
                    format!(
                        "e_shstrndx {index} does not name one of the {} sections: section names are unknown",
                        self.section_headers.len()
                    ),
                );
                &[]
            }
        };
        let mut section_names = Vec::with_capacity(self.section_headers.len());
        for section in &self.section_headers {
            let name = if table.is_empty() {
                String::new()
            } else {
                match table_string(table, section.sh_name as u64, MAX_SECTION_NAME_LEN) {
                    TableString::Terminated(raw) => names.take(raw, MAX_SECTION_NAME_LEN, sink),
                    TableString::Unterminated(raw) => {
                        sink.note(
                            AnomalyKind::BadStringTable,
                            format!(
                                "section name at index {} is not NUL-terminated",
                                section.sh_name
                            ),
                        );
                        names.take(raw, MAX_SECTION_NAME_LEN, sink)
                    }
                    TableString::OutOfBounds => {
                        sink.note(
                            AnomalyKind::BadStringTable,
                            format!(
                                "section name index {} is outside the {}-byte section name table",
                                section.sh_name,
                                table.len()
                            ),
                        );
                        String::new()
                    }
                }
            };
            section_names.push(name);
        }
        self.section_names = section_names;
        self.section_names_known = !table.is_empty();
    }

    fn check_sections(&self, sink: &mut AnomalySink) {
        let len = self.bytes.len() as u64;
        for (section, name) in self.section_headers.iter().zip(&self.section_names) {
            if section.sh_type == section_header::SHT_NOBITS || section.sh_size == 0 {
                continue;
            }
            let end = section.sh_offset.checked_add(section.sh_size);
            if end.is_none_or(|end| end > len) {
                sink.at(
                    AnomalyKind::SectionOutOfBounds,
                    section.sh_offset,
                    format!(
                        "section {name:?} ({} bytes at {:#x}) runs past the end of the {len}-byte file",
                        section.sh_size, section.sh_offset
                    ),
                );
            }
        }
    }

    /// The bytes of section `index` that lie inside the file, and whether the
    /// section claims more than that.
    pub(crate) fn section_bytes(&self, index: usize) -> (&'a [u8], bool) {
        match self.section_headers.get(index) {
            Some(section) if section.sh_type != section_header::SHT_NOBITS => {
                clamped_range(self.bytes, section.sh_offset, section.sh_size)
            }
            _ => (&[], false),
        }
    }

    /// Sections with their names.
    pub(crate) fn sections(&self) -> impl Iterator<Item = (usize, &SectionHeader, &str)> {
        self.section_headers
            .iter()
            .enumerate()
            .map(|(index, section)| {
                (
                    index,
                    section,
                    self.section_names.get(index).map_or("", String::as_str),
                )
            })
    }

    pub(crate) fn section_named(&self, name: &str) -> Option<(usize, &SectionHeader)> {
        self.sections()
            .find(|(_, _, n)| *n == name)
            .map(|(index, section, _)| (index, section))
    }

    pub(crate) fn segments(&self, p_type: u32) -> impl Iterator<Item = &ProgramHeader> {
        self.program_headers
            .iter()
            .filter(move |ph| ph.p_type == p_type)
    }

    /// File offset of virtual address `address`, and how many file bytes
    /// follow it inside the same PT_LOAD (and inside the file).
    pub(crate) fn map_address(&self, address: u64) -> Option<(u64, u64)> {
        let len = self.bytes.len() as u64;
        self.segments(program_header::PT_LOAD).find_map(|ph| {
            let delta = address.checked_sub(ph.p_vaddr)?;
            if delta >= ph.p_filesz {
                return None;
            }
            let offset = ph.p_offset.checked_add(delta)?;
            let in_file = len.checked_sub(offset).filter(|rest| *rest > 0)?;
            Some((offset, (ph.p_filesz - delta).min(in_file)))
        })
    }

    /// The file bytes behind `address`, up to `len` of them, clamped to the
    /// PT_LOAD that holds it.
    pub(crate) fn bytes_at_address(
        &self,
        address: u64,
        len: Option<u64>,
    ) -> Option<(u64, &'a [u8], bool)> {
        let (offset, available) = self.map_address(address)?;
        let wanted = len.unwrap_or(available);
        let (slice, _) = clamped_range(self.bytes, offset, wanted.min(available));
        Some((offset, slice, wanted > available))
    }
}

fn read_header(bytes: &[u8]) -> Result<(Header, ElfClass, Endianness), ElfError> {
    if bytes.get(..header::SELFMAG) != Some(header::ELFMAG.as_slice()) {
        return Err(ElfError::NotElf);
    }
    let class = match bytes.get(header::EI_CLASS).copied() {
        Some(header::ELFCLASS32) => ElfClass::Elf32,
        Some(header::ELFCLASS64) => ElfClass::Elf64,
        Some(other) => return Err(ElfError::UnknownClass(other)),
        None => {
            return Err(ElfError::TruncatedHeader {
                len: bytes.len(),
                bits: 32,
                needed: header_size(ElfClass::Elf32),
            });
        }
    };
    let endianness = match bytes.get(header::EI_DATA).copied() {
        Some(header::ELFDATA2LSB) => Endianness::Little,
        Some(header::ELFDATA2MSB) => Endianness::Big,
        Some(other) => return Err(ElfError::UnknownEncoding(other)),
        None => {
            return Err(ElfError::TruncatedHeader {
                len: bytes.len(),
                bits: class.bits(),
                needed: header_size(class),
            });
        }
    };
    let needed = header_size(class);
    if bytes.len() < needed {
        return Err(ElfError::TruncatedHeader {
            len: bytes.len(),
            bits: class.bits(),
            needed,
        });
    }
    let header = goblin::elf::Elf::parse_header(bytes)
        .map_err(|error| ElfError::Header(error.to_string()))?;
    Ok((header, class, endianness))
}

pub(crate) fn header_size(class: ElfClass) -> usize {
    match class {
        ElfClass::Elf32 => header::header32::SIZEOF_EHDR,
        ElfClass::Elf64 => header::header64::SIZEOF_EHDR,
    }
}

fn entry_offset(table: u64, stride: usize, index: usize) -> Option<u64> {
    (stride as u64)
        .checked_mul(index as u64)?
        .checked_add(table)
}
