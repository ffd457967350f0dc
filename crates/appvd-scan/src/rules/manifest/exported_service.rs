use appvd_axml::{ComponentKind, Manifest};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{
    Hit, actions, at_component, component_name, emit_all, open_component,
};

pub static RULE: Rule = Rule {
    id: "ipc.exported_service",
    title: "Exported service without protection",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 926,
    docs: Docs {
        what: "A service that any other app can start or bind, because it is exported (explicitly, or by an intent \
               filter when the app targets API 30 or lower) and no permission other apps cannot obtain guards it. \
               Services the system binds through a signature permission (`BIND_JOB_SERVICE`, \
               `BIND_NOTIFICATION_LISTENER_SERVICE`, `BIND_ACCESSIBILITY_SERVICE`, …) are not reported, nor are \
               account authenticators, whose framework base class checks the caller itself. Services guarded by the \
               app's own weak permission are left to `ipc.weak_custom_permission`.",
        why: "A malicious app can start the service with crafted extras or bind to it and call its AIDL or Messenger \
              interface. Whatever the service does for its own app — syncing, uploading, changing a PIN, handing out \
              tokens — it then does for the attacker.",
        fix: "Set `android:exported=\"false\"` unless other apps must use the service. If they must, guard it with a \
              permission declared with `android:protectionLevel=\"signature\"`, or check the caller's identity \
              (`Binder.getCallingUid()` against an allow-list of signing certificates) in every entry point.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0029/",
            "https://developer.android.com/guide/topics/manifest/service-element#exported",
            "https://developer.android.com/privacy-and-security/risks/android-exported",
            "https://cwe.mitre.org/data/definitions/926.html",
        ],
    },
    check,
};

/// Actions whose framework base class enforces the caller itself: `AbstractAccountAuthenticator`
/// accepts only callers holding the signature permission `ACCOUNT_MANAGER`.
const SELF_CHECKING_ACTIONS: &[&str] = &["android.accounts.AccountAuthenticator"];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest));
    }
}

fn hits(manifest: &Manifest) -> Vec<Hit> {
    let mut hits = Vec::new();
    for component in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Service)
    {
        let Some(open) = open_component(manifest, component) else {
            continue;
        };
        let filter_actions = actions(component);
        if !filter_actions.is_empty()
            && filter_actions
                .iter()
                .all(|a| SELF_CHECKING_ACTIONS.contains(a))
        {
            continue;
        }
        let name = component_name(component);
        hits.push(Hit::new(
            at_component(component),
            &name,
            format!("Service {name} can be started or bound by any app on the device."),
            open.evidence(),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, filter, manifest};

    #[test]
    fn system_bound_and_self_checking_services_are_not_reported() {
        let mut m = manifest(24, 34);
        let mut job = component(ComponentKind::Service, "Job");
        job.permission = Some("android.permission.BIND_JOB_SERVICE".to_owned());
        add(&mut m, job, Some(true));
        let mut authenticator = component(ComponentKind::Service, "Authenticator");
        authenticator.intent_filters.push(filter(
            &["android.accounts.AccountAuthenticator"],
            &[],
            &[],
        ));
        add(&mut m, authenticator, Some(true));
        assert!(hits(&m).is_empty());
        let mut sync = component(ComponentKind::Service, "Sync");
        sync.intent_filters
            .push(filter(&["android.content.SyncAdapter"], &[], &[]));
        add(&mut m, sync, Some(true));
        assert_eq!(hits(&m).len(), 1);
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
