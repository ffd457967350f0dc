use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

pub static RULE: Rule = Rule {
    id: "code.native_rpath",
    title: "Native library searches dependencies outside the app",
    severity: Severity::Low,
    masvs: "MASVS-CODE-4",
    cwe: 426,
    docs: Docs {
        what: "A native library has a `DT_RUNPATH` entry that is not relative to `$ORIGIN` (an absolute path such as \
               `/data/local/tmp/lib`, or a path relative to the working directory). `$ORIGIN`-relative run paths stay \
               inside the app's own library directory and are not reported; `DT_RPATH` is not reported either, because \
               Android's linker ignores it (it honours only `DT_RUNPATH`). One finding per library name, listing the \
               ABIs concerned.",
        why: "The dynamic linker looks for the library's dependencies in its run path before the app's own directory. \
              If a run path names a directory that another app or a user with ADB can write to, whoever writes a \
              library of the expected name there gets code execution inside the app, with its permissions and data. \
              Run paths left over from a build machine point nowhere today but become live if such a directory is \
              ever created.",
        fix: "Remove the run path (do not pass `-rpath`/`-Wl,-rpath` for Android builds; the platform finds an app's \
              libraries in its own directory), or use `$ORIGIN` if a subdirectory is really needed; check with \
              `readelf -d libfoo.so | grep RUNPATH`.",
        references: &[
            "https://android.googlesource.com/platform/bionic/+/master/android-changes-for-ndk-developers.md",
            "https://mas.owasp.org/MASVS/10-MASVS-CODE/",
            "https://cwe.mitre.org/data/definitions/426.html",
        ],
    },
    check,
};

/// Whether a run path element stays inside the library's own directory tree.
fn relative_to_origin(path: &str) -> bool {
    path.starts_with("$ORIGIN") || path.starts_with("${ORIGIN}")
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    report_per_library(
        app,
        out,
        |facts| {
            let outside: Vec<&str> = facts
                .linking
                .runpath
                .iter()
                .flat_map(|entry| entry.split(':'))
                .filter(|p| !p.is_empty() && !relative_to_origin(p))
                .collect();
            (!outside.is_empty()).then(|| Flaw {
                severity: Severity::Low,
                fact: format!("DT_RUNPATH {}", outside.join(":")),
            })
        },
        |name, abis| {
            format!("{name} ({abis}) looks for its dependencies in a directory outside the app.")
        },
    );
}

#[cfg(test)]
mod tests {
    use super::relative_to_origin;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    #[test]
    fn origin_relative_paths_are_inside_the_app() {
        assert!(relative_to_origin("$ORIGIN"));
        assert!(relative_to_origin("$ORIGIN/../lib"));
        assert!(relative_to_origin("${ORIGIN}/plugins"));
        assert!(!relative_to_origin("/data/local/tmp"));
        assert!(!relative_to_origin("lib"));
        assert!(!relative_to_origin("/home/build/$ORIGIN"));
    }
}
