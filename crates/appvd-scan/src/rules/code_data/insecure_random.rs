use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use appvd_dex::app::{AppMethodId, FieldKey};
use appvd_dex::facts::ConstValue;
use appvd_dex::{Analysis, CallSiteView};

use super::flow::{self, Call, FieldRef, Labels, Policy, subtype_of};
use super::{call_text, emit_at_call, is_credential_name, java_name, propagate_strings, words};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.insecure_random",
    title: "Predictable random numbers used for security",
    severity: Severity::Low,
    masvs: "MASVS-CRYPTO-1",
    cwe: 338,
    docs: Docs {
        what: "Output of a non-cryptographic generator — `java.util.Random` (and subclasses other than \
               `SecureRandom`), `Math.random()`, `ThreadLocalRandom`, Kotlin's `Random`, commons-lang \
               `RandomStringUtils` — is used where unpredictability matters. Medium when the value reaches a key, \
               IV, nonce or salt (`SecretKeySpec`, `IvParameterSpec`, `GCMParameterSpec`, `PBEKeySpec`, \
               `BigInteger.probablePrime`), is returned by a method or stored in a field or preference whose name \
               says token, password, PIN, OTP, session, nonce, salt or key; Low when it is used in a class that also \
               performs cryptography. The value is followed through arithmetic, string building and app methods \
               that return it; a `Random` held in a field counts when every write to the field stores a \
               `new Random(...)`. Random numbers for games, animation, retry jitter or sampling are not reported.",
        why: "`java.util.Random` is a 48-bit linear congruential generator: two outputs reveal its state, after \
              which every past and future value is computable, and its seed space is small enough to search. \
              Keys, IVs, session tokens, password-reset codes or one-time passwords drawn from it can be predicted \
              by an attacker who observes a few other outputs or knows roughly when the generator was created.",
        fix: "Use `java.security.SecureRandom` (created with `new SecureRandom()`, never seeded by hand) for \
              anything secret or unguessable, `KeyGenerator` for keys, and let `Cipher.init` generate IVs. Kotlin \
              code can wrap it: `SecureRandom().asKotlinRandom()`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0204/",
            "https://developer.android.com/reference/java/security/SecureRandom",
            "https://cwe.mitre.org/data/definitions/338.html",
        ],
    },
    check,
};

/// The register holds a predictable generator.
const WEAK_RNG: Labels = 1;
/// The register holds a `SecureRandom`.
const SECURE_RNG: Labels = 1 << 1;
/// The value is derived from a predictable generator's output.
const WEAK_VALUE: Labels = 1 << 2;

const RANDOM: &str = "Ljava/util/Random;";
const SECURE_RANDOM: &str = "Ljava/security/SecureRandom;";
const KOTLIN_RANDOM: &str = "Lkotlin/random/Random;";

/// Classes whose use marks a class as doing cryptography.
const CRYPTO_CLASSES: [&str; 12] = [
    "Ljavax/crypto/Cipher;",
    "Ljavax/crypto/KeyGenerator;",
    "Ljavax/crypto/Mac;",
    "Ljavax/crypto/SecretKeyFactory;",
    "Ljavax/crypto/spec/SecretKeySpec;",
    "Ljavax/crypto/spec/IvParameterSpec;",
    "Ljavax/crypto/spec/GCMParameterSpec;",
    "Ljavax/crypto/spec/PBEKeySpec;",
    "Ljava/security/KeyPairGenerator;",
    "Ljava/security/Signature;",
    "Ljava/security/KeyStore;",
    "Ljava/security/KeyFactory;",
];

/// Where predictable bytes become key material: the call and the argument (receiver first).
const KEY_SINKS: [(&str, usize, &str); 8] = [
    ("Ljavax/crypto/spec/SecretKeySpec;-><init>", 1, "key"),
    ("Ljavax/crypto/spec/IvParameterSpec;-><init>", 1, "IV"),
    ("Ljavax/crypto/spec/GCMParameterSpec;-><init>", 2, "IV"),
    ("Ljavax/crypto/spec/PBEKeySpec;-><init>", 2, "salt"),
    ("Ljavax/crypto/spec/PBEParameterSpec;-><init>", 1, "salt"),
    ("Ljavax/crypto/spec/DESKeySpec;-><init>", 1, "key"),
    ("Ljava/math/BigInteger;->probablePrime", 1, "prime"),
    ("Ljava/math/BigInteger;-><init>", 2, "prime"),
];

/// Words that make a name a secret's name beyond the credential words.
const SECRET_PURPOSE_WORDS: [&str; 8] = [
    "nonce",
    "salt",
    "iv",
    "key",
    "csrf",
    "verification",
    "token",
    "session",
];

fn is_secret_purpose(name: &str) -> bool {
    is_credential_name(name)
        || words(name)
            .iter()
            .any(|w| SECRET_PURPOSE_WORDS.contains(&w.as_str()))
}

/// App-wide facts the policy consults.
struct Context {
    /// Fields every write of which stores a predictable generator.
    weak_fields: HashSet<FieldKey>,
    /// App methods (signatures) that return predictable values.
    returns_weak: HashSet<String>,
}

struct RandomPolicy<'c, 'x, 'a> {
    analysis: &'x Analysis<'a>,
    context: &'c Context,
}

impl RandomPolicy<'_, '_, '_> {
    fn is_secure_class(&self, class: &str) -> bool {
        subtype_of(self.analysis, class, SECURE_RANDOM)
    }

    fn is_weak_class(&self, class: &str) -> bool {
        !self.is_secure_class(class)
            && (subtype_of(self.analysis, class, RANDOM)
                || subtype_of(self.analysis, class, KOTLIN_RANDOM))
    }
}

/// Whether a call draws from a generator object (`nextInt`, `nextBytes`, `ints`…).
fn is_draw(call: &Call<'_, '_, '_>) -> bool {
    let name = call.name.as_ref();
    (name.starts_with("next") || matches!(name, "ints" | "longs" | "doubles"))
        && call.kind.has_receiver()
        && (call.on(RANDOM) || call.on(KOTLIN_RANDOM))
}

/// Static calls whose result is predictable by construction.
fn is_weak_static(call: &Call<'_, '_, '_>) -> bool {
    (call.class == "Ljava/lang/Math;" && call.name == "random")
        || ((call.class == "Lorg/apache/commons/lang3/RandomStringUtils;"
            || call.class == "Lorg/apache/commons/lang/RandomStringUtils;")
            && call.name.starts_with("random")
            && !call.name.contains("ecure"))
}

impl Policy for RandomPolicy<'_, '_, '_> {
    fn new_instance(&self, class: &str) -> Labels {
        if self.is_secure_class(class) {
            SECURE_RNG
        } else if self.is_weak_class(class) {
            WEAK_RNG
        } else {
            0
        }
    }

    fn field_read(&self, field: &FieldRef<'_>) -> Labels {
        if self.is_secure_class(&field.type_) {
            return SECURE_RNG;
        }
        if field.class == KOTLIN_RANDOM && field.name == "Default" {
            return WEAK_RNG;
        }
        let app = self.analysis.app();
        let key = (|| {
            Some(FieldKey {
                class: app.sym(&field.class)?,
                name: app.sym(&field.name)?,
                type_: app.sym(&field.type_)?,
            })
        })();
        if key.is_some_and(|k| self.context.weak_fields.contains(&k)) {
            WEAK_RNG
        } else {
            0
        }
    }

    fn call(
        &self,
        call: &Call<'_, '_, '_>,
        args: &[Labels],
        effects: &mut Vec<(usize, Labels)>,
    ) -> Labels {
        if call.class == "Ljava/util/concurrent/ThreadLocalRandom;" && call.name == "current" {
            return WEAK_RNG;
        }
        if call.class == "Lkotlin/random/RandomKt;" && call.name == "Random" {
            return WEAK_RNG;
        }
        if call.on(SECURE_RANDOM) && call.name.starts_with("getInstance") {
            return SECURE_RNG;
        }
        if is_weak_static(call) {
            return WEAK_VALUE;
        }
        if is_draw(call) {
            let receiver = args.first().copied().unwrap_or(0);
            let weak = receiver & WEAK_RNG != 0
                && receiver & SECURE_RNG == 0
                && !self.is_secure_class(&call.class);
            if !weak {
                return 0;
            }
            if call.name == "nextBytes" {
                effects.push((1, WEAK_VALUE));
                return 0;
            }
            return if call.returns_void() { 0 } else { WEAK_VALUE };
        }
        if let Some(labels) = propagate_strings(call, args, effects) {
            return labels & WEAK_VALUE;
        }
        let signature = format!("{}->{}{}", call.class, call.name, call.proto);
        if self.context.returns_weak.contains(&signature) {
            return WEAK_VALUE;
        }
        0
    }
}

/// The calls in a method that draw predictable values, with the taint that proves it.
fn weak_draws<'x, 'a>(
    analysis: &'x Analysis<'a>,
    method: AppMethodId,
    taint: &flow::Taint,
    context: &Context,
) -> Vec<CallSiteView<'x, 'a>> {
    analysis
        .calls_in(method)
        .into_iter()
        .filter(|call| {
            let Some(key) = call.callee() else {
                return false;
            };
            let app = analysis.app();
            let class = app.text(key.class);
            let name = app.text(key.name);
            let proto = app.text(key.proto);
            let as_call = Call {
                at: call.at(),
                kind: call.kind(),
                class: class.clone(),
                name: name.clone(),
                proto: proto.clone(),
                site: None,
                analysis,
            };
            if is_weak_static(&as_call)
                || (class == "Ljava/util/concurrent/ThreadLocalRandom;" && name == "current")
            {
                return true;
            }
            if context
                .returns_weak
                .contains(&format!("{class}->{name}{proto}"))
            {
                return true;
            }
            is_draw(&as_call) && {
                let receiver = taint.arg(call.at(), 0);
                receiver & WEAK_RNG != 0
                    && receiver & SECURE_RNG == 0
                    && !subtype_of(analysis, &class, SECURE_RANDOM)
            }
        })
        .collect()
}

/// Calls that may produce predictable values: the methods containing them are analysed.
const SOURCE_QUERIES: [&str; 7] = [
    "Ljava/util/Random;->next",
    "Lkotlin/random/Random;->next",
    "Ljava/lang/Math;->random()D",
    "Ljava/util/concurrent/ThreadLocalRandom;->current()Ljava/util/concurrent/ThreadLocalRandom;",
    "Lorg/apache/commons/lang3/RandomStringUtils;->random",
    "Lorg/apache/commons/lang/RandomStringUtils;->random",
    "Lkotlin/random/RandomKt;->Random",
];

/// `Random` output method names (queries need a full name).
const DRAW_NAMES: [&str; 9] = [
    "nextInt",
    "nextLong",
    "nextBytes",
    "nextDouble",
    "nextFloat",
    "nextBoolean",
    "nextGaussian",
    "nextBits",
    "ints",
];

fn weak_fields(analysis: &Analysis<'_>) -> HashSet<FieldKey> {
    let app = analysis.app();
    let mut writes: HashMap<FieldKey, (u32, u32)> = HashMap::new();
    for access in analysis.index().field_accesses() {
        if !access.write {
            continue;
        }
        let weak = match access.value {
            ConstValue::NewInstance { class, .. } => {
                let text = app.text(class);
                !subtype_of(analysis, &text, SECURE_RANDOM)
                    && (subtype_of(analysis, &text, RANDOM)
                        || subtype_of(analysis, &text, KOTLIN_RANDOM))
            }
            _ => false,
        };
        let entry = writes.entry(access.field).or_insert((0, 0));
        if weak {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    writes
        .into_iter()
        .filter(|(_, (weak, other))| *weak > 0 && *other == 0)
        .map(|(field, _)| field)
        .collect()
}

/// Rounds of "this app method returns a predictable value" propagation to callers.
const SUMMARY_ROUNDS: usize = 3;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut context = Context {
        weak_fields: weak_fields(dex),
        returns_weak: HashSet::new(),
    };
    let mut candidates: BTreeSet<AppMethodId> = BTreeSet::new();
    for query in SOURCE_QUERIES {
        if query.ends_with("->next") {
            for name in DRAW_NAMES {
                let full = query.replace("->next", &format!("->{name}"));
                candidates.extend(dex.calls_to(&full).iter().map(|c| c.caller().id()));
            }
        } else {
            candidates.extend(dex.calls_to(query).iter().map(|c| c.caller().id()));
        }
    }
    // Analyse the methods that draw; a method found to return a predictable value makes its
    // callers draw too, and they are analysed in the next round.
    let mut results: BTreeMap<AppMethodId, flow::Taint> = BTreeMap::new();
    let mut pending = candidates.clone();
    for _ in 0..SUMMARY_ROUNDS {
        let mut new_summaries = Vec::new();
        for &method in &pending {
            let policy = RandomPolicy {
                analysis: dex,
                context: &context,
            };
            let Some(taint) = flow::run(dex, method, &policy) else {
                continue;
            };
            if taint.returned & WEAK_VALUE != 0 {
                new_summaries.push(dex.method(method).signature());
            }
            results.insert(method, taint);
        }
        pending.clear();
        for signature in new_summaries {
            if context.returns_weak.insert(signature.clone()) {
                pending.extend(
                    dex.calls_to_exact(&signature)
                        .iter()
                        .map(|c| c.caller().id()),
                );
            }
        }
        if pending.is_empty() {
            break;
        }
    }

    let crypto_classes = classes_doing_crypto(dex);
    for (method, taint) in &results {
        let draws = weak_draws(dex, *method, taint, &context);
        if draws.is_empty() {
            continue;
        }
        let view = dex.method(*method);
        let location = view.location();
        let first_draw = call_text(&draws[0]);
        if let Some((sink, what)) = key_sink(dex, *method, taint) {
            let api = call_text(&sink);
            emit_at_call(
                out,
                Severity::Medium,
                &sink,
                &format!("{what}|{}", sink.callee_text()),
                format!(
                    "The {what} passed to {api} is made from a predictable generator ({first_draw})."
                ),
                &format!("{first_draw}\n{api}"),
            );
            continue;
        }
        if let Some(purpose) = secret_purpose(dex, *method, taint) {
            emit_at_call(
                out,
                Severity::Medium,
                &draws[0],
                &format!("secret|{purpose}"),
                format!("{purpose} is made from a predictable generator ({first_draw})."),
                &first_draw,
            );
            continue;
        }
        if crypto_classes.contains(&location.class) {
            emit_at_call(
                out,
                Severity::Low,
                &draws[0],
                "crypto class",
                format!(
                    "{first_draw} draws from a predictable generator in {}, a class that also performs cryptography.",
                    java_name(&location.class)
                ),
                &first_draw,
            );
        }
    }
}

/// The first key-material call in the method whose key, IV or salt is predictable.
fn key_sink<'x, 'a>(
    analysis: &'x Analysis<'a>,
    method: AppMethodId,
    taint: &flow::Taint,
) -> Option<(CallSiteView<'x, 'a>, &'static str)> {
    analysis.calls_in(method).into_iter().find_map(|call| {
        let text = call.callee_text();
        KEY_SINKS.iter().find_map(|(prefix, arg, what)| {
            let hit = text.starts_with(prefix) && {
                // BigInteger takes the generator object itself, wherever it sits.
                if text.starts_with("Ljava/math/BigInteger;") {
                    let labels = taint
                        .args_at(call.at())
                        .map_or(0, |a| a.iter().fold(0, |acc, l| acc | l));
                    labels & WEAK_RNG != 0
                        && labels & SECURE_RNG == 0
                        && text.contains("Ljava/util/Random;")
                } else {
                    taint.arg(call.at(), *arg) & WEAK_VALUE != 0
                }
            };
            hit.then_some((call, *what))
        })
    })
}

/// Why a predictable value in this method is a secret: the method's name, a field it is stored
/// in, or the key it is stored under says so.
fn secret_purpose(
    analysis: &Analysis<'_>,
    method: AppMethodId,
    taint: &flow::Taint,
) -> Option<String> {
    let view = analysis.method(method);
    let location = view.location();
    if taint.returned & WEAK_VALUE != 0 && is_secret_purpose(&location.method) {
        return Some(format!(
            "The value {}.{}() returns",
            java_name(&location.class),
            location.method
        ));
    }
    let app = analysis.app();
    for write in &taint.field_writes {
        let name = app.text(write.field.name);
        if write.labels & WEAK_VALUE != 0 && is_secret_purpose(&name) {
            return Some(format!(
                "The field {}.{name}",
                java_name(&app.text(write.field.class))
            ));
        }
    }
    for call in analysis.calls_in(method) {
        let Some(key) = call.callee() else { continue };
        let name = app.text(key.name);
        // `editor.putString(key, value)`, `intent.putExtra(key, value)`, `map.put(key, value)`.
        let stores_weak = name.starts_with("put")
            && call.kind().has_receiver()
            && taint.arg(call.at(), 2) & WEAK_VALUE != 0;
        if !stores_weak {
            continue;
        }
        if let Some(stored_under) = call.param(0).and_then(|a| a.as_str())
            && is_secret_purpose(&stored_under)
        {
            return Some(format!("The value stored as \"{stored_under}\""));
        }
    }
    None
}

/// Classes (descriptors) that call cryptographic APIs.
fn classes_doing_crypto(analysis: &Analysis<'_>) -> HashSet<String> {
    let mut classes = HashSet::new();
    for crypto in CRYPTO_CLASSES {
        for call in analysis.calls_to_exact(&format!("{crypto}->getInstance")) {
            classes.insert(call.location().class);
        }
        for call in analysis.calls_to_exact(&format!("{crypto}-><init>")) {
            classes.insert(call.location().class);
        }
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_purposes() {
        for name in [
            "generateToken",
            "newSessionId",
            "createNonce",
            "makeSalt",
            "randomKey",
            "otp",
        ] {
            assert!(is_secret_purpose(name), "{name}");
        }
        for name in [
            "shuffle",
            "pickColor",
            "jitterDelay",
            "monkey",
            "keyboardHeight",
        ] {
            assert!(!is_secret_purpose(name), "{name}");
        }
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
