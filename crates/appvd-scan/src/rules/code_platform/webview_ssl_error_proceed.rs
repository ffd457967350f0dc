use appvd_dex::shapes::Presence;
use appvd_dex::{Analysis, CallSiteView, MethodView};

use super::{
    call_evidence, call_key, call_location, caller_class, checks_debug_build, java_name,
    listing_excerpt,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.webview_ssl_error_proceed",
    title: "WebView continues after TLS certificate errors",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-1",
    cwe: 295,
    docs: Docs {
        what: "A `WebViewClient` subclass overrides `onReceivedSslError` and calls `SslErrorHandler.proceed()` on \
               every path (High), or on some paths without ever looking at the `SslError` (Medium: the decision \
               rests on something else, such as a setting). A `proceed()` call outside the override (typically \
               in a dialog's button listener that asks the user) is also reported as Medium, except in a \
               handler wrapper's own `proceed()` that only forwards.",
        why: "`proceed()` tells the WebView to load the page although its certificate failed validation, so an \
              attacker on the network path can serve any page with a self-made certificate and the WebView shows \
              it as the real site: credentials typed into it, cookies, and any JavaScript bridge are the \
              attacker's. Asking the user does not help; users cannot judge certificate errors, and Android's \
              guidance is not to prompt. A handler that proceeds only for errors it inspects (`getPrimaryError`, \
              `getCertificate`, for example to accept a pinned certificate), or only in debug builds (the method \
              checks `ApplicationInfo.FLAG_DEBUGGABLE` or `BuildConfig.DEBUG`), is not reported.",
        fix: "Do not override `onReceivedSslError`, or call `handler.cancel()` in it (what the default \
              implementation does), and fix the server's certificate instead. If a test server needs an exception, \
              confine it to debug builds.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0284/",
            "https://developer.android.com/reference/android/webkit/WebViewClient#onReceivedSslError(android.webkit.WebView,%20android.webkit.SslErrorHandler,%20android.net.http.SslError)",
            "https://support.google.com/faqs/answer/7071387",
            "https://cwe.mitre.org/data/definitions/295.html",
        ],
    },
    check,
};

const ON_RECEIVED_SSL_ERROR: &str = "Landroid/webkit/WebViewClient;->onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V";
const PROCEED: &str = "Landroid/webkit/SslErrorHandler;->proceed()V";
const SSL_ERROR: &str = "Landroid/net/http/SslError;";

/// `WebViewClient.onReceivedSslError` as a method name and descriptor.
const HANDLER: &str = "onReceivedSslError(Landroid/webkit/WebView;Landroid/webkit/SslErrorHandler;Landroid/net/http/SslError;)V";

/// The app's `onReceivedSslError` overrides, plus same-signature methods of classes whose
/// hierarchy leaves the app and the framework table (a superclass that is not shipped, or a class
/// the table does not list): those may well be WebViewClient subclasses.
fn handlers<'x, 'a>(dex: &'x Analysis<'a>) -> Vec<MethodView<'x, 'a>> {
    let mut found = dex.overrides(ON_RECEIVED_SSL_ERROR);
    let app = dex.app();
    let Some((name, proto)) = HANDLER
        .split_once('(')
        .and_then(|(name, rest)| Some((app.sym(name)?, app.sym(&format!("({rest}"))?)))
    else {
        return found;
    };
    for method in dex.methods() {
        let Some(key) = method.key() else {
            continue;
        };
        if key.name != name
            || key.proto != proto
            || method.access().is_static()
            || found.iter().any(|m| m.id() == method.id())
        {
            continue;
        }
        let unresolved = app.supertypes(key.class).into_iter().any(|t| {
            app.class_by_sym(t).is_none()
                && !app.is_framework_class(t)
                && app.text(t) != "Ljava/lang/Object;"
        });
        if unresolved {
            found.push(method);
        }
    }
    found
}

fn is_proceed(call: &CallSiteView<'_, '_>) -> bool {
    call.callee().is_some_and(|key| {
        let app = call.caller().analysis().app();
        app.text(key.name) == "proceed"
            && app.text(key.proto) == "()V"
            && app.is_subtype_of(key.class, "Landroid/webkit/SslErrorHandler;")
    })
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let overrides = handlers(dex);
    for method in &overrides {
        let presence = dex.call_presence(method.id(), is_proceed);
        let looks_at_error = method.calls().iter().any(|c| {
            c.callee()
                .is_some_and(|key| dex.app().is_subtype_of(key.class, SSL_ERROR))
        });
        let (severity, how) = match (presence, looks_at_error) {
            (Presence::AllPaths, _) => (Severity::High, "on every path"),
            // A proceed() for debug builds only is a developer convenience, not a release flaw.
            (Presence::SomePaths, _) if checks_debug_build(dex, method) => continue,
            (Presence::SomePaths, false) => (
                Severity::Medium,
                "on some paths, without looking at the error",
            ),
            _ => continue,
        };
        let at = method.location();
        let class = java_name(&at.class);
        out.emit_with_severity(
            severity,
            super::method_location(method),
            &class,
            format!(
                "{class} loads pages whose TLS certificate failed validation (proceed() {how})."
            ),
            format!(
                "onReceivedSslError calls SslErrorHandler.proceed() {how}\n{}",
                listing_excerpt(method)
            ),
        );
    }
    report_proceed_elsewhere(dex, &overrides, out);
}

/// `proceed()` called from code other than an `onReceivedSslError` override, e.g. a dialog
/// listener that lets the user decide.
fn report_proceed_elsewhere(
    dex: &Analysis<'_>,
    overrides: &[MethodView<'_, '_>],
    out: &mut super::Once<'_, '_>,
) {
    for call in dex.calls_to(PROCEED) {
        let caller = call.caller();
        if overrides.iter().any(|m| m.id() == caller.id()) {
            continue;
        }
        // A handler wrapper (WebView SDKs wrap the platform handler) forwards its own proceed();
        // an `onReceivedSslError` the hierarchy does not tie to WebViewClient is still a handler.
        let at = caller.location();
        if at.method == "proceed" || format!("{}{}", at.method, at.method_descriptor) == HANDLER {
            continue;
        }
        let class = java_name(&caller_class(&call));
        out.emit_with_severity(
            Severity::Medium,
            call_location(&call),
            &call_key(&call, ""),
            format!(
                "{class} lets a WebView load a page whose TLS certificate failed validation (proceed() outside \
                 onReceivedSslError, e.g. after asking the user)."
            ),
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
