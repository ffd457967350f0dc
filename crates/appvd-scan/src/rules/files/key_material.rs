//! Recognises key material in a file and tells private keys from certificates.
//!
//! A trust store full of CA certificates is normal (pinning, private CAs); a private key in the
//! APK is a leaked secret. So the key store formats Android apps ship are walked far enough to
//! see what their entries are: JKS and JCEKS entry tags, BKS entry types, the PKCS#12 bag types
//! that sit in its unencrypted part, and PEM block labels. Nothing is decrypted.

use appvd_apk::Certificate;
use appvd_apk::listing::{SniffedKeyMaterial, sniff_key_material};
use appvd_apk::signing::ber;

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyMaterial {
    /// A private or secret key is present.
    PrivateKey {
        format: &'static str,
        detail: String,
    },
    /// A key store whose entries cannot be seen without its password.
    OpaqueStore {
        format: &'static str,
        detail: String,
    },
    /// Certificates (public) only.
    Certificates {
        format: &'static str,
        detail: String,
    },
}

const JKS_MAGIC: u32 = 0xfeed_feed;
const JCEKS_MAGIC: u32 = 0xcece_cece;
/// Entry counts beyond this are not walked; real key stores hold a handful.
const MAX_STORE_ENTRIES: u32 = 4096;
/// `1.2.840.113549.1.12.10.1.1` keyBag and `…1.2` pkcs8ShroudedKeyBag, as DER OID contents.
const PKCS12_KEY_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01,
];
const PKCS12_SHROUDED_KEY_BAG: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x02,
];
/// `1.2.840.113549.1.7.1` (data) and `…7.2` (signedData) without the last byte: a PFX's authSafe.
const PKCS7_CONTENT_PREFIX: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/// The kind of file an extension promises, so that content checks know what to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extension {
    /// `.bks`, `.ubr`: Bouncy Castle stores have no magic number.
    BouncyCastle,
    /// `.der`, `.cer`, `.crt`, `.key`, `.pk8`: DER without a magic number.
    Der,
    /// Any other key-file extension, or none.
    Other,
}

/// Classifies the first bytes of a file (`bytes` may be a prefix of it).
pub(crate) fn classify(bytes: &[u8], extension: Extension) -> Option<KeyMaterial> {
    match sniff_key_material(bytes) {
        Some(SniffedKeyMaterial::JavaKeyStore) => return Some(java_key_store(bytes, "JKS")),
        Some(SniffedKeyMaterial::Jceks) => return Some(java_key_store(bytes, "JCEKS")),
        Some(SniffedKeyMaterial::Pkcs12) if looks_like_pfx(bytes) => return Some(pkcs12(bytes)),
        _ => {}
    }
    if let Some(found) = pem(bytes) {
        return Some(found);
    }
    match extension {
        Extension::BouncyCastle => bouncy_castle(bytes),
        Extension::Der => der(bytes),
        Extension::Other => None,
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        bytes.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

/// A big-endian reader that fails instead of reading past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Option<u8> {
        let value = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(value)
    }

    fn u16(&mut self) -> Option<u16> {
        let value = u16_at(self.bytes, self.at)?;
        self.at += 2;
        Some(value)
    }

    fn u32(&mut self) -> Option<u32> {
        let value = u32_at(self.bytes, self.at)?;
        self.at += 4;
        Some(value)
    }

    fn skip(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    /// Java's `writeUTF`: a 16-bit length and modified UTF-8.
    fn utf(&mut self) -> Option<String> {
        let len = usize::from(self.u16()?);
        self.skip(len)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// A 32-bit length and that many bytes.
    fn blob(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        self.skip(len)
    }
}

#[derive(Debug, Default)]
struct StoreEntries {
    private_keys: usize,
    secret_keys: usize,
    certificates: usize,
    aliases: Vec<String>,
    /// Every declared entry was walked.
    complete: bool,
}

impl StoreEntries {
    fn keys(&self) -> usize {
        self.private_keys + self.secret_keys
    }

    fn alias_list(&self) -> String {
        const SHOWN: usize = 5;
        let mut list = self
            .aliases
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.aliases.len() > SHOWN {
            list.push_str(&format!(" and {} more", self.aliases.len() - SHOWN));
        }
        list
    }
}

/// JKS and JCEKS: magic, version, entry count, then tagged entries (1 private key, 2 trusted
/// certificate, 3 JCEKS secret key).
fn java_key_store(bytes: &[u8], format: &'static str) -> KeyMaterial {
    let entries = walk_java_key_store(bytes);
    store_material(format, &entries)
}

fn walk_java_key_store(bytes: &[u8]) -> StoreEntries {
    let mut entries = StoreEntries::default();
    let mut reader = Reader { bytes, at: 0 };
    let (Some(magic), Some(version), Some(count)) = (reader.u32(), reader.u32(), reader.u32())
    else {
        return entries;
    };
    if !matches!(magic, JKS_MAGIC | JCEKS_MAGIC) || !matches!(version, 1 | 2) {
        return entries;
    }
    let certificate = |reader: &mut Reader<'_>| -> Option<()> {
        if version == 2 {
            reader.utf()?;
        }
        reader.blob().map(|_| ())
    };
    for _ in 0..count.min(MAX_STORE_ENTRIES) {
        let walked = (|| -> Option<bool> {
            let tag = reader.u32()?;
            let alias = reader.utf()?;
            reader.skip(8)?;
            entries.aliases.push(alias);
            match tag {
                1 => {
                    entries.private_keys += 1;
                    reader.blob()?;
                    let chain = reader.u32()?;
                    for _ in 0..chain.min(MAX_STORE_ENTRIES) {
                        certificate(&mut reader)?;
                    }
                    Some(true)
                }
                2 => {
                    entries.certificates += 1;
                    certificate(&mut reader)?;
                    Some(true)
                }
                3 => {
                    // A serialised SealedObject follows; its length is not written, so the
                    // walk cannot go on, but what matters is known.
                    entries.secret_keys += 1;
                    Some(false)
                }
                _ => None,
            }
        })();
        match walked {
            Some(true) => {}
            Some(false) | None => return entries,
        }
    }
    entries.complete = count <= MAX_STORE_ENTRIES;
    entries
}

fn store_material(format: &'static str, entries: &StoreEntries) -> KeyMaterial {
    let aliases = entries.alias_list();
    if entries.keys() > 0 {
        let mut parts = Vec::new();
        if entries.private_keys > 0 {
            parts.push(plural(
                entries.private_keys,
                "private key entry",
                "private key entries",
            ));
        }
        if entries.secret_keys > 0 {
            parts.push(plural(
                entries.secret_keys,
                "secret key entry",
                "secret key entries",
            ));
        }
        KeyMaterial::PrivateKey {
            format,
            detail: format!("{} (aliases: {aliases})", parts.join(", ")),
        }
    } else if entries.complete && entries.certificates > 0 {
        KeyMaterial::Certificates {
            format,
            detail: format!(
                "{} and no key (aliases: {aliases})",
                plural(
                    entries.certificates,
                    "trusted certificate",
                    "trusted certificates"
                )
            ),
        }
    } else {
        KeyMaterial::OpaqueStore {
            format,
            detail: "its entries could not be walked".to_owned(),
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Bouncy Castle BKS: version, salt, iteration count, then typed entries (1 certificate, 2 key,
/// 3 secret, 4 sealed key) until a 0 byte. UBER stores encrypt everything after the iteration
/// count and stay opaque.
fn bouncy_castle(bytes: &[u8]) -> Option<KeyMaterial> {
    let mut reader = Reader { bytes, at: 0 };
    let version = reader.u32()?;
    if !matches!(version, 0..=2) {
        return None;
    }
    let salt = reader.blob()?;
    // Bouncy Castle writes salts of 20 bytes; anything far off is not a BKS file.
    if !(8..=64).contains(&salt.len()) {
        return None;
    }
    reader.u32()?;
    let mut entries = StoreEntries::default();
    let certificate = |reader: &mut Reader<'_>| -> Option<()> {
        reader.utf()?;
        reader.blob().map(|_| ())
    };
    let walked = (|| -> Option<()> {
        for _ in 0..MAX_STORE_ENTRIES {
            let kind = reader.u8()?;
            if kind == 0 {
                entries.complete = true;
                return Some(());
            }
            entries.aliases.push(reader.utf()?);
            reader.skip(8)?;
            let chain = reader.u32()?;
            for _ in 0..chain.min(MAX_STORE_ENTRIES) {
                certificate(&mut reader)?;
            }
            match kind {
                1 => {
                    entries.certificates += 1;
                    certificate(&mut reader)?;
                }
                2 => {
                    entries.private_keys += 1;
                    reader.u8()?;
                    reader.utf()?;
                    reader.utf()?;
                    reader.blob()?;
                }
                3 | 4 => {
                    entries.secret_keys += 1;
                    reader.blob()?;
                }
                _ => return None,
            }
        }
        None
    })();
    if walked.is_none() && entries.aliases.is_empty() {
        return Some(KeyMaterial::OpaqueStore {
            format: "BKS/UBER",
            detail: "its entries are encrypted or could not be walked".to_owned(),
        });
    }
    Some(store_material("BKS", &entries))
}

/// The PFX shape the sniffer saw, confirmed by the authSafe content type that follows it.
fn looks_like_pfx(bytes: &[u8]) -> bool {
    bytes
        .get(..64)
        .unwrap_or(bytes)
        .windows(PKCS7_CONTENT_PREFIX.len())
        .any(|w| w == PKCS7_CONTENT_PREFIX)
}

/// PKCS#12 keeps key bags either in a plain `data` SafeContents (what keytool and OpenSSL write:
/// the key itself is then encrypted, but its bag type is visible) or inside `encryptedData`.
fn pkcs12(bytes: &[u8]) -> KeyMaterial {
    let has = |oid: &[u8]| {
        bytes.windows(oid.len() + 2).any(|w| {
            w.first() == Some(&0x06)
                && w.get(1) == Some(&(oid.len() as u8))
                && w.get(2..) == Some(oid)
        })
    };
    if has(PKCS12_SHROUDED_KEY_BAG) {
        KeyMaterial::PrivateKey {
            format: "PKCS#12",
            detail: "a PKCS#8 shrouded key bag".to_owned(),
        }
    } else if has(PKCS12_KEY_BAG) {
        KeyMaterial::PrivateKey {
            format: "PKCS#12",
            detail: "an unencrypted key bag".to_owned(),
        }
    } else {
        KeyMaterial::OpaqueStore {
            format: "PKCS#12",
            detail: "its bags are encrypted".to_owned(),
        }
    }
}

/// PEM blocks by label.
fn pem(bytes: &[u8]) -> Option<KeyMaterial> {
    let text = String::from_utf8_lossy(bytes);
    let mut private: Vec<String> = Vec::new();
    let mut certificates = 0usize;
    for (at, _) in text.match_indices("-----BEGIN ") {
        let Some(label) = text
            .get(at + 11..)
            .and_then(|rest| rest.split_once("-----"))
            .map(|(label, _)| label)
        else {
            continue;
        };
        if label.len() > 40 || label.contains('\n') {
            continue;
        }
        if label.ends_with("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK" {
            if !private.iter().any(|l| l == label) {
                private.push(label.to_owned());
            }
        } else if label == "CERTIFICATE"
            || label == "TRUSTED CERTIFICATE"
            || label == "X509 CERTIFICATE"
        {
            certificates += 1;
        }
    }
    if !private.is_empty() {
        let encrypted = private.iter().any(|l| l.contains("ENCRYPTED"))
            || text.contains("Proc-Type: 4,ENCRYPTED");
        let blocks = private
            .iter()
            .map(|l| format!("BEGIN {l}"))
            .collect::<Vec<_>>()
            .join(", ");
        let detail = if encrypted {
            format!("{blocks}, encrypted with a password")
        } else {
            format!("{blocks}, not encrypted")
        };
        return Some(KeyMaterial::PrivateKey {
            format: "PEM",
            detail,
        });
    }
    (certificates > 0).then(|| KeyMaterial::Certificates {
        format: "PEM",
        detail: plural(certificates, "certificate", "certificates"),
    })
}

/// A DER certificate or a DER private key (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC).
fn der(bytes: &[u8]) -> Option<KeyMaterial> {
    if let Ok(certificate) = Certificate::from_der(bytes) {
        return Some(KeyMaterial::Certificates {
            format: "DER",
            detail: format!("certificate {}", certificate.subject),
        });
    }
    let (outer, _) = ber::parse(bytes).ok()?;
    if !outer.is_universal(0x10) || !outer.constructed {
        return None;
    }
    let children: Vec<ber::Tlv<'_>> = outer.children().take(10).collect::<Result<_, _>>().ok()?;
    let small_integer = |tlv: Option<&ber::Tlv<'_>>, values: &[u8]| {
        tlv.is_some_and(|t| {
            t.is_universal(0x02)
                && t.content.len() == 1
                && t.content.first().is_some_and(|v| values.contains(v))
        })
    };
    let is = |tlv: Option<&ber::Tlv<'_>>, tag: u32| tlv.is_some_and(|t| t.is_universal(tag));
    let kind = if small_integer(children.first(), &[0, 1])
        && is(children.get(1), 0x10)
        && is(children.get(2), 0x04)
    {
        "PKCS#8 private key"
    } else if is(children.first(), 0x10)
        && is(children.get(1), 0x04)
        && children.len() == 2
        && children
            .first()
            .is_some_and(|alg| alg.content.get(..2) == Some(&[0x06, 0x09][..]))
    {
        "encrypted PKCS#8 private key"
    } else if small_integer(children.first(), &[0])
        && children.len() == 9
        && children.iter().all(|c| c.is_universal(0x02))
    {
        "PKCS#1 RSA private key"
    } else if small_integer(children.first(), &[1])
        && children
            .get(1)
            .is_some_and(|k| k.is_universal(0x04) && (20..=72).contains(&k.content.len()))
    {
        "SEC1 EC private key"
    } else {
        return None;
    };
    Some(KeyMaterial::PrivateKey {
        format: "DER",
        detail: kind.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf(out: &mut Vec<u8>, s: &str) {
        out.extend((s.len() as u16).to_be_bytes());
        out.extend(s.as_bytes());
    }

    fn blob(out: &mut Vec<u8>, b: &[u8]) {
        out.extend((b.len() as u32).to_be_bytes());
        out.extend(b);
    }

    fn jks(entries: &[(u32, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(JKS_MAGIC.to_be_bytes());
        out.extend(2u32.to_be_bytes());
        out.extend((entries.len() as u32).to_be_bytes());
        for (tag, alias) in entries {
            out.extend(tag.to_be_bytes());
            utf(&mut out, alias);
            out.extend(0u64.to_be_bytes());
            if *tag == 1 {
                blob(&mut out, b"protected key");
                out.extend(1u32.to_be_bytes());
            }
            utf(&mut out, "X.509");
            blob(&mut out, b"certificate bytes");
        }
        out.extend([0u8; 20]);
        out
    }

    #[test]
    fn jks_trust_stores_are_told_from_key_stores() {
        let trust = classify(&jks(&[(2, "ca-one"), (2, "ca-two")]), Extension::Other);
        assert!(
            matches!(&trust, Some(KeyMaterial::Certificates { format: "JKS", detail }) if detail.contains("2 trusted certificates") && detail.contains("ca-two")),
            "{trust:?}"
        );
        let keys = classify(&jks(&[(2, "ca"), (1, "upload")]), Extension::Other);
        assert!(
            matches!(&keys, Some(KeyMaterial::PrivateKey { format: "JKS", detail }) if detail.contains("1 private key entry")),
            "{keys:?}"
        );
    }

    #[test]
    fn truncated_or_hostile_jks_is_opaque_not_a_panic() {
        let mut bytes = jks(&[(2, "ca")]);
        bytes.truncate(20);
        assert!(matches!(
            classify(&bytes, Extension::Other),
            Some(KeyMaterial::OpaqueStore { .. })
        ));
        let mut huge = Vec::new();
        huge.extend(JKS_MAGIC.to_be_bytes());
        huge.extend(2u32.to_be_bytes());
        huge.extend(u32::MAX.to_be_bytes());
        huge.extend(2u32.to_be_bytes());
        huge.extend(0xffffu16.to_be_bytes());
        assert!(matches!(
            classify(&huge, Extension::Other),
            Some(KeyMaterial::OpaqueStore { .. })
        ));
    }

    #[test]
    fn jceks_secret_keys_count_as_keys() {
        let mut bytes = Vec::new();
        bytes.extend(JCEKS_MAGIC.to_be_bytes());
        bytes.extend(2u32.to_be_bytes());
        bytes.extend(1u32.to_be_bytes());
        bytes.extend(3u32.to_be_bytes());
        utf(&mut bytes, "aes");
        bytes.extend(0u64.to_be_bytes());
        bytes.extend([0xac, 0xed, 0x00, 0x05]);
        assert!(
            matches!(classify(&bytes, Extension::Other), Some(KeyMaterial::PrivateKey { format: "JCEKS", detail }) if detail.contains("1 secret key entry"))
        );
    }

    fn bks(entries: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(2u32.to_be_bytes());
        blob(&mut out, &[7u8; 20]);
        out.extend(1024u32.to_be_bytes());
        for (i, kind) in entries.iter().enumerate() {
            out.push(*kind);
            utf(&mut out, &format!("alias{i}"));
            out.extend(0u64.to_be_bytes());
            out.extend(0u32.to_be_bytes());
            match kind {
                1 => {
                    utf(&mut out, "X.509");
                    blob(&mut out, b"certificate");
                }
                2 => {
                    out.push(0);
                    utf(&mut out, "PKCS#8");
                    utf(&mut out, "RSA");
                    blob(&mut out, b"key");
                }
                _ => blob(&mut out, b"sealed"),
            }
        }
        out.push(0);
        out.extend([0u8; 20]);
        out
    }

    #[test]
    fn bks_entries_are_walked() {
        assert!(matches!(
            classify(&bks(&[1, 1]), Extension::BouncyCastle),
            Some(KeyMaterial::Certificates { format: "BKS", .. })
        ));
        assert!(matches!(
            classify(&bks(&[1, 2]), Extension::BouncyCastle),
            Some(KeyMaterial::PrivateKey { format: "BKS", .. })
        ));
        assert!(matches!(
            classify(&bks(&[4]), Extension::BouncyCastle),
            Some(KeyMaterial::PrivateKey { format: "BKS", .. })
        ));
        // The same bytes without the extension are not guessed at.
        assert_eq!(classify(&bks(&[1]), Extension::Other), None);
        // UBER: encrypted after the iteration count.
        let mut uber = bks(&[]);
        uber.truncate(32);
        uber.extend([0x5a; 64]);
        assert!(matches!(
            classify(&uber, Extension::BouncyCastle),
            Some(KeyMaterial::OpaqueStore { .. })
        ));
    }

    #[test]
    fn pem_labels_decide() {
        let key = b"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
        assert!(
            matches!(classify(key, Extension::Other), Some(KeyMaterial::PrivateKey { format: "PEM", detail }) if detail.contains("not encrypted"))
        );
        let encrypted =
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert!(
            matches!(classify(encrypted, Extension::Other), Some(KeyMaterial::PrivateKey { detail, .. }) if detail.contains("encrypted with a password"))
        );
        let bundle = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert!(
            matches!(classify(bundle, Extension::Other), Some(KeyMaterial::Certificates { detail, .. }) if detail == "2 certificates")
        );
        let public = b"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
        assert_eq!(classify(public, Extension::Other), None);
    }

    #[test]
    fn der_private_keys_are_recognised() {
        // SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING { … } }
        let pkcs8 = [
            0x30, 0x14, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
            0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, 0x00,
        ];
        assert!(
            matches!(classify(&pkcs8, Extension::Der), Some(KeyMaterial::PrivateKey { detail, .. }) if detail == "PKCS#8 private key")
        );
        // SEQUENCE { INTEGER 1, OCTET STRING (32 bytes) }
        let mut sec1 = vec![0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20];
        sec1.extend([0x11; 32]);
        assert!(
            matches!(classify(&sec1, Extension::Der), Some(KeyMaterial::PrivateKey { detail, .. }) if detail == "SEC1 EC private key")
        );
        assert_eq!(classify(b"plain text licence", Extension::Der), None);
        assert_eq!(classify(&[0x30, 0x82, 0xff], Extension::Der), None);
    }

    /// Mutated and truncated key stores, PEM and DER never panic and never loop: every walk is
    /// bounded by the input and by `MAX_STORE_ENTRIES`.
    #[test]
    fn mutated_inputs_never_panic() {
        let mut seeds: Vec<Vec<u8>> = vec![
            jks(&[(1, "a"), (2, "b")]),
            bks(&[1, 2, 3, 4]),
            b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n-----END RSA PRIVATE KEY-----".to_vec(),
            vec![0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20, 0x11, 0x11],
        ];
        let mut pfx = vec![0x30, 0x80, 0x02, 0x01, 0x03];
        pfx.extend(PKCS7_CONTENT_PREFIX);
        seeds.push(pfx);
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..20_000u32 {
            let seed = &seeds[round as usize % seeds.len()];
            let mut bytes = seed.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len().max(1);
                match next() % 3 {
                    0 => {
                        if let Some(b) = bytes.get_mut(at) {
                            *b = next() as u8;
                        }
                    }
                    1 => bytes.truncate(at),
                    _ => bytes.insert(at.min(bytes.len()), 0xff),
                }
            }
            for extension in [Extension::BouncyCastle, Extension::Der, Extension::Other] {
                let _ = classify(&bytes, extension);
            }
        }
    }

    #[test]
    fn pkcs12_bags_are_seen_through_the_plain_part() {
        let mut pfx = vec![
            0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x82, 0x00, 0xf0,
        ];
        pfx.extend(PKCS7_CONTENT_PREFIX);
        pfx.push(0x01);
        let opaque = pfx.clone();
        pfx.extend([0x06, 0x0b]);
        pfx.extend(PKCS12_SHROUDED_KEY_BAG);
        assert!(matches!(
            classify(&pfx, Extension::Other),
            Some(KeyMaterial::PrivateKey {
                format: "PKCS#12",
                ..
            })
        ));
        assert!(matches!(
            classify(&opaque, Extension::Other),
            Some(KeyMaterial::OpaqueStore {
                format: "PKCS#12",
                ..
            })
        ));
        // The PFX shape without a content type after it is not taken for PKCS#12.
        assert_eq!(
            classify(
                &[0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x00],
                Extension::Other
            ),
            None
        );
    }
}
