//! Signers of APK Signature Scheme v2, v3 and v3.1 blocks.

use std::collections::BTreeSet;

use serde::Serialize;
use sha2::Digest as _;

use super::algorithm::SignatureAlgorithm;
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::cert::{Certificate, KeyAlgorithm};
use crate::le::Cursor;

/// Additional attribute: v2 stripping protection (value: id of the newest scheme used).
pub const ATTR_STRIPPING_PROTECTION: u32 = 0xbeef_f00d;
/// Additional attribute: v3 proof-of-rotation lineage.
pub const ATTR_PROOF_OF_ROTATION: u32 = 0x3ba0_6f8c;
/// Additional attribute: minimum SDK from which the rotated v3.1 signer applies.
pub const ATTR_ROTATION_MIN_SDK: u32 = 0x559f_8b02;
/// Additional attribute: the v3.1 rotation targets a development release.
pub const ATTR_ROTATION_ON_DEV_RELEASE: u32 = 0xc2a6_b3ba;

/// Which scheme a block belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Scheme {
    /// APK Signature Scheme v2.
    #[serde(rename = "v2")]
    V2,
    /// APK Signature Scheme v3.
    #[serde(rename = "v3")]
    V3,
    /// APK Signature Scheme v3.1.
    #[serde(rename = "v3.1")]
    V31,
}

impl Scheme {
    /// `v2`, `v3` or `v3.1`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::V2 => "v2",
            Scheme::V3 => "v3",
            Scheme::V31 => "v3.1",
        }
    }

    fn has_sdk_range(self) -> bool {
        self != Scheme::V2
    }
}

/// A content digest record of a signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestRecord {
    /// Algorithm the digest belongs to.
    pub algorithm: SignatureAlgorithm,
    /// Digest value, lower-case hex.
    pub digest_hex: String,
}

/// A signature record of a signer (the signature bytes are not kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureRecord {
    /// Signature algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Signature length in bytes.
    pub len: usize,
}

/// An additional attribute of a signer's signed data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdditionalAttribute {
    /// Attribute id.
    pub id: u32,
    /// Name of a known id.
    pub name: Option<&'static str>,
    /// Value length.
    pub len: usize,
}

/// The signer's public key as given in the signer record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKeyFacts {
    /// SHA-256 of the SubjectPublicKeyInfo, lower-case hex.
    pub sha256: String,
    /// Length of the encoded key.
    pub len: usize,
}

/// One signer of a v2/v3/v3.1 block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signer {
    /// Content digests, one per signature algorithm.
    pub digests: Vec<DigestRecord>,
    /// The certificate chain, signer's certificate first.
    pub certificates: Vec<Certificate>,
    /// Additional attributes.
    pub additional_attributes: Vec<AdditionalAttribute>,
    /// v3/v3.1: lowest platform SDK this signer applies to.
    pub min_sdk: Option<u32>,
    /// v3/v3.1: highest platform SDK this signer applies to.
    pub max_sdk: Option<u32>,
    /// Signatures over the signed data.
    pub signatures: Vec<SignatureRecord>,
    /// The signer's public key.
    pub public_key: Option<PublicKeyFacts>,
    /// v2: the stripping-protection attribute's scheme id (3 means "also signed with v3").
    pub stripping_protection: Option<u32>,
    /// v3: a proof-of-rotation lineage is present.
    pub has_rotation_proof: bool,
    /// v3: the rotation-min-SDK attribute (v3.1 takes over from that SDK).
    pub rotation_min_sdk: Option<u32>,
}

/// A parsed v2, v3 or v3.1 block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeBlock {
    /// Which scheme.
    pub scheme: Scheme,
    /// Its signers.
    pub signers: Vec<Signer>,
}

impl SchemeBlock {
    /// Every signature algorithm any signer uses.
    pub fn signature_algorithms(&self) -> BTreeSet<SignatureAlgorithm> {
        self.signers
            .iter()
            .flat_map(|s| s.signatures.iter().map(|r| r.algorithm))
            .collect()
    }
}

/// Parses the value of a v2/v3/v3.1 pair. Damage is recorded and parsing stops at the
/// damaged signer; signers before it are kept.
pub fn parse_scheme_block(
    scheme: Scheme,
    value: &[u8],
    anomalies: &mut Vec<Anomaly>,
) -> SchemeBlock {
    let mut block = SchemeBlock {
        scheme,
        signers: Vec::new(),
    };
    let mut outer = Cursor::new(value);
    let Some(signers) = outer.prefixed() else {
        malformed(anomalies, scheme, "the signer sequence is truncated");
        return block;
    };
    let mut signers = Cursor::new(signers);
    while signers.remaining() > 0 {
        let Some(signer) = signers.prefixed() else {
            malformed(anomalies, scheme, "a signer record is truncated");
            break;
        };
        match parse_signer(scheme, signer, anomalies) {
            Some(signer) => block.signers.push(signer),
            None => break,
        }
    }
    if block.signers.is_empty() {
        anomalies.push(Anomaly::new(
            AnomalyKind::SchemeNoSigners,
            format!("the {} block has no readable signer", scheme.name()),
        ));
    }
    block
}

fn malformed(anomalies: &mut Vec<Anomaly>, scheme: Scheme, what: &str) {
    anomalies.push(Anomaly::new(
        AnomalyKind::SchemeBlockMalformed,
        format!("{} block: {what}", scheme.name()),
    ));
}

fn parse_signer(scheme: Scheme, record: &[u8], anomalies: &mut Vec<Anomaly>) -> Option<Signer> {
    let mut cursor = Cursor::new(record);
    let Some(signed_data) = cursor.prefixed() else {
        malformed(anomalies, scheme, "a signer's signed data is truncated");
        return None;
    };
    let outer_sdk = if scheme.has_sdk_range() {
        let range = cursor.u32().zip(cursor.u32());
        if range.is_none() {
            malformed(anomalies, scheme, "a signer's SDK range is truncated");
            return None;
        }
        range
    } else {
        None
    };
    let (Some(signatures), Some(public_key)) = (cursor.prefixed(), cursor.prefixed()) else {
        malformed(
            anomalies,
            scheme,
            "a signer's signatures or public key are truncated",
        );
        return None;
    };
    let mut signer = Signer {
        digests: Vec::new(),
        certificates: Vec::new(),
        additional_attributes: Vec::new(),
        min_sdk: outer_sdk.map(|r| r.0),
        max_sdk: outer_sdk.map(|r| r.1),
        signatures: Vec::new(),
        public_key: Some(PublicKeyFacts {
            sha256: hex::encode(sha2::Sha256::digest(public_key)),
            len: public_key.len(),
        }),
        stripping_protection: None,
        has_rotation_proof: false,
        rotation_min_sdk: None,
    };
    parse_signed_data(scheme, signed_data, &mut signer, outer_sdk, anomalies)?;
    parse_signatures(scheme, signatures, &mut signer, anomalies);
    check_signer(scheme, &signer, anomalies);
    Some(signer)
}

fn parse_signed_data(
    scheme: Scheme,
    signed_data: &[u8],
    signer: &mut Signer,
    outer_sdk: Option<(u32, u32)>,
    anomalies: &mut Vec<Anomaly>,
) -> Option<()> {
    let mut cursor = Cursor::new(signed_data);
    let (Some(digests), Some(certificates)) = (cursor.prefixed(), cursor.prefixed()) else {
        malformed(
            anomalies,
            scheme,
            "the signed data's digests or certificates are truncated",
        );
        return None;
    };
    let mut digests = Cursor::new(digests);
    while digests.remaining() > 0 {
        let record = digests.prefixed().and_then(|record| {
            let mut record = Cursor::new(record);
            Some((record.u32()?, record.prefixed()?))
        });
        let Some((algorithm, digest)) = record else {
            malformed(anomalies, scheme, "a digest record is truncated");
            break;
        };
        signer.digests.push(DigestRecord {
            algorithm: SignatureAlgorithm(algorithm),
            digest_hex: hex::encode(digest),
        });
    }
    let mut certificates = Cursor::new(certificates);
    while certificates.remaining() > 0 {
        let Some(der) = certificates.prefixed() else {
            malformed(anomalies, scheme, "a certificate record is truncated");
            break;
        };
        match Certificate::from_der(der) {
            Ok(certificate) => signer.certificates.push(certificate),
            Err(error) => anomalies.push(Anomaly::new(
                AnomalyKind::CertificateUnparsable,
                format!("{} signer certificate: {error}", scheme.name()),
            )),
        }
    }
    if scheme.has_sdk_range() {
        let inner = cursor.u32().zip(cursor.u32());
        if inner.is_none() {
            malformed(
                anomalies,
                scheme,
                "the signed data's SDK range is truncated",
            );
        }
        if inner.is_some() && inner != outer_sdk {
            anomalies.push(Anomaly::new(
                AnomalyKind::SdkRangeMismatch,
                format!(
                    "{} signer: the signed SDK range {:?} differs from the signer record's {:?}; Android rejects it",
                    scheme.name(),
                    inner,
                    outer_sdk
                ),
            ));
        }
    }
    let Some(attributes) = cursor.prefixed() else {
        malformed(
            anomalies,
            scheme,
            "the signed data's additional attributes are truncated",
        );
        return Some(());
    };
    let mut attributes = Cursor::new(attributes);
    while attributes.remaining() > 0 {
        let Some(attribute) = attributes.prefixed() else {
            malformed(anomalies, scheme, "an additional attribute is truncated");
            break;
        };
        let mut attribute = Cursor::new(attribute);
        let Some(id) = attribute.u32() else {
            malformed(anomalies, scheme, "an additional attribute has no id");
            break;
        };
        let value = attribute.bytes(attribute.remaining()).unwrap_or_default();
        let value_u32 = Cursor::new(value).u32();
        let name = match id {
            ATTR_STRIPPING_PROTECTION => {
                signer.stripping_protection = value_u32;
                Some("stripping protection")
            }
            ATTR_PROOF_OF_ROTATION => {
                signer.has_rotation_proof = true;
                Some("proof of rotation")
            }
            ATTR_ROTATION_MIN_SDK => {
                signer.rotation_min_sdk = value_u32;
                Some("rotation min SDK version")
            }
            ATTR_ROTATION_ON_DEV_RELEASE => Some("rotation on development release"),
            _ => None,
        };
        signer.additional_attributes.push(AdditionalAttribute {
            id,
            name,
            len: value.len(),
        });
    }
    Some(())
}

fn parse_signatures(
    scheme: Scheme,
    signatures: &[u8],
    signer: &mut Signer,
    anomalies: &mut Vec<Anomaly>,
) {
    let mut cursor = Cursor::new(signatures);
    while cursor.remaining() > 0 {
        let record = cursor.prefixed().and_then(|record| {
            let mut record = Cursor::new(record);
            Some((record.u32()?, record.prefixed()?))
        });
        let Some((algorithm, signature)) = record else {
            malformed(anomalies, scheme, "a signature record is truncated");
            break;
        };
        signer.signatures.push(SignatureRecord {
            algorithm: SignatureAlgorithm(algorithm),
            len: signature.len(),
        });
    }
}

/// Structural checks Android's verifier makes before any cryptography.
fn check_signer(scheme: Scheme, signer: &Signer, anomalies: &mut Vec<Anomaly>) {
    let name = scheme.name();
    for algorithm in signer
        .signatures
        .iter()
        .map(|s| s.algorithm)
        .chain(signer.digests.iter().map(|d| d.algorithm))
        .collect::<BTreeSet<_>>()
    {
        if !algorithm.is_known() {
            anomalies.push(Anomaly::new(
                AnomalyKind::UnknownSignatureAlgorithm,
                format!("{name} signer uses signature algorithm id {:#06x}, which Android does not know", algorithm.0),
            ));
        }
    }
    let signed: BTreeSet<_> = signer.signatures.iter().map(|s| s.algorithm).collect();
    let digested: BTreeSet<_> = signer.digests.iter().map(|d| d.algorithm).collect();
    if signed != digested {
        anomalies.push(Anomaly::new(
            AnomalyKind::DigestSignatureAlgorithmMismatch,
            format!(
                "{name} signer: signature algorithms {:?} differ from digest algorithms {:?}",
                signed.iter().map(|a| a.0).collect::<Vec<_>>(),
                digested.iter().map(|a| a.0).collect::<Vec<_>>()
            ),
        ));
    }
    if let (Some(key), Some(first)) = (&signer.public_key, signer.certificates.first())
        && key.sha256 != first.public_key_sha256
    {
        anomalies.push(Anomaly::new(
            AnomalyKind::PublicKeyMismatch,
            format!(
                "{name} signer: the public key is not the key of the first certificate ({})",
                first.subject
            ),
        ));
    }
    if let Some(first) = signer.certificates.first() {
        for algorithm in &signed {
            if let Some(needed) = algorithm.key_algorithm()
                && !matches!(first.key_algorithm, KeyAlgorithm::Other(_))
                && first.key_algorithm.name() != needed
            {
                anomalies.push(Anomaly::new(
                    AnomalyKind::PublicKeyMismatch,
                    format!(
                        "{name} signer: {algorithm} needs a {needed} key, the certificate has {}",
                        first.key_algorithm
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixed(parts: &[&[u8]]) -> Vec<u8> {
        let body: Vec<u8> = parts.concat();
        let mut out = (body.len() as u32).to_le_bytes().to_vec();
        out.extend(body);
        out
    }

    fn algorithm_record(id: u32, bytes: &[u8]) -> Vec<u8> {
        prefixed(&[&id.to_le_bytes(), &prefixed(&[bytes])])
    }

    fn v3_signer(min: u32, max: u32, inner_max: u32, sig_alg: u32) -> Vec<u8> {
        let digests = prefixed(&[&algorithm_record(0x0103, &[1, 2, 3])]);
        let certificates = prefixed(&[]);
        let attribute = prefixed(&[&ATTR_PROOF_OF_ROTATION.to_le_bytes(), b"lineage"]);
        let signed_data = prefixed(&[
            &digests,
            &certificates,
            &min.to_le_bytes(),
            &inner_max.to_le_bytes(),
            &prefixed(&[&attribute]),
        ]);
        let signatures = prefixed(&[&algorithm_record(sig_alg, &[9; 256])]);
        prefixed(&[
            &signed_data,
            &min.to_le_bytes(),
            &max.to_le_bytes(),
            &signatures,
            &prefixed(&[b"key"]),
        ])
    }

    #[test]
    fn v3_signer_facts() {
        let value = prefixed(&[&v3_signer(24, 0x7fff_ffff, 0x7fff_ffff, 0x0103)]);
        let mut anomalies = Vec::new();
        let block = parse_scheme_block(Scheme::V3, &value, &mut anomalies);
        assert!(anomalies.is_empty(), "{anomalies:?}");
        let signer = &block.signers[0];
        assert_eq!(signer.min_sdk, Some(24));
        assert_eq!(signer.digests[0].digest_hex, "010203");
        assert_eq!(signer.signatures[0].len, 256);
        assert!(signer.has_rotation_proof);
        assert_eq!(signer.additional_attributes[0].len, 7);
        assert_eq!(block.signature_algorithms().len(), 1);
    }

    #[test]
    fn structural_problems_are_recorded() {
        let value = prefixed(&[&v3_signer(24, 30, 31, 0x0999)]);
        let mut anomalies = Vec::new();
        parse_scheme_block(Scheme::V3, &value, &mut anomalies);
        let kinds: Vec<_> = anomalies.iter().map(|a| a.kind).collect();
        assert!(kinds.contains(&AnomalyKind::SdkRangeMismatch));
        assert!(kinds.contains(&AnomalyKind::UnknownSignatureAlgorithm));
        assert!(kinds.contains(&AnomalyKind::DigestSignatureAlgorithmMismatch));
    }

    #[test]
    fn truncation_never_panics() {
        let value = prefixed(&[&v3_signer(24, 30, 30, 0x0103)]);
        for len in 0..value.len() {
            let mut anomalies = Vec::new();
            let block = parse_scheme_block(Scheme::V3, &value[..len], &mut anomalies);
            assert!(!anomalies.is_empty() || !block.signers.is_empty());
            parse_scheme_block(Scheme::V2, &value[..len], &mut anomalies);
        }
    }
}
