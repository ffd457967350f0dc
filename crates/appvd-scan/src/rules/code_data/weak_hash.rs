use std::collections::BTreeSet;

use super::crypto::{digest_uses, in_cache_context};
use super::{call_text, emit_at_call, method_identity};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.weak_hash",
    title: "Broken hash function (MD5, MD4, MD2)",
    severity: Severity::Medium,
    masvs: "MASVS-CRYPTO-1",
    cwe: 328,
    docs: Docs {
        what: "A constant algorithm name selects MD5, MD4 or MD2 in `MessageDigest.getInstance`, or a signature \
               scheme built on them in `Signature.getInstance` (`MD5withRSA`), or the code calls commons-codec's \
               `DigestUtils.md5…`/`md2…`. Digests computed in a class or method about caching (`DiskLruCache`, \
               `cacheKey`) are reported as Info: file names for cache entries need no collision resistance.",
        why: "MD5 collisions are computed in seconds on a laptop and chosen-prefix collisions are practical, so an \
              attacker can craft two inputs with the same digest: a benign file that passes an integrity check and \
              a malicious one that replaces it, or a forged signed message. MD5 of a password or token is also \
              fast to brute-force and found in precomputed tables.",
        fix: "Use SHA-256 or stronger (`MessageDigest.getInstance(\"SHA-256\")`), `SHA256withRSA/PSS` or `SHA256withECDSA` \
              for signatures, and a slow password hash (PBKDF2 with a high iteration count, scrypt or Argon2) for \
              passwords. Algorithm names built at run time are not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0014/",
            "https://developer.android.com/privacy-and-security/cryptography#deprecated-functionality",
            "https://cwe.mitre.org/data/definitions/328.html",
        ],
    },
    check,
};

fn is_broken(digest: &str) -> bool {
    matches!(digest, "MD5" | "MD4" | "MD2")
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut seen = BTreeSet::new();
    for usage in digest_uses(dex, is_broken) {
        let call = &usage.call;
        let algorithm = usage.algorithm;
        let key = algorithm.to_ascii_uppercase();
        if !seen.insert((method_identity(&call.location()), key.clone())) {
            continue;
        }
        let api = call_text(call);
        let signature = key.contains("WITH");
        let (severity, message) = if signature {
            (
                Severity::Medium,
                format!(
                    "{api} signs or verifies with {algorithm}, an MD5-based signature scheme open to collision forgeries."
                ),
            )
        } else if in_cache_context(call) {
            (
                Severity::Info,
                format!(
                    "{api} in {} computes a digest for cache entries, a use that needs no collision resistance.",
                    call.location().java_class
                ),
            )
        } else {
            (
                Severity::Medium,
                format!("{api} uses {algorithm}, a hash function with practical collisions."),
            )
        };
        emit_at_call(out, severity, call, &key, message, &api);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
