use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "manifest.debuggable",
    title: "Application is debuggable",
    severity: Severity::High,
    masvs: "MASVS-RESILIENCE-4",
    cwe: 489,
    docs: Docs {
        what: "The manifest sets `android:debuggable=\"true\"` on `<application>`.",
        why: "A debuggable app accepts a debugger over ADB and JDWP: anyone with the device (or malware using `run-as`) \
              can read its private files, inspect memory, change variables and call any method. Release builds are \
              never meant to ship like this.",
        fix: "Remove `android:debuggable` from the manifest and let the build type set it (`debuggable false` for release, \
              the default).",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0039/",
            "https://developer.android.com/guide/topics/manifest/application-element#debug",
            "https://cwe.mitre.org/data/definitions/489.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(application) = app.manifest().and_then(|m| m.application.as_ref()) else {
        return;
    };
    if application.debuggable == Some(true) {
        out.emit(
            Location::file("AndroidManifest.xml").with_line(application.line),
            "application",
            "The application is debuggable: any user with the device can attach a debugger and read its data.",
            "<application android:debuggable=\"true\">",
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
