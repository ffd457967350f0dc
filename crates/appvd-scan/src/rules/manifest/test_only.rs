use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::at_line;

pub static RULE: Rule = Rule {
    id: "manifest.test_only",
    title: "Test-only build shipped",
    severity: Severity::Medium,
    masvs: "MASVS-RESILIENCE-4",
    cwe: 489,
    docs: Docs {
        what: "The manifest sets `android:testOnly=\"true\"` on `<application>`, the flag Android Studio adds to builds \
               it installs for a run or a test.",
        why: "A test-only package is a development artefact: it usually comes with debug settings, test hooks and \
              unminified code, and it shows that the release pipeline shipped something other than the release \
              variant. Such builds can only be installed with `adb install -t`, so an app found like this in the field \
              was side-loaded or leaked from development, and its other protections cannot be trusted either.",
        fix: "Build the release variant (`./gradlew assembleRelease` or `bundleRelease`) and never set \
              `android:testOnly` in the manifest; the build tools add it only to IDE runs.",
        references: &[
            "https://developer.android.com/guide/topics/manifest/application-element#testOnly",
            "https://cwe.mitre.org/data/definitions/489.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(application) = app.manifest().and_then(|m| m.application.as_ref()) else {
        return;
    };
    if application.test_only == Some(true) {
        out.emit(
            at_line(application.line),
            "application",
            "The application is a test-only build: it was built for development, not as a release.",
            "<application android:testOnly=\"true\">",
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
