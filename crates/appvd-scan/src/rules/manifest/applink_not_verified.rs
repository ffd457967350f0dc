use std::collections::BTreeSet;

use appvd_axml::{Component, ComponentKind, IntentFilter, Manifest};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{Hit, at_component, component_name, emit_all, list, reachable};

pub static RULE: Rule = Rule {
    id: "ipc.applink_not_verified",
    title: "HTTP(S) deep link without App Link verification",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 939,
    docs: Docs {
        what: "An exported activity handles `http`/`https` links for a host (an intent filter with `VIEW`, `DEFAULT`, \
               `BROWSABLE` and a `<data android:host>`), but no intent filter of the app that names that host asks for \
               verification with `android:autoVerify=\"true\"`. Reported only when the app installs on Android 11 \
               or lower (minSdk 30 or less): from Android 12 an unverified web link opens in the browser unless the \
               user links the app to the domain by hand, so no other app can take it over there. Whether the site's \
               `/.well-known/assetlinks.json` names the app's signing certificate needs a network look-up, which the \
               scanner never makes.",
        why: "Without verification the link is not bound to the app. On Android 11 and lower any other app can declare \
              the same host and scheme; the user is shown a chooser, or the other app becomes the handler, and the \
              link — often carrying OAuth codes, password-reset or magic-login tokens — goes to the attacker.",
        fix: "Add `android:autoVerify=\"true\"` to the intent filters for the app's own domains and publish \
              `https://<host>/.well-known/assetlinks.json` with the app's package name and signing-certificate \
              SHA-256. Never put one-time secrets in links that might reach an unverified handler.",
        references: &[
            "https://developer.android.com/training/app-links/verify-android-applinks",
            "https://developer.android.com/privacy-and-security/risks/unsafe-use-of-deeplinks",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0028/",
            "https://developer.android.com/guide/topics/manifest/intent-filter-element",
            "https://cwe.mitre.org/data/definitions/939.html",
        ],
    },
    check,
};

/// The last API level that shows a chooser for (or lets any app claim) unverified web links.
const LAST_API_WITHOUT_STRICT_LINK_HANDLING: u32 = 30;

/// A filter that receives web links for named hosts.
fn is_web_link_filter(filter: &IntentFilter) -> bool {
    filter.has_action("android.intent.action.VIEW")
        && filter.is_browsable()
        && filter.has_category("android.intent.category.DEFAULT")
        && filter
            .schemes()
            .iter()
            .any(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
}

/// Hosts of a web-link filter that name a site (a bare `*` matches every site, like a browser).
fn named_hosts(filter: &IntentFilter) -> Vec<&str> {
    filter
        .hosts()
        .into_iter()
        .filter(|h| !h.is_empty() && *h != "*")
        .collect()
}

/// Every host that some `autoVerify="true"` web-link filter of the app names.
fn verified_hosts(manifest: &Manifest) -> BTreeSet<String> {
    manifest
        .components()
        .flat_map(|c| c.intent_filters.iter())
        .filter(|f| f.auto_verify == Some(true) && is_web_link_filter(f))
        .flat_map(|f| named_hosts(f).into_iter().map(str::to_ascii_lowercase))
        .collect()
}

fn unverified_hosts<'c>(component: &'c Component, verified: &BTreeSet<String>) -> Vec<&'c str> {
    let mut hosts: Vec<&str> = Vec::new();
    for filter in component
        .intent_filters
        .iter()
        .filter(|f| f.auto_verify != Some(true) && is_web_link_filter(f))
    {
        for host in named_hosts(filter) {
            if !verified.contains(&host.to_ascii_lowercase()) && !hosts.contains(&host) {
                hosts.push(host);
            }
        }
    }
    hosts
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest));
    }
}

fn hits(manifest: &Manifest) -> Vec<Hit> {
    let mut hits = Vec::new();
    if manifest.min_sdk() > LAST_API_WITHOUT_STRICT_LINK_HANDLING {
        return hits;
    }
    let verified = verified_hosts(manifest);
    for component in manifest.components() {
        if !matches!(
            component.kind,
            ComponentKind::Activity | ComponentKind::ActivityAlias
        ) || !reachable(component)
        {
            continue;
        }
        let hosts = unverified_hosts(component, &verified);
        if hosts.is_empty() {
            continue;
        }
        let name = component_name(component);
        hits.push(Hit::new(
            at_component(component),
            &name,
            format!("Activity {name} opens web links for {} without App Link verification.", list(&hosts, 3)),
            format!("VIEW+BROWSABLE http(s) filter without android:autoVerify=\"true\"; hosts: {}; minSdk {}", list(&hosts, 6), manifest.min_sdk()),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, filter, manifest};

    const VIEW: &[&str] = &["android.intent.action.VIEW"];
    const LINK: &[&str] = &[
        "android.intent.category.DEFAULT",
        "android.intent.category.BROWSABLE",
    ];

    fn link_activity(
        name: &str,
        hosts: &[&str],
        auto_verify: Option<bool>,
        categories: &[&str],
    ) -> Component {
        let data: Vec<(&str, &str)> = hosts.iter().map(|h| ("https", *h)).collect();
        let mut link_filter = filter(VIEW, categories, &data);
        link_filter.auto_verify = auto_verify;
        let mut activity = component(ComponentKind::Activity, name);
        activity.intent_filters.push(link_filter);
        activity
    }

    #[test]
    fn unverified_hosts_are_reported_on_apps_that_run_on_android_11() {
        let mut m = manifest(24, 34);
        add(
            &mut m,
            link_activity("Shop", &["shop.example.com", "www.example.com"], None, LINK),
            Some(true),
        );
        add(
            &mut m,
            link_activity("Verified", &["www.example.com"], Some(true), LINK),
            Some(true),
        );
        add(
            &mut m,
            link_activity("Browser", &["*"], None, LINK),
            Some(true),
        );
        add(
            &mut m,
            link_activity(
                "NoDefault",
                &["other.example.com"],
                None,
                &["android.intent.category.BROWSABLE"],
            ),
            Some(true),
        );
        let found = hits(&m);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].evidence.contains("hosts: shop.example.com;"),
            "{}",
            found[0].evidence
        );
        let mut modern = manifest(31, 34);
        add(
            &mut modern,
            link_activity("Shop", &["shop.example.com"], None, LINK),
            Some(true),
        );
        assert!(
            hits(&modern).is_empty(),
            "Android 12+ never hands unverified links to another app"
        );
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
