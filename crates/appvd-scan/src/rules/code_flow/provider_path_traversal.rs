use std::collections::HashSet;

use appvd_axml::ComponentKind;
use appvd_dex::facts::Origins;

use super::flow::{
    EntryPoints, FROM_URI, MethodFlow, call_key, call_location, callee, evidence, param_types,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "ipc.provider_path_traversal",
    title: "Content provider opens files named by the request URI",
    severity: Severity::High,
    masvs: "MASVS-PLATFORM-1",
    cwe: 22,
    docs: Docs {
        what: "An exported content provider (one other apps can read or write without a signature-level \
               permission) overrides `openFile` or `openAssetFile` and opens a file — `ParcelFileDescriptor.open`, \
               `FileInputStream`, `FileOutputStream`, `RandomAccessFile` — whose path comes from the requested URI \
               (`Uri.getPath`, `getLastPathSegment`, `getPathSegments`, `getQueryParameter`), with no check on the \
               path before: no canonical-path comparison (`getCanonicalPath()` + `startsWith`), no `..` test, no \
               allow-list lookup, no boolean validation helper of the app. Paths built by helper methods, and \
               providers only reachable through URI grants, are not followed.",
        why: "`getLastPathSegment()` and `getPath()` return the decoded path, so a URI such as \
              `content://authority/..%2F..%2Fshared_prefs%2Fsession.xml` walks out of the shared directory. Any \
              app can then read (or overwrite) every file of this app's private storage: databases, shared \
              preferences with tokens, downloaded documents.",
        fix: "Resolve the requested file and check it stays inside the shared directory: \
              `File f = new File(root, name).getCanonicalFile(); if (!f.getPath().startsWith(root.getCanonicalPath() + \
              File.separator)) throw new SecurityException();` — or serve files by an opaque id looked up in a \
              table, or use androidx `FileProvider`, which does this check. Make the provider non-exported when no \
              other app needs it.",
        references: &[
            "https://developer.android.com/privacy-and-security/risks/path-traversal",
            "https://mas.owasp.org/MASVS/controls/MASVS-PLATFORM-1/",
            "https://cwe.mitre.org/data/definitions/22.html",
        ],
    },
    check,
};

/// The provider methods that hand out files.
const OPEN_METHODS: &[&str] = &[
    "Landroid/content/ContentProvider;->openFile(Landroid/net/Uri;Ljava/lang/String;)Landroid/os/ParcelFileDescriptor;",
    "Landroid/content/ContentProvider;->openFile(Landroid/net/Uri;Ljava/lang/String;Landroid/os/CancellationSignal;)Landroid/os/ParcelFileDescriptor;",
    "Landroid/content/ContentProvider;->openAssetFile(Landroid/net/Uri;Ljava/lang/String;)Landroid/content/res/AssetFileDescriptor;",
    "Landroid/content/ContentProvider;->openAssetFile(Landroid/net/Uri;Ljava/lang/String;Landroid/os/CancellationSignal;)Landroid/content/res/AssetFileDescriptor;",
];

/// Calls that open a file by path or `File`, by class and name.
const FILE_OPENERS: &[(&str, &str)] = &[
    ("Landroid/os/ParcelFileDescriptor;", "open"),
    ("Ljava/io/FileInputStream;", "<init>"),
    ("Ljava/io/FileOutputStream;", "<init>"),
    ("Ljava/io/RandomAccessFile;", "<init>"),
];

const MAX_DEPTH: u8 = 5;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    let entry_points = EntryPoints::new(app, dex);
    if entry_points.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    for signature in OPEN_METHODS {
        for method in dex.overrides(signature) {
            let Some(entry) = entry_points
                .of_method(&method)
                .filter(|e| e.kind == ComponentKind::Provider)
            else {
                continue;
            };
            let flow = MethodFlow::new(dex, method);
            for call in &flow.calls {
                let Some(target) = callee(dex, call) else {
                    continue;
                };
                if !FILE_OPENERS
                    .iter()
                    .any(|(class, name)| target.class == *class && target.name == *name)
                {
                    continue;
                }
                let types = param_types(&target.proto);
                let tainted = types
                    .iter()
                    .enumerate()
                    .filter(|(_, ty)| matches!(**ty, "Ljava/io/File;" | "Ljava/lang/String;"))
                    .filter_map(|(i, _)| call.param(i))
                    .map(|p| flow.derive(p.value(), MAX_DEPTH))
                    .find(|d| d.has(FROM_URI));
                let Some(tainted) = tainted else {
                    continue;
                };
                if flow.checks(FROM_URI, Some(call.at())).is_some() {
                    continue;
                }
                let key = call_key(dex, call);
                if !seen.insert(key.clone()) {
                    continue;
                }
                let part = if flow
                    .calls
                    .iter()
                    .any(|c| callee(dex, c).is_some_and(|k| k.name == "getLastPathSegment"))
                {
                    "Uri.getLastPathSegment()"
                } else if tainted.has(Origins::URI_QUERY) && !tainted.has(Origins::URI_PATH) {
                    "a query parameter of the URI"
                } else {
                    "the URI path"
                };
                let at = call.location();
                out.emit(
                    call_location(call),
                    &key,
                    format!(
                        "The exported provider {} opens a file named by {part} in {}.{} without checking the path: \
                         `..%2F` sequences reach any file of the app.",
                        entry.component, at.java_class, at.method
                    ),
                    evidence(call, &format!("{}(<path from {part}>)", target.short())),
                );
            }
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
