use std::collections::BTreeMap;

use appvd_dex::facts::ConstValue;
use appvd_dex::{Analysis, MethodView};

use super::shapes::{Usage, only_inert_calls, usage};
use super::{java_name, listing_excerpt};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.trust_all_manager",
    title: "TrustManager accepts every server certificate",
    severity: Severity::Critical,
    masvs: "MASVS-NETWORK-1",
    cwe: 295,
    docs: Docs {
        what: "An app class implements `X509TrustManager` (or extends `X509ExtendedTrustManager`) with a \
               `checkServerTrusted` that returns on every path without throwing and without calling anything that \
               could validate the chain (only logging, string or Kotlin null-check helpers). Critical when the \
               class is seen installed (`SSLContext.init` with an array holding it, OkHttp's \
               `sslSocketFactory(factory, trustManager)`), High when it is only seen created, Low when no code \
               creates it.",
        why: "A trust manager is the only thing that decides whether the server's certificate chain is genuine. \
              One that accepts everything lets anyone on the network path present a self-made certificate for \
              any host and read or change the traffic, credentials and tokens included, with no warning to the \
              user. A `checkServerTrusted` that throws, or that delegates to another trust manager, is not \
              reported; one that catches the delegate's exception and carries on is not recognised either.",
        fix: "Delete the class and initialise TLS with the platform trust managers (`sslContext.init(null, null, \
              null)`, or no custom factory at all). To trust a private CA or pin keys, use the Network Security \
              Configuration (`<domain-config>`, `<trust-anchors>`, `<pin-set>`) or OkHttp's `CertificatePinner`; \
              a custom trust manager must delegate to one from `TrustManagerFactory` and throw \
              `CertificateException` on failure.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0282/",
            "https://developer.android.com/privacy-and-security/risks/unsafe-trustmanager",
            "https://developer.android.com/privacy-and-security/security-config",
            "https://cwe.mitre.org/data/definitions/295.html",
        ],
    },
    check,
};

const CHECK_SERVER_TRUSTED: [&str; 3] = [
    "Ljavax/net/ssl/X509TrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V",
    "Ljavax/net/ssl/X509ExtendedTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;Ljava/net/Socket;)V",
    "Ljavax/net/ssl/X509ExtendedTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;Ljavax/net/ssl/SSLEngine;)V",
];

const ACCEPTED_ISSUERS: &str = "getAcceptedIssuers()[Ljava/security/cert/X509Certificate;";

/// APIs that put a trust manager in charge of real connections, with the parameter that takes it.
const INSTALLERS: [(&str, usize); 2] = [
    (
        "Ljavax/net/ssl/SSLContext;->init([Ljavax/net/ssl/KeyManager;[Ljavax/net/ssl/TrustManager;Ljava/security/SecureRandom;)V",
        1,
    ),
    (
        "Lokhttp3/OkHttpClient$Builder;->sslSocketFactory(Ljavax/net/ssl/SSLSocketFactory;Ljavax/net/ssl/X509TrustManager;)Lokhttp3/OkHttpClient$Builder;",
        1,
    ),
];

/// `checkServerTrusted` overrides that accept everything, by class descriptor.
fn trusting_methods<'x, 'a>(dex: &'x Analysis<'a>) -> BTreeMap<String, Vec<MethodView<'x, 'a>>> {
    let mut found: BTreeMap<String, Vec<MethodView<'x, 'a>>> = BTreeMap::new();
    for signature in CHECK_SERVER_TRUSTED {
        for method in dex.overrides(signature) {
            if !dex.index().analysed(method.id()) {
                continue;
            }
            let shape = method.body_shape();
            if shape.returns && !shape.throws && only_inert_calls(&shape.calls) {
                found
                    .entry(method.location().class)
                    .or_default()
                    .push(method);
            }
        }
    }
    found
}

/// What the class's `getAcceptedIssuers` returns, when it is a tell-tale constant.
fn issuers_note(dex: &Analysis<'_>, class: &str) -> Option<&'static str> {
    let method = dex.find_method(&format!("{class}->{ACCEPTED_ISSUERS}"))?;
    match method.return_value()? {
        ConstValue::Int(0) => Some("getAcceptedIssuers() returns null"),
        ConstValue::Array(id) if dex.index().array(id).is_some_and(|a| a.length == Some(0)) => {
            Some("getAcceptedIssuers() returns an empty array")
        }
        _ => None,
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    for (class, methods) in trusting_methods(dex) {
        let Some(first) = methods.first() else {
            continue;
        };
        let name = java_name(&class);
        let mut facts: Vec<String> = methods
            .iter()
            .map(|m| {
                let at = m.location();
                format!(
                    "{}{} returns without checking the chain",
                    at.method, at.method_descriptor
                )
            })
            .collect();
        facts.extend(issuers_note(dex, &class).map(str::to_string));
        let overridden = first.location();
        let method = format!("{}{}", overridden.method, overridden.method_descriptor);
        let (severity, message) = match usage(dex, &INSTALLERS, &class, &method) {
            Usage::Installed(at, call) => {
                facts.push(format!(
                    "installed by {call} in {}",
                    super::brief(&super::method_key(&at), super::MAX_SUMMARY)
                ));
                (
                    Severity::Critical,
                    format!(
                        "{name} accepts every server certificate and is installed for TLS connections in {}.",
                        java_name(&at.class)
                    ),
                )
            }
            Usage::Created(at) => {
                facts.push(format!(
                    "created in {}",
                    super::brief(&super::method_key(&at), super::MAX_SUMMARY)
                ));
                (
                    Severity::High,
                    format!(
                        "{name} accepts every server certificate; it is created in {} (where it is installed is not \
                         visible).",
                        java_name(&at.class)
                    ),
                )
            }
            Usage::Unused => (
                Severity::Low,
                format!(
                    "{name} accepts every server certificate, but no code of the app creates it (dead code or \
                     reflection)."
                ),
            ),
        };
        facts.push(listing_excerpt(first));
        out.emit_with_severity(
            severity,
            super::method_location(first),
            &name,
            message,
            facts.join("\n"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
