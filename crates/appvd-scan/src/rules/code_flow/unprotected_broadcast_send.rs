use std::collections::HashSet;

use appvd_dex::CallSiteView;
use appvd_dex::facts::ConstValue;

use super::flow::{MethodFlow, call_key, call_location, callee, clip, evidence, param_types};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "ipc.unprotected_broadcast_send",
    title: "Implicit broadcast sent without a receiver permission",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 927,
    docs: Docs {
        what: "The app sends a broadcast (`sendBroadcast`, `sendOrderedBroadcast`, `sendBroadcastAsUser`, \
               `sendStickyBroadcast`) with no receiver permission (the one-argument forms, or `null` for the \
               permission), on an Intent created in the same method that names no component or package: no \
               `Intent(Context, Class)`, `setComponent`, `setClass`, `setClassName` or `setPackage`. Medium when \
               the Intent carries extras or data, Low when it only announces an action. Intents received as \
               parameters or kept in fields are not judged, and `LocalBroadcastManager` broadcasts (in-process) \
               are not matched.",
        why: "Any installed app can register a receiver for the action and read everything the Intent carries: \
              user data, tokens, file paths, internal state. Ordered broadcasts can also be intercepted and \
              aborted or rewritten by a receiver with a higher priority, and sticky broadcasts stay readable long \
              after they were sent.",
        fix: "Make the broadcast explicit with `setPackage(getPackageName())` (or a component) when it is meant for \
              the app itself, or require a signature-level permission \
              (`sendBroadcast(intent, \"com.example.permission.RECEIVE_X\")`, declared with \
              `android:protectionLevel=\"signature\"`). Do not use sticky broadcasts.",
        references: &[
            "https://developer.android.com/develop/background-work/background-tasks/broadcasts#security-and-best-practices",
            "https://mas.owasp.org/MASVS/controls/MASVS-PLATFORM-1/",
            "https://cwe.mitre.org/data/definitions/927.html",
        ],
    },
    check,
};

/// Broadcast senders on `Context`, by name (every overload); the permission, when the overload
/// has one, is the `String` parameter right after the Intent (after the `UserHandle` for the
/// `AsUser` forms).
const SENDERS: &[&str] = &[
    "Landroid/content/Context;->sendBroadcast",
    "Landroid/content/Context;->sendOrderedBroadcast",
    "Landroid/content/Context;->sendBroadcastAsUser",
    "Landroid/content/Context;->sendOrderedBroadcastAsUser",
    "Landroid/content/Context;->sendStickyBroadcast",
    "Landroid/content/Context;->sendStickyOrderedBroadcast",
];

const INTENT: &str = "Landroid/content/Intent;";

/// Intent methods that make it explicit.
const TARGETS: &[&str] = &[
    "setComponent",
    "setClass",
    "setClassName",
    "setPackage",
    "setSelector",
];
/// Intent methods that attach data to it.
const PAYLOAD: &[&str] = &[
    "putExtra",
    "putExtras",
    "putParcelableArrayListExtra",
    "putStringArrayListExtra",
    "putIntegerArrayListExtra",
    "putCharSequenceArrayListExtra",
    "setData",
    "setDataAndType",
    "setDataAndNormalize",
    "setClipData",
    "replaceExtras",
];
/// Intent methods that return the same Intent, to follow chained calls.
const BUILDERS: &[&str] = &[
    "setAction",
    "addFlags",
    "setFlags",
    "addCategory",
    "setType",
    "setIdentifier",
];

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    let mut seen = HashSet::new();
    for sender in SENDERS {
        for call in dex.calls_to(sender) {
            let Some(target) = callee(dex, &call) else {
                continue;
            };
            let types = param_types(&target.proto);
            let Some(intent_at) = types.iter().position(|t| *t == INTENT) else {
                continue;
            };
            // The permission parameter, if the overload has one.
            let permission_at = types
                .iter()
                .enumerate()
                .skip(intent_at + 1)
                .find(|(_, t)| **t != "Landroid/os/UserHandle;")
                .filter(|(_, t)| **t == "Ljava/lang/String;")
                .map(|(i, _)| i);
            let sticky = target.name.starts_with("sendSticky");
            if let Some(i) = permission_at
                && !sticky
                && !call.param(i).is_some_and(|p| p.is_null())
            {
                continue;
            }
            let flow = MethodFlow::of_call(dex, &call);
            let Some(intent) = call.param(intent_at) else {
                continue;
            };
            let Some(shape) = implicit_intent(&flow, intent.value(), 4) else {
                continue;
            };
            if handed_elsewhere(&flow, intent.value(), call.at()) {
                continue;
            }
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let at = call.location();
            let action = shape
                .action
                .as_deref()
                .map(|a| format!(" with action \"{}\"", clip(a, 120)))
                .unwrap_or_default();
            let (severity, carries) = if shape.payload {
                (Severity::Medium, "its extras and data")
            } else {
                (Severity::Low, "the event")
            };
            out.emit_with_severity(
                severity,
                call_location(&call),
                &key,
                format!(
                    "{}.{} sends an implicit broadcast{action} without a receiver permission ({}): any app can \
                     register for it and read {carries}.",
                    at.java_class,
                    at.method,
                    target.name
                ),
                evidence(
                    &call,
                    &format!(
                        "{}(new Intent({}){})",
                        target.short(),
                        shape.action.as_deref().map(|a| format!("\"{}\"", clip(a, 120))).unwrap_or_default(),
                        if sticky || permission_at.is_none() { "" } else { ", null" }
                    ),
                ),
            );
        }
    }
}

/// What an implicit Intent built in the method looks like.
#[derive(Debug, Default)]
struct IntentShape {
    action: Option<String>,
    payload: bool,
}

/// The shape of the Intent when the method builds it and never makes it explicit; `None` when it
/// is explicit or when its origin is not visible (a parameter, a field, a call result).
fn implicit_intent(flow: &MethodFlow<'_, '_>, value: ConstValue, depth: u8) -> Option<IntentShape> {
    match value {
        ConstValue::NewInstance { class, .. } if flow.dex.app().text(class) == INTENT => {
            let mut shape = IntentShape::default();
            for call in flow.calls_on(value) {
                let target = callee(flow.dex, &call)?;
                if target.class != INTENT {
                    continue;
                }
                absorb(&mut shape, &call, &target.name, &target.proto)?;
            }
            Some(shape)
        }
        ConstValue::CallResult { at } if depth > 0 => {
            // A chained builder call: `new Intent(ACTION).putExtra(..)` sends the call's result.
            let producer = flow.call_at(at)?;
            let target = callee(flow.dex, &producer)?;
            if target.class != INTENT
                || !(PAYLOAD.contains(&target.name.as_ref())
                    || BUILDERS.contains(&target.name.as_ref()))
            {
                return None;
            }
            let mut shape = implicit_intent(flow, producer.receiver()?.value(), depth - 1)?;
            absorb(&mut shape, &producer, &target.name, &target.proto)?;
            Some(shape)
        }
        _ => None,
    }
}

/// Whether the Intent object (under any chained builder calls) is passed to some other method
/// than the sender and the Intent's own methods: that method may make it explicit.
fn handed_elsewhere(flow: &MethodFlow<'_, '_>, value: ConstValue, sink: u32) -> bool {
    let mut object = value;
    for _ in 0..4 {
        match object {
            ConstValue::CallResult { at } => match flow.call_at(at).and_then(|c| c.receiver()) {
                Some(receiver) => object = receiver.value(),
                None => return true,
            },
            _ => break,
        }
    }
    flow.calls.iter().any(|call| {
        call.at() != sink
            && callee(flow.dex, call).is_some_and(|k| k.class != INTENT)
            && call.args().iter().any(|a| a.value() == object)
    })
}

/// Adds what one Intent call says to the shape; `None` when the call makes the Intent explicit.
fn absorb(
    shape: &mut IntentShape,
    call: &CallSiteView<'_, '_>,
    name: &str,
    proto: &str,
) -> Option<()> {
    if TARGETS.contains(&name) || (name == "<init>" && proto.contains("Ljava/lang/Class;")) {
        return None;
    }
    if name == "<init>" && proto.starts_with("(Landroid/content/Intent;") {
        // A copy of an Intent whose shape is not visible here.
        return None;
    }
    if PAYLOAD.contains(&name) {
        shape.payload = true;
    }
    if (name == "<init>" || name == "setAction")
        && let Some(action) = call.param(0).and_then(|a| a.as_str())
    {
        shape.action = Some(action.into_owned());
    }
    if name == "<init>" && proto.starts_with("(Ljava/lang/String;Landroid/net/Uri;") {
        shape.payload = true;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
