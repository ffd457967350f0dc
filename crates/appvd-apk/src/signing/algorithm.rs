//! Signature algorithm ids of APK Signature Schemes v2, v3 and v3.1.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// A v2/v3 signature algorithm id with what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SignatureAlgorithm(pub u32);

/// Content digest the algorithm implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentDigest {
    /// SHA-256 over 1 MiB chunks.
    ChunkedSha256,
    /// SHA-512 over 1 MiB chunks.
    ChunkedSha512,
    /// SHA-256 Merkle tree over 4 KiB chunks (fs-verity).
    VerityChunkedSha256,
}

impl SignatureAlgorithm {
    /// RSASSA-PSS with SHA2-256 digest, SHA2-256 MGF1, 32 bytes of salt, trailer 0xbc.
    pub const RSA_PSS_SHA256: Self = Self(0x0101);
    /// RSASSA-PSS with SHA2-512 digest, SHA2-512 MGF1, 64 bytes of salt, trailer 0xbc.
    pub const RSA_PSS_SHA512: Self = Self(0x0102);
    /// RSASSA-PKCS1-v1_5 with SHA2-256.
    pub const RSA_PKCS1_SHA256: Self = Self(0x0103);
    /// RSASSA-PKCS1-v1_5 with SHA2-512.
    pub const RSA_PKCS1_SHA512: Self = Self(0x0104);
    /// ECDSA with SHA2-256.
    pub const ECDSA_SHA256: Self = Self(0x0201);
    /// ECDSA with SHA2-512.
    pub const ECDSA_SHA512: Self = Self(0x0202);
    /// DSA with SHA2-256.
    pub const DSA_SHA256: Self = Self(0x0301);
    /// RSASSA-PKCS1-v1_5 with SHA2-256 over the verity tree.
    pub const VERITY_RSA_PKCS1_SHA256: Self = Self(0x0421);
    /// ECDSA with SHA2-256 over the verity tree.
    pub const VERITY_ECDSA_SHA256: Self = Self(0x0423);
    /// DSA with SHA2-256 over the verity tree.
    pub const VERITY_DSA_SHA256: Self = Self(0x0425);

    /// A descriptive name, or `None` for ids Android does not know.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0101 => "RSASSA-PSS with SHA2-256",
            0x0102 => "RSASSA-PSS with SHA2-512",
            0x0103 => "RSASSA-PKCS1-v1_5 with SHA2-256",
            0x0104 => "RSASSA-PKCS1-v1_5 with SHA2-512",
            0x0201 => "ECDSA with SHA2-256",
            0x0202 => "ECDSA with SHA2-512",
            0x0301 => "DSA with SHA2-256",
            0x0421 => "RSASSA-PKCS1-v1_5 with SHA2-256 (verity)",
            0x0423 => "ECDSA with SHA2-256 (verity)",
            0x0425 => "DSA with SHA2-256 (verity)",
            _ => return None,
        })
    }

    /// Whether Android knows this id.
    pub fn is_known(self) -> bool {
        self.name().is_some()
    }

    /// The content digest this algorithm signs.
    pub fn content_digest(self) -> Option<ContentDigest> {
        Some(match self.0 {
            0x0101 | 0x0103 | 0x0201 | 0x0301 => ContentDigest::ChunkedSha256,
            0x0102 | 0x0104 | 0x0202 => ContentDigest::ChunkedSha512,
            0x0421 | 0x0423 | 0x0425 => ContentDigest::VerityChunkedSha256,
            _ => return None,
        })
    }

    /// The key algorithm it needs: `RSA`, `EC` or `DSA`.
    pub fn key_algorithm(self) -> Option<&'static str> {
        Some(match self.0 {
            0x0101..=0x0104 | 0x0421 => "RSA",
            0x0201 | 0x0202 | 0x0423 => "EC",
            0x0301 | 0x0425 => "DSA",
            _ => return None,
        })
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({:#06x})", self.0),
            None => write!(f, "unknown ({:#06x})", self.0),
        }
    }
}

impl Serialize for SignatureAlgorithm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("SignatureAlgorithm", 2)?;
        state.serialize_field("id", &self.0)?;
        state.serialize_field("name", &self.name())?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_ids_have_names_digests_and_keys() {
        for id in [
            0x0101, 0x0102, 0x0103, 0x0104, 0x0201, 0x0202, 0x0301, 0x0421, 0x0423, 0x0425,
        ] {
            let algorithm = SignatureAlgorithm(id);
            assert!(algorithm.is_known());
            assert!(algorithm.content_digest().is_some());
            assert!(algorithm.key_algorithm().is_some());
        }
        assert!(!SignatureAlgorithm(0x0999).is_known());
        assert_eq!(
            SignatureAlgorithm::ECDSA_SHA256.to_string(),
            "ECDSA with SHA2-256 (0x0201)"
        );
        assert_eq!(
            serde_json::to_string(&SignatureAlgorithm(7)).unwrap(),
            r#"{"id":7,"name":null}"#
        );
    }
}
