use appvd_dex::facts::ConstValue;
use appvd_dex::{Analysis, CallSiteView};

use super::{
    call_evidence, call_key, call_location, caller_class, in_packages, sdk_levels,
    unreachable_fallback,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.insecure_tls_context",
    title: "Obsolete SSL/TLS protocol version requested",
    severity: Severity::Medium,
    masvs: "MASVS-NETWORK-1",
    cwe: 327,
    docs: Docs {
        what: "Code asks for an SSL context of an obsolete protocol version (`SSLContext.getInstance(\"TLSv1\")`, \
               `\"SSLv3\"`), or enables SSL 3.0, TLS 1.0 or TLS 1.1 on sockets, engines, `SSLParameters` or an \
               OkHttp `ConnectionSpec` (`tlsVersions(...)`, `ConnectionSpec.COMPATIBLE_TLS`).",
        why: "SSL 3.0, TLS 1.0 and TLS 1.1 are deprecated (RFC 7568, RFC 8996): they rely on SHA-1 and MD5 in the \
              handshake, CBC constructions open to padding-oracle and BEAST-style attacks, and lack modern cipher \
              suites. A context fixed to such a version negotiates nothing better, so an attacker on the network \
              faces the weakest protocol the app allows. When a modern version is enabled next to the old ones, \
              the old ones only matter for servers that cannot do better, so those cases are reported as Low; \
              `SSLContext.getInstance(\"SSL\")` is also Low, because Android's provider maps the name to its \
              default protocol set, but another provider bundled with the app may not. A call behind a \
              `Build.VERSION.SDK_INT` check that the app's `minSdkVersion` already rules out is taken for an \
              old-device fallback and not reported. Protocol names built at run time are not seen.",
        fix: "Use `SSLContext.getInstance(\"TLS\")` (or `SSLContext.getDefault()`) and let the platform choose the \
              versions; do not call `setEnabledProtocols` except to restrict it to `TLSv1.2` and `TLSv1.3`. With \
              OkHttp use `ConnectionSpec.MODERN_TLS` or `RESTRICTED_TLS`, never `COMPATIBLE_TLS`, and do not list \
              `TlsVersion.TLS_1_0`/`TLS_1_1`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0217/",
            "https://developer.android.com/reference/javax/net/ssl/SSLSocket",
            "https://datatracker.ietf.org/doc/html/rfc8996",
            "https://cwe.mitre.org/data/definitions/327.html",
        ],
    },
    check,
};

const GET_INSTANCE: [&str; 3] = [
    "Ljavax/net/ssl/SSLContext;->getInstance(Ljava/lang/String;)Ljavax/net/ssl/SSLContext;",
    "Ljavax/net/ssl/SSLContext;->getInstance(Ljava/lang/String;Ljava/lang/String;)Ljavax/net/ssl/SSLContext;",
    "Ljavax/net/ssl/SSLContext;->getInstance(Ljava/lang/String;Ljava/security/Provider;)Ljavax/net/ssl/SSLContext;",
];

/// Calls whose first parameter is the list of protocol versions to enable.
const PROTOCOL_LISTS: [&str; 6] = [
    "Ljavax/net/ssl/SSLSocket;->setEnabledProtocols([Ljava/lang/String;)V",
    "Ljavax/net/ssl/SSLServerSocket;->setEnabledProtocols([Ljava/lang/String;)V",
    "Ljavax/net/ssl/SSLEngine;->setEnabledProtocols([Ljava/lang/String;)V",
    "Ljavax/net/ssl/SSLParameters;->setProtocols([Ljava/lang/String;)V",
    "Lokhttp3/ConnectionSpec$Builder;->tlsVersions([Ljava/lang/String;)Lokhttp3/ConnectionSpec$Builder;",
    "Lokhttp3/ConnectionSpec$Builder;->tlsVersions([Lokhttp3/TlsVersion;)Lokhttp3/ConnectionSpec$Builder;",
];

const COMPATIBLE_TLS: &str = "Lokhttp3/ConnectionSpec;->COMPATIBLE_TLS:Lokhttp3/ConnectionSpec;";

/// OkHttp defines and uses its own constants; only the app's (or another library's) choice counts.
const OKHTTP: &[&str] = &["Lokhttp3/"];

/// A protocol name as the JSSE (`TLSv1.1`) or OkHttp (`TLS_1_1`, the `TlsVersion` constant) spells
/// it: `Some(true)` for an obsolete version, `Some(false)` for TLS 1.2 and later.
fn obsolete(protocol: &str) -> Option<bool> {
    match protocol.to_ascii_uppercase().as_str() {
        "SSLV2" | "SSLV3" | "TLSV1" | "TLSV1.1" | "SSL_3_0" | "TLS_1_0" | "TLS_1_1" => Some(true),
        "TLSV1.2" | "TLSV1.3" | "TLS_1_2" | "TLS_1_3" => Some(false),
        _ => None,
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let sdk = sdk_levels(app);
    for signature in GET_INSTANCE {
        for call in dex.calls_to(signature) {
            if unreachable_fallback(dex, &call, sdk) {
                continue;
            }
            let Some(protocol) = call
                .param(0)
                .and_then(|a| a.as_str().map(|s| s.into_owned()))
            else {
                continue;
            };
            let severity = if protocol.eq_ignore_ascii_case("SSL") {
                Severity::Low
            } else if obsolete(&protocol) == Some(true) {
                Severity::Medium
            } else {
                continue;
            };
            let class = super::java_name(&caller_class(&call));
            let shown = super::brief(&protocol, super::MAX_CONSTANT);
            let message = if severity == Severity::Low {
                format!(
                    "{class} asks for an SSL context of the legacy protocol family \"{shown}\" (Android's provider \
                     maps it to its defaults; another provider may enable SSL 3.0)."
                )
            } else {
                format!("{class} asks for an SSL context limited to the obsolete protocol {shown}.")
            };
            out.emit_with_severity(
                severity,
                call_location(&call),
                &call_key(&call, &protocol),
                message,
                call_evidence(&call, &[]),
            );
        }
    }
    for signature in PROTOCOL_LISTS {
        for call in dex.calls_to(signature) {
            if in_packages(&caller_class(&call), OKHTTP) || unreachable_fallback(dex, &call, sdk) {
                continue;
            }
            report_protocol_list(dex, &call, out);
        }
    }
    for access in dex.field_accesses(COMPATIBLE_TLS) {
        if access.write {
            continue;
        }
        let method = dex.method(access.method);
        let at = method.location_at(access.at);
        if in_packages(&at.class, OKHTTP) {
            continue;
        }
        out.emit_with_severity(
            Severity::Low,
            crate::rules::code_location(&at),
            &format!("{}|ConnectionSpec.COMPATIBLE_TLS", super::method_key(&at)),
            format!(
                "{} uses OkHttp's ConnectionSpec.COMPATIBLE_TLS, which also enables TLS 1.0 and 1.1.",
                super::java_name(&at.class)
            ),
            super::field_evidence(&method, access.at),
        );
    }
}

/// Reports a call that enables a list of protocol versions, when the list is a constant array
/// holding an obsolete version.
fn report_protocol_list(
    dex: &Analysis<'_>,
    call: &CallSiteView<'_, '_>,
    out: &mut super::Once<'_, '_>,
) {
    let Some(array) = call.param(0).and_then(|a| a.array()) else {
        return;
    };
    let app = dex.app();
    // (as shown, as classified): OkHttp's constants are shown as `TlsVersion.TLS_1_0`.
    let names: Vec<(String, String)> = array
        .elements
        .iter()
        .filter_map(|(_, value)| match value {
            ConstValue::String(s) => {
                let text = dex.string_text(*s).into_owned();
                Some((text.clone(), text))
            }
            ConstValue::StaticField { dex: d, field } => {
                let key = app.dex(*d)?.field_key(*field)?;
                let name = app.text(key.name).into_owned();
                Some((
                    format!("{}.{name}", super::simple_name(&app.text(key.class))),
                    name,
                ))
            }
            _ => None,
        })
        .collect();
    let old: Vec<&str> = names
        .iter()
        .filter(|(_, bare)| obsolete(bare) == Some(true))
        .map(|(shown, _)| shown.as_str())
        .collect();
    if old.is_empty() {
        return;
    }
    let modern = names.iter().any(|(_, bare)| obsolete(bare) == Some(false));
    let (severity, how) = if modern {
        (Severity::Low, "next to TLS 1.2+")
    } else {
        (Severity::Medium, "and nothing newer")
    };
    let class = super::java_name(&caller_class(call));
    out.emit_with_severity(
        severity,
        call_location(call),
        &call_key(call, &old.join(",")),
        format!(
            "{class} enables the obsolete protocol version(s) {} {how}.",
            old.join(", ")
        ),
        call_evidence(call, &[]),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_names_are_classified() {
        assert_eq!(obsolete("TLSv1"), Some(true));
        assert_eq!(obsolete("tlsv1.1"), Some(true));
        assert_eq!(obsolete("TLS_1_0"), Some(true));
        assert_eq!(obsolete("SSLv3"), Some(true));
        assert_eq!(obsolete("TLSv1.2"), Some(false));
        assert_eq!(obsolete("TLS_1_3"), Some(false));
        assert_eq!(obsolete("TLS"), None);
        assert_eq!(obsolete("SSLv2Hello"), None);
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
