//! Printable strings from read-only data, for secret and version scanning.

use goblin::elf::program_header::{PF_W, PT_LOAD};

use crate::bytes::clamped_range;
use crate::facts::{ExtractedStrings, FoundString, StringCap, StringRegion};
use crate::image::Image;
use crate::limits::Limits;

/// Whether a section's bytes are scanned for strings.
fn is_string_section(name: &str) -> bool {
    name == ".rodata"
        || name.starts_with(".rodata.")
        || name == ".data.rel.ro"
        || name.starts_with(".data.rel.ro.")
}

pub(crate) fn extract(image: &Image<'_>, limits: &Limits) -> ExtractedStrings {
    let mut regions: Vec<(StringRegion, &[u8])> = image
        .sections()
        .filter(|(_, _, name)| is_string_section(name))
        .map(|(index, section, name)| {
            let (bytes, _) = image.section_bytes(index);
            (
                StringRegion {
                    name: name.to_string(),
                    file_offset: section.sh_offset,
                    size: bytes.len() as u64,
                },
                bytes,
            )
        })
        .collect();
    if !image.section_names_known {
        // No section headers or no section names (stripped or forged away):
        // scan what the loader maps read-only, which is where .rodata lives.
        regions = image
            .program_headers
            .iter()
            .enumerate()
            .filter(|(_, ph)| ph.p_type == PT_LOAD && ph.p_flags & PF_W == 0)
            .map(|(index, ph)| {
                let (bytes, _) = clamped_range(image.bytes, ph.p_offset, ph.p_filesz);
                (
                    StringRegion {
                        name: format!("PT_LOAD[{index}]"),
                        file_offset: ph.p_offset,
                        size: bytes.len() as u64,
                    },
                    bytes,
                )
            })
            .collect();
    }
    // Real regions never overlap, so together they are smaller than the file.
    // Forged headers can name the same bytes thousands of times: stop there.
    let mut unscanned = image.bytes.len();
    regions.retain(|(_, bytes)| match unscanned.checked_sub(bytes.len()) {
        Some(rest) => {
            unscanned = rest;
            true
        }
        None => false,
    });
    let mut out = ExtractedStrings::default();
    for (index, (region, bytes)) in regions.iter().enumerate() {
        if let Err(cap) = scan(bytes, index, region.file_offset, limits, &mut out) {
            out.cap_hit = Some(cap);
            break;
        }
    }
    out.regions = regions.into_iter().map(|(region, _)| region).collect();
    out
}

fn is_printable(byte: u8) -> bool {
    byte == b'\t' || (0x20..0x7f).contains(&byte)
}

/// Appends every printable run of at least `min_string_len` bytes.
pub(crate) fn scan(
    bytes: &[u8],
    region: usize,
    region_offset: u64,
    limits: &Limits,
    out: &mut ExtractedStrings,
) -> Result<(), StringCap> {
    let min = limits.min_string_len.max(1);
    let piece = limits.max_string_len.max(1);
    let mut start = None;
    for (index, &byte) in bytes
        .iter()
        .enumerate()
        .chain(std::iter::once((bytes.len(), &0)))
    {
        match (is_printable(byte) && index < bytes.len(), start) {
            (true, None) => start = Some(index),
            (false, Some(run_start)) => {
                start = None;
                let run = bytes.get(run_start..index).unwrap_or_default();
                if run.len() < min {
                    continue;
                }
                for (n, chunk) in run.chunks(piece).enumerate() {
                    if out.strings.len() >= limits.max_strings {
                        return Err(StringCap::Count);
                    }
                    if out.total_bytes.saturating_add(chunk.len()) > limits.max_string_bytes {
                        return Err(StringCap::Bytes);
                    }
                    let offset = (run_start + n * piece) as u64;
                    out.total_bytes += chunk.len();
                    out.strings.push(FoundString {
                        region,
                        offset,
                        file_offset: region_offset.saturating_add(offset),
                        text: String::from_utf8_lossy(chunk).into_owned(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8], limits: &Limits) -> (ExtractedStrings, Result<(), StringCap>) {
        let mut out = ExtractedStrings::default();
        let result = scan(bytes, 0, 100, limits, &mut out);
        (out, result)
    }

    #[test]
    fn finds_runs_like_strings_dash_n_6() {
        let (out, result) = run(
            b"\0short\0long enough\x01tab\there!\xffend-of-data",
            &Limits::default(),
        );
        assert_eq!(result, Ok(()));
        let texts: Vec<_> = out
            .strings
            .iter()
            .map(|s| (s.offset, s.file_offset, s.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (7, 107, "long enough"),
                (19, 119, "tab\there!"),
                (29, 129, "end-of-data")
            ]
        );
        assert_eq!(out.total_bytes, 11 + 9 + 11);
    }

    #[test]
    fn long_runs_are_cut_into_pieces() {
        let limits = Limits {
            max_string_len: 8,
            ..Limits::default()
        };
        let (out, _) = run(b"abcdefghijklmnopqrst", &limits);
        let texts: Vec<_> = out
            .strings
            .iter()
            .map(|s| (s.offset, s.text.as_str()))
            .collect();
        assert_eq!(texts, [(0, "abcdefgh"), (8, "ijklmnop"), (16, "qrst")]);
    }

    #[test]
    fn caps_stop_the_scan() {
        let input = b"aaaaaa\0bbbbbb\0cccccc";
        let (out, result) = run(
            input,
            &Limits {
                max_strings: 2,
                ..Limits::default()
            },
        );
        assert_eq!(result, Err(StringCap::Count));
        assert_eq!(out.strings.len(), 2);
        let (out, result) = run(
            input,
            &Limits {
                max_string_bytes: 13,
                ..Limits::default()
            },
        );
        assert_eq!(result, Err(StringCap::Bytes));
        assert_eq!(out.total_bytes, 12);
    }

    #[test]
    fn empty_input_has_no_strings() {
        let (out, result) = run(b"", &Limits::default());
        assert_eq!(result, Ok(()));
        assert!(out.strings.is_empty());
    }
}
