use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::at_line;

pub static RULE: Rule = Rule {
    id: "privacy.advertising_id",
    title: "Advertising ID permission requested",
    severity: Severity::Info,
    masvs: "MASVS-PRIVACY-2",
    cwe: 359,
    docs: Docs {
        what: "The manifest requests `com.google.android.gms.permission.AD_ID` (required from API 33 to read the Google \
               advertising ID) or `android.permission.ACCESS_ADSERVICES_AD_ID` (the Privacy Sandbox ad ID). The \
               permission is usually merged in by an ads or analytics SDK, so the finding names an identifier the app \
               can collect, for the privacy inventory. Calls that read the ID are a matter for the bytecode rules; \
               below API 33 the ID is readable even without the permission.",
        why: "The advertising ID links the user's activity across apps and data brokers. Collecting it obliges the app \
              to disclose it, to honour the user's opt-out and deletion, and not to join it with persistent \
              identifiers; apps for children may not collect it at all.",
        fix: "If the app and its SDKs do not need the ID, remove the permission with \
              `<uses-permission android:name=\"com.google.android.gms.permission.AD_ID\" tools:node=\"remove\"/>`. \
              Otherwise declare the use in the store's data-safety form and respect `isLimitAdTrackingEnabled`.",
        references: &[
            "https://developers.google.com/android/reference/com/google/android/gms/ads/identifier/AdvertisingIdClient",
            "https://developer.android.com/reference/android/adservices/adid/AdIdManager",
            "https://cwe.mitre.org/data/definitions/359.html",
        ],
    },
    check,
};

const AD_ID_PERMISSIONS: &[&str] = &[
    "com.google.android.gms.permission.AD_ID",
    "android.permission.ACCESS_ADSERVICES_AD_ID",
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for requested in &manifest.uses_permissions {
        let Some(name) = requested.name.as_deref() else {
            continue;
        };
        if !AD_ID_PERMISSIONS.contains(&name) || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        out.emit(
            at_line(requested.line),
            name,
            format!(
                "The app requests {name}, so it or one of its SDKs can read the advertising ID."
            ),
            format!("<uses-permission android:name=\"{name}\">"),
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
