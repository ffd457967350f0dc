//! ELF notes: GNU build-id and properties, the NDK's Android ident, Go's build id.

use goblin::elf::header::{EM_386, EM_AARCH64, EM_X86_64};
use goblin::elf::note::{NT_GNU_BUILD_ID, NT_GNU_PROPERTY_TYPE_0};
use goblin::elf::program_header::PT_NOTE;
use goblin::elf::section_header::SHT_NOTE;

use crate::anomaly::{AnomalyKind, AnomalySink};
use crate::bytes::{align_up, clamped_range};
use crate::facts::{AndroidIdent, ControlFlowProtection, Notes};
use crate::image::Image;

/// NT type of `.note.android.ident`.
const NT_ANDROID_IDENT: u32 = 1;
/// NT type of Go's `.note.go.buildid`.
const NT_GO_BUILD_ID: u32 = 4;
const GNU_PROPERTY_AARCH64_FEATURE_1_AND: u32 = 0xc000_0000;
const GNU_PROPERTY_X86_FEATURE_1_AND: u32 = 0xc000_0002;
/// Longest build id kept; SHA-1 ids have 20 bytes, MD5 16, UUIDs 16.
const MAX_BUILD_ID_LEN: usize = 64;
const MAX_GO_BUILD_ID_LEN: usize = 256;
/// Real files have one to four note segments or sections. The cap keeps a
/// file with thousands of note headers over the same bytes linear.
const MAX_NOTE_TABLES: usize = 32;

pub(crate) fn read_notes(
    image: &Image<'_>,
    sink: &mut AnomalySink,
) -> (Notes, ControlFlowProtection) {
    let mut found = Found::default();
    let mut any_segment = false;
    // The loader's view first: PT_NOTE. Sections are read only when there is
    // none, so that the same note is not read twice.
    for (count, segment) in image.segments(PT_NOTE).enumerate() {
        any_segment = true;
        if count == MAX_NOTE_TABLES {
            sink.note(
                AnomalyKind::CountCapped,
                format!("more than {MAX_NOTE_TABLES} PT_NOTE segments; the rest are ignored"),
            );
            break;
        }
        let (data, cut) = clamped_range(image.bytes, segment.p_offset, segment.p_filesz);
        if cut {
            sink.at(
                AnomalyKind::SegmentOutOfBounds,
                segment.p_offset,
                "a PT_NOTE segment runs past the end of the file",
            );
        }
        walk(
            image,
            data,
            segment.p_offset,
            segment.p_align,
            &mut found,
            sink,
        );
    }
    if !any_segment {
        let notes: Vec<_> = image
            .sections()
            .filter(|(_, s, _)| s.sh_type == SHT_NOTE)
            .map(|(index, s, _)| (index, s.sh_offset, s.sh_addralign))
            .take(MAX_NOTE_TABLES)
            .collect();
        for (index, offset, align) in notes {
            let (data, _) = image.section_bytes(index);
            walk(image, data, offset, align, &mut found, sink);
        }
    }
    (found.notes, found.control_flow)
}

#[derive(Default)]
struct Found {
    notes: Notes,
    control_flow: ControlFlowProtection,
}

fn walk(
    image: &Image<'_>,
    data: &[u8],
    file_offset: u64,
    align: u64,
    found: &mut Found,
    sink: &mut AnomalySink,
) {
    // Notes are 4-byte aligned, except 8-byte aligned note segments
    // (.note.gnu.property on 64-bit targets).
    let align = if align == 8 { 8 } else { 4 };
    let order = image.order;
    let mut at = 0usize;
    while at < data.len() {
        let note_offset = file_offset.saturating_add(at as u64);
        let (Some(name_size), Some(desc_size), Some(kind)) = (
            order.u32_at(data, at),
            order.u32_at(data, at + 4),
            order.u32_at(data, at + 8),
        ) else {
            sink.at(
                AnomalyKind::BadNote,
                note_offset,
                "a note header is cut off by the end of its segment",
            );
            return;
        };
        let name_at = at + 12;
        let located = name_at
            .checked_add(name_size as usize)
            .and_then(|end| align_up(end, align))
            .and_then(|desc_at| Some((desc_at, desc_at.checked_add(desc_size as usize)?)))
            .filter(|(_, desc_end)| *desc_end <= data.len());
        let Some((desc_at, desc_end)) = located else {
            sink.at(
                AnomalyKind::BadNote,
                note_offset,
                format!("a note with name size {name_size} and descriptor size {desc_size} does not fit in its segment"),
            );
            return;
        };
        let name = data
            .get(name_at..name_at + name_size as usize)
            .unwrap_or_default();
        let name = name.strip_suffix(b"\0").unwrap_or(name);
        let desc = data.get(desc_at..desc_end).unwrap_or_default();
        interpret(image, name, kind, desc, note_offset, found, sink);
        match align_up(desc_end, align) {
            Some(next) if next > at => at = next,
            _ => return,
        }
    }
}

fn interpret(
    image: &Image<'_>,
    name: &[u8],
    kind: u32,
    desc: &[u8],
    offset: u64,
    found: &mut Found,
    sink: &mut AnomalySink,
) {
    match (name, kind) {
        (b"GNU", NT_GNU_BUILD_ID) => {
            if desc.is_empty() || desc.len() > MAX_BUILD_ID_LEN {
                sink.at(
                    AnomalyKind::BadNote,
                    offset,
                    format!("a build id of {} bytes", desc.len()),
                );
            } else if found.notes.build_id.is_none() {
                found.notes.build_id = Some(hex(desc));
            }
        }
        (b"GNU", NT_GNU_PROPERTY_TYPE_0) => properties(image, desc, offset, found, sink),
        (b"Android", NT_ANDROID_IDENT) => {
            let Some(api_level) = image.order.u32_at(desc, 0) else {
                sink.at(
                    AnomalyKind::BadNote,
                    offset,
                    "the Android ident note has no API level",
                );
                return;
            };
            found.notes.android = Some(AndroidIdent {
                api_level,
                ndk_version: fixed_string(desc.get(4..68)),
                ndk_build_number: fixed_string(desc.get(68..132)),
            });
        }
        (b"Go", NT_GO_BUILD_ID) => {
            let id = desc.get(..MAX_GO_BUILD_ID_LEN).unwrap_or(desc);
            found.notes.go_build_id = Some(String::from_utf8_lossy(id).into_owned());
        }
        _ => {}
    }
}

/// NT_GNU_PROPERTY_TYPE_0: an array of (type, size, data) padded to the word size.
fn properties(
    image: &Image<'_>,
    desc: &[u8],
    offset: u64,
    found: &mut Found,
    sink: &mut AnomalySink,
) {
    let pad = if image.is_64() { 8 } else { 4 };
    let mut at = 0usize;
    while at < desc.len() {
        let (Some(kind), Some(size)) = (
            image.order.u32_at(desc, at),
            image.order.u32_at(desc, at + 4),
        ) else {
            sink.at(AnomalyKind::BadNote, offset, "a GNU property is cut off");
            return;
        };
        let data_at = at + 8;
        let Some(data) = data_at
            .checked_add(size as usize)
            .and_then(|end| desc.get(data_at..end))
        else {
            sink.at(
                AnomalyKind::BadNote,
                offset,
                format!("a GNU property of {size} bytes does not fit its note"),
            );
            return;
        };
        let bits = image.order.u32_at(data, 0).unwrap_or(0);
        match (kind, image.header.e_machine) {
            (GNU_PROPERTY_AARCH64_FEATURE_1_AND, EM_AARCH64) => {
                found.control_flow.aarch64_bti |= bits & 1 != 0;
                found.control_flow.aarch64_pac |= bits & 2 != 0;
            }
            (GNU_PROPERTY_X86_FEATURE_1_AND, EM_386 | EM_X86_64) => {
                found.control_flow.x86_ibt |= bits & 1 != 0;
                found.control_flow.x86_shstk |= bits & 2 != 0;
            }
            _ => {}
        }
        match data_at
            .checked_add(data.len())
            .and_then(|end| align_up(end, pad))
        {
            Some(next) if next > at => at = next,
            _ => return,
        }
    }
}

/// A NUL-padded fixed-size text field.
fn fixed_string(field: Option<&[u8]>) -> Option<String> {
    let field = field?;
    let text = field.split(|&b| b == 0).next().unwrap_or_default();
    (!text.is_empty()).then(|| String::from_utf8_lossy(text).into_owned())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_strings_stop_at_nul() {
        assert_eq!(fixed_string(Some(b"r26b\0\0\0")), Some("r26b".into()));
        assert_eq!(fixed_string(Some(b"\0abc")), None);
        assert_eq!(fixed_string(None), None);
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }
}
