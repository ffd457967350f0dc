use super::storage::{WorldAccess, check_world_access};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "storage.world_readable_mode",
    title: "File, preferences or database created world-readable",
    severity: Severity::High,
    masvs: "MASVS-STORAGE-1",
    cwe: 732,
    docs: Docs {
        what: "Code creates a file, SharedPreferences, database or directory with \
               `Context.MODE_WORLD_READABLE` (the constant 1, inlined by the compiler into the call), \
               or calls `File.setReadable(true, false)`.",
        why: "The file is created with read permission for every user id, so any other app on the device can open \
              it and read what the app keeps there — tokens, preferences, cached personal data — without any \
              permission. Android 7.0 (API 24) throws `SecurityException` for these modes and closes the data \
              directory when the app targets API 24 or later, so the rule reports High when the app targets a \
              lower level and Medium when only older devices the app still supports (minSdk below 24) honour \
              the mode; an app with minSdk 24+ is not reported (the call fails instead of leaking).",
        fix: "Use `Context.MODE_PRIVATE` and share data with other apps through a `ContentProvider` or `FileProvider` \
              with explicit permissions or URI grants; never widen file permissions with \
              `setReadable(true, false)`. The rule only sees modes that are compile-time constants.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0001/",
            "https://developer.android.com/reference/android/content/Context#MODE_WORLD_READABLE",
            "https://developer.android.com/about/versions/nougat/android-7.0-changes#permfilesys",
            "https://cwe.mitre.org/data/definitions/732.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    check_world_access(
        app,
        out,
        &WorldAccess {
            mode_bit: 1,
            mode_name: "MODE_WORLD_READABLE",
            file_setter: "setReadable(ZZ)Z",
            verb: "read",
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixture_path;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    /// The same code in apps with other SDK levels: targeting 24+ while supporting older devices
    /// is Medium; minSdk 24 makes every call throw instead of leaking, so nothing is reported.
    #[test]
    fn severity_follows_the_sdk_levels() {
        let open = |kind: &str| {
            let path = fixture_path(&RULE, "positive").with_file_name(format!("{kind}.apk"));
            AppModel::open(&path).expect("fixture")
        };
        let findings = RULE.run(&open("positive-target-sdk-34"));
        assert_eq!(findings.len(), 4);
        assert!(findings.iter().all(|f| f.severity == Severity::Medium));
        assert!(RULE.run(&open("negative-min-sdk-24")).is_empty());
        let high = RULE.run(&open("positive"));
        assert!(high.iter().all(|f| f.severity == Severity::High));
        // Fingerprints do not depend on the severity or the SDK levels.
        let mut a: Vec<_> = findings.iter().map(|f| f.fingerprint.clone()).collect();
        let mut b: Vec<_> = high.iter().map(|f| f.fingerprint.clone()).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
}
