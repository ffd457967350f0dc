use appvd_axml::{ComponentKind, Manifest};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{
    Hit, actions, at_component, component_name, emit_all, is_protected_broadcast, open_component,
};

pub static RULE: Rule = Rule {
    id: "ipc.exported_receiver",
    title: "Exported broadcast receiver without protection",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 925,
    docs: Docs {
        what: "A broadcast receiver declared in the manifest that any other app can send an Intent to, because it is \
               exported (explicitly, or by an intent filter when the app targets API 30 or lower) and no permission \
               other apps cannot obtain guards it. When every action it filters for is a protected broadcast that \
               only the system may send (`BOOT_COMPLETED`, `PACKAGE_REPLACED`, …) the finding is Low: other apps can \
               still reach it with an explicit Intent, but the receiver was written for the system's broadcast. \
               Receivers guarded by the app's own weak permission are left to `ipc.weak_custom_permission`.",
        why: "Any app can deliver a forged broadcast to the receiver with an explicit Intent, whatever actions its \
              filter lists. Receivers for unprotected actions such as `SMS_RECEIVED` or `APPWIDGET_UPDATE`, or for the \
              app's own actions, typically trust the extras they get: a forged message can trigger SMS sending, \
              logouts, data wipes or the start of internal components.",
        fix: "Set `android:exported=\"false\"` when only the app itself or the system sends to the receiver (the system \
              still delivers its own broadcasts). Otherwise guard it with `android:permission` — \
              `android.permission.BROADCAST_SMS` for SMS, a `signature` permission for the app's own broadcasts — \
              and check `intent.getAction()` in `onReceive`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0029/",
            "https://developer.android.com/guide/topics/manifest/receiver-element#exported",
            "https://developer.android.com/develop/background-work/background-tasks/broadcasts",
            "https://cwe.mitre.org/data/definitions/925.html",
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
    for component in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Receiver)
    {
        let Some(open) = open_component(manifest, component) else {
            continue;
        };
        let name = component_name(component);
        let filter_actions = actions(component);
        let system_only =
            !filter_actions.is_empty() && filter_actions.iter().all(|a| is_protected_broadcast(a));
        if system_only {
            hits.push(Hit::new(
                at_component(component),
                &name,
                format!("Receiver {name} is exported for system broadcasts, so any app can also send it an explicit Intent."),
                open.evidence(),
            ).with_severity(Severity::Low));
        } else {
            hits.push(Hit::new(
                at_component(component),
                &name,
                format!("Receiver {name} accepts broadcasts from any app on the device."),
                open.evidence(),
            ));
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, filter, manifest};

    fn receiver(name: &str, actions: &[&str]) -> appvd_axml::Component {
        let mut receiver = component(ComponentKind::Receiver, name);
        receiver.intent_filters.push(filter(actions, &[], &[]));
        receiver
    }

    #[test]
    fn receivers_for_protected_broadcasts_only_are_low() {
        let mut m = manifest(24, 34);
        add(
            &mut m,
            receiver(
                "Boot",
                &[
                    "android.intent.action.BOOT_COMPLETED",
                    "android.intent.action.MY_PACKAGE_REPLACED",
                ],
            ),
            Some(true),
        );
        add(
            &mut m,
            receiver(
                "Mixed",
                &[
                    "android.intent.action.BOOT_COMPLETED",
                    "com.example.app.SYNC",
                ],
            ),
            Some(true),
        );
        // Anyone may send SMS_RECEIVED; without BROADCAST_SMS the receiver trusts forged messages.
        add(
            &mut m,
            receiver("Sms", &["android.provider.Telephony.SMS_RECEIVED"]),
            Some(true),
        );
        let severities: Vec<Option<Severity>> = hits(&m).iter().map(|h| h.severity).collect();
        assert_eq!(severities, [Some(Severity::Low), None, None]);
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
