//! The APK Signing Block: located right before the central directory, framed by two
//! equal size fields and the magic `APK Sig Block 42`, holding id-value pairs.

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::le::{Cursor, u64_at};

/// The magic that ends the block.
pub const MAGIC: &[u8; 16] = b"APK Sig Block 42";
/// Pair id of APK Signature Scheme v2.
pub const V2_ID: u32 = 0x7109_871a;
/// Pair id of APK Signature Scheme v3.
pub const V3_ID: u32 = 0xf053_68c0;
/// Pair id of APK Signature Scheme v3.1.
pub const V31_ID: u32 = 0x1b93_ad61;
/// Pair id of the v2 source stamp.
pub const SOURCE_STAMP_V2_ID: u32 = 0x6dff_800d;
/// Pair id of the v1 source stamp.
pub const SOURCE_STAMP_V1_ID: u32 = 0x2b09_189e;
/// Pair id of the verity padding.
pub const VERITY_PADDING_ID: u32 = 0x4272_6577;
/// Pair id of the dependency metadata the Android Gradle plugin embeds.
pub const DEPENDENCY_INFO_ID: u32 = 0x504b_4453;
/// Pair id of Google Play's "frosting" metadata.
pub const PLAY_FROSTING_ID: u32 = 0x2146_444e;
/// Pair id of the Meituan Walle channel payload.
pub const WALLE_CHANNEL_ID: u32 = 0x7177_7777;
/// Pair id of the Tencent VasDolly channel payload.
pub const VASDOLLY_CHANNEL_ID: u32 = 0x8811_55ff;

/// Smallest possible block: two size fields and the magic.
const MIN_BLOCK: u64 = 8 + 8 + 16;

/// Name of a known pair id.
pub fn pair_name(id: u32) -> Option<&'static str> {
    Some(match id {
        V2_ID => "APK Signature Scheme v2",
        V3_ID => "APK Signature Scheme v3",
        V31_ID => "APK Signature Scheme v3.1",
        SOURCE_STAMP_V2_ID => "source stamp v2",
        SOURCE_STAMP_V1_ID => "source stamp v1",
        VERITY_PADDING_ID => "verity padding",
        DEPENDENCY_INFO_ID => "dependency info",
        PLAY_FROSTING_ID => "Google Play frosting",
        WALLE_CHANNEL_ID => "Walle channel",
        VASDOLLY_CHANNEL_ID => "VasDolly channel",
        _ => return None,
    })
}

/// One id-value pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockPair {
    /// Pair id.
    pub id: u32,
    /// Name of a known id.
    pub name: Option<&'static str>,
    /// Offset of the value in the APK.
    pub offset: u64,
    /// Value length.
    pub len: u64,
}

/// The APK Signing Block's framing and pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningBlock {
    /// Offset of the block (its leading size field) in the APK.
    pub offset: u64,
    /// Size from the trailing size field (block length minus 8).
    pub size: u64,
    /// Pairs in order.
    pub pairs: Vec<BlockPair>,
}

impl SigningBlock {
    /// The first pair with this id.
    pub fn pair(&self, id: u32) -> Option<&BlockPair> {
        self.pairs.iter().find(|p| p.id == id)
    }
}

/// Finds the block that ends at `directory_offset` in `apk`; returns it with the bytes of
/// the pair values resolved through [`SigningBlock::pairs`] offsets.
pub(crate) fn locate(
    apk: &[u8],
    directory_offset: usize,
    anomalies: &mut Vec<Anomaly>,
) -> Option<SigningBlock> {
    let magic_at = directory_offset.checked_sub(MAGIC.len())?;
    if apk.get(magic_at..directory_offset) != Some(&MAGIC[..]) {
        return None;
    }
    let footer_at = magic_at.checked_sub(8)?;
    let size = u64_at(apk, footer_at)?;
    let start = (directory_offset as u64)
        .checked_sub(size)
        .and_then(|v| v.checked_sub(8));
    let Some(start) = start
        .filter(|_| size >= MIN_BLOCK - 8)
        .and_then(|s| usize::try_from(s).ok())
    else {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::SigningBlockSizeMismatch,
                format!("the APK Signing Block declares {size} bytes, which do not fit before the central directory"),
            )
            .at(footer_at as u64),
        );
        return None;
    };
    let block = apk.get(start..directory_offset)?;
    let (pairs, mut found) = parse_pairs(block, start as u64);
    anomalies.append(&mut found);
    Some(SigningBlock {
        offset: start as u64,
        size,
        pairs,
    })
}

/// Parses a whole signing block (leading size field through magic). `base` is the
/// block's offset in the APK, added to the reported pair offsets.
pub fn parse_pairs(block: &[u8], base: u64) -> (Vec<BlockPair>, Vec<Anomaly>) {
    let mut anomalies = Vec::new();
    let mut pairs = Vec::new();
    let len = block.len();
    if len < MIN_BLOCK as usize || block.get(len - 16..) != Some(&MAGIC[..]) {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::SigningBlockMalformed,
                "the APK Signing Block is too short or lacks its magic",
            )
            .at(base),
        );
        return (pairs, anomalies);
    }
    let header = u64_at(block, 0).unwrap_or_default();
    let footer = u64_at(block, len - 24).unwrap_or_default();
    let expected = (len - 8) as u64;
    if header != footer || footer != expected {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::SigningBlockSizeMismatch,
                format!(
                    "the APK Signing Block's size fields disagree (leading {header}, trailing {footer}, actual \
                     {expected}); Android ignores such a block and falls back to v1"
                ),
            )
            .at(base),
        );
    }
    let body = block.get(8..len - 24).unwrap_or_default();
    let mut cursor = Cursor::new(body);
    while cursor.remaining() > 0 {
        let at = cursor.position();
        let pair_len = cursor.u64();
        let usable = pair_len.filter(|&l| l >= 4 && l <= cursor.remaining() as u64);
        let Some(pair_len) = usable else {
            anomalies.push(
                Anomaly::new(
                    AnomalyKind::SigningBlockMalformed,
                    format!(
                        "an id-value pair at block offset {} declares {} bytes with {} left",
                        at + 8,
                        pair_len
                            .map_or_else(|| "a truncated length of".to_owned(), |l| l.to_string()),
                        cursor.remaining()
                    ),
                )
                .at(base + at as u64 + 8),
            );
            break;
        };
        let id = cursor.u32().unwrap_or_default();
        let value_len = pair_len - 4;
        let value_at = cursor.position();
        // The length was checked against the remaining bytes above.
        let _ = cursor.bytes(value_len as usize);
        pairs.push(BlockPair {
            id,
            name: pair_name(id),
            offset: base + 8 + value_at as u64,
            len: value_len,
        });
    }
    (pairs, anomalies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(pairs: &[(u32, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (id, value) in pairs {
            body.extend_from_slice(&(value.len() as u64 + 4).to_le_bytes());
            body.extend_from_slice(&id.to_le_bytes());
            body.extend_from_slice(value);
        }
        let size = (body.len() + 8 + 16) as u64;
        let mut block = size.to_le_bytes().to_vec();
        block.extend_from_slice(&body);
        block.extend_from_slice(&size.to_le_bytes());
        block.extend_from_slice(MAGIC);
        block
    }

    #[test]
    fn pairs_are_listed_with_offsets() {
        let block = build(&[(V2_ID, b"abc"), (0x1234, b""), (VERITY_PADDING_ID, &[0; 8])]);
        let (pairs, anomalies) = parse_pairs(&block, 100);
        assert!(anomalies.is_empty(), "{anomalies:?}");
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].name, Some("APK Signature Scheme v2"));
        assert_eq!(pairs[0].offset, 100 + 8 + 12);
        assert_eq!(&block[(pairs[0].offset - 100) as usize..][..3], b"abc");
        assert_eq!(pairs[1].name, None);
        assert_eq!(pairs[2].len, 8);
    }

    #[test]
    fn size_mismatch_and_bad_pairs_are_recorded() {
        let mut block = build(&[(V2_ID, b"abc")]);
        let len = block.len();
        block[len - 24] ^= 1;
        let (pairs, anomalies) = parse_pairs(&block, 0);
        assert_eq!(pairs.len(), 1);
        assert_eq!(anomalies[0].kind, AnomalyKind::SigningBlockSizeMismatch);

        let mut block = build(&[(V2_ID, b"abc")]);
        block[8] = 0xff; // pair length far beyond the block
        let (pairs, anomalies) = parse_pairs(&block, 0);
        assert!(pairs.is_empty());
        assert_eq!(anomalies[0].kind, AnomalyKind::SigningBlockMalformed);

        let (pairs, anomalies) = parse_pairs(b"short", 0);
        assert!(pairs.is_empty());
        assert_eq!(anomalies.len(), 1);
    }

    #[test]
    fn locate_finds_the_block_before_the_directory() {
        let mut apk = b"local entries".to_vec();
        let block_at = apk.len();
        apk.extend(build(&[(V3_ID, b"v3")]));
        let directory = apk.len();
        apk.extend_from_slice(b"PK\x01\x02");
        let mut anomalies = Vec::new();
        let block = locate(&apk, directory, &mut anomalies).unwrap();
        assert_eq!(block.offset, block_at as u64);
        assert!(block.pair(V3_ID).is_some());
        assert!(anomalies.is_empty());
        assert!(locate(&apk, 5, &mut anomalies).is_none());
        assert!(locate(&apk, block_at, &mut anomalies).is_none());
    }
}
