//! `secret.square`: square access token or application secret hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.square",
    title: "Square access token or application secret hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Square access token (`sq0atp-…`) or OAuth application secret (`sq0csp-…`) is a constant of \
              the app. Square application ids (`sq0idp-…`) are public and are not reported.",
        why: "An access token acts on the seller's Square account with its permissions: take and refund \
             payments, read customers, orders and transactions. The application secret lets anyone obtain \
             tokens as the app through OAuth.",
        fix: "Revoke the token or replace the application secret in the Square Developer Dashboard. Use \
             the In-App Payments SDK with the public application id on the device and make every API call \
             that needs an access token from your server.",
        references: &[
            "https://developer.squareup.com/docs/build-basics/access-tokens",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Square);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
