//! What the storage rules share: the `Context` calls that take a file mode, the platform's
//! handling of world-accessible modes by SDK level, and where a path points (shared external
//! storage, the app's external directories, a world-writable system directory).

use appvd_dex::facts::{ConstValue, Origins};
use appvd_dex::{ArgView, MethodView};

use super::{call_text, emit_at_call, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::Emitter;

/// `Context` calls whose second parameter is a file creation mode.
const MODE_CALLS: [&str; 5] = [
    "Landroid/content/Context;->openFileOutput(Ljava/lang/String;I)Ljava/io/FileOutputStream;",
    "Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;",
    "Landroid/content/Context;->openOrCreateDatabase(Ljava/lang/String;ILandroid/database/sqlite/SQLiteDatabase$CursorFactory;)Landroid/database/sqlite/SQLiteDatabase;",
    "Landroid/content/Context;->openOrCreateDatabase(Ljava/lang/String;ILandroid/database/sqlite/SQLiteDatabase$CursorFactory;Landroid/database/DatabaseErrorHandler;)Landroid/database/sqlite/SQLiteDatabase;",
    "Landroid/content/Context;->getDir(Ljava/lang/String;I)Ljava/io/File;",
];

/// What one world-access rule looks for: the mode bit, the `File` setter that grants the same
/// access to everyone, and words for messages.
pub(crate) struct WorldAccess {
    /// `Context.MODE_WORLD_READABLE` (1) or `MODE_WORLD_WRITEABLE` (2).
    pub mode_bit: i64,
    pub mode_name: &'static str,
    /// `setReadable(ZZ)Z` or `setWritable(ZZ)Z`.
    pub file_setter: &'static str,
    /// "read", "modify".
    pub verb: &'static str,
}

/// The severity of a world-accessible file given the SDK levels, and why: Android 7.0 (API 24)
/// makes `Context` throw `SecurityException` for these modes when the app targets API 24+, and
/// keeps the private data directory closed (0700) for such apps, so only devices below API 24
/// honour them.
fn world_access_severity(min_sdk: u32, target_sdk: u32) -> Option<(Severity, String)> {
    if target_sdk < 24 {
        Some((
            Severity::High,
            format!("the app targets API {target_sdk}, so every Android version honours it"),
        ))
    } else if min_sdk < 24 {
        Some((
            Severity::Medium,
            format!(
                "the Android 6.0 and older devices the app supports (minSdk {min_sdk}) honour it; Android \
                 7.0+ blocks it for apps targeting API 24+"
            ),
        ))
    } else {
        None
    }
}

/// Reports calls that create files, preferences, databases or directories with the mode bit, and
/// `File.setReadable/setWritable(true, false)`, when some device the app installs on honours them.
pub(crate) fn check_world_access(app: &AppModel, out: &mut Emitter<'_>, access: &WorldAccess) {
    let Some(dex) = app.dex() else { return };
    let (min_sdk, target_sdk) = sdk_levels(app);
    let Some((severity, when)) = world_access_severity(min_sdk, target_sdk) else {
        return;
    };
    for query in MODE_CALLS {
        for call in dex.calls_to(query) {
            let Some(mode) = call.param(1).and_then(|a| a.as_int()) else {
                continue;
            };
            if mode & access.mode_bit == 0 {
                continue;
            }
            let api = call
                .callee()
                .map(|k| dex.app().text(k.name).into_owned())
                .unwrap_or_default();
            let name = call
                .param(0)
                .and_then(|a| a.as_str().map(|s| s.into_owned()))
                .map_or_else(String::new, |n| format!("\"{n}\""));
            let object = match api.as_str() {
                "getSharedPreferences" => "preferences file",
                "openOrCreateDatabase" => "database",
                "getDir" => "directory",
                _ => "file",
            };
            emit_at_call(
                out,
                severity,
                &call,
                &format!("{api}|{}", access.mode_name),
                format!(
                    "{api}({name}) creates its {object} with {} ({mode:#x}), so any app on the device can {} \
                     it ({when}).",
                    access.mode_name, access.verb
                ),
                &call_text(&call),
            );
        }
    }
    let setter = format!("Ljava/io/File;->{}", access.file_setter);
    for call in dex.calls_to(&setter) {
        let flag = call.param(0).and_then(|a| a.as_bool());
        let owner_only = call.param(1).and_then(|a| a.as_bool());
        if flag != Some(true) || owner_only != Some(false) {
            continue;
        }
        let name = access.file_setter.split('(').next().unwrap_or("");
        emit_at_call(
            out,
            severity,
            &call,
            &format!("File.{name}"),
            format!(
                "File.{name}(true, false) lets every app on the device {} the file ({when}).",
                access.verb
            ),
            &call_text(&call),
        );
    }
}

/// Where a path leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PathKind {
    /// The app's own external directories (`getExternalFilesDir`, `getExternalCacheDir`):
    /// readable by apps with storage permission up to Android 10, private from Android 11.
    AppExternal,
    /// Shared storage (`Environment.getExternalStorage*`, `/sdcard/…`, `getExternalMediaDirs`)
    /// or a world-writable system directory (`/data/local/tmp`, `/tmp`).
    Shared,
}

/// Path prefixes of shared storage and world-writable directories.
const SHARED_PREFIXES: [&str; 7] = [
    "/sdcard",
    "/storage/",
    "/mnt/sdcard",
    "/mnt/media_rw",
    "/data/local/tmp",
    "/tmp/",
    "/mnt/shell/emulated",
];

fn shared_path(text: &str) -> bool {
    SHARED_PREFIXES.iter().any(|p| text.starts_with(p))
}

/// Where the path argument `arg` of a call in `method` points, when it is visibly external, and
/// what shows it (`Environment.getExternalStorageDirectory()`, `"/sdcard/x.log"`): an
/// external-storage origin (classified by the external-storage calls the method makes before
/// `at`), a constant shared path, or a `File` made in the method from such a constant.
pub(crate) fn path_kind(
    method: &MethodView<'_, '_>,
    at: u32,
    arg: &ArgView<'_, '_>,
) -> Option<(PathKind, String)> {
    if let Some(text) = arg.as_str() {
        return shared_path(&text).then(|| (PathKind::Shared, format!("\"{text}\"")));
    }
    if let ConstValue::NewInstance { at: created, .. } = arg.value() {
        return file_constructor_path(method, created)
            .filter(|p| shared_path(p))
            .map(|p| (PathKind::Shared, format!("\"{p}\"")));
    }
    if !arg.origins().has(Origins::EXTERNAL_STORAGE) {
        return None;
    }
    let mut found: Option<(PathKind, String)> = None;
    let app = method.analysis().app();
    for call in method.calls().iter().filter(|c| c.at() < at) {
        let Some(key) = call.callee() else { continue };
        let name = app.text(key.name);
        let kind = match name.as_ref() {
            "getExternalStorageDirectory"
            | "getExternalStoragePublicDirectory"
            | "getExternalMediaDirs" => PathKind::Shared,
            "getExternalFilesDir"
            | "getExternalFilesDirs"
            | "getExternalCacheDir"
            | "getExternalCacheDirs" => PathKind::AppExternal,
            _ => continue,
        };
        if found.as_ref().is_none_or(|(k, _)| kind > *k) {
            // Name the framework class (`Context`, not the activity the call went through).
            let declaring = call
                .declaring_class()
                .map_or_else(|| app.text(key.class).into_owned(), |c| c.into_owned());
            let class = super::simple_name(&declaring).to_owned();
            found = Some((kind, format!("{class}.{name}()")));
        }
    }
    // The origin came from somewhere the method does not show (a helper's result): the engine
    // only tags Environment and Context external-storage calls, so treat it as shared.
    Some(found.unwrap_or((PathKind::Shared, "external storage".to_owned())))
}

/// The constant path a `new File(...)` created at `created` in `method` was given: `File(String)`
/// or `File(String parent, String child)` with constant strings.
fn file_constructor_path(method: &MethodView<'_, '_>, created: u32) -> Option<String> {
    let init = method.calls().into_iter().find(|c| {
        c.receiver().is_some_and(
            |r| matches!(r.value(), ConstValue::NewInstance { at, .. } if at == created),
        ) && c
            .callee_text()
            .starts_with("Ljava/io/File;-><init>(Ljava/lang/String;")
    })?;
    let first = init.param(0)?.as_str()?.into_owned();
    match init.param(1).and_then(|a| a.as_str()) {
        Some(child) => Some(format!("{first}/{child}")),
        None => Some(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_access_follows_the_sdk_levels() {
        assert_eq!(
            world_access_severity(21, 23).map(|s| s.0),
            Some(Severity::High)
        );
        assert_eq!(
            world_access_severity(21, 33).map(|s| s.0),
            Some(Severity::Medium)
        );
        assert_eq!(world_access_severity(24, 33), None);
    }

    #[test]
    fn shared_paths() {
        assert!(shared_path("/sdcard/Download/a.dex"));
        assert!(shared_path("/storage/emulated/0/x"));
        assert!(shared_path("/data/local/tmp/x"));
        assert!(!shared_path("/data/data/com.acme/files/x"));
        assert!(!shared_path("config.json"));
    }
}
