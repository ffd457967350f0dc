use appvd_axml::{ComponentKind, FileProviderPath, PathRoot};

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "ipc.fileprovider_broad_paths",
    title: "FileProvider shares a whole storage root",
    severity: Severity::High,
    masvs: "MASVS-PLATFORM-1",
    cwe: 22,
    docs: Docs {
        what: "The paths file of a FileProvider (the provider's `android.support.FILE_PROVIDER_PATHS` meta-data, on a \
               provider with `android:grantUriPermissions=\"true\"`) shares a whole directory tree instead of a \
               dedicated sub-directory: any `<root-path>`, or a `<files-path>`, `<cache-path>`, `<external-path>`, \
               `<external-files-path>`, `<external-cache-path>` or `<external-media-path>` whose `path` is absent, \
               empty, `.`, `/` or climbs with `..`. High when the device root or the app's private storage is shared, \
               Medium when only external storage is. One finding per provider, listing the broad entries.",
        why: "Every file under a shared root can be turned into a `content://` URI the app may grant. A single path \
              that builds such a URI from attacker input — a share or export feature, an Intent redirected back to \
              the attacker with `FLAG_GRANT_READ_URI_PERMISSION` — then hands over the app's databases, shared \
              preferences and tokens (files and cache roots) or any readable file on the device (`<root-path>`).",
        fix: "Give each `<*-path>` a dedicated sub-directory that only holds files meant to be shared \
              (`<files-path name=\"shared\" path=\"shared/\"/>`), remove `<root-path>`, and copy files there before \
              sharing them.",
        references: &[
            "https://developer.android.com/privacy-and-security/risks/file-providers",
            "https://developer.android.com/reference/androidx/core/content/FileProvider",
            "https://cwe.mitre.org/data/definitions/22.html",
        ],
    },
    check,
};

fn tag(root: PathRoot) -> &'static str {
    match root {
        PathRoot::RootPath => "root-path",
        PathRoot::FilesPath => "files-path",
        PathRoot::CachePath => "cache-path",
        PathRoot::ExternalPath => "external-path",
        PathRoot::ExternalFilesPath => "external-files-path",
        PathRoot::ExternalCachePath => "external-cache-path",
        PathRoot::ExternalMediaPath => "external-media-path",
    }
}

/// The severity of sharing `entry`, when it shares a whole tree.
fn broadness(entry: &FileProviderPath) -> Option<Severity> {
    let path = entry.path.as_deref().map(str::trim);
    let whole_root = matches!(path, None | Some("" | "." | "/" | "./"))
        || path.is_some_and(|p| p.split('/').any(|segment| segment == ".."));
    match entry.root {
        PathRoot::RootPath => Some(Severity::High),
        PathRoot::FilesPath | PathRoot::CachePath if whole_root => Some(Severity::High),
        PathRoot::ExternalPath
        | PathRoot::ExternalFilesPath
        | PathRoot::ExternalCachePath
        | PathRoot::ExternalMediaPath
            if whole_root =>
        {
            Some(Severity::Medium)
        }
        _ => None,
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    for (provider_class, paths) in app.file_provider_paths() {
        let Some(provider) = manifest.components().find(|c| {
            c.kind == ComponentKind::Provider
                && c.class_name.as_deref() == Some(provider_class.as_str())
        }) else {
            continue;
        };
        if provider.grant_uri_permissions != Some(true) {
            continue;
        }
        let broad: Vec<(&FileProviderPath, Severity)> = paths
            .view
            .entries
            .iter()
            .filter_map(|e| broadness(e).map(|s| (e, s)))
            .collect();
        let Some(severity) = broad.iter().map(|(_, s)| *s).max() else {
            continue;
        };
        let shown: Vec<String> = broad
            .iter()
            .take(4)
            .map(|(entry, _)| {
                let path = entry
                    .path
                    .as_deref()
                    .map_or_else(String::new, |p| format!(" path=\"{p}\""));
                format!("<{}{path}/>", tag(entry.root))
            })
            .collect();
        let first_line = broad.first().map_or(paths.view.line, |(e, _)| e.line);
        let roots: Vec<PathRoot> = broad.iter().map(|(entry, _)| entry.root).collect();
        let what = if roots.contains(&PathRoot::RootPath) {
            "the device's whole file system"
        } else if roots
            .iter()
            .any(|r| matches!(r, PathRoot::FilesPath | PathRoot::CachePath))
        {
            "the app's private storage"
        } else {
            "external storage"
        };
        out.emit_with_severity(
            severity,
            Location::file(paths.path.clone())
                .with_line(first_line)
                .with_component(provider_class.clone()),
            &format!("{provider_class}#{}", paths.path),
            format!("FileProvider {provider_class} can hand out any file under {what}."),
            format!(
                "{}; authorities: {}",
                shown.join(" "),
                provider.authorities.join(";")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    #[test]
    fn broad_entries_by_root() {
        let entry = |root, path: Option<&str>| FileProviderPath {
            root,
            name: Some("n".into()),
            path: path.map(String::from),
            line: 1,
        };
        assert_eq!(
            broadness(&entry(PathRoot::RootPath, Some("sdcard/app"))),
            Some(Severity::High)
        );
        assert_eq!(
            broadness(&entry(PathRoot::FilesPath, Some("."))),
            Some(Severity::High)
        );
        assert_eq!(
            broadness(&entry(PathRoot::FilesPath, Some("../databases"))),
            Some(Severity::High)
        );
        assert_eq!(
            broadness(&entry(PathRoot::CachePath, None)),
            Some(Severity::High)
        );
        assert_eq!(
            broadness(&entry(PathRoot::ExternalPath, Some("/"))),
            Some(Severity::Medium)
        );
        assert_eq!(
            broadness(&entry(PathRoot::FilesPath, Some("shared/"))),
            None
        );
        assert_eq!(
            broadness(&entry(PathRoot::ExternalFilesPath, Some("exports"))),
            None
        );
    }
}
