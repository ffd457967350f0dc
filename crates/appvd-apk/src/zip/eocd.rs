//! Finding the End Of Central Directory record (and its ZIP64 companion).

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::error::OpenError;
use crate::le::{u16_at, u32_at, u64_at};

pub(crate) const EOCD_SIGNATURE: &[u8; 4] = b"PK\x05\x06";
const EOCD64_SIGNATURE: u32 = 0x0606_4b50;
const LOCATOR64_SIGNATURE: u32 = 0x0706_4b50;
pub(crate) const EOCD_LEN: usize = 22;
const LOCATOR64_LEN: usize = 20;
const EOCD64_FIXED_LEN: usize = 56;
/// A comment is at most 65535 bytes, so a well-formed EOCD starts within this many
/// bytes of the end; Android's reader searches only this window.
pub(crate) const STANDARD_WINDOW: usize = EOCD_LEN + 0xFFFF;

/// The archive's end records, with ZIP64 values already folded in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndRecord {
    /// Offset of the classic EOCD record.
    pub offset: usize,
    /// Where the central directory must end: the ZIP64 record if there is one, else the EOCD.
    pub directory_end: usize,
    pub entries: u64,
    pub directory_size: u64,
    pub directory_offset: u64,
    pub comment_len: u16,
    pub zip64: bool,
}

struct Classic {
    disk: u16,
    directory_disk: u16,
    entries_on_disk: u16,
    entries: u16,
    directory_size: u32,
    directory_offset: u32,
    comment_len: u16,
}

fn classic_at(data: &[u8], pos: usize) -> Option<Classic> {
    Some(Classic {
        disk: u16_at(data, pos + 4)?,
        directory_disk: u16_at(data, pos + 6)?,
        entries_on_disk: u16_at(data, pos + 8)?,
        entries: u16_at(data, pos + 10)?,
        directory_size: u32_at(data, pos + 12)?,
        directory_offset: u32_at(data, pos + 16)?,
        comment_len: u16_at(data, pos + 20)?,
    })
}

/// Scans backwards for the EOCD the way Android does (the one nearest the end wins), but
/// keeps going past the 64 KiB comment window and over implausible candidates instead of
/// giving up. Only an input without any usable EOCD is an error.
pub(crate) fn locate(data: &[u8], anomalies: &mut Vec<Anomaly>) -> Result<EndRecord, OpenError> {
    let not_zip = || OpenError::NoEndOfCentralDirectory { len: data.len() };
    let last_start = data.len().checked_sub(EOCD_LEN).ok_or_else(not_zip)?;
    let mut rejected = 0usize;
    let mut fallback: Option<EndRecord> = None;
    let mut chosen: Option<EndRecord> = None;
    let mut pos = last_start + 1;
    while pos > 0 {
        pos -= 1;
        if data.get(pos..pos + 4) != Some(&EOCD_SIGNATURE[..]) {
            continue;
        }
        let mut local = Vec::new();
        let Some(record) = interpret(data, pos, &mut local) else {
            rejected += 1;
            continue;
        };
        if plausible(data, &record) {
            anomalies.append(&mut local);
            chosen = Some(record);
            break;
        }
        rejected += 1;
        if fallback.is_none() {
            fallback = Some(record);
        }
    }
    let record = chosen.or(fallback).ok_or_else(not_zip)?;

    if rejected > 0 {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::MultipleEocd,
                format!(
                    "{rejected} other end-of-central-directory signature(s) were found after the one used; \
                     a fake record in the comment can mislead readers that take the first match"
                ),
            )
            .at(record.offset as u64),
        );
    }
    let distance = data.len() - record.offset;
    if distance > STANDARD_WINDOW {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::EocdFarFromEnd,
                format!(
                    "the end-of-central-directory record starts {distance} bytes before the end of the \
                     input, beyond the {STANDARD_WINDOW}-byte window Android searches"
                ),
            )
            .at(record.offset as u64),
        );
    }
    let comment_end = record.offset + EOCD_LEN + usize::from(record.comment_len);
    if comment_end > data.len() {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::EocdCommentOverrun,
                format!(
                    "the archive comment is declared as {} bytes but only {} bytes follow the record",
                    record.comment_len,
                    data.len() - record.offset - EOCD_LEN
                ),
            )
            .at(record.offset as u64),
        );
    } else if comment_end < data.len() {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::TrailingData,
                format!(
                    "{} bytes follow the end-of-central-directory record and its comment",
                    data.len() - comment_end
                ),
            )
            .at(comment_end as u64),
        );
    }
    Ok(record)
}

/// Reads the candidate at `pos`, folding in ZIP64 values when a locator precedes it.
fn interpret(data: &[u8], pos: usize, anomalies: &mut Vec<Anomaly>) -> Option<EndRecord> {
    let classic = classic_at(data, pos)?;
    if classic.disk != 0 || classic.directory_disk != 0 {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::MultiDisk,
                format!(
                    "the end record names disk {} (central directory on disk {}); the archive is read as a \
                     single disk",
                    classic.disk, classic.directory_disk
                ),
            )
            .at(pos as u64),
        );
    }
    if classic.entries_on_disk != classic.entries {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::EntryCountMismatch,
                format!(
                    "the end record counts {} entries on this disk but {} in total; the total is used",
                    classic.entries_on_disk, classic.entries
                ),
            )
            .at(pos as u64),
        );
    }
    let mut record = EndRecord {
        offset: pos,
        directory_end: pos,
        entries: u64::from(classic.entries),
        directory_size: u64::from(classic.directory_size),
        directory_offset: u64::from(classic.directory_offset),
        comment_len: classic.comment_len,
        zip64: false,
    };
    if let Some(locator) = pos.checked_sub(LOCATOR64_LEN)
        && u32_at(data, locator) == Some(LOCATOR64_SIGNATURE)
    {
        fold_zip64(data, locator, &classic, &mut record, anomalies);
    }
    Some(record)
}

fn fold_zip64(
    data: &[u8],
    locator: usize,
    classic: &Classic,
    record: &mut EndRecord,
    anomalies: &mut Vec<Anomaly>,
) {
    let declared = u64_at(data, locator + 8).and_then(|v| usize::try_from(v).ok());
    // The record normally sits right before the locator; prepended bytes shift the
    // declared offset, so fall back to that position.
    let standard = locator.checked_sub(EOCD64_FIXED_LEN);
    let at = [declared, standard]
        .into_iter()
        .flatten()
        .find(|&at| u32_at(data, at) == Some(EOCD64_SIGNATURE) && at + EOCD64_FIXED_LEN <= locator);
    let Some(at) = at else {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::Zip64Malformed,
                "a ZIP64 end-of-central-directory locator points at no ZIP64 record; the classic record is used",
            )
            .at(locator as u64),
        );
        return;
    };
    let (Some(entries), Some(size), Some(offset)) = (
        u64_at(data, at + 32),
        u64_at(data, at + 40),
        u64_at(data, at + 48),
    ) else {
        return;
    };
    if classic.entries == u16::MAX {
        record.entries = entries;
    }
    if classic.directory_size == u32::MAX {
        record.directory_size = size;
    }
    if classic.directory_offset == u32::MAX {
        record.directory_offset = offset;
    }
    record.directory_end = at;
    record.zip64 = true;
    anomalies.push(
        Anomaly::new(
            AnomalyKind::Zip64,
            "the archive uses ZIP64 end records; Android reads them only since Android 12",
        )
        .at(at as u64),
    );
}

/// A candidate is plausible when a central directory of the declared size fits before it,
/// either at the declared offset or right before the end record.
fn plausible(data: &[u8], record: &EndRecord) -> bool {
    if record.directory_size > record.directory_end as u64 {
        return false;
    }
    if record.entries == 0 {
        return true;
    }
    let signature = |at: u64| {
        usize::try_from(at)
            .ok()
            .and_then(|at| data.get(at..at.checked_add(4)?))
            == Some(&b"PK\x01\x02"[..])
    };
    signature(record.directory_offset)
        || signature(record.directory_end as u64 - record.directory_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eocd(entries: u16, size: u32, offset: u32, comment: &[u8]) -> Vec<u8> {
        let mut out = EOCD_SIGNATURE.to_vec();
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&entries.to_le_bytes());
        out.extend_from_slice(&entries.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        out.extend_from_slice(comment);
        out
    }

    #[test]
    fn empty_archive_is_found() {
        let data = eocd(0, 0, 0, b"");
        let mut anomalies = Vec::new();
        let record = locate(&data, &mut anomalies).unwrap();
        assert_eq!(record.offset, 0);
        assert_eq!(record.entries, 0);
        assert!(anomalies.is_empty());
    }

    #[test]
    fn too_short_or_missing_is_an_error() {
        let mut anomalies = Vec::new();
        assert!(matches!(
            locate(b"PK\x05\x06", &mut anomalies),
            Err(OpenError::NoEndOfCentralDirectory { .. })
        ));
        assert!(locate(&[0u8; 100], &mut anomalies).is_err());
    }

    #[test]
    fn comment_and_trailing_bytes() {
        let mut data = eocd(0, 0, 0, b"hello");
        let mut anomalies = Vec::new();
        locate(&data, &mut anomalies).unwrap();
        assert!(anomalies.is_empty());
        data.extend_from_slice(b"junk");
        locate(&data, &mut anomalies).unwrap();
        assert_eq!(anomalies.len(), 1);
        assert_eq!(anomalies[0].kind, AnomalyKind::TrailingData);
    }

    #[test]
    fn comment_overrun_is_recorded() {
        let mut data = eocd(0, 0, 0, b"");
        data[20] = 10;
        let mut anomalies = Vec::new();
        locate(&data, &mut anomalies).unwrap();
        assert_eq!(anomalies[0].kind, AnomalyKind::EocdCommentOverrun);
    }

    #[test]
    fn implausible_fake_in_comment_is_skipped() {
        // A fake EOCD hidden in the comment claims a directory larger than the file.
        let fake = eocd(3, 5000, 0, b"");
        let mut data = eocd(0, 0, 0, &fake);
        data.extend_from_slice(&[]);
        let mut anomalies = Vec::new();
        let record = locate(&data, &mut anomalies).unwrap();
        assert_eq!(record.offset, 0);
        assert!(
            anomalies
                .iter()
                .any(|a| a.kind == AnomalyKind::MultipleEocd)
        );
    }

    #[test]
    fn far_from_end_is_still_found() {
        let mut data = eocd(0, 0, 0, b"");
        data.extend(std::iter::repeat_n(0u8, STANDARD_WINDOW + 10));
        let mut anomalies = Vec::new();
        let record = locate(&data, &mut anomalies).unwrap();
        assert_eq!(record.offset, 0);
        let kinds: Vec<_> = anomalies.iter().map(|a| a.kind).collect();
        assert!(kinds.contains(&AnomalyKind::EocdFarFromEnd));
        assert!(kinds.contains(&AnomalyKind::TrailingData));
    }

    #[test]
    fn zip64_values_are_folded_in() {
        let mut data = b"PK\x01\x02".to_vec(); // stands in for a directory at offset 0
        data.resize(46, 0);
        let record64_at = data.len();
        data.extend_from_slice(&EOCD64_SIGNATURE.to_le_bytes());
        data.extend_from_slice(&44u64.to_le_bytes());
        data.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        data.extend_from_slice(&1u64.to_le_bytes());
        data.extend_from_slice(&1u64.to_le_bytes());
        data.extend_from_slice(&46u64.to_le_bytes());
        data.extend_from_slice(&0u64.to_le_bytes());
        data.extend_from_slice(&LOCATOR64_SIGNATURE.to_le_bytes());
        data.extend_from_slice(&0u32.to_le_bytes());
        data.extend_from_slice(&(record64_at as u64).to_le_bytes());
        data.extend_from_slice(&1u32.to_le_bytes());
        data.extend(eocd(u16::MAX, u32::MAX, u32::MAX, b""));
        let mut anomalies = Vec::new();
        let record = locate(&data, &mut anomalies).unwrap();
        assert!(record.zip64);
        assert_eq!(record.entries, 1);
        assert_eq!(record.directory_size, 46);
        assert_eq!(record.directory_offset, 0);
        assert_eq!(record.directory_end, record64_at);
        assert!(anomalies.iter().any(|a| a.kind == AnomalyKind::Zip64));
    }
}
