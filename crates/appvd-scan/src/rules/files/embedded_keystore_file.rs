use appvd_apk::listing::{self, EntryClass, KeyFileKind, SNIFF_LEN, SniffedKeyMaterial};

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::files::key_material::{self, Extension, KeyMaterial};
use crate::rules::files::shown_name;

pub static RULE: Rule = Rule {
    id: "storage.embedded_keystore_file",
    title: "Key store or private key shipped in the APK",
    severity: Severity::Medium,
    masvs: "MASVS-CRYPTO-2",
    cwe: 321,
    docs: Docs {
        what: "A file in the APK is key material: a PEM or DER private key, a JKS/JCEKS/BKS key store with key entries, \
               or a PKCS#12 file (Critical when a private or secret key is visibly present, Medium when the store's \
               contents are encrypted and may hold one). Key stores and PEM/DER files that hold only certificates are \
               reported as Info, as an inventory of the trust anchors the app ships. Files are recognised by content \
               (magic numbers, PEM labels, DER structure), not by name alone; a `.key` file that is not key material \
               is not reported.",
        why: "Anything in an APK is public: it can be downloaded from the store and unzipped. A private key shipped this \
              way — a TLS client certificate's key, a JWT or request-signing key, an upload or push key — belongs to \
              everyone who has the app, who can then impersonate the app or its users to the backend, sign data the \
              server trusts, or decrypt what the key protects. Key store passwords do not help: the app must be able to \
              open the store, so the password is in its code or resources.",
        fix: "Remove private keys from the APK and rotate every key that was shipped. Keep signing and encryption keys on \
              the server; on the device, generate keys in the Android Keystore (`KeyGenParameterSpec`, \
              `KeyPairGenerator.getInstance(…, \"AndroidKeyStore\")`) so they never leave secure hardware, and obtain \
              per-user credentials after authentication. Trust stores with CA certificates are fine; prefer declaring \
              them in the network security configuration (`<certificates src=\"@raw/…\"/>`).",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0013/",
            "https://developer.android.com/privacy-and-security/keystore",
            "https://cwe.mitre.org/data/definitions/321.html",
        ],
    },
    check,
};

/// The most bytes read from one candidate; key stores and PEM files are a few kilobytes.
const MAX_READ: usize = 256 << 10;
/// Entries whose first bytes are sniffed; beyond that only key-file names are looked at.
const MAX_SNIFFED: usize = 20_000;

/// Extensions of files that are never key material and are common enough to be worth skipping.
#[rustfmt::skip]
const NOT_KEY_MATERIAL: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "ogg", "mp3", "wav", "m4a", "aac", "flac", "mp4", "webm", "mkv",
    "ttf", "otf", "woff", "woff2", "dex", "so", "arsc", "apk", "jar", "zip", "kotlin_builtins", "kotlin_module", "version",
];

/// Where an app keeps files it reads itself: assets, raw resources and the archive root. Compiled
/// resources and Java resources of libraries are not sniffed unless their name says key file.
fn worth_sniffing(name: &str) -> bool {
    name.starts_with("assets/") || name.starts_with("res/raw/") || !name.contains('/')
}

fn extension(name: &str) -> Option<String> {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let mut sniffed = 0usize;
    for apk in app.app().apks() {
        let archive = apk.archive();
        for entry in archive
            .entries()
            .iter()
            .filter(|e| e.duplicate_of.is_none() && !e.is_directory)
        {
            let class = listing::classify(&entry.name);
            if matches!(
                class,
                EntryClass::Manifest
                    | EntryClass::ResourceTable
                    | EntryClass::Dex { .. }
                    | EntryClass::NativeLibrary { .. }
                    | EntryClass::SigningFile
                    | EntryClass::Directory
            ) {
                continue;
            }
            let ext = extension(&entry.name);
            let named =
                listing::key_file_kind(&entry.name).is_some() || ext.as_deref() == Some("pk8");
            let skipped_extension = ext
                .as_deref()
                .is_some_and(|e| NOT_KEY_MATERIAL.contains(&e));
            if !named
                && (skipped_extension || !worth_sniffing(&entry.name) || sniffed >= MAX_SNIFFED)
            {
                continue;
            }
            let bytes = if named {
                archive.read_prefix(entry, MAX_READ)
            } else {
                sniffed += 1;
                match archive.read_prefix(entry, SNIFF_LEN) {
                    // Only content that announces itself is worth reading further.
                    Ok(prefix)
                        if listing::sniff_key_material(&prefix)
                            .is_some_and(SniffedKeyMaterial::may_hold_private_key) =>
                    {
                        archive.read_prefix(entry, MAX_READ)
                    }
                    _ => continue,
                }
            };
            let Ok(bytes) = bytes else { continue };
            let kind = match listing::key_file_kind(&entry.name) {
                Some(KeyFileKind::BouncyCastleKeyStore) => Extension::BouncyCastle,
                Some(KeyFileKind::Der | KeyFileKind::Certificate | KeyFileKind::PrivateKey) => {
                    Extension::Der
                }
                _ if ext.as_deref() == Some("pk8") => Extension::Der,
                _ => Extension::Other,
            };
            let Some(material) = key_material::classify(&bytes, kind) else {
                continue;
            };
            let path = shown_name(app, apk, &entry.name);
            let (severity, message, evidence) = match material {
                KeyMaterial::PrivateKey { format, detail } => (
                    Severity::Critical,
                    format!(
                        "{path} holds a private or secret key that everyone with the APK can extract."
                    ),
                    format!("{format}: {detail}"),
                ),
                KeyMaterial::OpaqueStore { format, detail } => (
                    Severity::Medium,
                    format!("{path} is a {format} key store that may hold a private key."),
                    format!("{format}: {detail}"),
                ),
                KeyMaterial::Certificates { format, detail } => (
                    Severity::Info,
                    format!("{path} holds certificates only (no key)."),
                    format!("{format}: {detail}"),
                ),
            };
            out.emit_with_severity(
                severity,
                Location::file(path.clone()),
                &path,
                message,
                evidence,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
