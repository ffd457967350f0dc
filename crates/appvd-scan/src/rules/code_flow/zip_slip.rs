use std::collections::HashSet;

use appvd_dex::facts::Origins;

use super::flow::{MethodFlow, call_key, call_location, callee, evidence, param_types};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "code.zip_slip",
    title: "ZIP entry names used as file paths (Zip Slip)",
    severity: Severity::High,
    masvs: "MASVS-CODE-4",
    cwe: 22,
    docs: Docs {
        what: "A path built from `ZipEntry.getName()` reaches a file writer — `FileOutputStream`, `FileWriter`, \
               `RandomAccessFile`, `Files.newOutputStream`/`copy`/`write`, `File.renameTo` — in the same method, \
               and the method never checks the name before the write: no canonical-path comparison \
               (`getCanonicalPath()` + `startsWith`), no `..` test, no `Path.startsWith`, no boolean validation \
               helper, and no reduction to the bare file name (`File.getName()`, `lastIndexOf('/')`). Extraction \
               split across methods (the name read in one, the file written in another) and archive libraries \
               other than `java.util.zip` are not followed.",
        why: "Entry names are chosen by whoever made the archive. A name such as `../../shared_prefs/auth.xml` or \
              `../code_cache/secondary-dexes/x.dex` makes the app write outside the extraction directory, \
              overwriting its own settings, databases or code that it later loads: an archive downloaded over the \
              network or received from another app becomes code execution in the app.",
        fix: "Before writing, resolve the destination and require it to be inside the target directory: \
              `File out = new File(dir, entry.getName()); if (!out.getCanonicalPath().startsWith(dir.getCanonicalPath() \
              + File.separator)) throw new SecurityException(\"Zip entry outside target: \" + entry.getName());` \
              Reject absolute names too. Android 14 makes `ZipInputStream` and `ZipFile` throw `ZipException` for \
              such names in apps targeting API 34+, but only on Android 14+ devices: apps whose minSdkVersion is 34 \
              or higher are not reported unless they turn that check off (`ZipPathValidator`).",
        references: &[
            "https://developer.android.com/privacy-and-security/risks/zip-path-traversal",
            "https://mas.owasp.org/MASVS/controls/MASVS-CODE-4/",
            "https://cwe.mitre.org/data/definitions/22.html",
        ],
    },
    check,
};

/// File writers, by class and name; their `File`, `String` and `Path` parameters are checked.
const WRITERS: &[&str] = &[
    "Ljava/io/FileOutputStream;-><init>",
    "Ljava/io/FileWriter;-><init>",
    "Ljava/io/RandomAccessFile;-><init>",
    "Ljava/nio/file/Files;->newOutputStream",
    "Ljava/nio/file/Files;->newBufferedWriter",
    "Ljava/nio/file/Files;->copy",
    "Ljava/nio/file/Files;->write",
    "Ljava/io/File;->renameTo",
];

const MAX_DEPTH: u8 = 5;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    // Android 14+ rejects `..` and absolute entry names for apps targeting 34+; when every device
    // the app installs on does, only an app that replaces the validator is exposed.
    let platform_guards = app
        .manifest()
        .is_some_and(|m| m.min_sdk() >= 34 && m.target_sdk() >= 34);
    if platform_guards
        && dex
            .calls_to("Ldalvik/system/ZipPathValidator;->clearCallback")
            .is_empty()
        && dex
            .calls_to("Ldalvik/system/ZipPathValidator;->setCallback")
            .is_empty()
    {
        return;
    }
    let mut seen = HashSet::new();
    for writer in WRITERS {
        for call in dex.calls_to(writer) {
            let Some(target) = callee(dex, &call) else {
                continue;
            };
            let flow = MethodFlow::of_call(dex, &call);
            let tainted = param_types(&target.proto)
                .iter()
                .enumerate()
                .filter(|(_, ty)| {
                    matches!(
                        **ty,
                        "Ljava/io/File;" | "Ljava/lang/String;" | "Ljava/nio/file/Path;"
                    )
                })
                .any(|(i, _)| {
                    call.param(i)
                        .is_some_and(|p| flow.derive(p.value(), MAX_DEPTH).has(Origins::ZIP_ENTRY))
                });
            if !tainted || sanitised(&flow, call.at()) {
                continue;
            }
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let at = call.location();
            out.emit(
                call_location(&call),
                &key,
                format!(
                    "{}.{} writes to a path made from ZipEntry.getName() ({}) without checking it: an entry named \
                     `../…` is written outside the target directory.",
                    at.java_class,
                    at.method,
                    target.short()
                ),
                evidence(&call, &format!("{}(<path from ZipEntry.getName()>)", target.short())),
            );
        }
    }
}

/// Whether the method checks or reduces the entry name before the write.
fn sanitised(flow: &MethodFlow<'_, '_>, sink: u32) -> bool {
    if flow.checks(Origins::ZIP_ENTRY, Some(sink)).is_some() {
        return true;
    }
    // Keeping only the last path element drops every directory, `..` included.
    flow.calls.iter().filter(|c| c.at() < sink).any(|call| {
        callee(flow.dex, call).is_some_and(|k| {
            matches!(
                (k.class.as_ref(), k.name.as_ref()),
                ("Ljava/io/File;", "getName")
                    | ("Ljava/lang/String;", "lastIndexOf")
                    | ("Ljava/nio/file/Path;", "getFileName")
            )
        }) && call
            .args()
            .iter()
            .any(|a| flow.derive(a.value(), MAX_DEPTH).has(Origins::ZIP_ENTRY))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
