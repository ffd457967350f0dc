use std::collections::BTreeSet;

use super::crypto::{CIPHER_GET_INSTANCE, const_param, is_block_cipher, parse};
use super::{call_text, emit_at_call, method_identity};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.ecb_mode",
    title: "Block cipher used in ECB mode",
    severity: Severity::High,
    masvs: "MASVS-CRYPTO-1",
    cwe: 327,
    docs: Docs {
        what: "`Cipher.getInstance` receives a constant transformation that selects ECB for a symmetric block cipher: \
               `…/ECB/…` explicitly, or the bare algorithm name (`\"AES\"`, `\"DES\"`, `\"DESede\"`, `\"Blowfish\"`…), \
               which Android's providers complete to `…/ECB/PKCS5Padding`. A keystore key spec that allows the ECB \
               block mode (`setBlockModes(\"ECB\")`) is reported too. `RSA/ECB/…` is not: for RSA the mode field \
               is a placeholder and no block chaining takes place.",
        why: "ECB encrypts every block independently with the same key, so equal plaintext blocks give equal \
              ciphertext blocks: the structure of the data (repeated fields, images, fixed headers) shows through, \
              and an attacker can cut, reorder and replay blocks without knowing the key.",
        fix: "Use an authenticated mode: `AES/GCM/NoPadding` with a fresh random 12-byte IV per message (or \
              ChaCha20-Poly1305), and always write the full transformation instead of relying on provider \
              defaults. For keystore keys, allow only `KeyProperties.BLOCK_MODE_GCM`. Transformations built at run \
              time are not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0232/",
            "https://developer.android.com/privacy-and-security/cryptography#choose-algorithm",
            "https://developer.android.com/reference/javax/crypto/Cipher",
            "https://cwe.mitre.org/data/definitions/327.html",
        ],
    },
    check,
};

/// Keystore key specs that list the block modes a key may be used with.
const BLOCK_MODE_SETTERS: [&str; 2] = [
    "Landroid/security/keystore/KeyGenParameterSpec$Builder;->setBlockModes([Ljava/lang/String;)Landroid/security/keystore/KeyGenParameterSpec$Builder;",
    "Landroid/security/keystore/KeyProtection$Builder;->setBlockModes([Ljava/lang/String;)Landroid/security/keystore/KeyProtection$Builder;",
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut seen = BTreeSet::new();
    for call in dex.calls_to(CIPHER_GET_INSTANCE) {
        let Some(transformation) = const_param(&call, 0) else {
            continue;
        };
        let parts = parse(&transformation);
        if !is_block_cipher(parts.algorithm) {
            continue;
        }
        let message = match parts.mode {
            Some(mode) if mode.eq_ignore_ascii_case("ECB") => format!(
                "Cipher.getInstance(\"{transformation}\") selects {} in ECB mode, which encrypts equal blocks to equal ciphertext.",
                parts.algorithm
            ),
            Some(_) => continue,
            None => format!(
                "Cipher.getInstance(\"{transformation}\") names no mode, so Android's providers use {}/ECB/PKCS5Padding, which encrypts equal blocks to equal ciphertext.",
                parts.algorithm
            ),
        };
        if !seen.insert((method_identity(&call.location()), transformation.clone())) {
            continue;
        }
        emit_at_call(
            out,
            Severity::High,
            &call,
            &format!("Cipher.getInstance|{transformation}"),
            message,
            &call_text(&call),
        );
    }
    for query in BLOCK_MODE_SETTERS {
        for call in dex.calls_to(query) {
            let Some(modes) = call.param(0).and_then(|a| a.array_strings()) else {
                continue;
            };
            if !modes
                .iter()
                .flatten()
                .any(|m| m.trim().eq_ignore_ascii_case("ECB"))
            {
                continue;
            }
            if !seen.insert((
                method_identity(&call.location()),
                "setBlockModes".to_owned(),
            )) {
                continue;
            }
            emit_at_call(
                out,
                Severity::High,
                &call,
                "setBlockModes|ECB",
                "A keystore key is created that may be used in ECB mode (setBlockModes includes \"ECB\").".to_owned(),
                &call_text(&call),
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
