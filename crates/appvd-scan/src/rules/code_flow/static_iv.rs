use super::flow::call_location;
use super::material::{ConstantSinkCall, constant_sink_calls, redact_listing};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.static_iv",
    title: "Constant initialisation vector",
    severity: Severity::High,
    masvs: "MASVS-CRYPTO-1",
    cwe: 329,
    docs: Docs {
        what: "An `IvParameterSpec` or `GCMParameterSpec` gets an IV or nonce fixed in the code: a byte array \
               literal, a fresh `new byte[n]` that nothing fills (all zero), a string literal's `getBytes()`, a \
               Base64 or hex literal, or a `static final` array initialised with one. Arrays filled at run time \
               (`SecureRandom.nextBytes`, read from the ciphertext, copied from another array) are not reported, \
               nor are IVs the value tracking cannot see (instance fields, values returned by other methods).",
        why: "An IV must be unpredictable (CBC) or never repeat under the same key (CTR, GCM). With a constant IV, \
              CBC leaks which messages share a prefix; CTR and GCM reuse the keystream, so XOR-ing two ciphertexts \
              reveals the XOR of the plaintexts, and a repeated GCM nonce also gives away the authentication key, \
              letting an attacker forge messages.",
        fix: "Generate a fresh IV for every encryption with `SecureRandom.nextBytes` (16 bytes for CBC/CTR, 12 for \
              GCM) — or let `Cipher.init` without parameters choose one and read it back with `Cipher.getIV()` — \
              and store it next to the ciphertext. Only decryption takes the IV from outside.",
        references: &[
            "https://mas.owasp.org/MASVS/controls/MASVS-CRYPTO-1/",
            "https://developer.android.com/privacy-and-security/cryptography",
            "https://cwe.mitre.org/data/definitions/329.html",
        ],
    },
    check,
};

/// IV and nonce constructors and the position of their byte-array parameter.
const IV_SINKS: &[(&str, usize)] = &[
    ("Ljavax/crypto/spec/IvParameterSpec;-><init>([B)V", 0),
    ("Ljavax/crypto/spec/IvParameterSpec;-><init>([BII)V", 0),
    ("Ljavax/crypto/spec/GCMParameterSpec;-><init>(I[B)V", 1),
    ("Ljavax/crypto/spec/GCMParameterSpec;-><init>(I[BII)V", 1),
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    for found in constant_sink_calls(dex, IV_SINKS) {
        let ConstantSinkCall {
            call,
            material,
            key,
            api,
        } = found;
        let at = call.location();
        out.emit(
            call_location(&call),
            &key,
            format!(
                "{}.{} uses the same {} for every encryption: {}.",
                at.java_class,
                at.method,
                if api == "GCMParameterSpec" {
                    "GCM nonce"
                } else {
                    "IV"
                },
                material.source
            ),
            format!(
                "new {api}({})\n{}",
                material.source,
                redact_listing(&call.evidence(3, 1), material.secret.as_deref())
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
