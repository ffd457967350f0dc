use std::collections::HashSet;

use appvd_dex::CallSiteView;
use appvd_dex::facts::{ConstValue, Origins};

use super::flow::{
    EntryPoints, FROM_INTENT, FROM_URI, MethodFlow, call_key, call_location, callee,
    callee_is_app_code, evidence, is_comparison,
};
use super::urls::{is_domain, parse_url};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "webview.untrusted_url",
    title: "WebView loads a URL taken from an Intent",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-2",
    cwe: 601,
    docs: Docs {
        what: "Code that runs in an exported component passes a URL built from the Intent it received — an extra \
               (`getStringExtra`), the Intent data (`getData`, `getDataString`), or a path or query parameter of \
               that data URI — to `WebView.loadUrl`, `postUrl` or `loadDataWithBaseURL` (base URL or content), \
               without comparing it with an allow-list first (a host compared with `equals`/`endsWith` against a \
               domain, a URL compared with `startsWith` against a URL with a host, a set or pattern lookup, or a \
               boolean helper of the app). A URL made by appending the input to a constant `https://host/` or \
               `file:///android_asset/` prefix is not reported: its origin is fixed. The value is followed inside \
               one method; URLs passed through fields, fragments or helper methods are not seen.",
        why: "Any app — or any web page, when the activity handles a BROWSABLE deep link — can make the WebView \
              open a page of the attacker's choosing inside this app: a phishing page that looks like the app's \
              own login, or script that reaches the app's JavaScript bridges, cookies and file access with the \
              app's privileges.",
        fix: "Parse the received URL with `Uri.parse`, require `https` and compare `getHost()` with an exact list \
              of the app's own hosts before loading; otherwise open it in the browser (`Intent.ACTION_VIEW`) or a \
              Custom Tab rather than an in-app WebView. Keep JavaScript bridges off pages from other origins.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0027/",
            "https://developer.android.com/privacy-and-security/risks/unsafe-uri-loading",
            "https://cwe.mitre.org/data/definitions/601.html",
        ],
    },
    check,
};

/// WebView methods and the positions of their URL (or content) parameters.
const SINKS: &[(&str, &[usize])] = &[
    (
        "Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V",
        &[0],
    ),
    (
        "Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;Ljava/util/Map;)V",
        &[0],
    ),
    (
        "Landroid/webkit/WebView;->postUrl(Ljava/lang/String;[B)V",
        &[0],
    ),
    (
        "Landroid/webkit/WebView;->loadDataWithBaseURL(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V",
        &[0, 1],
    ),
];

const TAINT: u32 = FROM_INTENT | FROM_URI;
const MAX_DEPTH: u8 = 5;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    let entry_points = EntryPoints::new(app, dex);
    if entry_points.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    for &(sink, positions) in SINKS {
        for call in dex.calls_to(sink) {
            let Some(entry) = entry_points.of_method(&call.caller()) else {
                continue;
            };
            let flow = MethodFlow::of_call(dex, &call);
            let Some((origin, position)) = positions.iter().find_map(|&p| {
                let arg = call.param(p)?;
                untrusted(&flow, arg.value(), call.at()).map(|o| (o, p))
            }) else {
                continue;
            };
            if allow_listed(&flow, call.at()).is_some() {
                continue;
            }
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let target = callee(dex, &call).map(|c| c.short()).unwrap_or_default();
            let at = call.location();
            let what = if position == 1 {
                "HTML content"
            } else {
                "a URL"
            };
            out.emit(
                call_location(&call),
                &key,
                format!(
                    "{}.{} passes {what} from {origin} to {target}: other apps can make the exported {} {} show any web page.",
                    at.java_class,
                    at.method,
                    entry.kind.tag(),
                    entry.component
                ),
                evidence(&call, &format!("{target}(<{origin}>)")),
            );
        }
    }
}

/// Where an untrusted URL comes from, if the value is one.
fn untrusted(flow: &MethodFlow<'_, '_>, value: ConstValue, sink: u32) -> Option<&'static str> {
    let derivation = flow.derive(value, MAX_DEPTH);
    let origin = if derivation.has(Origins::INTENT_EXTRA) {
        "an Intent extra"
    } else if derivation.has(Origins::INTENT_DATA) {
        "the Intent data URI"
    } else if derivation.has(FROM_URI) && reads_intent(flow) {
        "a parameter of the Intent data URI"
    } else {
        return None;
    };
    if derivation.has(Origins::CONCAT) && fixed_prefix(flow, sink).is_some() {
        return None;
    }
    Some(origin)
}

/// Whether the method reads the Intent it received (so that URI parts it parses are likely
/// the Intent's data).
fn reads_intent(flow: &MethodFlow<'_, '_>) -> bool {
    flow.calls.iter().any(|call| {
        callee(flow.dex, call).is_some_and(|k| {
            k.name == "getIntent"
                || (k.class == "Landroid/content/Intent;" && k.name.starts_with("getData"))
        })
    })
}

/// A constant appended before the sink that pins the URL's origin: `https://host/…`,
/// `http://host/…` or an app-asset `file:` URL.
fn fixed_prefix(flow: &MethodFlow<'_, '_>, sink: u32) -> Option<String> {
    flow.calls
        .iter()
        .filter(|c| c.at() < sink)
        .filter(|c| {
            callee(flow.dex, c).is_some_and(|k| {
                matches!(
                    (k.class.as_ref(), k.name.as_ref()),
                    (
                        "Ljava/lang/StringBuilder;" | "Ljava/lang/StringBuffer;",
                        "<init>" | "append"
                    ) | ("Ljava/lang/String;", "concat")
                )
            })
        })
        .flat_map(|c| c.args())
        .filter_map(|arg| arg.as_str().map(|s| s.into_owned()))
        .find(|text| {
            text.starts_with("file:///android_asset/")
                || text.starts_with("file:///android_res/")
                || parse_url(text).is_some_and(|u| {
                    matches!(u.scheme.as_str(), "https" | "http") && u.rest.starts_with('/')
                })
        })
}

/// A comparison before the sink that amounts to an allow-list on the untrusted value: a host
/// or URL compared with a constant naming a host, a collection or pattern lookup, or a boolean
/// helper of the app. Scheme-only checks (`startsWith("https://")`) do not count.
fn allow_listed<'x, 'a>(flow: &MethodFlow<'x, 'a>, sink: u32) -> Option<CallSiteView<'x, 'a>> {
    flow.calls
        .iter()
        .filter(|c| c.at() < sink)
        .find(|call| {
            let Some(target) = callee(flow.dex, call) else {
                return false;
            };
            let app_check = callee_is_app_code(flow.dex, call) && target.returns_boolean();
            if !(is_comparison(&target) || app_check) {
                return false;
            }
            let args = call.args();
            if !args
                .iter()
                .any(|a| flow.derive(a.value(), MAX_DEPTH).has(TAINT))
            {
                return false;
            }
            if app_check || target.class != "Ljava/lang/String;" {
                return true;
            }
            // A string comparison: the constant side must name a host.
            args.iter().all(|a| match a.as_str() {
                Some(text) => names_host(&text),
                None => true,
            })
        })
        .copied()
}

/// `trusted.example`, `.trusted.example`, `https://trusted.example/…`.
fn names_host(text: &str) -> bool {
    is_domain(text.trim_start_matches('.')) || parse_url(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    #[test]
    fn only_host_constants_make_an_allow_list() {
        assert!(names_host("trusted.appvd-fixture.com"));
        assert!(names_host(".appvd-fixture.com"));
        assert!(names_host("https://appvd-fixture.com/help"));
        assert!(!names_host("https://"));
        assert!(!names_host("http"));
        assert!(!names_host("javascript:"));
    }
}
