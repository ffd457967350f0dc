//! The lenient ZIP reader.
//!
//! Android takes the central directory as the truth and tolerates local headers that
//! disagree with it; so does [`ZipArchive`]. Every deviation is recorded as an
//! [`Anomaly`] instead of failing, and only inputs without a usable end record or
//! central directory are errors.
//!
//! Decisions, and the Android behaviour behind them:
//!
//! * **End record**: the one nearest the end wins, as in libziparchive; unlike it, the
//!   search goes on past the 64 KiB comment window and over candidates whose central
//!   directory cannot be where they say (fake records in comments).
//! * **Central directory**: read at the declared offset, or right before the end record
//!   when bytes were prepended (all offsets are then shifted). The declared entry count
//!   is obeyed; records after it are reported, not listed, because Android never sees them.
//! * **Local headers**: only their name and extra lengths are used, to find the data;
//!   name, method, flags, sizes and CRC come from the central directory, and every
//!   disagreement is reported (the "BadPack" trick).
//! * **Compression methods** other than stored and deflate are read as stored, as the
//!   framework does (the "SoumniBot" trick); when those bytes fail the CRC but inflate to
//!   data that passes it, the inflated data is used.
//! * **Encryption flag**: ignored, as Android ignores it.
//! * **Duplicate names**: the first record wins, as libziparchive's lookup did; current
//!   Android refuses to install such APKs, older versions disagreed between verifier and
//!   loader ("Master Key").
//! * **Stored length**: the uncompressed size, as libziparchive copies it, falling back to
//!   the compressed size when only that fits.
//! * **CRC-32**: checked on every complete read; a mismatch is reported and the data is
//!   still returned.

mod eocd;
mod read;

use std::path::Path;

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyKind, AnomalyLog};
use crate::budget::InflateBudget;
use crate::bytes::SharedBytes;
use crate::error::OpenError;
use crate::le::{u16_at, u32_at, u64_at};

const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const DESCRIPTOR_SIGNATURE: u32 = 0x0807_4b50;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
const FLAG_ENCRYPTED: u16 = 0x0001;
const FLAG_DATA_DESCRIPTOR: u16 = 0x0008;
const FLAG_STRONG_ENCRYPTION: u16 = 0x0040;
/// How many extra record names an [`AnomalyKind::ExtraCentralRecords`] message lists.
const LISTED_HIDDEN_NAMES: usize = 8;

/// Compression method of an entry as declared in the central directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompressionMethod {
    /// Method 0.
    Stored,
    /// Method 8.
    Deflated,
    /// Any other id. Android's framework reads such entries as stored; see
    /// [`ZipArchive::read`].
    Unknown(u16),
}

impl CompressionMethod {
    fn from_id(id: u16) -> Self {
        match id {
            0 => CompressionMethod::Stored,
            8 => CompressionMethod::Deflated,
            other => CompressionMethod::Unknown(other),
        }
    }

    /// The numeric id.
    pub fn id(self) -> u16 {
        match self {
            CompressionMethod::Stored => 0,
            CompressionMethod::Deflated => 8,
            CompressionMethod::Unknown(id) => id,
        }
    }
}

/// One central directory record, with the facts the local header added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Position in the central directory.
    pub index: usize,
    /// The name, with invalid UTF-8 replaced by U+FFFD (see [`Entry::raw_name`]).
    pub name: String,
    /// The name's bytes as stored, kept only when they are not valid UTF-8 (otherwise they are
    /// `name`'s bytes).
    #[serde(skip)]
    invalid_name: Option<Box<[u8]>>,
    /// Declared compression method.
    pub method: CompressionMethod,
    /// General-purpose flags from the central directory.
    pub flags: u16,
    /// Declared CRC-32.
    pub crc32: u32,
    /// Declared compressed size.
    pub compressed_size: u64,
    /// Declared uncompressed size.
    pub uncompressed_size: u64,
    /// Offset of the local header in the input (after correcting for prepended bytes).
    pub local_header_offset: u64,
    /// Offset of the data, when the local header could be read.
    pub data_offset: Option<u64>,
    /// Name ends with `/`.
    pub is_directory: bool,
    /// Bit 3 is set: sizes and CRC follow the data in a data descriptor.
    pub has_data_descriptor: bool,
    /// When an earlier entry has the same name, its index (that earlier entry is the one
    /// [`ZipArchive::by_name`] returns).
    pub duplicate_of: Option<usize>,
    /// Host system and version that wrote the entry.
    pub version_made_by: u16,
    /// Host file attributes.
    pub external_attributes: u32,
}

impl Entry {
    /// The name's bytes as stored.
    pub fn raw_name(&self) -> &[u8] {
        self.invalid_name.as_deref().unwrap_or(self.name.as_bytes())
    }

    /// Whether the general-purpose "encrypted" flag is set (Android ignores it).
    pub fn encryption_flag(&self) -> bool {
        self.flags & FLAG_ENCRYPTED != 0
    }

    /// The file name after the last `/`.
    pub fn file_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// Where the parts of the archive were found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveLayout {
    /// Input length.
    pub len: u64,
    /// Offset of the classic end-of-central-directory record.
    pub eocd_offset: u64,
    /// Where the central directory actually starts.
    pub central_directory_offset: u64,
    /// Declared central directory size.
    pub central_directory_size: u64,
    /// Declared number of entries.
    pub declared_entries: u64,
    /// ZIP64 end records are in use.
    pub zip64: bool,
    /// Bytes by which every declared offset is shifted (non-zero when data was prepended
    /// to an archive without fixing its offsets).
    pub offset_shift: i64,
    /// Offset of the first local header, if any entry has one.
    pub first_local_header: Option<u64>,
}

/// A ZIP archive read leniently, the way Android reads APKs.
///
/// Thread-safe: entries can be read from several threads; lazily found anomalies (CRC,
/// caps) go into an internal, bounded log.
#[derive(Debug)]
pub struct ZipArchive {
    data: SharedBytes,
    entries: Vec<Entry>,
    /// Positions of the first entry of each name, sorted by name.
    by_name: Vec<usize>,
    layout: ArchiveLayout,
    log: AnomalyLog,
    budget: InflateBudget,
}

impl ZipArchive {
    /// Memory-maps and opens a file with a fresh default budget.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        Self::open_with_budget(path, InflateBudget::default())
    }

    /// Memory-maps and opens a file, charging inflates to `budget`.
    pub fn open_with_budget(path: &Path, budget: InflateBudget) -> Result<Self, OpenError> {
        let data = SharedBytes::map_file(path).map_err(|source| OpenError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_shared(data, budget)
    }

    /// Opens an in-memory archive with a fresh default budget.
    pub fn from_bytes(bytes: impl Into<SharedBytes>) -> Result<Self, OpenError> {
        Self::from_shared(bytes.into(), InflateBudget::default())
    }

    /// Opens shared bytes (for example a stored APK inside an XAPK), charging `budget`.
    pub fn from_shared(data: SharedBytes, budget: InflateBudget) -> Result<Self, OpenError> {
        let mut anomalies = Vec::new();
        let end = eocd::locate(&data, &mut anomalies)?;
        let (directory_start, shift) = locate_directory(&data, &end, &mut anomalies)?;
        let mut parser = DirectoryParser {
            data: &data,
            shift,
            budget: &budget,
            anomalies: &mut anomalies,
        };
        let (entries, by_name) = parser.parse(directory_start, &end);
        let first_local_header = entries
            .iter()
            .filter(|e| e.data_offset.is_some())
            .map(|e| e.local_header_offset)
            .min();
        if let Some(first) = first_local_header
            && first > 0
        {
            anomalies.push(
                Anomaly::new(
                    AnomalyKind::PrependedData,
                    format!("{first} bytes precede the first local file header"),
                )
                .at(0),
            );
        }
        let layout = ArchiveLayout {
            len: data.len() as u64,
            eocd_offset: end.offset as u64,
            central_directory_offset: directory_start as u64,
            central_directory_size: end.directory_size,
            declared_entries: end.entries,
            zip64: end.zip64,
            offset_shift: shift,
            first_local_header,
        };
        let log = AnomalyLog::default();
        log.extend(anomalies);
        Ok(ZipArchive {
            data,
            entries,
            by_name,
            layout,
            log,
            budget,
        })
    }

    /// All central directory entries, in directory order (duplicates included).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry Android resolves for `name`: the first one in the central directory.
    pub fn by_name(&self, name: &str) -> Option<&Entry> {
        let found = self
            .by_name
            .binary_search_by(|&i| {
                self.entries
                    .get(i)
                    .map_or(&[][..], Entry::raw_name)
                    .cmp(name.as_bytes())
            })
            .ok()?;
        self.by_name.get(found).and_then(|&i| self.entries.get(i))
    }

    /// Whether an entry of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name(name).is_some()
    }

    /// Where the parts of the archive were found.
    pub fn layout(&self) -> &ArchiveLayout {
        &self.layout
    }

    /// The whole input.
    pub fn bytes(&self) -> &SharedBytes {
        &self.data
    }

    /// The budget inflates are charged to.
    pub fn budget(&self) -> &InflateBudget {
        &self.budget
    }

    /// Every anomaly recorded so far, including those found by reads.
    pub fn anomalies(&self) -> Vec<Anomaly> {
        self.log.snapshot()
    }

    /// How many anomalies of `kind` were seen (kept or not).
    pub fn anomaly_count(&self, kind: AnomalyKind) -> usize {
        self.log.count(kind)
    }
}

/// Finds where the central directory really starts and by how much declared offsets
/// are shifted.
fn locate_directory(
    data: &[u8],
    end: &eocd::EndRecord,
    anomalies: &mut Vec<Anomaly>,
) -> Result<(usize, i64), OpenError> {
    let out_of_bounds = || OpenError::CentralDirectoryOutOfBounds {
        offset: end.directory_offset,
        size: end.directory_size,
        len: data.len(),
    };
    let has_signature = |at: usize| u32_at(data, at) == Some(CENTRAL_SIGNATURE);
    let declared = usize::try_from(end.directory_offset)
        .ok()
        .filter(|&at| at <= data.len());
    if let Some(at) = declared
        && (has_signature(at) || end.entries == 0)
    {
        return Ok((at, 0));
    }
    // Bytes prepended (or removed) before the archive shift everything; the directory
    // still ends right before the end record, so look for it there.
    let size = usize::try_from(end.directory_size).map_err(|_| out_of_bounds())?;
    if let Some(at) = end.directory_end.checked_sub(size)
        && has_signature(at)
    {
        // A ZIP64 offset may be any 64-bit value; a shift that no i64 holds points nowhere.
        let shift = i64::try_from(i128::from(at as u64) - i128::from(end.directory_offset))
            .map_err(|_| out_of_bounds())?;
        anomalies.push(
            Anomaly::new(
                AnomalyKind::CentralDirectoryRelocated,
                format!(
                    "the central directory starts at {at:#x}, not at the declared {:#x}; all offsets are \
                     shifted by {shift}",
                    end.directory_offset
                ),
            )
            .at(at as u64),
        );
        return Ok((at, shift));
    }
    Err(out_of_bounds())
}

struct DirectoryParser<'a> {
    data: &'a [u8],
    shift: i64,
    budget: &'a InflateBudget,
    anomalies: &'a mut Vec<Anomaly>,
}

/// Fields of one central directory record before local-header checks.
struct Record {
    flags: u16,
    method: u16,
    crc32: u32,
    compressed_size: u64,
    uncompressed_size: u64,
    local_offset: u64,
    version_made_by: u16,
    external_attributes: u32,
    name: Box<[u8]>,
    has_zip64_extra: bool,
}

/// Marks every entry whose name an earlier entry already has ([`Entry::duplicate_of`]) and
/// returns the positions of the first entry of each name, sorted by name. Lookups then search
/// this list: no copy of the names, and no hash table whose cost an attacker choosing the names
/// could inflate.
fn first_of_each_name(entries: &mut [Entry]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        let name = |i: usize| entries.get(i).map_or(&[][..], Entry::raw_name);
        name(a).cmp(name(b)).then(a.cmp(&b))
    });
    let mut firsts: Vec<usize> = Vec::with_capacity(order.len());
    for position in order {
        let first = firsts.last().copied().filter(|&f| {
            entries.get(f).map(Entry::raw_name) == entries.get(position).map(Entry::raw_name)
        });
        match first {
            Some(first) => {
                let first_index = entries.get(first).map(|e| e.index);
                if let Some(entry) = entries.get_mut(position) {
                    entry.duplicate_of = first_index;
                }
            }
            None => firsts.push(position),
        }
    }
    firsts
}

impl DirectoryParser<'_> {
    /// The entries in directory order, and the position of the first entry of each name in
    /// name order ([`first_of_each_name`]).
    fn parse(&mut self, start: usize, end: &eocd::EndRecord) -> (Vec<Entry>, Vec<usize>) {
        let capacity = usize::try_from(end.entries)
            .unwrap_or(usize::MAX)
            .min(self.data.len().saturating_sub(start) / CENTRAL_LEN);
        let mut entries = Vec::with_capacity(capacity);
        let mut pos = start;
        let mut truncated = false;
        let mut parsed: u64 = 0;
        while parsed < end.entries {
            let Some((record, next)) = self.record_at(pos) else {
                truncated = true;
                self.anomalies.push(
                    Anomaly::new(
                        AnomalyKind::CentralDirectoryTruncated,
                        format!(
                            "the central directory holds only {parsed} of the {} declared records",
                            end.entries
                        ),
                    )
                    .at(pos as u64),
                );
                break;
            };
            let index = entries.len();
            entries.push(self.entry(index, record));
            pos = next;
            parsed += 1;
        }
        let parsed_size = (pos - start) as u64;
        if !truncated && parsed_size != end.directory_size {
            self.anomalies.push(
                Anomaly::new(
                    AnomalyKind::CentralDirectorySizeMismatch,
                    format!(
                        "the central directory is declared as {} bytes but its {parsed} records take {parsed_size}",
                        end.directory_size
                    ),
                )
                .at(start as u64),
            );
        }
        if !truncated {
            self.hidden_records(pos, end.directory_end);
        }
        let by_name = first_of_each_name(&mut entries);
        self.check_names(&entries);
        self.check_overlaps(&entries);
        (entries, by_name)
    }

    /// Records after the declared count: Android never sees them, but they are there.
    fn hidden_records(&mut self, mut pos: usize, directory_end: usize) {
        let mut names = Vec::new();
        let mut count = 0usize;
        while pos < directory_end {
            let Some((record, next)) = self.record_at(pos) else {
                break;
            };
            if names.len() < LISTED_HIDDEN_NAMES {
                names.push(String::from_utf8_lossy(&record.name).into_owned());
            }
            count += 1;
            pos = next;
        }
        if count > 0 {
            self.anomalies.push(Anomaly::new(
                AnomalyKind::ExtraCentralRecords,
                format!(
                    "{count} central directory record(s) follow the declared count and are ignored, as Android \
                     ignores them: {}",
                    names.join(", ")
                ),
            ));
        }
    }

    fn record_at(&self, pos: usize) -> Option<(Record, usize)> {
        let data = self.data;
        if u32_at(data, pos)? != CENTRAL_SIGNATURE {
            return None;
        }
        let name_len = usize::from(u16_at(data, pos + 28)?);
        let extra_len = usize::from(u16_at(data, pos + 30)?);
        let comment_len = usize::from(u16_at(data, pos + 32)?);
        let name_start = pos + CENTRAL_LEN;
        let extra_start = name_start + name_len;
        let next = extra_start + extra_len + comment_len;
        if next > data.len() {
            return None;
        }
        let mut record = Record {
            version_made_by: u16_at(data, pos + 4)?,
            flags: u16_at(data, pos + 8)?,
            method: u16_at(data, pos + 10)?,
            crc32: u32_at(data, pos + 16)?,
            compressed_size: u64::from(u32_at(data, pos + 20)?),
            uncompressed_size: u64::from(u32_at(data, pos + 24)?),
            external_attributes: u32_at(data, pos + 38)?,
            local_offset: u64::from(u32_at(data, pos + 42)?),
            name: data.get(name_start..extra_start)?.into(),
            has_zip64_extra: false,
        };
        if let Some(extra) = data.get(extra_start..extra_start + extra_len) {
            apply_zip64_extra(extra, &mut record);
        }
        Some((record, next))
    }

    fn entry(&mut self, index: usize, record: Record) -> Entry {
        // A valid name becomes the String without a copy; an invalid one keeps its bytes.
        let (name, invalid_name) = match String::from_utf8(record.name.into_vec()) {
            Ok(name) => (name, None),
            Err(error) => {
                let bytes = error.into_bytes();
                (
                    String::from_utf8_lossy(&bytes).into_owned(),
                    Some(bytes.into_boxed_slice()),
                )
            }
        };
        let local_header_offset = shifted(record.local_offset, self.shift);
        let mut entry = Entry {
            index,
            is_directory: name.ends_with('/'),
            name,
            invalid_name,
            method: CompressionMethod::from_id(record.method),
            flags: record.flags,
            crc32: record.crc32,
            compressed_size: record.compressed_size,
            uncompressed_size: record.uncompressed_size,
            local_header_offset,
            data_offset: None,
            has_data_descriptor: record.flags & FLAG_DATA_DESCRIPTOR != 0,
            duplicate_of: None,
            version_made_by: record.version_made_by,
            external_attributes: record.external_attributes,
        };
        self.check_method_and_flags(&entry);
        self.check_local_header(&mut entry, record.has_zip64_extra);
        self.check_sizes(&entry);
        entry
    }

    fn push(&mut self, kind: AnomalyKind, entry: &Entry, message: String) {
        self.anomalies.push(
            Anomaly::new(kind, message)
                .with_entry(entry.name.clone())
                .at(entry.local_header_offset),
        );
    }

    fn check_method_and_flags(&mut self, entry: &Entry) {
        match entry.method {
            CompressionMethod::Unknown(id) => self.push(
                AnomalyKind::UnknownCompressionMethod,
                entry,
                format!(
                    "compression method {id} is neither stored (0) nor deflate (8); Android's framework reads \
                     such entries as stored, tools that honour the method fail"
                ),
            ),
            CompressionMethod::Stored if entry.compressed_size != entry.uncompressed_size => self.push(
                AnomalyKind::StoredSizeMismatch,
                entry,
                format!(
                    "stored entry declares {} compressed but {} uncompressed bytes",
                    entry.compressed_size, entry.uncompressed_size
                ),
            ),
            _ => {}
        }
        if entry.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 {
            self.push(
                AnomalyKind::EncryptionFlag,
                entry,
                format!(
                    "general-purpose flags {:#06x} mark the entry as encrypted; Android ignores the flag and \
                     reads the data as plain, tools that honour it refuse the entry",
                    entry.flags
                ),
            );
        }
    }

    /// Compares the local header with the central directory and finds the data offset.
    fn check_local_header(&mut self, entry: &mut Entry, zip64: bool) {
        let data = self.data;
        let Some(at) = usize::try_from(entry.local_header_offset)
            .ok()
            .filter(|&at| at < data.len())
        else {
            self.push(
                AnomalyKind::EntryOutOfBounds,
                entry,
                format!(
                    "local header offset {:#x} lies outside the {}-byte input",
                    entry.local_header_offset,
                    data.len()
                ),
            );
            return;
        };
        let fields = (|| {
            if u32_at(data, at)? != LOCAL_SIGNATURE {
                return None;
            }
            Some((
                u16_at(data, at + 6)?,
                u16_at(data, at + 8)?,
                u32_at(data, at + 14)?,
                u32_at(data, at + 18)?,
                u32_at(data, at + 22)?,
                usize::from(u16_at(data, at + 26)?),
                usize::from(u16_at(data, at + 28)?),
            ))
        })();
        let Some((flags, method, crc, compressed, uncompressed, name_len, extra_len)) = fields
        else {
            self.push(
                AnomalyKind::LocalHeaderInvalid,
                entry,
                "no local file header at the offset the central directory gives; Android cannot read the entry"
                    .to_owned(),
            );
            return;
        };
        let name_start = at + LOCAL_LEN;
        let data_start = name_start + name_len + extra_len;
        if data_start > data.len() {
            self.push(
                AnomalyKind::LocalHeaderInvalid,
                entry,
                "the local file header runs past the end of the input".to_owned(),
            );
            return;
        }
        entry.data_offset = Some(data_start as u64);
        let local_name = data
            .get(name_start..name_start + name_len)
            .unwrap_or_default();
        if local_name != entry.raw_name() {
            let message = format!(
                "the local header names the entry {:?}",
                String::from_utf8_lossy(local_name)
            );
            self.push(AnomalyKind::LocalNameMismatch, entry, message);
        }
        if method != entry.method.id() {
            self.push(
                AnomalyKind::LocalMethodMismatch,
                entry,
                format!(
                    "the local header says compression method {method}, the central directory {}; the central \
                     directory is used",
                    entry.method.id()
                ),
            );
        }
        if flags != entry.flags {
            self.push(
                AnomalyKind::LocalFlagsMismatch,
                entry,
                format!(
                    "the local header has flags {flags:#06x}, the central directory {:#06x}",
                    entry.flags
                ),
            );
        }
        let local_descriptor = flags & FLAG_DATA_DESCRIPTOR != 0;
        if !local_descriptor && !zip64 {
            if u64::from(compressed) != entry.compressed_size
                || u64::from(uncompressed) != entry.uncompressed_size
            {
                self.push(
                    AnomalyKind::LocalSizeMismatch,
                    entry,
                    format!(
                        "the local header gives {compressed}/{uncompressed} compressed/uncompressed bytes, the \
                         central directory {}/{}; the central directory is used",
                        entry.compressed_size, entry.uncompressed_size
                    ),
                );
            }
            if crc != entry.crc32 {
                self.push(
                    AnomalyKind::LocalCrcMismatch,
                    entry,
                    format!(
                        "the local header gives CRC-32 {crc:#010x}, the central directory {:#010x}",
                        entry.crc32
                    ),
                );
            }
        }
        if local_descriptor || entry.has_data_descriptor {
            entry.has_data_descriptor = true;
            self.check_descriptor(entry, data_start, zip64);
        }
    }

    fn check_descriptor(&mut self, entry: &Entry, data_start: usize, zip64: bool) {
        let Some(at) = usize::try_from(entry.compressed_size)
            .ok()
            .and_then(|size| data_start.checked_add(size))
        else {
            return;
        };
        let data = self.data;
        let at = if u32_at(data, at) == Some(DESCRIPTOR_SIGNATURE) {
            at + 4
        } else {
            at
        };
        let values = if zip64 {
            (
                u32_at(data, at),
                u64_at(data, at + 4),
                u64_at(data, at + 12),
            )
        } else {
            (
                u32_at(data, at),
                u32_at(data, at + 4).map(u64::from),
                u32_at(data, at + 8).map(u64::from),
            )
        };
        let (Some(crc), Some(compressed), Some(uncompressed)) = values else {
            self.push(
                AnomalyKind::DataDescriptorMismatch,
                entry,
                "the data descriptor runs past the end of the input".to_owned(),
            );
            return;
        };
        if crc != entry.crc32
            || compressed != entry.compressed_size
            || uncompressed != entry.uncompressed_size
        {
            self.push(
                AnomalyKind::DataDescriptorMismatch,
                entry,
                format!(
                    "the data descriptor gives CRC-32 {crc:#010x} and {compressed}/{uncompressed} bytes, the \
                     central directory {:#010x} and {}/{}",
                    entry.crc32, entry.compressed_size, entry.uncompressed_size
                ),
            );
        }
    }

    fn check_sizes(&mut self, entry: &Entry) {
        let len = self.data.len() as u64;
        if let Some(start) = entry.data_offset {
            let end = start.saturating_add(entry.compressed_size);
            if end > len {
                self.push(
                    AnomalyKind::EntryOutOfBounds,
                    entry,
                    format!(
                        "{} bytes of data are declared at {start:#x}, past the end of the {len}-byte input",
                        entry.compressed_size
                    ),
                );
            }
        }
        let limits = self.budget.limits();
        if entry.uncompressed_size > limits.max_entry_bytes {
            self.push(
                AnomalyKind::AbsurdSize,
                entry,
                format!(
                    "declares {} uncompressed bytes, above the {}-byte per-entry cap",
                    entry.uncompressed_size, limits.max_entry_bytes
                ),
            );
        } else if entry.method != CompressionMethod::Stored
            && entry.uncompressed_size > limits.ratio_grace_bytes
            && entry.uncompressed_size / entry.compressed_size.max(1) > limits.max_ratio
        {
            self.push(
                AnomalyKind::AbsurdSize,
                entry,
                format!(
                    "declares a compression ratio of {}:1 ({} from {} bytes), above the {}:1 cap",
                    entry.uncompressed_size / entry.compressed_size.max(1),
                    entry.uncompressed_size,
                    entry.compressed_size,
                    limits.max_ratio
                ),
            );
        }
        if entry.is_directory && (entry.uncompressed_size > 0 || entry.compressed_size > 2) {
            self.push(
                AnomalyKind::DirectoryWithData,
                entry,
                format!(
                    "directory entry carries {} bytes of data",
                    entry.uncompressed_size.max(entry.compressed_size)
                ),
            );
        }
    }

    fn check_names(&mut self, entries: &[Entry]) {
        for entry in entries {
            self.check_name(entry);
        }
        let files: foldhash::HashSet<&str> = entries
            .iter()
            .filter(|e| !e.is_directory)
            .map(|e| e.name.as_str())
            .collect();
        for entry in entries {
            let path = entry.name.trim_end_matches('/');
            let conflict = path
                .char_indices()
                .filter(|(_, c)| *c == '/')
                .map(|(i, _)| &path[..i])
                .chain(entry.is_directory.then_some(path))
                .find(|prefix| files.contains(prefix));
            if let Some(prefix) = conflict {
                self.push(
                    AnomalyKind::FileDirectoryConflict,
                    entry,
                    format!("{prefix:?} is a file, yet this entry uses it as a directory"),
                );
            }
        }
        for entry in entries {
            if let Some(first) = entry.duplicate_of {
                let index = entry.index;
                self.push(
                    AnomalyKind::DuplicateEntry,
                    entry,
                    format!(
                        "entry #{index} repeats the name of entry #{first}; this reader resolves the name to the \
                         first, as libziparchive's lookup did. Android 4.4 and later refuse to install such an \
                         APK, and older versions verified one copy and ran the other (\"Master Key\", \
                         CVE-2013-4787)"
                    ),
                );
            }
        }
    }

    fn check_name(&mut self, entry: &Entry) {
        let raw = entry.raw_name();
        if raw.is_empty() {
            self.push(
                AnomalyKind::NameEmpty,
                entry,
                "the entry has an empty name".to_owned(),
            );
            return;
        }
        if std::str::from_utf8(raw).is_err() {
            self.push(
                AnomalyKind::NameNotUtf8,
                entry,
                "the name is not valid UTF-8".to_owned(),
            );
        }
        if raw.contains(&0) {
            self.push(
                AnomalyKind::NameNul,
                entry,
                "the name contains a NUL byte".to_owned(),
            );
        }
        if raw.contains(&b'\\') {
            self.push(
                AnomalyKind::NameBackslash,
                entry,
                "the name contains a backslash, which some extractors treat as a path separator"
                    .to_owned(),
            );
        }
        if raw.first() == Some(&b'/') {
            self.push(
                AnomalyKind::NameAbsolute,
                entry,
                "the name is an absolute path".to_owned(),
            );
        }
        if raw
            .split(|&b| b == b'/' || b == b'\\')
            .any(|part| part == b"..")
        {
            self.push(
                AnomalyKind::NamePathTraversal,
                entry,
                "the name contains a `..` component (path traversal when extracted)".to_owned(),
            );
        }
    }

    fn check_overlaps(&mut self, entries: &[Entry]) {
        let mut spans: Vec<(u64, u64, usize)> = entries
            .iter()
            .filter_map(|e| {
                let start = e.local_header_offset;
                let end = e.data_offset?.saturating_add(e.compressed_size);
                Some((start, end, e.index))
            })
            .collect();
        spans.sort_unstable();
        let mut furthest: Option<(u64, usize)> = None;
        for (start, end, index) in spans {
            if let Some((previous_end, previous)) = furthest
                && start < previous_end
                && let (Some(entry), Some(other)) = (entries.get(index), entries.get(previous))
            {
                let message = format!(
                    "the data overlaps entry #{previous} ({:?}); overlapping entries let a small archive \
                     inflate to many times its size",
                    other.name
                );
                self.push(AnomalyKind::OverlappingEntries, entry, message);
            }
            if furthest.is_none_or(|(previous_end, _)| end > previous_end) {
                furthest = Some((end, index));
            }
        }
    }
}

fn shifted(offset: u64, shift: i64) -> u64 {
    if shift >= 0 {
        offset.saturating_add(shift.unsigned_abs())
    } else {
        offset.saturating_sub(shift.unsigned_abs())
    }
}

/// Replaces saturated 32-bit fields with the values of a ZIP64 extended information field.
fn apply_zip64_extra(extra: &[u8], record: &mut Record) {
    let mut pos = 0;
    while let (Some(id), Some(len)) = (u16_at(extra, pos), u16_at(extra, pos + 2)) {
        let body_start = pos + 4;
        let body_end = body_start + usize::from(len);
        let Some(body) = extra.get(body_start..body_end) else {
            return;
        };
        if id == 0x0001 {
            record.has_zip64_extra = true;
            let mut at = 0;
            let mut take = |field: &mut u64| {
                if *field == u64::from(u32::MAX)
                    && let Some(value) = u64_at(body, at)
                {
                    *field = value;
                    at += 8;
                }
            };
            take(&mut record.uncompressed_size);
            take(&mut record.compressed_size);
            take(&mut record.local_offset);
            return;
        }
        pos = body_end;
    }
}

#[cfg(test)]
mod tests;
