//! Rules on the res/xml files the manifest points to (network security config, backup rules,
//! FileProvider paths).
//!
//! The network security config rules read the release view of the config: the platform's
//! inheritance rules applied for the app's target SDK, without `<debug-overrides>` (which only
//! `tls.nsc_debug_overrides` looks at, and only for debuggable apps).

use appvd_axml::{Domain, EffectiveConfig, NetworkSecurityConfig};

use crate::finding::Location;
use crate::model::{AppModel, ResXml};
use crate::rule::Rule;

pub mod fileprovider_broad_paths;
pub mod nsc_cleartext;
pub mod nsc_debug_overrides;
pub mod nsc_override_pins;
pub mod nsc_pin_expiry;
pub mod nsc_user_ca;

pub static RULES: &[&Rule] = &[
    &nsc_cleartext::RULE,
    &nsc_user_ca::RULE,
    &nsc_override_pins::RULE,
    &nsc_debug_overrides::RULE,
    &nsc_pin_expiry::RULE,
    &fileprovider_broad_paths::RULE,
];

/// The app's network security config with the app's target SDK, when it has one.
pub(crate) fn network_security_config(
    app: &AppModel,
) -> Option<(&ResXml<NetworkSecurityConfig>, u32)> {
    let config = app.network_security_config()?;
    let target_sdk = app.manifest()?.target_sdk();
    Some((config, target_sdk))
}

/// A line of the network security config file.
pub(crate) fn at(config: &ResXml<NetworkSecurityConfig>, line: u32) -> Location {
    Location::file(config.path.clone()).with_line(line)
}

/// The domains of a config as written (`*.` marks `includeSubdomains`), sorted and joined: the
/// identity of a domain-config across versions.
pub(crate) fn domains_key(domains: &[Domain]) -> String {
    let mut names: Vec<String> = domains
        .iter()
        .map(|d| {
            if d.include_subdomains == Some(true) {
                format!("*.{}", d.name)
            } else {
                d.name.clone()
            }
        })
        .collect();
    names.sort();
    names.dedup();
    names.join(", ")
}

/// Up to `max` domains for a message, with a count of the rest.
pub(crate) fn domains_shown(domains: &[Domain], max: usize) -> String {
    let mut names: Vec<String> = domains
        .iter()
        .map(|d| {
            if d.include_subdomains == Some(true) {
                format!("{} (with subdomains)", d.name)
            } else {
                d.name.clone()
            }
        })
        .collect();
    names.sort();
    names.dedup();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    crate::rules::manifest::list(&names, max)
}

/// True for domains that never leave the device (`localhost`, `127.0.0.1`, `::1`).
pub(crate) fn is_loopback(domain: &Domain) -> bool {
    matches!(
        domain.name.trim_matches(|c| c == '[' || c == ']'),
        "localhost" | "127.0.0.1" | "::1" | "ip6-localhost"
    )
}

/// The release (non-debuggable) effective domain configs.
pub(crate) fn release_domain_configs(
    config: &NetworkSecurityConfig,
    target_sdk: u32,
) -> Vec<EffectiveConfig> {
    config.effective_configs(target_sdk, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(name: &str, subdomains: bool) -> Domain {
        Domain {
            name: name.into(),
            include_subdomains: subdomains.then_some(true),
            line: 1,
        }
    }

    #[test]
    fn domain_keys_are_stable_and_mark_subdomains() {
        let domains = [
            domain("b.example", false),
            domain("a.example", true),
            domain("b.example", false),
        ];
        assert_eq!(domains_key(&domains), "*.a.example, b.example");
        assert_eq!(
            domains_shown(&domains, 1),
            "a.example (with subdomains) and 1 more"
        );
        assert!(is_loopback(&domain("localhost", false)));
        assert!(is_loopback(&domain("127.0.0.1", false)));
        assert!(!is_loopback(&domain("10.0.2.2", false)));
    }
}
