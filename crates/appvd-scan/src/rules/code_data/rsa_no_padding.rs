use std::collections::BTreeSet;

use super::crypto::{CIPHER_GET_INSTANCE, const_param, parse};
use super::{call_text, emit_at_call, method_identity};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.rsa_no_padding",
    title: "RSA without padding",
    severity: Severity::High,
    masvs: "MASVS-CRYPTO-1",
    cwe: 780,
    docs: Docs {
        what: "`Cipher.getInstance` receives a constant transformation `RSA/<mode>/NoPadding` (any case, any mode \
               field), or the bare `\"RSA\"`, which Android's providers complete to `RSA/ECB/NoPadding` (unlike the \
               desktop JDK, whose default is PKCS#1 padding). Both are textbook RSA: the message is raised to the \
               key's exponent as it is.",
        why: "Unpadded RSA is deterministic and malleable: the same plaintext always gives the same ciphertext, so \
              short or guessable messages (PINs, keys from a small set) are found by encrypting candidates with the \
              public key; ciphertexts can be multiplied to forge related plaintexts; and small messages with a small \
              exponent are recovered by taking a root.",
        fix: "Use OAEP: `RSA/ECB/OAEPWithSHA-256AndMGF1Padding` for encryption (and a signature scheme such as \
              `SHA256withRSA/PSS` for signatures), or better, a hybrid scheme that encrypts data with AES-GCM and \
              only wraps the key with RSA-OAEP. Transformations built at run time are not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0232/",
            "https://developer.android.com/reference/javax/crypto/Cipher",
            "https://cwe.mitre.org/data/definitions/780.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut seen = BTreeSet::new();
    for call in dex.calls_to(CIPHER_GET_INSTANCE) {
        let Some(transformation) = const_param(&call, 0) else {
            continue;
        };
        let parts = parse(&transformation);
        if !parts.algorithm.eq_ignore_ascii_case("RSA") {
            continue;
        }
        let message = match (parts.mode, parts.padding) {
            (None, None) => format!(
                "Cipher.getInstance(\"{transformation}\") names no padding, so Android's providers use RSA/ECB/NoPadding (textbook RSA)."
            ),
            (_, Some(p)) if p.eq_ignore_ascii_case("NoPadding") => format!(
                "Cipher.getInstance(\"{transformation}\") selects RSA without padding (textbook RSA)."
            ),
            _ => continue,
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
