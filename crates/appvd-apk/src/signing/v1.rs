//! v1 (JAR) signatures: `META-INF/MANIFEST.MF`, `*.SF` and PKCS#7 `*.RSA|*.DSA|*.EC`.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Serialize;

use super::ber::{self, Tlv};
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::cert::{Certificate, KeyAlgorithm, oid_name_str};
use crate::zip::ZipArchive;

const SIGNED_DATA_OID: &str = "1.2.840.113549.1.7.2";
/// Largest manifest or signature file read; real ones are a few MiB at most.
const MAX_TEXT_FILE: usize = 64 << 20;

/// Kind of v1 signature block file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum V1BlockKind {
    /// `.RSA`
    #[serde(rename = "RSA")]
    Rsa,
    /// `.DSA`
    #[serde(rename = "DSA")]
    Dsa,
    /// `.EC`
    #[serde(rename = "EC")]
    Ec,
}

impl V1BlockKind {
    fn from_extension(extension: &str) -> Option<Self> {
        match extension.to_ascii_uppercase().as_str() {
            "RSA" => Some(V1BlockKind::Rsa),
            "DSA" => Some(V1BlockKind::Dsa),
            "EC" => Some(V1BlockKind::Ec),
            _ => None,
        }
    }

    fn key_algorithm(self) -> KeyAlgorithm {
        match self {
            V1BlockKind::Rsa => KeyAlgorithm::Rsa,
            V1BlockKind::Dsa => KeyAlgorithm::Dsa,
            V1BlockKind::Ec => KeyAlgorithm::Ec,
        }
    }
}

/// Facts from `META-INF/MANIFEST.MF`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFacts {
    /// Entry name as found.
    pub entry: String,
    /// Digest algorithms used by per-entry sections, e.g. `SHA-1`, `SHA-256`.
    pub digest_algorithms: Vec<String>,
    /// Number of per-entry sections.
    pub entries: usize,
    /// `Created-By` main attribute.
    pub created_by: Option<String>,
    /// `Built-By` main attribute.
    pub built_by: Option<String>,
}

/// Facts from one `.SF` signature file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureFileFacts {
    /// Entry name.
    pub entry: String,
    /// Digest algorithms of the per-entry sections.
    pub digest_algorithms: Vec<String>,
    /// Digest algorithms of the whole-manifest digests (`*-Digest-Manifest`).
    pub manifest_digest_algorithms: Vec<String>,
    /// Scheme ids listed in `X-Android-APK-Signed` (e.g. `[2, 3]`): the APK was also
    /// signed with those schemes, so their absence means they were stripped.
    pub android_apk_signed: Vec<u32>,
    /// `Created-By` main attribute.
    pub created_by: Option<String>,
}

/// One PKCS#7 `SignerInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerInfoFacts {
    /// Digest algorithm name (or dotted OID).
    pub digest_algorithm: String,
    /// Signature (or key) algorithm name (or dotted OID).
    pub signature_algorithm: String,
    /// Index into [`Pkcs7Facts::certificates`] of the signer's certificate.
    pub certificate_index: Option<usize>,
    /// Whether authenticated attributes are present.
    pub has_signed_attributes: bool,
}

/// Facts from a PKCS#7 `SignedData` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pkcs7Facts {
    /// The outer encoding uses BER indefinite lengths.
    pub ber_indefinite: bool,
    /// `digestAlgorithms` of the `SignedData`.
    pub digest_algorithms: Vec<String>,
    /// Embedded certificates.
    pub certificates: Vec<Certificate>,
    /// Signer infos.
    pub signer_infos: Vec<SignerInfoFacts>,
}

impl Pkcs7Facts {
    /// Certificates that some signer info points at.
    pub fn signer_certificates(&self) -> impl Iterator<Item = &Certificate> {
        self.signer_infos
            .iter()
            .filter_map(|s| s.certificate_index.and_then(|i| self.certificates.get(i)))
    }
}

/// One v1 signer: a `.SF` file and its block file, paired by base name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct V1Signer {
    /// Base name, e.g. `CERT`.
    pub name: String,
    /// The `.SF` file.
    pub signature_file: Option<SignatureFileFacts>,
    /// The block file's entry name.
    pub block_entry: Option<String>,
    /// The block file's kind.
    pub block_kind: Option<V1BlockKind>,
    /// The parsed block.
    pub pkcs7: Option<Pkcs7Facts>,
}

/// Everything about the v1 signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct V1Signature {
    /// `META-INF/MANIFEST.MF`.
    pub manifest: Option<ManifestFacts>,
    /// Signers.
    pub signers: Vec<V1Signer>,
}

impl V1Signature {
    /// Whether there is a manifest and at least one signer with both a `.SF` and a parsed
    /// block (the shape a v1 signature needs; digests are not verified).
    pub fn is_signed(&self) -> bool {
        self.manifest.is_some()
            && self
                .signers
                .iter()
                .any(|s| s.signature_file.is_some() && s.pkcs7.is_some())
    }

    /// Certificates of the signers (those a signer info points at, or all embedded ones
    /// when no signer info matched).
    pub fn signer_certificates(&self) -> Vec<&Certificate> {
        let mut out = Vec::new();
        for pkcs7 in self.signers.iter().filter_map(|s| s.pkcs7.as_ref()) {
            let matched: Vec<_> = pkcs7.signer_certificates().collect();
            if matched.is_empty() {
                out.extend(pkcs7.certificates.iter());
            } else {
                out.extend(matched);
            }
        }
        out
    }
}

/// Reads the v1 signature facts of an archive; `None` when it has no manifest and no
/// signature files at all.
pub(crate) fn read(archive: &ZipArchive, anomalies: &mut Vec<Anomaly>) -> Option<V1Signature> {
    let mut manifest_entry = None;
    let mut signature_files = Vec::new();
    let mut block_files = Vec::new();
    for entry in archive
        .entries()
        .iter()
        .filter(|e| e.duplicate_of.is_none())
    {
        let Some(file) = entry
            .name
            .strip_prefix("META-INF/")
            .filter(|f| !f.contains('/'))
        else {
            continue;
        };
        if file.eq_ignore_ascii_case("MANIFEST.MF") {
            manifest_entry = Some(entry);
        } else if let Some((base, extension)) = file.rsplit_once('.') {
            if extension.eq_ignore_ascii_case("SF") {
                signature_files.push((base.to_owned(), entry));
            } else if let Some(kind) = V1BlockKind::from_extension(extension) {
                block_files.push((base.to_owned(), kind, entry));
            }
        }
    }
    if manifest_entry.is_none() && signature_files.is_empty() && block_files.is_empty() {
        return None;
    }
    // The manifest and the signature files are read and parsed side by side: an app with
    // thousands of entries has hundreds of KiB of text in each.
    let ((manifest, manifest_anomalies), (signers, signer_anomalies)) = rayon::join(
        || {
            let mut found = Vec::new();
            let facts = read_manifest(
                archive,
                manifest_entry,
                !signature_files.is_empty(),
                &mut found,
            );
            (facts, found)
        },
        || {
            let mut found = Vec::new();
            let signers = read_signers(archive, &signature_files, &block_files, &mut found);
            (signers, found)
        },
    );
    anomalies.extend(manifest_anomalies);
    if manifest_entry.is_none() && !signature_files.is_empty() {
        anomalies.push(Anomaly::new(
            AnomalyKind::V1ManifestMissing,
            "signature files exist but META-INF/MANIFEST.MF does not; the v1 signature cannot be valid",
        ));
    }

    anomalies.extend(signer_anomalies);
    Some(V1Signature { manifest, signers })
}

/// `META-INF/MANIFEST.MF`: its facts, and with `check_coverage` the entries it fails to cover.
fn read_manifest(
    archive: &ZipArchive,
    entry: Option<&crate::zip::Entry>,
    check_coverage: bool,
    anomalies: &mut Vec<Anomaly>,
) -> Option<ManifestFacts> {
    let entry = entry?;
    let bytes = read_text(archive, entry, anomalies)?;
    let text = lossy_text(&bytes);
    // One pass, one section at a time: a manifest lists every file of the app.
    let mut sections = sections(&text);
    let main = sections.next().unwrap_or_default();
    let mut listed: foldhash::HashSet<Cow<'_, str>> = foldhash::HashSet::default();
    let mut listed_sections = 0;
    let mut digests = DigestSpellings::default();
    for section in sections {
        digests.add(&section, "-Digest");
        if let Some(name) = take_attribute(section, "Name") {
            listed_sections += 1;
            if check_coverage {
                listed.insert(name);
            }
        }
    }
    if check_coverage {
        check_manifest_coverage(archive, &listed, anomalies);
    }
    Some(ManifestFacts {
        entry: entry.name.clone(),
        digest_algorithms: digests.normalised(),
        entries: listed_sections,
        created_by: attribute(&main, "Created-By").map(str::to_owned),
        built_by: attribute(&main, "Built-By").map(str::to_owned),
    })
}

/// The signers: each `.SF` file and block file, paired by base name.
fn read_signers(
    archive: &ZipArchive,
    signature_files: &[(String, &crate::zip::Entry)],
    block_files: &[(String, V1BlockKind, &crate::zip::Entry)],
    anomalies: &mut Vec<Anomaly>,
) -> Vec<V1Signer> {
    let mut names: Vec<String> = signature_files
        .iter()
        .map(|(base, _)| base.to_ascii_uppercase())
        .collect();
    names.extend(
        block_files
            .iter()
            .map(|(base, _, _)| base.to_ascii_uppercase()),
    );
    names.sort();
    names.dedup();
    let mut signers = Vec::new();
    for name in names {
        let sf = signature_files
            .iter()
            .find(|(base, _)| base.eq_ignore_ascii_case(&name));
        let block = block_files
            .iter()
            .find(|(base, _, _)| base.eq_ignore_ascii_case(&name));
        let signature_file = sf.and_then(|(_, entry)| {
            let bytes = read_text(archive, entry, anomalies)?;
            let text = lossy_text(&bytes);
            let mut sections = sections(&text);
            let main = sections.next().unwrap_or_default();
            let mut digests = DigestSpellings::default();
            for section in sections {
                digests.add(&section, "-Digest");
            }
            let mut manifest_digests = DigestSpellings::default();
            manifest_digests.add(&main, "-Digest-Manifest");
            Some(SignatureFileFacts {
                entry: entry.name.clone(),
                digest_algorithms: digests.normalised(),
                manifest_digest_algorithms: manifest_digests.normalised(),
                android_apk_signed: attribute(&main, "X-Android-APK-Signed")
                    .map(|v| {
                        v.split(',')
                            .filter_map(|id| id.trim().parse().ok())
                            .collect()
                    })
                    .unwrap_or_default(),
                created_by: attribute(&main, "Created-By").map(str::to_owned),
            })
        });
        let pkcs7 = block.and_then(|(_, _, entry)| match archive.read(entry) {
            Ok(bytes) => {
                let mut found = Vec::new();
                let facts = parse_pkcs7(&bytes, &mut found);
                anomalies.extend(found.into_iter().map(|a| a.with_entry(entry.name.clone())));
                facts
            }
            Err(error) => {
                anomalies.push(
                    Anomaly::new(
                        AnomalyKind::V1Pkcs7Malformed,
                        format!("cannot read the block: {error}"),
                    )
                    .with_entry(entry.name.clone()),
                );
                None
            }
        });
        match (sf, block) {
            (Some((_, entry)), None) => anomalies.push(
                Anomaly::new(
                    AnomalyKind::V1OrphanFile,
                    "signature file without a .RSA/.DSA/.EC block",
                )
                .with_entry(entry.name.clone()),
            ),
            (None, Some((_, _, entry))) => anomalies.push(
                Anomaly::new(
                    AnomalyKind::V1OrphanFile,
                    "signature block without a .SF signature file",
                )
                .with_entry(entry.name.clone()),
            ),
            _ => {}
        }
        if let (Some((_, kind, entry)), Some(facts)) = (block, &pkcs7) {
            let expected = kind.key_algorithm();
            for certificate in facts.signer_certificates() {
                if certificate.key_algorithm != expected {
                    anomalies.push(
                        Anomaly::new(
                            AnomalyKind::V1BlockKindMismatch,
                            format!(
                                "the block file's extension says {expected} but the signer key is {}",
                                certificate.key_algorithm
                            ),
                        )
                        .with_entry(entry.name.clone()),
                    );
                }
            }
        }
        signers.push(V1Signer {
            name: sf.map_or_else(
                || block.map(|b| b.0.clone()).unwrap_or_default(),
                |s| s.0.clone(),
            ),
            signature_file,
            block_entry: block.map(|(_, _, e)| e.name.clone()),
            block_kind: block.map(|(_, kind, _)| *kind),
            pkcs7,
        });
    }
    signers
}

fn read_text(
    archive: &ZipArchive,
    entry: &crate::zip::Entry,
    anomalies: &mut Vec<Anomaly>,
) -> Option<Vec<u8>> {
    if entry.uncompressed_size > MAX_TEXT_FILE as u64 {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::AbsurdSize,
                format!(
                    "{} bytes is too large for a JAR manifest",
                    entry.uncompressed_size
                ),
            )
            .with_entry(entry.name.clone()),
        );
        return None;
    }
    archive.read(entry).ok().map(|bytes| bytes.into_owned())
}

/// Flags files Android's v1 verifier would check that the manifest does not cover, and
/// manifest sections naming files that are not there.
fn check_manifest_coverage(
    archive: &ZipArchive,
    listed: &foldhash::HashSet<Cow<'_, str>>,
    anomalies: &mut Vec<Anomaly>,
) {
    let present: foldhash::HashSet<&str> =
        archive.entries().iter().map(|e| e.name.as_str()).collect();
    for entry in archive.entries() {
        if entry.is_directory
            || entry.name.starts_with("META-INF/")
            || listed.contains(entry.name.as_str())
        {
            continue;
        }
        anomalies.push(
            Anomaly::new(
                AnomalyKind::V1EntryNotInManifest,
                "the entry is not listed in META-INF/MANIFEST.MF: it was added after v1 signing",
            )
            .with_entry(entry.name.clone()),
        );
    }
    let mut missing: Vec<&str> = listed
        .iter()
        .map(|name| name.as_ref())
        .filter(|name| !present.contains(name))
        .collect();
    missing.sort_unstable();
    for name in missing {
        anomalies.push(
            Anomaly::new(
                AnomalyKind::V1ManifestEntryMissing,
                "META-INF/MANIFEST.MF lists an entry the archive does not have: it was removed after signing",
            )
            .with_entry(name),
        );
    }
}

/// One `name: value` attribute of a JAR manifest section. The value borrows the text unless
/// continuation lines had to be joined; names never continue.
pub type Attribute<'a> = (&'a str, Cow<'a, str>);

/// Splits a JAR manifest into sections of (name, value) attributes; the first section is
/// the main section. Handles `\r\n`, `\n` and `\r` line ends and continuation lines.
pub fn parse_sections(text: &str) -> Vec<Vec<Attribute<'_>>> {
    sections(text).collect()
}

/// The sections of a JAR manifest one at a time, as [`parse_sections`] lists them: the main
/// section first (possibly empty), then every non-empty section.
pub fn sections(text: &str) -> Sections<'_> {
    Sections {
        lines: Some(Lines { rest: Some(text) }),
        current: Vec::new(),
        yielded: false,
    }
}

/// The iterator [`sections`] returns.
#[derive(Debug)]
pub struct Sections<'a> {
    /// `None` once the text is exhausted.
    lines: Option<Lines<'a>>,
    current: Vec<Attribute<'a>>,
    yielded: bool,
}

impl<'a> Iterator for Sections<'a> {
    type Item = Vec<Attribute<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(line) = self.lines.as_mut()?.next() else {
                self.lines = None;
                let section = std::mem::take(&mut self.current);
                let main = !self.yielded;
                self.yielded = true;
                return (main || !section.is_empty()).then_some(section);
            };
            if line.is_empty() {
                if !self.current.is_empty() {
                    self.yielded = true;
                    return Some(std::mem::take(&mut self.current));
                }
                continue;
            }
            if let Some(continuation) = line.strip_prefix(' ') {
                if let Some((_, value)) = self.current.last_mut() {
                    value.to_mut().push_str(continuation);
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':') {
                self.current.push((
                    name.trim(),
                    Cow::Borrowed(value.strip_prefix(' ').unwrap_or(value)),
                ));
            }
        }
    }
}

/// The lines of a text ended by `\r\n`, `\n` or `\r`, and the text after the last end (empty
/// when the text ends with one), as `str::split` would give after normalising the ends.
#[derive(Debug)]
struct Lines<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let current = self.rest?;
        match memchr::memchr2(b'\r', b'\n', current.as_bytes()) {
            None => {
                self.rest = None;
                Some(current)
            }
            Some(end) => {
                let next = if current.as_bytes().get(end..end + 2) == Some(b"\r\n") {
                    end + 2
                } else {
                    end + 1
                };
                self.rest = current.get(next..);
                current.get(..end)
            }
        }
    }
}

fn attribute<'a>(section: &'a [Attribute<'_>], name: &str) -> Option<&'a str> {
    section
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_ref())
}

/// The value of the first attribute called `name`, taken out of the section.
fn take_attribute<'a>(section: Vec<Attribute<'a>>, name: &str) -> Option<Cow<'a, str>> {
    section
        .into_iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// The algorithm names of attributes ending in a suffix (`SHA1-Digest`, `SHA-256-Digest`),
/// each spelling kept once: thousands of sections name the same one or two.
#[derive(Default)]
struct DigestSpellings<'t> {
    spellings: foldhash::HashSet<&'t str>,
}

impl<'t> DigestSpellings<'t> {
    fn add(&mut self, section: &[Attribute<'t>], suffix: &str) {
        for &(key, _) in section {
            if key.len() > suffix.len() && key.is_char_boundary(key.len() - suffix.len()) {
                let (algorithm, tail) = key.split_at(key.len() - suffix.len());
                if tail.eq_ignore_ascii_case(suffix) {
                    self.spellings.insert(algorithm);
                }
            }
        }
    }

    /// Distinct normalised names, sorted.
    fn normalised(self) -> Vec<String> {
        let names: BTreeSet<String> = self.spellings.into_iter().map(normalise_digest).collect();
        names.into_iter().collect()
    }
}

/// The text of a signature file; invalid UTF-8 is replaced, as `String::from_utf8_lossy` does,
/// after the faster strict check.
fn lossy_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

fn normalise_digest(name: &str) -> String {
    match name.to_ascii_uppercase().as_str() {
        "SHA" | "SHA1" | "SHA-1" => "SHA-1".to_owned(),
        "SHA256" | "SHA-256" => "SHA-256".to_owned(),
        "SHA384" | "SHA-384" => "SHA-384".to_owned(),
        "SHA512" | "SHA-512" => "SHA-512".to_owned(),
        "MD5" => "MD5".to_owned(),
        other => other.to_owned(),
    }
}

fn oid_string(content: &[u8]) -> String {
    let oid = asn1_rs::Oid::new(Cow::Borrowed(content));
    oid.to_id_string()
}

fn algorithm_name(identifier: &Tlv<'_>) -> String {
    let oid = identifier
        .children()
        .next()
        .and_then(Result::ok)
        .filter(|t| t.is_universal(6))
        .map(|t| oid_string(t.content))
        .unwrap_or_default();
    oid_name_str(&oid).map_or(oid, str::to_owned)
}

/// Walks a PKCS#7 `ContentInfo` holding `SignedData`, leniently (BER, indefinite
/// lengths). Returns `None`, with an anomaly, when the structure is unusable.
pub fn parse_pkcs7(bytes: &[u8], anomalies: &mut Vec<Anomaly>) -> Option<Pkcs7Facts> {
    fn fail(anomalies: &mut Vec<Anomaly>, what: &str) -> Option<Pkcs7Facts> {
        anomalies.push(Anomaly::new(
            AnomalyKind::V1Pkcs7Malformed,
            format!("PKCS#7 block: {what}"),
        ));
        None
    }
    let Ok((content_info, _)) = ber::parse(bytes) else {
        return fail(anomalies, "not BER");
    };
    if !content_info.is_universal(16) {
        return fail(anomalies, "ContentInfo is not a SEQUENCE");
    }
    let mut parts = content_info.children();
    let content_type = parts
        .next()
        .and_then(Result::ok)
        .filter(|t| t.is_universal(6));
    if content_type.map(|t| oid_string(t.content)).as_deref() != Some(SIGNED_DATA_OID) {
        return fail(anomalies, "content type is not signedData");
    }
    let Some(explicit) = parts
        .next()
        .and_then(Result::ok)
        .filter(|t| t.is_context(0))
    else {
        return fail(anomalies, "signedData content is missing");
    };
    let Some(signed_data) = explicit
        .children()
        .next()
        .and_then(Result::ok)
        .filter(|t| t.is_universal(16))
    else {
        return fail(anomalies, "SignedData is not a SEQUENCE");
    };
    let mut facts = Pkcs7Facts {
        ber_indefinite: content_info.indefinite || explicit.indefinite || signed_data.indefinite,
        digest_algorithms: Vec::new(),
        certificates: Vec::new(),
        signer_infos: Vec::new(),
    };
    let mut raw_certificates: Vec<Tlv<'_>> = Vec::new();
    let mut signer_infos = None;
    for (index, child) in signed_data.children().enumerate() {
        let Ok(child) = child else {
            return fail(anomalies, "SignedData is truncated");
        };
        match index {
            0 | 2 => {}
            1 if child.is_universal(17) => {
                facts.digest_algorithms = child
                    .children()
                    .filter_map(Result::ok)
                    .map(|a| algorithm_name(&a))
                    .collect();
            }
            _ if child.is_context(0) => {
                raw_certificates = child.children().filter_map(Result::ok).collect()
            }
            _ if child.is_context(1) => {}
            _ if child.is_universal(17) => signer_infos = Some(child),
            _ => {}
        }
    }
    let mut certificate_keys = Vec::new();
    for raw in &raw_certificates {
        match Certificate::from_der(raw.raw) {
            Ok(certificate) => {
                certificate_keys.push(issuer_and_serial(raw));
                facts.certificates.push(certificate);
            }
            Err(error) => anomalies.push(Anomaly::new(
                AnomalyKind::CertificateUnparsable,
                format!("v1 block certificate: {error}"),
            )),
        }
    }
    let Some(signer_infos) = signer_infos else {
        return fail(anomalies, "no signerInfos");
    };
    for info in signer_infos.children() {
        let Ok(info) = info else { break };
        let fields: Vec<Tlv<'_>> = info.children().filter_map(Result::ok).collect();
        let sid = fields.get(1);
        let mut rest = fields.iter().skip(2);
        let digest = rest.next();
        let mut next = rest.next();
        let has_signed_attributes = next.is_some_and(|t| t.is_context(0));
        if has_signed_attributes {
            next = rest.next();
        }
        let sid_key = sid.filter(|s| s.is_universal(16)).and_then(|s| {
            let mut parts = s.children().filter_map(Result::ok);
            Some((
                normalise_raw(parts.next()?.raw),
                parts.next()?.content.to_vec(),
            ))
        });
        let certificate_index = sid_key.and_then(|key| {
            certificate_keys
                .iter()
                .position(|candidate| candidate.as_ref() == Some(&key))
        });
        if certificate_index.is_none() {
            anomalies.push(Anomaly::new(
                AnomalyKind::V1SignerCertificateMissing,
                "a PKCS#7 signer's certificate (by issuer and serial) is not in the block",
            ));
        }
        facts.signer_infos.push(SignerInfoFacts {
            digest_algorithm: digest.map(algorithm_name).unwrap_or_default(),
            signature_algorithm: next.map(algorithm_name).unwrap_or_default(),
            certificate_index,
            has_signed_attributes,
        });
    }
    Some(facts)
}

/// (issuer DER, serial content) of a certificate TLV, to match `IssuerAndSerialNumber`.
fn issuer_and_serial(certificate: &Tlv<'_>) -> Option<(Vec<u8>, Vec<u8>)> {
    let tbs = certificate.children().next()?.ok()?;
    let mut fields = tbs.children().filter_map(Result::ok);
    let mut first = fields.next()?;
    if first.is_context(0) {
        first = fields.next()?;
    }
    let serial = first.content.to_vec();
    let _signature = fields.next()?;
    let issuer = fields.next()?;
    Some((normalise_raw(issuer.raw), serial))
}

fn normalise_raw(raw: &[u8]) -> Vec<u8> {
    ber::to_der(raw).unwrap_or_else(|_| raw.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_algorithms<'a, 't: 'a>(
        sections: impl Iterator<Item = &'a Vec<Attribute<'t>>>,
        suffix: &str,
    ) -> Vec<String> {
        let mut digests = DigestSpellings::default();
        for section in sections {
            digests.add(section, suffix);
        }
        digests.normalised()
    }

    #[test]
    fn manifest_sections_and_continuations() {
        let text = b"Manifest-Version: 1.0\r\nCreated-By: 1.0 (Android)\r\n\r\nName: res/a-very-long-name-that\r\n -continues.xml\r\nSHA-256-Digest: abc=\r\n\r\nName: classes.dex\r\nSHA1-Digest: def=\r\n\r\n";
        let sections = parse_sections(std::str::from_utf8(text).unwrap());
        assert_eq!(sections.len(), 3);
        assert_eq!(attribute(&sections[0], "created-by"), Some("1.0 (Android)"));
        assert_eq!(
            attribute(&sections[1], "Name"),
            Some("res/a-very-long-name-that-continues.xml")
        );
        assert_eq!(
            digest_algorithms(sections.iter().skip(1), "-Digest"),
            vec!["SHA-1", "SHA-256"]
        );
    }

    #[test]
    fn signature_file_main_attributes() {
        let text =
            b"Signature-Version: 1.0\nSHA1-Digest-Manifest: x=\nX-Android-APK-Signed: 2, 3\n\n";
        let sections = parse_sections(std::str::from_utf8(text).unwrap());
        assert_eq!(
            digest_algorithms(sections.iter().take(1), "-Digest-Manifest"),
            vec!["SHA-1"]
        );
        assert_eq!(
            attribute(&sections[0], "X-Android-APK-Signed"),
            Some("2, 3")
        );
        assert!(parse_sections("").len() == 1);
        assert!(parse_sections(&String::from_utf8_lossy(b"\xff\xfe: \n \n\r\r")).len() <= 2);
    }

    /// The straightforward form the borrowing parser replaced: normalise line ends, split, own
    /// every string.
    fn owned_sections(text: &str) -> Vec<Vec<(String, String)>> {
        let mut sections: Vec<Vec<(String, String)>> = vec![Vec::new()];
        let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        for line in normalised.split('\n') {
            let current = sections.last_mut();
            if line.is_empty() {
                if current.is_some_and(|s| !s.is_empty()) {
                    sections.push(Vec::new());
                }
                continue;
            }
            let Some(current) = current else { continue };
            if let Some(continuation) = line.strip_prefix(' ') {
                if let Some((_, value)) = current.last_mut() {
                    value.push_str(continuation);
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':') {
                current.push((
                    name.trim().to_owned(),
                    value.strip_prefix(' ').unwrap_or(value).to_owned(),
                ));
            }
        }
        if sections.last().is_some_and(Vec::is_empty) && sections.len() > 1 {
            sections.pop();
        }
        sections
    }

    const PIECES: &[&str] = &[
        "Name",
        ": ",
        ":",
        " ",
        "\r\n",
        "\n",
        "\r",
        "\r\r",
        "\n\n",
        "\r\n\r\n",
        "a",
        "é",
        "SHA-256-Digest",
        "x=",
        "\t",
        "中",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

        #[test]
        fn borrowed_sections_equal_the_owned_ones(
            picks in proptest::collection::vec(0..PIECES.len(), 0..40)
        ) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            let borrowed: Vec<Vec<(String, String)>> = parse_sections(&text)
                .into_iter()
                .map(|s| {
                    s.into_iter()
                        .map(|(k, v)| (k.to_owned(), v.into_owned()))
                        .collect()
                })
                .collect();
            proptest::prop_assert_eq!(borrowed, owned_sections(&text));
        }
    }

    #[test]
    fn pkcs7_garbage_is_an_anomaly() {
        let mut anomalies = Vec::new();
        assert!(parse_pkcs7(b"garbage", &mut anomalies).is_none());
        assert!(parse_pkcs7(&[0x30, 0x03, 0x06, 0x01, 0x00], &mut anomalies).is_none());
        assert!(
            anomalies
                .iter()
                .all(|a| a.kind == AnomalyKind::V1Pkcs7Malformed)
        );
        assert_eq!(anomalies.len(), 2);
    }
}
