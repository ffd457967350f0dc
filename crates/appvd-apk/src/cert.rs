//! Facts about one X.509 signing certificate.

use std::borrow::Cow;
use std::fmt;

use asn1_rs::{Oid, Tag};
use serde::{Serialize, Serializer};
use sha1::Digest as _;
use sha2::Digest as _;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use crate::signing::ber;

/// Why certificate bytes could not be turned into [`Certificate`] facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("certificate is not valid DER X.509: {0}")]
pub struct CertificateError(String);

/// The public-key algorithm of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// `rsaEncryption` (or RSASSA-PSS keys).
    Rsa,
    /// `id-ecPublicKey`.
    Ec,
    /// `id-dsa`.
    Dsa,
    /// `id-Ed25519`.
    Ed25519,
    /// Anything else, by dotted OID.
    Other(String),
}

impl KeyAlgorithm {
    /// Short name: `RSA`, `EC`, `DSA`, `Ed25519`, or the dotted OID.
    pub fn name(&self) -> &str {
        match self {
            KeyAlgorithm::Rsa => "RSA",
            KeyAlgorithm::Ec => "EC",
            KeyAlgorithm::Dsa => "DSA",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Other(oid) => oid,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for KeyAlgorithm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Facts about a signing certificate, as the signing rules need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// Subject in RFC 4514 order, e.g. `CN=Android Debug, O=Android, C=US`.
    pub subject: String,
    /// Issuer, same format.
    pub issuer: String,
    /// Serial number, lower-case hex of its two's-complement bytes.
    pub serial_hex: String,
    /// X.509 version (1, 2 or 3).
    pub version: u32,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before_unix: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after_unix: i64,
    /// Public-key algorithm.
    pub key_algorithm: KeyAlgorithm,
    /// Key size in bits (RSA modulus, DSA prime, EC field), when known.
    pub key_size_bits: Option<u32>,
    /// Named EC curve, e.g. `secp256r1`.
    pub ec_curve: Option<String>,
    /// Signature algorithm name, e.g. `sha256WithRSAEncryption`, or the dotted OID.
    pub signature_algorithm: String,
    /// Signature algorithm OID.
    pub signature_algorithm_oid: String,
    /// SHA-256 of the DER encoding, lower-case hex.
    pub sha256_fingerprint: String,
    /// SHA-1 of the DER encoding, lower-case hex.
    pub sha1_fingerprint: String,
    /// Issuer equals subject (the signature itself is not verified).
    pub self_signed: bool,
    /// The subject is the Android SDK debug certificate's `CN=Android Debug, O=Android, C=US`.
    pub android_debug: bool,
    /// SHA-256 of the SubjectPublicKeyInfo, lower-case hex (compared with v2/v3 keys).
    pub public_key_sha256: String,
}

impl Certificate {
    /// Parses DER certificate bytes. Trailing bytes after the certificate are ignored;
    /// BER with indefinite lengths (seen inside some v1 signature blocks) is normalised first.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        match X509Certificate::from_der(der) {
            Ok((_, cert)) => Ok(Self::from_parsed(&cert, der_prefix(der, &cert))),
            Err(first) => {
                let normalised =
                    ber::to_der(der).map_err(|_| CertificateError(first.to_string()))?;
                let (_, cert) = X509Certificate::from_der(&normalised)
                    .map_err(|e| CertificateError(e.to_string()))?;
                Ok(Self::from_parsed(&cert, &normalised))
            }
        }
    }

    fn from_parsed(cert: &X509Certificate<'_>, der: &[u8]) -> Self {
        let tbs = &cert.tbs_certificate;
        let spki = &tbs.subject_pki;
        let (key_algorithm, key_size_bits, ec_curve) = key_facts(spki);
        let signature_oid = &cert.signature_algorithm.algorithm;
        let subject_attrs = attributes(&tbs.subject);
        let android_debug = {
            let mut sorted = subject_attrs.clone();
            sorted.sort();
            sorted
                == [
                    ("C".to_owned(), "US".to_owned()),
                    ("CN".to_owned(), "Android Debug".to_owned()),
                    ("O".to_owned(), "Android".to_owned()),
                ]
        };
        let not_before_unix = tbs.validity.not_before.timestamp();
        let not_after_unix = tbs.validity.not_after.timestamp();
        Certificate {
            subject: format_name(&tbs.subject),
            issuer: format_name(&tbs.issuer),
            serial_hex: hex::encode(tbs.raw_serial()),
            version: tbs.version.0 + 1,
            not_before: rfc3339(not_before_unix),
            not_after: rfc3339(not_after_unix),
            not_before_unix,
            not_after_unix,
            key_algorithm,
            key_size_bits,
            ec_curve,
            signature_algorithm: oid_name(signature_oid)
                .map_or_else(|| signature_oid.to_id_string(), str::to_owned),
            signature_algorithm_oid: signature_oid.to_id_string(),
            sha256_fingerprint: hex::encode(sha2::Sha256::digest(der)),
            sha1_fingerprint: hex::encode(sha1::Sha1::digest(der)),
            self_signed: tbs.subject.as_raw() == tbs.issuer.as_raw(),
            android_debug,
            public_key_sha256: hex::encode(sha2::Sha256::digest(spki.raw)),
        }
    }

    /// Whether the certificate is outside its validity period at `unix_seconds`.
    pub fn is_expired_at(&self, unix_seconds: i64) -> bool {
        unix_seconds > self.not_after_unix
    }

    /// Whether the certificate's own signature uses MD2, MD5 or SHA-1.
    pub fn has_weak_signature_algorithm(&self) -> bool {
        let name = self.signature_algorithm.to_ascii_lowercase();
        ["md2", "md5", "sha1"]
            .iter()
            .any(|weak| name.starts_with(weak) || name.ends_with(weak))
    }

    /// Whether the key is below current minimums: RSA or DSA under 2048 bits, EC under 256.
    pub fn has_weak_key(&self) -> bool {
        match (&self.key_algorithm, self.key_size_bits) {
            (KeyAlgorithm::Rsa | KeyAlgorithm::Dsa, Some(bits)) => bits < 2048,
            (KeyAlgorithm::Ec, Some(bits)) => bits < 256,
            _ => false,
        }
    }
}

/// The exact DER bytes of the parsed certificate (the input may carry trailing bytes).
fn der_prefix<'a>(der: &'a [u8], cert: &X509Certificate<'_>) -> &'a [u8] {
    der.get(..cert.as_raw().len()).unwrap_or(der)
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

fn key_facts(
    spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>,
) -> (KeyAlgorithm, Option<u32>, Option<String>) {
    let oid = spki.algorithm.algorithm.to_id_string();
    let params = spki.algorithm.parameters.as_ref();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let bits = match spki.parsed() {
                Ok(PublicKey::RSA(rsa)) => Some(unsigned_bits(rsa.modulus)),
                _ => None,
            };
            (KeyAlgorithm::Rsa, bits, None)
        }
        "1.2.840.10045.2.1" => {
            let curve_oid = params
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            let curve = curve_oid
                .as_deref()
                .map(|o| curve_name(o).map_or_else(|| o.to_owned(), str::to_owned));
            let bits = curve_oid
                .as_deref()
                .and_then(curve_bits)
                .or_else(|| match spki.parsed() {
                    Ok(key @ PublicKey::EC(_)) => {
                        u32::try_from(key.key_size()).ok().filter(|b| *b > 0)
                    }
                    _ => None,
                });
            (KeyAlgorithm::Ec, bits, curve)
        }
        "1.2.840.10040.4.1" => {
            // Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }; the size is p's.
            let bits = params
                .and_then(|p| ber::first_child(p.data))
                .and_then(|p| (p.tag == 2).then(|| unsigned_bits(p.content)));
            (KeyAlgorithm::Dsa, bits, None)
        }
        "1.3.101.112" => (KeyAlgorithm::Ed25519, Some(256), None),
        _ => (KeyAlgorithm::Other(oid), None, None),
    }
}

/// Bit length of a big-endian unsigned integer (leading zero bytes ignored).
fn unsigned_bits(bytes: &[u8]) -> u32 {
    let trimmed: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(first) => &bytes[first..],
        None => return 0,
    };
    let lead = trimmed.first().copied().unwrap_or(0);
    (trimmed.len() as u32 - 1) * 8 + (8 - lead.leading_zeros())
}

fn curve_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.10045.3.1.7" => "secp256r1",
        "1.3.132.0.34" => "secp384r1",
        "1.3.132.0.35" => "secp521r1",
        "1.3.132.0.10" => "secp256k1",
        "1.2.840.10045.3.1.1" => "secp192r1",
        "1.3.132.0.33" => "secp224r1",
        _ => return None,
    })
}

fn curve_bits(oid: &str) -> Option<u32> {
    Some(match oid {
        "1.2.840.10045.3.1.7" | "1.3.132.0.10" => 256,
        "1.3.132.0.34" => 384,
        "1.3.132.0.35" => 521,
        "1.2.840.10045.3.1.1" => 192,
        "1.3.132.0.33" => 224,
        _ => return None,
    })
}

/// Names of the signature, digest and key algorithm OIDs that occur in APK signatures.
pub(crate) fn oid_name(oid: &Oid<'_>) -> Option<&'static str> {
    oid_name_str(&oid.to_id_string())
}

pub(crate) fn oid_name_str(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10040.4.1" => "dsa",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "2.16.840.1.101.3.4.3.1" => "dsa-with-sha224",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-sha256",
        "1.2.840.10045.2.1" => "ecPublicKey",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.2.840.113549.2.2" => "md2",
        "1.2.840.113549.2.5" => "md5",
        "1.3.14.3.2.26" => "sha1",
        "2.16.840.1.101.3.4.2.1" => "sha256",
        "2.16.840.1.101.3.4.2.2" => "sha384",
        "2.16.840.1.101.3.4.2.3" => "sha512",
        "2.16.840.1.101.3.4.2.4" => "sha224",
        _ => return None,
    })
}

fn attribute_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SURNAME",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.42" => "GIVENNAME",
        "1.2.840.113549.1.9.1" => "EMAILADDRESS",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

fn attribute_value(attr: &AttributeTypeAndValue<'_>) -> Cow<'static, str> {
    if let Ok(text) = attr.as_str() {
        return Cow::Owned(text.to_owned());
    }
    let value = attr.attr_value();
    match value.tag() {
        Tag::BmpString => {
            let units: Vec<u16> = value
                .data
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            Cow::Owned(String::from_utf16_lossy(&units))
        }
        Tag::T61String | Tag::VisibleString | Tag::GeneralString => {
            Cow::Owned(value.data.iter().map(|&b| char::from(b)).collect())
        }
        _ => Cow::Owned(format!("#{}", hex::encode(value.data))),
    }
}

fn attributes(name: &X509Name<'_>) -> Vec<(String, String)> {
    name.iter_attributes()
        .map(|attr| {
            let oid = attr.attr_type().to_id_string();
            let key = attribute_short_name(&oid).map_or(oid, str::to_owned);
            (key, attribute_value(attr).into_owned())
        })
        .collect()
}

/// RFC 4514 string: RDNs in reverse encoding order, multi-valued RDNs joined by `+`.
fn format_name(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|attr| {
                    let oid = attr.attr_type().to_id_string();
                    let key = attribute_short_name(&oid).map_or(oid, str::to_owned);
                    format!("{key}={}", escape_value(&attribute_value(attr)))
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let needs = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if needs {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(unsigned_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(unsigned_bits(&[0x01]), 1);
        assert_eq!(unsigned_bits(&[0, 0]), 0);
        assert_eq!(unsigned_bits(&[]), 0);
        let mut modulus = vec![0u8];
        modulus.extend(std::iter::repeat_n(0xffu8, 256));
        assert_eq!(unsigned_bits(&modulus), 2048);
    }

    #[test]
    fn escaping_follows_rfc4514() {
        assert_eq!(escape_value("a,b"), "a\\,b");
        assert_eq!(escape_value(" lead"), "\\ lead");
        assert_eq!(escape_value("#x"), "\\#x");
        assert_eq!(escape_value("plain"), "plain");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Certificate::from_der(b"not a certificate").is_err());
        assert!(Certificate::from_der(&[]).is_err());
        assert!(Certificate::from_der(&[0x30, 0x80, 0x00, 0x00]).is_err());
    }

    #[test]
    fn oid_names() {
        assert_eq!(
            oid_name_str("1.2.840.113549.1.1.4"),
            Some("md5WithRSAEncryption")
        );
        assert_eq!(oid_name_str("1.2.3"), None);
    }
}
