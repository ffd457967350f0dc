use std::collections::BTreeSet;

use super::{call_text, emit_at_call, method_identity, requests_any, sdk_levels, users_of};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::code_location;

pub static RULE: Rule = Rule {
    id: "privacy.device_identifiers",
    title: "Non-resettable device identifier read",
    severity: Severity::Low,
    masvs: "MASVS-PRIVACY-2",
    cwe: 359,
    docs: Docs {
        what: "Code reads a hardware or subscriber identifier that the user cannot reset, on devices where the \
               platform still returns it to the app: the IMEI/MEID (`TelephonyManager.getDeviceId`, `getImei`, \
               `getMeid`), IMSI (`getSubscriberId`), SIM serial (`getSimSerialNumber`) or hardware serial \
               (`Build.getSerial`) when the app requests `READ_PHONE_STATE` and supports Android 9 or older; the \
               phone number (`getLine1Number`) with a phone-number permission; `Settings.Secure.ANDROID_ID`; the \
               Wi-Fi or Bluetooth MAC address (`WifiInfo.getMacAddress`, `BluetoothAdapter.getAddress`) on \
               Android 5.1 or older; `NetworkInterface.getHardwareAddress` on Android 10 or older; and the \
               `Build.SERIAL` field on Android 7.1 or older.",
        why: "These identifiers survive app reinstalls and data wipes (hardware ids even factory resets), so they \
              let the app and every SDK inside it track the user across apps, accounts and resets, and join \
              profiles with other datasets that hold the same identifier. Google Play's policy forbids linking \
              them to advertising, and privacy laws treat them as personal data.",
        fix: "Use resettable, scoped identifiers: a random UUID stored by the app for installation identity, the \
              advertising ID (honouring the user's opt-out) for ads, Firebase installation ids, or the Play \
              Integrity API for device attestation. Raise minSdk past the versions that expose hardware ids and \
              drop `READ_PHONE_STATE` when it is only used for an id.",
        references: &[
            "https://developer.android.com/identity/user-data-ids",
            "https://developer.android.com/about/versions/10/privacy/changes#non-resettable-device-ids",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PRIVACY/MASTG-TEST-0254/",
            "https://cwe.mitre.org/data/definitions/359.html",
        ],
    },
    check,
};

const PHONE_STATE: [&str; 2] = [
    "android.permission.READ_PHONE_STATE",
    "android.permission.READ_PRIVILEGED_PHONE_STATE",
];
const PHONE_NUMBER: [&str; 3] = [
    "android.permission.READ_PHONE_NUMBERS",
    "android.permission.READ_PHONE_STATE",
    "android.permission.READ_SMS",
];

/// An identifier API: the method reference, what it returns, and whether the app can get it.
struct IdentifierApi {
    query: &'static str,
    what: &'static str,
    available: fn(&AppModel, u32) -> bool,
}

fn phone_state_before_q(app: &AppModel, min_sdk: u32) -> bool {
    min_sdk < 29 && requests_any(app, &PHONE_STATE)
}

const APIS: [IdentifierApi; 13] = [
    IdentifierApi {
        query: "Landroid/telephony/TelephonyManager;->getDeviceId",
        what: "the IMEI/MEID",
        available: phone_state_before_q,
    },
    IdentifierApi {
        query: "Landroid/telephony/TelephonyManager;->getImei",
        what: "the IMEI",
        available: phone_state_before_q,
    },
    IdentifierApi {
        query: "Landroid/telephony/TelephonyManager;->getMeid",
        what: "the MEID",
        available: phone_state_before_q,
    },
    IdentifierApi {
        query: "Landroid/telephony/TelephonyManager;->getSubscriberId",
        what: "the IMSI",
        available: phone_state_before_q,
    },
    IdentifierApi {
        query: "Landroid/telephony/TelephonyManager;->getSimSerialNumber",
        what: "the SIM serial number",
        available: phone_state_before_q,
    },
    IdentifierApi {
        query: "Landroid/os/Build;->getSerial()Ljava/lang/String;",
        what: "the hardware serial number",
        available: phone_state_before_q,
    },
    IdentifierApi {
        query: "Landroid/telephony/TelephonyManager;->getLine1Number",
        what: "the phone number",
        available: |app, _| requests_any(app, &PHONE_NUMBER),
    },
    IdentifierApi {
        query: "Landroid/net/wifi/WifiInfo;->getMacAddress()Ljava/lang/String;",
        what: "the Wi-Fi MAC address",
        available: |app, min_sdk| {
            min_sdk < 23 && requests_any(app, &["android.permission.ACCESS_WIFI_STATE"])
        },
    },
    IdentifierApi {
        query: "Landroid/bluetooth/BluetoothAdapter;->getAddress()Ljava/lang/String;",
        what: "the Bluetooth MAC address",
        available: |app, min_sdk| {
            min_sdk < 23
                && requests_any(
                    app,
                    &[
                        "android.permission.BLUETOOTH",
                        "android.permission.BLUETOOTH_CONNECT",
                    ],
                )
        },
    },
    IdentifierApi {
        query: "Ljava/net/NetworkInterface;->getHardwareAddress()[B",
        what: "a network interface's MAC address",
        available: |_, min_sdk| min_sdk < 30,
    },
    // ANDROID_ID: resettable only by a factory reset (or, since Android 8.0, per signing key).
    IdentifierApi {
        query: "Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;",
        what: "ANDROID_ID",
        available: |_, _| true,
    },
    IdentifierApi {
        query: "Landroid/provider/Settings$System;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;",
        what: "ANDROID_ID",
        available: |_, _| true,
    },
    IdentifierApi {
        query: "Landroid/provider/Settings$Global;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;",
        what: "ANDROID_ID",
        available: |_, _| true,
    },
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let (min_sdk, _) = sdk_levels(app);
    let mut seen = BTreeSet::new();
    for api in &APIS {
        if !(api.available)(app, min_sdk) {
            continue;
        }
        for call in dex.calls_to(api.query) {
            if api.what == "ANDROID_ID"
                && call
                    .param(1)
                    .and_then(|a| a.as_str())
                    .is_none_or(|name| name != "android_id")
            {
                continue;
            }
            let read = call_text(&call);
            // A wrapper that only forwards (androidx TelephonyManagerCompat) is reported where
            // it is used, and not at all when nothing uses it.
            for (site, wrappers) in users_of(call) {
                if !seen.insert((method_identity(&site.location()), api.what)) {
                    continue;
                }
                let text = call_text(&site);
                let (message, facts) = if wrappers.is_empty() {
                    (
                        format!(
                            "{text} reads {}, an identifier the user cannot reset.",
                            api.what
                        ),
                        text,
                    )
                } else {
                    let mut chain: Vec<String> = wrappers.iter().rev().cloned().collect();
                    chain.push(read.clone());
                    let chain = chain.join(" → ");
                    (
                        format!(
                            "{text} reads {}, an identifier the user cannot reset (via {chain}).",
                            api.what
                        ),
                        format!("{text}\nvia {chain}"),
                    )
                };
                emit_at_call(out, Severity::Low, &site, api.what, message, &facts);
            }
        }
    }
    // Build.SERIAL: the real serial for every app until Android 8.0, and for apps targeting
    // API 25 or lower until Android 9.
    if min_sdk < 26 {
        for access in dex.field_accesses("Landroid/os/Build;->SERIAL:Ljava/lang/String;") {
            if access.write {
                continue;
            }
            let method = dex.method(access.method);
            let at = method.location_at(access.at);
            if !seen.insert((method_identity(&at), "the hardware serial number")) {
                continue;
            }
            let listing = method.listing().window(access.at, 3, 1);
            out.emit(
                code_location(&at),
                &format!("{}|Build.SERIAL", method_identity(&at)),
                "Build.SERIAL reads the hardware serial number, an identifier the user cannot reset.",
                format!("Build.SERIAL\n{}", listing.trim_end()),
            );
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
