use appvd_dex::CallSiteView;

use super::values::{IntentTarget, intent_target};
use super::{SdkLevels, call_evidence, call_key, call_location, caller_class, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "ipc.implicit_pending_intent",
    title: "Mutable PendingIntent wraps an implicit Intent",
    severity: Severity::High,
    masvs: "MASVS-PLATFORM-1",
    cwe: 927,
    docs: Docs {
        what: "Code creates a `PendingIntent` (`getActivity`, `getService`, `getForegroundService`, `getBroadcast`, \
               or `PendingIntentCompat` with `isMutable = true`) around an `Intent` built in the same method with \
               no component, class or package, and with flags that leave it mutable (no `FLAG_IMMUTABLE`, \
               0x04000000). Look-ups with `FLAG_NO_CREATE` create nothing and are skipped.",
        why: "A PendingIntent lets whoever holds it act with the creating app's identity and permissions. Holders \
              (a notification listener, the app a broadcast or slice reaches, any app the intent leaks to) may \
              fill in the unset parts of a mutable one: with no component or package set, an attacker chooses \
              the package, action and data, and the intent is then sent with the app's identity to components \
              the attacker picks, including the app's own non-exported ones, or used to obtain access to the \
              app's content providers. The SDK levels decide where this is possible: apps targeting API 31+ must \
              pass a mutability flag (without one, creation throws on Android 12+, so only older devices are \
              exposed), and apps targeting API 34+ cannot create a mutable implicit one on Android 14+ unless they \
              pass `FLAG_ALLOW_UNSAFE_IMPLICIT_INTENT`. Flags or intents computed elsewhere are not judged.",
        fix: "Pass `PendingIntent.FLAG_IMMUTABLE` unless the holder truly has to fill in data, and make the inner \
              intent explicit in any case (`new Intent(context, Target.class)`, `setComponent`, `setPackage`). For \
              a mutable PendingIntent (inline reply, bubbles), make the intent explicit and let the holder change \
              only extras.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0030/",
            "https://developer.android.com/privacy-and-security/risks/pending-intent",
            "https://developer.android.com/about/versions/14/behavior-changes-14#safer-intents",
            "https://developer.android.com/reference/android/app/PendingIntent#FLAG_IMMUTABLE",
            "https://cwe.mitre.org/data/definitions/927.html",
        ],
    },
    check,
};

const FLAG_IMMUTABLE: i64 = 0x0400_0000;
const FLAG_MUTABLE: i64 = 0x0200_0000;
const FLAG_ALLOW_UNSAFE_IMPLICIT_INTENT: i64 = 0x0100_0000;
const FLAG_NO_CREATE: i64 = 0x2000_0000;

/// API levels of the platform changes the rule depends on.
const MUTABILITY_FLAG_REQUIRED: u32 = 31;
const IMPLICIT_MUTABLE_BLOCKED: u32 = 34;

/// `(signature, intent parameter, flags parameter)`; for `PendingIntentCompat` the flags
/// parameter is the `isMutable` boolean after the flags.
const FACTORIES: [(&str, usize, usize); 5] = [
    (
        "Landroid/app/PendingIntent;->getActivity(Landroid/content/Context;ILandroid/content/Intent;I)Landroid/app/PendingIntent;",
        2,
        3,
    ),
    (
        "Landroid/app/PendingIntent;->getActivity(Landroid/content/Context;ILandroid/content/Intent;ILandroid/os/Bundle;)Landroid/app/PendingIntent;",
        2,
        3,
    ),
    (
        "Landroid/app/PendingIntent;->getService(Landroid/content/Context;ILandroid/content/Intent;I)Landroid/app/PendingIntent;",
        2,
        3,
    ),
    (
        "Landroid/app/PendingIntent;->getForegroundService(Landroid/content/Context;ILandroid/content/Intent;I)Landroid/app/PendingIntent;",
        2,
        3,
    ),
    (
        "Landroid/app/PendingIntent;->getBroadcast(Landroid/content/Context;ILandroid/content/Intent;I)Landroid/app/PendingIntent;",
        2,
        3,
    ),
];

/// `PendingIntentCompat.get*(Context, int, Intent, int flags, boolean isMutable)`.
const COMPAT_FACTORIES: [&str; 4] = [
    "Landroidx/core/app/PendingIntentCompat;->getActivity(Landroid/content/Context;ILandroid/content/Intent;IZ)Landroid/app/PendingIntent;",
    "Landroidx/core/app/PendingIntentCompat;->getService(Landroid/content/Context;ILandroid/content/Intent;IZ)Landroid/app/PendingIntent;",
    "Landroidx/core/app/PendingIntentCompat;->getForegroundService(Landroid/content/Context;ILandroid/content/Intent;IZ)Landroid/app/PendingIntent;",
    "Landroidx/core/app/PendingIntentCompat;->getBroadcast(Landroid/content/Context;ILandroid/content/Intent;IZ)Landroid/app/PendingIntent;",
];

/// Whether a PendingIntent created with `flags` is mutable on some device the app runs on, and on
/// which: `None` when it is immutable or its creation always throws.
fn mutable_where(flags: i64, sdk: SdkLevels) -> Option<&'static str> {
    // FLAG_NO_CREATE only looks up an existing PendingIntent; it makes none.
    if flags & (FLAG_IMMUTABLE | FLAG_NO_CREATE) != 0 {
        return None;
    }
    if flags & FLAG_MUTABLE != 0 {
        if sdk.target >= IMPLICIT_MUTABLE_BLOCKED && flags & FLAG_ALLOW_UNSAFE_IMPLICIT_INTENT == 0
        {
            // Android 14+ refuses it for this app; older releases create it.
            return (sdk.min < IMPLICIT_MUTABLE_BLOCKED).then_some("on Android 13 and lower");
        }
        return Some("on every Android version");
    }
    if sdk.target >= MUTABILITY_FLAG_REQUIRED {
        // Android 12+ throws for a missing mutability flag; older releases default to mutable.
        return (sdk.min < MUTABILITY_FLAG_REQUIRED).then_some("on Android 11 and lower");
    }
    Some("on every Android version (mutable is the default without FLAG_IMMUTABLE)")
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let sdk = sdk_levels(app);
    for (signature, intent_at, flags_at) in FACTORIES {
        for call in dex.calls_to(signature) {
            let Some(flags) = call.param(flags_at).and_then(|a| a.as_int()) else {
                continue;
            };
            if let Some(devices) = mutable_where(flags, sdk) {
                report(&call, intent_at, &format!("flags {flags:#x}"), devices, out);
            }
        }
    }
    for signature in COMPAT_FACTORIES {
        for call in dex.calls_to(signature) {
            if call.param(4).and_then(|a| a.as_bool()) != Some(true) {
                continue;
            }
            let Some(flags) = call.param(3).and_then(|a| a.as_int()) else {
                continue;
            };
            // The compat class adds FLAG_MUTABLE itself where the platform has it (API 31+).
            if let Some(devices) = mutable_where(flags | FLAG_MUTABLE, sdk) {
                report(
                    &call,
                    2,
                    &format!("isMutable true, flags {flags:#x}"),
                    devices,
                    out,
                );
            }
        }
    }
}

fn report(
    call: &CallSiteView<'_, '_>,
    intent_at: usize,
    mutability: &str,
    devices: &str,
    out: &mut super::Once<'_, '_>,
) {
    let Some(intent) = call.param(intent_at) else {
        return;
    };
    let IntentTarget::Implicit { action } = intent_target(&intent, call) else {
        return;
    };
    let class = super::java_name(&caller_class(call));
    let action_text = match &action {
        Some(action) => format!(
            "implicit Intent with action {}",
            super::brief(action, super::MAX_CONSTANT)
        ),
        None => "implicit Intent without an action".to_string(),
    };
    out.emit(
        call_location(call),
        &call_key(call, action.as_deref().unwrap_or("")),
        format!(
            "{class} creates a mutable PendingIntent around an {action_text}; an app that obtains it can redirect \
             it {devices}."
        ),
        call_evidence(
            call,
            &[format!(
                "{mutability}: no FLAG_IMMUTABLE; the Intent has no component, class or package"
            )],
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutability_follows_the_flags_and_sdk_levels() {
        let modern = SdkLevels {
            min: 24,
            target: 34,
        };
        assert_eq!(mutable_where(FLAG_IMMUTABLE, modern), None);
        assert_eq!(mutable_where(FLAG_NO_CREATE, modern), None);
        assert_eq!(
            mutable_where(FLAG_MUTABLE, modern),
            Some("on Android 13 and lower")
        );
        assert_eq!(
            mutable_where(FLAG_MUTABLE | FLAG_ALLOW_UNSAFE_IMPLICIT_INTENT, modern),
            Some("on every Android version")
        );
        assert_eq!(mutable_where(0, modern), Some("on Android 11 and lower"));
        let only_new = SdkLevels {
            min: 34,
            target: 34,
        };
        assert_eq!(mutable_where(0, only_new), None);
        assert_eq!(mutable_where(FLAG_MUTABLE, only_new), None);
        let old = SdkLevels {
            min: 21,
            target: 30,
        };
        assert!(mutable_where(0x0800_0000, old).is_some());
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
