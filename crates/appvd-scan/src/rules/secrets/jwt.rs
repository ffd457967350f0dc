//! `secret.jwt`: jSON Web Token hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.jwt",
    title: "JSON Web Token hard-coded",
    severity: Severity::Medium,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A signed JSON Web Token (`eyJ….eyJ….…`) with a decodable header and payload is a constant of \
              the app. The evidence gives its algorithm, issuer, role and expiry: unsigned tokens (`alg \
              none`) and Supabase `service_role` keys are High, tokens that have already expired Low. \
              jwt.io's sample token and Supabase's public `anon` keys are not reported.",
        why: "A hard-coded token is a bearer credential shared by every install: whoever extracts it calls \
             the API as the identity in it, typically a service account or an admin, until it expires, \
             and tokens in apps rarely expire. A Supabase `service_role` key bypasses every row-level \
             security policy.",
        fix: "Revoke the token (rotate the signing key if it cannot be revoked otherwise) and issue tokens \
             per user at sign-in, with a short lifetime and a refresh flow. For Supabase, ship only the \
             anon key and enforce row-level security.",
        references: &[
            "https://datatracker.ietf.org/doc/html/rfc7519",
            "https://supabase.com/docs/guides/api/api-keys",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Jwt);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
