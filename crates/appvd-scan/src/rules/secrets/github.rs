//! `secret.github`: gitHub token hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.github",
    title: "GitHub token hard-coded",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A GitHub token (`ghp_` personal, `gho_` OAuth, `ghu_`/`ghs_` GitHub App, `ghr_` refresh, or \
              a fine-grained `github_pat_…`) is a constant of the app.",
        why: "The token acts as its owner on GitHub with its scopes: read private repositories (source \
             code, further secrets in them), push code, open releases or change settings. Apps that fetch \
             updates or data from private repositories this way expose the whole account.",
        fix: "Revoke the token in GitHub's developer settings now and check the audit log. Serve what the \
             app needs from your own backend or a public release channel; tokens never belong in a \
             client.",
        references: &[
            "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::Github);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
