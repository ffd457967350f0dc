use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Something in the file that a well-formed ELF would not contain.
///
/// Anomalies never stop the parse: they say which facts may be incomplete and
/// flag files that were damaged or crafted to confuse analysis tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// Stable machine-readable kind.
    pub kind: AnomalyKind,
    /// One human sentence with the numbers involved.
    pub message: String,
    /// File offset the anomaly is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "[{}] {} (at {offset:#x})", self.kind.id(), self.message),
            None => write!(f, "[{}] {}", self.kind.id(), self.message),
        }
    }
}

macro_rules! anomaly_kinds {
    ($($(#[$doc:meta])* $variant:ident => $id:literal,)*) => {
        /// The kinds of [`Anomaly`]. The string ids (`id()`, and the serde form) never change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum AnomalyKind {
            $($(#[$doc])* #[serde(rename = $id)] $variant,)*
        }

        impl AnomalyKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [AnomalyKind] = &[$(AnomalyKind::$variant,)*];

            /// The stable string id of this kind.
            pub fn id(self) -> &'static str {
                match self {
                    $(AnomalyKind::$variant => $id,)*
                }
            }
        }
    };
}

anomaly_kinds! {
    /// `EI_VERSION` or `e_version` is not 1.
    BadVersion => "bad_version",
    /// `e_ehsize` differs from the size of the header for the class.
    BadHeaderSize => "bad_header_size",
    /// `e_phentsize` differs from the size of a program header for the class.
    BadProgramHeaderEntrySize => "bad_program_header_entry_size",
    /// The program header table does not fit in the file (or `e_phoff` is 0 with entries).
    ProgramHeadersOutOfBounds => "program_headers_out_of_bounds",
    /// `e_shentsize` differs from the size of a section header for the class.
    BadSectionHeaderEntrySize => "bad_section_header_entry_size",
    /// The section header table does not fit in the file.
    SectionHeadersOutOfBounds => "section_headers_out_of_bounds",
    /// A header count is larger than any real file has and was capped.
    CountCapped => "count_capped",
    /// `e_shstrndx` does not name a string table section.
    BadSectionNameTable => "bad_section_name_table",
    /// A section's data lies (partly) outside the file.
    SectionOutOfBounds => "section_out_of_bounds",
    /// A segment's file bytes lie (partly) outside the file.
    SegmentOutOfBounds => "segment_out_of_bounds",
    /// Two PT_LOAD segments overlap in memory or in the file.
    OverlappingSegments => "overlapping_segments",
    /// PT_LOAD segments are not in ascending virtual-address order.
    UnsortedSegments => "unsorted_segments",
    /// A segment has `p_filesz` larger than `p_memsz`.
    SegmentFileSizeExceedsMemory => "segment_file_size_exceeds_memory",
    /// A PT_LOAD alignment is not a power of two, or its offset and address
    /// are not congruent modulo the alignment.
    MisalignedSegment => "misaligned_segment",
    /// A program header type that may appear only once appears more often.
    DuplicateSegment => "duplicate_segment",
    /// The dynamic array has no DT_NULL terminator or is otherwise malformed.
    BadDynamicSection => "bad_dynamic_section",
    /// A dynamic-section address is not backed by file bytes of any PT_LOAD.
    UnmappedAddress => "unmapped_address",
    /// A string table offset, size or entry is invalid.
    BadStringTable => "bad_string_table",
    /// A symbol table's location, entry size or count is invalid.
    BadSymbolTable => "bad_symbol_table",
    /// DT_HASH / DT_GNU_HASH are missing or malformed.
    BadHashTable => "bad_hash_table",
    /// The section header view and the program header view of the file disagree.
    SectionSegmentMismatch => "section_segment_mismatch",
    /// A note is truncated or has impossible sizes.
    BadNote => "bad_note",
    /// A name is longer than any real one and was cut.
    NameTooLong => "name_too_long",
    /// The total budget for names (symbols, sections, paths) was used up.
    NameBudgetExhausted => "name_budget_exhausted",
    /// The entry point of an executable lies outside every executable segment.
    EntryPointOutsideCode => "entry_point_outside_code",
}

/// Collects anomalies, keeping at most [`AnomalySink::PER_KIND`] of each kind
/// so that a crafted file cannot turn the anomaly list into a memory bomb.
#[derive(Debug, Default)]
pub(crate) struct AnomalySink {
    anomalies: Vec<Anomaly>,
    counts: BTreeMap<AnomalyKind, usize>,
}

impl AnomalySink {
    pub(crate) const PER_KIND: usize = 16;

    pub(crate) fn push(
        &mut self,
        kind: AnomalyKind,
        offset: Option<u64>,
        message: impl Into<String>,
    ) {
        let count = self.counts.entry(kind).or_insert(0);
        *count += 1;
        if *count <= Self::PER_KIND {
            self.anomalies.push(Anomaly {
                kind,
                message: message.into(),
                offset,
            });
        }
    }

    pub(crate) fn at(&mut self, kind: AnomalyKind, offset: u64, message: impl Into<String>) {
        self.push(kind, Some(offset), message);
    }

    pub(crate) fn note(&mut self, kind: AnomalyKind, message: impl Into<String>) {
        self.push(kind, None, message);
    }

    pub(crate) fn finish(mut self) -> Vec<Anomaly> {
        for (kind, count) in &self.counts {
            if *count > Self::PER_KIND {
                self.anomalies.push(Anomaly {
                    kind: *kind,
                    message: format!(
                        "{} more anomalies of this kind were not listed",
                        count - Self::PER_KIND
                    ),
                    offset: None,
                });
            }
        }
        self.anomalies
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_match_serde() {
        let mut seen = std::collections::BTreeSet::new();
        for kind in AnomalyKind::ALL {
            assert!(seen.insert(kind.id()), "duplicate id {}", kind.id());
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.id()));
            let back: AnomalyKind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *kind);
        }
    }

    #[test]
    fn sink_caps_each_kind_and_says_how_many_were_dropped() {
        let mut sink = AnomalySink::default();
        for i in 0..40u64 {
            sink.at(AnomalyKind::BadNote, i, "bad");
        }
        sink.note(AnomalyKind::BadVersion, "once");
        let list = sink.finish();
        let notes: Vec<_> = list
            .iter()
            .filter(|a| a.kind == AnomalyKind::BadNote)
            .collect();
        assert_eq!(notes.len(), AnomalySink::PER_KIND + 1);
        assert!(notes.last().unwrap().message.starts_with("24 more"));
        assert_eq!(
            list.iter()
                .filter(|a| a.kind == AnomalyKind::BadVersion)
                .count(),
            1
        );
    }

    #[test]
    fn display_includes_id_and_offset() {
        let anomaly = Anomaly {
            kind: AnomalyKind::BadNote,
            message: "x".into(),
            offset: Some(16),
        };
        assert_eq!(anomaly.to_string(), "[bad_note] x (at 0x10)");
    }
}
