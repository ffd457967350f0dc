use std::collections::HashSet;

use appvd_dex::Analysis;

use super::flow::{MethodFlow, call_location, callee, clip, evidence, is_comparison};
use super::urls::{Url, is_identifier, is_loopback, is_reserved, parse_url};
use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.http_url",
    title: "Hard-coded cleartext HTTP URL",
    severity: Severity::Info,
    masvs: "MASVS-NETWORK-1",
    cwe: 319,
    docs: Docs {
        what: "A string constant in the code, or a string resource, is an `http://` URL with a real host. When the \
               constant is passed straight to a URL-loading API (`new URL`, OkHttp `Request.Builder.url`, \
               `WebView.loadUrl`/`postUrl`, Apache `HttpGet`/`HttpPost`, Retrofit `baseUrl`, `MediaPlayer.setDataSource`) \
               the finding is Low and points at the method that loads it; otherwise it is Info and points at the \
               method (or static field, or resource) that holds it.",
        why: "Whatever travels over plain HTTP can be read and rewritten by anyone on the network path: a hostile \
              Wi-Fi hotspot, a compromised router, an ISP. Responses can be swapped for attacker content (a login \
              page, a script in a WebView, an update), and cookies or tokens sent along are exposed. Android blocks \
              cleartext by default only for apps targeting API 28+ without an exception in their network security \
              config.",
        fix: "Use `https://` for every endpoint the app talks to, and keep cleartext disabled \
              (`android:usesCleartextTraffic=\"false\"`, no `cleartextTrafficPermitted=\"true\"` in the network \
              security config). If a host truly has no TLS, move the traffic behind one that has.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-NETWORK/MASTG-TEST-0233/",
            "https://developer.android.com/privacy-and-security/security-config#CleartextTrafficPermitted",
            "https://cwe.mitre.org/data/definitions/319.html",
        ],
    },
    check,
};

/// URL-loading APIs and the position of their URL parameter.
const LOADERS: &[(&str, usize)] = &[
    ("Ljava/net/URL;-><init>(Ljava/lang/String;)V", 0),
    (
        "Lokhttp3/Request$Builder;->url(Ljava/lang/String;)Lokhttp3/Request$Builder;",
        0,
    ),
    ("Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V", 0),
    (
        "Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;Ljava/util/Map;)V",
        0,
    ),
    (
        "Landroid/webkit/WebView;->postUrl(Ljava/lang/String;[B)V",
        0,
    ),
    (
        "Lorg/apache/http/client/methods/HttpGet;-><init>(Ljava/lang/String;)V",
        0,
    ),
    (
        "Lorg/apache/http/client/methods/HttpPost;-><init>(Ljava/lang/String;)V",
        0,
    ),
    (
        "Lretrofit2/Retrofit$Builder;->baseUrl(Ljava/lang/String;)Lretrofit2/Retrofit$Builder;",
        0,
    ),
    (
        "Landroid/media/MediaPlayer;->setDataSource(Ljava/lang/String;)V",
        0,
    ),
];

/// A cleartext URL worth reporting: `http://` to a host that is not the device itself, a
/// documentation host, or a namespace/schema/licence identifier.
fn cleartext(text: &str) -> Option<Url<'_>> {
    let url = parse_url(text)?;
    (url.scheme == "http"
        && !is_loopback(&url.host)
        && !is_reserved(&url.host)
        && !is_identifier(&url))
    .then_some(url)
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let mut reported: HashSet<String> = HashSet::new();
    if let Some(dex) = app.dex() {
        loaded_urls(dex, &mut reported, out);
        held_urls(dex, &mut reported, out);
    }
    resource_urls(app, &mut reported, out);
}

/// Constants passed to a URL-loading API: Low, at the loading call.
fn loaded_urls(dex: &Analysis<'_>, reported: &mut HashSet<String>, out: &mut Emitter<'_>) {
    for &(loader, position) in LOADERS {
        for call in dex.calls_to(loader) {
            let Some(text) = call.param(position).and_then(|a| a.as_str()) else {
                continue;
            };
            if cleartext(&text).is_none() {
                continue;
            }
            let at = call.location();
            if !reported.insert(format!("{text}|{}", at.class)) {
                continue;
            }
            let api = callee(dex, &call).map(|c| c.short()).unwrap_or_default();
            out.emit_with_severity(
                Severity::Low,
                call_location(&call),
                &format!("{text}|{}", at.class),
                format!(
                    "{}.{} loads the cleartext URL {} ({api}).",
                    at.java_class,
                    at.method,
                    clip(&text, 200)
                ),
                evidence(&call, &format!("{api}(\"{}\")", clip(&text, 200))),
            );
        }
    }
}

/// `http://` constants the code holds without loading them directly (built into requests later,
/// stored in fields, handed to helpers): Info, at the method or static field holding them.
fn held_urls(dex: &Analysis<'_>, reported: &mut HashSet<String>, out: &mut Emitter<'_>) {
    for reference in dex.string_refs() {
        let text = reference.text();
        if !text
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
            || cleartext(&text).is_none()
        {
            continue;
        }
        let at = reference.location();
        let key = format!("{text}|{}", at.class);
        if reported.contains(&key) {
            continue;
        }
        if let Some(method) = reference.method()
            && only_compared(dex, method, &text)
        {
            continue;
        }
        reported.insert(key.clone());
        let (holder, listing) = match (reference.method(), at.offset) {
            (Some(method), Some(offset)) => (
                format!("{}.{}", at.java_class, at.method),
                method.listing().window(offset, 0, 2),
            ),
            _ => (
                format!(
                    "The static field {}.{}",
                    at.java_class,
                    at.method_descriptor.trim_start_matches("field ")
                ),
                String::new(),
            ),
        };
        let facts = format!("\"{}\"", clip(&text, 200));
        out.emit(
            crate::rules::code_location(&at),
            &key,
            format!("{holder} holds the cleartext URL {}.", clip(&text, 200)),
            if listing.is_empty() {
                facts
            } else {
                format!("{facts}\n{listing}")
            },
        );
    }
}

/// Whether every call in the method that takes this constant only compares with it
/// (`url.startsWith("http://host/")`): a check on a URL, not a use of one.
fn only_compared(dex: &Analysis<'_>, method: appvd_dex::MethodView<'_, '_>, text: &str) -> bool {
    let flow = MethodFlow::new(dex, method);
    let mut users = flow
        .calls
        .iter()
        .filter(|call| {
            call.args()
                .iter()
                .any(|a| a.as_str().is_some_and(|s| s == text))
        })
        .peekable();
    users.peek().is_some() && users.all(|call| callee(dex, call).is_some_and(|c| is_comparison(&c)))
}

/// String resources that are cleartext URLs: Info, at resources.arsc.
fn resource_urls(app: &AppModel, reported: &mut HashSet<String>, out: &mut Emitter<'_>) {
    let Some(table) = app.resources() else {
        return;
    };
    for resource in table.string_resources() {
        if cleartext(&resource.value).is_none() {
            continue;
        }
        let name = format!("@{}", resource.name);
        let key = format!("{}|{name}", resource.value);
        if !reported.insert(key.clone()) {
            continue;
        }
        out.emit(
            Location::file("resources.arsc"),
            &key,
            format!(
                "The string resource {name} is the cleartext URL {}.",
                clip(&resource.value, 200)
            ),
            format!("{name} = \"{}\"", clip(&resource.value, 200)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    #[test]
    fn only_real_cleartext_endpoints_count() {
        assert!(cleartext("http://api.acme-bank.com/v1").is_some());
        assert!(cleartext("http://192.168.1.20:8080/cam").is_some());
        for quiet in [
            "https://api.acme-bank.com/v1",
            "http://",
            "http://localhost:8080/",
            "http://127.0.0.1/",
            "http://10.0.2.2:3000/",
            "http://schemas.android.com/apk/res/android",
            "http://www.w3.org/1999/xhtml",
            "http://www.example.com/",
            "http://%s/%s",
        ] {
            assert!(cleartext(quiet).is_none(), "{quiet}");
        }
    }
}
