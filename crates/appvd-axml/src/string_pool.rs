//! `ResStringPool`: the string pool chunk used by AXML and ARSC.
//!
//! A pool is an array of offsets into string data, optionally followed by style spans. Strings
//! are either UTF-16 (length in u16 units, one or two units long) or UTF-8 (a UTF-16 length then
//! a UTF-8 byte length, each one or two bytes long). The index is validated once, up front, and
//! strings are decoded on demand, so a 30 MB framework table costs no allocation per string
//! until a string is used.

use std::borrow::Cow;

use crate::anomaly::{Anomalies, AnomalyKind};
use crate::chunk::{Chunk, u16_at, u32_at};

/// `ResStringPool_header` length.
const POOL_HEADER_LEN: usize = 28;
const UTF8_FLAG: u32 = 0x0100;
/// Terminates a style's span list.
const SPAN_END: u32 = 0xffff_ffff;
/// How many 32 KiB steps the search for a truncated UTF-8 length may take (strings up to 2 MiB).
const MAX_LENGTH_STEPS: usize = 64;

/// Location of a string pool inside a file; strings are read from the file on demand.
#[derive(Debug, Clone, Default)]
pub(crate) struct PoolIndex {
    utf8: bool,
    /// Absolute offset of the `u32` string offset array.
    offsets_at: usize,
    /// Number of entries in the offset array that fit in the chunk.
    string_count: usize,
    /// Absolute offset of the string data.
    strings_start: usize,
    /// Absolute end (exclusive) of the string data.
    strings_end: usize,
    /// Absolute offset of the `u32` style offset array.
    style_offsets_at: usize,
    style_count: usize,
    /// Absolute offset of style span data and its end.
    styles_start: usize,
    styles_end: usize,
}

impl PoolIndex {
    /// Indexes a pool chunk. `data` is the whole file; `chunk.offset` is absolute in it.
    pub(crate) fn parse(data: &[u8], chunk: &Chunk<'_>, anomalies: &mut Anomalies) -> PoolIndex {
        let start = chunk.offset;
        let size = chunk.bytes.len();
        let bytes = chunk.bytes;
        let mut index = PoolIndex {
            offsets_at: start,
            strings_start: start,
            strings_end: start,
            ..PoolIndex::default()
        };
        if size < POOL_HEADER_LEN {
            anomalies.add(AnomalyKind::BadStringPoolHeader, Some(start), || {
                format!("string pool chunk is {size} bytes, shorter than its 28-byte header")
            });
            return index;
        }
        if chunk.header_size < POOL_HEADER_LEN {
            anomalies.add(AnomalyKind::BadStringPoolHeader, Some(start), || {
                format!("string pool header size {} is below 28", chunk.header_size)
            });
        }
        let header_size = chunk.header_size.max(POOL_HEADER_LEN);
        let declared_strings = u32_at(bytes, 8).unwrap_or(0) as usize;
        let declared_styles = u32_at(bytes, 12).unwrap_or(0) as usize;
        let flags = u32_at(bytes, 16).unwrap_or(0);
        let strings_start = u32_at(bytes, 20).unwrap_or(0) as usize;
        let styles_start = u32_at(bytes, 24).unwrap_or(0) as usize;
        index.utf8 = flags & UTF8_FLAG != 0;
        index.offsets_at = start + header_size.min(size);

        let room_for_offsets = size.saturating_sub(header_size) / 4;
        index.string_count = declared_strings.min(room_for_offsets);
        if index.string_count < declared_strings {
            anomalies.add(AnomalyKind::BadStringPoolHeader, Some(start), || {
                format!(
                    "string pool declares {declared_strings} strings but only {} offsets fit in the chunk",
                    index.string_count
                )
            });
        }
        index.style_offsets_at = index.offsets_at + index.string_count * 4;
        let room_for_styles = room_for_offsets - index.string_count;
        index.style_count = declared_styles.min(room_for_styles);
        if index.style_count < declared_styles {
            anomalies.add(AnomalyKind::BadStyle, Some(start), || {
                format!(
                    "string pool declares {declared_styles} styles but only {} style offsets fit in the chunk",
                    index.style_count
                )
            });
        }

        let mut styles_usable = index.style_count > 0;
        if styles_usable && (styles_start >= size || styles_start < header_size) {
            anomalies.add(AnomalyKind::BadStyle, Some(start), || {
                format!("style data starts at {styles_start}, outside the {size}-byte string pool")
            });
            styles_usable = false;
        }
        let data_end = if styles_usable { styles_start } else { size };
        if declared_strings > 0 && (strings_start >= data_end || strings_start < header_size) {
            anomalies.add(AnomalyKind::BadStringPoolHeader, Some(start), || {
                format!("string data starts at {strings_start}, outside the pool's string area (..{data_end})")
            });
            index.string_count = 0;
        } else {
            index.strings_start = start + strings_start;
            index.strings_end = start + data_end;
        }
        if styles_usable {
            index.styles_start = start + styles_start;
            index.styles_end = start + size;
        } else {
            index.style_count = 0;
        }
        index.validate(data, anomalies);
        index
    }

    /// Checks every string once so that problems are reported at parse time.
    fn validate(&self, data: &[u8], anomalies: &mut Anomalies) {
        for i in 0..self.string_count {
            match self.locate(data, i) {
                Ok((range, _)) => {
                    if self.utf8 && data.get(range.end) != Some(&0) {
                        anomalies.add(AnomalyKind::BadStringLength, Some(range.start), || {
                            format!("string #{i} has no NUL terminator; kept its declared length")
                        });
                    }
                    let ok = match data.get(range.clone()) {
                        Some(bytes) if self.utf8 => std::str::from_utf8(bytes).is_ok(),
                        Some(bytes) => utf16_is_valid(bytes),
                        None => false,
                    };
                    if !ok {
                        anomalies.add(AnomalyKind::BadStringEncoding, Some(range.start), || {
                            format!(
                                "string #{i} is not valid {}; decoded lossily",
                                if self.utf8 { "UTF-8" } else { "UTF-16" }
                            )
                        });
                    }
                }
                Err((kind, at, why)) => {
                    anomalies.add(kind, Some(at), || format!("string #{i}: {why}"))
                }
            }
        }
        for i in 0..self.style_count {
            if let Err((at, why)) = self.check_style(data, i) {
                anomalies.add(AnomalyKind::BadStyle, Some(at), || {
                    format!("style #{i}: {why}")
                });
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.string_count
    }

    pub(crate) fn is_utf8(&self) -> bool {
        self.utf8
    }

    /// The encoded size in bytes of string `index`, without decoding it (for budgeting).
    pub(crate) fn encoded_len(&self, data: &[u8], index: u32) -> Option<usize> {
        self.locate(data, index as usize)
            .ok()
            .map(|(range, _)| range.len())
    }

    /// The string at `index`, or `None` when the index or its data is out of range.
    pub(crate) fn get<'d>(&self, data: &'d [u8], index: u32) -> Option<Cow<'d, str>> {
        let (range, _) = self.locate(data, index as usize).ok()?;
        let bytes = data.get(range)?;
        if self.utf8 {
            Some(String::from_utf8_lossy(bytes))
        } else {
            let units = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
            Some(Cow::Owned(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect(),
            ))
        }
    }

    /// Walks the span list of style `index`; returns the number of spans.
    fn check_style(&self, data: &[u8], index: usize) -> Result<usize, (usize, String)> {
        let slot = self.style_offsets_at + index * 4;
        let offset =
            u32_at(data, slot).ok_or((slot, "style offset unreadable".to_string()))? as usize;
        let mut at = self
            .styles_start
            .checked_add(offset)
            .ok_or((slot, "style offset overflows".to_string()))?;
        let mut spans = 0;
        loop {
            if at.checked_add(4).is_none_or(|end| end > self.styles_end) {
                return Err((
                    at,
                    format!(
                        "style offset {offset} runs past the style data without a 0xFFFFFFFF end marker"
                    ),
                ));
            }
            if u32_at(data, at) == Some(SPAN_END) {
                return Ok(spans);
            }
            // A span is (name, first char, last char).
            if at + 12 > self.styles_end {
                return Err((at, "span runs past the style data".to_string()));
            }
            spans += 1;
            at += 12;
        }
    }

    /// Byte range of string `index`'s characters (without length prefix or terminator), and its
    /// declared length in characters; or the anomaly that prevents reading it.
    fn locate(
        &self,
        data: &[u8],
        index: usize,
    ) -> Result<(std::ops::Range<usize>, usize), (AnomalyKind, usize, String)> {
        if index >= self.string_count {
            return Err((
                AnomalyKind::StringIndexOutOfRange,
                self.offsets_at,
                format!("index {index} beyond {} strings", self.string_count),
            ));
        }
        let slot = self.offsets_at + index * 4;
        let offset = u32_at(data, slot).ok_or((
            AnomalyKind::StringOffsetOutOfRange,
            slot,
            "offset slot unreadable".to_string(),
        ))? as usize;
        let at = self.strings_start.saturating_add(offset);
        if at >= self.strings_end {
            return Err((
                AnomalyKind::StringOffsetOutOfRange,
                slot,
                format!(
                    "offset {offset} is past the {}-byte string data",
                    self.strings_end - self.strings_start
                ),
            ));
        }
        if self.utf8 {
            self.locate_utf8(data, at)
        } else {
            self.locate_utf16(data, at)
        }
    }

    fn locate_utf16(
        &self,
        data: &[u8],
        at: usize,
    ) -> Result<(std::ops::Range<usize>, usize), (AnomalyKind, usize, String)> {
        let short = |why: &str| (AnomalyKind::BadStringLength, at, why.to_string());
        let first = usize::from(u16_at(data, at).ok_or_else(|| short("length unreadable"))?);
        let (len, chars_at) = if first & 0x8000 != 0 {
            let second =
                usize::from(u16_at(data, at + 2).ok_or_else(|| short("long length unreadable"))?);
            (((first & 0x7fff) << 16) | second, at + 4)
        } else {
            (first, at + 2)
        };
        let end = len
            .checked_mul(2)
            .and_then(|bytes| chars_at.checked_add(bytes));
        match end {
            Some(end) if end <= self.strings_end => Ok((chars_at..end, len)),
            _ => Err((
                AnomalyKind::BadStringLength,
                at,
                format!("UTF-16 length {len} runs past the end of the string data"),
            )),
        }
    }

    fn locate_utf8(
        &self,
        data: &[u8],
        at: usize,
    ) -> Result<(std::ops::Range<usize>, usize), (AnomalyKind, usize, String)> {
        let short = |why: &str| (AnomalyKind::BadStringLength, at, why.to_string());
        let read_len = |pos: usize| -> Option<(usize, usize)> {
            let first = usize::from(*data.get(pos)?);
            if first & 0x80 != 0 {
                let second = usize::from(*data.get(pos + 1)?);
                Some((((first & 0x7f) << 8) | second, pos + 2))
            } else {
                Some((first, pos + 1))
            }
        };
        let (chars, after_u16) = read_len(at).ok_or_else(|| short("UTF-16 length unreadable"))?;
        let (encoded_len, bytes_at) =
            read_len(after_u16).ok_or_else(|| short("UTF-8 length unreadable"))?;
        // Android's stringDecodeAt: long strings written by old aapt have their 15-bit length
        // truncated, so the real end is found by trying encoded_len, encoded_len | 1<<15, ...
        // until a NUL terminator turns up inside the pool.
        let mut step = 0usize;
        while step < MAX_LENGTH_STEPS {
            let len = (step << 15) | encoded_len;
            let Some(end) = bytes_at.checked_add(len) else {
                break;
            };
            if end >= self.strings_end {
                break;
            }
            if data.get(end) == Some(&0) {
                return Ok((bytes_at..end, chars));
            }
            step += 1;
        }
        // No terminator where Android looks for one. Android drops the string; the declared
        // length still fits, so keep it (validate() reports the missing terminator).
        match bytes_at.checked_add(encoded_len) {
            Some(end) if end <= self.strings_end => Ok((bytes_at..end, chars)),
            _ => Err((
                AnomalyKind::BadStringLength,
                at,
                format!("UTF-8 length {encoded_len} runs past the end of the string data"),
            )),
        }
    }
}

fn utf16_is_valid(bytes: &[u8]) -> bool {
    let units = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
    char::decode_utf16(units).all(|c| c.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::RES_STRING_POOL_TYPE;
    use crate::testkit::build_pool;

    fn index(data: &[u8]) -> (PoolIndex, Vec<&'static str>) {
        let mut anomalies = Anomalies::new();
        let chunk = Chunk {
            kind: RES_STRING_POOL_TYPE,
            header_size: 28,
            offset: 0,
            bytes: data,
        };
        let pool = PoolIndex::parse(data, &chunk, &mut anomalies);
        (
            pool,
            anomalies.into_vec().iter().map(|a| a.kind.id()).collect(),
        )
    }

    #[test]
    fn decodes_utf16_and_utf8_pools() {
        let strings = ["", "manifest", "Grüße 𝄞", "中文"];
        for utf8 in [false, true] {
            let data = build_pool(&strings, utf8);
            let (pool, anomalies) = index(&data);
            assert!(anomalies.is_empty(), "{anomalies:?}");
            assert_eq!(pool.len(), 4);
            assert_eq!(pool.is_utf8(), utf8);
            for (i, s) in strings.iter().enumerate() {
                assert_eq!(pool.get(&data, i as u32).as_deref(), Some(*s));
            }
            assert_eq!(pool.get(&data, 4), None);
        }
    }

    #[test]
    fn decodes_long_lengths() {
        let long = "x".repeat(0x9000);
        for utf8 in [false, true] {
            let data = build_pool(&[&long, "after"], utf8);
            let (pool, anomalies) = index(&data);
            assert!(anomalies.is_empty(), "{anomalies:?}");
            assert_eq!(pool.get(&data, 0).map(|s| s.len()), Some(0x9000));
            assert_eq!(pool.get(&data, 1).as_deref(), Some("after"));
        }
    }

    #[test]
    fn recovers_truncated_utf8_length_like_android() {
        // Old aapt wrote (len & 0x7fff) for long UTF-8 strings; the NUL search finds the end.
        let long = "y".repeat(0x8000 + 5);
        let mut data = build_pool(&[&long], true);
        let len_at = 28 + 4 + 2; // after the two-byte UTF-16 length
        data[len_at] = 0x80;
        data[len_at + 1] = 5;
        let (pool, anomalies) = index(&data);
        assert!(anomalies.is_empty(), "{anomalies:?}");
        assert_eq!(pool.get(&data, 0).map(|s| s.len()), Some(0x8005));
    }

    #[test]
    fn out_of_range_offsets_are_reported_and_skipped() {
        let mut data = build_pool(&["a", "b"], false);
        data[28 + 4..28 + 8].copy_from_slice(&0x1000u32.to_le_bytes());
        let (pool, anomalies) = index(&data);
        assert_eq!(anomalies, vec!["strings.offset_out_of_range"]);
        assert_eq!(pool.get(&data, 0).as_deref(), Some("a"));
        assert_eq!(pool.get(&data, 1), None);
    }

    #[test]
    fn impossible_counts_are_clamped() {
        let mut data = build_pool(&["a"], true);
        data[8..12].copy_from_slice(&0xffff_ffffu32.to_le_bytes());
        let (pool, anomalies) = index(&data);
        assert!(anomalies.contains(&"strings.bad_header"));
        assert!(pool.len() <= data.len() / 4);
    }

    #[test]
    fn bad_style_offsets_do_not_hide_strings() {
        let mut data = build_pool(&["a", "b"], true);
        data[12..16].copy_from_slice(&1u32.to_le_bytes()); // one style
        data[24..28].copy_from_slice(&0xfff0u32.to_le_bytes()); // outside the chunk
        let (pool, anomalies) = index(&data);
        assert!(anomalies.contains(&"strings.bad_style"));
        assert_eq!(pool.get(&data, 1).as_deref(), Some("b"));
    }

    #[test]
    fn invalid_utf16_is_lossy() {
        let mut data = build_pool(&["ab"], false);
        // Replace 'a' with a lone high surrogate.
        data[28 + 4 + 2..28 + 4 + 4].copy_from_slice(&0xd800u16.to_le_bytes());
        let (pool, anomalies) = index(&data);
        assert_eq!(anomalies, vec!["strings.bad_encoding"]);
        assert_eq!(pool.get(&data, 0).as_deref(), Some("\u{fffd}b"));
    }
}
