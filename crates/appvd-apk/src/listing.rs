//! Classification of entry names, so rules can work from the file list alone.
//!
//! Nothing here reads entry data except [`sniff_key_material`], which looks at a prefix
//! the caller read with [`ZipArchive::read_prefix`](crate::ZipArchive::read_prefix).

use serde::Serialize;

/// What an entry is, judged by its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryClass {
    /// `AndroidManifest.xml` at the root.
    Manifest,
    /// `resources.arsc` at the root.
    ResourceTable,
    /// `classes.dex` (number 1) or `classesN.dex` at the root.
    Dex {
        /// 1 for `classes.dex`, N for `classesN.dex`.
        number: u32,
    },
    /// `lib/<abi>/<name>.so`.
    NativeLibrary {
        /// The ABI folder, e.g. `arm64-v8a`.
        abi: String,
    },
    /// A v1 signing file in `META-INF/` (`MANIFEST.MF`, `*.SF`, `*.RSA`, `*.DSA`, `*.EC`).
    SigningFile,
    /// Under `assets/`.
    Asset,
    /// Under `res/`.
    Resource,
    /// A directory entry.
    Directory,
    /// Anything else.
    Other,
}

/// Classifies an entry name.
pub fn classify(name: &str) -> EntryClass {
    if name.ends_with('/') {
        return EntryClass::Directory;
    }
    match name {
        "AndroidManifest.xml" => return EntryClass::Manifest,
        "resources.arsc" => return EntryClass::ResourceTable,
        _ => {}
    }
    if let Some(number) = dex_number(name) {
        return EntryClass::Dex { number };
    }
    if let Some((abi, _)) = native_library(name) {
        return EntryClass::NativeLibrary {
            abi: abi.to_owned(),
        };
    }
    if let Some(file) = name.strip_prefix("META-INF/").filter(|f| !f.contains('/')) {
        let upper = file.to_ascii_uppercase();
        if upper == "MANIFEST.MF"
            || [".SF", ".RSA", ".DSA", ".EC"]
                .iter()
                .any(|ext| upper.ends_with(ext))
        {
            return EntryClass::SigningFile;
        }
    }
    if name.starts_with("assets/") {
        EntryClass::Asset
    } else if name.starts_with("res/") {
        EntryClass::Resource
    } else {
        EntryClass::Other
    }
}

/// `classes.dex` → 1, `classes7.dex` → 7; only at the root, as Android loads them.
pub fn dex_number(name: &str) -> Option<u32> {
    let middle = name.strip_prefix("classes")?.strip_suffix(".dex")?;
    if middle.is_empty() {
        return Some(1);
    }
    if middle.starts_with('0') || !middle.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    middle.parse().ok().filter(|n| *n >= 2)
}

/// `lib/<abi>/<file>.so` → `(abi, file)`.
pub fn native_library(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("lib/")?;
    let (abi, file) = rest.split_once('/')?;
    (!abi.is_empty() && !file.contains('/') && file.ends_with(".so")).then_some((abi, file))
}

/// Kind of key or certificate container suggested by a file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFileKind {
    /// `.jks`, `.keystore`.
    JavaKeyStore,
    /// `.bks`, `.ubr` (Bouncy Castle).
    BouncyCastleKeyStore,
    /// `.p12`, `.pfx`.
    Pkcs12,
    /// `.pem`.
    Pem,
    /// `.key`.
    PrivateKey,
    /// `.der`.
    Der,
    /// `.crt`, `.cer`.
    Certificate,
}

/// The key-file kind an entry's extension suggests (case-insensitive).
pub fn key_file_kind(name: &str) -> Option<KeyFileKind> {
    let (_, extension) = name.rsplit_once('.')?;
    Some(match extension.to_ascii_lowercase().as_str() {
        "jks" | "keystore" => KeyFileKind::JavaKeyStore,
        "bks" | "ubr" => KeyFileKind::BouncyCastleKeyStore,
        "p12" | "pfx" => KeyFileKind::Pkcs12,
        "pem" => KeyFileKind::Pem,
        "key" => KeyFileKind::PrivateKey,
        "der" => KeyFileKind::Der,
        "crt" | "cer" => KeyFileKind::Certificate,
        _ => return None,
    })
}

/// Key material recognised from the first bytes of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SniffedKeyMaterial {
    /// A PEM `PRIVATE KEY` block (PKCS#8, RSA, EC, DSA, OpenSSH, encrypted).
    PemPrivateKey,
    /// A PEM PGP private key block.
    PgpPrivateKey,
    /// A PEM `CERTIFICATE` block.
    PemCertificate,
    /// A JKS key store (magic `FEEDFEED`).
    JavaKeyStore,
    /// A JCEKS key store (magic `CECECECE`).
    Jceks,
    /// A DER `SEQUENCE` starting with `INTEGER 3`: the PKCS#12 `PFX` shape.
    Pkcs12,
}

impl SniffedKeyMaterial {
    /// Whether the material can hold a private key.
    pub fn may_hold_private_key(self) -> bool {
        self != SniffedKeyMaterial::PemCertificate
    }
}

/// How many bytes [`sniff_key_material`] wants to see.
pub const SNIFF_LEN: usize = 1024;

/// Recognises key material from the first bytes of a file.
pub fn sniff_key_material(prefix: &[u8]) -> Option<SniffedKeyMaterial> {
    match prefix.get(..4) {
        Some([0xfe, 0xed, 0xfe, 0xed]) => return Some(SniffedKeyMaterial::JavaKeyStore),
        Some([0xce, 0xce, 0xce, 0xce]) => return Some(SniffedKeyMaterial::Jceks),
        _ => {}
    }
    if is_pkcs12(prefix) {
        return Some(SniffedKeyMaterial::Pkcs12);
    }
    let text = String::from_utf8_lossy(
        prefix
            .get(..SNIFF_LEN.min(prefix.len()))
            .unwrap_or_default(),
    );
    for (at, _) in text.match_indices("-----BEGIN ") {
        let label = text[at + 11..].split("-----").next().unwrap_or_default();
        if label == "PGP PRIVATE KEY BLOCK" {
            return Some(SniffedKeyMaterial::PgpPrivateKey);
        }
        if label.ends_with("PRIVATE KEY") {
            return Some(SniffedKeyMaterial::PemPrivateKey);
        }
        if label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE" {
            return Some(SniffedKeyMaterial::PemCertificate);
        }
    }
    None
}

fn is_pkcs12(prefix: &[u8]) -> bool {
    // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, ... }
    let header_len = match prefix.get(1) {
        Some(len) if *len < 0x80 => 2,
        Some(0x80) => 2,
        Some(len @ 0x81..=0x84) => 2 + usize::from(len & 0x7f),
        _ => return false,
    };
    prefix.first() == Some(&0x30)
        && prefix.get(header_len..header_len + 3) == Some(&[0x02, 0x01, 0x03][..])
}

/// A file whose presence marks a known packer or protector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PackerMarker {
    /// Vendor or product.
    pub packer: &'static str,
    /// What matched, in [`MarkerPattern`] form.
    pub pattern: MarkerPattern,
}

/// How a [`PackerMarker`] matches an entry name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "match", content = "value", rename_all = "snake_case")]
pub enum MarkerPattern {
    /// The file name (after the last `/`) equals this.
    FileName(&'static str),
    /// The file name starts with this and ends with `.so`.
    LibraryPrefix(&'static str),
    /// The full path equals this.
    Path(&'static str),
    /// The full path starts with this.
    PathPrefix(&'static str),
}

impl MarkerPattern {
    fn matches(self, name: &str) -> bool {
        let file = name.rsplit('/').next().unwrap_or(name);
        match self {
            FileName(expected) => file == expected,
            LibraryPrefix(prefix) => file.starts_with(prefix) && file.ends_with(".so"),
            Path(expected) => name == expected,
            PathPrefix(prefix) => name.starts_with(prefix),
        }
    }
}

macro_rules! markers {
    ($( $packer:literal => $pattern:expr, )*) => {
        &[$( PackerMarker { packer: $packer, pattern: $pattern }, )*]
    };
}

use MarkerPattern::{FileName, LibraryPrefix, Path, PathPrefix};

/// Files that known Android packers and protectors ship.
pub const PACKER_MARKERS: &[PackerMarker] = markers! {
    "Qihoo 360 Jiagu" => LibraryPrefix("libjiagu"),
    "Qihoo 360 Jiagu" => FileName("libprotectClass.so"),
    "Tencent Legu" => LibraryPrefix("libshell"),
    "Tencent Legu" => FileName("libmobisecy.so"),
    "Bangcle" => FileName("libsecexe.so"),
    "Bangcle" => FileName("libsecmain.so"),
    "Bangcle" => LibraryPrefix("libSecShell"),
    "Bangcle" => PathPrefix("assets/bangcleplugin/"),
    "Bangcle" => FileName("bangcleclasses.jar"),
    "Bangcle" => FileName("bangcle_classes.jar"),
    "Bangcle" => Path("assets/secData0.jar"),
    "SecNeo" => LibraryPrefix("libDexHelper"),
    "SecNeo" => Path("assets/classes0.jar"),
    "Ijiami" => Path("assets/ijiami.dat"),
    "Ijiami" => FileName("ijiami.ajm"),
    "Ijiami" => PathPrefix("assets/ijm_lib/"),
    "Ijiami" => FileName("libexecmain.so"),
    "Baidu" => LibraryPrefix("libbaiduprotect"),
    "Baidu" => FileName("baiduprotect1.jar"),
    "Alibaba" => FileName("libmobisec.so"),
    "Naga" => FileName("libddog.so"),
    "NQ Shield" => FileName("libnqshield.so"),
    "APKProtect" => FileName("libAPKProtect.so"),
    "DexProtector" => Path("assets/dp.mp3"),
    "AppGuard" => PathPrefix("assets/appguard/"),
    "AppGuard" => LibraryPrefix("libAppGuard"),
    "DxShield" => FileName("libdxbase.so"),
    "Kiro" => FileName("libkiroro.so"),
    "LIAPP" => FileName("LIAPPClient.sc"),
    "PangXie" => FileName("libnsecure.so"),
    "NetEase Yidun" => FileName("libnesec.so"),
    "AppSealing" => FileName("libcovault-appsec.so"),
};

/// The packer markers an entry name matches.
pub fn packer_markers(name: &str) -> impl Iterator<Item = &'static PackerMarker> + '_ {
    PACKER_MARKERS
        .iter()
        .filter(move |marker| marker.pattern.matches(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(classify("AndroidManifest.xml"), EntryClass::Manifest);
        assert_eq!(classify("classes.dex"), EntryClass::Dex { number: 1 });
        assert_eq!(classify("classes12.dex"), EntryClass::Dex { number: 12 });
        assert_eq!(classify("classes1.dex"), EntryClass::Other);
        assert_eq!(classify("classes02.dex"), EntryClass::Other);
        assert_eq!(classify("assets/classes.dex"), EntryClass::Asset);
        assert_eq!(
            classify("lib/arm64-v8a/libfoo.so"),
            EntryClass::NativeLibrary {
                abi: "arm64-v8a".into()
            }
        );
        assert_eq!(classify("lib/arm64-v8a/sub/libfoo.so"), EntryClass::Other);
        assert_eq!(classify("META-INF/CERT.RSA"), EntryClass::SigningFile);
        assert_eq!(classify("META-INF/services/x"), EntryClass::Other);
        assert_eq!(classify("res/layout/main.xml"), EntryClass::Resource);
        assert_eq!(classify("res/"), EntryClass::Directory);
    }

    #[test]
    fn key_files_by_name_and_content() {
        assert_eq!(
            key_file_kind("assets/Release.JKS"),
            Some(KeyFileKind::JavaKeyStore)
        );
        assert_eq!(key_file_kind("a.p12"), Some(KeyFileKind::Pkcs12));
        assert_eq!(key_file_kind("a.txt"), None);
        assert_eq!(key_file_kind("noext"), None);
        assert_eq!(
            sniff_key_material(&[0xfe, 0xed, 0xfe, 0xed, 0]),
            Some(SniffedKeyMaterial::JavaKeyStore)
        );
        assert_eq!(
            sniff_key_material(b"junk\n-----BEGIN RSA PRIVATE KEY-----\nMII"),
            Some(SniffedKeyMaterial::PemPrivateKey)
        );
        assert_eq!(
            sniff_key_material(b"-----BEGIN CERTIFICATE-----\n"),
            Some(SniffedKeyMaterial::PemCertificate)
        );
        assert_eq!(
            sniff_key_material(&[0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03]),
            Some(SniffedKeyMaterial::Pkcs12)
        );
        assert_eq!(sniff_key_material(&[0x30, 0x82]), None);
        assert_eq!(sniff_key_material(b""), None);
        assert!(!SniffedKeyMaterial::PemCertificate.may_hold_private_key());
    }

    #[test]
    fn packer_markers_match() {
        let names: Vec<_> = packer_markers("lib/armeabi-v7a/libjiagu_a64.so")
            .map(|m| m.packer)
            .collect();
        assert_eq!(names, ["Qihoo 360 Jiagu"]);
        assert_eq!(
            packer_markers("lib/arm64-v8a/libshellx-3.0.so")
                .next()
                .map(|m| m.packer),
            Some("Tencent Legu")
        );
        assert_eq!(
            packer_markers("assets/ijiami.dat").next().map(|m| m.packer),
            Some("Ijiami")
        );
        assert!(
            packer_markers("lib/arm64-v8a/libflutter.so")
                .next()
                .is_none()
        );
        assert!(packer_markers("assets/sub/ijiami.dat").next().is_none());
    }
}
