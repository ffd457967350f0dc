//! The `secret.*` family: hard-coded credentials in code, resources, assets and native libraries,
//! found by one multi-pattern pass; and `privacy.trackers`, the tracker SDKs of the
//! [SDK inventory](crate::sdk).
//!
//! [`engine`] knows the shapes of secrets (one Aho-Corasick pass over literal prefixes, a
//! regular expression to confirm, a judge that drops test keys and placeholders) and how to
//! judge a value by the name it is assigned to (Shannon entropy for generic keys, plausibility
//! for passwords, the SDK tokens that are public by design). [`scan`] feeds it every place an
//! app keeps strings and groups what it finds by secret; the result is computed once per app and
//! shared by the rules, one per secret kind, each of which only reports its own kind. A finding
//! names where the secret is and carries its SHA-256, its first characters and its length —
//! never the secret.

mod engine;
pub(crate) mod scan;
mod values;

pub mod aws_access_key;
pub mod azure_storage;
pub mod basic_auth;
pub mod braintree;
pub mod discord;
pub mod facebook;
pub mod firebase_database;
pub mod generic_api_key;
pub mod github;
pub mod google_api_key;
pub mod google_oauth;
pub mod jwt;
pub mod llm_api_key;
pub mod mailchimp;
pub mod mailgun;
pub mod mapbox;
pub mod password;
pub mod private_key;
pub mod sendgrid;
pub mod slack;
pub mod square;
pub mod stripe;
pub mod telegram;
pub mod trackers;
pub mod twilio;

use crate::model::AppModel;
use crate::rule::{Emitter, Rule};
use engine::Kind;

pub static RULES: &[&Rule] = &[
    &private_key::RULE,
    &aws_access_key::RULE,
    &google_api_key::RULE,
    &firebase_database::RULE,
    &google_oauth::RULE,
    &stripe::RULE,
    &square::RULE,
    &braintree::RULE,
    &slack::RULE,
    &discord::RULE,
    &telegram::RULE,
    &github::RULE,
    &twilio::RULE,
    &sendgrid::RULE,
    &mailgun::RULE,
    &mailchimp::RULE,
    &facebook::RULE,
    &mapbox::RULE,
    &azure_storage::RULE,
    &llm_api_key::RULE,
    &jwt::RULE,
    &basic_auth::RULE,
    &generic_api_key::RULE,
    &password::RULE,
    &trackers::RULE,
];

/// Reports the secrets of one kind: one finding per distinct secret, at the first place it was
/// seen, with the other places in the evidence. The fingerprint key is the secret's SHA-256, so a
/// finding stays the same while the secret does, wherever the code moves, and a rotated secret
/// is a new finding.
fn report(app: &AppModel, out: &mut Emitter<'_>, kind: Kind) {
    let secrets = scan::secrets(app);
    for detected in secrets.detected.iter().filter(|d| d.kind == kind) {
        let Some(first) = detected.places.first() else {
            continue;
        };
        let (message, mut evidence) = match &detected.shown_value {
            Some(value) => (
                format!("{} {value} in {}", detected.label, first.shown),
                format!("{}: {value}", detected.label),
            ),
            None => (
                format!(
                    "{} hard-coded in {}",
                    capitalised(&detected.label),
                    first.shown
                ),
                format!(
                    "{} \"{}…\" ({} characters, SHA-256 {})",
                    detected.label, detected.preview, detected.length, detected.sha256
                ),
            ),
        };
        if let Some(name) = &detected.name {
            evidence.push_str(&format!("\nassigned to {name}"));
        }
        let places: Vec<&str> = detected.places.iter().map(|p| p.shown.as_str()).collect();
        evidence.push_str(&format!("\nfound in {}", places.join("; ")));
        if !detected.facts.is_empty() {
            evidence.push('\n');
            evidence.push_str(&detected.facts.join("; "));
        }
        let key = format!("sha256:{}", detected.sha256);
        let location = first.location.clone();
        match detected.severity {
            Some(severity) => out.emit_with_severity(severity, location, &key, message, evidence),
            None => out.emit(location, &key, message, evidence),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rules_are_documented_and_classified() {
        let mut ids = HashSet::new();
        for rule in RULES {
            assert!(ids.insert(rule.id), "duplicate {}", rule.id);
            assert!(
                rule.id.starts_with("secret.") || rule.id == "privacy.trackers",
                "{}",
                rule.id
            );
            assert!(
                appvd_taxonomy::masvs_control(rule.masvs).is_some(),
                "{}",
                rule.id
            );
            assert!(appvd_taxonomy::cwe(rule.cwe).is_some(), "{}", rule.id);
            for text in [rule.docs.what, rule.docs.why, rule.docs.fix] {
                assert!(text.trim().len() >= 30, "{}", rule.id);
            }
            assert!(!rule.docs.references.is_empty());
            assert!(
                rule.docs
                    .references
                    .iter()
                    .all(|r| r.starts_with("https://"))
            );
        }
    }

    /// Every fixture finding, as JSON, carries the hash and preview of its secret and never the
    /// secret itself, nor any other secret the scan saw in that app.
    #[test]
    fn findings_never_contain_the_secret() {
        let mut checked = 0;
        for rule in RULES.iter().filter(|r| r.id.starts_with("secret.")) {
            let path = crate::testing::fixture_path(rule, "positive");
            let Ok(app) = AppModel::open(&path) else {
                panic!("{}: cannot open {}", rule.id, path.display());
            };
            let secrets: Vec<String> = scan::raw_secrets(&app)
                .into_iter()
                .filter(|(kind, _)| kind.is_credential())
                .map(|(_, secret)| secret)
                .collect();
            assert!(
                !secrets.is_empty() || rule.id == "secret.firebase_database",
                "{}: the positive fixture plants no secret",
                rule.id
            );
            for finding in rule.run(&app) {
                let json = serde_json::to_string(&finding).unwrap_or_default();
                for secret in &secrets {
                    assert!(!json.contains(secret.as_str()), "{}: {json}", rule.id);
                }
                if rule.id != "secret.firebase_database" {
                    let sha = scan::sha256_hex(""); // shape only: 64 hex digits follow "SHA-256 "
                    let at = json.find("SHA-256 ").map(|i| i + 8).unwrap_or(0);
                    let digest = json.get(at..at + sha.len()).unwrap_or_default();
                    assert!(
                        at > 8 && digest.chars().all(|c| c.is_ascii_hexdigit()),
                        "{}: {json}",
                        rule.id
                    );
                    assert!(json.contains(" characters"), "{}: {json}", rule.id);
                }
                checked += 1;
            }
        }
        assert!(checked >= RULES.len() - 1);
    }
}
