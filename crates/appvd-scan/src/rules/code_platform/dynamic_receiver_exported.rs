use appvd_dex::CallSiteView;

use super::values::filter_actions;
use super::{SdkLevels, call_evidence, call_key, call_location, caller_class, sdk_levels};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::is_protected_broadcast;

pub static RULE: Rule = Rule {
    id: "ipc.dynamic_receiver_exported",
    title: "Runtime-registered broadcast receiver open to other apps",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 925,
    docs: Docs {
        what: "Code registers a broadcast receiver at run time (`Context.registerReceiver`, \
               `ContextCompat.registerReceiver`) without a sender permission, either with `RECEIVER_EXPORTED` or \
               without an export flag (exported by default before Android 14), for an intent filter built in the \
               same method that matches at least one action other apps may send.",
        why: "Any installed app can send the receiver a broadcast with the matching action and extras of its \
              choosing, and the receiver's code runs on that input as if the app itself had sent it: state \
              changes, data refreshes with attacker-chosen parameters, or actions started on behalf of the \
              attacker. Filters that match only actions the system alone may send (protected broadcasts such as \
              `SCREEN_OFF` or `BATTERY_CHANGED`) are not reported, nor are registrations without a receiver (sticky \
              broadcast reads). For apps targeting API 34+ a missing flag throws on Android 14+, so only older \
              devices are exposed and the message says so. Filters built in other methods are not judged.",
        fix: "Pass `Context.RECEIVER_NOT_EXPORTED` (or `ContextCompat.RECEIVER_NOT_EXPORTED`) when only the app \
              itself sends the broadcast, and send it with `setPackage(getPackageName())`. If other apps must reach \
              the receiver, require a `signature`-level permission through the `broadcastPermission` argument.",
        references: &[
            "https://developer.android.com/about/versions/14/behavior-changes-14#runtime-receivers-exported",
            "https://developer.android.com/develop/background-work/background-tasks/broadcasts#context-registered-receivers",
            "https://mas.owasp.org/MASVS/controls/MASVS-PLATFORM-1/",
            "https://cwe.mitre.org/data/definitions/925.html",
        ],
    },
    check,
};

const RECEIVER_EXPORTED: i64 = 0x2;
const RECEIVER_NOT_EXPORTED: i64 = 0x4;

/// Android 14: apps targeting it must choose an export flag for non-system broadcasts.
const EXPORT_FLAG_REQUIRED: u32 = 34;

/// One `registerReceiver` overload: where its receiver, filter, permission and flags are.
struct Overload {
    signature: &'static str,
    receiver: usize,
    filter: usize,
    permission: Option<usize>,
    flags: Option<usize>,
    /// `ContextCompat` refuses a call that names neither export flag.
    compat: bool,
}

const OVERLOADS: [Overload; 6] = [
    Overload {
        signature: "Landroid/content/Context;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;)Landroid/content/Intent;",
        receiver: 0,
        filter: 1,
        permission: None,
        flags: None,
        compat: false,
    },
    Overload {
        signature: "Landroid/content/Context;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;I)Landroid/content/Intent;",
        receiver: 0,
        filter: 1,
        permission: None,
        flags: Some(2),
        compat: false,
    },
    Overload {
        signature: "Landroid/content/Context;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;Ljava/lang/String;Landroid/os/Handler;)Landroid/content/Intent;",
        receiver: 0,
        filter: 1,
        permission: Some(2),
        flags: None,
        compat: false,
    },
    Overload {
        signature: "Landroid/content/Context;->registerReceiver(Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;Ljava/lang/String;Landroid/os/Handler;I)Landroid/content/Intent;",
        receiver: 0,
        filter: 1,
        permission: Some(2),
        flags: Some(4),
        compat: false,
    },
    Overload {
        signature: "Landroidx/core/content/ContextCompat;->registerReceiver(Landroid/content/Context;Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;I)Landroid/content/Intent;",
        receiver: 1,
        filter: 2,
        permission: None,
        flags: Some(3),
        compat: true,
    },
    Overload {
        signature: "Landroidx/core/content/ContextCompat;->registerReceiver(Landroid/content/Context;Landroid/content/BroadcastReceiver;Landroid/content/IntentFilter;Ljava/lang/String;Landroid/os/Handler;I)Landroid/content/Intent;",
        receiver: 1,
        filter: 2,
        permission: Some(3),
        flags: Some(5),
        compat: true,
    },
];

/// How a registration is exported, from its flags: `None` when it is not exported, cannot be
/// judged, or always throws.
fn exposure(overload: &Overload, call: &CallSiteView<'_, '_>, sdk: SdkLevels) -> Option<String> {
    let flags = match overload.flags {
        Some(at) => Some(call.param(at)?.as_int()?),
        None => None,
    };
    match flags {
        Some(flags) if flags & RECEIVER_NOT_EXPORTED != 0 => None,
        Some(flags) if flags & RECEIVER_EXPORTED != 0 => Some("RECEIVER_EXPORTED".into()),
        _ if overload.compat => None,
        _ if sdk.target >= EXPORT_FLAG_REQUIRED => (sdk.min < EXPORT_FLAG_REQUIRED)
            .then(|| "no export flag: exported on Android 13 and lower".into()),
        _ => Some("no export flag: exported by default".into()),
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let out = &mut super::Once::new(out);
    let Some(dex) = app.dex() else {
        return;
    };
    let sdk = sdk_levels(app);
    for overload in &OVERLOADS {
        for call in dex.calls_to(overload.signature) {
            report(overload, &call, sdk, out);
        }
    }
}

fn report(
    overload: &Overload,
    call: &CallSiteView<'_, '_>,
    sdk: SdkLevels,
    out: &mut super::Once<'_, '_>,
) {
    // A null receiver only reads the current sticky broadcast.
    if call.param(overload.receiver).is_none_or(|a| a.is_null()) {
        return;
    }
    if let Some(at) = overload.permission {
        // A permission (or a value not known to be null) guards the receiver.
        if !call.param(at).is_some_and(|a| a.is_null()) {
            return;
        }
    }
    let Some(exposure) = exposure(overload, call, sdk) else {
        return;
    };
    let Some(filter) = call
        .param(overload.filter)
        .and_then(|f| filter_actions(&f, call))
    else {
        return;
    };
    let open: Vec<String> = filter
        .actions
        .iter()
        .filter(|a| !is_protected_broadcast(a))
        .map(|a| super::brief(a, super::MAX_CONSTANT))
        .collect();
    if open.is_empty() {
        return;
    }
    let class = super::java_name(&caller_class(call));
    let all: Vec<String> = filter
        .actions
        .iter()
        .map(|a| super::brief(a, super::MAX_CONSTANT))
        .collect();
    let mut facts = vec![format!("actions: {}", all.join(", "))];
    if !filter.complete {
        facts.push("the filter may match further actions not known statically".into());
    }
    facts.push(exposure.clone());
    out.emit(
        call_location(call),
        &call_key(call, &open.join(",")),
        format!(
            "{class} registers a broadcast receiver for {} that any app can send to ({exposure}, no permission).",
            open.join(", ")
        ),
        call_evidence(call, &facts),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
