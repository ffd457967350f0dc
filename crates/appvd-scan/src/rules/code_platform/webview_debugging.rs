use appvd_dex::shapes::Presence;
use appvd_dex::{Analysis, CallSiteView};

use super::{call_evidence, call_key, call_location, caller_class, checks_debug_build};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "webview.debugging",
    title: "WebView remote debugging enabled",
    severity: Severity::High,
    masvs: "MASVS-RESILIENCE-4",
    cwe: 489,
    docs: Docs {
        what: "Code calls `WebView.setWebContentsDebuggingEnabled(true)` on a path that is not guarded by a \
               debug-build check (`ApplicationInfo.FLAG_DEBUGGABLE`, a `BuildConfig.DEBUG` field).",
        why: "With WebView debugging on, anyone who can reach the device over ADB (a shared or lost phone, a \
              malicious charging station, malware holding ADB access) can attach Chrome DevTools to every WebView \
              of the app, read and change the DOM, cookies, local storage and tokens, and run JavaScript with any \
              bridge the pages can call, without the app being debuggable. A call that passes \
              `BuildConfig.DEBUG` compiles to a constant `false` in release builds and is not reported; a value \
              computed at run time is not judged.",
        fix: "Enable it only in debug builds: `WebView.setWebContentsDebuggingEnabled(BuildConfig.DEBUG)`, or guard \
              the call with `(getApplicationInfo().flags & ApplicationInfo.FLAG_DEBUGGABLE) != 0`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0227/",
            "https://developer.android.com/reference/android/webkit/WebView#setWebContentsDebuggingEnabled(boolean)",
            "https://developer.chrome.com/docs/devtools/remote-debugging/webviews",
            "https://cwe.mitre.org/data/definitions/489.html",
        ],
    },
    check,
};

const SET_DEBUGGING: &str = "Landroid/webkit/WebView;->setWebContentsDebuggingEnabled(Z)V";

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    for call in dex.calls_to(SET_DEBUGGING) {
        if call.param(0).and_then(|a| a.as_bool()) != Some(true) {
            continue;
        }
        if is_guarded(dex, &call) {
            continue;
        }
        let class = super::java_name(&caller_class(&call));
        out.emit(
            call_location(&call),
            &call_key(&call, ""),
            format!(
                "{class} turns on remote debugging of WebViews (setWebContentsDebuggingEnabled(true) on a path no \
                 debug-build check guards)."
            ),
            call_evidence(&call, &[]),
        );
    }
}

/// A call is guarded when it happens on some paths only and the method (or an app method it
/// calls) reads the debuggable flag or a `BuildConfig.DEBUG` field: the usual shape of
/// `if (debuggable) WebView.setWebContentsDebuggingEnabled(true)`.
fn is_guarded(dex: &Analysis<'_>, call: &CallSiteView<'_, '_>) -> bool {
    let method = call.caller();
    let id = call.id();
    dex.call_presence(method.id(), |c| c.id() == id) == Presence::SomePaths
        && checks_debug_build(dex, &method)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
