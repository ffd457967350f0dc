//! The DEX file view: header, id tables, strings, and the checks done when a file is opened.

use crate::anomaly::{Anomaly, AnomalyKind, AnomalySink};
use crate::error::DexError;
use crate::ids::{
    CallSiteIdx, FieldIdx, MethodHandleIdx, MethodIdx, NO_INDEX, ProtoIdx, StringIdx, TypeIdx,
};
use crate::mutf8;
use crate::reader::{Cursor, u16_at, u32_at};
use sha1::{Digest, Sha1};
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

/// Size of the header up to and including `data_off`.
pub const HEADER_SIZE: usize = 0x70;
/// Size of the DEX 041 header, which adds `container_size` and `header_offset`.
pub const HEADER_SIZE_V41: usize = 0x78;
/// Longest prototype descriptor accepted (255 parameters of generous type names).
pub const MAX_DESCRIPTOR_LEN: usize = 64 * 1024;
/// Most parameters a method can declare (255 argument words, `this` included).
pub const MAX_PARAMETERS: usize = 255;
/// The little-endian constant of `endian_tag`.
pub const ENDIAN_CONSTANT: u32 = 0x1234_5678;
const REVERSE_ENDIAN_CONSTANT: u32 = 0x7856_3412;

/// What to verify when opening a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Compute the Adler-32 checksum and report a mismatch.
    pub verify_checksum: bool,
    /// Compute the SHA-1 signature and report a mismatch.
    pub verify_signature: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            verify_checksum: true,
            verify_signature: true,
        }
    }
}

/// Offset and element count of one section, as the header (or map) declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Section {
    /// Number of items.
    pub size: u32,
    /// Byte offset from the start of the file (the container, for DEX 041).
    pub offset: u32,
}

/// The DEX header as stored in the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Header {
    /// Version number from the magic (`35` for `dex\n035\0`), or 0 if the digits are not digits.
    pub version: u32,
    /// Adler-32 checksum of the rest of the file.
    pub checksum: u32,
    /// SHA-1 of the rest of the file.
    pub signature: [u8; 20],
    /// Size of this DEX (for 041: distance to the next header or the end of the container).
    pub file_size: u32,
    /// Size of the header.
    pub header_size: u32,
    /// Endianness tag.
    pub endian_tag: u32,
    /// Link section (unused in loadable files).
    pub link: Section,
    /// Offset of the map list.
    pub map_off: u32,
    /// `string_ids` section.
    pub string_ids: Section,
    /// `type_ids` section.
    pub type_ids: Section,
    /// `proto_ids` section.
    pub proto_ids: Section,
    /// `field_ids` section.
    pub field_ids: Section,
    /// `method_ids` section.
    pub method_ids: Section,
    /// `class_defs` section.
    pub class_defs: Section,
    /// Data section (`size` is in bytes).
    pub data: Section,
    /// DEX 041: size of the whole container.
    pub container_size: Option<u32>,
    /// DEX 041: offset of this header in the container.
    pub header_offset: Option<u32>,
}

/// One entry of the map list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MapItem {
    /// Item type code (`TYPE_*` in the format description).
    pub item_type: u16,
    /// Number of items.
    pub size: u32,
    /// Offset of the first item.
    pub offset: u32,
}

/// Map item type codes.
pub mod map_type {
    /// `header_item`
    pub const HEADER: u16 = 0x0000;
    /// `string_id_item`
    pub const STRING_ID: u16 = 0x0001;
    /// `type_id_item`
    pub const TYPE_ID: u16 = 0x0002;
    /// `proto_id_item`
    pub const PROTO_ID: u16 = 0x0003;
    /// `field_id_item`
    pub const FIELD_ID: u16 = 0x0004;
    /// `method_id_item`
    pub const METHOD_ID: u16 = 0x0005;
    /// `class_def_item`
    pub const CLASS_DEF: u16 = 0x0006;
    /// `call_site_id_item`
    pub const CALL_SITE_ID: u16 = 0x0007;
    /// `method_handle_item`
    pub const METHOD_HANDLE: u16 = 0x0008;
    /// `map_list`
    pub const MAP_LIST: u16 = 0x1000;
}

/// A table of fixed-size entries whose bounds were checked when the file was opened.
#[derive(Debug, Clone, Copy, Default)]
struct Table {
    offset: usize,
    count: u32,
}

/// `proto_id_item`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtoId {
    /// Short-form descriptor (`VIL`).
    pub shorty: StringIdx,
    /// Return type.
    pub return_type: TypeIdx,
    /// Offset of the parameter type list, 0 for none.
    pub parameters_off: u32,
}

/// `field_id_item`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldId {
    /// Class that defines the field.
    pub class: TypeIdx,
    /// Type of the field.
    pub type_: TypeIdx,
    /// Name of the field.
    pub name: StringIdx,
}

/// `method_id_item`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodId {
    /// Class the method reference names (the static receiver type, not necessarily the
    /// declaring class).
    pub class: TypeIdx,
    /// Prototype.
    pub proto: ProtoIdx,
    /// Name.
    pub name: StringIdx,
}

/// `method_handle_item`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodHandle {
    /// Kind (`0x00` static-put ... `0x08` invoke-interface).
    pub kind: u16,
    /// Field or method index, depending on the kind.
    pub target: u32,
}

impl MethodHandle {
    /// Whether the handle refers to a field (kinds 0 to 3) rather than a method.
    pub fn is_field_accessor(&self) -> bool {
        self.kind <= 3
    }

    /// The smali keyword of the handle kind.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            0 => "static-put",
            1 => "static-get",
            2 => "instance-put",
            3 => "instance-get",
            4 => "invoke-static",
            5 => "invoke-instance",
            6 => "invoke-constructor",
            7 => "invoke-direct",
            8 => "invoke-interface",
            _ => "invoke-unknown",
        }
    }
}

/// A `type_list`: the interfaces of a class or the parameters of a prototype.
#[derive(Debug, Clone, Copy, Default)]
pub struct TypeList<'a> {
    entries: &'a [u8],
}

impl<'a> TypeList<'a> {
    /// Number of types.
    pub fn len(&self) -> usize {
        self.entries.len() / 2
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The type at position `i`.
    pub fn get(&self, i: usize) -> Option<TypeIdx> {
        u16_at(self.entries, i.checked_mul(2)?).map(|v| TypeIdx(u32::from(v)))
    }

    /// All types in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = TypeIdx> + 'a {
        self.entries
            .chunks_exact(2)
            .map(|c| TypeIdx(u32::from(u16::from_le_bytes([c[0], c[1]]))))
    }
}

/// A string from the pool, still in MUTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DexStr<'a> {
    bytes: &'a [u8],
    utf16_len: u32,
}

impl<'a> DexStr<'a> {
    /// The MUTF-8 bytes, without the terminating NUL.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Length in UTF-16 code units, as recorded in the file.
    pub fn utf16_len(&self) -> u32 {
        self.utf16_len
    }

    /// Decodes the string; see [`mutf8::decode`].
    pub fn decode(&self) -> mutf8::Decoded<'a> {
        mutf8::decode(self.bytes)
    }

    /// Decodes the string, substituting U+FFFD for malformed sequences.
    pub fn to_str_lossy(&self) -> Cow<'a, str> {
        mutf8::decode(self.bytes).text
    }
}

impl fmt::Display for DexStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

/// Where each string's bytes lie; built once, on first use, in one pass over the pool.
#[derive(Debug)]
struct StringTable {
    spans: Vec<StringSpan>,
}

#[derive(Debug, Clone, Copy)]
struct StringSpan {
    start: u32,
    end: u32,
    utf16_len: u32,
}

impl StringSpan {
    const BAD: StringSpan = StringSpan {
        start: u32::MAX,
        end: u32::MAX,
        utf16_len: 0,
    };
}

/// A parsed, zero-copy view of one DEX file (or one entry of a DEX 041 container).
///
/// Opening the file checks the header and the bounds of every id table; items are decoded
/// lazily by the accessors, which return [`DexError`] for an out-of-range index or a malformed
/// item instead of panicking.
pub struct DexFile<'a> {
    data: &'a [u8],
    base: usize,
    header: Header,
    string_ids: Table,
    type_ids: Table,
    proto_ids: Table,
    field_ids: Table,
    method_ids: Table,
    class_defs: Table,
    call_site_ids: Table,
    method_handles: Table,
    map: Vec<MapItem>,
    anomalies: Vec<Anomaly>,
    strings: OnceLock<StringTable>,
    classes_by_type: OnceLock<crate::hash::FxHashMap<u32, u32>>,
}

impl fmt::Debug for DexFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DexFile")
            .field("base", &self.base)
            .field("header", &self.header)
            .field("anomalies", &self.anomalies.len())
            .finish_non_exhaustive()
    }
}

impl<'a> DexFile<'a> {
    /// Opens a DEX file with the default options. For a DEX 041 container this is the first entry;
    /// use [`DexFile::parse_container`] to get every entry.
    pub fn parse(data: &'a [u8]) -> Result<Self, DexError> {
        Self::parse_with(data, ParseOptions::default())
    }

    /// Opens a DEX file.
    pub fn parse_with(data: &'a [u8], options: ParseOptions) -> Result<Self, DexError> {
        Self::parse_entry(data, 0, options)
    }

    /// Opens every DEX entry of the input: one for DEX 035 to 040, one or more for a DEX 041
    /// container. Entries after the first that cannot be opened are reported as anomalies on the
    /// first entry.
    pub fn parse_container(data: &'a [u8], options: ParseOptions) -> Result<Vec<Self>, DexError> {
        let mut first = Self::parse_entry(data, 0, options)?;
        let Some(container_size) = first.header.container_size else {
            return Ok(vec![first]);
        };
        let limit = (container_size as usize).min(data.len());
        let mut entries = Vec::new();
        let mut extra = Vec::new();
        let mut next = first.header.file_size as usize;
        // Each entry is at least a header long, so this loop runs at most len / 0x78 times.
        while next < limit && next >= HEADER_SIZE_V41 {
            match Self::parse_entry(data, next, options) {
                Ok(entry) => {
                    let step = entry.header.file_size as usize;
                    entries.push(entry);
                    if step < HEADER_SIZE_V41 {
                        extra.push(
                            Anomaly::new(
                                AnomalyKind::BadContainerEntry,
                                format!("container entry at {next:#x} has file_size {step:#x}, smaller than a header; stopping"),
                            )
                            .at(next as u64),
                        );
                        break;
                    }
                    next += step;
                }
                Err(err) => {
                    extra.push(
                        Anomaly::new(
                            AnomalyKind::BadContainerEntry,
                            format!("container entry at {next:#x}: {err}"),
                        )
                        .at(next as u64),
                    );
                    break;
                }
            }
        }
        if !entries.is_empty() {
            first.anomalies.push(Anomaly::new(
                AnomalyKind::Container,
                format!("DEX 041 container with {} entries", entries.len() + 1),
            ));
        }
        first.anomalies.extend(extra);
        let mut all = Vec::with_capacity(entries.len() + 1);
        all.push(first);
        all.extend(entries);
        Ok(all)
    }

    fn parse_entry(data: &'a [u8], base: usize, options: ParseOptions) -> Result<Self, DexError> {
        let available = data.len().saturating_sub(base);
        if available < HEADER_SIZE {
            return Err(DexError::TooShort {
                len: available,
                needed: HEADER_SIZE,
            });
        }
        let head = data.get(base..).unwrap_or_default();
        if head.get(..4) != Some(b"dex\n") {
            return Err(DexError::BadMagic {
                found: head.get(..8).unwrap_or(head).to_vec(),
            });
        }
        let endian_tag = u32_at(head, 0x28).unwrap_or(0);
        if endian_tag == REVERSE_ENDIAN_CONSTANT {
            return Err(DexError::UnsupportedEndian { tag: endian_tag });
        }
        let mut sink = AnomalySink::default();
        if endian_tag != ENDIAN_CONSTANT {
            sink.push(
                Anomaly::new(
                    AnomalyKind::BadHeaderSize,
                    format!("endian_tag is {endian_tag:#010x}, read as little-endian"),
                )
                .at(base as u64 + 0x28),
            );
        }
        let version = parse_version(head.get(4..8).unwrap_or_default());
        if !(35..=41).contains(&version) {
            let shown = String::from_utf8_lossy(head.get(4..7).unwrap_or_default()).into_owned();
            sink.push(
                Anomaly::new(
                    AnomalyKind::UnknownVersion,
                    format!("unknown DEX version {shown:?}, reading as 035..041"),
                )
                .at(base as u64 + 4),
            );
        }
        let word = |off: usize| u32_at(head, off).unwrap_or(0);
        let section = |off: usize| Section {
            size: word(off),
            offset: word(off + 4),
        };
        let mut signature = [0u8; 20];
        signature.copy_from_slice(head.get(12..32).unwrap_or(&[0; 20]));
        let header_size = word(0x24);
        let is_container = version >= 41
            && header_size as usize >= HEADER_SIZE_V41
            && available >= HEADER_SIZE_V41;
        let header = Header {
            version,
            checksum: word(8),
            signature,
            file_size: word(0x20),
            header_size,
            endian_tag,
            link: section(0x2c),
            map_off: word(0x34),
            string_ids: section(0x38),
            type_ids: section(0x40),
            proto_ids: section(0x48),
            field_ids: section(0x50),
            method_ids: section(0x58),
            class_defs: section(0x60),
            data: section(0x68),
            container_size: is_container.then(|| word(0x70)),
            header_offset: is_container.then(|| word(0x74)),
        };

        let expected_header = if version >= 41 {
            HEADER_SIZE_V41
        } else {
            HEADER_SIZE
        } as u32;
        if header.header_size != expected_header {
            sink.push(
                Anomaly::new(
                    AnomalyKind::BadHeaderSize,
                    format!(
                        "header_size is {:#x}, expected {expected_header:#x}",
                        header.header_size
                    ),
                )
                .at(base as u64 + 0x24),
            );
        }
        if let Some(header_offset) = header.header_offset
            && header_offset as usize != base
        {
            sink.push(
                Anomaly::new(
                    AnomalyKind::BadContainerEntry,
                    format!("header_offset is {header_offset:#x} but the header is at {base:#x}"),
                )
                .at(base as u64 + 0x74),
            );
        }

        // The part of the input this entry covers, for checksums.
        let declared_end = base.saturating_add(header.file_size as usize);
        let end = declared_end.min(data.len());
        match header.container_size {
            Some(container_size) if container_size as usize != data.len() && base == 0 => sink
                .push(
                    Anomaly::new(
                        AnomalyKind::FileSizeMismatch,
                        format!(
                            "container_size is {container_size} but the input is {} bytes",
                            data.len()
                        ),
                    )
                    .at(0x70u64),
                ),
            None if declared_end != data.len() => sink.push(
                Anomaly::new(
                    AnomalyKind::FileSizeMismatch,
                    format!(
                        "file_size is {} but the input is {} bytes",
                        header.file_size,
                        data.len()
                    ),
                )
                .at(0x20u64),
            ),
            _ => {}
        }
        if header.file_size as usize > available {
            sink.push(
                Anomaly::new(
                    AnomalyKind::FileSizeMismatch,
                    "the file is truncated: file_size runs past the input",
                )
                .at(base as u64 + 0x20),
            );
        }
        let covered = data.get(base..end).unwrap_or_default();
        if options.verify_checksum {
            let actual = adler32(covered.get(12..).unwrap_or_default());
            if actual != header.checksum {
                sink.push(
                    Anomaly::new(
                        AnomalyKind::BadChecksum,
                        format!(
                            "checksum is {:#010x}, the content sums to {actual:#010x}",
                            header.checksum
                        ),
                    )
                    .at(base as u64 + 8),
                );
            }
        }
        if options.verify_signature {
            let actual: [u8; 20] = Sha1::digest(covered.get(32..).unwrap_or_default()).into();
            if actual != header.signature {
                sink.push(
                    Anomaly::new(
                        AnomalyKind::BadSignature,
                        "the SHA-1 signature does not match the content",
                    )
                    .at(base as u64 + 12),
                );
            }
        }
        if header.link.size != 0 {
            sink.push(
                Anomaly::new(
                    AnomalyKind::LinkSection,
                    format!("link section of {} bytes present", header.link.size),
                )
                .at(base as u64 + 0x2c),
            );
        }

        let map = read_map(data, &header, &mut sink);
        // When the header claims more items than fit but the map list agrees on the offset and
        // gives a count that fits, the map is the better guess (tools that tamper with one rarely
        // keep both in step).
        let table = |name: &'static str,
                     map_code: u16,
                     section: Section,
                     item_size: usize,
                     max: u32,
                     sink: &mut AnomalySink| {
            let fits = (section.offset as usize) < data.len()
                && (section.size as usize).saturating_mul(item_size)
                    <= data.len() - section.offset as usize;
            let hint = map.iter().find(|m| {
                m.item_type == map_code
                    && m.offset == section.offset
                    && m.size < section.size
                    && (m.size as usize).saturating_mul(item_size)
                        <= data.len().saturating_sub(m.offset as usize)
            });
            match hint {
                Some(item) if !fits => {
                    sink.push(
                        Anomaly::new(
                            AnomalyKind::CountCapped,
                            format!(
                                "{name} declares {} items but only {} fit; using the map list's {}",
                                section.size,
                                data.len().saturating_sub(section.offset as usize) / item_size,
                                item.size
                            ),
                        )
                        .at(u64::from(section.offset)),
                    );
                    checked_table(
                        data,
                        name,
                        Section {
                            size: item.size,
                            offset: section.offset,
                        },
                        item_size,
                        max,
                        sink,
                    )
                }
                _ => checked_table(data, name, section, item_size, max, sink),
            }
        };
        let string_ids = table(
            "string_ids",
            map_type::STRING_ID,
            header.string_ids,
            4,
            u32::MAX,
            &mut sink,
        );
        let type_ids = table(
            "type_ids",
            map_type::TYPE_ID,
            header.type_ids,
            4,
            0x1_0000,
            &mut sink,
        );
        let proto_ids = table(
            "proto_ids",
            map_type::PROTO_ID,
            header.proto_ids,
            12,
            0x1_0000,
            &mut sink,
        );
        let field_ids = table(
            "field_ids",
            map_type::FIELD_ID,
            header.field_ids,
            8,
            u32::MAX,
            &mut sink,
        );
        let method_ids = table(
            "method_ids",
            map_type::METHOD_ID,
            header.method_ids,
            8,
            u32::MAX,
            &mut sink,
        );
        let class_defs = table(
            "class_defs",
            map_type::CLASS_DEF,
            header.class_defs,
            32,
            u32::MAX,
            &mut sink,
        );

        let mut call_site_ids = Table::default();
        let mut method_handles = Table::default();
        for item in &map {
            let declared = Section {
                size: item.size,
                offset: item.offset,
            };
            match item.item_type {
                map_type::CALL_SITE_ID => {
                    call_site_ids =
                        checked_table(data, "call_site_ids", declared, 4, u32::MAX, &mut sink);
                }
                map_type::METHOD_HANDLE => {
                    method_handles =
                        checked_table(data, "method_handles", declared, 8, u32::MAX, &mut sink);
                }
                map_type::STRING_ID => {
                    compare_map(item, header.string_ids, "string_ids", &mut sink)
                }
                map_type::TYPE_ID => compare_map(item, header.type_ids, "type_ids", &mut sink),
                map_type::PROTO_ID => compare_map(item, header.proto_ids, "proto_ids", &mut sink),
                map_type::FIELD_ID => compare_map(item, header.field_ids, "field_ids", &mut sink),
                map_type::METHOD_ID => {
                    compare_map(item, header.method_ids, "method_ids", &mut sink)
                }
                map_type::CLASS_DEF => {
                    compare_map(item, header.class_defs, "class_defs", &mut sink)
                }
                _ => {}
            }
        }

        Ok(DexFile {
            data,
            base,
            header,
            string_ids,
            type_ids,
            proto_ids,
            field_ids,
            method_ids,
            class_defs,
            call_site_ids,
            method_handles,
            map,
            anomalies: sink.finish(),
            strings: OnceLock::new(),
            classes_by_type: OnceLock::new(),
        })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The DEX version (35 to 41 for known versions).
    pub fn version(&self) -> u32 {
        self.header.version
    }

    /// The bytes all offsets are relative to (the whole container for DEX 041).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Offset of this entry's header in [`Self::data`] (non-zero only for later container entries).
    pub fn header_offset(&self) -> usize {
        self.base
    }

    /// Problems found while opening the file.
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies
    }

    /// The map list (empty if it could not be read).
    pub fn map(&self) -> &[MapItem] {
        &self.map
    }

    /// Number of strings in the pool (after capping to the file size).
    pub fn string_count(&self) -> u32 {
        self.string_ids.count
    }

    /// Number of types.
    pub fn type_count(&self) -> u32 {
        self.type_ids.count
    }

    /// Number of prototypes.
    pub fn proto_count(&self) -> u32 {
        self.proto_ids.count
    }

    /// Number of field references.
    pub fn field_count(&self) -> u32 {
        self.field_ids.count
    }

    /// Number of method references.
    pub fn method_count(&self) -> u32 {
        self.method_ids.count
    }

    /// Number of class definitions.
    pub fn class_def_count(&self) -> u32 {
        self.class_defs.count
    }

    /// Number of call sites (DEX 038+).
    pub fn call_site_count(&self) -> u32 {
        self.call_site_ids.count
    }

    /// Number of method handles (DEX 038+).
    pub fn method_handle_count(&self) -> u32 {
        self.method_handles.count
    }

    fn entry(
        &self,
        table: Table,
        name: &'static str,
        index: u32,
        item_size: usize,
    ) -> Result<usize, DexError> {
        if index >= table.count {
            return Err(DexError::IndexOutOfRange {
                table: name,
                index,
                len: table.count,
            });
        }
        // In bounds: the table was checked to fit the input when the file was opened.
        Ok(table.offset + index as usize * item_size)
    }

    fn string_table(&self) -> &StringTable {
        self.strings
            .get_or_init(|| build_string_table(self.data, self.string_ids))
    }

    /// The string at `idx`.
    pub fn string(&self, idx: StringIdx) -> Result<DexStr<'a>, DexError> {
        let table = self.string_table();
        let span = table
            .spans
            .get(idx.as_usize())
            .copied()
            .ok_or(DexError::IndexOutOfRange {
                table: StringIdx::TABLE,
                index: idx.0,
                len: self.string_ids.count,
            })?;
        if span.start == u32::MAX {
            let offset = self.entry(self.string_ids, StringIdx::TABLE, idx.0, 4)?;
            let data_off = u32_at(self.data, offset).unwrap_or(0);
            return Err(DexError::malformed(
                "string_data_item",
                data_off,
                "out of bounds or not NUL-terminated",
            ));
        }
        let bytes = self
            .data
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default();
        Ok(DexStr {
            bytes,
            utf16_len: span.utf16_len,
        })
    }

    /// The string at `idx` decoded, or a placeholder naming the index if it cannot be read.
    pub fn string_lossy(&self, idx: StringIdx) -> Cow<'a, str> {
        match self.string(idx) {
            Ok(s) => s.to_str_lossy(),
            Err(_) => Cow::Owned(format!("<bad string@{}>", idx.0)),
        }
    }

    /// Offset of the string data item of `idx`, as the string id records it.
    pub fn string_data_offset(&self, idx: StringIdx) -> Result<u32, DexError> {
        let offset = self.entry(self.string_ids, StringIdx::TABLE, idx.0, 4)?;
        u32_at(self.data, offset).ok_or(DexError::out_of_bounds("string_id_item", offset as u64))
    }

    /// Index of the descriptor string of a type.
    pub fn type_string(&self, idx: TypeIdx) -> Result<StringIdx, DexError> {
        let offset = self.entry(self.type_ids, TypeIdx::TABLE, idx.0, 4)?;
        u32_at(self.data, offset)
            .map(StringIdx)
            .ok_or(DexError::out_of_bounds("type_id_item", offset as u64))
    }

    /// The descriptor of a type, e.g. `Ljava/lang/String;`.
    pub fn type_descriptor(&self, idx: TypeIdx) -> Result<DexStr<'a>, DexError> {
        self.string(self.type_string(idx)?)
    }

    /// The descriptor of a type decoded, or a placeholder if it cannot be read.
    pub fn type_lossy(&self, idx: TypeIdx) -> Cow<'a, str> {
        match self.type_descriptor(idx) {
            Ok(s) => s.to_str_lossy(),
            Err(_) => Cow::Owned(format!("<bad type@{}>", idx.0)),
        }
    }

    /// A prototype.
    pub fn proto_id(&self, idx: ProtoIdx) -> Result<ProtoId, DexError> {
        let offset = self.entry(self.proto_ids, ProtoIdx::TABLE, idx.0, 12)?;
        let d = self.data;
        Ok(ProtoId {
            shorty: StringIdx(u32_at(d, offset).unwrap_or(NO_INDEX)),
            return_type: TypeIdx(u32_at(d, offset + 4).unwrap_or(NO_INDEX)),
            parameters_off: u32_at(d, offset + 8).unwrap_or(0),
        })
    }

    /// The parameter types of a prototype.
    ///
    /// A method takes at most 255 parameter words, so a longer list is malformed; rejecting it
    /// also keeps prototype descriptors (and everything printed or interned from them) small.
    pub fn proto_parameters(&self, proto: &ProtoId) -> Result<TypeList<'a>, DexError> {
        let list = self.type_list(proto.parameters_off)?;
        if list.len() > MAX_PARAMETERS {
            return Err(DexError::malformed(
                "proto_id_item",
                proto.parameters_off,
                format!("{} parameters, more than a method can take", list.len()),
            ));
        }
        Ok(list)
    }

    /// The descriptor of a prototype, e.g. `(Ljava/lang/String;I)V`.
    ///
    /// Descriptors longer than [`MAX_DESCRIPTOR_LEN`] are rejected: they can only come from
    /// absurd type names, and every instruction naming the prototype would print them again.
    pub fn proto_descriptor(&self, idx: ProtoIdx) -> Result<String, DexError> {
        let proto = self.proto_id(idx)?;
        let mut out = String::from("(");
        for param in self.proto_parameters(&proto)?.iter() {
            out.push_str(&self.type_descriptor(param)?.to_str_lossy());
            if out.len() > MAX_DESCRIPTOR_LEN {
                return Err(DexError::malformed(
                    "proto_id_item",
                    proto.parameters_off,
                    "descriptor too long",
                ));
            }
        }
        out.push(')');
        out.push_str(&self.type_descriptor(proto.return_type)?.to_str_lossy());
        if out.len() > MAX_DESCRIPTOR_LEN {
            return Err(DexError::malformed(
                "proto_id_item",
                proto.parameters_off,
                "descriptor too long",
            ));
        }
        Ok(out)
    }

    /// A field reference.
    pub fn field_id(&self, idx: FieldIdx) -> Result<FieldId, DexError> {
        let offset = self.entry(self.field_ids, FieldIdx::TABLE, idx.0, 8)?;
        let d = self.data;
        Ok(FieldId {
            class: TypeIdx(u32::from(u16_at(d, offset).unwrap_or(u16::MAX))),
            type_: TypeIdx(u32::from(u16_at(d, offset + 2).unwrap_or(u16::MAX))),
            name: StringIdx(u32_at(d, offset + 4).unwrap_or(NO_INDEX)),
        })
    }

    /// A method reference.
    pub fn method_id(&self, idx: MethodIdx) -> Result<MethodId, DexError> {
        let offset = self.entry(self.method_ids, MethodIdx::TABLE, idx.0, 8)?;
        let d = self.data;
        Ok(MethodId {
            class: TypeIdx(u32::from(u16_at(d, offset).unwrap_or(u16::MAX))),
            proto: ProtoIdx(u32::from(u16_at(d, offset + 2).unwrap_or(u16::MAX))),
            name: StringIdx(u32_at(d, offset + 4).unwrap_or(NO_INDEX)),
        })
    }

    /// The offset of a call site's encoded array.
    pub fn call_site_offset(&self, idx: CallSiteIdx) -> Result<u32, DexError> {
        let offset = self.entry(self.call_site_ids, CallSiteIdx::TABLE, idx.0, 4)?;
        u32_at(self.data, offset).ok_or(DexError::out_of_bounds("call_site_id_item", offset as u64))
    }

    /// A method handle.
    pub fn method_handle(&self, idx: MethodHandleIdx) -> Result<MethodHandle, DexError> {
        let offset = self.entry(self.method_handles, MethodHandleIdx::TABLE, idx.0, 8)?;
        Ok(MethodHandle {
            kind: u16_at(self.data, offset).unwrap_or(u16::MAX),
            target: u32::from(u16_at(self.data, offset + 4).unwrap_or(u16::MAX)),
        })
    }

    /// Position in `class_defs` of the (first) definition of a type, built on first use.
    pub(crate) fn class_def_index_of(&self, class: TypeIdx) -> Option<u32> {
        let map = self.classes_by_type.get_or_init(|| {
            let mut map = crate::hash::FxHashMap::default();
            for index in 0..self.class_defs.count {
                if let Ok(offset) = self.class_def_offset(index)
                    && let Some(type_idx) = u32_at(self.data, offset)
                {
                    map.entry(type_idx).or_insert(index);
                }
            }
            map
        });
        map.get(&class.0).copied()
    }

    /// Byte offset of the class definition at position `index`.
    pub(crate) fn class_def_offset(&self, index: u32) -> Result<usize, DexError> {
        self.entry(self.class_defs, "class_defs", index, 32)
    }

    /// A `type_list` at `offset`; offset 0 is the empty list.
    pub fn type_list(&self, offset: u32) -> Result<TypeList<'a>, DexError> {
        if offset == 0 {
            return Ok(TypeList::default());
        }
        let start = offset as usize;
        let size = u32_at(self.data, start).ok_or(DexError::out_of_bounds("type_list", offset))?;
        let bytes = (size as usize)
            .checked_mul(2)
            .ok_or(DexError::out_of_bounds("type_list", offset))?;
        let entries = Cursor::new(self.data, start + 4)
            .bytes(bytes)
            .ok_or(DexError::out_of_bounds("type_list", offset))?;
        Ok(TypeList { entries })
    }
}

fn parse_version(bytes: &[u8]) -> u32 {
    match bytes {
        [a @ b'0'..=b'9', b @ b'0'..=b'9', c @ b'0'..=b'9', 0] => {
            u32::from(a - b'0') * 100 + u32::from(b - b'0') * 10 + u32::from(c - b'0')
        }
        _ => 0,
    }
}

fn checked_table(
    data: &[u8],
    name: &'static str,
    section: Section,
    item_size: usize,
    max: u32,
    sink: &mut AnomalySink,
) -> Table {
    if section.size == 0 {
        return Table::default();
    }
    let offset = section.offset as usize;
    if offset >= data.len() {
        sink.push(
            Anomaly::new(
                AnomalyKind::SectionOutOfBounds,
                format!(
                    "{name} at {offset:#x} ({} items) starts outside the file",
                    section.size
                ),
            )
            .at(offset as u64),
        );
        return Table::default();
    }
    if !offset.is_multiple_of(4) {
        sink.push(
            Anomaly::new(
                AnomalyKind::Misaligned,
                format!("{name} at {offset:#x} is not 4-byte aligned"),
            )
            .at(offset as u64),
        );
    }
    let fits = ((data.len() - offset) / item_size).min(u32::MAX as usize) as u32;
    let mut count = section.size;
    if count > fits {
        sink.push(
            Anomaly::new(
                AnomalyKind::CountCapped,
                format!(
                    "{name} declares {} items but only {fits} fit in the file",
                    section.size
                ),
            )
            .at(offset as u64),
        );
        count = fits;
    }
    if count > max {
        sink.push(
            Anomaly::new(
                AnomalyKind::CountCapped,
                format!("{name} declares {count} items, more than the format allows ({max})"),
            )
            .at(offset as u64),
        );
        count = max;
    }
    Table { offset, count }
}

fn compare_map(item: &MapItem, header: Section, name: &'static str, sink: &mut AnomalySink) {
    if item.size != header.size || (item.size != 0 && item.offset != header.offset) {
        sink.push(Anomaly::new(
            AnomalyKind::BadMap,
            format!(
                "map says {name} has {} items at {:#x}, the header says {} at {:#x}",
                item.size, item.offset, header.size, header.offset
            ),
        ));
    }
}

fn read_map(data: &[u8], header: &Header, sink: &mut AnomalySink) -> Vec<MapItem> {
    let offset = header.map_off as usize;
    if header.map_off == 0 {
        sink.push(Anomaly::new(
            AnomalyKind::BadMap,
            "map_off is 0, the file has no map list",
        ));
        return Vec::new();
    }
    let Some(size) = u32_at(data, offset) else {
        sink.push(
            Anomaly::new(
                AnomalyKind::BadMap,
                format!("map list at {offset:#x} is outside the file"),
            )
            .at(offset as u64),
        );
        return Vec::new();
    };
    let fits = data.len().saturating_sub(offset + 4) / 12;
    let mut count = size as usize;
    if count > fits {
        sink.push(
            Anomaly::new(
                AnomalyKind::CountCapped,
                format!("map list declares {size} items but only {fits} fit"),
            )
            .at(offset as u64),
        );
        count = fits;
    }
    let mut items = Vec::with_capacity(count);
    for i in 0..count {
        let at = offset + 4 + i * 12;
        items.push(MapItem {
            item_type: u16_at(data, at).unwrap_or(u16::MAX),
            size: u32_at(data, at + 4).unwrap_or(0),
            offset: u32_at(data, at + 8).unwrap_or(0),
        });
    }
    items
}

/// Locates every string's bytes in one pass. String ids are visited in order of their data
/// offsets, and the search for a terminating NUL resumes where the previous one stopped when
/// the data overlaps, so hostile pools whose strings overlap cannot make this quadratic.
fn build_string_table(data: &[u8], ids: Table) -> StringTable {
    let count = ids.count as usize;
    let mut spans = vec![StringSpan::BAD; count];
    let mut starts: Vec<(u32, u32, u32)> = Vec::with_capacity(count);
    for (i, span) in spans.iter_mut().enumerate() {
        let Some(data_off) = u32_at(data, ids.offset + i * 4) else {
            continue;
        };
        let mut cursor = Cursor::new(data, data_off as usize);
        let Some(utf16_len) = cursor.uleb128() else {
            continue;
        };
        let start = cursor.pos();
        if start > data.len() || start > u32::MAX as usize {
            continue;
        }
        span.utf16_len = utf16_len;
        starts.push((start as u32, i as u32, utf16_len));
    }
    starts.sort_unstable();
    // `nul` is the position of the first NUL at or after the last start searched; `None` means
    // there was no NUL up to the end of the input.
    let mut last_search: Option<(usize, Option<usize>)> = None;
    for (start, i, utf16_len) in starts {
        let start = start as usize;
        let nul = match last_search {
            Some((_, Some(nul))) if nul >= start => Some(nul),
            Some((_, None)) => None,
            _ => data
                .get(start..)
                .and_then(|rest| rest.iter().position(|&b| b == 0))
                .map(|p| start + p),
        };
        last_search = Some((start, nul));
        if let (Some(nul), Some(span)) = (nul, spans.get_mut(i as usize))
            && nul <= u32::MAX as usize
        {
            *span = StringSpan {
                start: start as u32,
                end: nul as u32,
                utf16_len,
            };
        }
    }
    StringTable { spans }
}

/// Adler-32 as the DEX header uses it.
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 is the largest block for which the sums cannot overflow a u32 before the modulo.
    const BLOCK: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for block in data.chunks(BLOCK) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        let long = vec![0xffu8; 100_000];
        // Same result as summing without blocks, modulo at the end, in u64.
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &long {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&long), ((b << 16) | a) as u32);
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version(b"035\0"), 35);
        assert_eq!(parse_version(b"041\0"), 41);
        assert_eq!(parse_version(b"03x\0"), 0);
        assert_eq!(parse_version(b"035"), 0);
    }

    #[test]
    fn rejects_hopeless_input() {
        assert!(matches!(
            DexFile::parse(b"dex\n035\0"),
            Err(DexError::TooShort { .. })
        ));
        let mut bytes = vec![0u8; 0x70];
        assert!(matches!(
            DexFile::parse(&bytes),
            Err(DexError::BadMagic { .. })
        ));
        bytes[..8].copy_from_slice(b"dex\n035\0");
        bytes[0x28..0x2c].copy_from_slice(&REVERSE_ENDIAN_CONSTANT.to_le_bytes());
        assert!(matches!(
            DexFile::parse(&bytes),
            Err(DexError::UnsupportedEndian { .. })
        ));
    }

    #[test]
    fn empty_header_only_file_opens_with_anomalies() {
        let mut bytes = vec![0u8; 0x70];
        bytes[..8].copy_from_slice(b"dex\n035\0");
        bytes[0x20..0x24].copy_from_slice(&0x70u32.to_le_bytes());
        bytes[0x24..0x28].copy_from_slice(&0x70u32.to_le_bytes());
        bytes[0x28..0x2c].copy_from_slice(&ENDIAN_CONSTANT.to_le_bytes());
        let dex = DexFile::parse(&bytes).expect("opens");
        let kinds: Vec<_> = dex.anomalies().iter().map(|a| a.kind).collect();
        assert!(kinds.contains(&AnomalyKind::BadChecksum));
        assert!(kinds.contains(&AnomalyKind::BadSignature));
        assert!(kinds.contains(&AnomalyKind::BadMap));
        assert_eq!(dex.string_count(), 0);
        assert!(matches!(
            dex.string(StringIdx(0)),
            Err(DexError::IndexOutOfRange { .. })
        ));
    }

    #[test]
    fn overlapping_strings_share_one_search() {
        // Three ids: two overlapping unterminated strings and one good one.
        let mut data = vec![0u8; 64];
        let ids_at = 0usize;
        let pool_at = 16usize;
        for (i, off) in [pool_at as u32, pool_at as u32 + 1, 40].iter().enumerate() {
            data[ids_at + i * 4..ids_at + i * 4 + 4].copy_from_slice(&off.to_le_bytes());
        }
        data[pool_at] = 3;
        data[pool_at + 1..pool_at + 4].copy_from_slice(b"abc");
        data[pool_at + 4] = 0;
        data[40] = 2;
        data[41..43].copy_from_slice(b"hi");
        let table = build_string_table(
            &data,
            Table {
                offset: ids_at,
                count: 3,
            },
        );
        assert_eq!(
            &data[table.spans[0].start as usize..table.spans[0].end as usize],
            b"abc"
        );
        assert_eq!(
            &data[table.spans[1].start as usize..table.spans[1].end as usize],
            b"bc"
        );
        assert_eq!(
            &data[table.spans[2].start as usize..table.spans[2].end as usize],
            b"hi"
        );
    }
}
