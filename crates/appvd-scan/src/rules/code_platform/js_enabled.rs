use std::collections::BTreeMap;

use appvd_dex::Analysis;
use appvd_dex::facts::Origins;

use super::webview::{
    ADD_JAVASCRIPT_INTERFACE, LOAD_URL, MIXED_CONTENT_ALWAYS_ALLOW,
    SET_ALLOW_FILE_ACCESS_FROM_FILE_URLS, SET_ALLOW_UNIVERSAL_ACCESS_FROM_FILE_URLS,
    SET_JAVASCRIPT_ENABLED, SET_MIXED_CONTENT_MODE, setter_calls,
};
use super::{call_evidence, call_key, call_location, caller_class};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "webview.js_enabled",
    title: "JavaScript enabled in a WebView",
    severity: Severity::Info,
    masvs: "MASVS-PLATFORM-2",
    cwe: 79,
    docs: Docs {
        what: "Code calls `WebSettings.setJavaScriptEnabled(true)`. On its own this is an inventory fact (Info); it \
               is raised to Low when the same class also exposes a JavaScript bridge, lets `file://` pages read \
               other files or origins, allows mixed content, or loads a URL taken from an intent.",
        why: "JavaScript is what turns the other WebView weaknesses into attacks: injected or attacker-hosted script \
              can call `@JavascriptInterface` methods, read local files through relaxed `file://` access, or act on \
              a page fetched over HTTP. Enabling it is normal for web content, so the rule only raises it where \
              one of those multipliers sits in the same class; the multipliers are reported by their own rules. \
              Settings changed through values computed at run time are not seen.",
        fix: "Leave JavaScript off for WebViews that show static or local content. Where it is needed, load only \
              your own HTTPS origins, keep `file://` access off, do not expose Java objects (prefer \
              `WebViewCompat.addWebMessageListener` with an origin allow-list), and never load URLs taken from \
              intents without checking the host.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0031/",
            "https://developer.android.com/reference/android/webkit/WebSettings#setJavaScriptEnabled(boolean)",
            "https://developer.android.com/develop/ui/views/layout/webapps/webview#EnablingJavaScript",
            "https://cwe.mitre.org/data/definitions/79.html",
        ],
    },
    check,
};

/// Where a URL comes from an intent, an attacker may choose it.
const INTENT_ORIGINS: u32 = Origins::INTENT | Origins::INTENT_EXTRA | Origins::INTENT_DATA;

/// The WebView risk multipliers in each class (descriptor), in a fixed order.
fn multipliers(dex: &Analysis<'_>) -> BTreeMap<String, Vec<&'static str>> {
    let mut found: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
    let mut note = |class: String, what: &'static str| {
        let list = found.entry(class).or_default();
        if !list.contains(&what) {
            list.push(what);
        }
    };
    for call in dex.calls_to(ADD_JAVASCRIPT_INTERFACE) {
        note(
            caller_class(&call),
            "a JavaScript bridge (addJavascriptInterface)",
        );
    }
    for signature in [
        SET_ALLOW_FILE_ACCESS_FROM_FILE_URLS,
        SET_ALLOW_UNIVERSAL_ACCESS_FROM_FILE_URLS,
    ] {
        for call in setter_calls(dex, signature, true) {
            note(caller_class(&call), "relaxed file:// access");
        }
    }
    for call in dex.calls_to(SET_MIXED_CONTENT_MODE) {
        if call.param(0).and_then(|a| a.as_int()) == Some(MIXED_CONTENT_ALWAYS_ALLOW) {
            note(caller_class(&call), "mixed content allowed");
        }
    }
    for signature in LOAD_URL {
        for call in dex.calls_to(signature) {
            if call
                .param(0)
                .is_some_and(|a| a.origins().has(INTENT_ORIGINS))
            {
                note(caller_class(&call), "a URL taken from an intent");
            }
        }
    }
    found
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let calls = setter_calls(dex, SET_JAVASCRIPT_ENABLED, true);
    if calls.is_empty() {
        return;
    }
    let multipliers = multipliers(dex);
    for call in calls {
        let descriptor = caller_class(&call);
        let class = super::java_name(&descriptor);
        match multipliers.get(&descriptor) {
            Some(with) => out.emit_with_severity(
                Severity::Low,
                call_location(&call),
                &call_key(&call, ""),
                format!(
                    "A WebView configured in {class} runs JavaScript, and the class also uses {}.",
                    with.join(", ")
                ),
                call_evidence(&call, &[format!("in the same class: {}", with.join("; "))]),
            ),
            None => out.emit(
                call_location(&call),
                &call_key(&call, ""),
                format!("A WebView configured in {class} runs JavaScript."),
                call_evidence(&call, &[]),
            ),
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
