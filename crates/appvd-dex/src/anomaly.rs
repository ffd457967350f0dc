//! Anomalies: what was wrong with the input, recorded instead of failing.

use serde::Serialize;
use std::fmt;

/// The kind of an anomaly, with a stable id (see [`AnomalyKind::id`]) that reports and tests
/// can rely on across releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "&'static str")]
pub enum AnomalyKind {
    /// A DEX file of the app could not be opened at all.
    Unreadable,
    /// The version in the magic is not one of 035 to 041.
    UnknownVersion,
    /// The Adler-32 checksum in the header does not match the file.
    BadChecksum,
    /// The SHA-1 signature in the header does not match the file.
    BadSignature,
    /// `file_size` in the header disagrees with the input length.
    FileSizeMismatch,
    /// `header_size` is not the value the version prescribes.
    BadHeaderSize,
    /// A section (id table, map, data) lies partly or wholly outside the file.
    SectionOutOfBounds,
    /// A count read from the input was larger than the input can hold and was capped.
    CountCapped,
    /// A section offset is not aligned as the format requires.
    Misaligned,
    /// The map list is missing, out of bounds or disagrees with the header.
    BadMap,
    /// The file is a DEX 041 container holding several DEX entries.
    Container,
    /// A container entry header is malformed.
    BadContainerEntry,
    /// The link section is non-empty (statically linked files are not loadable).
    LinkSection,
    /// A string data item is out of bounds or not terminated.
    BadString,
    /// A string is not valid MUTF-8 (replacement characters were substituted).
    BadMutf8,
    /// An index into an id table (string, type, proto, field, method) is out of range.
    BadIndex,
    /// A class definition is malformed (bad type, bad superclass, bad interface list).
    BadClassDef,
    /// A class data item (encoded fields and methods) is malformed.
    BadClassData,
    /// A code item is malformed or out of bounds.
    BadCodeItem,
    /// An instruction uses an opcode that no Dalvik version defines.
    UnknownOpcode,
    /// An instruction or payload runs past the end of its code item.
    TruncatedInstruction,
    /// A branch, switch or payload target falls outside the code or inside an instruction.
    BadBranchTarget,
    /// A try item or catch handler is malformed.
    BadTryCatch,
    /// An encoded value, encoded array or static value list is malformed.
    BadEncodedValue,
    /// An annotation directory, set or item is malformed.
    BadAnnotation,
    /// A debug info item is malformed.
    BadDebugInfo,
    /// The same class is defined more than once across the app's DEX files.
    DuplicateClass,
    /// A class is its own ancestor through superclasses or interfaces.
    HierarchyCycle,
    /// A method was too large for the full data-flow analysis, a cheaper pass was used.
    AnalysisBudget,
}

impl AnomalyKind {
    /// The stable id, e.g. `dex.bad_checksum`.
    pub fn id(self) -> &'static str {
        match self {
            AnomalyKind::Unreadable => "dex.unreadable",
            AnomalyKind::UnknownVersion => "dex.unknown_version",
            AnomalyKind::BadChecksum => "dex.bad_checksum",
            AnomalyKind::BadSignature => "dex.bad_signature",
            AnomalyKind::FileSizeMismatch => "dex.file_size_mismatch",
            AnomalyKind::BadHeaderSize => "dex.bad_header_size",
            AnomalyKind::SectionOutOfBounds => "dex.section_out_of_bounds",
            AnomalyKind::CountCapped => "dex.count_capped",
            AnomalyKind::Misaligned => "dex.misaligned",
            AnomalyKind::BadMap => "dex.bad_map",
            AnomalyKind::Container => "dex.container",
            AnomalyKind::BadContainerEntry => "dex.bad_container_entry",
            AnomalyKind::LinkSection => "dex.link_section",
            AnomalyKind::BadString => "dex.bad_string",
            AnomalyKind::BadMutf8 => "dex.bad_mutf8",
            AnomalyKind::BadIndex => "dex.bad_index",
            AnomalyKind::BadClassDef => "dex.bad_class_def",
            AnomalyKind::BadClassData => "dex.bad_class_data",
            AnomalyKind::BadCodeItem => "dex.bad_code_item",
            AnomalyKind::UnknownOpcode => "dex.unknown_opcode",
            AnomalyKind::TruncatedInstruction => "dex.truncated_instruction",
            AnomalyKind::BadBranchTarget => "dex.bad_branch_target",
            AnomalyKind::BadTryCatch => "dex.bad_try_catch",
            AnomalyKind::BadEncodedValue => "dex.bad_encoded_value",
            AnomalyKind::BadAnnotation => "dex.bad_annotation",
            AnomalyKind::BadDebugInfo => "dex.bad_debug_info",
            AnomalyKind::DuplicateClass => "dex.duplicate_class",
            AnomalyKind::HierarchyCycle => "dex.hierarchy_cycle",
            AnomalyKind::AnalysisBudget => "dex.analysis_budget",
        }
    }
}

impl From<AnomalyKind> for &'static str {
    fn from(kind: AnomalyKind) -> Self {
        kind.id()
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One thing that was wrong with the input, with where it was found and a sentence for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What kind of problem this is.
    pub kind: AnomalyKind,
    /// Byte offset in the DEX file (or container) where the problem was found, when known.
    pub offset: Option<u64>,
    /// The item the problem belongs to, e.g. a class descriptor or `Lfoo/Bar;->baz()V`.
    pub context: Option<String>,
    /// A human-readable sentence.
    pub message: String,
}

impl Anomaly {
    /// A new anomaly without offset or context.
    pub fn new(kind: AnomalyKind, message: impl Into<String>) -> Self {
        Anomaly {
            kind,
            offset: None,
            context: None,
            message: message.into(),
        }
    }

    /// Sets the byte offset.
    #[must_use]
    pub fn at(mut self, offset: impl Into<u64>) -> Self {
        self.offset = Some(offset.into());
        self
    }

    /// Sets the context (class or method the anomaly belongs to).
    #[must_use]
    pub fn in_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.kind.id())?;
        if let Some(offset) = self.offset {
            write!(f, " @{offset:#x}")?;
        }
        if let Some(context) = &self.context {
            write!(f, " {context}:")?;
        }
        write!(f, " {}", self.message)
    }
}

/// Collects anomalies while keeping memory bounded on hostile input: after [`Self::LIMIT`]
/// anomalies of one kind, further ones are only counted.
#[derive(Debug, Default, Clone)]
pub(crate) struct AnomalySink {
    items: Vec<Anomaly>,
    per_kind: std::collections::HashMap<AnomalyKind, u32>,
    dropped: u64,
}

impl AnomalySink {
    pub(crate) const LIMIT: u32 = 256;

    pub(crate) fn push(&mut self, anomaly: Anomaly) {
        let count = self.per_kind.entry(anomaly.kind).or_insert(0);
        *count += 1;
        if *count <= Self::LIMIT {
            self.items.push(anomaly);
        } else {
            self.dropped += 1;
        }
    }

    /// Anomalies kept, plus one summary line per kind that overflowed.
    pub(crate) fn finish(mut self) -> Vec<Anomaly> {
        if self.dropped > 0 {
            let mut overflowing: Vec<_> = self
                .per_kind
                .iter()
                .filter(|(_, n)| **n > Self::LIMIT)
                .map(|(k, n)| (*k, *n))
                .collect();
            overflowing.sort();
            for (kind, count) in overflowing {
                self.items.push(Anomaly::new(
                    kind,
                    format!(
                        "{} more anomalies of this kind were not recorded",
                        count - Self::LIMIT
                    ),
                ));
            }
        }
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let kinds = [
            AnomalyKind::Unreadable,
            AnomalyKind::UnknownVersion,
            AnomalyKind::BadChecksum,
            AnomalyKind::BadSignature,
            AnomalyKind::FileSizeMismatch,
            AnomalyKind::BadHeaderSize,
            AnomalyKind::SectionOutOfBounds,
            AnomalyKind::CountCapped,
            AnomalyKind::Misaligned,
            AnomalyKind::BadMap,
            AnomalyKind::Container,
            AnomalyKind::BadContainerEntry,
            AnomalyKind::LinkSection,
            AnomalyKind::BadString,
            AnomalyKind::BadMutf8,
            AnomalyKind::BadIndex,
            AnomalyKind::BadClassDef,
            AnomalyKind::BadClassData,
            AnomalyKind::BadCodeItem,
            AnomalyKind::UnknownOpcode,
            AnomalyKind::TruncatedInstruction,
            AnomalyKind::BadBranchTarget,
            AnomalyKind::BadTryCatch,
            AnomalyKind::BadEncodedValue,
            AnomalyKind::BadAnnotation,
            AnomalyKind::BadDebugInfo,
            AnomalyKind::DuplicateClass,
            AnomalyKind::HierarchyCycle,
            AnomalyKind::AnalysisBudget,
        ];
        let mut ids: Vec<_> = kinds.iter().map(|k| k.id()).collect();
        assert!(ids.iter().all(|id| id.starts_with("dex.")));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), kinds.len());
    }

    #[test]
    fn sink_caps_each_kind() {
        let mut sink = AnomalySink::default();
        for _ in 0..(AnomalySink::LIMIT + 10) {
            sink.push(Anomaly::new(AnomalyKind::BadIndex, "x"));
        }
        sink.push(Anomaly::new(AnomalyKind::BadString, "y"));
        let items = sink.finish();
        assert_eq!(items.len(), AnomalySink::LIMIT as usize + 2);
        assert!(
            items
                .last()
                .is_some_and(|a| a.message.starts_with("10 more"))
        );
    }

    #[test]
    fn display_has_id_offset_and_context() {
        let a = Anomaly::new(AnomalyKind::BadChecksum, "wrong")
            .at(8u32)
            .in_context("classes.dex");
        assert_eq!(a.to_string(), "[dex.bad_checksum] @0x8 classes.dex: wrong");
    }
}
