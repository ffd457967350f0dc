//! The typed view of FileProvider paths (the XML named by the provider's
//! `android.support.FILE_PROVIDER_PATHS` meta-data).
//!
//! AndroidX's `FileProvider` reads every start tag of the file, whatever its depth, and maps
//! the known tags to a root directory plus `path`. [`FileProviderPaths`] keeps those entries in
//! order; [`FileProviderPath::is_broad`] flags the ones that expose a whole storage root.

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::arsc::ResourceTable;
use crate::view::Reader;
use crate::xml::XmlDocument;

/// The meta-data name under which a FileProvider names its paths file.
pub const FILE_PROVIDER_PATHS_META_DATA: &str = "android.support.FILE_PROVIDER_PATHS";

/// The directory a path entry is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathRoot {
    /// `<root-path>`: the device root `/`.
    RootPath,
    /// `<files-path>`: `Context.getFilesDir()`.
    FilesPath,
    /// `<cache-path>`: `Context.getCacheDir()`.
    CachePath,
    /// `<external-path>`: `Environment.getExternalStorageDirectory()`.
    ExternalPath,
    /// `<external-files-path>`: `Context.getExternalFilesDirs()[0]`.
    ExternalFilesPath,
    /// `<external-cache-path>`: `Context.getExternalCacheDirs()[0]`.
    ExternalCachePath,
    /// `<external-media-path>`: `Context.getExternalMediaDirs()[0]`.
    ExternalMediaPath,
}

impl PathRoot {
    fn from_tag(tag: &str) -> Option<PathRoot> {
        Some(match tag {
            "root-path" => PathRoot::RootPath,
            "files-path" => PathRoot::FilesPath,
            "cache-path" => PathRoot::CachePath,
            "external-path" => PathRoot::ExternalPath,
            "external-files-path" => PathRoot::ExternalFilesPath,
            "external-cache-path" => PathRoot::ExternalCachePath,
            "external-media-path" => PathRoot::ExternalMediaPath,
            _ => return None,
        })
    }
}

/// The parsed paths file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct FileProviderPaths {
    pub entries: Vec<FileProviderPath>,
    pub line: u32,
}

/// One shared directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProviderPath {
    pub root: PathRoot,
    pub name: Option<String>,
    /// The sub-directory, as written (absent means the root itself).
    pub path: Option<String>,
    pub line: u32,
}

impl FileProviderPath {
    /// True when the entry shares a whole root: any `<root-path>`, or a path that is empty,
    /// `.` or `/` under any other root.
    pub fn is_broad(&self) -> bool {
        self.root == PathRoot::RootPath
            || matches!(
                self.path.as_deref().map(str::trim),
                None | Some("" | "." | "/" | "./")
            )
    }
}

impl FileProviderPaths {
    /// Builds the view from a decoded paths document.
    pub fn from_document(
        document: &XmlDocument,
        table: Option<&ResourceTable>,
    ) -> (FileProviderPaths, Vec<Anomaly>) {
        let mut reader = Reader::new(table);
        let root = &document.root;
        if root.name != "paths" {
            reader.anomalies.add(
                AnomalyKind::UnexpectedRoot,
                Some(root.offset as usize),
                || {
                    format!(
                        "root element is <{}>, not <paths> (FileProvider reads it anyway)",
                        root.name
                    )
                },
            );
        }
        let mut paths = FileProviderPaths {
            entries: Vec::new(),
            line: root.line,
        };
        for element in root.descendants().into_iter().skip(1) {
            let Some(kind) = PathRoot::from_tag(&element.name) else {
                reader.unknown_element(element, "paths");
                continue;
            };
            let name = reader.plain_string(element, "name");
            if name.as_deref().is_none_or(str::is_empty) {
                reader.anomalies.add(AnomalyKind::MissingAttribute, Some(element.offset as usize), || {
                    format!("<{}> line {} has no name; FileProvider throws \"Name must not be empty\"", element.name, element.line)
                });
            }
            paths.entries.push(FileProviderPath {
                root: kind,
                name,
                path: reader.plain_string(element, "path"),
                line: element.line,
            });
        }
        (paths, reader.anomalies.into_vec())
    }

    /// The entries that share a whole storage root.
    pub fn broad_entries(&self) -> impl Iterator<Item = &FileProviderPath> {
        self.entries.iter().filter(|entry| entry.is_broad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_paths() {
        let entry = |root, path: Option<&str>| FileProviderPath {
            root,
            name: Some("n".into()),
            path: path.map(String::from),
            line: 1,
        };
        assert!(entry(PathRoot::RootPath, Some("sdcard/app")).is_broad());
        assert!(entry(PathRoot::ExternalPath, Some(".")).is_broad());
        assert!(entry(PathRoot::FilesPath, None).is_broad());
        assert!(entry(PathRoot::FilesPath, Some("/")).is_broad());
        assert!(!entry(PathRoot::FilesPath, Some("images/")).is_broad());
        assert!(!entry(PathRoot::CachePath, Some("shared")).is_broad());
    }
}
