use std::collections::BTreeSet;

use appvd_dex::ArgView;
use appvd_dex::facts::Origins;

use super::crypto::receiver_algorithm;
use super::{call_text, emit_at_call, method_identity, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.seeded_securerandom",
    title: "SecureRandom seeded with a constant or the clock",
    severity: Severity::Medium,
    masvs: "MASVS-CRYPTO-1",
    cwe: 336,
    docs: Docs {
        what: "A `SecureRandom` is given a seed that is a constant (a number, a byte array literal, a string's bytes) \
               or derived from the clock (`System.currentTimeMillis`, `nanoTime`, `SystemClock`) — through \
               `new SecureRandom(seed)` or `setSeed(...)`.",
        why: "A seed supplied before the generator has seeded itself replaces its entropy on the providers that honour \
              it: Android 4.1 and older (API 16 and below) and the legacy `Crypto` provider's SHA1PRNG. Every \
              install then produces the same \"random\" keys, IVs and tokens (or ones found by trying the few \
              plausible timestamps). Since Android 4.2 the default provider mixes the seed in instead, so the rule \
              reports Medium when the app supports API 16 or older or asks for the `Crypto` provider, and Low \
              otherwise, where the call is useless rather than harmful.",
        fix: "Do not seed `SecureRandom`: create it with `new SecureRandom()` and let it seed itself from the \
              operating system. Never request the `Crypto` provider. Seeds computed in another method are not seen \
              by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0205/",
            "https://developer.android.com/reference/java/security/SecureRandom",
            "https://android-developers.googleblog.com/2016/06/security-crypto-provider-deprecated-in.html",
            "https://cwe.mitre.org/data/definitions/336.html",
        ],
    },
    check,
};

const SEEDING_CALLS: [&str; 3] = [
    "Ljava/security/SecureRandom;-><init>([B)V",
    "Ljava/security/SecureRandom;->setSeed(J)V",
    "Ljava/security/SecureRandom;->setSeed([B)V",
];

/// What makes a seed predictable, if anything.
fn predictable(seed: &ArgView<'_, '_>) -> Option<&'static str> {
    if seed.origins().has(Origins::TIME) {
        return Some("the clock");
    }
    if seed.as_int().is_some() || seed.derived_from_string().is_some() {
        return Some("a constant");
    }
    let array = seed.array()?;
    (array.complete
        && array.passed_to.len() <= 1
        && array.elements.iter().all(|(_, v)| v.is_constant()))
    .then_some("a constant")
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let (min_sdk, _) = sdk_levels(app);
    let mut seen = BTreeSet::new();
    for query in SEEDING_CALLS {
        for call in dex.calls_to(query) {
            let Some(seed) = call.param(0) else { continue };
            let Some(source) = predictable(&seed) else {
                continue;
            };
            if !seen.insert((method_identity(&call.location()), source)) {
                continue;
            }
            let legacy_provider = receiver_algorithm(&call)
                .and_then(|(_, provider)| provider)
                .is_some_and(|p| p.eq_ignore_ascii_case("Crypto"));
            let (severity, when) = if legacy_provider {
                (
                    Severity::Medium,
                    "the Crypto provider's SHA1PRNG then returns the same sequence every time"
                        .to_owned(),
                )
            } else if min_sdk < 17 {
                (
                    Severity::Medium,
                    format!(
                        "on Android 4.1 and older (minSdk {min_sdk}) the seed replaces the generator's entropy"
                    ),
                )
            } else {
                (
                    Severity::Low,
                    "Android 4.2+ mixes the seed in, so it adds nothing but shows a misunderstanding".to_owned(),
                )
            };
            let api = call_text(&call);
            emit_at_call(
                out,
                severity,
                &call,
                &format!("SecureRandom seed|{source}"),
                format!("{api} seeds a SecureRandom with {source}: {when}."),
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
