use std::collections::BTreeSet;

use super::storage::{PathKind, path_kind};
use super::{call_text, emit_at_call, method_identity, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "storage.temp_file",
    title: "Temporary file created in a shared directory",
    severity: Severity::Low,
    masvs: "MASVS-STORAGE-2",
    cwe: 379,
    docs: Docs {
        what: "`File.createTempFile(prefix, suffix, directory)` creates a temporary file in a directory other apps \
               can reach: shared external storage or a world-writable path such as `/sdcard/…` or \
               `/data/local/tmp` (Medium), or the app's own external directory on devices up to Android 10 (Low). \
               The two-argument form is not reported: Android points `java.io.tmpdir` at the app's private cache \
               directory.",
        why: "Temporary files often hold decrypted content, downloads before verification or exported data. In a \
              shared directory another app can read them while they exist, or swap one between the moment the app \
              writes it and the moment it reads or installs it; the random name does not protect content other \
              apps can list.",
        fix: "Create temporary files in `getCacheDir()` (the default of the two-argument `createTempFile`) or \
              `getNoBackupFilesDir()`, delete them as soon as they are used, and hand them to other apps only \
              through a `FileProvider`. Directories computed in another method are not seen by the rule.",
        references: &[
            "https://developer.android.com/training/data-storage/app-specific",
            "https://developer.android.com/reference/java/io/File#createTempFile(java.lang.String,%20java.lang.String,%20java.io.File)",
            "https://cwe.mitre.org/data/definitions/379.html",
        ],
    },
    check,
};

const CREATE_TEMP: &str = "Ljava/io/File;->createTempFile(Ljava/lang/String;Ljava/lang/String;Ljava/io/File;)Ljava/io/File;";

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let (min_sdk, _) = sdk_levels(app);
    let mut seen = BTreeSet::new();
    for call in dex.calls_to(CREATE_TEMP) {
        let Some(directory) = call.param(2) else {
            continue;
        };
        let caller = call.caller();
        let Some((kind, via)) = path_kind(&caller, call.at(), &directory) else {
            continue;
        };
        let (severity, message) = match kind {
            PathKind::Shared => (
                Severity::Medium,
                format!(
                    "File.createTempFile creates a temporary file in a shared directory ({via}) that other \
                     apps can read and write."
                ),
            ),
            PathKind::AppExternal if min_sdk < 30 => (
                Severity::Low,
                format!(
                    "File.createTempFile creates a temporary file in the app's external directory ({via}), \
                     readable by apps with storage permission on Android 10 and older (minSdk {min_sdk})."
                ),
            ),
            PathKind::AppExternal => continue,
        };
        if !seen.insert((method_identity(&call.location()), kind)) {
            continue;
        }
        emit_at_call(
            out,
            severity,
            &call,
            &format!("File.createTempFile|{kind:?}"),
            message,
            &call_text(&call),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
