use super::{
    call_evidence, call_key, call_location, caller_class, in_packages, sdk_levels,
    unreachable_fallback,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "tls.legacy_http_client",
    title: "Deprecated Apache HTTP client in use",
    severity: Severity::Low,
    masvs: "MASVS-NETWORK-1",
    cwe: 757,
    docs: Docs {
        what: "Code creates Android's legacy Apache HTTP client (`new DefaultHttpClient(...)`, \
               `AndroidHttpClient.newInstance(...)`), deprecated since API 22 and removed from the default class \
               path in API 28.",
        why: "The platform copy of Apache HttpClient is a frozen pre-4.0 snapshot that no longer receives fixes. \
              Its default host name verifier (browser-compatible) is laxer than the platform's (a wildcard may \
              cover several name levels), and its TLS set-up is whatever the old socket factory offered, so \
              connections made with it get older, less predictable TLS behaviour than `HttpsURLConnection` or \
              OkHttp, and any weakness found in it stays. The rule reports each place the client is created, \
              except an old-device fallback behind a `Build.VERSION.SDK_INT` check that the app's \
              `minSdkVersion` already rules out (Volley's `AndroidHttpClient` branch for API 8 and lower); \
              clients built by reflection are not seen.",
        fix: "Replace the client with `HttpsURLConnection` or a maintained library such as OkHttp, and remove \
              `<uses-library android:name=\"org.apache.http.legacy\">` once nothing needs it. If a third-party SDK \
              is the caller, update the SDK.",
        references: &[
            "https://developer.android.com/about/versions/pie/android-9.0-changes-28#apache-p",
            "https://developer.android.com/about/versions/marshmallow/android-6.0-changes#behavior-apache-http-client",
            "https://mas.owasp.org/MASVS/controls/MASVS-NETWORK-1/",
            "https://cwe.mitre.org/data/definitions/757.html",
        ],
    },
    check,
};

/// Constructors and factories of the legacy client (any overload).
const CREATORS: [&str; 2] = [
    "Lorg/apache/http/impl/client/DefaultHttpClient;-><init>",
    "Landroid/net/http/AndroidHttpClient;->newInstance",
];

/// The client's own code (when an app bundles a copy) creates instances of itself.
const CLIENT_PACKAGES: &[&str] = &["Lorg/apache/http/", "Landroid/net/http/"];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let declared = app
        .manifest()
        .and_then(|m| m.application.as_ref())
        .is_some_and(|a| {
            a.uses_libraries
                .iter()
                .any(|l| l.name.as_deref() == Some("org.apache.http.legacy"))
        });
    let sdk = sdk_levels(app);
    let library_fact = declared.then(|| {
        "AndroidManifest.xml: <uses-library android:name=\"org.apache.http.legacy\">".to_string()
    });
    for creator in CREATORS {
        // Exact class: a subclass's constructor calls this one, so subclasses are found too.
        for call in dex.calls_to_exact(creator) {
            let caller = caller_class(&call);
            if in_packages(&caller, CLIENT_PACKAGES) || unreachable_fallback(dex, &call, sdk) {
                continue;
            }
            let class = super::java_name(&caller);
            out.emit(
                call_location(&call),
                &call_key(&call, ""),
                format!("{class} creates the deprecated Apache HTTP client."),
                call_evidence(&call, library_fact.as_slice()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::AppModel;
    use crate::testing::fixture_path;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    /// The Volley-style fallback the negative fixture skips (minSdk 24) is reported once the app
    /// runs on the releases the branch is for.
    #[test]
    fn old_device_fallback_counts_when_min_sdk_reaches_it() {
        let app =
            AppModel::open(&fixture_path(&super::RULE, "positive-fallback-min-sdk-8")).unwrap();
        let findings = super::RULE.run(&app);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(
            findings[0].location.method.as_deref(),
            Some("stack()Ljava/lang/Object;")
        );
    }
}
