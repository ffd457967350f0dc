//! Code rules on the string pool and on light intra-procedural data flow (second wave).
//!
//! Four kinds of rules live here, with their shared parts in non-rule files:
//!
//! * string-pool rules — `tls.http_url` and `privacy.hardcoded_endpoints` read every string the
//!   code loads (attributed to the loading method) and the string resources; `urls` decides
//!   what is an endpoint and what is a namespace, a loopback or an SDK host;
//! * constant-material rules — `crypto.hardcoded_key` and `crypto.static_iv` ask `material`
//!   whether the bytes reaching a key or IV constructor are fixed in the code;
//! * data-flow rules — `ipc.intent_redirection`, `webview.untrusted_url`,
//!   `ipc.provider_path_traversal`, `code.sql_injection`, `code.zip_slip`,
//!   `code.unsafe_deserialization`, `ipc.unprotected_broadcast_send` follow a value inside one
//!   method with the engine's constant propagation and origin tags (`flow::MethodFlow::derive`)
//!   from a source (an Intent an exported component received, a URI path, a ZIP entry name, text
//!   typed into a view) to a sink, and stay silent when the method checks the value first;
//!   `flow::EntryPoints` says which classes run for other apps;
//! * `ui.no_tapjacking_protection` is an app-wide absence rule over layouts, styles and code.
//!
//! Findings sit at the sink call; their fingerprint key is the enclosing class and method plus
//! the callee (or the URL, host or address for the string-pool rules), never an offset.

use crate::rule::Rule;

mod flow;
pub mod hardcoded_endpoints;
pub mod hardcoded_key;
pub mod http_url;
pub mod intent_redirection;
mod material;
pub mod no_tapjacking_protection;
pub mod provider_path_traversal;
pub mod sql_injection;
pub mod static_iv;
pub mod unprotected_broadcast_send;
pub mod unsafe_deserialization;
pub mod untrusted_url;
mod urls;
pub mod zip_slip;

pub static RULES: &[&Rule] = &[
    &http_url::RULE,
    &hardcoded_endpoints::RULE,
    &hardcoded_key::RULE,
    &static_iv::RULE,
    &intent_redirection::RULE,
    &provider_path_traversal::RULE,
    &untrusted_url::RULE,
    &unsafe_deserialization::RULE,
    &zip_slip::RULE,
    &unprotected_broadcast_send::RULE,
    &sql_injection::RULE,
    &no_tapjacking_protection::RULE,
];

#[cfg(test)]
mod tests {
    use super::RULES;

    /// The catalog rows this group implements, in its order.
    const CATALOG_IDS: [&str; 12] = [
        "tls.http_url",
        "privacy.hardcoded_endpoints",
        "crypto.hardcoded_key",
        "crypto.static_iv",
        "ipc.intent_redirection",
        "ipc.provider_path_traversal",
        "webview.untrusted_url",
        "code.unsafe_deserialization",
        "code.zip_slip",
        "ipc.unprotected_broadcast_send",
        "code.sql_injection",
        "ui.no_tapjacking_protection",
    ];

    #[test]
    fn the_group_holds_its_catalog_rows_with_known_taxonomy_ids() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids, CATALOG_IDS);
        for rule in RULES {
            assert!(
                appvd_taxonomy::masvs_control(rule.masvs).is_some(),
                "{}: {}",
                rule.id,
                rule.masvs
            );
            assert!(
                appvd_taxonomy::cwe(rule.cwe).is_some(),
                "{}: CWE-{}",
                rule.id,
                rule.cwe
            );
            assert!(
                rule.docs
                    .references
                    .iter()
                    .all(|r| r.starts_with("https://"))
            );
            for kind in ["positive", "negative"] {
                assert!(
                    crate::testing::fixture_path(rule, kind).is_file(),
                    "{} {kind}",
                    rule.id
                );
            }
        }
    }
}
