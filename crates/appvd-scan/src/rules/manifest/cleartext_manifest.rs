use appvd_axml::Manifest;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{Hit, at_line, emit_all};

pub static RULE: Rule = Rule {
    id: "tls.cleartext_manifest",
    title: "Cleartext traffic allowed app-wide",
    severity: Severity::High,
    masvs: "MASVS-NETWORK-1",
    cwe: 319,
    docs: Docs {
        what: "The app has no network security config and its manifest lets every connection use cleartext HTTP: \
               `android:usesCleartextTraffic=\"true\"`, or the attribute is absent and the app targets API 27 or \
               lower, where cleartext is the default. When the app names a network security config \
               (`android:networkSecurityConfig`), Android 7.0+ ignores `usesCleartextTraffic` and the config decides; \
               that case, defaults included, belongs to `tls.nsc_cleartext`, so one cause never yields two findings.",
        why: "Platform networking (HttpURLConnection, OkHttp, WebView, Volley…) will then send requests over plain \
              HTTP whenever a URL says so. Anyone on the same Wi-Fi, a rogue access point or a hostile network can \
              read the traffic and change responses: session tokens leak, and downloaded content or code can be \
              replaced.",
        fix: "Serve everything over HTTPS and set `android:usesCleartextTraffic=\"false\"` (or target API 28+ and drop \
              the attribute). If some host truly has no TLS, add a network security config that permits cleartext for \
              that domain only.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0019/",
            "https://developer.android.com/guide/topics/manifest/application-element#usesCleartextTraffic",
            "https://developer.android.com/privacy-and-security/security-config#CleartextTrafficPermitted",
            "https://cwe.mitre.org/data/definitions/319.html",
        ],
    },
    check,
};

/// The first target SDK for which cleartext is off by default.
const CLEARTEXT_OFF_BY_DEFAULT: u32 = 28;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest));
    }
}

fn hits(manifest: &Manifest) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Some(application) = manifest.application.as_ref() else {
        return hits;
    };
    // A named config decides on Android 7.0+; tls.nsc_cleartext owns it (even when it cannot be
    // read, in which case Android refuses to start networking at all).
    if application.network_security_config.is_some() {
        return hits;
    }
    let target_sdk = manifest.target_sdk();
    let evidence = match application.uses_cleartext_traffic {
        Some(true) => {
            "<application android:usesCleartextTraffic=\"true\">; no networkSecurityConfig"
                .to_owned()
        }
        Some(false) => return hits,
        None if target_sdk < CLEARTEXT_OFF_BY_DEFAULT => {
            format!(
                "no android:usesCleartextTraffic and no networkSecurityConfig; targetSdk {target_sdk} < 28 allows cleartext by default"
            )
        }
        None => return hits,
    };
    hits.push(Hit::new(
        at_line(application.line),
        "application",
        "The app allows cleartext HTTP to every host, so its traffic can be read and changed on the network.",
        evidence,
    ));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::manifest;
    use appvd_axml::ResourceLink;

    fn with(target_sdk: i64, uses_cleartext: Option<bool>, config: bool) -> Manifest {
        let mut m = manifest(21, target_sdk);
        if let Some(application) = m.application.as_mut() {
            application.uses_cleartext_traffic = uses_cleartext;
            application.network_security_config = config.then_some(ResourceLink {
                id: 0x7f0f_0000,
                name: None,
                path: None,
            });
        }
        m
    }

    #[test]
    fn the_attribute_and_the_target_sdk_default_decide_without_a_config() {
        assert_eq!(hits(&with(34, Some(true), false)).len(), 1);
        assert_eq!(hits(&with(27, None, false)).len(), 1);
        assert!(hits(&with(27, Some(false), false)).is_empty());
        assert!(hits(&with(28, None, false)).is_empty());
        // With a config, Android 7.0+ ignores the attribute: tls.nsc_cleartext decides.
        assert!(hits(&with(34, Some(true), true)).is_empty());
        assert!(hits(&with(27, None, true)).is_empty());
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
