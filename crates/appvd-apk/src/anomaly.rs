//! Anomalies: everything odd about an input that did not stop us from reading it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use serde::{Serialize, Serializer};

macro_rules! anomaly_kinds {
    ($( $(#[$doc:meta])* $variant:ident => $id:literal, )*) => {
        /// What kind of oddity an [`Anomaly`] records. Each kind has a stable string id
        /// ([`AnomalyKind::id`]) that rules and reports may key on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum AnomalyKind {
            $( $(#[$doc])* $variant, )*
        }

        impl AnomalyKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [AnomalyKind] = &[$(AnomalyKind::$variant,)*];

            /// The stable id, e.g. `zip.duplicate_entry`.
            pub const fn id(self) -> &'static str {
                match self {
                    $( AnomalyKind::$variant => $id, )*
                }
            }
        }
    };
}

anomaly_kinds! {
    /// The End Of Central Directory record sits further from the end than a ZIP comment
    /// allows (Android's reader gives up on such files).
    EocdFarFromEnd => "zip.eocd_far_from_end",
    /// Bytes follow the EOCD record and its comment.
    TrailingData => "zip.trailing_data",
    /// The EOCD comment length points past the end of the input.
    EocdCommentOverrun => "zip.eocd_comment_overrun",
    /// More than one EOCD signature was found near the end of the input.
    MultipleEocd => "zip.multiple_eocd",
    /// The EOCD claims a multi-disk archive.
    MultiDisk => "zip.multi_disk",
    /// The archive uses ZIP64 records (Android reads them only since Android 12).
    Zip64 => "zip.zip64",
    /// The ZIP64 EOCD locator or record is damaged.
    Zip64Malformed => "zip.zip64_malformed",
    /// The central directory is not where the EOCD says (typically bytes were prepended).
    CentralDirectoryRelocated => "zip.central_directory_relocated",
    /// Bytes precede the first local file header.
    PrependedData => "zip.prepended_data",
    /// The central directory ends before all declared records were read.
    CentralDirectoryTruncated => "zip.central_directory_truncated",
    /// The declared central directory size differs from the records found.
    CentralDirectorySizeMismatch => "zip.central_directory_size_mismatch",
    /// The two EOCD entry counts disagree.
    EntryCountMismatch => "zip.entry_count_mismatch",
    /// Central directory records follow the declared count; Android never sees them.
    ExtraCentralRecords => "zip.extra_central_records",
    /// No local file header at the offset the central directory gives.
    LocalHeaderInvalid => "zip.local_header_invalid",
    /// The local header names the entry differently.
    LocalNameMismatch => "zip.local_name_mismatch",
    /// The local header gives another compression method.
    LocalMethodMismatch => "zip.local_method_mismatch",
    /// The local header gives other sizes.
    LocalSizeMismatch => "zip.local_size_mismatch",
    /// The local header gives another CRC-32.
    LocalCrcMismatch => "zip.local_crc_mismatch",
    /// The local header gives other general-purpose flags.
    LocalFlagsMismatch => "zip.local_flags_mismatch",
    /// A compression method other than stored (0) or deflate (8).
    UnknownCompressionMethod => "zip.unknown_compression_method",
    /// A stored entry whose compressed and uncompressed sizes differ.
    StoredSizeMismatch => "zip.stored_size_mismatch",
    /// The "encrypted" flag is set; Android ignores it and reads the entry as plain data.
    EncryptionFlag => "zip.encryption_flag",
    /// Two entries share a name.
    DuplicateEntry => "zip.duplicate_entry",
    /// An entry's offset or size points outside the input.
    EntryOutOfBounds => "zip.entry_out_of_bounds",
    /// An entry declares an implausible size or compression ratio.
    AbsurdSize => "zip.absurd_size",
    /// Two entries' data ranges overlap.
    OverlappingEntries => "zip.overlapping_entries",
    /// A name contains a `..` component.
    NamePathTraversal => "zip.name_path_traversal",
    /// A name is an absolute path.
    NameAbsolute => "zip.name_absolute",
    /// A name contains a NUL byte.
    NameNul => "zip.name_nul",
    /// A name contains a backslash.
    NameBackslash => "zip.name_backslash",
    /// A name is not valid UTF-8.
    NameNotUtf8 => "zip.name_not_utf8",
    /// A name is empty.
    NameEmpty => "zip.name_empty",
    /// A directory entry (name ending in `/`) carries data.
    DirectoryWithData => "zip.directory_with_data",
    /// A path is used both as a file and as a directory.
    FileDirectoryConflict => "zip.file_directory_conflict",
    /// The data's CRC-32 differs from the central directory's.
    CrcMismatch => "zip.crc_mismatch",
    /// A data descriptor disagrees with the central directory.
    DataDescriptorMismatch => "zip.data_descriptor_mismatch",
    /// The compressed data could not be decoded.
    CorruptData => "zip.corrupt_data",
    /// Decoded data is not as long as declared.
    InflatedSizeMismatch => "zip.inflated_size_mismatch",
    /// Inflating one entry hit the per-entry size cap.
    EntrySizeCap => "budget.entry_size_cap",
    /// Inflating hit the cap on total inflated bytes for the app.
    TotalSizeCap => "budget.total_size_cap",
    /// Inflating hit the compression-ratio cap (zip bomb).
    RatioCap => "budget.ratio_cap",
    /// A bundle holds no recognisable base APK.
    BundleNoBase => "bundle.no_base_apk",
    /// Several bundle members could be the base APK.
    BundleAmbiguousBase => "bundle.ambiguous_base",
    /// A bundle member could not be opened as an APK.
    BundleMemberUnreadable => "bundle.member_unreadable",
    /// An XAPK `manifest.json` is missing or not valid JSON.
    BundleManifestInvalid => "bundle.manifest_invalid",
    /// An XAPK `manifest.json` lists an APK that is not in the container.
    BundleListedApkMissing => "bundle.listed_apk_missing",
    /// The archive has neither an `AndroidManifest.xml` nor inner APKs.
    NoAndroidManifest => "apk.no_android_manifest",
    /// The APK Signing Block's two size fields disagree or do not fit.
    SigningBlockSizeMismatch => "sign.block_size_mismatch",
    /// The APK Signing Block is damaged.
    SigningBlockMalformed => "sign.block_malformed",
    /// A v2/v3 signature scheme block is damaged.
    SchemeBlockMalformed => "sign.scheme_block_malformed",
    /// A signature scheme block has no signers.
    SchemeNoSigners => "sign.scheme_no_signers",
    /// A signature or digest algorithm id is not one Android knows.
    UnknownSignatureAlgorithm => "sign.unknown_signature_algorithm",
    /// The algorithms of a signer's digests and signatures differ.
    DigestSignatureAlgorithmMismatch => "sign.digest_signature_algorithm_mismatch",
    /// A signer's public key is not the key of its first certificate.
    PublicKeyMismatch => "sign.public_key_mismatch",
    /// A v3 signer's SDK range differs between signed data and signer record.
    SdkRangeMismatch => "sign.sdk_range_mismatch",
    /// A certificate could not be parsed.
    CertificateUnparsable => "sign.certificate_unparsable",
    /// Signature schemes were made with different certificates.
    SignerCertificateMismatch => "sign.signer_certificate_mismatch",
    /// A scheme the signatures say was used is missing (stripped).
    SchemeStripped => "sign.scheme_stripped",
    /// v1: `META-INF/MANIFEST.MF` is missing although signature files exist.
    V1ManifestMissing => "sign.v1_manifest_missing",
    /// v1: a `.SF` file without its signature block file, or the reverse.
    V1OrphanFile => "sign.v1_orphan_file",
    /// v1: the PKCS#7 signature block is damaged.
    V1Pkcs7Malformed => "sign.v1_pkcs7_malformed",
    /// v1: a PKCS#7 signer's certificate is not in the block.
    V1SignerCertificateMissing => "sign.v1_signer_certificate_missing",
    /// v1: the block file extension does not match the key algorithm.
    V1BlockKindMismatch => "sign.v1_block_kind_mismatch",
    /// v1: an entry is not covered by `MANIFEST.MF` (added after signing).
    V1EntryNotInManifest => "sign.v1_entry_not_in_manifest",
    /// v1: `MANIFEST.MF` lists an entry the archive does not have.
    V1ManifestEntryMissing => "sign.v1_manifest_entry_missing",
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

/// One recorded oddity: its kind, a human sentence, and where it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// What kind of oddity this is.
    pub kind: AnomalyKind,
    /// A sentence for a human reader.
    pub message: String,
    /// The ZIP entry (or bundle member) concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Byte offset in the input, when meaningful.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl Anomaly {
    /// An anomaly not tied to an entry or offset.
    pub fn new(kind: AnomalyKind, message: impl Into<String>) -> Self {
        Anomaly {
            kind,
            message: message.into(),
            entry: None,
            offset: None,
        }
    }

    /// Attaches the entry name.
    #[must_use]
    pub fn with_entry(mut self, entry: impl Into<String>) -> Self {
        self.entry = Some(entry.into());
        self
    }

    /// Attaches a byte offset.
    #[must_use]
    pub fn at(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind, self.message)?;
        if let Some(entry) = &self.entry {
            write!(f, " (entry {entry:?})")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " (offset {offset:#x})")?;
        }
        Ok(())
    }
}

/// How many anomalies of one kind are kept verbatim; the rest are only counted, so a
/// crafted archive with a million odd entries cannot make the log grow without bound.
pub const MAX_ANOMALIES_PER_KIND: usize = 64;

/// A bounded, thread-safe anomaly collector.
#[derive(Debug, Default)]
pub(crate) struct AnomalyLog {
    inner: Mutex<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    kept: Vec<Anomaly>,
    per_kind: HashMap<AnomalyKind, usize>,
}

impl AnomalyLog {
    pub(crate) fn push(&self, anomaly: Anomaly) {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = inner.per_kind.entry(anomaly.kind).or_insert(0);
        *count += 1;
        if *count <= MAX_ANOMALIES_PER_KIND {
            inner.kept.push(anomaly);
        }
    }

    pub(crate) fn extend(&self, anomalies: impl IntoIterator<Item = Anomaly>) {
        for anomaly in anomalies {
            self.push(anomaly);
        }
    }

    /// Whether this very anomaly (kind, entry and message) was already recorded; lazily
    /// found anomalies (CRC, caps) use it so reading an entry twice does not report twice.
    pub(crate) fn contains(&self, anomaly: &Anomaly) -> bool {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.kept.iter().any(|a| a == anomaly)
    }

    /// The kept anomalies, followed by one summary per kind whose overflow was dropped.
    pub(crate) fn snapshot(&self) -> Vec<Anomaly> {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut out = inner.kept.clone();
        let mut overflow: Vec<_> = inner
            .per_kind
            .iter()
            .filter(|(_, count)| **count > MAX_ANOMALIES_PER_KIND)
            .map(|(kind, count)| (*kind, *count))
            .collect();
        overflow.sort();
        for (kind, count) in overflow {
            out.push(Anomaly::new(
                kind,
                format!(
                    "{} more anomalies of this kind were not kept ({count} in total)",
                    count - MAX_ANOMALIES_PER_KIND
                ),
            ));
        }
        out
    }

    /// Total number of anomalies of `kind` seen, kept or not.
    pub(crate) fn count(&self, kind: AnomalyKind) -> usize {
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        inner.per_kind.get(&kind).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut seen = std::collections::HashSet::new();
        for kind in AnomalyKind::ALL {
            assert!(seen.insert(kind.id()), "duplicate id {}", kind.id());
            let (ns, rest) = kind.id().split_once('.').expect("namespaced id");
            assert!(["zip", "budget", "bundle", "apk", "sign"].contains(&ns));
            assert!(
                rest.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            );
        }
    }

    #[test]
    fn log_keeps_a_bounded_number_per_kind() {
        let log = AnomalyLog::default();
        for i in 0..(MAX_ANOMALIES_PER_KIND + 10) {
            log.push(Anomaly::new(
                AnomalyKind::DuplicateEntry,
                format!("dup {i}"),
            ));
        }
        log.push(Anomaly::new(AnomalyKind::CrcMismatch, "crc").with_entry("a"));
        let snapshot = log.snapshot();
        assert_eq!(snapshot.len(), MAX_ANOMALIES_PER_KIND + 2);
        assert_eq!(
            log.count(AnomalyKind::DuplicateEntry),
            MAX_ANOMALIES_PER_KIND + 10
        );
        assert!(
            snapshot
                .last()
                .is_some_and(|a| a.message.starts_with("10 more"))
        );
        assert!(log.contains(&Anomaly::new(AnomalyKind::CrcMismatch, "crc").with_entry("a")));
        assert!(!log.contains(&Anomaly::new(AnomalyKind::CrcMismatch, "crc").with_entry("b")));
    }

    #[test]
    fn kind_serialises_as_its_id() {
        let anomaly = Anomaly::new(AnomalyKind::EncryptionFlag, "x")
            .with_entry("e")
            .at(4);
        let json = serde_json::to_string(&anomaly).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"zip.encryption_flag","message":"x","entry":"e","offset":4}"#
        );
    }
}
