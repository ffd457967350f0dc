use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::at_line;

pub static RULE: Rule = Rule {
    id: "code.target_sdk_outdated",
    title: "Target SDK below the Google Play requirement",
    severity: Severity::Low,
    masvs: "MASVS-CODE-1",
    cwe: 1104,
    docs: Docs {
        what: "`targetSdkVersion` is lower than the level Google Play requires for new apps and updates (API 35, \
               required since 31 August 2025). The evidence names the platform protections the app opts out of by \
               targeting an older level.",
        why: "Android keeps old behaviour for apps that target old levels, and much of that behaviour is insecure by \
              today's standards: cleartext traffic allowed (below 28), user-installed CAs trusted (below 24), \
              components exported by their intent filters (below 31), mutable PendingIntents by default (below 31), \
              implicit intents reaching other apps' non-exported components (below 34). A stale target also shows \
              that the app has not been rebuilt against recent platform changes.",
        fix: "Raise `targetSdkVersion` to the current Play requirement and work through the behaviour changes of each \
              level in between.",
        references: &[
            "https://developer.android.com/google/play/requirements/target-sdk",
            "https://developer.android.com/guide/topics/manifest/uses-sdk-element#target",
            "https://cwe.mitre.org/data/definitions/1104.html",
        ],
    },
    check,
};

/// The target API level Google Play requires of new apps and updates (since 2025-08-31). A fixed
/// value keeps scans reproducible; it moves when Play's requirement does.
const PLAY_REQUIRED_TARGET_SDK: u32 = 35;

/// Protections the platform applies only to apps targeting at least the given level.
const PROTECTIONS: &[(u32, &str)] = &[
    (24, "user CAs untrusted by default"),
    (28, "cleartext off by default"),
    (29, "scoped storage"),
    (31, "explicit android:exported and immutable PendingIntents"),
    (34, "implicit intents kept from non-exported components"),
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    let target_sdk = manifest.target_sdk();
    if target_sdk >= PLAY_REQUIRED_TARGET_SDK {
        return;
    }
    let missed: Vec<&str> = PROTECTIONS
        .iter()
        .filter(|(level, _)| target_sdk < *level)
        .map(|(_, what)| *what)
        .collect();
    let written = match &manifest.uses_sdk.target_sdk_version {
        Some(_) => format!("targetSdkVersion={target_sdk}"),
        None => format!("no targetSdkVersion (defaults to minSdkVersion {target_sdk})"),
    };
    let mut evidence = format!("{written}; Play requires {PLAY_REQUIRED_TARGET_SDK}");
    if !missed.is_empty() {
        evidence.push_str(&format!("; opts out of: {}", missed.join(", ")));
    }
    let line = if manifest.uses_sdk.present {
        manifest.uses_sdk.line
    } else {
        manifest.line
    };
    out.emit(
        at_line(line),
        "target-sdk",
        format!("The app targets API {target_sdk}, below the API {PLAY_REQUIRED_TARGET_SDK} that Google Play requires."),
        evidence,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
