//! `secret.stripe`: stripe secret key hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.stripe",
    title: "Stripe secret key hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Stripe secret key (`sk_live_…`) or restricted key (`rk_live_…`) is a constant of the app \
              (Critical for live-mode keys). Test-mode keys (`sk_test_`, `rk_test_`) are reported as Low; \
              publishable keys (`pk_…`), which are meant for clients, are not reported.",
        why: "A live secret key is full API access to the Stripe account: an attacker can read customers \
             and payment methods, issue refunds and payouts, create charges and change webhooks. A \
             restricted key has the permissions it was given. Even test keys reveal the account and let \
             anyone fill it with test data.",
        fix: "Roll the key in the Stripe dashboard now. Only the publishable key belongs in the app; \
             create PaymentIntents, refunds and every other privileged call on your server with the \
             secret key, and hand the app a client secret for the one payment.",
        references: &[
            "https://docs.stripe.com/keys",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Stripe);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
