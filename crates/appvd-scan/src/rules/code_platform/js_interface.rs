use appvd_dex::facts::Origins;
use appvd_dex::{Analysis, ArgView, CallSiteView};

use super::webview::ADD_JAVASCRIPT_INTERFACE;
use super::{SdkLevels, call_evidence, call_key, call_location, caller_class, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "webview.js_interface",
    title: "Java object exposed to WebView JavaScript",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-2",
    cwe: 749,
    docs: Docs {
        what: "Code calls `WebView.addJavascriptInterface(object, name)` (also through WebView subclasses), giving \
               every page the WebView shows a handle to a Java object. The finding lists the bridge's \
               `@JavascriptInterface` methods; it is High when the app runs on (minSdk) or targets API 16 or \
               lower, where every public method is reachable.",
        why: "Any script running in the WebView, from any origin and in any frame, can call the bridge's methods \
              with arguments of its choosing; the methods run in the app with its permissions and data. A page \
              fetched over HTTP, an injected ad, or a URL an attacker gets the WebView to open is enough. Below \
              API 17, and for apps targeting API 16 or lower, the annotation is not required: script can reach \
              `getClass()` and through reflection run any Java code (CVE-2012-6636). When the bridge class is known \
              and, on API 17+, exposes no annotated method, nothing is reachable and nothing is reported. Bridges \
              whose class is not known statically are reported with that caveat.",
        fix: "Prefer `WebViewCompat.addWebMessageListener` with an explicit set of allowed origins. If a bridge is \
              needed, load only your own HTTPS content in that WebView, expose the fewest methods, validate every \
              argument, and raise `minSdkVersion` and `targetSdkVersion` to 17 or later.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0033/",
            "https://developer.android.com/reference/android/webkit/WebView#addJavascriptInterface(java.lang.Object,%20java.lang.String)",
            "https://developer.android.com/privacy-and-security/risks/insecure-webview-native-bridges",
            "https://nvd.nist.gov/vuln/detail/CVE-2012-6636",
            "https://cwe.mitre.org/data/definitions/749.html",
        ],
    },
    check,
};

const JAVASCRIPT_INTERFACE: &str = "Landroid/webkit/JavascriptInterface;";

/// Most method names listed in a message.
const MAX_LISTED: usize = 8;

/// The API level from which only annotated methods are reachable (for apps targeting it too).
const ANNOTATION_REQUIRED_FROM: u32 = 17;

/// Where the name of the interface comes from in a registration method.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NameSource {
    /// Parameter `n` of the method.
    Param(usize),
    /// A value fixed inside the wrapper (`None` when it is not a constant).
    Fixed(Option<String>),
}

/// A method that registers a bridge: `addJavascriptInterface` itself, or an app method that passes
/// its own parameter on to one (a WebView wrapper or a set-up helper).
#[derive(Debug, Clone)]
struct Registrar {
    signature: String,
    object: usize,
    name: NameSource,
    /// The wrappers between this method and `addJavascriptInterface`, outermost first.
    via: Vec<String>,
}

/// How many wrapper levels are followed outwards.
const MAX_WRAPPERS: usize = 3;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let sdk = sdk_levels(app);
    let mut level = vec![Registrar {
        signature: ADD_JAVASCRIPT_INTERFACE.to_string(),
        object: 0,
        name: NameSource::Param(1),
        via: Vec::new(),
    }];
    let mut seen: Vec<String> = vec![ADD_JAVASCRIPT_INTERFACE.to_string()];
    for _ in 0..=MAX_WRAPPERS {
        let mut outer = Vec::new();
        for registrar in &level {
            for call in dex.calls_to(&registrar.signature) {
                let Some(object) = call.param(registrar.object) else {
                    continue;
                };
                let name_arg = match &registrar.name {
                    NameSource::Param(n) => call.param(*n),
                    NameSource::Fixed(_) => None,
                };
                let name = match &registrar.name {
                    NameSource::Param(_) => {
                        name_arg.and_then(|a| a.as_str().map(|s| s.into_owned()))
                    }
                    NameSource::Fixed(name) => name.clone(),
                };
                // The object is the caller's own parameter: the caller is a wrapper, and the
                // bridge is chosen by whoever calls it.
                if let Some(k) = object.origins().parameter_index() {
                    let signature = call.caller().signature();
                    if seen.contains(&signature) {
                        continue;
                    }
                    let name = match name_arg.and_then(|a| a.origins().parameter_index()) {
                        Some(j) => NameSource::Param(usize::from(j)),
                        None => NameSource::Fixed(name),
                    };
                    let mut via = vec![signature.clone()];
                    via.extend(registrar.via.iter().cloned());
                    seen.push(signature.clone());
                    outer.push(Registrar {
                        signature,
                        object: usize::from(k),
                        name,
                        via,
                    });
                    continue;
                }
                report(dex, &call, &object, name, &registrar.via, sdk, out);
            }
        }
        if outer.is_empty() {
            break;
        }
        level = outer;
    }
}

fn report(
    dex: &Analysis<'_>,
    call: &CallSiteView<'_, '_>,
    object: &ArgView<'_, '_>,
    name: Option<String>,
    via: &[String],
    sdk: SdkLevels,
    out: &mut super::Once<'_, '_>,
) {
    let legacy = sdk.min < ANNOTATION_REQUIRED_FROM || sdk.target < ANNOTATION_REQUIRED_FROM;
    let bridge = bridge_class(call, object);
    let shown_name = name
        .as_deref()
        .map(|n| super::brief(n, super::MAX_CONSTANT))
        .unwrap_or_else(|| "(name not constant)".into());
    let caller = super::java_name(&caller_class(call));
    let exposed = bridge.as_deref().map(|b| exposed_methods(dex, b, legacy));
    let (severity, message) = match (&bridge, &exposed) {
        // API 17+ only: a known bridge without annotated methods exposes nothing.
        (Some(_), Some(methods)) if methods.is_empty() && !legacy => return,
        (Some(bridge), Some(methods)) => {
            let bridge = super::java_name(bridge);
            let listed = list(methods);
            if legacy {
                (
                    Severity::High,
                    format!(
                        "{caller} exposes {bridge} to WebView JavaScript as \"{shown_name}\" on API levels where every \
                         public method, and through reflection any Java code, is reachable ({listed})."
                    ),
                )
            } else {
                (
                    RULE.severity,
                    format!(
                        "{caller} exposes {bridge} to WebView JavaScript as \"{shown_name}\" ({listed})."
                    ),
                )
            }
        }
        _ => (
            if legacy {
                Severity::High
            } else {
                RULE.severity
            },
            format!(
                "{caller} exposes an object of a class not known statically to WebView JavaScript as \"{shown_name}\"."
            ),
        ),
    };
    let mut facts = vec![format!(
        "minSdkVersion {}, targetSdkVersion {}",
        sdk.min, sdk.target
    )];
    if let Some(methods) = &exposed {
        facts.push(format!("reachable from JavaScript: {}", list(methods)));
    }
    if !via.is_empty() {
        facts.push(format!("registered through {}", via.join(" -> ")));
    }
    let key_detail = format!(
        "{}|{}",
        bridge.as_deref().map(super::java_name).unwrap_or_default(),
        name.unwrap_or_default()
    );
    out.emit_with_severity(
        severity,
        call_location(call),
        &call_key(call, &key_detail),
        message,
        call_evidence(call, &facts),
    );
}

/// The bridge's class descriptor: an object created in the calling method, or the caller itself
/// (`addJavascriptInterface(this, ...)`).
fn bridge_class(call: &CallSiteView<'_, '_>, object: &ArgView<'_, '_>) -> Option<String> {
    if let Some(class) = object.new_instance_class() {
        return Some(class.into_owned());
    }
    let origins = object.origins();
    let only_this = origins.has(Origins::THIS) && origins.names() == ["this"];
    only_this.then(|| caller_class(call))
}

/// The methods script can call on an object of `class`: the `@JavascriptInterface` ones (API 17+),
/// or every public instance method (`legacy`), declared by the class or its app superclasses.
/// Names are sorted and unique. A class the app does not define yields the one entry `?`.
fn exposed_methods(dex: &Analysis<'_>, class: &str, legacy: bool) -> Vec<String> {
    let app = dex.app();
    let Some(sym) = app.sym(class) else {
        return vec!["?".into()];
    };
    if app.class_by_sym(sym).is_none() {
        return vec!["?".into()];
    }
    let mut names: Vec<String> = Vec::new();
    for ancestor in app.supertypes(sym) {
        let Some(id) = app.class_by_sym(ancestor) else {
            continue;
        };
        for method in dex.methods_of(id) {
            let access = method.access();
            if access.is_static() || access.is_constructor() {
                continue;
            }
            let reachable = if legacy {
                access.contains(appvd_dex::ids::AccessFlags::PUBLIC)
            } else {
                method
                    .annotations()
                    .iter()
                    .any(|a| a == JAVASCRIPT_INTERFACE)
            };
            if reachable {
                names.push(method.location().method);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

fn list(methods: &[String]) -> String {
    if methods == ["?"] {
        return "methods not known: the class is not part of the app".into();
    }
    if methods.is_empty() {
        return "no method".into();
    }
    let mut shown: Vec<&str> = methods
        .iter()
        .take(MAX_LISTED)
        .map(String::as_str)
        .collect();
    if methods.len() > MAX_LISTED {
        shown.push("...");
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use crate::model::AppModel;
    use crate::testing::fixture_path;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    /// On API 17+ a bridge without `@JavascriptInterface` methods exposes nothing.
    #[test]
    fn bridge_without_annotated_methods_is_silent() {
        let app = AppModel::open(&fixture_path(&super::RULE, "negative-unannotated")).unwrap();
        assert!(super::RULE.run(&app).is_empty());
    }

    /// The same bridge in an app that still runs on API 16 is reachable in full.
    #[test]
    fn legacy_sdk_makes_every_public_method_reachable() {
        let app = AppModel::open(&fixture_path(&super::RULE, "positive-min-sdk-16")).unwrap();
        let findings = super::RULE.run(&app);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].severity, crate::finding::Severity::High);
        assert!(
            findings[0].message.contains("sync"),
            "{}",
            findings[0].message
        );
    }
}
