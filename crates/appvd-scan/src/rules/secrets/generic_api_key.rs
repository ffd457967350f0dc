//! `secret.generic_api_key`: secret key or token assigned to a key-like name.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.generic_api_key",
    title: "Secret key or token assigned to a key-like name",
    severity: Severity::Medium,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A value that looks machine-generated (several character classes, entropy near that of random \
              text of its length) is assigned to a name that announces a credential: a field, resource, \
              manifest meta-data entry, JSON or properties key, or the name next to it in a \
              `put(\"api_key\", …)` call, containing `secret`, `token`, `api key`, `access key`, `private \
              key`, `credentials`. Names of labels and settings (`…_hint`, `…_expiry`, `…_header`, \
              `public_key…`, `…_hash`), test names, public-key encodings and the tokens SDKs embed by \
              design (Adjust, AppsFlyer, Sentry, Branch, Umeng, JPush, Facebook client token, map keys …) \
              are not reported. Values built at run time are not seen.",
        why: "A credential in an app is available to anyone who unzips it. Whatever the key unlocks on the \
             backend (a private API, a third-party account, an encryption scheme) is then open to \
             attackers, with the app's privileges and at its owner's cost, and cannot be revoked without \
             breaking every installed copy.",
        fix: "Find out what the key grants and revoke it. Keep service credentials on your backend and \
             have the app authenticate users to it; if a third-party key must be on the device, use the \
             vendor's client-side (publishable, restricted) key type.",
        references: &[
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://developer.android.com/privacy-and-security/risks/hardcoded-cryptographic-secrets",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::GenericApiKey);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
