//! `secret.basic_auth`: credentials in a URL or HTTP authorization header.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.basic_auth",
    title: "Credentials in a URL or HTTP authorization header",
    severity: Severity::High,
    masvs: "MASVS-AUTH-1",
    cwe: 798,
    docs: Docs {
        what: "A URL with a user name and password (`https://user:pass@host`, also `ftp`, `mongodb`, \
              `postgres`, `redis`, `amqp` …), a constant `Authorization: Basic …` value that decodes to \
              `user:password`, or a constant `Bearer` token (Medium) is part of the app. Placeholders \
              (`user:password@example.com`, `%s`, `${…}`), documentation hosts and Sentry DSNs (public by \
              design) are not reported; bearer tokens that are JWTs are reported by `secret.jwt`.",
        why: "The credentials open whatever the URL points at, the same for every install: an FTP or \
             database server, a private API, a message broker. Credentials in URLs also end up in logs \
             and proxies, and a shared server account cannot be revoked for one user.",
        fix: "Change the password on the server now. Authenticate users individually and give the app \
             per-user, short-lived tokens; keep service credentials on your backend.",
        references: &[
            "https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.1",
            "https://datatracker.ietf.org/doc/html/rfc7617",
            "https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0005/",
            "https://cwe.mitre.org/data/definitions/798.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::BasicAuth);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
