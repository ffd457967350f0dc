//! `secret.telegram`: telegram bot token hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.telegram",
    title: "Telegram bot token hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Telegram Bot API token (`<bot id>:AA…`) is a constant of the app, often inside an \
              `https://api.telegram.org/bot…` URL. Channel links and chat ids are not reported.",
        why: "The token is the bot's whole identity: whoever has it can read the messages sent to the bot \
             (including what users or the app report through it), send messages to every chat the bot is \
             in and change its settings. Apps that report data or crash logs through a bot hand that data \
             to anyone.",
        fix: "Revoke the token with @BotFather (`/revoke`) and issue a new one that stays on a server. The \
             app should send what it needs to your backend, which talks to the Bot API.",
        references: &[
            "https://core.telegram.org/bots/api",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Telegram);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
