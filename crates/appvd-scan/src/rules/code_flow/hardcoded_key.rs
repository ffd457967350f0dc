use super::flow::call_location;
use super::material::{ConstantSinkCall, constant_sink_calls, redact_listing};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.hardcoded_key",
    title: "Hard-coded symmetric key or key password",
    severity: Severity::High,
    masvs: "MASVS-CRYPTO-2",
    cwe: 321,
    docs: Docs {
        what: "Key material fixed in the code reaches a key constructor: `SecretKeySpec`, `DESKeySpec`, \
               `DESedeKeySpec` get bytes that are a string literal's `getBytes()`, a Base64 or hex literal, a byte \
               array literal, a digest or prefix of one of those, or a `static final` array initialised with one; or \
               `PBEKeySpec` gets a literal's `toCharArray()` as its password. The value is followed inside the method \
               (and into the class initialiser for static fields); keys read from files, resources, the Android \
               Keystore or a server, and keys stored in instance fields, are not seen.",
        why: "Everything in an APK is public: the key is one `apktool d` or string dump away, and it is the same on \
              every install. Whoever extracts it decrypts what the app encrypted (local databases, files, tokens, \
              traffic to its server) and can forge what the app authenticates with it (HMACs, signed requests).",
        fix: "Generate keys on the device in the Android Keystore (`KeyGenerator` with `KeyGenParameterSpec`, or \
              Jetpack Security's `MasterKey`), so they never exist in the app's memory or files; for data shared \
              with a server, agree keys per session (TLS, ECDH) instead of shipping one. Derive keys from user \
              secrets with PBKDF2 and a random salt, never from a constant password.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0212/",
            "https://developer.android.com/privacy-and-security/keystore",
            "https://cwe.mitre.org/data/definitions/321.html",
        ],
    },
    check,
};

/// Key constructors and the position of their key (or password) parameter.
const KEY_SINKS: &[(&str, usize)] = &[
    (
        "Ljavax/crypto/spec/SecretKeySpec;-><init>([BLjava/lang/String;)V",
        0,
    ),
    (
        "Ljavax/crypto/spec/SecretKeySpec;-><init>([BIILjava/lang/String;)V",
        0,
    ),
    ("Ljavax/crypto/spec/DESKeySpec;-><init>([B)V", 0),
    ("Ljavax/crypto/spec/DESKeySpec;-><init>([BI)V", 0),
    ("Ljavax/crypto/spec/DESedeKeySpec;-><init>([B)V", 0),
    ("Ljavax/crypto/spec/DESedeKeySpec;-><init>([BI)V", 0),
    ("Ljavax/crypto/spec/PBEKeySpec;-><init>([C)V", 0),
    ("Ljavax/crypto/spec/PBEKeySpec;-><init>([C[BI)V", 0),
    ("Ljavax/crypto/spec/PBEKeySpec;-><init>([C[BII)V", 0),
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    for found in constant_sink_calls(dex, KEY_SINKS) {
        let ConstantSinkCall {
            call,
            material,
            key,
            api,
        } = found;
        // SecretKeySpec names its algorithm last.
        let algorithm = if api == "SecretKeySpec" {
            call.args()
                .last()
                .and_then(|a| a.as_str().map(|s| s.into_owned()))
        } else {
            None
        };
        let at = call.location();
        let what = if api == "PBEKeySpec" {
            "password"
        } else {
            "key"
        };
        let unit = if what == "password" { "chars" } else { "bytes" };
        let length = material
            .length
            .map(|n| format!(" ({n} {unit})"))
            .unwrap_or_default();
        let algorithm_text = algorithm
            .as_deref()
            .map(|a| format!(" for {a}"))
            .unwrap_or_default();
        out.emit(
            call_location(&call),
            &key,
            format!(
                "{}.{} builds a {api}{algorithm_text} from a {what} fixed in the code ({}).",
                at.java_class, at.method, material.source
            ),
            format!(
                "new {api}({}{}){length}\n{}",
                material.source,
                algorithm
                    .as_deref()
                    .map(|a| format!(", \"{a}\""))
                    .unwrap_or_default(),
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
