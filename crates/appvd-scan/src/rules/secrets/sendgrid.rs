//! `secret.sendgrid`: sendGrid API key hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.sendgrid",
    title: "SendGrid API key hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A SendGrid API key (`SG.` + 22 + `.` + 43 characters) is a constant of the app.",
        why: "The key sends mail as the company's verified domain, so phishing passes SPF and DKIM; \
             depending on its permissions it also reads contact lists and changes account settings.",
        fix: "Delete the key in the SendGrid settings. Send mail from your backend, and give keys only the \
             `Mail Send` permission they need.",
        references: &[
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Sendgrid);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
