use std::collections::BTreeSet;

use super::crypto::{CIPHER_GET_INSTANCE, const_param, parse, weak_cipher};
use super::{call_text, emit_at_call, method_identity};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.weak_cipher",
    title: "Broken symmetric cipher (DES, 3DES, RC2, RC4, Blowfish)",
    severity: Severity::High,
    masvs: "MASVS-CRYPTO-1",
    cwe: 327,
    docs: Docs {
        what: "A constant algorithm name selects DES, Triple DES (`DESede`), RC2, RC4 (`ARCFOUR`) or Blowfish in \
               `Cipher.getInstance`, `KeyGenerator.getInstance`, `SecretKeyFactory.getInstance` or \
               `new SecretKeySpec(key, algorithm)`, or the code builds a `DESKeySpec` / `DESedeKeySpec`. \
               Password-based `PBEWith…` names are left to the key-derivation rules.",
        why: "DES keys (56 bits) are found by exhaustive search in hours on rented hardware; 64-bit-block ciphers \
              (3DES, Blowfish, RC2) leak plaintext after a few dozen gigabytes under one key (Sweet32) and 3DES \
              is withdrawn by NIST; RC4's keystream is biased enough to recover repeated plaintext such as \
              cookies. Data protected with them should be considered readable by a determined attacker.",
        fix: "Use AES with a 128- or 256-bit key in GCM mode (`AES/GCM/NoPadding`), ideally with a key kept in the \
              Android Keystore, or ChaCha20-Poly1305. Re-encrypt stored data when migrating. Algorithm names built \
              at run time are not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0221/",
            "https://developer.android.com/privacy-and-security/cryptography#deprecated-functionality",
            "https://sweet32.info/",
            "https://cwe.mitre.org/data/definitions/327.html",
        ],
    },
    check,
};

/// Calls taking an algorithm name, with the position of the name among the parameters.
const ALGORITHM_CALLS: [(&str, usize); 5] = [
    (CIPHER_GET_INSTANCE, 0),
    ("Ljavax/crypto/KeyGenerator;->getInstance", 0),
    ("Ljavax/crypto/SecretKeyFactory;->getInstance", 0),
    (
        "Ljavax/crypto/spec/SecretKeySpec;-><init>([BLjava/lang/String;)V",
        1,
    ),
    (
        "Ljavax/crypto/spec/SecretKeySpec;-><init>([BIILjava/lang/String;)V",
        3,
    ),
];

/// Key specs that exist only for a broken cipher.
const KEY_SPECS: [(&str, &str); 2] = [
    ("Ljavax/crypto/spec/DESKeySpec;-><init>", "DES"),
    ("Ljavax/crypto/spec/DESedeKeySpec;-><init>", "3DES (DESede)"),
];

fn why(cipher: &str) -> &'static str {
    match cipher {
        "DES" => "its 56-bit key is found by exhaustive search",
        "RC4" => "its keystream is biased",
        _ => "its 64-bit block leaks plaintext after enough data under one key",
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut seen = BTreeSet::new();
    for (query, position) in ALGORITHM_CALLS {
        for call in dex.calls_to(query) {
            let Some(name) = const_param(&call, position) else {
                continue;
            };
            let Some(cipher) = weak_cipher(parse(&name).algorithm) else {
                continue;
            };
            if !seen.insert((method_identity(&call.location()), cipher)) {
                continue;
            }
            let api = call_text(&call);
            emit_at_call(
                out,
                Severity::High,
                &call,
                cipher,
                format!("{api} uses {cipher}, a broken cipher: {}.", why(cipher)),
                &api,
            );
        }
    }
    for (query, cipher) in KEY_SPECS {
        for call in dex.calls_to(query) {
            if !seen.insert((method_identity(&call.location()), cipher)) {
                continue;
            }
            let api = call_text(&call);
            emit_at_call(
                out,
                Severity::High,
                &call,
                cipher,
                format!(
                    "{api} builds a {cipher} key, a broken cipher: {}.",
                    why(cipher)
                ),
                &api,
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
