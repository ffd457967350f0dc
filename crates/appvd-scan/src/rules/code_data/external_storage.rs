use std::collections::BTreeSet;

use super::storage::{PathKind, path_kind};
use super::{call_text, emit_at_call, method_identity, requests_any, sdk_levels, simple_name};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "storage.external_storage",
    title: "App writes files to external storage",
    severity: Severity::Medium,
    masvs: "MASVS-STORAGE-2",
    cwe: 922,
    docs: Docs {
        what: "A file is opened for writing (`FileOutputStream`, `FileWriter`, `PrintWriter`, `PrintStream`, \
               `RandomAccessFile` in a write mode, Kotlin `File.writeText`/`writeBytes`, \
               `SQLiteDatabase.openOrCreateDatabase`) on a path that comes from external storage — \
               `Environment.getExternalStorageDirectory`/`getExternalStoragePublicDirectory`, \
               `Context.getExternalFilesDir`/`getExternalCacheDir` — or that is a constant shared path such as \
               `/sdcard/…`. Reading those directories, and saving media through `MediaStore` (which is meant to \
               share), is not reported.",
        why: "External storage is not protected by the app sandbox the way internal storage is. Shared folders are \
              readable by any app holding a storage permission (and by everyone over USB), and before Android 11 \
              the app's own external directories were as well; files there can also be replaced by other apps, so \
              data the app reads back is untrusted. Secrets, personal data and session files written there leak. \
              Shared storage is Medium when the app requests `WRITE_EXTERNAL_STORAGE` or \
              `MANAGE_EXTERNAL_STORAGE` (Low otherwise, as the write then succeeds only in the folders scoped \
              storage opens); the app's own external directories are Medium when the app supports Android 10 or \
              older and Low from minSdk 30, where only physical access reaches them.",
        fix: "Keep sensitive files in internal storage (`getFilesDir`, `getCacheDir`, `getNoBackupFilesDir`), \
              encrypted with a Keystore-held key if they are valuable (Jetpack Security `EncryptedFile`). Share \
              files with other apps through a `FileProvider` with URI grants, and treat anything read back from \
              external storage as untrusted input. Paths built in another method are not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-STORAGE/MASTG-TEST-0200/",
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-STORAGE/MASTG-TEST-0202/",
            "https://developer.android.com/privacy-and-security/risks/external-storage",
            "https://developer.android.com/training/data-storage",
            "https://cwe.mitre.org/data/definitions/922.html",
        ],
    },
    check,
};

/// Calls that open a file for writing; the path is the first parameter. Full signatures keep
/// the lookups cheap (every constructor call of the app shares the name `<init>`).
const WRITE_CALLS: [&str; 21] = [
    "Ljava/io/FileOutputStream;-><init>(Ljava/io/File;)V",
    "Ljava/io/FileOutputStream;-><init>(Ljava/io/File;Z)V",
    "Ljava/io/FileOutputStream;-><init>(Ljava/lang/String;)V",
    "Ljava/io/FileOutputStream;-><init>(Ljava/lang/String;Z)V",
    "Ljava/io/FileWriter;-><init>(Ljava/io/File;)V",
    "Ljava/io/FileWriter;-><init>(Ljava/io/File;Z)V",
    "Ljava/io/FileWriter;-><init>(Ljava/lang/String;)V",
    "Ljava/io/FileWriter;-><init>(Ljava/lang/String;Z)V",
    "Ljava/io/PrintWriter;-><init>(Ljava/io/File;)V",
    "Ljava/io/PrintWriter;-><init>(Ljava/lang/String;)V",
    "Ljava/io/PrintStream;-><init>(Ljava/io/File;)V",
    "Ljava/io/PrintStream;-><init>(Ljava/lang/String;)V",
    "Ljava/io/RandomAccessFile;-><init>(Ljava/io/File;Ljava/lang/String;)V",
    "Ljava/io/RandomAccessFile;-><init>(Ljava/lang/String;Ljava/lang/String;)V",
    "Lkotlin/io/FilesKt;->writeText",
    "Lkotlin/io/FilesKt;->writeBytes",
    "Lkotlin/io/FilesKt;->appendText",
    "Lkotlin/io/FilesKt;->writeText$default",
    "Lkotlin/io/FilesKt;->appendText$default",
    "Lkotlin/io/FilesKt;->appendBytes",
    "Landroid/database/sqlite/SQLiteDatabase;->openOrCreateDatabase",
];

const STORAGE_WRITE: [&str; 2] = [
    "android.permission.WRITE_EXTERNAL_STORAGE",
    "android.permission.MANAGE_EXTERNAL_STORAGE",
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let (min_sdk, _) = sdk_levels(app);
    let can_write_shared = requests_any(app, &STORAGE_WRITE);
    let mut seen = BTreeSet::new();
    for query in WRITE_CALLS {
        for call in dex.calls_to(query) {
            let Some(path) = call.param(0) else { continue };
            if !path
                .type_descriptor()
                .is_some_and(|t| t == "Ljava/lang/String;" || t == "Ljava/io/File;")
            {
                continue;
            }
            if query.contains("RandomAccessFile;-><init>")
                && !call
                    .param(1)
                    .and_then(|m| m.as_str())
                    .is_some_and(|m| m.contains('w'))
            {
                continue;
            }
            let caller = call.caller();
            let Some((kind, via)) = path_kind(&caller, call.at(), &path) else {
                continue;
            };
            let sink = call
                .callee()
                .map(|k| simple_name(&dex.app().text(k.class)).to_owned())
                .unwrap_or_default();
            if !seen.insert((method_identity(&call.location()), sink.clone(), kind)) {
                continue;
            }
            let (severity, message) = match kind {
                PathKind::Shared if can_write_shared => (
                    Severity::Medium,
                    format!(
                        "{sink} writes a file on shared external storage ({via}), where other apps can read \
                         and replace it."
                    ),
                ),
                PathKind::Shared => (
                    Severity::Low,
                    format!(
                        "{sink} writes a file on shared external storage ({via}); the app requests no storage \
                         write permission, so this succeeds only in the folders scoped storage opens."
                    ),
                ),
                PathKind::AppExternal if min_sdk < 30 => (
                    Severity::Medium,
                    format!(
                        "{sink} writes a file in the app's external storage directory ({via}), which apps \
                         with storage permission can read on Android 10 and older (minSdk {min_sdk})."
                    ),
                ),
                PathKind::AppExternal => (
                    Severity::Low,
                    format!(
                        "{sink} writes a file in the app's external storage directory ({via}), which is \
                         reachable over USB."
                    ),
                ),
            };
            emit_at_call(
                out,
                severity,
                &call,
                &format!("{sink}|{kind:?}"),
                message,
                &call_text(&call),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
