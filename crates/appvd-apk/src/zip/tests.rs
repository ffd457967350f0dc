//! Unit tests of the ZIP reader on archives built in memory.

use super::*;
use crate::budget::InflateLimits;
use crate::error::ReadError;

/// A minimal ZIP writer for tests: stored entries, optional overrides.
#[derive(Default)]
struct Builder {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

struct Spec<'a> {
    name: &'a [u8],
    data: &'a [u8],
    method: u16,
    flags: u16,
    local_name: Option<&'a [u8]>,
    crc: Option<u32>,
}

impl<'a> Spec<'a> {
    fn stored(name: &'a str, data: &'a [u8]) -> Self {
        Spec {
            name: name.as_bytes(),
            data,
            method: 0,
            flags: 0,
            local_name: None,
            crc: None,
        }
    }
}

fn crc(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

impl Builder {
    fn add(&mut self, spec: Spec<'_>) -> &mut Self {
        let offset = self.out.len() as u32;
        let crc = spec.crc.unwrap_or_else(|| crc(spec.data));
        let local_name = spec.local_name.unwrap_or(spec.name);
        let size = spec.data.len() as u32;
        self.out.extend_from_slice(&LOCAL_SIGNATURE.to_le_bytes());
        self.out.extend_from_slice(&20u16.to_le_bytes());
        self.out.extend_from_slice(&spec.flags.to_le_bytes());
        self.out.extend_from_slice(&spec.method.to_le_bytes());
        self.out.extend_from_slice(&[0; 4]);
        self.out.extend_from_slice(&crc.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out
            .extend_from_slice(&(local_name.len() as u16).to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out.extend_from_slice(local_name);
        self.out.extend_from_slice(spec.data);

        self.central
            .extend_from_slice(&CENTRAL_SIGNATURE.to_le_bytes());
        self.central.extend_from_slice(&[20, 3, 20, 0]);
        self.central.extend_from_slice(&spec.flags.to_le_bytes());
        self.central.extend_from_slice(&spec.method.to_le_bytes());
        self.central.extend_from_slice(&[0; 4]);
        self.central.extend_from_slice(&crc.to_le_bytes());
        self.central.extend_from_slice(&size.to_le_bytes());
        self.central.extend_from_slice(&size.to_le_bytes());
        self.central
            .extend_from_slice(&(spec.name.len() as u16).to_le_bytes());
        self.central.extend_from_slice(&[0; 12]);
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(spec.name);
        self.count += 1;
        self
    }

    fn finish(&self) -> Vec<u8> {
        let mut out = self.out.clone();
        let offset = out.len() as u32;
        out.extend_from_slice(&self.central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&self.count.to_le_bytes());
        out.extend_from_slice(&self.count.to_le_bytes());
        out.extend_from_slice(&(self.central.len() as u32).to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

fn kinds(archive: &ZipArchive) -> Vec<AnomalyKind> {
    archive.anomalies().iter().map(|a| a.kind).collect()
}

#[test]
fn clean_archive_has_no_anomalies() {
    let bytes = Builder::default()
        .add(Spec::stored("AndroidManifest.xml", b"manifest"))
        .add(Spec::stored("assets/", b""))
        .add(Spec::stored("assets/a.txt", b"hello"))
        .finish();
    let archive = ZipArchive::from_bytes(bytes).unwrap();
    assert!(archive.anomalies().is_empty(), "{:?}", archive.anomalies());
    assert_eq!(archive.entries().len(), 3);
    assert!(archive.entries()[1].is_directory);
    assert_eq!(&*archive.read_by_name("assets/a.txt").unwrap(), b"hello");
    assert_eq!(archive.entries()[2].file_name(), "a.txt");
    assert!(matches!(
        archive.read_by_name("missing"),
        Err(ReadError::NotFound(_))
    ));
    assert_eq!(
        &*archive.read_prefix(&archive.entries()[0], 3).unwrap(),
        b"man"
    );
    assert_eq!(archive.layout().first_local_header, Some(0));
}

#[test]
fn hopeless_inputs_are_errors() {
    assert!(matches!(
        ZipArchive::from_bytes(Vec::new()),
        Err(OpenError::NoEndOfCentralDirectory { .. })
    ));
    assert!(ZipArchive::from_bytes(b"just some text, no zip here at all".to_vec()).is_err());
    // One declared entry, central directory far outside the input.
    let mut eocd = b"PK\x05\x06\0\0\0\0\x01\0\x01\0".to_vec();
    eocd.extend_from_slice(&46u32.to_le_bytes());
    eocd.extend_from_slice(&0x10_0000u32.to_le_bytes());
    eocd.extend_from_slice(&[0, 0]);
    let mut data = vec![0u8; 64];
    data.extend(eocd);
    assert!(matches!(
        ZipArchive::from_bytes(data),
        Err(OpenError::CentralDirectoryOutOfBounds { .. })
    ));
}

#[test]
fn duplicates_resolve_to_the_first() {
    let bytes = Builder::default()
        .add(Spec::stored("classes.dex", b"first"))
        .add(Spec::stored("classes.dex", b"second"))
        .finish();
    let archive = ZipArchive::from_bytes(bytes).unwrap();
    assert_eq!(&*archive.read_by_name("classes.dex").unwrap(), b"first");
    assert_eq!(archive.entries()[1].duplicate_of, Some(0));
    assert_eq!(kinds(&archive), vec![AnomalyKind::DuplicateEntry]);
}

#[test]
fn local_header_disagreements() {
    let bytes = Builder::default()
        .add(Spec {
            local_name: Some(b"other.xml"),
            ..Spec::stored("AndroidManifest.xml", b"m")
        })
        .finish();
    let archive = ZipArchive::from_bytes(bytes).unwrap();
    assert_eq!(kinds(&archive), vec![AnomalyKind::LocalNameMismatch]);
    // The central directory name is what counts.
    assert!(archive.by_name("AndroidManifest.xml").is_some());
}

#[test]
fn unknown_method_reads_as_stored() {
    let bytes = Builder::default()
        .add(Spec {
            method: 0x1234,
            ..Spec::stored("AndroidManifest.xml", b"plain")
        })
        .finish();
    let archive = ZipArchive::from_bytes(bytes).unwrap();
    assert_eq!(
        archive.entries()[0].method,
        CompressionMethod::Unknown(0x1234)
    );
    assert_eq!(
        &*archive.read_by_name("AndroidManifest.xml").unwrap(),
        b"plain"
    );
    assert_eq!(kinds(&archive), vec![AnomalyKind::UnknownCompressionMethod]);
}

#[test]
fn crc_mismatch_is_found_lazily_once() {
    let bytes = Builder::default()
        .add(Spec {
            crc: Some(1),
            ..Spec::stored("a", b"data")
        })
        .finish();
    let archive = ZipArchive::from_bytes(bytes).unwrap();
    assert!(archive.anomalies().is_empty());
    let entry = &archive.entries()[0];
    assert_eq!(&*archive.read(entry).unwrap(), b"data");
    assert_eq!(&*archive.read(entry).unwrap(), b"data");
    assert_eq!(kinds(&archive), vec![AnomalyKind::CrcMismatch]);
}

#[test]
fn encryption_flag_and_names() {
    let bytes = Builder::default()
        .add(Spec {
            flags: 1,
            ..Spec::stored("a", b"x")
        })
        .add(Spec::stored("../up", b"x"))
        .add(Spec::stored("/abs", b"x"))
        .add(Spec::stored("back\\slash", b"x"))
        .add(Spec {
            name: b"nul\0",
            ..Spec::stored("", b"x")
        })
        .add(Spec {
            name: b"\xff",
            ..Spec::stored("", b"x")
        })
        .add(Spec::stored("", b""))
        .add(Spec::stored("a/b", b"x"))
        .add(Spec::stored("dir/", b"data"))
        .finish();
    let archive = ZipArchive::from_bytes(bytes).unwrap();
    assert!(archive.entries()[0].encryption_flag());
    assert_eq!(&*archive.read(&archive.entries()[0]).unwrap(), b"x");
    let found = kinds(&archive);
    for kind in [
        AnomalyKind::EncryptionFlag,
        AnomalyKind::NamePathTraversal,
        AnomalyKind::NameAbsolute,
        AnomalyKind::NameBackslash,
        AnomalyKind::NameNul,
        AnomalyKind::NameNotUtf8,
        AnomalyKind::NameEmpty,
        AnomalyKind::FileDirectoryConflict,
        AnomalyKind::DirectoryWithData,
    ] {
        assert!(found.contains(&kind), "missing {kind}: {found:?}");
    }
}

#[test]
fn prepended_and_appended_bytes() {
    let plain = Builder::default().add(Spec::stored("a", b"hello")).finish();
    let mut shifted = b"JUNKJUNK".to_vec();
    shifted.extend_from_slice(&plain);
    shifted.extend_from_slice(b"tail");
    let archive = ZipArchive::from_bytes(shifted).unwrap();
    assert_eq!(archive.layout().offset_shift, 8);
    assert_eq!(&*archive.read_by_name("a").unwrap(), b"hello");
    let found = kinds(&archive);
    assert!(found.contains(&AnomalyKind::CentralDirectoryRelocated));
    assert!(found.contains(&AnomalyKind::PrependedData));
    assert!(found.contains(&AnomalyKind::TrailingData));
}

#[test]
fn budget_caps_are_errors_and_anomalies() {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&vec![0u8; 4 << 20]).unwrap();
    let packed = encoder.finish().unwrap();
    // Deflated entry written by hand: sizes differ, so patch after building.
    let mut bytes = Builder::default()
        .add(Spec {
            method: 8,
            ..Spec::stored("bomb", &packed)
        })
        .finish();
    let usize_field = (4u32 << 20).to_le_bytes();
    let zeros_crc = crc(&vec![0u8; 4 << 20]).to_le_bytes();
    bytes[14..18].copy_from_slice(&zeros_crc);
    bytes[22..26].copy_from_slice(&usize_field);
    let central = bytes.len() - 22 - 46 - 4;
    bytes[central + 16..central + 20].copy_from_slice(&zeros_crc);
    bytes[central + 24..central + 28].copy_from_slice(&usize_field);

    let small = InflateLimits {
        max_entry_bytes: 1 << 20,
        ..InflateLimits::default()
    };
    let archive = ZipArchive::from_shared(bytes.clone().into(), InflateBudget::new(small)).unwrap();
    let error = archive.read_by_name("bomb").unwrap_err();
    assert!(matches!(
        error,
        ReadError::Budget {
            cap: crate::BudgetCap::EntryBytes,
            ..
        }
    ));
    assert!(kinds(&archive).contains(&AnomalyKind::EntrySizeCap));
    assert!(kinds(&archive).contains(&AnomalyKind::AbsurdSize));

    let roomy = InflateLimits {
        max_ratio: 10_000,
        ..InflateLimits::default()
    };
    let archive = ZipArchive::from_shared(bytes.into(), InflateBudget::new(roomy)).unwrap();
    assert_eq!(archive.read_by_name("bomb").unwrap().len(), 4 << 20);
    assert_eq!(archive.budget().used(), 4 << 20);
    assert!(archive.anomalies().is_empty(), "{:?}", archive.anomalies());
}
