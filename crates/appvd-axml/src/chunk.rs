//! Little-endian reads and the `ResChunk_header` walker shared by AXML and ARSC.
//!
//! Both formats are a tree of chunks: `{ u16 type, u16 header_size, u32 size }` followed by the
//! rest of the header and a body. Android trusts `header_size` to find the body and `size` to
//! find the next chunk, so the walker does the same, and when a chunk header is impossible it
//! scans forward on 4-byte steps for the next plausible chunk instead of giving up.

use crate::anomaly::{Anomalies, AnomalyKind};

pub(crate) const RES_STRING_POOL_TYPE: u16 = 0x0001;
pub(crate) const RES_TABLE_TYPE: u16 = 0x0002;
pub(crate) const RES_XML_TYPE: u16 = 0x0003;
pub(crate) const RES_XML_START_NAMESPACE_TYPE: u16 = 0x0100;
pub(crate) const RES_XML_END_NAMESPACE_TYPE: u16 = 0x0101;
pub(crate) const RES_XML_START_ELEMENT_TYPE: u16 = 0x0102;
pub(crate) const RES_XML_END_ELEMENT_TYPE: u16 = 0x0103;
pub(crate) const RES_XML_CDATA_TYPE: u16 = 0x0104;
pub(crate) const RES_XML_LAST_CHUNK_TYPE: u16 = 0x017f;
pub(crate) const RES_XML_RESOURCE_MAP_TYPE: u16 = 0x0180;
pub(crate) const RES_TABLE_PACKAGE_TYPE: u16 = 0x0200;
pub(crate) const RES_TABLE_TYPE_TYPE: u16 = 0x0201;
pub(crate) const RES_TABLE_TYPE_SPEC_TYPE: u16 = 0x0202;
pub(crate) const RES_TABLE_LIBRARY_TYPE: u16 = 0x0203;
pub(crate) const RES_TABLE_OVERLAYABLE_TYPE: u16 = 0x0204;
pub(crate) const RES_TABLE_OVERLAYABLE_POLICY_TYPE: u16 = 0x0205;
pub(crate) const RES_TABLE_STAGED_ALIAS_TYPE: u16 = 0x0206;

/// Size of `ResChunk_header`.
pub(crate) const CHUNK_HEADER_LEN: usize = 8;

/// The largest header size the resync scan accepts as plausible; real headers are at most a few
/// hundred bytes (a package header is 288).
const MAX_PLAUSIBLE_HEADER: usize = 0x1000;

pub(crate) fn u8_at(data: &[u8], offset: usize) -> Option<u8> {
    data.get(offset).copied()
}

pub(crate) fn u16_at(data: &[u8], offset: usize) -> Option<u16> {
    let bytes = data.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

pub(crate) fn u32_at(data: &[u8], offset: usize) -> Option<u32> {
    let bytes = data.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Reads a fixed-size UTF-16 name (package and library names) up to its first NUL.
pub(crate) fn utf16_name(data: &[u8], offset: usize, units: usize) -> String {
    let mut code_units = Vec::with_capacity(units.min(256));
    for i in 0..units {
        match offset.checked_add(i * 2).and_then(|at| u16_at(data, at)) {
            Some(0) | None => break,
            Some(unit) => code_units.push(unit),
        }
    }
    String::from_utf16_lossy(&code_units)
}

/// One chunk located inside a parent region.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunk<'a> {
    /// `ResChunk_header.type`.
    pub kind: u16,
    /// The header length in use (the declared one when sane).
    pub header_size: usize,
    /// Absolute offset of the chunk in the file, for anomalies.
    pub offset: usize,
    /// The whole chunk, clamped to the available data.
    pub bytes: &'a [u8],
}

impl<'a> Chunk<'a> {
    /// The bytes after the header.
    pub fn body(&self) -> &'a [u8] {
        self.bytes.get(self.header_size..).unwrap_or(&[])
    }
}

/// Walks the chunks of one region, tolerating what Android tolerates and a bit more.
pub(crate) struct ChunkWalker<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    context: &'static str,
    plausible: fn(u16) -> bool,
}

impl<'a> ChunkWalker<'a> {
    /// `data` is the region holding consecutive chunks, `base` its absolute offset in the file,
    /// `plausible` the chunk types expected here (used to resynchronise after garbage).
    pub fn new(
        data: &'a [u8],
        base: usize,
        context: &'static str,
        plausible: fn(u16) -> bool,
    ) -> Self {
        ChunkWalker {
            data,
            pos: 0,
            base,
            context,
            plausible,
        }
    }

    /// Absolute offset of the next chunk.
    pub fn position(&self) -> usize {
        self.base + self.pos
    }

    pub fn next_chunk(&mut self, anomalies: &mut Anomalies) -> Option<Chunk<'a>> {
        loop {
            let remaining = self.data.len().saturating_sub(self.pos);
            if remaining == 0 {
                return None;
            }
            if remaining < CHUNK_HEADER_LEN {
                self.report_trailing(anomalies, remaining);
                self.pos = self.data.len();
                return None;
            }
            let kind = u16_at(self.data, self.pos)?;
            let header_size = usize::from(u16_at(self.data, self.pos + 2)?);
            let size = u32_at(self.data, self.pos + 4)? as usize;
            let at = self.base + self.pos;

            // A chunk is at least its header and its header at least 8 bytes, so every chunk
            // returned moves the walker forward.
            let sane_header = header_size >= CHUNK_HEADER_LEN && header_size <= size;
            if sane_header && size <= remaining {
                if (header_size | size) & 3 != 0 {
                    anomalies.add(AnomalyKind::BadChunkSize, Some(at), || {
                        format!(
                            "{} chunk 0x{kind:04x} has header size {header_size} / size {size}, not multiples of 4",
                            self.context
                        )
                    });
                }
                let chunk = Chunk {
                    kind,
                    header_size,
                    offset: at,
                    bytes: &self.data[self.pos..self.pos + size],
                };
                self.pos += size;
                return Some(chunk);
            }
            if sane_header && (self.plausible)(kind) {
                // A known chunk that runs off the end: the data was cut. Keep what is there.
                anomalies.add(AnomalyKind::Truncated, Some(at), || {
                    format!(
                        "{} chunk 0x{kind:04x} declares {size} bytes but only {remaining} remain",
                        self.context
                    )
                });
                let start = self.pos;
                self.pos = self.data.len();
                if header_size > remaining {
                    return None;
                }
                return Some(Chunk {
                    kind,
                    header_size,
                    offset: at,
                    bytes: &self.data[start..],
                });
            }
            match self.resync_target(self.pos + 4) {
                Some(next) => {
                    let skipped = next - self.pos;
                    anomalies.add(AnomalyKind::GarbageSkipped, Some(at), || {
                        format!(
                            "{} chunk header (type 0x{kind:04x}, header size {header_size}, size {size}) is impossible; skipped {skipped} bytes to the next plausible chunk",
                            self.context
                        )
                    });
                    self.pos = next;
                }
                None => {
                    anomalies.add(AnomalyKind::GarbageSkipped, Some(at), || {
                        format!(
                            "{} chunk header (type 0x{kind:04x}, header size {header_size}, size {size}) is impossible and no chunk follows; ignored the last {remaining} bytes",
                            self.context
                        )
                    });
                    self.pos = self.data.len();
                    return None;
                }
            }
        }
    }

    /// Finds the next 4-byte-aligned (relative to the region) position that holds a plausible
    /// chunk header of an expected type.
    fn resync_target(&self, from: usize) -> Option<usize> {
        let mut pos = from.checked_add(3)? & !3;
        while pos.checked_add(CHUNK_HEADER_LEN)? <= self.data.len() {
            let kind = u16_at(self.data, pos)?;
            if (self.plausible)(kind) {
                let header_size = usize::from(u16_at(self.data, pos + 2)?);
                let size = u32_at(self.data, pos + 4)? as usize;
                if (CHUNK_HEADER_LEN..=MAX_PLAUSIBLE_HEADER).contains(&header_size)
                    && header_size <= size
                    && size <= self.data.len() - pos
                    && (header_size | size) & 3 == 0
                {
                    return Some(pos);
                }
            }
            pos += 4;
        }
        None
    }

    fn report_trailing(&self, anomalies: &mut Anomalies, remaining: usize) {
        let tail = &self.data[self.pos..];
        if u16_at(tail, 0).is_some_and(self.plausible) {
            anomalies.add(AnomalyKind::Truncated, Some(self.position()), || {
                format!(
                    "{} ends inside a chunk header ({remaining} bytes)",
                    self.context
                )
            });
        } else if tail.iter().any(|&b| b != 0) {
            anomalies.add(AnomalyKind::TrailingData, Some(self.position()), || {
                format!(
                    "{} has {remaining} stray bytes after its last chunk",
                    self.context
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: u16, header_size: u16, body: &[u8]) -> Vec<u8> {
        let size = (usize::from(header_size) + body.len()) as u32;
        let mut out = Vec::new();
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&header_size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.resize(usize::from(header_size), 0);
        out.extend_from_slice(body);
        out
    }

    fn any_xml(kind: u16) -> bool {
        kind == RES_STRING_POOL_TYPE
            || (RES_XML_START_NAMESPACE_TYPE..=RES_XML_LAST_CHUNK_TYPE).contains(&kind)
    }

    fn walk(data: &[u8]) -> (Vec<(u16, usize, usize)>, Vec<&'static str>) {
        let mut anomalies = Anomalies::new();
        let mut walker = ChunkWalker::new(data, 0, "test", any_xml);
        let mut seen = Vec::new();
        while let Some(c) = walker.next_chunk(&mut anomalies) {
            seen.push((c.kind, c.offset, c.bytes.len()));
        }
        (
            seen,
            anomalies.into_vec().iter().map(|a| a.kind.id()).collect(),
        )
    }

    #[test]
    fn reads_little_endian_and_refuses_out_of_range() {
        let data = [1u8, 2, 3, 4, 5];
        assert_eq!(u16_at(&data, 0), Some(0x0201));
        assert_eq!(u32_at(&data, 1), Some(0x05040302));
        assert_eq!(u32_at(&data, 2), None);
        assert_eq!(u16_at(&data, usize::MAX), None);
        assert_eq!(u8_at(&data, 5), None);
    }

    #[test]
    fn walks_consecutive_chunks() {
        let mut data = chunk(0x0100, 16, &[0; 8]);
        data.extend(chunk(0x0102, 16, &[0; 20]));
        let (seen, anomalies) = walk(&data);
        assert_eq!(seen, vec![(0x0100, 0, 24), (0x0102, 24, 36)]);
        assert!(anomalies.is_empty());
    }

    #[test]
    fn skips_garbage_to_the_next_plausible_chunk() {
        let mut data = chunk(0x0100, 16, &[0; 8]);
        data.extend_from_slice(&[0xff; 12]);
        data.extend(chunk(0x0103, 16, &[0; 8]));
        let (seen, anomalies) = walk(&data);
        assert_eq!(seen, vec![(0x0100, 0, 24), (0x0103, 36, 24)]);
        assert_eq!(anomalies, vec!["chunk.garbage_skipped"]);
    }

    #[test]
    fn keeps_a_truncated_last_chunk() {
        let mut data = chunk(0x0100, 16, &[0; 8]);
        data.extend(chunk(0x0102, 16, &[0; 20]));
        data.truncate(40);
        let (seen, anomalies) = walk(&data);
        assert_eq!(seen, vec![(0x0100, 0, 24), (0x0102, 24, 16)]);
        assert_eq!(anomalies, vec!["chunk.truncated"]);
    }

    #[test]
    fn reports_stray_tail_bytes() {
        let mut data = chunk(0x0100, 16, &[0; 8]);
        data.extend_from_slice(&[1, 2, 3]);
        let (seen, anomalies) = walk(&data);
        assert_eq!(seen.len(), 1);
        assert_eq!(anomalies, vec!["chunk.trailing_data"]);
    }

    #[test]
    fn zero_size_with_a_valid_header_size_does_not_loop() {
        // Found by fuzzing: header size 8 with chunk size 0 once yielded an endless run of
        // empty chunks.
        let mut data = chunk(0x0100, 16, &[0; 8]);
        data.extend_from_slice(&[0x02, 0x01, 8, 0, 0, 0, 0, 0]);
        data.extend(chunk(0x0103, 16, &[0; 8]));
        let (seen, anomalies) = walk(&data);
        assert_eq!(seen, vec![(0x0100, 0, 24), (0x0103, 32, 24)]);
        assert_eq!(anomalies, vec!["chunk.garbage_skipped"]);
    }

    #[test]
    fn partial_chunk_header_at_the_end_is_truncation() {
        let mut data = chunk(0x0100, 16, &[0; 8]);
        data.extend_from_slice(&[0x02, 0x01, 0x10]);
        let (seen, anomalies) = walk(&data);
        assert_eq!(seen.len(), 1);
        assert_eq!(anomalies, vec!["chunk.truncated"]);
    }

    #[test]
    fn zero_sized_header_does_not_loop() {
        let data = [0u8; 64];
        let (seen, anomalies) = walk(&data);
        assert!(seen.is_empty());
        assert_eq!(anomalies, vec!["chunk.garbage_skipped"]);
    }

    #[test]
    fn reads_utf16_names_until_nul() {
        let mut data = Vec::new();
        for unit in "pkg".encode_utf16().chain([0, 0x41]) {
            data.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(utf16_name(&data, 0, 128), "pkg");
    }
}
