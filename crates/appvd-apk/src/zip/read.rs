//! Reading entry data: stored slices without copying, deflate through the budget.

use std::borrow::Cow;

use flate2::{Crc, Decompress, FlushDecompress, Status};

use super::{CompressionMethod, Entry, ZipArchive};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::budget::{BudgetCap, InflateLimits};
use crate::bytes::SharedBytes;
use crate::error::ReadError;

/// Initial output buffer; grown as data arrives, never sized from declared lengths alone.
const INITIAL_CAPACITY: u64 = 64 << 10;
/// Largest single growth of the output buffer.
const MAX_GROWTH: usize = 16 << 20;
/// Spare room kept past the declared size so that the call that reports the end of the stream
/// still has output space.
const STREAM_END_ROOM: usize = 8 << 10;
/// Compressed data at least this long has its mapped pages released once inflated (completely or
/// a prefix): a DEX file, a native library or an asset is read once, and its compressed pages
/// would otherwise stay resident for the rest of the scan next to the inflated copy. Smaller
/// entries share pages with their neighbours and are not worth a system call.
const RELEASE_PAGES_FROM: usize = 64 << 10;

enum Decoded {
    /// A range of the archive's bytes (stored data).
    Slice(std::ops::Range<usize>),
    Owned(Vec<u8>),
}

enum InflateFailure {
    Cap(BudgetCap),
    Corrupt(String),
}

impl ZipArchive {
    /// Reads an entry completely.
    ///
    /// Stored entries are borrowed from the input without copying. Deflated entries are
    /// inflated through the app's [`InflateBudget`](crate::InflateBudget); hitting a cap
    /// returns [`ReadError::Budget`] and records a `budget.*` anomaly.
    ///
    /// Entries with an unknown compression method are read the way Android's framework
    /// reads them, as stored bytes. When those bytes do not match the declared CRC-32
    /// but the data is a valid deflate stream that does, the inflated data is returned
    /// instead, because then the method id was merely falsified. The CRC-32 is checked
    /// on every complete read; a mismatch is recorded, and the data still returned.
    pub fn read(&self, entry: &Entry) -> Result<Cow<'_, [u8]>, ReadError> {
        Ok(match self.decode(entry, None)? {
            Decoded::Slice(range) => Cow::Borrowed(self.data.get(range).unwrap_or_default()),
            Decoded::Owned(vec) => Cow::Owned(vec),
        })
    }

    /// Like [`read`](Self::read) but returns bytes that can outlive the borrow of the
    /// archive (stored data still shares the input instead of being copied); used to
    /// open APKs nested in bundles.
    pub fn read_shared(&self, entry: &Entry) -> Result<SharedBytes, ReadError> {
        match self.decode(entry, None)? {
            Decoded::Slice(range) => self
                .data
                .slice(range)
                .ok_or_else(|| ReadError::OutOfBounds {
                    entry: entry.name.clone(),
                }),
            Decoded::Owned(vec) => Ok(SharedBytes::from_vec(vec)),
        }
    }

    /// Reads at most `max_len` bytes from the start of an entry (to sniff file magic)
    /// without inflating the rest. No CRC check is possible on a prefix.
    pub fn read_prefix(&self, entry: &Entry, max_len: usize) -> Result<Cow<'_, [u8]>, ReadError> {
        Ok(match self.decode(entry, Some(max_len))? {
            Decoded::Slice(range) => {
                let end = range.end.min(range.start.saturating_add(max_len));
                Cow::Borrowed(self.data.get(range.start..end).unwrap_or_default())
            }
            Decoded::Owned(mut vec) => {
                vec.truncate(max_len);
                Cow::Owned(vec)
            }
        })
    }

    /// Reads the entry [`by_name`](Self::by_name) resolves.
    pub fn read_by_name(&self, name: &str) -> Result<Cow<'_, [u8]>, ReadError> {
        let entry = self
            .by_name(name)
            .ok_or_else(|| ReadError::NotFound(name.to_owned()))?;
        self.read(entry)
    }

    /// The compressed bytes of an entry as they are in the input (clamped to its end).
    pub fn raw_data(&self, entry: &Entry) -> Option<&[u8]> {
        let range = self.compressed_range(entry)?;
        self.data.get(range)
    }

    fn compressed_range(&self, entry: &Entry) -> Option<std::ops::Range<usize>> {
        let start = usize::try_from(entry.data_offset?).ok()?;
        if start > self.data.len() {
            return None;
        }
        let len = usize::try_from(entry.compressed_size).unwrap_or(usize::MAX);
        Some(start..start.saturating_add(len).min(self.data.len()))
    }

    /// Range of stored data: Android copies `uncompressed_size` bytes from the data offset,
    /// so that is used when it fits, else the compressed size.
    fn stored_range(&self, entry: &Entry) -> Option<std::ops::Range<usize>> {
        let start = usize::try_from(entry.data_offset?).ok()?;
        let fits = |len: u64| {
            usize::try_from(len)
                .ok()
                .and_then(|len| start.checked_add(len))
                .filter(|&end| end <= self.data.len())
        };
        let end = fits(entry.uncompressed_size).or_else(|| fits(entry.compressed_size))?;
        Some(start..end)
    }

    fn decode(&self, entry: &Entry, prefix: Option<usize>) -> Result<Decoded, ReadError> {
        let out_of_bounds = || ReadError::OutOfBounds {
            entry: entry.name.clone(),
        };
        match entry.method {
            CompressionMethod::Stored => {
                let range = self.stored_range(entry).ok_or_else(out_of_bounds)?;
                if prefix.is_none() {
                    self.check_crc(entry, self.data.get(range.clone()).unwrap_or_default());
                }
                Ok(Decoded::Slice(range))
            }
            CompressionMethod::Deflated => {
                let range = self.compressed_range(entry).ok_or_else(out_of_bounds)?;
                let input = self.data.get(range.clone()).unwrap_or_default();
                let inflated = self.inflate_entry(entry, input, prefix);
                if range.len() >= RELEASE_PAGES_FROM {
                    self.data.release_range_pages(range);
                }
                let out = inflated?;
                if prefix.is_none() {
                    self.check_inflated(entry, &out);
                }
                Ok(Decoded::Owned(out))
            }
            CompressionMethod::Unknown(id) => self.decode_unknown(entry, id),
        }
    }

    fn decode_unknown(&self, entry: &Entry, id: u16) -> Result<Decoded, ReadError> {
        let stored = self.stored_range(entry);
        if let Some(range) = &stored
            && crc32(self.data.get(range.clone()).unwrap_or_default()) == entry.crc32
        {
            return Ok(Decoded::Slice(range.clone()));
        }
        if let Some(range) = self.compressed_range(entry) {
            let input = self.data.get(range).unwrap_or_default();
            let limits = self.budget.limits();
            if let Ok(out) = inflate(input, entry.uncompressed_size, None, &limits, &mut |n| {
                self.budget.charge(n)
            }) && crc32(&out) == entry.crc32
            {
                self.record_once(
                    AnomalyKind::UnknownCompressionMethod,
                    entry,
                    format!(
                        "data under compression method {id} is really deflate; it was inflated"
                    ),
                );
                return Ok(Decoded::Owned(out));
            }
        }
        let range = stored.ok_or_else(|| ReadError::OutOfBounds {
            entry: entry.name.clone(),
        })?;
        self.check_crc(entry, self.data.get(range.clone()).unwrap_or_default());
        Ok(Decoded::Slice(range))
    }

    fn inflate_entry(
        &self,
        entry: &Entry,
        input: &[u8],
        prefix: Option<usize>,
    ) -> Result<Vec<u8>, ReadError> {
        let limits = self.budget.limits();
        inflate(input, entry.uncompressed_size, prefix, &limits, &mut |n| {
            self.budget.charge(n)
        })
        .map_err(|failure| match failure {
            InflateFailure::Cap(cap) => {
                let (kind, limit) = match cap {
                    BudgetCap::TotalBytes => (AnomalyKind::TotalSizeCap, limits.max_total_bytes),
                    BudgetCap::EntryBytes => (AnomalyKind::EntrySizeCap, limits.max_entry_bytes),
                    BudgetCap::Ratio => (AnomalyKind::RatioCap, limits.max_ratio),
                };
                self.record_once(
                    kind,
                    entry,
                    format!(
                        "inflating stopped at the {cap} cap ({limit}); the entry was not analysed"
                    ),
                );
                ReadError::Budget {
                    entry: entry.name.clone(),
                    cap,
                    limit,
                }
            }
            InflateFailure::Corrupt(reason) => {
                self.record_once(
                    AnomalyKind::CorruptData,
                    entry,
                    format!("deflate data is corrupt: {reason}"),
                );
                ReadError::Corrupt {
                    entry: entry.name.clone(),
                    reason,
                }
            }
        })
    }

    fn check_inflated(&self, entry: &Entry, out: &[u8]) {
        if out.len() as u64 != entry.uncompressed_size {
            self.record_once(
                AnomalyKind::InflatedSizeMismatch,
                entry,
                format!(
                    "inflated to {} bytes, {} declared",
                    out.len(),
                    entry.uncompressed_size
                ),
            );
        }
        self.check_crc(entry, out);
    }

    fn check_crc(&self, entry: &Entry, data: &[u8]) {
        let actual = crc32(data);
        if actual != entry.crc32 {
            self.record_once(
                AnomalyKind::CrcMismatch,
                entry,
                format!(
                    "data has CRC-32 {actual:#010x}, the central directory says {:#010x}",
                    entry.crc32
                ),
            );
        }
    }

    fn record_once(&self, kind: AnomalyKind, entry: &Entry, message: String) {
        let anomaly = Anomaly::new(kind, message)
            .with_entry(entry.name.clone())
            .at(entry.local_header_offset);
        if !self.log.contains(&anomaly) {
            self.log.push(anomaly);
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = Crc::new();
    crc.update(data);
    crc.sum()
}

/// Inflates a raw deflate stream, checking every cap after each chunk so that no more
/// than one chunk is ever produced past a cap.
fn inflate(
    input: &[u8],
    declared: u64,
    prefix: Option<usize>,
    limits: &InflateLimits,
    charge: &mut dyn FnMut(u64) -> Result<(), BudgetCap>,
) -> Result<Vec<u8>, InflateFailure> {
    let initial = declared
        .min(INITIAL_CAPACITY)
        .min(prefix.map_or(u64::MAX, |p| p as u64));
    let mut out: Vec<u8> = Vec::with_capacity(usize::try_from(initial).unwrap_or(0));
    let mut stream = Decompress::new(false);
    loop {
        if out.capacity() - out.len() < 4096 {
            let doubling = out.len().clamp(INITIAL_CAPACITY as usize, MAX_GROWTH);
            // Growth stops at the declared size (plus room for the end of the stream) instead of
            // doubling past it: the buffer of a large entry is kept for the whole scan. Past a
            // declared size that was too small, the buffer doubles again.
            let declared = usize::try_from(declared).unwrap_or(usize::MAX);
            let growth = match declared.checked_sub(out.len()) {
                Some(missing) if missing > 0 => {
                    doubling.min(missing.saturating_add(STREAM_END_ROOM))
                }
                _ => doubling,
            };
            out.reserve_exact(growth);
        }
        let consumed_before = stream.total_in();
        let produced_before = stream.total_out();
        let offset = usize::try_from(consumed_before).unwrap_or(usize::MAX);
        let rest = input.get(offset..).unwrap_or_default();
        let status = stream
            .decompress_vec(rest, &mut out, FlushDecompress::None)
            .map_err(|e| InflateFailure::Corrupt(e.to_string()))?;
        let produced = stream.total_out() - produced_before;
        charge(produced).map_err(InflateFailure::Cap)?;
        let total = out.len() as u64;
        if total > limits.max_entry_bytes {
            return Err(InflateFailure::Cap(BudgetCap::EntryBytes));
        }
        if total > limits.ratio_grace_bytes && total / stream.total_in().max(1) > limits.max_ratio {
            return Err(InflateFailure::Cap(BudgetCap::Ratio));
        }
        if let Some(limit) = prefix
            && out.len() >= limit
        {
            return Ok(out);
        }
        match status {
            Status::StreamEnd => return Ok(out),
            Status::Ok | Status::BufError => {
                if produced == 0 && stream.total_in() == consumed_before {
                    let reason = if rest.is_empty() {
                        "the stream ends early"
                    } else {
                        "the stream makes no progress"
                    };
                    return Err(InflateFailure::Corrupt(reason.to_owned()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::DeflateEncoder;

    use super::*;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn unlimited() -> InflateLimits {
        InflateLimits {
            max_total_bytes: u64::MAX,
            max_entry_bytes: u64::MAX,
            max_ratio: u64::MAX,
            ratio_grace_bytes: 0,
        }
    }

    #[test]
    fn round_trip_and_prefix() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let packed = deflate(&data);
        let out = inflate(&packed, data.len() as u64, None, &unlimited(), &mut |_| {
            Ok(())
        })
        .ok()
        .unwrap();
        assert_eq!(out, data);
        let head = inflate(
            &packed,
            data.len() as u64,
            Some(10),
            &unlimited(),
            &mut |_| Ok(()),
        )
        .ok()
        .unwrap();
        assert_eq!(&head[..10], &data[..10]);
        assert!(head.len() < data.len());
    }

    #[test]
    fn declared_size_bounds_the_buffer_but_not_the_output() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 253) as u8).collect();
        let packed = deflate(&data);
        let run = |declared: u64| {
            inflate(&packed, declared, None, &unlimited(), &mut |_| Ok(()))
                .ok()
                .unwrap()
        };
        let exact = run(data.len() as u64);
        assert_eq!(exact, data);
        assert!(exact.capacity() <= data.len() + STREAM_END_ROOM);
        for declared in [0, 1, 100_000, data.len() as u64 - 1, 1 << 40, u64::MAX] {
            assert_eq!(run(declared), data, "declared {declared}");
        }
    }

    #[test]
    fn caps_stop_inflating() {
        let zeros = vec![0u8; 8 << 20];
        let packed = deflate(&zeros);
        let entry_cap = InflateLimits {
            max_entry_bytes: 1 << 20,
            ..unlimited()
        };
        assert!(matches!(
            inflate(&packed, 0, None, &entry_cap, &mut |_| Ok(())),
            Err(InflateFailure::Cap(BudgetCap::EntryBytes))
        ));
        let ratio_cap = InflateLimits {
            max_ratio: 100,
            ratio_grace_bytes: 1 << 20,
            ..unlimited()
        };
        assert!(matches!(
            inflate(&packed, 0, None, &ratio_cap, &mut |_| Ok(())),
            Err(InflateFailure::Cap(BudgetCap::Ratio))
        ));
        let mut used = 0u64;
        let result = inflate(&packed, 0, None, &unlimited(), &mut |n| {
            used += n;
            if used > (2 << 20) {
                Err(BudgetCap::TotalBytes)
            } else {
                Ok(())
            }
        });
        assert!(matches!(
            result,
            Err(InflateFailure::Cap(BudgetCap::TotalBytes))
        ));
    }

    #[test]
    fn corrupt_and_truncated_streams_are_errors() {
        let packed = deflate(b"hello hello hello hello");
        assert!(matches!(
            inflate(
                &packed[..packed.len() / 2],
                23,
                None,
                &unlimited(),
                &mut |_| Ok(())
            ),
            Err(InflateFailure::Corrupt(_))
        ));
        assert!(matches!(
            inflate(&[0xff; 16], 23, None, &unlimited(), &mut |_| Ok(())),
            Err(InflateFailure::Corrupt(_))
        ));
        assert!(matches!(
            inflate(&[], 23, None, &unlimited(), &mut |_| Ok(())),
            Err(InflateFailure::Corrupt(_))
        ));
    }
}
