use super::webview::{
    SET_ALLOW_FILE_ACCESS, SET_JAVASCRIPT_ENABLED, classes_calling, setter_calls,
};
use super::{call_evidence, call_key, call_location, caller_class, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "webview.file_access",
    title: "WebView can load local files",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-2",
    cwe: 200,
    docs: Docs {
        what: "Code calls `WebSettings.setAllowFileAccess(true)` (Medium), or, in an app targeting API 29 or lower \
               where the default is `true`, enables JavaScript in a WebView from a class that never calls \
               `setAllowFileAccess` (Low).",
        why: "With file access on, the WebView opens `file://` URLs for any path the app can read. If an attacker \
              can choose the URL the WebView loads (a deep link, an intent extra, a redirect), they can make it \
              display, and with JavaScript and relaxed `file://` rules read, the app's private files such as \
              tokens in `shared_prefs` or databases. The platform default changed to `false` for apps targeting \
              API 30, so the implicit case only exists below that; a WebView configured in a class other than the \
              one that enables JavaScript is not followed.",
        fix: "Call `setAllowFileAccess(false)` on every WebView settings object, and serve bundled content with \
              `WebViewAssetLoader` (`https://appassets.androidplatform.net/...`) instead of `file://` URLs; \
              `file:///android_asset/` keeps working without file access.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0252/",
            "https://developer.android.com/reference/android/webkit/WebSettings#setAllowFileAccess(boolean)",
            "https://developer.android.com/privacy-and-security/risks/webview-unsafe-file-inclusion",
            "https://cwe.mitre.org/data/definitions/200.html",
        ],
    },
    check,
};

/// Apps targeting this API level or higher get `allowFileAccess = false` by default.
const DEFAULT_OFF_FROM: u32 = 30;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    for call in setter_calls(dex, SET_ALLOW_FILE_ACCESS, true) {
        let class = super::java_name(&caller_class(&call));
        out.emit(
            call_location(&call),
            &call_key(&call, "explicit"),
            format!(
                "A WebView configured in {class} may load file:// URLs (setAllowFileAccess(true))."
            ),
            call_evidence(&call, &[]),
        );
    }
    let sdk = sdk_levels(app);
    if sdk.target >= DEFAULT_OFF_FROM {
        return;
    }
    let configured = classes_calling(dex, SET_ALLOW_FILE_ACCESS);
    for call in setter_calls(dex, SET_JAVASCRIPT_ENABLED, true) {
        let descriptor = caller_class(&call);
        if configured.contains(&descriptor) {
            continue;
        }
        let class = super::java_name(&descriptor);
        out.emit_with_severity(
            Severity::Low,
            call_location(&call),
            &call_key(&call, "default"),
            format!(
                "A JavaScript-enabled WebView configured in {class} keeps the default file access, which is on for \
                 apps targeting API {} (below 30).",
                sdk.target
            ),
            call_evidence(
                &call,
                &[format!(
                    "targetSdkVersion {}; no setAllowFileAccess call in {class}",
                    sdk.target
                )],
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::AppModel;
    use crate::testing::fixture_path;

    fn run(variant: &str) -> Vec<crate::finding::Finding> {
        let app = AppModel::open(&fixture_path(&super::RULE, variant)).unwrap();
        super::RULE.run(&app)
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    /// Apps targeting API 29 get file access by default: a JavaScript WebView without an explicit
    /// `setAllowFileAccess(false)` is reported (Low); the same code targeting API 30 is not.
    #[test]
    fn the_default_depends_on_the_target_sdk() {
        let findings = run("positive-default-sdk29");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].severity, crate::finding::Severity::Low);
        assert!(run("negative-default-sdk30").is_empty());
    }
}
