//! `secret.google_api_key`: google API key embedded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.google_api_key",
    title: "Google API key embedded",
    severity: Severity::Info,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Google API key (`AIza…`, 39 characters) is a constant of the app, typically \
              `google_api_key` written by the google-services plugin or a Maps key. Such keys are meant to \
              be embedded: this is an inventory entry, not a leak.",
        why: "A Google API key identifies the project rather than authorising access, but a key without \
             application and API restrictions can be reused by anyone for any API enabled on the project \
             (Maps, Places, Gemini, Translate) and billed to its owner; a key that also works for server \
             APIs can expose project data.",
        fix: "In the Google Cloud console, restrict the key to Android apps (package name and \
             signing-certificate SHA-1) and to the APIs the app calls; use separate keys for server-side \
             APIs and never ship those. Enable Firebase App Check where it applies.",
        references: &[
            "https://cloud.google.com/docs/authentication/api-keys",
            "https://firebase.google.com/docs/projects/api-keys",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::GoogleApiKey);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
