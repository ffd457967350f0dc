//! `secret.firebase_database`: firebase Realtime Database URL.

use super::engine::Kind;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "secret.firebase_database",
    title: "Firebase Realtime Database URL",
    severity: Severity::Info,
    masvs: "MASVS-AUTH-1",
    cwe: 200,
    docs: Docs {
        what: "The app names a Firebase Realtime Database (`*.firebaseio.com`, `*.firebasedatabase.app`). \
              The URL is not a secret; the finding lists it, in full, so that its security rules can be \
              reviewed. Placeholder URLs from templates are ignored.",
        why: "Every Firebase app ships its database URL. Whether that matters depends only on the \
             database's security rules: with rules that allow public reads (`\".read\": true`, or test-mode \
             rules left in place) anyone can download the whole database by appending `/.json` to the \
             URL, a leak that has exposed millions of records.",
        fix: "Review the database's security rules: require `auth != null` and per-user paths (`$uid === \
             auth.uid`) for private data, never leave test-mode rules in production, and use the Firebase \
             console's rules simulator to check. This scanner does not probe the database; a reviewer \
             can.",
        references: &[
            "https://firebase.google.com/docs/database/security",
            "https://firebase.google.com/docs/rules/insecure-rules",
            "https://cwe.mitre.org/data/definitions/200.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    super::report(app, out, Kind::FirebaseDatabase);
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
