use std::collections::BTreeSet;

use super::crypto::{digest_uses, in_cache_context};
use super::{call_text, emit_at_call, method_identity};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.sha1_hash",
    title: "SHA-1 digest or SHA-1 signature",
    severity: Severity::Low,
    masvs: "MASVS-CRYPTO-1",
    cwe: 328,
    docs: Docs {
        what: "A constant algorithm name selects SHA-1 (`SHA-1`, `SHA1`, `SHA`) in `MessageDigest.getInstance`, or a \
               SHA-1 signature scheme in `Signature.getInstance` (`SHA1withRSA`, `SHA1withECDSA`), or the code calls \
               commons-codec's `DigestUtils.sha1…`/`sha…`. HMAC-SHA1 (`Mac.getInstance(\"HmacSHA1\")`) is not \
               reported: HMAC does not rely on collision resistance. Digests in a class or method about caching are \
               reported as Info.",
        why: "SHA-1 collisions have been computed (SHAttered, 2017) and chosen-prefix collisions cost tens of \
              thousands of dollars (Shambles, 2020), so SHA-1 no longer protects signatures and integrity checks \
              against an attacker who prepares the input; browsers and CAs have dropped it.",
        fix: "Use SHA-256 or stronger for digests and `SHA256withRSA/PSS` or `SHA256withECDSA` for signatures. Where \
              SHA-1 is required by a protocol (a legacy server), keep it out of anything an attacker can choose. \
              Algorithm names built at run time are not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0014/",
            "https://shattered.io/",
            "https://developer.android.com/privacy-and-security/cryptography#deprecated-functionality",
            "https://cwe.mitre.org/data/definitions/328.html",
        ],
    },
    check,
};

fn is_sha1(digest: &str) -> bool {
    matches!(digest, "SHA-1" | "SHA1" | "SHA")
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut seen = BTreeSet::new();
    for usage in digest_uses(dex, is_sha1) {
        let call = &usage.call;
        let algorithm = usage.algorithm;
        if !seen.insert((
            method_identity(&call.location()),
            algorithm.to_ascii_uppercase(),
        )) {
            continue;
        }
        let api = call_text(call);
        let signature = algorithm.to_ascii_uppercase().contains("WITH");
        let (severity, message) = if in_cache_context(call) && !signature {
            (
                Severity::Info,
                format!(
                    "{api} in {} computes a digest for cache entries, a use that needs no collision resistance.",
                    call.location().java_class
                ),
            )
        } else if signature {
            (
                Severity::Low,
                format!(
                    "{api} signs or verifies with {algorithm}, a SHA-1 signature scheme open to collision forgeries."
                ),
            )
        } else {
            (
                Severity::Low,
                format!("{api} uses SHA-1, a hash function with demonstrated collisions."),
            )
        };
        emit_at_call(
            out,
            severity,
            call,
            &algorithm.to_ascii_uppercase(),
            message,
            &api,
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
