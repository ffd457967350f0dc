use appvd_axml::{CertificateSource, NetworkSecurityConfig};

use crate::finding::Severity;
use crate::model::{AppModel, ResXml};
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{Hit, emit_all};
use crate::rules::resxml::{
    at, domains_key, domains_shown, network_security_config, release_domain_configs,
};

pub static RULE: Rule = Rule {
    id: "tls.nsc_override_pins",
    title: "Trust anchor overrides certificate pins",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-2",
    cwe: 295,
    docs: Docs {
        what: "A `<domain-config>` pins certificates (`<pin-set>` with pins) but one of its trust anchors — its own or \
               inherited from `<base-config>` — is the system or user CA store with `overridePins=\"true\"`, so chains \
               ending at any of those CAs skip the pin check. One finding per domain-config. Anchors bundled with the \
               app (`@raw/…`) are not reported: overriding pins for the vendor's own CA is a deliberate design. \
               Configs without pins are not reported either, since there is nothing to override.",
        why: "Pinning exists to stop interception by a CA that should not be trusted for the app's hosts. Letting any \
              system CA override the pins removes pinning entirely; letting user-installed CAs override them hands \
              every HTTPS connection of the pinned hosts to whoever can install a CA on the device — the exact setup \
              of an interception proxy.",
        fix: "Remove `overridePins=\"true\"` from `src=\"system\"` and `src=\"user\"` certificates in release \
              configurations. For debugging, put the override under `<debug-overrides>`, which only debuggable builds \
              read.",
        references: &[
            "https://developer.android.com/privacy-and-security/security-config#CertificatePinning",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0022/",
            "https://cwe.mitre.org/data/definitions/295.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some((config, target_sdk)) = network_security_config(app) {
        emit_all(out, hits(config, target_sdk));
    }
}

fn hits(config: &ResXml<NetworkSecurityConfig>, target_sdk: u32) -> Vec<Hit> {
    let mut hits = Vec::new();
    for effective in release_domain_configs(&config.view, target_sdk) {
        let Some(pins) = effective.pin_set.as_ref().filter(|p| !p.pins.is_empty()) else {
            continue;
        };
        let mut sources: Vec<&str> = effective
            .trust_anchors
            .iter()
            .filter(|a| a.override_pins && !a.from_debug_overrides)
            .filter_map(|a| match a.source {
                CertificateSource::System => Some("system"),
                CertificateSource::User => Some("user"),
                CertificateSource::Resource(_) | CertificateSource::Invalid(_) => None,
            })
            .collect();
        sources.sort_unstable();
        sources.dedup();
        if sources.is_empty() {
            continue;
        }
        let anchors: Vec<String> = sources
            .iter()
            .map(|s| format!("<certificates src=\"{s}\" overridePins=\"true\"/>"))
            .collect();
        let who = if sources.contains(&"user") {
            "user-installed CAs"
        } else {
            "any system CA"
        };
        hits.push(Hit::new(
            at(config, effective.line),
            domains_key(&effective.domains),
            format!(
                "Certificate pins for {} are bypassed for {who}.",
                domains_shown(&effective.domains, 3)
            ),
            format!(
                "{}; pin-set of {} pin(s) at line {}",
                anchors.join(" "),
                pins.pins.len(),
                pins.line
            ),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_axml::{
        BaseConfig, Certificates, Domain, DomainConfig, Pin, PinSet, ResourceLink, TrustAnchors,
    };

    fn anchors(sources: &[(CertificateSource, bool)]) -> Option<TrustAnchors> {
        let certificates = sources
            .iter()
            .map(|(source, override_pins)| Certificates {
                source: source.clone(),
                override_pins: Some(*override_pins),
                line: 5,
            })
            .collect();
        Some(TrustAnchors {
            certificates,
            line: 4,
        })
    }

    fn config(
        base: Option<TrustAnchors>,
        own: Option<TrustAnchors>,
        pins: usize,
    ) -> ResXml<NetworkSecurityConfig> {
        let pin = |i: usize| Pin {
            digest: Some("SHA-256".into()),
            value: format!("pin{i}"),
            line: 8,
        };
        let domain_config = DomainConfig {
            domains: vec![Domain {
                name: "api.example.com".into(),
                include_subdomains: None,
                line: 6,
            }],
            trust_anchors: own,
            pin_set: Some(PinSet {
                expiration: None,
                pins: (0..pins).map(pin).collect(),
                line: 7,
            }),
            line: 5,
            ..DomainConfig::default()
        };
        let view = NetworkSecurityConfig {
            base_config: Some(BaseConfig {
                cleartext_traffic_permitted: None,
                trust_anchors: base,
                line: 2,
            }),
            domain_configs: vec![domain_config],
            debug_overrides: None,
            line: 1,
        };
        ResXml {
            path: "res/xml/nsc.xml".into(),
            view,
        }
    }

    #[test]
    fn inherited_overrides_count_and_bundled_cas_do_not() {
        let inherited = config(anchors(&[(CertificateSource::User, true)]), None, 2);
        let found = hits(&inherited, 34);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("user-installed CAs"),
            "{}",
            found[0].message
        );
        let bundled = ResourceLink {
            id: 0x7f0e_0000,
            name: Some("raw/corp_ca".into()),
            path: None,
        };
        assert!(
            hits(
                &config(
                    None,
                    anchors(&[(CertificateSource::Resource(bundled), true)]),
                    2
                ),
                34
            )
            .is_empty()
        );
        assert!(
            hits(
                &config(None, anchors(&[(CertificateSource::System, false)]), 2),
                34
            )
            .is_empty()
        );
    }

    #[test]
    fn nothing_to_override_without_pins() {
        assert!(
            hits(
                &config(None, anchors(&[(CertificateSource::System, true)]), 0),
                34
            )
            .is_empty()
        );
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
