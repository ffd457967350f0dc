use appvd_axml::{CertificateSource, DomainConfig, Manifest, NetworkSecurityConfig, TrustAnchors};

use crate::finding::Severity;
use crate::model::{AppModel, ResXml};
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{Hit, emit_all};
use crate::rules::resxml::{at, domains_key, domains_shown};

pub static RULE: Rule = Rule {
    id: "tls.nsc_user_ca",
    title: "User-installed CAs trusted in the release configuration",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-1",
    cwe: 295,
    docs: Docs {
        what: "The app trusts certificate authorities that the user (or anyone with the unlocked device, or a device \
               policy) installed: `<certificates src=\"user\"/>` in the network security config's `<base-config>` or \
               in a `<domain-config>` (one finding per domain-config, unless the base config already trusts them), or \
               no config at all (or a `<base-config>` without trust anchors) while the app targets API 23 or lower, \
               where the platform trusts user CAs by default. Anchors inside `<debug-overrides>` only apply to \
               debuggable builds and are `tls.nsc_debug_overrides`'s concern.",
        why: "Installing a CA certificate takes a few taps in Settings, and malware, stalkerware, corporate proxies and \
              people with brief access to the phone do it. With user CAs trusted, whoever holds that CA can \
              intercept and alter the app's HTTPS traffic without any warning; certificate pinning does not help \
              either once the anchor is trusted with `overridePins`.",
        fix: "Remove `<certificates src=\"user\"/>` from release configurations; put it under `<debug-overrides>` if \
              testers need a proxy. Apps targeting API 23 or lower should target a current level or add a network \
              security config whose `<base-config>` trusts only `src=\"system\"`.",
        references: &[
            "https://developer.android.com/privacy-and-security/security-config#TrustingAdditionalCas",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0022/",
            "https://android-developers.googleblog.com/2016/07/changes-to-trusted-certificate.html",
            "https://cwe.mitre.org/data/definitions/295.html",
        ],
    },
    check,
};

/// Up to this target SDK the platform trusts user CAs by default.
const LAST_API_TRUSTING_USER_CAS: u32 = 23;

fn trusts_user(anchors: Option<&TrustAnchors>) -> bool {
    anchors.is_some_and(|a| {
        a.certificates
            .iter()
            .any(|c| c.source == CertificateSource::User)
    })
}

fn walk<'c>(config: &'c DomainConfig, out: &mut Vec<&'c DomainConfig>) {
    out.push(config);
    for child in &config.domain_configs {
        walk(child, out);
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest, app.network_security_config()));
    }
}

fn hits(manifest: &Manifest, config: Option<&ResXml<NetworkSecurityConfig>>) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Some(application) = manifest.application.as_ref() else {
        return hits;
    };
    let target_sdk = manifest.target_sdk();
    let Some(config) = config else {
        if application.network_security_config.is_none() && target_sdk <= LAST_API_TRUSTING_USER_CAS
        {
            hits.push(Hit::new(
                crate::rules::manifest::at_line(application.line),
                "base-config",
                "The app trusts user-installed CAs for every connection.",
                format!("no network security config; targetSdk {target_sdk} <= 23 trusts user-installed CAs by default"),
            ));
        }
        return hits;
    };
    let base = config.view.effective_base(target_sdk, false);
    if base.trusts_user_certificates() {
        let base_config = config.view.base_config.as_ref();
        let evidence = if trusts_user(base_config.and_then(|b| b.trust_anchors.as_ref())) {
            "<base-config><trust-anchors><certificates src=\"user\"/>".to_owned()
        } else {
            format!(
                "<base-config> sets no trust anchors; targetSdk {target_sdk} <= 23 trusts user-installed CAs by default"
            )
        };
        let line = base_config.map_or(config.view.line, |b| b.line);
        hits.push(Hit::new(
            at(config, line),
            "base-config",
            "The network security config trusts user-installed CAs for every connection.",
            evidence,
        ));
        return hits;
    }
    let mut configs = Vec::new();
    for domain_config in &config.view.domain_configs {
        walk(domain_config, &mut configs);
    }
    for domain_config in configs
        .into_iter()
        .filter(|c| trusts_user(c.trust_anchors.as_ref()))
    {
        let line = domain_config
            .trust_anchors
            .as_ref()
            .map_or(domain_config.line, |a| a.line);
        hits.push(Hit::new(
            at(config, line),
            domains_key(&domain_config.domains),
            format!(
                "The network security config trusts user-installed CAs for {}.",
                domains_shown(&domain_config.domains, 3)
            ),
            format!(
                "<domain-config><trust-anchors><certificates src=\"user\"/>; domains: {}",
                domains_shown(&domain_config.domains, 8)
            ),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::manifest;
    use appvd_axml::{BaseConfig, Certificates, Domain, ResourceLink};

    fn anchors(sources: &[CertificateSource]) -> Option<TrustAnchors> {
        let certificates = sources
            .iter()
            .map(|source| Certificates {
                source: source.clone(),
                override_pins: None,
                line: 5,
            })
            .collect();
        Some(TrustAnchors {
            certificates,
            line: 4,
        })
    }

    fn config(
        base: Option<Option<TrustAnchors>>,
        domain: Option<TrustAnchors>,
    ) -> ResXml<NetworkSecurityConfig> {
        let domain_configs = domain
            .map(|trust_anchors| DomainConfig {
                domains: vec![Domain {
                    name: "corp.example.com".into(),
                    include_subdomains: None,
                    line: 7,
                }],
                trust_anchors: Some(trust_anchors),
                line: 6,
                ..DomainConfig::default()
            })
            .into_iter()
            .collect();
        let view = NetworkSecurityConfig {
            base_config: base.map(|trust_anchors| BaseConfig {
                cleartext_traffic_permitted: None,
                trust_anchors,
                line: 2,
            }),
            domain_configs,
            debug_overrides: None,
            line: 1,
        };
        ResXml {
            path: "res/xml/nsc.xml".into(),
            view,
        }
    }

    #[test]
    fn without_a_config_only_old_targets_trust_user_cas() {
        assert_eq!(hits(&manifest(21, 23), None).len(), 1);
        assert!(hits(&manifest(21, 24), None).is_empty());
        // A named config that could not be read: Android refuses it, nothing to judge.
        let mut unreadable = manifest(21, 23);
        if let Some(application) = unreadable.application.as_mut() {
            application.network_security_config = Some(ResourceLink {
                id: 0x7f0f_0000,
                name: None,
                path: None,
            });
        }
        assert!(hits(&unreadable, None).is_empty());
    }

    #[test]
    fn base_config_defaults_follow_the_target_sdk() {
        let no_anchors = config(Some(None), None);
        assert_eq!(hits(&manifest(21, 23), Some(&no_anchors)).len(), 1);
        assert!(hits(&manifest(21, 24), Some(&no_anchors)).is_empty());
        let system_only = config(Some(anchors(&[CertificateSource::System])), None);
        assert!(
            hits(&manifest(21, 23), Some(&system_only)).is_empty(),
            "explicit anchors replace the default"
        );
    }

    #[test]
    fn domain_configs_are_reported_unless_the_base_already_is() {
        let domain = config(
            None,
            anchors(&[CertificateSource::System, CertificateSource::User]),
        );
        let found = hits(&manifest(24, 34), Some(&domain));
        assert_eq!(
            found.iter().map(|h| h.key.as_str()).collect::<Vec<_>>(),
            ["corp.example.com"]
        );
        let both = config(
            Some(anchors(&[CertificateSource::User])),
            anchors(&[CertificateSource::User]),
        );
        assert_eq!(
            hits(&manifest(24, 34), Some(&both))
                .iter()
                .map(|h| h.key.as_str())
                .collect::<Vec<_>>(),
            ["base-config"]
        );
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
