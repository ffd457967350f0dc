//! `secret.private_key`: private key embedded in code, resources or files.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.private_key",
    title: "Private key embedded in code, resources or files",
    severity: Severity::Critical,
    masvs: "MASVS-CRYPTO-2",
    cwe: 321,
    docs: Docs {
        what: "A private key is a constant of the app: a PEM block (`-----BEGIN … PRIVATE KEY-----`, \
              including OpenSSH and PGP keys) with its body, a base64 PKCS#8/PKCS#1/SEC1 key without the \
              armour (recognised by its DER structure, so public keys and certificates do not count), or a \
              Google Cloud service account key file. Encrypted keys are reported as High. Key stores and \
              key files themselves are `storage.embedded_keystore_file`'s; test vectors in the namespaces \
              of crypto libraries (Bouncy Castle, Conscrypt, OkHttp TLS, Netty, Tink) are ignored.",
        why: "Whoever has the app has the key. Depending on its use, an attacker can authenticate as the \
             app to the backend (TLS client certificates, JWT signing keys, service accounts with cloud \
             permissions), forge signatures the server trusts, or decrypt data and traffic protected with \
             it. A service account key gives direct access to the Google Cloud project.",
        fix: "Remove the key from the app and revoke or rotate it (for a service account: delete the key \
             in IAM). Generate per-device keys in the Android Keystore (`KeyPairGenerator` with \
             `AndroidKeyStore`), keep signing keys on the server, and give the app short-lived \
             credentials after authentication instead of a service account.",
        references: &[
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-CRYPTO/MASTG-TEST-0013/",
            "https://developer.android.com/privacy-and-security/risks/hardcoded-cryptographic-secrets",
            "https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys",
            "https://cwe.mitre.org/data/definitions/321.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::PrivateKey);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
