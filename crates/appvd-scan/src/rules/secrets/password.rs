//! `secret.password`: hard-coded password.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.password",
    title: "Hard-coded password",
    severity: Severity::Medium,
    masvs: "MASVS-AUTH-1",
    cwe: 259,
    docs: Docs {
        what: "A constant password: a value that looks like a password (letters with digits or symbols, no \
              spaces, not an identifier) assigned to a `password`/`passwd`/`pwd`/`passphrase` name (field, \
              resource, meta-data, JSON or properties key, call argument), or a string constant passed as \
              the password of a credential API (`KeyStore.getKey`, `KeyManagerFactory.init`, \
              `PasswordAuthentication`, `okhttp3.Credentials.basic`, `HttpAuthHandler.proceed`, \
              `DriverManager.getConnection`, SQLCipher database passphrases). UI texts (`password_hint`), \
              preference and extra keys (`EXTRA_PASSWORD = \"…EXTRA_PASSWORD\"`) are not reported.",
        why: "A password in the app is the same for every install and public: it opens the server account, \
             the key store entry or the encrypted database it protects for anyone, and cannot be changed \
             without an update. Encrypted databases with a constant passphrase are not protected at all \
             against someone with the app.",
        fix: "Remove the password and change it where it is used. Authenticate users individually; derive \
             database and key store keys from the Android Keystore (or a user secret) instead of \
             constants.",
        references: &[
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://developer.android.com/privacy-and-security/risks/hardcoded-cryptographic-secrets",
            "https://cwe.mitre.org/data/definitions/259.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Password);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
