//! The typed view of a network security config (`res/xml/network_security_config.xml`).
//!
//! [`NetworkSecurityConfig`] mirrors the file (base-config, nested domain-configs, trust
//! anchors, pin sets, debug-overrides) with absent values kept as `None`. The platform's
//! inheritance rules (a domain-config inherits unset values from its parent, the base config
//! from the platform default for the target SDK, debug-overrides anchors join every config with
//! anchors of its own in debuggable builds) are applied by
//! [`NetworkSecurityConfig::effective_configs`], so rules can ask "is cleartext permitted for
//! this domain" without reimplementing them.

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::arsc::ResourceTable;
use crate::view::{Reader, ResourceLink};
use crate::xml::{Element, XmlDocument};

/// The parsed network security config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct NetworkSecurityConfig {
    pub base_config: Option<BaseConfig>,
    pub domain_configs: Vec<DomainConfig>,
    pub debug_overrides: Option<DebugOverrides>,
    pub line: u32,
}

/// `<base-config>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BaseConfig {
    pub cleartext_traffic_permitted: Option<bool>,
    pub trust_anchors: Option<TrustAnchors>,
    pub line: u32,
}

/// `<domain-config>`, possibly nested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DomainConfig {
    pub domains: Vec<Domain>,
    pub cleartext_traffic_permitted: Option<bool>,
    pub trust_anchors: Option<TrustAnchors>,
    pub pin_set: Option<PinSet>,
    /// Nested `<domain-config>` elements, which inherit from this one.
    pub domain_configs: Vec<DomainConfig>,
    pub line: u32,
}

/// `<domain>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    /// The host name, lower-cased as Android does.
    pub name: String,
    pub include_subdomains: Option<bool>,
    pub line: u32,
}

/// `<trust-anchors>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TrustAnchors {
    pub certificates: Vec<Certificates>,
    pub line: u32,
}

/// `<certificates src=… overridePins=…>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificates {
    pub source: CertificateSource,
    pub override_pins: Option<bool>,
    pub line: u32,
}

/// Where trusted certificates come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum CertificateSource {
    /// The preinstalled system CA store.
    System,
    /// User-installed CAs.
    User,
    /// Certificates bundled in the app (`@raw/…`).
    Resource(ResourceLink),
    /// An unusable `src`; Android refuses to load the config.
    Invalid(String),
}

/// `<pin-set>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PinSet {
    /// `expiration` as written (`yyyy-MM-dd`).
    pub expiration: Option<String>,
    pub pins: Vec<Pin>,
    pub line: u32,
}

impl PinSet {
    /// The expiration date as (year, month, day), when it parses.
    pub fn expiration_date(&self) -> Option<(i32, u32, u32)> {
        parse_date(self.expiration.as_deref()?)
    }
}

/// `<pin digest="SHA-256">base64</pin>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pin {
    pub digest: Option<String>,
    pub value: String,
    pub line: u32,
}

/// `<debug-overrides>`: only applies to debuggable builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DebugOverrides {
    pub trust_anchors: Option<TrustAnchors>,
    pub line: u32,
}

/// A configuration after inheritance: what the platform enforces for its domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveConfig {
    /// Domains covered; empty for the base configuration.
    pub domains: Vec<Domain>,
    pub cleartext_traffic_permitted: bool,
    pub trust_anchors: Vec<EffectiveAnchor>,
    pub pin_set: Option<PinSet>,
    /// Line of the element that defines this configuration (0 for the platform default).
    pub line: u32,
}

impl EffectiveConfig {
    /// True when user-installed CAs are trusted.
    pub fn trusts_user_certificates(&self) -> bool {
        self.trust_anchors
            .iter()
            .any(|anchor| anchor.source == CertificateSource::User)
    }
}

/// A trust anchor after inheritance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveAnchor {
    pub source: CertificateSource,
    pub override_pins: bool,
    /// Added by `<debug-overrides>`.
    pub from_debug_overrides: bool,
}

impl NetworkSecurityConfig {
    /// Builds the view from a decoded `network-security-config` document.
    pub fn from_document(
        document: &XmlDocument,
        table: Option<&ResourceTable>,
    ) -> (NetworkSecurityConfig, Vec<Anomaly>) {
        let mut reader = Reader::new(table);
        let root = &document.root;
        if root.name != "network-security-config" {
            reader.anomalies.add(
                AnomalyKind::UnexpectedRoot,
                Some(root.offset as usize),
                || {
                    format!(
                        "root element is <{}>, not <network-security-config>",
                        root.name
                    )
                },
            );
        }
        let mut config = NetworkSecurityConfig {
            line: root.line,
            ..NetworkSecurityConfig::default()
        };
        for child in root.elements() {
            match child.name.as_str() {
                "base-config" => {
                    if config.base_config.is_some() {
                        reader.duplicate(
                            child,
                            "only one <base-config> is allowed; Android refuses the config",
                        );
                        continue;
                    }
                    let mut base = BaseConfig {
                        cleartext_traffic_permitted: reader
                            .plain_bool(child, "cleartextTrafficPermitted"),
                        line: child.line,
                        ..BaseConfig::default()
                    };
                    for grandchild in child.elements() {
                        match grandchild.name.as_str() {
                            "trust-anchors" => {
                                set_anchors(&mut reader, &mut base.trust_anchors, grandchild)
                            }
                            _ => reader.unknown_element(grandchild, "base-config"),
                        }
                    }
                    config.base_config = Some(base);
                }
                "domain-config" => {
                    config
                        .domain_configs
                        .push(read_domain_config(&mut reader, child, 1))
                }
                "debug-overrides" => {
                    if config.debug_overrides.is_some() {
                        reader.duplicate(
                            child,
                            "only one <debug-overrides> is allowed; Android refuses the config",
                        );
                        continue;
                    }
                    let mut overrides = DebugOverrides {
                        line: child.line,
                        ..DebugOverrides::default()
                    };
                    for grandchild in child.elements() {
                        match grandchild.name.as_str() {
                            "trust-anchors" => {
                                set_anchors(&mut reader, &mut overrides.trust_anchors, grandchild)
                            }
                            _ => reader.unknown_element(grandchild, "debug-overrides"),
                        }
                    }
                    config.debug_overrides = Some(overrides);
                }
                _ => reader.unknown_element(child, "network-security-config"),
            }
        }
        (config, reader.anomalies.into_vec())
    }

    /// The base configuration as enforced: platform defaults for `target_sdk` (cleartext below
    /// API 28, user CAs up to API 23), overridden by `<base-config>`, plus debug-overrides
    /// anchors when `debuggable`.
    pub fn effective_base(&self, target_sdk: u32, debuggable: bool) -> EffectiveConfig {
        let debug = self.debug_anchors(debuggable);
        let mut platform = platform_default(target_sdk);
        add_debug_anchors(&mut platform, &debug);
        let Some(base) = &self.base_config else {
            return platform;
        };
        let mut effective = EffectiveConfig {
            domains: Vec::new(),
            cleartext_traffic_permitted: base
                .cleartext_traffic_permitted
                .unwrap_or(platform.cleartext_traffic_permitted),
            trust_anchors: platform.trust_anchors.clone(),
            pin_set: None,
            line: base.line,
        };
        if let Some(anchors) = &base.trust_anchors {
            effective.trust_anchors = own_anchors(anchors);
            add_debug_anchors(&mut effective, &debug);
        }
        effective
    }

    /// Every domain-config (nested ones included, parents first) with inherited values
    /// applied.
    pub fn effective_configs(&self, target_sdk: u32, debuggable: bool) -> Vec<EffectiveConfig> {
        let debug = self.debug_anchors(debuggable);
        let base = self.effective_base(target_sdk, debuggable);
        let mut out = Vec::new();
        for domain_config in &self.domain_configs {
            flatten(domain_config, &base, &debug, &mut out);
        }
        out
    }

    fn debug_anchors(&self, debuggable: bool) -> Vec<EffectiveAnchor> {
        if !debuggable {
            return Vec::new();
        }
        self.debug_overrides
            .as_ref()
            .and_then(|overrides| overrides.trust_anchors.as_ref())
            .map(|anchors| {
                own_anchors(anchors)
                    .into_iter()
                    .map(|anchor| EffectiveAnchor {
                        from_debug_overrides: true,
                        ..anchor
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every trust anchor written in the file outside `<debug-overrides>`.
    pub fn release_certificates(&self) -> Vec<&Certificates> {
        let mut out: Vec<&Certificates> = Vec::new();
        if let Some(anchors) = self
            .base_config
            .as_ref()
            .and_then(|b| b.trust_anchors.as_ref())
        {
            out.extend(&anchors.certificates);
        }
        let mut stack: Vec<&DomainConfig> = self.domain_configs.iter().collect();
        while let Some(config) = stack.pop() {
            if let Some(anchors) = &config.trust_anchors {
                out.extend(&anchors.certificates);
            }
            stack.extend(&config.domain_configs);
        }
        out
    }

    /// Every pin set in the file.
    pub fn pin_sets(&self) -> Vec<&PinSet> {
        let mut out = Vec::new();
        let mut stack: Vec<&DomainConfig> = self.domain_configs.iter().collect();
        while let Some(config) = stack.pop() {
            out.extend(config.pin_set.as_ref());
            stack.extend(&config.domain_configs);
        }
        out
    }
}

fn platform_default(target_sdk: u32) -> EffectiveConfig {
    let mut trust_anchors = vec![EffectiveAnchor {
        source: CertificateSource::System,
        override_pins: false,
        from_debug_overrides: false,
    }];
    if target_sdk <= 23 {
        trust_anchors.push(EffectiveAnchor {
            source: CertificateSource::User,
            override_pins: false,
            from_debug_overrides: false,
        });
    }
    EffectiveConfig {
        domains: Vec::new(),
        cleartext_traffic_permitted: target_sdk < 28,
        trust_anchors,
        pin_set: None,
        line: 0,
    }
}

fn own_anchors(anchors: &TrustAnchors) -> Vec<EffectiveAnchor> {
    anchors
        .certificates
        .iter()
        .map(|c| EffectiveAnchor {
            source: c.source.clone(),
            override_pins: c.override_pins.unwrap_or(false),
            from_debug_overrides: false,
        })
        .collect()
}

fn add_debug_anchors(config: &mut EffectiveConfig, debug: &[EffectiveAnchor]) {
    config.trust_anchors.extend(debug.iter().cloned());
}

fn flatten(
    config: &DomainConfig,
    parent: &EffectiveConfig,
    debug: &[EffectiveAnchor],
    out: &mut Vec<EffectiveConfig>,
) {
    let mut effective = EffectiveConfig {
        domains: config.domains.clone(),
        cleartext_traffic_permitted: config
            .cleartext_traffic_permitted
            .unwrap_or(parent.cleartext_traffic_permitted),
        trust_anchors: parent.trust_anchors.clone(),
        pin_set: config.pin_set.clone().or_else(|| parent.pin_set.clone()),
        line: config.line,
    };
    if let Some(anchors) = &config.trust_anchors {
        effective.trust_anchors = own_anchors(anchors);
        add_debug_anchors(&mut effective, debug);
    }
    out.push(effective.clone());
    for child in &config.domain_configs {
        flatten(child, &effective, debug, out);
    }
}

/// Nesting deeper than this is not followed (the XML decoder already caps depth; this keeps
/// the view's own recursion small).
const MAX_DOMAIN_NESTING: usize = 64;

fn read_domain_config(reader: &mut Reader<'_>, element: &Element, depth: usize) -> DomainConfig {
    let mut config = DomainConfig {
        cleartext_traffic_permitted: reader.plain_bool(element, "cleartextTrafficPermitted"),
        line: element.line,
        ..DomainConfig::default()
    };
    for child in element.elements() {
        match child.name.as_str() {
            "domain" => config.domains.push(Domain {
                name: child.text().trim().to_lowercase(),
                include_subdomains: reader.plain_bool(child, "includeSubdomains"),
                line: child.line,
            }),
            "trust-anchors" => set_anchors(reader, &mut config.trust_anchors, child),
            "pin-set" => {
                if config.pin_set.is_some() {
                    reader.duplicate(
                        child,
                        "multiple <pin-set> elements are not allowed; Android refuses the config",
                    );
                    continue;
                }
                config.pin_set = Some(read_pin_set(reader, child));
            }
            "domain-config" if depth < MAX_DOMAIN_NESTING => {
                config
                    .domain_configs
                    .push(read_domain_config(reader, child, depth + 1));
            }
            _ => reader.unknown_element(child, "domain-config"),
        }
    }
    if config.domains.is_empty() {
        reader.anomalies.add(
            AnomalyKind::MissingAttribute,
            Some(element.offset as usize),
            || {
                format!(
                    "<domain-config> line {} has no <domain>; Android refuses the config",
                    element.line
                )
            },
        );
    }
    config
}

fn set_anchors(reader: &mut Reader<'_>, slot: &mut Option<TrustAnchors>, element: &Element) {
    if slot.is_some() {
        reader.duplicate(
            element,
            "multiple <trust-anchors> elements are not allowed; Android refuses the config",
        );
        return;
    }
    let mut anchors = TrustAnchors {
        certificates: Vec::new(),
        line: element.line,
    };
    for child in element.elements() {
        if child.name != "certificates" {
            reader.unknown_element(child, "trust-anchors");
            continue;
        }
        let source = match reader.plain_string(child, "src").as_deref() {
            Some("system") => CertificateSource::System,
            Some("user") => CertificateSource::User,
            other => match reader.plain_reference(child, "src") {
                Some(link) => CertificateSource::Resource(link),
                None => {
                    let written = other.unwrap_or_default().to_string();
                    reader.anomalies.add(AnomalyKind::UnexpectedValueType, Some(child.offset as usize), || {
                        format!("<certificates> line {} has src=\"{written}\", not system, user or a resource", child.line)
                    });
                    CertificateSource::Invalid(written)
                }
            },
        };
        anchors.certificates.push(Certificates {
            source,
            override_pins: reader.plain_bool(child, "overridePins"),
            line: child.line,
        });
    }
    *slot = Some(anchors);
}

fn read_pin_set(reader: &mut Reader<'_>, element: &Element) -> PinSet {
    let expiration = reader.plain_string(element, "expiration");
    if let Some(text) = &expiration
        && parse_date(text).is_none()
    {
        reader.anomalies.add(AnomalyKind::UnexpectedValueType, Some(element.offset as usize), || {
            format!("<pin-set> line {} has expiration \"{text}\", not yyyy-MM-dd; Android refuses the config", element.line)
        });
    }
    let mut pins = Vec::new();
    for child in element.elements() {
        if child.name != "pin" {
            reader.unknown_element(child, "pin-set");
            continue;
        }
        let digest = reader.plain_string(child, "digest");
        if digest.as_deref() != Some("SHA-256") {
            let shown = digest.clone().unwrap_or_default();
            reader.anomalies.add(
                AnomalyKind::UnexpectedValueType,
                Some(child.offset as usize),
                || {
                    format!(
                        "<pin> line {} has digest \"{shown}\"; Android supports only SHA-256",
                        child.line
                    )
                },
            );
        }
        pins.push(Pin {
            digest,
            value: child.text().trim().to_string(),
            line: child.line,
        });
    }
    PinSet {
        expiration,
        pins,
        line: element.line,
    }
}

/// Parses `yyyy-MM-dd` (Android uses `SimpleDateFormat("yyyy-MM-dd")`).
fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse::<i32>().ok()?;
    let month = parts.next()?.parse::<u32>().ok()?;
    let day = parts.next()?.parse::<u32>().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_like_simple_date_format() {
        assert_eq!(parse_date("2018-01-01"), Some((2018, 1, 1)));
        assert_eq!(parse_date("2030-12-31"), Some((2030, 12, 31)));
        assert_eq!(parse_date("2030-13-01"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn platform_defaults_follow_target_sdk() {
        let empty = NetworkSecurityConfig::default();
        let old = empty.effective_base(23, false);
        assert!(old.cleartext_traffic_permitted);
        assert!(old.trusts_user_certificates());
        let mid = empty.effective_base(27, false);
        assert!(mid.cleartext_traffic_permitted);
        assert!(!mid.trusts_user_certificates());
        let new = empty.effective_base(28, false);
        assert!(!new.cleartext_traffic_permitted);
    }

    #[test]
    fn domain_configs_inherit_and_debug_anchors_join() {
        let user = Certificates {
            source: CertificateSource::User,
            override_pins: Some(true),
            line: 9,
        };
        let config = NetworkSecurityConfig {
            base_config: Some(BaseConfig {
                cleartext_traffic_permitted: Some(true),
                trust_anchors: None,
                line: 2,
            }),
            domain_configs: vec![DomainConfig {
                domains: vec![Domain {
                    name: "a.example".into(),
                    include_subdomains: Some(true),
                    line: 4,
                }],
                cleartext_traffic_permitted: None,
                trust_anchors: Some(TrustAnchors {
                    certificates: vec![Certificates {
                        source: CertificateSource::System,
                        override_pins: None,
                        line: 6,
                    }],
                    line: 5,
                }),
                pin_set: Some(PinSet {
                    expiration: Some("2020-01-01".into()),
                    pins: Vec::new(),
                    line: 7,
                }),
                domain_configs: vec![DomainConfig {
                    domains: vec![Domain {
                        name: "b.a.example".into(),
                        include_subdomains: None,
                        line: 8,
                    }],
                    cleartext_traffic_permitted: Some(false),
                    ..DomainConfig::default()
                }],
                line: 3,
            }],
            debug_overrides: Some(DebugOverrides {
                trust_anchors: Some(TrustAnchors {
                    certificates: vec![user],
                    line: 9,
                }),
                line: 9,
            }),
            line: 1,
        };
        let release = config.effective_configs(30, false);
        assert_eq!(release.len(), 2);
        assert!(
            release[0].cleartext_traffic_permitted,
            "inherited from base-config"
        );
        assert!(!release[1].cleartext_traffic_permitted);
        assert_eq!(
            release[1]
                .pin_set
                .as_ref()
                .and_then(PinSet::expiration_date),
            Some((2020, 1, 1))
        );
        assert!(!release[0].trusts_user_certificates());
        let debug = config.effective_configs(30, true);
        assert!(debug[0].trusts_user_certificates());
        assert!(
            debug[0]
                .trust_anchors
                .iter()
                .any(|a| a.from_debug_overrides && a.override_pins)
        );
        // The base config inherits the platform anchors, so debug anchors join the default.
        assert!(config.effective_base(30, true).trusts_user_certificates());
        assert!(!config.effective_base(30, false).trusts_user_certificates());
    }
}
