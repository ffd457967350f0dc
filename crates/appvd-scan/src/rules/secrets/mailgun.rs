//! `secret.mailgun`: mailgun API key hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.mailgun",
    title: "Mailgun API key hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Mailgun API key (`key-` + 32 characters in code, a file or a library that mentions \
              Mailgun, or a random value assigned to a Mailgun key name) is a constant of the app. The \
              `key-` prefix alone is too common to report without that context.",
        why: "The key sends mail from the company's domains, which recipients' filters trust, and reads \
             logs and mailing lists with recipients' addresses.",
        fix: "Rotate the key in the Mailgun control panel and send mail from your backend.",
        references: &[
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Mailgun);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
