use super::webview::{
    SET_ALLOW_FILE_ACCESS_FROM_FILE_URLS, SET_ALLOW_UNIVERSAL_ACCESS_FROM_FILE_URLS, setter_calls,
};
use super::{call_evidence, call_key, call_location, caller_class};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "webview.file_url_universal_access",
    title: "file:// pages in a WebView may read other files or origins",
    severity: Severity::High,
    masvs: "MASVS-PLATFORM-2",
    cwe: 200,
    docs: Docs {
        what: "Code calls `WebSettings.setAllowFileAccessFromFileURLs(true)` or \
               `setAllowUniversalAccessFromFileURLs(true)`, letting JavaScript in a `file://` page read other local \
               files (and, with universal access, any web origin).",
        why: "Both settings switch off the same-origin policy for `file://` documents. If an attacker can get a \
              page of their own into a `file://` URL the WebView opens (a downloaded HTML file, a file received \
              through a share intent, a cached attachment, a URL passed in an intent), its script can read the \
              app's private files such as `shared_prefs` and databases through `XMLHttpRequest` and send them \
              anywhere; with universal access it can also read responses from any site with the user's cookies. \
              Both default to false for apps targeting API 16 or later, so only explicit calls with a constant \
              `true` are reported.",
        fix: "Remove the calls (or pass `false`). To show bundled pages, serve them from `https://appassets.androidplatform.net` \
              with `WebViewAssetLoader`, which keeps the same-origin policy, instead of `file://` URLs.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0252/",
            "https://developer.android.com/reference/android/webkit/WebSettings#setAllowUniversalAccessFromFileURLs(boolean)",
            "https://developer.android.com/privacy-and-security/risks/webview-unsafe-file-inclusion",
            "https://cwe.mitre.org/data/definitions/200.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    for (signature, setting, reach) in [
        (
            SET_ALLOW_UNIVERSAL_ACCESS_FROM_FILE_URLS,
            "setAllowUniversalAccessFromFileURLs",
            "any origin",
        ),
        (
            SET_ALLOW_FILE_ACCESS_FROM_FILE_URLS,
            "setAllowFileAccessFromFileURLs",
            "other local files",
        ),
    ] {
        for call in setter_calls(dex, signature, true) {
            let class = super::java_name(&caller_class(&call));
            out.emit(
                call_location(&call),
                &call_key(&call, ""),
                format!(
                    "A WebView configured in {class} lets script in file:// pages read {reach} ({setting}(true))."
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
