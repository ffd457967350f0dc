//! `secret.discord`: discord bot token or webhook hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.discord",
    title: "Discord bot token or webhook hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Discord webhook URL (`https://discord.com/api/webhooks/<id>/<token>`, Medium) or a bot \
              token assigned to a `discord…token` name is a constant of the app. Invite links and channel \
              ids are not secrets and are not reported.",
        why: "A bot token controls the bot: it can read every channel the bot is in, post, kick and ban \
             with the bot's permissions. A webhook token lets anyone post, with any name and avatar, into \
             the channel, a common way to spread malware links to a community.",
        fix: "Reset the bot token in the Discord developer portal or delete the webhook. Post to Discord \
             from your server; the app should call your API instead.",
        references: &[
            "https://discord.com/developers/docs/resources/webhook",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Discord);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
