//! Signing facts of the fixture APKs, checked against what apksigner printed when the
//! fixtures were built (`fixtures/apksigner-certs.txt`).

mod common;

use std::collections::HashMap;

use appvd_apk::signing::block;
use appvd_apk::{AnomalyKind, Certificate, KeyAlgorithm, SigningInfo};
use common::{fixture, open};

/// Per APK: apksigner's "Signer #1 ..." facts.
fn oracle() -> HashMap<String, HashMap<String, String>> {
    let text = std::fs::read_to_string(fixture("apksigner-certs.txt")).unwrap();
    let mut out: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("== ") {
            current = name.to_owned();
        } else if let Some((key, value)) = line.split_once(": ") {
            out.entry(current.clone())
                .or_default()
                .insert(key.to_owned(), value.to_owned());
        }
    }
    out
}

fn signing(name: &str) -> SigningInfo {
    open(name).base().signing().clone()
}

fn kinds(info: &SigningInfo) -> Vec<AnomalyKind> {
    info.anomalies.iter().map(|a| a.kind).collect()
}

fn only_certificate(info: &SigningInfo) -> Certificate {
    let certificates = info.certificates();
    assert_eq!(certificates.len(), 1, "{certificates:?}");
    certificates[0].clone()
}

#[test]
fn certificates_match_apksigner() {
    let oracle = oracle();
    assert!(oracle.len() >= 8);
    for (apk, facts) in &oracle {
        let info = signing(apk);
        let certificate = only_certificate(&info);
        assert_eq!(
            &certificate.subject, &facts["Signer #1 certificate DN"],
            "{apk}"
        );
        assert_eq!(
            &certificate.sha256_fingerprint, &facts["Signer #1 certificate SHA-256 digest"],
            "{apk}"
        );
        assert_eq!(
            &certificate.sha1_fingerprint, &facts["Signer #1 certificate SHA-1 digest"],
            "{apk}"
        );
        assert_eq!(
            certificate.key_algorithm.name(),
            facts["Signer #1 key algorithm"],
            "{apk}"
        );
        assert_eq!(
            certificate.key_size_bits.unwrap().to_string(),
            facts["Signer #1 key size (bits)"],
            "{apk}"
        );
    }
}

#[test]
fn v1_v2_v3_signed() {
    let info = signing("signed-v1v2v3.apk");
    assert_eq!(info.schemes(), ["v1", "v2", "v3"]);
    assert!(info.anomalies.is_empty(), "{:?}", info.anomalies);
    let v1 = info.v1.as_ref().unwrap();
    let manifest = v1.manifest.as_ref().unwrap();
    assert_eq!(manifest.digest_algorithms, ["SHA-256"]);
    assert_eq!(manifest.entries, 3);
    let signer = &v1.signers[0];
    assert_eq!(signer.name, "RELEASE");
    let sf = signer.signature_file.as_ref().unwrap();
    assert_eq!(sf.android_apk_signed, [2, 3]);
    assert_eq!(sf.manifest_digest_algorithms, ["SHA-256"]);
    let pkcs7 = signer.pkcs7.as_ref().unwrap();
    assert!(!pkcs7.ber_indefinite);
    assert_eq!(pkcs7.signer_infos[0].digest_algorithm, "sha256");
    assert_eq!(pkcs7.signer_infos[0].certificate_index, Some(0));

    let block = info.block.as_ref().unwrap();
    let ids: Vec<u32> = block.pairs.iter().map(|p| p.id).collect();
    assert_eq!(ids, [block::V2_ID, block::V3_ID, block::VERITY_PADDING_ID]);
    let v3 = &info.v3.as_ref().unwrap().signers[0];
    assert_eq!(v3.min_sdk, Some(24));
    assert_eq!(v3.max_sdk, Some(i32::MAX as u32));
    assert_eq!(
        v3.signatures[0].algorithm.name(),
        Some("RSASSA-PKCS1-v1_5 with SHA2-256")
    );
    assert_eq!(v3.digests[0].digest_hex.len(), 64);
    let v2 = &info.v2.as_ref().unwrap().signers[0];
    assert_eq!(v2.stripping_protection, Some(3));
    let certificate = only_certificate(&info);
    assert_eq!(certificate.signature_algorithm, "sha256WithRSAEncryption");
    assert!(certificate.self_signed);
    assert!(!certificate.android_debug);
    assert!(!certificate.has_weak_key());
    assert!(!certificate.has_weak_signature_algorithm());
    assert_eq!(certificate.version, 3);
    assert!(certificate.not_before.ends_with('Z') && certificate.not_before.contains('T'));
    assert!(certificate.not_after_unix - certificate.not_before_unix > 9999 * 86400);
    assert!(!certificate.is_expired_at(certificate.not_before_unix));
    assert!(certificate.is_expired_at(certificate.not_after_unix + 1));
}

#[test]
fn v1_only_has_no_signing_block() {
    let info = signing("signed-v1-only.apk");
    assert_eq!(info.schemes(), ["v1"]);
    assert!(info.block.is_none());
    assert!(info.anomalies.is_empty(), "{:?}", info.anomalies);
    let sf = info.v1.as_ref().unwrap().signers[0]
        .signature_file
        .as_ref()
        .unwrap();
    assert!(sf.android_apk_signed.is_empty());
}

#[test]
fn v2_v3_only_has_no_v1() {
    let info = signing("signed-v2v3-only.apk");
    assert_eq!(info.schemes(), ["v2", "v3"]);
    assert!(info.v1.is_none());
    assert!(info.anomalies.is_empty(), "{:?}", info.anomalies);
}

#[test]
fn unsigned_apk() {
    let info = signing("unsigned.apk");
    assert!(!info.is_signed());
    assert!(info.v1.is_none() && info.block.is_none());
    assert!(info.certificates().is_empty());
}

#[test]
fn debug_certificate() {
    let info = signing("debug-cert.apk");
    let certificate = only_certificate(&info);
    assert!(certificate.android_debug);
    assert_eq!(certificate.subject, "CN=Android Debug, O=Android, C=US");
    assert_eq!(certificate.issuer, certificate.subject);
}

#[test]
fn weak_key_and_sha1() {
    let info = signing("weak-rsa1024-sha1.apk");
    let certificate = only_certificate(&info);
    assert_eq!(certificate.key_size_bits, Some(1024));
    assert_eq!(certificate.signature_algorithm, "sha1WithRSAEncryption");
    assert!(certificate.has_weak_key());
    assert!(certificate.has_weak_signature_algorithm());
    let v1 = info.v1.as_ref().unwrap();
    assert_eq!(v1.manifest.as_ref().unwrap().digest_algorithms, ["SHA-1"]);
    let signer = &v1.signers[0];
    assert_eq!(
        signer
            .signature_file
            .as_ref()
            .unwrap()
            .manifest_digest_algorithms,
        ["SHA-1"]
    );
    assert_eq!(
        signer.pkcs7.as_ref().unwrap().signer_infos[0].digest_algorithm,
        "sha1"
    );
}

#[test]
fn ec_key() {
    let info = signing("ec-p256.apk");
    let certificate = only_certificate(&info);
    assert_eq!(certificate.key_algorithm, KeyAlgorithm::Ec);
    assert_eq!(certificate.ec_curve.as_deref(), Some("secp256r1"));
    assert_eq!(certificate.key_size_bits, Some(256));
    assert_eq!(certificate.signature_algorithm, "ecdsa-with-SHA256");
    let v1 = info.v1.as_ref().unwrap();
    assert_eq!(
        v1.signers[0].block_kind,
        Some(appvd_apk::signing::V1BlockKind::Ec)
    );
    let v2 = &info.v2.as_ref().unwrap().signers[0];
    assert_eq!(v2.signatures[0].algorithm.key_algorithm(), Some("EC"));
}

#[test]
fn ber_indefinite_pkcs7_is_walked() {
    let info = signing("ber-indefinite-pkcs7.apk");
    let pkcs7 = info.v1.as_ref().unwrap().signers[0].pkcs7.as_ref().unwrap();
    assert!(pkcs7.ber_indefinite);
    assert_eq!(pkcs7.signer_infos[0].certificate_index, Some(0));
    // Same certificate as in the v2/v3 blocks once normalised to DER.
    assert_eq!(info.certificates().len(), 1);
    assert!(info.anomalies.is_empty(), "{:?}", info.anomalies);
}

#[test]
fn stripped_v2_v3() {
    let info = signing("tampered-v2-stripped.apk");
    assert_eq!(info.schemes(), ["v1"]);
    let stripped: Vec<_> = info
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::SchemeStripped)
        .map(|a| a.message.clone())
        .collect();
    assert_eq!(stripped.len(), 2);
    assert!(stripped[0].contains("v2"));
}

#[test]
fn signer_mismatch_between_v1_and_v2() {
    let info = signing("tampered-cert-mismatch.apk");
    assert!(kinds(&info).contains(&AnomalyKind::SignerCertificateMismatch));
    let subjects: Vec<_> = info
        .certificates()
        .iter()
        .map(|c| c.subject.clone())
        .collect();
    assert_eq!(
        subjects,
        [
            "CN=Someone Else, O=appvd, C=CN",
            "CN=Fixture Release, O=appvd, C=CN"
        ]
    );
}

#[test]
fn key_rotation_is_not_a_mismatch() {
    let info = signing("rotated-v3.apk");
    assert_eq!(info.schemes(), ["v1", "v2", "v3"]);
    let v3 = &info.v3.as_ref().unwrap().signers[0];
    assert!(v3.has_rotation_proof);
    assert_eq!(
        v3.certificates[0].subject,
        "CN=Fixture Rotated, O=appvd, C=CN"
    );
    let v2 = &info.v2.as_ref().unwrap().signers[0];
    assert_eq!(
        v2.certificates[0].subject,
        "CN=Fixture Release, O=appvd, C=CN"
    );
    assert!(info.anomalies.is_empty(), "{:?}", info.anomalies);
    assert_eq!(info.certificates().len(), 2);
}

#[test]
fn signing_block_size_mismatch() {
    let info = signing("tampered-sigblock-sizes.apk");
    assert!(kinds(&info).contains(&AnomalyKind::SigningBlockSizeMismatch));
    assert!(info.v2.is_none());
}

#[test]
fn signing_block_found_behind_prepended_junk() {
    let info = signing("tampered-junk.apk");
    assert_eq!(info.schemes(), ["v1", "v2", "v3"]);
    // The block sits right before the relocated central directory, past the 4 KiB of junk.
    let block = info.block.as_ref().unwrap();
    assert!(block.offset > 4096);
    assert_eq!(block.pairs.len(), 3);
}

#[test]
fn v1_coverage_of_added_entries() {
    let info = signing("tampered-names.apk");
    let added: Vec<_> = info
        .anomalies
        .iter()
        .filter(|a| a.kind == AnomalyKind::V1EntryNotInManifest)
        .filter_map(|a| a.entry.clone())
        .collect();
    assert!(added.contains(&"../../evil.so".to_owned()), "{added:?}");
    let info = signing("tampered-truncated-cd.apk");
    assert!(kinds(&info).contains(&AnomalyKind::V1ManifestMissing));
    assert_eq!(info.schemes(), ["v2", "v3"]);
}

#[test]
fn signing_info_serialises() {
    let info = signing("signed-v1v2v3.apk");
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["v3"]["scheme"], "v3");
    assert_eq!(
        json["v2"]["signers"][0]["signatures"][0]["algorithm"]["id"],
        0x0103
    );
    assert_eq!(
        json["v1"]["signers"][0]["pkcs7"]["certificates"][0]["key_algorithm"],
        "RSA"
    );
}
