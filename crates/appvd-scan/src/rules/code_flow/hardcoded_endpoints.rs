use std::collections::HashMap;

use appvd_dex::Analysis;

use super::flow::{callee, clip};
use super::urls::{
    is_domain, is_identifier, is_ipv4, is_loopback, is_reserved, is_service_host, parse_email,
    parse_url,
};
use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "privacy.hardcoded_endpoints",
    title: "Backend endpoints and e-mail addresses in the app",
    severity: Severity::Info,
    masvs: "MASVS-PRIVACY-3",
    cwe: 200,
    docs: Docs {
        what: "An inventory of the network endpoints and e-mail addresses written into the app: hosts of URL \
               constants in the code and in string resources, host names and IPv4 addresses passed as constants to \
               socket and address APIs (`Socket`, `InetSocketAddress`, `InetAddress.getByName`, `URL(protocol, host, \
               port, file)`), and strings that are one e-mail address. One finding per host or address, at the first \
               method of the app's own package that uses it.",
        why: "Hard-coded endpoints map the app's attack surface: backend APIs, staging and admin hosts left in \
              release builds, raw IP addresses that bypass DNS-based controls, and personal addresses. They are \
              what an attacker probes first, and what a privacy review must check against the app's declared data \
              flows. Bare IPv4-looking strings are only reported when they reach a socket or URL API, because \
              version numbers look the same.",
        fix: "Check that every listed host is meant to ship: remove staging, test and internal hosts from release \
              builds (build types or product flavours), put raw IP addresses behind names with TLS certificates, \
              and keep personal e-mail addresses out of the binary. The platform, the common SDK and XML namespace \
              hosts are left out of the list.",
        references: &[
            "https://mas.owasp.org/MASVS/controls/MASVS-PRIVACY-3/",
            "https://developer.android.com/privacy-and-security/security-tips#Networking",
            "https://cwe.mitre.org/data/definitions/200.html",
        ],
    },
    check,
};

/// Socket and address APIs and the position of their host parameter.
const HOST_SINKS: &[(&str, usize)] = &[
    ("Ljava/net/Socket;-><init>(Ljava/lang/String;I)V", 0),
    (
        "Ljava/net/InetSocketAddress;-><init>(Ljava/lang/String;I)V",
        0,
    ),
    (
        "Ljava/net/InetSocketAddress;->createUnresolved(Ljava/lang/String;I)Ljava/net/InetSocketAddress;",
        0,
    ),
    (
        "Ljava/net/InetAddress;->getByName(Ljava/lang/String;)Ljava/net/InetAddress;",
        0,
    ),
    (
        "Ljava/net/InetAddress;->getAllByName(Ljava/lang/String;)[Ljava/net/InetAddress;",
        0,
    ),
    (
        "Ljavax/net/SocketFactory;->createSocket(Ljava/lang/String;I)Ljava/net/Socket;",
        0,
    ),
    (
        "Ljava/net/URL;-><init>(Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;)V",
        1,
    ),
    (
        "Ljava/net/URL;-><init>(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V",
        1,
    ),
];

/// Most example URLs and places listed in one finding's evidence.
const SHOWN: usize = 3;

/// One host or address with what mentions it.
#[derive(Debug)]
struct Endpoint {
    kind: EndpointKind,
    name: String,
    examples: Vec<String>,
    places: Vec<String>,
    location: Location,
    location_in_app: bool,
    apis: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EndpointKind {
    Host,
    Address,
    Email,
}

#[derive(Debug, Default)]
struct Inventory {
    order: Vec<Endpoint>,
    index: HashMap<String, usize>,
    package: String,
}

impl Inventory {
    fn add(
        &mut self,
        kind: EndpointKind,
        name: &str,
        example: Option<&str>,
        place: String,
        location: Location,
    ) -> &mut Endpoint {
        let in_app = !self.package.is_empty()
            && location
                .class
                .as_deref()
                .is_some_and(|c| c.starts_with(&self.package));
        let position = *self.index.entry(name.to_owned()).or_insert_with(|| {
            self.order.push(Endpoint {
                kind,
                name: name.to_owned(),
                examples: Vec::new(),
                places: Vec::new(),
                location: location.clone(),
                location_in_app: in_app,
                apis: Vec::new(),
            });
            self.order.len() - 1
        });
        let endpoint = &mut self.order[position];
        if in_app && !endpoint.location_in_app {
            endpoint.location = location;
            endpoint.location_in_app = true;
        }
        if let Some(example) = example
            && !endpoint.examples.iter().any(|e| e == example)
        {
            endpoint.examples.push(example.to_owned());
        }
        if !endpoint.places.contains(&place) {
            endpoint.places.push(place);
        }
        endpoint
    }
}

/// Hosts worth listing: not the device, not documentation hosts, not the platform's or a
/// widespread SDK's.
fn listed_host(host: &str) -> bool {
    !is_loopback(host) && !is_reserved(host) && !is_service_host(host)
}

/// Addresses worth listing: not at the platform's or a widespread SDK's domain.
fn listed_email(address: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(_, domain)| listed_host(domain))
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let mut inventory = Inventory {
        package: app
            .manifest()
            .and_then(|m| m.package.clone())
            .map(|p| format!("{p}."))
            .unwrap_or_default(),
        ..Inventory::default()
    };
    if let Some(dex) = app.dex() {
        code_strings(dex, &mut inventory);
        socket_hosts(dex, &mut inventory);
    }
    resource_strings(app, &mut inventory);
    for endpoint in inventory.order {
        emit(endpoint, out);
    }
}

fn code_strings(dex: &Analysis<'_>, inventory: &mut Inventory) {
    for reference in dex.string_refs() {
        let text = reference.text();
        if !text.contains("://") && !text.contains('@') {
            continue;
        }
        let at = reference.location();
        let place = if at.method.is_empty() {
            format!(
                "{}.{}",
                at.java_class,
                at.method_descriptor.trim_start_matches("field ")
            )
        } else {
            format!("{}.{}", at.java_class, at.method)
        };
        if let Some(url) = parse_url(&text) {
            if listed_host(&url.host) && !is_identifier(&url) {
                let kind = if is_ipv4(&url.host) {
                    EndpointKind::Address
                } else {
                    EndpointKind::Host
                };
                inventory.add(
                    kind,
                    &url.host,
                    Some(&text),
                    place,
                    crate::rules::code_location(&at),
                );
            }
        } else if let Some(address) = parse_email(&text).filter(|a| listed_email(a)) {
            inventory.add(
                EndpointKind::Email,
                &address,
                None,
                place,
                crate::rules::code_location(&at),
            );
        }
    }
}

fn socket_hosts(dex: &Analysis<'_>, inventory: &mut Inventory) {
    for &(sink, position) in HOST_SINKS {
        for call in dex.calls_to(sink) {
            let Some(host) = call.param(position).and_then(|a| a.as_str()) else {
                continue;
            };
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            if !(is_ipv4(&host) || is_domain(&host)) || !listed_host(&host) {
                continue;
            }
            let kind = if is_ipv4(&host) {
                EndpointKind::Address
            } else {
                EndpointKind::Host
            };
            let at = call.location();
            let api = callee(dex, &call).map(|c| c.short()).unwrap_or_default();
            let endpoint = inventory.add(
                kind,
                &host,
                None,
                format!("{}.{}", at.java_class, at.method),
                crate::rules::code_location(&at),
            );
            if !endpoint.apis.contains(&api) {
                endpoint.apis.push(api);
            }
        }
    }
}

fn resource_strings(app: &AppModel, inventory: &mut Inventory) {
    let Some(table) = app.resources() else {
        return;
    };
    for resource in table.string_resources() {
        let place = format!("@{}", resource.name);
        if let Some(url) = parse_url(&resource.value) {
            if listed_host(&url.host) && !is_identifier(&url) {
                let kind = if is_ipv4(&url.host) {
                    EndpointKind::Address
                } else {
                    EndpointKind::Host
                };
                inventory.add(
                    kind,
                    &url.host,
                    Some(&resource.value),
                    place,
                    Location::file("resources.arsc"),
                );
            }
        } else if let Some(address) = parse_email(&resource.value).filter(|a| listed_email(a)) {
            inventory.add(
                EndpointKind::Email,
                &address,
                None,
                place,
                Location::file("resources.arsc"),
            );
        }
    }
}

fn emit(endpoint: Endpoint, out: &mut Emitter<'_>) {
    let (key, message) = match endpoint.kind {
        EndpointKind::Host => (
            format!("host:{}", endpoint.name),
            format!("The app contains the endpoint host {}.", endpoint.name),
        ),
        EndpointKind::Address => (
            format!("address:{}", endpoint.name),
            format!(
                "The app contains the IP address {} as an endpoint.",
                endpoint.name
            ),
        ),
        EndpointKind::Email => (
            format!("email:{}", endpoint.name),
            format!("The app contains the e-mail address {}.", endpoint.name),
        ),
    };
    let mut facts = Vec::new();
    if !endpoint.examples.is_empty() {
        facts.push(listing("URLs", &endpoint.examples));
    }
    if !endpoint.apis.is_empty() {
        facts.push(format!("passed to {}", endpoint.apis.join(", ")));
    }
    facts.push(listing("used in", &endpoint.places));
    out.emit(endpoint.location, &key, message, facts.join("\n"));
}

/// `label: a, b, c and 2 more`.
fn listing(label: &str, items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(SHOWN).map(|i| clip(i, 160)).collect();
    let mut text = format!("{label}: {}", shown.join(", "));
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    #[test]
    fn platform_sdk_and_local_hosts_are_left_out() {
        assert!(listed_host("api.acme-bank.com"));
        assert!(listed_host("192.168.4.1"));
        for host in [
            "graph.facebook.com",
            "firebaseinstallations.googleapis.com",
            "localhost",
            "127.0.0.1",
            "www.example.com",
        ] {
            assert!(!listed_host(host), "{host}");
        }
    }

    #[test]
    fn sdk_addresses_are_left_out() {
        assert!(listed_email("security@appvd-fixture.com"));
        assert!(!listed_email("noreply@google.com"));
    }

    #[test]
    fn evidence_lists_are_cut() {
        let items: Vec<String> = (1..=5).map(|i| format!("u{i}")).collect();
        assert_eq!(listing("URLs", &items), "URLs: u1, u2, u3 and 2 more");
        assert_eq!(listing("used in", &items[..1]), "used in: u1");
    }
}
