//! `secret.mailchimp`: mailchimp API key hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.mailchimp",
    title: "Mailchimp API key hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Mailchimp Marketing API key (32 hex digits followed by the data-centre suffix `-us<N>`) is \
              a constant of the app.",
        why: "The key gives full access to the Mailchimp account: audiences with subscribers' personal \
             data can be exported, and campaigns can be sent to them in the company's name.",
        fix: "Disable the key in the Mailchimp account settings and call the Marketing API from your \
             server.",
        references: &[
            "https://mailchimp.com/developer/marketing/guides/quick-start/",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Mailchimp);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
