use std::collections::HashSet;

use appvd_dex::CallSiteView;
use appvd_dex::facts::{ConstValue, Origins};

use super::flow::{
    EntryPoints, FROM_INTENT, FROM_URI, MethodFlow, call_key, call_location, callee, evidence,
    param_types,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "ipc.intent_redirection",
    title: "Exported component forwards an Intent it received",
    severity: Severity::High,
    masvs: "MASVS-PLATFORM-1",
    cwe: 926,
    docs: Docs {
        what: "Code that runs in an exported component (its class, an app superclass it inherits code from, or a \
               class nested in it) passes an Intent that another app chose to `startActivity`, \
               `startActivityForResult`, `startService`, `bindService`, `sendBroadcast` or `setResult`: an Intent \
               taken from the extras of the Intent it received (`getParcelableExtra`, `getExtras().getParcelable`), \
               one parsed from a received string (`Intent.parseUri`), or one whose target class or component is \
               read from the received Intent. Forwarding is not reported when the method first inspects the \
               forwarded Intent's target (`getComponent`, `resolveActivity`, `getPackage`) and compares it, or \
               checks its caller (`getCallingActivity`, `getCallingPackage`, `Binder.getCallingUid`). The value \
               is followed inside one method; an Intent kept in a field or handed to a helper method is not seen.",
        why: "The exported component acts as a proxy with the app's own identity: a malicious app wraps an Intent \
              aimed at one of this app's private (non-exported) activities, services or receivers and has it \
              launched from inside the app. If the wrapped Intent carries `FLAG_GRANT_READ_URI_PERMISSION` or \
              `FLAG_GRANT_WRITE_URI_PERMISSION` for one of the app's content providers, the attacker also gets \
              read or write access to the app's private files. Google Play flags this pattern as Intent \
              Redirection.",
        fix: "Do not launch Intents received from other apps. If the feature needs it, make the component \
              non-exported, or check the nested Intent before using it: resolve it (`resolveActivity`) and allow \
              only expected packages and classes, strip the grant flags (`removeFlags`), and check the sender \
              with `getCallingActivity()`; prefer passing data and building the Intent inside the app, or a \
              `PendingIntent` created by the trusted party.",
        references: &[
            "https://developer.android.com/privacy-and-security/risks/intent-redirection",
            "https://support.google.com/faqs/answer/9267555",
            "https://cwe.mitre.org/data/definitions/926.html",
        ],
    },
    check,
};

/// Methods that send or return an Intent, by declaring class and name (every overload).
const SINKS: &[&str] = &[
    "Landroid/content/Context;->startActivity",
    "Landroid/content/Context;->startService",
    "Landroid/content/Context;->startForegroundService",
    "Landroid/content/Context;->bindService",
    "Landroid/content/Context;->sendBroadcast",
    "Landroid/content/Context;->sendOrderedBroadcast",
    "Landroid/content/Context;->sendBroadcastAsUser",
    "Landroid/app/Activity;->startActivityForResult",
    "Landroid/app/Activity;->startActivityIfNeeded",
    "Landroid/app/Activity;->setResult",
    "Landroid/app/Fragment;->startActivity",
    "Landroid/app/Fragment;->startActivityForResult",
    "Landroidx/fragment/app/Fragment;->startActivity",
    "Landroidx/fragment/app/Fragment;->startActivityForResult",
];

const INTENT: &str = "Landroid/content/Intent;";

/// How deep a forwarded Intent is followed through builder calls.
const MAX_DEPTH: u8 = 4;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    let entry_points = EntryPoints::new(app, dex);
    if entry_points.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    for sink in SINKS {
        for call in dex.calls_to(sink) {
            let caller = call.caller();
            let Some(entry) = entry_points.of_method(&caller) else {
                continue;
            };
            let Some(target) = callee(dex, &call) else {
                continue;
            };
            let flow = MethodFlow::of_call(dex, &call);
            let found = param_types(&target.proto)
                .iter()
                .enumerate()
                .filter(|(_, ty)| **ty == INTENT)
                .find_map(|(i, _)| {
                    call.param(i)
                        .and_then(|intent| forwarded(&flow, intent.value(), MAX_DEPTH))
                });
            let Some(how) = found else {
                continue;
            };
            if guarded(&flow, call.at()).is_some() {
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
                    "{}.{} passes {how} to {}: any app can make the exported {} {} launch this app's private components with its identity.",
                    at.java_class,
                    at.method,
                    target.name,
                    entry.kind.tag(),
                    entry.component
                ),
                evidence(&call, &format!("{}(<{how}>)", target.short())),
            );
        }
    }
}

/// Why the Intent value is one another app chose, if it is.
fn forwarded(flow: &MethodFlow<'_, '_>, value: ConstValue, depth: u8) -> Option<&'static str> {
    let dex = flow.dex;
    match value {
        ConstValue::Unknown(origins) if origins.has(Origins::INTENT_EXTRA) => {
            Some("an Intent taken from the extras of the Intent it received")
        }
        ConstValue::CallResult { at } if depth > 0 => {
            let producer = flow.call_at(at)?;
            let target = callee(dex, &producer)?;
            if target.class == "Landroidx/core/content/IntentCompat;"
                && target.name == "getParcelableExtra"
            {
                return Some("an Intent taken from the extras of the Intent it received");
            }
            if target.class != INTENT {
                return None;
            }
            match target.name.as_ref() {
                "parseUri" | "getIntent" | "getIntentOld" => producer
                    .param(0)
                    .filter(|uri| {
                        flow.derive(uri.value(), MAX_DEPTH)
                            .has(FROM_INTENT | FROM_URI)
                    })
                    .map(|_| "an Intent parsed from a string it received (Intent.parseUri)"),
                name if sets_target(name) && target_from_input(flow, &producer) => {
                    Some("an Intent whose target it read from the Intent it received")
                }
                "putExtra"
                | "putExtras"
                | "replaceExtras"
                | "removeExtra"
                | "setFlags"
                | "addFlags"
                | "setAction"
                | "setData"
                | "setDataAndType"
                | "setType"
                | "addCategory"
                | "setClassName"
                | "setClass"
                | "setComponent"
                | "setPackage"
                | "setSelector"
                | "setIdentifier"
                | "setDataAndNormalize" => producer
                    .receiver()
                    .and_then(|r| forwarded(flow, r.value(), depth - 1)),
                _ => None,
            }
        }
        ConstValue::NewInstance { .. } if depth > 0 => {
            for call in flow.calls_on(value) {
                let Some(target) = callee(dex, &call) else {
                    continue;
                };
                if target.class != INTENT {
                    continue;
                }
                match target.name.as_ref() {
                    "<init>" if target.proto == "(Landroid/content/Intent;)V" => {
                        if let Some(how) = call
                            .param(0)
                            .and_then(|copied| forwarded(flow, copied.value(), depth - 1))
                        {
                            return Some(how);
                        }
                    }
                    "<init>"
                        if target.proto.contains("Ljava/lang/Class;")
                            && target_from_input(flow, &call) =>
                    {
                        return Some("an Intent whose target it read from the Intent it received");
                    }
                    name if sets_target(name) && target_from_input(flow, &call) => {
                        return Some("an Intent whose target it read from the Intent it received");
                    }
                    _ => {}
                }
            }
            None
        }
        _ => None,
    }
}

/// Intent methods that choose the component the Intent goes to.
fn sets_target(name: &str) -> bool {
    matches!(name, "setClassName" | "setClass" | "setComponent")
}

/// Whether a target-setting call (or constructor) takes a class or component derived from what
/// the component received.
fn target_from_input(flow: &MethodFlow<'_, '_>, call: &CallSiteView<'_, '_>) -> bool {
    call.args().iter().skip(1).any(|arg| {
        flow.derive(arg.value(), MAX_DEPTH)
            .has(FROM_INTENT | FROM_URI)
    })
}

/// A check before the sink that makes forwarding deliberate: the caller's identity is verified,
/// or the forwarded Intent's target is read and compared.
fn guarded<'x, 'a>(flow: &MethodFlow<'x, 'a>, sink: u32) -> Option<CallSiteView<'x, 'a>> {
    let dex = flow.dex;
    flow.calls
        .iter()
        .filter(|c| c.at() < sink)
        .find(|call| {
            let Some(target) = callee(dex, call) else {
                return false;
            };
            let caller_check = matches!(
                (target.class.as_ref(), target.name.as_ref()),
                (
                    _,
                    "getCallingActivity" | "getCallingPackage" | "getReferrer"
                ) | ("Landroid/os/Binder;", "getCallingUid")
            );
            // The app resolves the forwarded Intent itself before deciding.
            let resolves = target.class == "Landroid/content/pm/PackageManager;"
                && matches!(
                    target.name.as_ref(),
                    "resolveActivity" | "queryIntentActivities" | "resolveService"
                )
                && call.args().iter().any(|arg| {
                    flow.derive(arg.value(), MAX_DEPTH)
                        .has(Origins::INTENT_EXTRA)
                });
            caller_check
                || resolves
                || (super::flow::is_comparison(&target) || target.returns_boolean())
                    && call.args().iter().any(|arg| {
                        flow.derive(arg.value(), MAX_DEPTH)
                            .calls
                            .iter()
                            .any(|inner| {
                                callee(dex, inner).is_some_and(|k| {
                                    k.class == INTENT
                                        && matches!(
                                            k.name.as_ref(),
                                            "getComponent"
                                                | "resolveActivity"
                                                | "resolveActivityInfo"
                                                | "getPackage"
                                        )
                                })
                            })
                    })
        })
        .copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
