use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::at_line;

pub static RULE: Rule = Rule {
    id: "privacy.dangerous_permissions",
    title: "Permission to sensitive data or device control requested",
    severity: Severity::Info,
    masvs: "MASVS-PRIVACY-1",
    cwe: 250,
    docs: Docs {
        what: "The app requests a runtime (`dangerous`) permission that opens personal data or sensors — SMS, call \
               log, contacts, calendar, location, microphone, camera, body sensors, media, nearby devices — or a \
               special permission that lets it control the device or other apps (overlays, installing packages, all \
               files, usage stats, the package list, system settings). One finding per permission, as an inventory to \
               check against what the app does; permissions whose `maxSdkVersion` is below the app's minimum SDK are \
               never requested and are skipped, and `POST_NOTIFICATIONS` is left out (it opens no data).",
        why: "Each such permission widens what a compromise of the app, or of an SDK inside it, can reach, and \
              over-asking is the commonest privacy complaint stores and regulators act on. Special permissions are \
              the building blocks of overlay phishing, silent installs and device-wide surveillance.",
        fix: "Remove permissions the app does not need; use the permission-less alternatives (photo picker instead \
              of media permissions, `ACTION_SEND`/`ACTION_DIAL` intents instead of SMS and phone permissions, \
              coarse instead of fine location, the companion-device APIs instead of scanning) and request the rest \
              at the moment of use with an explanation.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0024/",
            "https://developer.android.com/guide/topics/permissions/overview",
            "https://developer.android.com/reference/android/Manifest.permission",
            "https://cwe.mitre.org/data/definitions/250.html",
        ],
    },
    check,
};

/// Permissions reported, with what they open. Names without a dot are `android.permission.*`.
const SENSITIVE: &[(&str, &str)] = &[
    ("ACCEPT_HANDOVER", "continue calls started in another app"),
    (
        "ACCESS_BACKGROUND_LOCATION",
        "location while the app is in the background",
    ),
    ("ACCESS_COARSE_LOCATION", "approximate location"),
    ("ACCESS_FINE_LOCATION", "precise location"),
    (
        "ACCESS_MEDIA_LOCATION",
        "location embedded in photos and videos",
    ),
    (
        "ACTIVITY_RECOGNITION",
        "physical activity (walking, driving)",
    ),
    ("ANSWER_PHONE_CALLS", "answering phone calls"),
    (
        "BIND_ACCESSIBILITY_SERVICE",
        "requested as a permission: a sign of accessibility abuse",
    ),
    (
        "BIND_DEVICE_ADMIN",
        "requested as a permission: a sign of device-admin abuse",
    ),
    (
        "BLUETOOTH_ADVERTISE",
        "advertising to nearby Bluetooth devices",
    ),
    ("BLUETOOTH_CONNECT", "paired Bluetooth devices"),
    (
        "BLUETOOTH_SCAN",
        "nearby Bluetooth devices (can reveal location)",
    ),
    ("BODY_SENSORS", "heart rate and other body sensors"),
    ("BODY_SENSORS_BACKGROUND", "body sensors in the background"),
    ("CALL_PHONE", "placing phone calls without the dialer"),
    ("CAMERA", "the camera"),
    ("GET_ACCOUNTS", "the list of accounts on the device"),
    (
        "MANAGE_EXTERNAL_STORAGE",
        "every file in shared storage (all-files access)",
    ),
    ("NEARBY_WIFI_DEVICES", "nearby Wi-Fi devices"),
    ("PACKAGE_USAGE_STATS", "which apps the user uses and when"),
    ("PROCESS_OUTGOING_CALLS", "numbers of outgoing calls"),
    ("QUERY_ALL_PACKAGES", "the full list of installed apps"),
    ("READ_CALENDAR", "calendar events"),
    ("READ_CALL_LOG", "the call log"),
    ("READ_CELL_BROADCASTS", "cell broadcast messages"),
    ("READ_CONTACTS", "contacts"),
    ("READ_EXTERNAL_STORAGE", "files in shared storage"),
    ("READ_MEDIA_AUDIO", "audio files"),
    ("READ_MEDIA_IMAGES", "photos"),
    ("READ_MEDIA_VIDEO", "videos"),
    (
        "READ_MEDIA_VISUAL_USER_SELECTED",
        "photos and videos the user picks",
    ),
    ("READ_PHONE_NUMBERS", "the device's phone numbers"),
    (
        "READ_PHONE_STATE",
        "phone state and, on old platforms, device identifiers",
    ),
    ("READ_SMS", "SMS messages"),
    ("RECEIVE_MMS", "incoming MMS"),
    ("RECEIVE_SMS", "incoming SMS (including one-time codes)"),
    ("RECEIVE_WAP_PUSH", "incoming WAP push messages"),
    ("RECORD_AUDIO", "the microphone"),
    ("REQUEST_INSTALL_PACKAGES", "installing other apps"),
    ("SEND_SMS", "sending SMS (possibly premium-rate)"),
    ("SYSTEM_ALERT_WINDOW", "drawing over other apps"),
    ("USE_SIP", "internet calls"),
    ("UWB_RANGING", "distance to nearby ultra-wideband devices"),
    ("WRITE_CALENDAR", "changing calendar events"),
    ("WRITE_CALL_LOG", "changing the call log"),
    ("WRITE_CONTACTS", "changing contacts"),
    ("WRITE_EXTERNAL_STORAGE", "writing shared storage"),
    ("WRITE_SETTINGS", "changing system settings"),
    (
        "com.android.voicemail.permission.ADD_VOICEMAIL",
        "adding voicemail",
    ),
];

fn describe(permission: &str) -> Option<&'static str> {
    let short = permission.strip_prefix("android.permission.");
    SENSITIVE
        .iter()
        .find(|(name, _)| match short {
            Some(short) => *name == short,
            None => name.contains('.') && *name == permission,
        })
        .map(|&(_, what)| what)
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    let min_sdk = i64::from(manifest.min_sdk());
    let mut seen: Vec<&str> = Vec::new();
    for requested in &manifest.uses_permissions {
        let Some(name) = requested.name.as_deref() else {
            continue;
        };
        if seen.contains(&name) || requested.max_sdk_version.is_some_and(|max| max < min_sdk) {
            continue;
        }
        let Some(what) = describe(name) else { continue };
        seen.push(name);
        let mut evidence = format!("<uses-permission android:name=\"{name}\"");
        if let Some(max) = requested.max_sdk_version {
            evidence.push_str(&format!(" android:maxSdkVersion=\"{max}\""));
        }
        evidence.push('>');
        out.emit(
            at_line(requested.line),
            name,
            format!("The app requests {name}: {what}."),
            evidence,
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
    fn names_are_matched_exactly() {
        assert_eq!(
            describe("android.permission.READ_SMS"),
            Some("SMS messages")
        );
        assert_eq!(
            describe("com.android.voicemail.permission.ADD_VOICEMAIL"),
            Some("adding voicemail")
        );
        assert_eq!(describe("android.permission.INTERNET"), None);
        assert_eq!(describe("READ_SMS"), None);
        assert_eq!(describe("com.evil.permission.READ_SMS"), None);
        assert!(
            SENSITIVE.windows(2).all(|w| w[0].0 < w[1].0),
            "keep the table sorted"
        );
    }
}
