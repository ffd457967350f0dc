use appvd_axml::{ComponentKind, LaunchMode, Manifest};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{Hit, at_component, component_name, emit_all};

pub static RULE: Rule = Rule {
    id: "ipc.task_hijacking",
    title: "Activity susceptible to task hijacking (StrandHogg)",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 1021,
    docs: Docs {
        what: "In an app that targets API 27 or lower, an activity with `android:launchMode=\"singleTask\"` whose task \
               affinity is not empty (none set means the package name), reported Medium; or an activity that allows \
               task reparenting (`android:allowTaskReparenting=\"true\"` on it or on `<application>`) with a non-empty \
               affinity, reported Low. Apps targeting API 28 or higher are not reported, in line with Android's own \
               security lint, which treats that target as protected from affinity-based hijacking (StrandHogg 1.0). \
               StrandHogg 2.0 (CVE-2020-0096) is a platform bug fixed by the May 2020 security update whatever the \
               app declares; no manifest attribute signals it, so it is not reported.",
        why: "A malicious app declares an activity with the victim's task affinity. When the user later opens the \
              victim, Android brings up the task that the malicious activity sits in, so a fake login screen appears \
              in place of the real app and collects credentials; `singleTask` and task reparenting make the victim's \
              activities join or resume that task.",
        fix: "Raise `targetSdkVersion` to 28 or higher (Play requires far more anyway). Until then set \
              `android:taskAffinity=\"\"` on activities (or on `<application>`), avoid `singleTask` for screens that \
              handle credentials, and remove `android:allowTaskReparenting`.",
        references: &[
            "https://googlesamples.github.io/android-custom-lint-rules/checks/StrandhoggVulnerable.md.html",
            "https://developer.android.com/guide/topics/manifest/activity-element#aff",
            "https://developer.android.com/guide/components/activities/tasks-and-back-stack",
            "https://cwe.mitre.org/data/definitions/1021.html",
        ],
    },
    check,
};

/// The first target SDK that Android's security guidance treats as safe from affinity-based hijacking.
const PATCHED_TARGET_SDK: u32 = 28;

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
    let target_sdk = manifest.target_sdk();
    if target_sdk >= PATCHED_TARGET_SDK {
        return hits;
    }
    let package = manifest.package.as_deref().unwrap_or_default();
    for activity in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Activity)
    {
        let affinity = activity
            .task_affinity
            .as_deref()
            .or(application.task_affinity.as_deref())
            .unwrap_or(package);
        if affinity.is_empty() {
            continue;
        }
        let single_task = activity.launch_mode == Some(LaunchMode::SingleTask);
        let reparenting = activity
            .allow_task_reparenting
            .or(application.allow_task_reparenting)
            == Some(true);
        if !single_task && !reparenting {
            continue;
        }
        let name = component_name(activity);
        let mut facts = Vec::new();
        if single_task {
            facts.push("launchMode=\"singleTask\"".to_owned());
        }
        if reparenting {
            facts.push("allowTaskReparenting=\"true\"".to_owned());
        }
        let shown_affinity =
            if activity.task_affinity.is_none() && application.task_affinity.is_none() {
                format!("taskAffinity {affinity} (default: the package)")
            } else {
                format!("taskAffinity=\"{affinity}\"")
            };
        facts.push(shown_affinity);
        facts.push(format!("targetSdk {target_sdk}"));
        let severity = if single_task {
            Severity::Medium
        } else {
            Severity::Low
        };
        hits.push(Hit::new(
            at_component(activity),
            &name,
            format!("Activity {name} can be pulled into a task that another app controls, which enables phishing over the app."),
            facts.join("; "),
        ).with_severity(severity));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, manifest};

    fn single_task(name: &str, affinity: Option<&str>) -> appvd_axml::Component {
        let mut activity = component(ComponentKind::Activity, name);
        activity.launch_mode = Some(LaunchMode::SingleTask);
        activity.task_affinity = affinity.map(str::to_owned);
        activity
    }

    #[test]
    fn single_task_activities_with_an_affinity_below_api_28() {
        let mut m = manifest(21, 27);
        add(&mut m, single_task("Default", None), None);
        add(
            &mut m,
            single_task("Custom", Some("com.example.tasks")),
            None,
        );
        add(&mut m, single_task("Empty", Some("")), None);
        let mut reparent = component(ComponentKind::Activity, "Reparent");
        reparent.allow_task_reparenting = Some(true);
        add(&mut m, reparent, None);
        let found = hits(&m);
        let summary: Vec<(&str, Option<Severity>)> =
            found.iter().map(|h| (h.key.as_str(), h.severity)).collect();
        assert_eq!(
            summary,
            [
                ("com.example.app.Default", Some(Severity::Medium)),
                ("com.example.app.Custom", Some(Severity::Medium)),
                ("com.example.app.Reparent", Some(Severity::Low)),
            ]
        );
        let mut patched = manifest(21, 28);
        add(&mut patched, single_task("Default", None), None);
        assert!(hits(&patched).is_empty());
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
