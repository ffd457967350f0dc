//! Products: mobile apps and SDKs, identified by platform and package / bundle id.

use crate::error::InvalidInput;
use crate::ids::{OrgId, ProductId};
use crate::org::str_enum;
use std::fmt;
use std::str::FromStr;

/// Where a product runs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Android,
    Ios,
    Harmonyos,
    MiniProgram,
    OfficialAccount,
    H5,
    Sdk,
}

str_enum!(Platform {
    Android => "android",
    Ios => "ios",
    Harmonyos => "harmonyos",
    MiniProgram => "mini_program",
    OfficialAccount => "official_account",
    H5 => "h5",
    Sdk => "sdk",
} what "platform");

impl Platform {
    pub fn label_en(self) -> &'static str {
        match self {
            Platform::Android => "Android",
            Platform::Ios => "iOS",
            Platform::Harmonyos => "HarmonyOS",
            Platform::MiniProgram => "Mini program",
            Platform::OfficialAccount => "Official account",
            Platform::H5 => "H5 / web app",
            Platform::Sdk => "SDK",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Platform::Android => "安卓",
            Platform::Ios => "iOS",
            Platform::Harmonyos => "鸿蒙",
            Platform::MiniProgram => "小程序",
            Platform::OfficialAccount => "公众号",
            Platform::H5 => "H5 应用",
            Platform::Sdk => "SDK",
        }
    }
}

/// Checks a package / bundle id against the platform's naming rules and returns it trimmed.
///
/// - Android and HarmonyOS: dot-separated Java-style segments, at least two (`com.example.app`).
/// - iOS: reverse-DNS bundle id; letters, digits, `-` and `.` (`com.example.App-Beta`).
/// - SDK: a Java package, or Maven coordinates `group:artifact`.
/// - Mini programs, official accounts, H5: an app id or host of 2–128 visible ASCII characters.
pub fn validate_package_id(platform: Platform, package_id: &str) -> Result<String, InvalidInput> {
    let id = package_id.trim();
    let bad = |what: &str| {
        InvalidInput::new(
            "package_id",
            format!("{:?} is not {what}", crate::ids::truncate_for_message(id)),
        )
    };
    if id.is_empty() || id.len() > 255 {
        return Err(bad("a package id of 1 to 255 characters"));
    }
    let java_segment = |s: &str| {
        let mut c = s.chars();
        c.next()
            .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    };
    let ok = match platform {
        Platform::Android | Platform::Harmonyos => {
            let segments: Vec<&str> = id.split('.').collect();
            segments.len() >= 2 && segments.iter().all(|s| java_segment(s))
        }
        Platform::Ios => {
            let segments: Vec<&str> = id.split('.').collect();
            segments.len() >= 2
                && segments.iter().all(|s| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        }
        Platform::Sdk => {
            let java = |s: &str| s.split('.').all(java_segment);
            match id.split_once(':') {
                Some((group, artifact)) => {
                    java(group)
                        && !artifact.is_empty()
                        && artifact
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                }
                None => java(id),
            }
        }
        Platform::MiniProgram | Platform::OfficialAccount | Platform::H5 => {
            id.len() >= 2 && id.chars().all(|c| c.is_ascii_graphic())
        }
    };
    if ok {
        Ok(id.to_owned())
    } else {
        Err(bad(match platform {
            Platform::Android => "an Android application id such as com.example.app",
            Platform::Harmonyos => "a HarmonyOS bundle name such as com.example.app",
            Platform::Ios => "an iOS bundle id such as com.example.App",
            Platform::Sdk => {
                "an SDK package (com.example.sdk) or Maven coordinates (com.example:sdk)"
            }
            _ => "an app id of 2 to 128 visible ASCII characters",
        }))
    }
}

/// A signing-certificate SHA-256 fingerprint, stored as 64 lowercase hex digits. Accepts the
/// `AB:CD:…` form that `apksigner` and `keytool` print.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertFingerprint(String);

impl CertFingerprint {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CertFingerprint {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex: String = s
            .trim()
            .chars()
            .filter(|c| *c != ':')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(hex))
        } else {
            Err(InvalidInput::new(
                "signing_cert_sha256",
                "a SHA-256 fingerprint is 64 hex digits (colons allowed)",
            ))
        }
    }
}

impl TryFrom<String> for CertFingerprint {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<CertFingerprint> for String {
    fn from(value: CertFingerprint) -> Self {
        value.0
    }
}

impl fmt::Display for CertFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks an http(s) store or download URL.
pub fn validate_url(field: &str, url: &str) -> Result<String, InvalidInput> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    if url.len() <= 2048 && host_ok && !url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Ok(url.to_owned())
    } else {
        Err(InvalidInput::new(field, "this is not an http(s) URL"))
    }
}

/// A product as the domain sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub vendor_org: OrgId,
    pub name: String,
    pub platform: Platform,
    pub package_id: String,
    pub store_url: Option<String>,
    pub signing_cert_sha256: Option<CertFingerprint>,
}

/// Input for registering a product.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewProduct {
    pub vendor_org: OrgId,
    pub name: String,
    pub platform: Platform,
    pub package_id: String,
    pub store_url: Option<String>,
    pub signing_cert_sha256: Option<String>,
}

/// A validated [`NewProduct`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProduct {
    pub vendor_org: OrgId,
    pub name: String,
    pub platform: Platform,
    pub package_id: String,
    pub store_url: Option<String>,
    pub signing_cert_sha256: Option<CertFingerprint>,
}

impl NewProduct {
    pub fn validate(self) -> Result<ValidProduct, InvalidInput> {
        Ok(ValidProduct {
            vendor_org: self.vendor_org,
            name: crate::text::required_line("name", &self.name, crate::text::limits::NAME)?,
            package_id: validate_package_id(self.platform, &self.package_id)?,
            platform: self.platform,
            store_url: match self.store_url.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(u) => Some(validate_url("store_url", u)?),
            },
            signing_cert_sha256: match self.signing_cert_sha256.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(f) => Some(f.parse()?),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_per_platform() {
        assert!(validate_package_id(Platform::Android, "com.example.app").is_ok());
        assert!(validate_package_id(Platform::Android, "com.example_1.App").is_ok());
        for bad in [
            "example",
            "com..app",
            "com.1app",
            "com.exa mple",
            "com.example-app",
        ] {
            assert!(
                validate_package_id(Platform::Android, bad).is_err(),
                "{bad}"
            );
        }
        assert!(validate_package_id(Platform::Ios, "com.example.App-Beta").is_ok());
        assert!(validate_package_id(Platform::Ios, "App").is_err());
        assert!(validate_package_id(Platform::Sdk, "com.tencent.mm.opensdk").is_ok());
        assert!(validate_package_id(Platform::Sdk, "com.squareup.okhttp3:okhttp").is_ok());
        assert!(validate_package_id(Platform::Sdk, "okhttp:").is_err());
        assert!(validate_package_id(Platform::MiniProgram, "wx1234567890abcdef").is_ok());
        assert!(validate_package_id(Platform::MiniProgram, "微信").is_err());
        assert!(validate_package_id(Platform::Android, &"a.".repeat(200)).is_err());
    }

    #[test]
    fn fingerprints_accept_keytool_form() {
        let colon = (0..32).map(|_| "AB").collect::<Vec<_>>().join(":");
        let fp: CertFingerprint = colon.parse().unwrap();
        assert_eq!(fp.as_str(), "ab".repeat(32));
        assert!("abcd".parse::<CertFingerprint>().is_err());
    }

    #[test]
    fn urls() {
        assert!(validate_url("u", "https://app.example.cn/detail?id=1").is_ok());
        for bad in ["ftp://x", "https://", "javascript:alert(1)", "https://a b"] {
            assert!(validate_url("u", bad).is_err(), "{bad}");
        }
    }
}
