//! `secret.slack`: slack token or webhook hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.slack",
    title: "Slack token or webhook hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Slack API token (`xoxb-`, `xoxp-`, `xoxa-`, `xoxo-`, `xoxs-`, `xoxr-`) or an incoming \
              webhook URL (`https://hooks.slack.com/services/T…/B…/…`, Medium) is a constant of the app. \
              Placeholders from documentation are ignored.",
        why: "A bot or user token reads and posts in every channel it can reach: internal conversations, \
             files and user lists leak, and messages can be sent in the workspace's name. A webhook lets \
             anyone post into the channel, which is enough for convincing phishing inside the company.",
        fix: "Revoke the token (or delete the webhook) in the Slack app settings. Messages the app needs \
             to send to Slack should go through your backend, which holds the token; never ship workspace \
             credentials in a client.",
        references: &[
            "https://api.slack.com/authentication/token-types",
            "https://api.slack.com/messaging/webhooks",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Slack);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
