use appvd_axml::{Domain, DomainConfig, NetworkSecurityConfig};

use crate::finding::Severity;
use crate::model::{AppModel, ResXml};
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{Hit, emit_all};
use crate::rules::resxml::{at, domains_key, domains_shown, is_loopback, network_security_config};

pub static RULE: Rule = Rule {
    id: "tls.nsc_cleartext",
    title: "Network security config permits cleartext traffic",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-1",
    cwe: 319,
    docs: Docs {
        what: "The app's network security config lets connections use cleartext HTTP: for every host when the \
               `<base-config>` permits it (`cleartextTrafficPermitted=\"true\"`, or not set while the app targets API \
               27 or lower, where the platform default is to permit it) — High; or for the domains of a \
               `<domain-config>` that permits it while the base config does not — Medium, one finding per \
               domain-config, with loopback hosts (`localhost`, `127.0.0.1`) left out. Apps without a config are \
               judged by `tls.cleartext_manifest`; once a config is named, Android 7.0+ ignores \
               `android:usesCleartextTraffic` and this rule owns every cleartext case.",
        why: "Traffic to the listed hosts (or to every host) may go over plain HTTP, where anyone on the network path — \
              public Wi-Fi, a rogue access point, a compromised router — can read credentials and session tokens and \
              change responses, including downloaded content and code.",
        fix: "Set `cleartextTrafficPermitted=\"false\"` on `<base-config>` (the default from API 28), move the hosts to \
              HTTPS and drop their cleartext `<domain-config>`. Keep cleartext only for hosts that cannot do TLS and \
              carry nothing sensitive, each listed by name.",
        references: &[
            "https://developer.android.com/privacy-and-security/security-config#CleartextTrafficPermitted",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0019/",
            "https://cwe.mitre.org/data/definitions/319.html",
        ],
    },
    check,
};

/// Domain-configs in the order the platform flattens them (parents first), with whether cleartext
/// is permitted for them and whether that was written on the element itself.
fn walk<'c>(
    config: &'c DomainConfig,
    inherited: bool,
    out: &mut Vec<(&'c DomainConfig, bool, bool)>,
) {
    let permitted = config.cleartext_traffic_permitted.unwrap_or(inherited);
    out.push((
        config,
        permitted,
        config.cleartext_traffic_permitted.is_some(),
    ));
    for child in &config.domain_configs {
        walk(child, permitted, out);
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some((config, target_sdk)) = network_security_config(app) {
        emit_all(out, hits(config, target_sdk));
    }
}

fn hits(config: &ResXml<NetworkSecurityConfig>, target_sdk: u32) -> Vec<Hit> {
    let mut hits = Vec::new();
    let base = config.view.effective_base(target_sdk, false);
    if base.cleartext_traffic_permitted {
        let evidence = match config
            .view
            .base_config
            .as_ref()
            .and_then(|b| b.cleartext_traffic_permitted)
        {
            Some(_) => "<base-config cleartextTrafficPermitted=\"true\">".to_owned(),
            None => format!(
                "<base-config> does not set cleartextTrafficPermitted; targetSdk {target_sdk} < 28 permits cleartext by default"
            ),
        };
        let line = config
            .view
            .base_config
            .as_ref()
            .map_or(config.view.line, |b| b.line);
        hits.push(Hit::new(
            at(config, line),
            "base-config",
            "The network security config allows cleartext HTTP to every host.",
            evidence,
        ));
        return hits;
    }
    let mut configs = Vec::new();
    for domain_config in &config.view.domain_configs {
        walk(domain_config, false, &mut configs);
    }
    for (domain_config, permitted, explicit) in configs {
        if !permitted {
            continue;
        }
        let domains: Vec<Domain> = domain_config
            .domains
            .iter()
            .filter(|d| !is_loopback(d))
            .cloned()
            .collect();
        if domains.is_empty() {
            continue;
        }
        let how = if explicit {
            "cleartextTrafficPermitted=\"true\""
        } else {
            "cleartext inherited from its parent <domain-config>"
        };
        hits.push(
            Hit::new(
                at(config, domain_config.line),
                domains_key(&domains),
                format!(
                    "The network security config allows cleartext HTTP to {}.",
                    domains_shown(&domains, 3)
                ),
                format!(
                    "<domain-config> with {how}; domains: {}",
                    domains_shown(&domains, 8)
                ),
            )
            .with_severity(Severity::Medium),
        );
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_axml::BaseConfig;

    fn domain(name: &str) -> Domain {
        Domain {
            name: name.into(),
            include_subdomains: None,
            line: 6,
        }
    }

    fn config(base: Option<bool>, domains: Vec<DomainConfig>) -> ResXml<NetworkSecurityConfig> {
        let view = NetworkSecurityConfig {
            base_config: Some(BaseConfig {
                cleartext_traffic_permitted: base,
                trust_anchors: None,
                line: 2,
            }),
            domain_configs: domains,
            debug_overrides: None,
            line: 1,
        };
        ResXml {
            path: "res/xml/nsc.xml".into(),
            view,
        }
    }

    fn domain_config(
        names: &[&str],
        cleartext: Option<bool>,
        children: Vec<DomainConfig>,
    ) -> DomainConfig {
        DomainConfig {
            domains: names.iter().map(|n| domain(n)).collect(),
            cleartext_traffic_permitted: cleartext,
            domain_configs: children,
            line: 5,
            ..DomainConfig::default()
        }
    }

    #[test]
    fn the_base_config_default_follows_the_target_sdk() {
        let unset = config(
            None,
            vec![domain_config(&["api.example.com"], Some(true), Vec::new())],
        );
        let old = hits(&unset, 27);
        assert_eq!(
            (old.len(), old[0].key.as_str(), old[0].severity),
            (1, "base-config", None),
            "one High finding covers the domains too"
        );
        let new = hits(&unset, 28);
        assert_eq!((new.len(), new[0].severity), (1, Some(Severity::Medium)));
        assert!(hits(&config(Some(false), Vec::new()), 27).is_empty());
    }

    #[test]
    fn nested_domain_configs_inherit_and_loopback_is_ignored() {
        let nested = domain_config(&["legacy.example.com"], None, Vec::new());
        let closed = domain_config(&["secure.example.com"], Some(false), Vec::new());
        let parent = domain_config(
            &["example.com", "localhost"],
            Some(true),
            vec![nested, closed],
        );
        let local = domain_config(&["127.0.0.1"], Some(true), Vec::new());
        let found = hits(&config(Some(false), vec![parent, local]), 34);
        let keys: Vec<&str> = found.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["example.com", "legacy.example.com"]);
        assert!(
            found[1].evidence.contains("inherited"),
            "{}",
            found[1].evidence
        );
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
