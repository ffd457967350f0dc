//! `secret.facebook`: facebook access token or app secret hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.facebook",
    title: "Facebook access token or app secret hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Facebook (Meta) access token (`EAA…`) or an app secret (32 hex digits assigned to a \
              `facebook`/`fb` … `secret` name) is a constant of the app. The app id and the client token \
              are public by design and are not reported.",
        why: "The app secret signs Graph API requests as the app: it can create app access tokens, change \
             app settings and webhooks, and read data the app may see. A user or page access token lets \
             anyone act as that user or page until it expires.",
        fix: "Reset the app secret in the Meta developer dashboard and never ship it; use the Facebook SDK \
             with the app id and client token, and make app-secret calls from your server (with \
             `appsecret_proof`).",
        references: &[
            "https://developers.facebook.com/docs/facebook-login/guides/access-tokens",
            "https://developers.facebook.com/docs/facebook-login/security",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Facebook);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
