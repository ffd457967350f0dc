use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::at_line;

pub static RULE: Rule = Rule {
    id: "code.min_sdk_outdated",
    title: "App installs on outdated, unpatched Android versions",
    severity: Severity::Medium,
    masvs: "MASVS-CODE-1",
    cwe: 1104,
    docs: Docs {
        what: "`minSdkVersion` lets the app install on Android versions that no longer receive security updates: \
               Medium below API 26 (Android 8.0), Low from 26 to 28 (Android 8.0 to 9). A manifest without \
               `minSdkVersion` counts as API 1, as Android reads it. The v3 signature's minimum SDK is not used \
               instead: it bounds which platforms use that signer, not where the app installs.",
        why: "On an unpatched platform the app's own protections stand on known, public flaws: the app's sandbox, \
              TLS stack, WebView and media parsers have published exploits, and older versions also lack newer \
              defences such as scoped storage, cleartext-off-by-default and stricter component export rules. Data \
              the app handles is only as safe as the oldest device it agrees to run on.",
        fix: "Raise `minSdkVersion` to a level that still receives security updates (API 29 or higher as a floor), or \
              at least refuse to handle sensitive data on old platforms (check `Build.VERSION.SDK_INT` and degrade).",
        references: &[
            "https://developer.android.com/guide/topics/manifest/uses-sdk-element",
            "https://source.android.com/docs/security/bulletin",
            "https://cwe.mitre.org/data/definitions/1104.html",
        ],
    },
    check,
};

/// Below this minimum the app runs on Android 7.x and older: Medium.
const MEDIUM_BELOW: u32 = 26;
/// Below this minimum the app runs on Android 9 or older: Low.
const LOW_BELOW: u32 = 29;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    let min_sdk = manifest.min_sdk();
    let severity = match min_sdk {
        level if level < MEDIUM_BELOW => Severity::Medium,
        level if level < LOW_BELOW => Severity::Low,
        _ => return,
    };
    let line = if manifest.uses_sdk.present {
        manifest.uses_sdk.line
    } else {
        manifest.line
    };
    let evidence = match &manifest.uses_sdk.min_sdk_version {
        Some(_) => format!("<uses-sdk android:minSdkVersion=\"{min_sdk}\">"),
        None => "no android:minSdkVersion (Android then assumes API 1)".to_owned(),
    };
    out.emit_with_severity(
        severity,
        at_line(line),
        "min-sdk",
        format!("The app installs on Android API {min_sdk}, a platform version without security updates."),
        evidence,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
