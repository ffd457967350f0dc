//! `secret.google_oauth`: google OAuth client secret or access token hard-coded.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.google_oauth",
    title: "Google OAuth client secret or access token hard-coded",
    severity: Severity::Medium,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A Google OAuth 2.0 client secret (`GOCSPX-…`) or an access token (`ya29.…`) is a constant of \
              the app. OAuth client ids (`….apps.googleusercontent.com`) are public and are not reported.",
        why: "A client secret lets anyone impersonate the OAuth client: run consent flows under the app's \
             name and brand, and exchange authorisation codes or refresh tokens for the scopes the client \
             was granted. A hard-coded access token grants its scopes to whoever reads it until it \
             expires (about an hour), and betrays that the build embeds live credentials.",
        fix: "Android apps should use an Android-type OAuth client with PKCE and no secret (Credential \
             Manager / Google Identity Services). Delete or reset the leaked client secret in the Google \
             Cloud console, and never embed access tokens: obtain them at run time for the signed-in \
             user.",
        references: &[
            "https://developers.google.com/identity/protocols/oauth2/native-app",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::GoogleOauth);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
