//! Program header facts: PT_LOAD layout and alignment, PT_GNU_STACK,
//! PT_GNU_RELRO, and the consistency of sections with segments.

use goblin::elf::program_header::{PF_R, PF_W, PF_X, PT_GNU_RELRO, PT_GNU_STACK, PT_LOAD, PT_PHDR};
use goblin::elf::section_header::{SHF_ALLOC, SHT_NOBITS, SHT_NULL};

use crate::anomaly::{AnomalyKind, AnomalySink};
use crate::facts::{LoadSegment, LoadSegments, StackExecutability};
use crate::image::Image;

/// The page size of Android 15+ devices with 16 KB pages.
pub const PAGE_16K: u64 = 0x4000;

/// Layout checks compare segments pairwise; beyond this many PT_LOADs (real
/// files have two to five) the file is reported instead.
const MAX_COMPARED_LOADS: usize = 64;

pub(crate) fn load_segments(image: &Image<'_>, sink: &mut AnomalySink) -> LoadSegments {
    let len = image.bytes.len() as u64;
    let mut segments = Vec::new();
    for ph in &image.program_headers {
        if ph.p_filesz > 0
            && ph
                .p_offset
                .checked_add(ph.p_filesz)
                .is_none_or(|end| end > len)
        {
            sink.at(
                AnomalyKind::SegmentOutOfBounds,
                ph.p_offset,
                format!(
                    "a segment of type {:#x} ({} bytes at {:#x}) runs past the end of the {len}-byte file",
                    ph.p_type, ph.p_filesz, ph.p_offset
                ),
            );
        }
        if ph.p_type != PT_LOAD {
            continue;
        }
        if ph.p_filesz > ph.p_memsz {
            sink.at(
                AnomalyKind::SegmentFileSizeExceedsMemory,
                ph.p_offset,
                format!(
                    "a PT_LOAD has p_filesz {:#x} larger than p_memsz {:#x}",
                    ph.p_filesz, ph.p_memsz
                ),
            );
        }
        segments.push(LoadSegment {
            offset: ph.p_offset,
            vaddr: ph.p_vaddr,
            file_size: ph.p_filesz,
            memory_size: ph.p_memsz,
            align: ph.p_align,
            readable: ph.p_flags & PF_R != 0,
            writable: ph.p_flags & PF_W != 0,
            executable: ph.p_flags & PF_X != 0,
        });
    }
    check_layout(&segments, sink);
    for kind in [PT_GNU_STACK, PT_GNU_RELRO, PT_PHDR] {
        let count = image.segments(kind).count();
        if count > 1 {
            sink.note(
                AnomalyKind::DuplicateSegment,
                format!(
                    "{count} program headers of type {}",
                    goblin::elf::program_header::pt_to_str(kind)
                ),
            );
        }
    }
    let mut offsets_congruent = true;
    for segment in &segments {
        let align = segment.align;
        if align > 1 && !align.is_power_of_two() {
            offsets_congruent = false;
            sink.at(
                AnomalyKind::MisalignedSegment,
                segment.offset,
                format!("a PT_LOAD has p_align {align:#x}, which is not a power of two"),
            );
        } else if align > 1 && segment.offset % align != segment.vaddr % align {
            offsets_congruent = false;
            sink.at(
                AnomalyKind::MisalignedSegment,
                segment.offset,
                format!(
                    "a PT_LOAD has p_offset {:#x} and p_vaddr {:#x}, which differ modulo p_align {align:#x}",
                    segment.offset, segment.vaddr
                ),
            );
        }
    }
    LoadSegments {
        min_align: segments.iter().map(|s| s.align).min(),
        max_align: segments.iter().map(|s| s.align).max(),
        all_16k_aligned: !segments.is_empty()
            && segments
                .iter()
                .all(|s| s.align >= PAGE_16K && s.align % PAGE_16K == 0),
        offsets_congruent,
        segments,
    }
}

fn check_layout(segments: &[LoadSegment], sink: &mut AnomalySink) {
    for pair in segments.windows(2) {
        if let [before, after] = pair
            && after.vaddr < before.vaddr
        {
            sink.at(
                AnomalyKind::UnsortedSegments,
                after.offset,
                format!(
                    "PT_LOAD at {:#x} follows one at the higher address {:#x}",
                    after.vaddr, before.vaddr
                ),
            );
        }
    }
    // Quadratic, so only the first MAX_COMPARED_LOADS are compared; real
    // files have two to five PT_LOADs.
    let compared = segments
        .get(..segments.len().min(MAX_COMPARED_LOADS))
        .unwrap_or_default();
    for (index, a) in compared.iter().enumerate() {
        for b in compared.iter().skip(index + 1) {
            if overlaps(a.vaddr, a.memory_size, b.vaddr, b.memory_size) {
                sink.at(
                    AnomalyKind::OverlappingSegments,
                    b.offset,
                    format!(
                        "PT_LOAD memory ranges {:#x}+{:#x} and {:#x}+{:#x} overlap",
                        a.vaddr, a.memory_size, b.vaddr, b.memory_size
                    ),
                );
            } else if overlaps(a.offset, a.file_size, b.offset, b.file_size) {
                sink.at(
                    AnomalyKind::OverlappingSegments,
                    b.offset,
                    format!(
                        "PT_LOAD file ranges {:#x}+{:#x} and {:#x}+{:#x} overlap",
                        a.offset, a.file_size, b.offset, b.file_size
                    ),
                );
            }
        }
    }
    if segments.len() > MAX_COMPARED_LOADS {
        sink.note(
            AnomalyKind::CountCapped,
            format!(
                "{} PT_LOAD segments; only the first {MAX_COMPARED_LOADS} were compared",
                segments.len()
            ),
        );
    }
}

fn overlaps(a_start: u64, a_len: u64, b_start: u64, b_len: u64) -> bool {
    if a_len == 0 || b_len == 0 {
        return false;
    }
    let a_end = a_start.saturating_add(a_len);
    let b_end = b_start.saturating_add(b_len);
    a_start < b_end && b_start < a_end
}

pub(crate) fn stack(image: &Image<'_>) -> StackExecutability {
    let mut stack = StackExecutability::Absent;
    for ph in image.segments(PT_GNU_STACK) {
        // With several PT_GNU_STACK the worst one counts.
        if ph.p_flags & PF_X != 0 {
            return StackExecutability::Executable;
        }
        stack = StackExecutability::NonExecutable;
    }
    stack
}

pub(crate) fn has_relro_segment(image: &Image<'_>) -> bool {
    image.segments(PT_GNU_RELRO).next().is_some()
}

/// Allocated sections must sit where the PT_LOAD that maps their address puts
/// them in the file; anything else means one of the two views was forged.
pub(crate) fn check_sections_against_segments(image: &Image<'_>, sink: &mut AnomalySink) {
    let loads: Vec<_> = image.segments(PT_LOAD).collect();
    // More PT_LOADs than that are already reported, and comparing every
    // section with each of them would be quadratic.
    if loads.is_empty() || loads.len() > MAX_COMPARED_LOADS {
        return;
    }
    for (_, section, name) in image.sections() {
        if section.sh_type == SHT_NULL
            || section.sh_type == SHT_NOBITS
            || section.sh_flags & u64::from(SHF_ALLOC) == 0
            || section.sh_size == 0
        {
            continue;
        }
        let holder = loads.iter().find(|ph| {
            section.sh_addr >= ph.p_vaddr
                && section.sh_addr - ph.p_vaddr < ph.p_memsz.max(ph.p_filesz)
        });
        match holder {
            None => sink.at(
                AnomalyKind::SectionSegmentMismatch,
                section.sh_offset,
                format!(
                    "allocated section {name:?} at address {:#x} lies in no PT_LOAD",
                    section.sh_addr
                ),
            ),
            Some(ph) => {
                let expected = ph.p_offset.checked_add(section.sh_addr - ph.p_vaddr);
                if expected != Some(section.sh_offset) {
                    sink.at(
                        AnomalyKind::SectionSegmentMismatch,
                        section.sh_offset,
                        format!(
                            "section {name:?} is at file offset {:#x} but its PT_LOAD maps address {:#x} to {:#x}",
                            section.sh_offset,
                            section.sh_addr,
                            expected.unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }
}

/// An executable's entry point must lie in an executable PT_LOAD.
pub(crate) fn check_entry(image: &Image<'_>, segments: &LoadSegments, sink: &mut AnomalySink) {
    let entry = image.header.e_entry;
    let inside = segments
        .segments
        .iter()
        .any(|s| s.executable && entry >= s.vaddr && entry - s.vaddr < s.memory_size);
    if !inside {
        sink.note(
            AnomalyKind::EntryPointOutsideCode,
            format!("the entry point {entry:#x} is not inside an executable PT_LOAD"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_half_open() {
        assert!(overlaps(0, 10, 5, 10));
        assert!(!overlaps(0, 10, 10, 10));
        assert!(!overlaps(0, 0, 0, 10));
        assert!(overlaps(u64::MAX - 1, 10, u64::MAX - 2, 2));
    }
}
