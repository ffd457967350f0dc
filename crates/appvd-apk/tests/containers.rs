//! The lenient ZIP reader on real and tampered APKs.

mod common;

use appvd_apk::{
    AnomalyKind, BudgetCap, CompressionMethod, InflateBudget, InflateLimits, ReadError, ZipArchive,
};
use common::{archive, fixture, kinds, read_all};

const GOOD_ENTRIES: [&str; 6] = [
    "AndroidManifest.xml",
    "resources.arsc",
    "classes.dex",
    "META-INF/RELEASE.SF",
    "META-INF/RELEASE.RSA",
    "META-INF/MANIFEST.MF",
];

fn names(archive: &ZipArchive) -> Vec<&str> {
    archive.entries().iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn good_apk_reads_cleanly() {
    let apk = archive("signed-v1v2v3.apk");
    assert_eq!(names(&apk), GOOD_ENTRIES);
    assert_eq!(read_all(&apk), 0);
    assert!(apk.anomalies().is_empty(), "{:?}", apk.anomalies());
    let manifest = apk.read_by_name("AndroidManifest.xml").unwrap();
    assert_eq!(&manifest[..2], &[0x03, 0x00], "binary XML chunk type");
    let dex = apk.read_by_name("classes.dex").unwrap();
    assert_eq!(&dex[..4], b"dex\n");
    assert_eq!(
        apk.by_name("resources.arsc").unwrap().method,
        CompressionMethod::Stored
    );
    assert!(apk.bytes().is_mapped());
    assert_eq!(apk.layout().offset_shift, 0);
}

#[test]
fn local_headers_that_disagree_are_reported_and_ignored() {
    let apk = archive("tampered-local-mismatch.apk");
    assert_eq!(names(&apk), GOOD_ENTRIES);
    assert_eq!(
        kinds(&apk),
        [
            AnomalyKind::LocalNameMismatch,
            AnomalyKind::LocalMethodMismatch,
            AnomalyKind::LocalSizeMismatch,
            AnomalyKind::LocalCrcMismatch,
            AnomalyKind::LocalFlagsMismatch,
        ]
    );
    // The central directory is the truth: every entry still reads with a good CRC.
    assert_eq!(read_all(&apk), 0);
    assert!(!kinds(&apk).contains(&AnomalyKind::CrcMismatch));
    let manifest_anomalies: Vec<_> = apk
        .anomalies()
        .into_iter()
        .filter(|a| a.entry.as_deref() == Some("AndroidManifest.xml"))
        .map(|a| a.kind)
        .collect();
    assert_eq!(
        manifest_anomalies,
        [
            AnomalyKind::LocalMethodMismatch,
            AnomalyKind::LocalSizeMismatch,
            AnomalyKind::LocalCrcMismatch
        ]
    );
}

#[test]
fn bogus_methods_read_like_android() {
    let apk = archive("tampered-bogus-method.apk");
    let manifest = apk.by_name("AndroidManifest.xml").unwrap();
    assert_eq!(manifest.method, CompressionMethod::Unknown(0x1234));
    assert_eq!(&apk.read(manifest).unwrap()[..2], &[0x03, 0x00]);
    // classes.dex claims bzip2 but is deflate: recovered by trying deflate when the stored
    // bytes fail the CRC.
    let dex = apk.by_name("classes.dex").unwrap();
    assert_eq!(dex.method, CompressionMethod::Unknown(12));
    assert_eq!(&apk.read(dex).unwrap()[..4], b"dex\n");
    assert_eq!(kinds(&apk), [AnomalyKind::UnknownCompressionMethod]);
    assert!(!kinds(&apk).contains(&AnomalyKind::CrcMismatch));
    assert_eq!(apk.anomaly_count(AnomalyKind::UnknownCompressionMethod), 3);
}

#[test]
fn fake_encryption_flag_is_ignored() {
    let apk = archive("tampered-fake-encryption.apk");
    assert!(apk.entries().iter().all(|e| e.encryption_flag()));
    assert_eq!(read_all(&apk), 0);
    assert_eq!(kinds(&apk), [AnomalyKind::EncryptionFlag]);
    assert_eq!(apk.anomaly_count(AnomalyKind::EncryptionFlag), 6);
}

#[test]
fn duplicate_names_resolve_to_the_first() {
    let apk = archive("tampered-duplicate.apk");
    assert_eq!(apk.entries().len(), 7);
    let second = &apk.entries()[1];
    assert_eq!(second.name, "AndroidManifest.xml");
    assert_eq!(second.duplicate_of, Some(0));
    assert_eq!(&apk.read(second).unwrap()[..], b"second manifest");
    assert_eq!(
        &apk.read_by_name("AndroidManifest.xml").unwrap()[..2],
        &[0x03, 0x00]
    );
    assert_eq!(kinds(&apk), [AnomalyKind::DuplicateEntry]);
    let anomaly = &apk.anomalies()[0];
    assert!(anomaly.message.contains("first"), "{}", anomaly.message);
}

#[test]
fn junk_before_and_after_is_skipped() {
    let apk = archive("tampered-junk.apk");
    assert_eq!(names(&apk), GOOD_ENTRIES);
    assert_eq!(apk.layout().offset_shift, 4096);
    assert_eq!(apk.layout().first_local_header, Some(4096));
    assert_eq!(read_all(&apk), 0);
    assert_eq!(
        kinds(&apk),
        [
            AnomalyKind::TrailingData,
            AnomalyKind::CentralDirectoryRelocated,
            AnomalyKind::PrependedData
        ]
    );
}

#[test]
fn absurd_sizes_and_offsets() {
    let apk = archive("tampered-absurd-sizes.apk");
    let found = kinds(&apk);
    assert!(found.contains(&AnomalyKind::AbsurdSize));
    assert!(found.contains(&AnomalyKind::EntryOutOfBounds));
    assert!(matches!(
        apk.read_by_name("assets/outside.bin"),
        Err(ReadError::OutOfBounds { .. })
    ));
    // 12 real bytes behind a declared 4 GiB: inflates to what is there, and says so.
    assert_eq!(
        &apk.read_by_name("assets/huge.bin").unwrap()[..],
        b"tiny payload"
    );
    assert!(kinds(&apk).contains(&AnomalyKind::InflatedSizeMismatch));
    // Stored, declared 256 MiB that are not there: Android's length does not fit.
    assert!(apk.read_by_name("assets/toolong.bin").is_err());
    assert_eq!(&apk.read_by_name("classes.dex").unwrap()[..4], b"dex\n");
}

#[test]
fn truncated_central_directory_keeps_what_it_can() {
    let apk = archive("tampered-truncated-cd.apk");
    assert_eq!(names(&apk), &GOOD_ENTRIES[..5]);
    assert!(kinds(&apk).contains(&AnomalyKind::CentralDirectoryTruncated));
    assert_eq!(read_all(&apk), 0);
}

#[test]
fn hidden_central_records_are_reported_not_listed() {
    let apk = archive("tampered-hidden-entry.apk");
    assert_eq!(names(&apk), GOOD_ENTRIES);
    let hidden: Vec<_> = apk
        .anomalies()
        .into_iter()
        .filter(|a| a.kind == AnomalyKind::ExtraCentralRecords)
        .collect();
    assert_eq!(hidden.len(), 1);
    assert!(hidden[0].message.contains("assets/hidden.txt"));
}

#[test]
fn odd_names_are_reported() {
    let apk = archive("tampered-names.apk");
    let found = kinds(&apk);
    for kind in [
        AnomalyKind::NamePathTraversal,
        AnomalyKind::NameAbsolute,
        AnomalyKind::NameBackslash,
        AnomalyKind::NameNul,
        AnomalyKind::NameNotUtf8,
        AnomalyKind::DirectoryWithData,
        AnomalyKind::FileDirectoryConflict,
    ] {
        assert!(found.contains(&kind), "missing {kind}");
    }
    let traversal = apk
        .anomalies()
        .into_iter()
        .find(|a| a.kind == AnomalyKind::NamePathTraversal)
        .unwrap();
    assert_eq!(traversal.entry.as_deref(), Some("../../evil.so"));
    assert!(
        apk.entries()
            .iter()
            .any(|e| e.name == "assets/\u{fffd}\u{fffd}.bin"
                && e.raw_name() == b"assets/\xff\xfe.bin")
    );
}

#[test]
fn data_descriptors_are_checked() {
    let apk = archive("data-descriptors.apk");
    assert!(apk.entries().iter().all(|e| e.has_data_descriptor));
    assert_eq!(read_all(&apk), 0);
    let mismatches: Vec<_> = apk
        .anomalies()
        .into_iter()
        .filter(|a| a.kind == AnomalyKind::DataDescriptorMismatch)
        .collect();
    assert_eq!(mismatches.len(), 1);
    assert_eq!(mismatches[0].entry.as_deref(), Some("classes.dex"));
}

#[test]
fn crc_mismatch_is_found_when_read() {
    let apk = archive("tampered-crc.apk");
    assert!(apk.anomalies().is_empty());
    let dex = apk.read_by_name("classes.dex").unwrap();
    assert_eq!(&dex[..4], b"dex\n");
    assert_eq!(kinds(&apk), [AnomalyKind::CrcMismatch]);
}

#[test]
fn zip64_end_records_are_followed() {
    let apk = archive("zip64.apk");
    assert!(apk.layout().zip64);
    assert_eq!(names(&apk), GOOD_ENTRIES);
    assert_eq!(read_all(&apk), 0);
    assert_eq!(kinds(&apk), [AnomalyKind::Zip64]);
}

#[test]
fn zip_bomb_hits_the_ratio_cap() {
    let apk = archive("zip-bomb.apk");
    let found = kinds(&apk);
    assert!(found.contains(&AnomalyKind::AbsurdSize));
    assert!(found.contains(&AnomalyKind::OverlappingEntries));
    let bomb = apk.by_name("assets/bomb.bin").unwrap();
    assert_eq!(bomb.uncompressed_size, 24 << 20);
    let error = apk.read(bomb).unwrap_err();
    assert!(
        matches!(
            error,
            ReadError::Budget {
                cap: BudgetCap::Ratio,
                ..
            }
        ),
        "{error}"
    );
    assert!(kinds(&apk).contains(&AnomalyKind::RatioCap));
    // The cap stops inflating within a few MiB, far below the declared 24 MiB x 9.
    assert!(apk.budget().used() <= 8 << 20, "{}", apk.budget().used());
    // Small entries are still readable.
    assert_eq!(
        &apk.read_by_name("AndroidManifest.xml").unwrap()[..2],
        &[0x03, 0x00]
    );
}

#[test]
fn zip_bomb_hits_entry_and_total_caps() {
    let bytes = std::fs::read(fixture("zip-bomb.apk")).unwrap();
    let limits = InflateLimits {
        max_entry_bytes: 1 << 20,
        max_ratio: u64::MAX,
        ..InflateLimits::default()
    };
    let apk = ZipArchive::from_shared(bytes.clone().into(), InflateBudget::new(limits)).unwrap();
    let error = apk.read_by_name("assets/bomb.bin").unwrap_err();
    assert!(
        matches!(error, ReadError::Budget { cap: BudgetCap::EntryBytes, limit, .. } if limit == 1 << 20)
    );
    assert!(kinds(&apk).contains(&AnomalyKind::EntrySizeCap));

    // The overlapping copies together exceed a 64 MiB app budget.
    let limits = InflateLimits {
        max_total_bytes: 64 << 20,
        max_ratio: u64::MAX,
        ..InflateLimits::default()
    };
    let apk = ZipArchive::from_shared(bytes.into(), InflateBudget::new(limits)).unwrap();
    let results: Vec<_> = apk
        .entries()
        .iter()
        .map(|e| apk.read(e).map(|d| d.len()))
        .collect();
    assert!(results.iter().any(|r| matches!(
        r,
        Err(ReadError::Budget {
            cap: BudgetCap::TotalBytes,
            ..
        })
    )));
    assert!(apk.budget().used() <= 64 << 20);
    assert!(kinds(&apk).contains(&AnomalyKind::TotalSizeCap));
}

#[test]
fn prefix_reads_do_not_inflate_everything() {
    let apk = archive("zip-bomb.apk");
    let bomb = apk.by_name("assets/bomb.bin").unwrap();
    let head = apk.read_prefix(bomb, 16).unwrap();
    assert_eq!(&head[..], &[0u8; 16]);
    assert!(apk.budget().used() < 1 << 20);
}

#[test]
fn hopeless_inputs_are_errors() {
    assert!(ZipArchive::from_bytes(b"MZ not a zip".to_vec()).is_err());
    let good = std::fs::read(fixture("signed-v1v2v3.apk")).unwrap();
    // Cut inside the central directory *and* lose the end record.
    assert!(ZipArchive::from_bytes(good[..good.len() / 2].to_vec()).is_err());
}
