use appvd_axml::{ComponentKind, Manifest};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{
    Hit, at_component, component_name, emit_all, is_launcher_entry, open_component,
};

pub static RULE: Rule = Rule {
    id: "ipc.exported_activity",
    title: "Exported activity without protection",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 926,
    docs: Docs {
        what: "An activity or activity-alias that any other app on the device can start, because it is exported \
               (explicitly, or by an intent filter when the app targets API 30 or lower) and no permission other \
               apps cannot obtain guards it. The launcher activity is not reported: it has to be exported and every \
               app can start it anyway; its deep links are covered by `ipc.applink_not_verified` and \
               `ipc.custom_scheme_deeplink`. Disabled activities and activities guarded by a signature-level \
               permission are not reported either, nor are activities guarded by the app's own weak permission, which \
               `ipc.weak_custom_permission` reports.",
        why: "A malicious app can start the activity directly with any extras and data it likes. Screens that sit \
              behind a login, that act on extras (open a URL, forward an Intent, change settings, export files) or \
              that return a result become reachable without the flow the developer assumed, which leads to \
              authentication bypass, intent redirection and data theft.",
        fix: "Set `android:exported=\"false\"` on activities other apps have no reason to start. When another app must \
              start it, guard it with `android:permission` naming a permission declared with \
              `android:protectionLevel=\"signature\"`, and treat every extra as untrusted input.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0029/",
            "https://developer.android.com/privacy-and-security/risks/android-exported",
            "https://developer.android.com/guide/topics/manifest/activity-element#exported",
            "https://cwe.mitre.org/data/definitions/926.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest));
    }
}

fn hits(manifest: &Manifest) -> Vec<Hit> {
    let mut hits = Vec::new();
    for component in manifest.components() {
        if !matches!(
            component.kind,
            ComponentKind::Activity | ComponentKind::ActivityAlias
        ) || is_launcher_entry(component)
        {
            continue;
        }
        let Some(open) = open_component(manifest, component) else {
            continue;
        };
        let name = component_name(component);
        let mut evidence = open.evidence();
        if let Some(target) = &component.target_activity {
            evidence.push_str(&format!("; alias of {target}"));
        }
        let what = if component.kind == ComponentKind::ActivityAlias {
            "Activity alias"
        } else {
            "Activity"
        };
        hits.push(Hit::new(
            at_component(component),
            &name,
            format!("{what} {name} can be started by any app on the device."),
            evidence,
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, declare, filter, manifest};

    const MAIN: &str = "android.intent.action.MAIN";
    const LAUNCHER: &str = "android.intent.category.LAUNCHER";

    fn activity_with_filter(
        name: &str,
        actions: &[&str],
        categories: &[&str],
    ) -> appvd_axml::Component {
        let mut activity = component(ComponentKind::Activity, name);
        activity
            .intent_filters
            .push(filter(actions, categories, &[]));
        activity
    }

    fn keys(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.key.as_str()).collect()
    }

    #[test]
    fn export_by_intent_filter_counts_only_below_api_31() {
        for (target, expected) in [(30, 1), (31, 0)] {
            let mut m = manifest(24, target);
            add(
                &mut m,
                activity_with_filter("Share", &["android.intent.action.SEND"], &[]),
                None,
            );
            assert_eq!(hits(&m).len(), expected, "targetSdk {target}");
        }
    }

    #[test]
    fn launcher_disabled_and_private_activities_are_not_reported() {
        let mut m = manifest(24, 30);
        add(
            &mut m,
            activity_with_filter("Main", &[MAIN], &[LAUNCHER]),
            Some(true),
        );
        let mut alias = activity_with_filter("Alias", &[MAIN], &[LAUNCHER]);
        alias.kind = ComponentKind::ActivityAlias;
        add(&mut m, alias, None);
        let mut disabled = component(ComponentKind::Activity, "Disabled");
        disabled.enabled = Some(false);
        add(&mut m, disabled, Some(true));
        add(&mut m, component(ComponentKind::Activity, "Private"), None);
        assert!(hits(&m).is_empty());
    }

    #[test]
    fn guards_are_judged_by_who_can_hold_them() {
        let mut m = manifest(24, 34);
        declare(&mut m, "com.example.app.SIGNED", 2);
        declare(&mut m, "com.example.app.OPEN", 0);
        let guarded = |name: &str, permission: &str| {
            let mut activity = component(ComponentKind::Activity, name);
            activity.permission = Some(permission.to_owned());
            activity
        };
        add(
            &mut m,
            guarded("Signed", "com.example.app.SIGNED"),
            Some(true),
        );
        add(
            &mut m,
            guarded("Platform", "android.permission.BIND_DEVICE_ADMIN"),
            Some(true),
        );
        add(&mut m, guarded("Open", "com.example.app.OPEN"), Some(true));
        add(
            &mut m,
            guarded("Undefined", "com.partner.PERMISSION"),
            Some(true),
        );
        add(
            &mut m,
            guarded("Internet", "android.permission.INTERNET"),
            Some(true),
        );
        add(
            &mut m,
            component(ComponentKind::Activity, "Bare"),
            Some(true),
        );
        // The app's own weak or undefined permissions are ipc.weak_custom_permission's findings.
        assert_eq!(
            keys(&hits(&m)),
            ["com.example.app.Internet", "com.example.app.Bare"]
        );
    }

    #[test]
    fn an_application_signature_permission_covers_every_activity() {
        let mut m = manifest(24, 34);
        declare(&mut m, "com.example.app.SIGNED", 2);
        if let Some(application) = m.application.as_mut() {
            application.permission = Some("com.example.app.SIGNED".to_owned());
        }
        add(
            &mut m,
            component(ComponentKind::Activity, "Bare"),
            Some(true),
        );
        assert!(hits(&m).is_empty());
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
