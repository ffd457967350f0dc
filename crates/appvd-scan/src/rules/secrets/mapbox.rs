//! `secret.mapbox`: mapbox secret token hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.mapbox",
    title: "Mapbox secret token hard-coded",
    severity: Severity::Medium,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Mapbox secret access token (`sk.eyJ…`) is a constant of the app. Public tokens \
              (`pk.eyJ…`), which map apps must embed, are not reported.",
        why: "Secret tokens carry scopes that public tokens cannot (uploads, styles, datasets, token \
             management): anyone can change or delete the account's map data and styles, or create \
             further tokens, and usage is billed to the account.",
        fix: "Delete the token in the Mapbox account's token page. Ship only a public token restricted by \
             URL or app, and use secret tokens only in build tooling and servers (the SDK download token \
             belongs in `gradle.properties` outside the app).",
        references: &[
            "https://docs.mapbox.com/accounts/guides/tokens/",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Mapbox);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
