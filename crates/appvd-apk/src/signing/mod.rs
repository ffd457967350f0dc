//! Signing facts: v1 JAR signatures, the APK Signing Block and its v2/v3/v3.1 signers.
//!
//! Nothing here verifies a signature or a digest cryptographically. What is checked is
//! the structure Android's verifier relies on (size fields, signer records, algorithm
//! ids, public key against certificate, SDK ranges) and the consistency between schemes
//! (v2 signed by the same certificates as v1, v3 as v2 unless a key rotation is recorded,
//! schemes named by `X-Android-APK-Signed` or stripping protection really present). Every
//! inconsistency is an [`Anomaly`].

pub mod algorithm;
pub mod ber;
pub mod block;
pub mod scheme;
pub mod v1;

use std::collections::BTreeSet;

use serde::Serialize;

pub use algorithm::{ContentDigest, SignatureAlgorithm};
pub use block::{BlockPair, SigningBlock};
pub use scheme::{Scheme, SchemeBlock, Signer};
pub use v1::{V1BlockKind, V1Signature, V1Signer};

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::cert::Certificate;
use crate::zip::ZipArchive;

/// Everything known about how one APK is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigningInfo {
    /// v1 (JAR) signature facts, when the APK has a manifest or signature files.
    pub v1: Option<V1Signature>,
    /// The APK Signing Block, when present.
    pub block: Option<SigningBlock>,
    /// APK Signature Scheme v2.
    pub v2: Option<SchemeBlock>,
    /// APK Signature Scheme v3.
    pub v3: Option<SchemeBlock>,
    /// APK Signature Scheme v3.1.
    pub v31: Option<SchemeBlock>,
    /// A source stamp (v1 or v2) is present.
    pub source_stamp: bool,
    /// Structural problems and inconsistencies.
    pub anomalies: Vec<Anomaly>,
}

impl SigningInfo {
    /// Reads the signing facts of an archive. Reading entries may record budget anomalies
    /// on the archive as well.
    pub fn from_archive(archive: &ZipArchive) -> Self {
        let mut anomalies = Vec::new();
        let v1 = v1::read(archive, &mut anomalies);
        let data = archive.bytes();
        let directory =
            usize::try_from(archive.layout().central_directory_offset).unwrap_or(usize::MAX);
        let block = block::locate(data, directory, &mut anomalies);
        let mut info = SigningInfo {
            v1,
            block,
            v2: None,
            v3: None,
            v31: None,
            source_stamp: false,
            anomalies,
        };
        if let Some(found) = info.block.clone() {
            for pair in &found.pairs {
                let scheme = match pair.id {
                    block::V2_ID => Scheme::V2,
                    block::V3_ID => Scheme::V3,
                    block::V31_ID => Scheme::V31,
                    block::SOURCE_STAMP_V1_ID | block::SOURCE_STAMP_V2_ID => {
                        info.source_stamp = true;
                        continue;
                    }
                    _ => continue,
                };
                let slot = match scheme {
                    Scheme::V2 => &mut info.v2,
                    Scheme::V3 => &mut info.v3,
                    Scheme::V31 => &mut info.v31,
                };
                if slot.is_some() {
                    continue;
                }
                let value = usize::try_from(pair.offset)
                    .ok()
                    .zip(usize::try_from(pair.len).ok())
                    .and_then(|(at, len)| data.get(at..at.checked_add(len)?))
                    .unwrap_or_default();
                *slot = Some(scheme::parse_scheme_block(
                    scheme,
                    value,
                    &mut info.anomalies,
                ));
            }
        }
        info.cross_check();
        info
    }

    /// Names of the schemes with at least one signer: `v1`, `v2`, `v3`, `v3.1`.
    pub fn schemes(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.has_v1() {
            out.push("v1");
        }
        for block in [&self.v2, &self.v3, &self.v31].into_iter().flatten() {
            if !block.signers.is_empty() {
                out.push(block.scheme.name());
            }
        }
        out
    }

    /// A v1 signer with a signature file and a parsed block exists.
    pub fn has_v1(&self) -> bool {
        self.v1.as_ref().is_some_and(V1Signature::is_signed)
    }

    /// Whether any scheme signs the APK.
    pub fn is_signed(&self) -> bool {
        !self.schemes().is_empty()
    }

    /// Distinct signer certificates (each signer's first certificate), newest scheme first.
    pub fn certificates(&self) -> Vec<&Certificate> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let blocks = [&self.v31, &self.v3, &self.v2].into_iter().flatten();
        let scheme_certs =
            blocks.flat_map(|b| b.signers.iter().filter_map(|s| s.certificates.first()));
        let v1_certs = self.v1.iter().flat_map(V1Signature::signer_certificates);
        for certificate in scheme_certs.chain(v1_certs) {
            if seen.insert(certificate.sha256_fingerprint.as_str()) {
                out.push(certificate);
            }
        }
        out
    }

    fn cross_check(&mut self) {
        let firsts = |block: &Option<SchemeBlock>| -> BTreeSet<String> {
            block
                .iter()
                .flat_map(|b| b.signers.iter().filter_map(|s| s.certificates.first()))
                .map(|c| c.sha256_fingerprint.clone())
                .collect()
        };
        let v1: BTreeSet<String> = self
            .v1
            .iter()
            .flat_map(V1Signature::signer_certificates)
            .map(|c| c.sha256_fingerprint.clone())
            .collect();
        let v2 = firsts(&self.v2);
        let v3 = firsts(&self.v3);
        let mut found = Vec::new();
        if !v1.is_empty() && !v2.is_empty() && v1 != v2 {
            found.push(Anomaly::new(
                AnomalyKind::SignerCertificateMismatch,
                "the v1 signature and the v2 block are made with different certificates; Android verifies only \
                 the newest scheme, so the v1 signer is what older tools and devices see",
            ));
        }
        let rotated = self
            .v3
            .iter()
            .flat_map(|b| &b.signers)
            .any(|s| s.has_rotation_proof);
        if !v2.is_empty() && !v3.is_empty() && v2 != v3 && !rotated {
            found.push(Anomaly::new(
                AnomalyKind::SignerCertificateMismatch,
                "the v2 and v3 blocks are made with different certificates and v3 records no key rotation",
            ));
        }
        let present = |scheme: u32| match scheme {
            2 => self.v2.is_some(),
            3 => self.v3.is_some(),
            _ => true,
        };
        let claimed: BTreeSet<u32> = self
            .v1
            .iter()
            .flat_map(|v| &v.signers)
            .filter_map(|s| s.signature_file.as_ref())
            .flat_map(|f| f.android_apk_signed.iter().copied())
            .collect();
        for scheme in claimed {
            if !present(scheme) {
                found.push(Anomaly::new(
                    AnomalyKind::SchemeStripped,
                    format!(
                        "the .SF file's X-Android-APK-Signed says the APK was signed with scheme v{scheme}, but that \
                         block is missing: it was stripped, and Android refuses the APK"
                    ),
                ));
            }
        }
        let stripped_v3 = self
            .v2
            .iter()
            .flat_map(|b| &b.signers)
            .any(|s| s.stripping_protection.is_some_and(|id| id >= 3))
            && self.v3.is_none();
        if stripped_v3 {
            found.push(Anomaly::new(
                AnomalyKind::SchemeStripped,
                "the v2 signer's stripping protection says v3 was used, but there is no v3 block",
            ));
        }
        let stripped_v31 = self
            .v3
            .iter()
            .flat_map(|b| &b.signers)
            .any(|s| s.rotation_min_sdk.is_some())
            && self.v31.is_none();
        if stripped_v31 {
            found.push(Anomaly::new(
                AnomalyKind::SchemeStripped,
                "the v3 signer names a rotation minimum SDK, but there is no v3.1 block",
            ));
        }
        self.anomalies.extend(found);
    }
}
