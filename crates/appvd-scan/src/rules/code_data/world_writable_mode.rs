use super::storage::{WorldAccess, check_world_access};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "storage.world_writable_mode",
    title: "File, preferences or database created world-writable",
    severity: Severity::High,
    masvs: "MASVS-STORAGE-1",
    cwe: 732,
    docs: Docs {
        what: "Code creates a file, SharedPreferences, database or directory with \
               `Context.MODE_WORLD_WRITEABLE` (the constant 2, or 3 together with world-readable, inlined by the \
               compiler into the call), or calls `File.setWritable(true, false)`.",
        why: "Every other app on the device can overwrite the file. An attacker app can plant preferences that \
              switch features on, rewrite a database the app trusts, or replace a file the app later loads or \
              executes. Android 7.0 (API 24) throws `SecurityException` for these modes and closes the data \
              directory when the app targets API 24 or later, so the rule reports High when the app targets a \
              lower level and Medium when only older devices the app still supports (minSdk below 24) honour \
              the mode; an app with minSdk 24+ is not reported (the call fails instead).",
        fix: "Use `Context.MODE_PRIVATE`; let other apps change data only through an exported component that checks \
              a signature-level permission and validates what it receives. Do not widen permissions with \
              `setWritable(true, false)`. The rule only sees modes that are compile-time constants.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0001/",
            "https://developer.android.com/reference/android/content/Context#MODE_WORLD_WRITEABLE",
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
            mode_bit: 2,
            mode_name: "MODE_WORLD_WRITEABLE",
            file_setter: "setWritable(ZZ)Z",
            verb: "modify",
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
