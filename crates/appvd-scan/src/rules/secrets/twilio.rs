//! `secret.twilio`: twilio API key or auth token hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.twilio",
    title: "Twilio API key or auth token hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Twilio API key (`SK` + 32 hex digits) in code, a file or a library that mentions Twilio, \
              or a 32-hex-digit value assigned to a Twilio token or secret name, is a constant of the app. \
              Without the Twilio context such values are indistinguishable from hashes and are not \
              reported; account SIDs (`AC…`) are identifiers, not secrets.",
        why: "With the credential, anyone can send SMS and make calls at the account's cost (toll fraud), \
             read message logs with users' phone numbers and one-time codes, and change phone number \
             configuration.",
        fix: "Delete the API key or rotate the auth token in the Twilio console. Send SMS and verification \
             codes from your server; the app calls your API.",
        references: &[
            "https://www.twilio.com/docs/iam/api-keys",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Twilio);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
