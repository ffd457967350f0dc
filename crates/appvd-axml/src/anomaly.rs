//! Anomalies: malformed or suspicious input that the decoders tolerated.
//!
//! Every decoder in this crate keeps going when the input is odd and records an [`Anomaly`]
//! instead. Each kind has a stable string id (`axml.blank_attribute_name`, ...) so that a scan
//! can report it (for example as `resilience.malformed_container`) and tests can match on it.

use std::fmt;

use serde::{Serialize, Serializer};

/// One tolerated problem in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What went wrong; [`AnomalyKind::id`] is its stable id.
    pub kind: AnomalyKind,
    /// A human sentence naming the offending values.
    pub message: String,
    /// Byte offset in the decoded file, when the problem has one.
    pub offset: Option<u64>,
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "{} at 0x{offset:x}: {}", self.kind.id(), self.message),
            None => write!(f, "{}: {}", self.kind.id(), self.message),
        }
    }
}

macro_rules! anomaly_kinds {
    ($($(#[$doc:meta])* $variant:ident => $id:literal,)*) => {
        /// The kind of an [`Anomaly`]. New kinds may be added; ids never change meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum AnomalyKind {
            $($(#[$doc])* $variant,)*
        }

        impl AnomalyKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [AnomalyKind] = &[$(AnomalyKind::$variant,)*];

            /// The stable, dotted id of this kind.
            pub const fn id(self) -> &'static str {
                match self {
                    $(AnomalyKind::$variant => $id,)*
                }
            }
        }
    };
}

anomaly_kinds! {
    // --- chunk framing shared by AXML and ARSC ---
    /// A chunk header size is smaller than the structure it introduces, larger than the chunk,
    /// or not a multiple of four.
    BadHeaderSize => "chunk.bad_header_size",
    /// A chunk header is larger than the structure it introduces; the extra bytes are skipped,
    /// as Android does.
    OversizedHeader => "chunk.oversized_header",
    /// A chunk size is smaller than its header, not a multiple of four, or runs past its parent.
    BadChunkSize => "chunk.bad_size",
    /// The data ends before a chunk (or the whole file) does.
    Truncated => "chunk.truncated",
    /// A chunk of a type that does not belong here was skipped.
    UnknownChunk => "chunk.unknown_type",
    /// Bytes that do not form a chunk were skipped to reach the next plausible chunk.
    GarbageSkipped => "chunk.garbage_skipped",
    /// Bytes follow the last chunk or the size declared in the file header.
    TrailingData => "chunk.trailing_data",

    // --- string pools ---
    /// No string pool was found where one is required.
    MissingStringPool => "strings.missing",
    /// A second string pool replaced the first (Android keeps the last one before the root).
    MultipleStringPools => "strings.multiple_pools",
    /// The string pool header has impossible counts or offsets.
    BadStringPoolHeader => "strings.bad_header",
    /// A string offset points outside the string data.
    StringOffsetOutOfRange => "strings.offset_out_of_range",
    /// A string length prefix or terminator is inconsistent with the pool.
    BadStringLength => "strings.bad_length",
    /// A string is not valid UTF-8 / UTF-16 and was decoded lossily.
    BadStringEncoding => "strings.bad_encoding",
    /// Style (span) data is out of range or not terminated.
    BadStyle => "strings.bad_style",
    /// A string index refers past the end of the pool.
    StringIndexOutOfRange => "strings.index_out_of_range",

    // --- binary XML ---
    /// The file header type is not RES_XML_TYPE (0x0003); Android does not check it.
    UnexpectedXmlFileType => "axml.unexpected_file_type",
    /// More than one resource map; the last one before the root is used, as on Android.
    MultipleResourceMaps => "axml.multiple_resource_maps",
    /// The resource map size is not a multiple of four.
    BadResourceMap => "axml.bad_resource_map",
    /// An XML node chunk is too small for its kind.
    BadNode => "axml.bad_node",
    /// An element's attributeSize is not 20; Android strides by the declared size.
    UnusualAttributeSize => "axml.unusual_attribute_size",
    /// An element's attributes run past the end of its chunk.
    AttributesOverflow => "axml.attributes_overflow",
    /// An attribute name string is empty (obfuscator style); its resource id still identifies it.
    BlankAttributeName => "axml.blank_attribute_name",
    /// An attribute name string disagrees with the name of its resource id.
    AttributeNameMismatch => "axml.attribute_name_mismatch",
    /// Attribute resource ids are not sorted, so Android's sorted lookup may miss some of them.
    UnsortedAttributes => "axml.unsorted_attributes",
    /// Two attributes of one element have the same resource id or name; the first one wins.
    DuplicateAttribute => "axml.duplicate_attribute",
    /// An attribute with an android resource id is not in the android namespace URI.
    TamperedNamespace => "axml.tampered_namespace",
    /// The raw string of an attribute disagrees with its typed string value.
    RawValueMismatch => "axml.raw_value_mismatch",
    /// An end tag does not match the open element, or elements were left open.
    UnbalancedElement => "axml.unbalanced_element",
    /// More than one top-level element.
    MultipleRoots => "axml.multiple_roots",
    /// Elements nested deeper than the decoder's cap were dropped.
    TooDeep => "axml.too_deep",
    /// A typed value has a size other than 8 or an unknown data type.
    BadValue => "axml.bad_value",

    // --- resources.arsc ---
    /// The table header type is not RES_TABLE_TYPE (0x0002).
    UnexpectedTableType => "arsc.unexpected_file_type",
    /// The number of packages differs from the table header's count.
    PackageCountMismatch => "arsc.package_count_mismatch",
    /// A package chunk is malformed (header, name, or its type/key string pools).
    BadPackage => "arsc.bad_package",
    /// A type spec chunk is malformed.
    BadTypeSpec => "arsc.bad_type_spec",
    /// A type chunk is malformed (entry count, offsets, entries start).
    BadType => "arsc.bad_type",
    /// A type or type spec uses id 0 or an id without a name in the type string pool.
    BadTypeId => "arsc.bad_type_id",
    /// A resource configuration has an unusual size.
    BadConfig => "arsc.bad_config",
    /// An entry offset or entry body is out of range or malformed.
    BadEntry => "arsc.bad_entry",

    // --- typed views (manifest, res/xml) ---
    /// The root element is not the one the view expects.
    UnexpectedRoot => "view.unexpected_root",
    /// A required attribute is missing (e.g. `package` on `<manifest>`).
    MissingAttribute => "view.missing_attribute",
    /// An android attribute was found only by its name; Android itself looks attributes up by
    /// resource id and would ignore it.
    AttributeFoundByName => "view.attribute_found_by_name",
    /// The attribute found by resource id and the one found by name disagree.
    AttributeConflict => "view.attribute_conflict",
    /// A value has a type the platform does not accept for this attribute.
    UnexpectedValueType => "view.unexpected_value_type",
    /// A resource reference could not be resolved through the resource table.
    UnresolvedReference => "view.unresolved_reference",
    /// An element appears more than once where the platform uses (or allows) only one.
    DuplicateElement => "view.duplicate_element",
    /// An element the platform does not know in this position was ignored.
    UnknownElement => "view.unknown_element",
    /// A component with an intent filter has no `android:exported` while targeting API 31+;
    /// Android 12 and later refuse to install such an app.
    MissingExported => "view.missing_exported",

    // --- limits ---
    /// Too many anomalies; the rest were counted but not recorded.
    AnomalyLimit => "limit.anomalies",
    /// Decoded strings would exceed the budget for this input (a hostile file can point many
    /// values at one huge string); strings past the budget were left empty.
    StringBudget => "limit.decoded_strings",
}

impl AnomalyKind {
    /// Finds a kind by its stable id.
    pub fn from_id(id: &str) -> Option<AnomalyKind> {
        AnomalyKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.id() == id)
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for AnomalyKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// Most anomalies a single decode records; fuzzed input could otherwise produce one per byte.
pub const MAX_ANOMALIES: usize = 512;

/// Collects anomalies up to [`MAX_ANOMALIES`], then counts the rest.
#[derive(Debug, Default)]
pub(crate) struct Anomalies {
    list: Vec<Anomaly>,
    dropped: usize,
}

impl Anomalies {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, kind: AnomalyKind, offset: Option<usize>, message: String) {
        if self.list.len() < MAX_ANOMALIES {
            self.list.push(Anomaly {
                kind,
                message,
                offset: offset.map(|o| o as u64),
            });
        } else {
            self.dropped += 1;
        }
    }

    /// Records an anomaly whose message is only built when it will be kept.
    pub(crate) fn add(
        &mut self,
        kind: AnomalyKind,
        offset: Option<usize>,
        message: impl FnOnce() -> String,
    ) {
        if self.list.len() < MAX_ANOMALIES {
            self.push(kind, offset, message());
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn into_vec(mut self) -> Vec<Anomaly> {
        if self.dropped > 0 {
            self.list.push(Anomaly {
                kind: AnomalyKind::AnomalyLimit,
                message: format!("{} further anomalies were not recorded", self.dropped),
                offset: None,
            });
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for kind in AnomalyKind::ALL {
            assert!(seen.insert(kind.id()), "duplicate id {}", kind.id());
            assert_eq!(AnomalyKind::from_id(kind.id()), Some(*kind));
            assert!(kind.id().contains('.'));
        }
    }

    #[test]
    fn collector_caps_and_reports_the_rest() {
        let mut anomalies = Anomalies::new();
        for i in 0..MAX_ANOMALIES + 10 {
            anomalies.add(AnomalyKind::BadEntry, Some(i), || format!("entry {i}"));
        }
        let list = anomalies.into_vec();
        assert_eq!(list.len(), MAX_ANOMALIES + 1);
        let last = list.last().map(|a| (a.kind, a.message.clone()));
        assert_eq!(
            last,
            Some((
                AnomalyKind::AnomalyLimit,
                "10 further anomalies were not recorded".to_string()
            ))
        );
    }

    #[test]
    fn display_includes_offset() {
        let anomaly = Anomaly {
            kind: AnomalyKind::Truncated,
            message: "cut".into(),
            offset: Some(16),
        };
        assert_eq!(anomaly.to_string(), "chunk.truncated at 0x10: cut");
    }
}
