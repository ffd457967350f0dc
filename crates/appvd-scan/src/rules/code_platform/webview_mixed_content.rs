use super::webview::{
    MIXED_CONTENT_ALWAYS_ALLOW, MIXED_CONTENT_COMPATIBILITY_MODE, SET_MIXED_CONTENT_MODE,
};
use super::{call_evidence, call_key, call_location, caller_class};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.webview_mixed_content",
    title: "WebView lets HTTPS pages load HTTP content",
    severity: Severity::Medium,
    masvs: "MASVS-NETWORK-1",
    cwe: 319,
    docs: Docs {
        what: "Code calls `WebSettings.setMixedContentMode(MIXED_CONTENT_ALWAYS_ALLOW)` (0), or \
               `MIXED_CONTENT_COMPATIBILITY_MODE` (2, reported as Low), so a page loaded over HTTPS may pull \
               sub-resources over cleartext HTTP.",
        why: "Resources fetched over HTTP inside an HTTPS page can be read and replaced by anyone on the network \
              path. A replaced script runs with the page's origin: it can read what the user types, the page's \
              cookies and storage, and call any JavaScript bridge the WebView exposes. Compatibility mode still \
              allows some of this (images, media) and its exact policy changes between WebView releases. Apps \
              targeting API 21 or later default to `MIXED_CONTENT_NEVER_ALLOW`; modes passed as values computed \
              at run time are not seen.",
        fix: "Remove the call or pass `WebSettings.MIXED_CONTENT_NEVER_ALLOW`, and serve every sub-resource of the \
              pages over HTTPS.",
        references: &[
            "https://developer.android.com/reference/android/webkit/WebSettings#setMixedContentMode(int)",
            "https://mas.owasp.org/MASVS/controls/MASVS-NETWORK-1/",
            "https://cwe.mitre.org/data/definitions/319.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    for call in dex.calls_to(SET_MIXED_CONTENT_MODE) {
        let Some(mode) = call.param(0).and_then(|a| a.as_int()) else {
            continue;
        };
        let (severity, name, effect) = match mode {
            MIXED_CONTENT_ALWAYS_ALLOW => (
                Severity::Medium,
                "MIXED_CONTENT_ALWAYS_ALLOW",
                "loads any HTTP sub-resource in HTTPS pages",
            ),
            MIXED_CONTENT_COMPATIBILITY_MODE => (
                Severity::Low,
                "MIXED_CONTENT_COMPATIBILITY_MODE",
                "loads some HTTP sub-resources (images, media) in HTTPS pages",
            ),
            _ => continue,
        };
        let class = super::java_name(&caller_class(&call));
        out.emit_with_severity(
            severity,
            call_location(&call),
            &call_key(&call, name),
            format!("A WebView configured in {class} {effect} ({name})."),
            call_evidence(&call, &[]),
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
