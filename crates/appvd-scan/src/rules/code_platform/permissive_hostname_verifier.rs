use appvd_dex::facts::ConstValue;
use appvd_dex::{Analysis, MethodView};

use super::shapes::{Usage, usage};
use super::{call_evidence, call_key, call_location, caller_class, in_packages, java_name};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.permissive_hostname_verifier",
    title: "HostnameVerifier accepts every host",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-1",
    cwe: 297,
    docs: Docs {
        what: "An app class implements `HostnameVerifier.verify` so that it returns `true` on every path (also \
               through the static method a lambda class forwards to), or code uses Apache's \
               `ALLOW_ALL_HOSTNAME_VERIFIER`, `AllowAllHostnameVerifier` or `NoopHostnameVerifier`. For an app \
               class, High when it is seen installed (`HttpsURLConnection.setDefaultHostnameVerifier` / \
               `setHostnameVerifier`, OkHttp's `hostnameVerifier`, Apache's `setHostnameVerifier`), Medium when \
               only seen created, Low when no code creates it.",
        why: "Certificate validation proves that the certificate is genuine; host name verification proves that it \
              belongs to the host being contacted. Without it, any valid certificate for any domain (which anyone \
              can get for a domain they own) lets an attacker on the network path impersonate the app's servers \
              and read or change the traffic. A verifier that compares the host, or delegates to the default \
              one, returns a value only known at run time and is not reported.",
        fix: "Remove the custom verifier and keep the platform default (`HttpsURLConnection.getDefaultHostnameVerifier()`, \
              OkHttp's `OkHostnameVerifier`). For a private host name set, pin certificates in the Network Security \
              Configuration rather than skipping the host check.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0283/",
            "https://developer.android.com/privacy-and-security/risks/unsafe-hostname",
            "https://developer.android.com/reference/javax/net/ssl/HostnameVerifier",
            "https://cwe.mitre.org/data/definitions/297.html",
        ],
    },
    check,
};

const VERIFY: &str =
    "Ljavax/net/ssl/HostnameVerifier;->verify(Ljava/lang/String;Ljavax/net/ssl/SSLSession;)Z";
const HOSTNAME_VERIFIER: &str = "Ljavax/net/ssl/HostnameVerifier;";

/// APIs that put a verifier in charge of real connections, with the parameter that takes it.
const INSTALLERS: [(&str, usize); 4] = [
    (
        "Ljavax/net/ssl/HttpsURLConnection;->setDefaultHostnameVerifier(Ljavax/net/ssl/HostnameVerifier;)V",
        0,
    ),
    (
        "Ljavax/net/ssl/HttpsURLConnection;->setHostnameVerifier(Ljavax/net/ssl/HostnameVerifier;)V",
        0,
    ),
    (
        "Lokhttp3/OkHttpClient$Builder;->hostnameVerifier(Ljavax/net/ssl/HostnameVerifier;)Lokhttp3/OkHttpClient$Builder;",
        0,
    ),
    (
        "Lorg/apache/http/conn/ssl/SSLSocketFactory;->setHostnameVerifier(Lorg/apache/http/conn/ssl/X509HostnameVerifier;)V",
        0,
    ),
];

/// Apache HttpClient's accept-everything verifiers, as shared instances.
const ALLOW_ALL_FIELDS: [&str; 4] = [
    "Lorg/apache/http/conn/ssl/SSLSocketFactory;->ALLOW_ALL_HOSTNAME_VERIFIER:Lorg/apache/http/conn/ssl/X509HostnameVerifier;",
    "Lorg/apache/http/conn/ssl/SSLConnectionSocketFactory;->ALLOW_ALL_HOSTNAME_VERIFIER:Lorg/apache/http/conn/ssl/X509HostnameVerifier;",
    "Lorg/apache/http/conn/ssl/AllowAllHostnameVerifier;->INSTANCE:Lorg/apache/http/conn/ssl/AllowAllHostnameVerifier;",
    "Lorg/apache/http/conn/ssl/NoopHostnameVerifier;->INSTANCE:Lorg/apache/http/conn/ssl/NoopHostnameVerifier;",
];

/// ... and as classes.
const ALLOW_ALL_CLASSES: [&str; 2] = [
    "Lorg/apache/http/conn/ssl/AllowAllHostnameVerifier;",
    "Lorg/apache/http/conn/ssl/NoopHostnameVerifier;",
];

/// The library that defines them uses them itself.
const APACHE: &[&str] = &["Lorg/apache/http/"];

/// How many forwarding hops (a lambda's `verify` calling its body method) are followed.
const MAX_FORWARDS: usize = 2;

/// Whether the method returns the constant `true` on every path, directly or by returning the
/// result of an app method that does.
fn always_true(dex: &Analysis<'_>, method: &MethodView<'_, '_>, hops: usize) -> bool {
    match method.return_value() {
        Some(ConstValue::Int(1)) => true,
        Some(ConstValue::CallResult { at }) if hops < MAX_FORWARDS => method
            .calls()
            .into_iter()
            .find(|c| c.at() == at)
            .and_then(|c| c.callee())
            .and_then(|key| dex.app().method_by_key(key))
            .is_some_and(|callee| always_true(dex, &dex.method(callee), hops + 1)),
        _ => false,
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    report_verifier_classes(dex, out);
    report_allow_all(dex, out);
}

fn report_verifier_classes(dex: &Analysis<'_>, out: &mut super::Once<'_, '_>) {
    for method in dex.overrides(VERIFY) {
        if !always_true(dex, &method, 0) {
            continue;
        }
        let at = method.location();
        let name = java_name(&at.class);
        let mut facts = vec![format!(
            "{}{} returns true on every path",
            at.method, at.method_descriptor
        )];
        let method_name = format!("{}{}", at.method, at.method_descriptor);
        let (severity, message) = match usage(dex, &INSTALLERS, &at.class, &method_name) {
            Usage::Installed(install, call) => {
                facts.push(format!(
                    "installed by {call} in {}",
                    super::brief(&super::method_key(&install), super::MAX_SUMMARY)
                ));
                (
                    Severity::High,
                    format!(
                        "{name} accepts a certificate for any host name and is installed in {}.",
                        java_name(&install.class)
                    ),
                )
            }
            Usage::Created(created) => {
                facts.push(format!(
                    "created in {}",
                    super::brief(&super::method_key(&created), super::MAX_SUMMARY)
                ));
                (
                    Severity::Medium,
                    format!(
                        "{name} accepts a certificate for any host name; it is created in {} (where it is \
                         installed is not visible).",
                        java_name(&created.class)
                    ),
                )
            }
            Usage::Unused => (
                Severity::Low,
                format!(
                    "{name} accepts a certificate for any host name, but no code of the app creates it (dead \
                     code or reflection)."
                ),
            ),
        };
        facts.push(super::listing_excerpt(&method));
        out.emit_with_severity(
            severity,
            super::method_location(&method),
            &name,
            message,
            facts.join("\n"),
        );
    }
}

fn report_allow_all(dex: &Analysis<'_>, out: &mut super::Once<'_, '_>) {
    for field in ALLOW_ALL_FIELDS {
        for access in dex.field_accesses(field) {
            if access.write {
                continue;
            }
            let method = dex.method(access.method);
            let at = method.location_at(access.at);
            if in_packages(&at.class, APACHE) {
                continue;
            }
            let short = field
                .split_once("->")
                .map(|(class, rest)| {
                    format!(
                        "{}.{}",
                        super::simple_name(class),
                        rest.split(':').next().unwrap_or(rest)
                    )
                })
                .unwrap_or_else(|| field.to_string());
            out.emit(
                crate::rules::code_location(&at),
                &format!("{}|{short}", super::method_key(&at)),
                format!(
                    "{} uses Apache's {short}, which accepts a certificate for any host name.",
                    java_name(&at.class)
                ),
                super::field_evidence(&method, access.at),
            );
        }
    }
    for class in ALLOW_ALL_CLASSES {
        for call in dex.calls_to_exact(&format!("{class}-><init>")) {
            let caller = caller_class(&call);
            // Subclass constructors chain here; only real creations count.
            let chained = call.caller().access().is_constructor()
                && dex
                    .app()
                    .sym(&caller)
                    .is_some_and(|sym| dex.app().is_subtype_of(sym, HOSTNAME_VERIFIER));
            if chained || in_packages(&caller, APACHE) {
                continue;
            }
            let simple = super::simple_name(class);
            out.emit(
                call_location(&call),
                &call_key(&call, &simple),
                format!(
                    "{} creates Apache's {simple}, which accepts a certificate for any host name.",
                    java_name(&caller)
                ),
                call_evidence(&call, &[]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
