//! Objects built in the method that passes them on: how an `Intent` was made explicit (or not), and
//! which actions an `IntentFilter` matches.
//!
//! Constant propagation tracks an object created by `new-instance` as one allocation site, so
//! every call whose receiver is that site acted on the same object. The facts are collected over
//! the whole method, not per path: a `setPackage` anywhere in the method counts, which can only
//! drop findings, never invent them. An object handed to another method (other than the call
//! being judged) may be changed there, so its construction is then reported as unknown.

use appvd_dex::facts::ConstValue;
use appvd_dex::{ArgView, CallSiteView, MethodView};

const INTENT: &str = "Landroid/content/Intent;";
const INTENT_FILTER: &str = "Landroid/content/IntentFilter;";

/// Intent methods that name the component or package the intent is delivered to.
const TARGETING: [&str; 4] = ["setComponent", "setClass", "setClassName", "setPackage"];

/// Intent methods that return the same intent and leave its target alone (besides every
/// `put*`, `get*`, `has*` and `remove*` method).
const PASS_THROUGH: [&str; 13] = [
    "setAction",
    "addFlags",
    "setFlags",
    "replaceExtras",
    "setData",
    "setDataAndNormalize",
    "setType",
    "setTypeAndNormalize",
    "setDataAndType",
    "setDataAndTypeAndNormalize",
    "addCategory",
    "setIdentifier",
    "setClipData",
];

/// Whether an `Intent` method leaves the intent's target as it is. Anything else (`setSelector`,
/// `fillIn`, `readFromParcel`, …) might set it, so the intent is then not judged.
fn leaves_target(name: &str) -> bool {
    PASS_THROUGH.contains(&name)
        || ["put", "get", "has", "remove"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// How the `Intent` a call receives was built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum IntentTarget {
    /// No component, class or package is ever set; `action` is the constant action, if any.
    Implicit { action: Option<String> },
    /// A component, class or package is set (by the constructor or a setter).
    Explicit,
    /// Built elsewhere, copied, or passed to other code that may set its target.
    Unknown,
}

/// Most `Intent` setter calls followed back from a call result.
const MAX_CHAIN: usize = 16;

/// How the intent in `arg` (an argument of `at_call`) was built.
pub(super) fn intent_target(arg: &ArgView<'_, '_>, at_call: &CallSiteView<'_, '_>) -> IntentTarget {
    let method = at_call.caller();
    let mut value = arg.value();
    // The action set last in a chain (`new Intent().setAction(a)`) is the one seen first here.
    let mut chained_action: Option<String> = None;
    for _ in 0..MAX_CHAIN {
        match value {
            ConstValue::NewInstance { .. } => {
                return match allocation_target(&method, value, at_call) {
                    IntentTarget::Implicit { action } => IntentTarget::Implicit {
                        action: chained_action.or(action),
                    },
                    other => other,
                };
            }
            ConstValue::CallResult { at } => {
                let Some(producer) = method.calls().into_iter().find(|c| c.at() == at) else {
                    return IntentTarget::Unknown;
                };
                if !is_intent_method(&producer) {
                    return IntentTarget::Unknown;
                }
                let name = callee_name(&producer);
                if TARGETING.contains(&name.as_str()) {
                    return IntentTarget::Explicit;
                }
                if !leaves_target(&name) {
                    return IntentTarget::Unknown;
                }
                if name == "setAction" && chained_action.is_none() {
                    chained_action = constant_string(producer.param(0));
                }
                match producer.receiver() {
                    Some(receiver) => value = receiver.value(),
                    None => return IntentTarget::Unknown,
                }
            }
            _ => return IntentTarget::Unknown,
        }
    }
    IntentTarget::Unknown
}

fn allocation_target(
    method: &MethodView<'_, '_>,
    object: ConstValue,
    judged: &CallSiteView<'_, '_>,
) -> IntentTarget {
    let ConstValue::NewInstance { class, .. } = object else {
        return IntentTarget::Unknown;
    };
    if method.analysis().app().text(class) != INTENT {
        return IntentTarget::Unknown;
    }
    let mut constructed: Option<IntentTarget> = None;
    let mut set_action: Option<String> = None;
    for call in method.calls() {
        let on_object = call.receiver().is_some_and(|r| r.value() == object);
        if !on_object {
            if call.id() != judged.id() && passes_as_argument(&call, object) {
                return IntentTarget::Unknown;
            }
            continue;
        }
        let name = callee_name(&call);
        if name == "<init>" {
            let proto = callee_proto(&call);
            constructed = Some(match proto.as_str() {
                "()V" | "(Ljava/lang/String;)V" | "(Ljava/lang/String;Landroid/net/Uri;)V" => {
                    IntentTarget::Implicit {
                        action: constant_string(call.param(0).filter(|_| proto != "()V")),
                    }
                }
                "(Landroid/content/Context;Ljava/lang/Class;)V"
                | "(Ljava/lang/String;Landroid/net/Uri;Landroid/content/Context;Ljava/lang/Class;)V" => {
                    IntentTarget::Explicit
                }
                _ => IntentTarget::Unknown,
            });
        } else if TARGETING.contains(&name.as_str()) && !call.param(0).is_some_and(|a| a.is_null())
        {
            return IntentTarget::Explicit;
        } else if name == "setAction" {
            set_action = constant_string(call.param(0)).or(set_action);
        } else if !leaves_target(&name) {
            return IntentTarget::Unknown;
        }
    }
    match constructed {
        Some(IntentTarget::Implicit { action }) => IntentTarget::Implicit {
            action: set_action.or(action),
        },
        Some(other) => other,
        None => IntentTarget::Unknown,
    }
}

fn constant_string(arg: Option<ArgView<'_, '_>>) -> Option<String> {
    arg.and_then(|a| a.as_str().map(|s| s.into_owned()))
}

/// The actions an `IntentFilter` built in the calling method matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct FilterActions {
    /// Constant actions, in the order they were added, without repeats.
    pub actions: Vec<String>,
    /// `false` when an action was not a constant, the filter was copied, or the filter was handed
    /// to other code that may add actions.
    pub complete: bool,
}

/// The actions of the filter in `arg`; `None` when the filter was not built in this method.
pub(super) fn filter_actions(
    arg: &ArgView<'_, '_>,
    at_call: &CallSiteView<'_, '_>,
) -> Option<FilterActions> {
    let object = arg.value();
    let ConstValue::NewInstance { class, .. } = object else {
        return None;
    };
    let method = at_call.caller();
    if method.analysis().app().text(class) != INTENT_FILTER {
        return None;
    }
    let mut out = FilterActions {
        actions: Vec::new(),
        complete: true,
    };
    for call in method.calls() {
        let on_object = call.receiver().is_some_and(|r| r.value() == object);
        if !on_object {
            if call.id() != at_call.id() && passes_as_argument(&call, object) {
                out.complete = false;
            }
            continue;
        }
        match (callee_name(&call).as_str(), callee_proto(&call).as_str()) {
            ("<init>", "()V") => {}
            ("<init>", "(Ljava/lang/String;)V" | "(Ljava/lang/String;Ljava/lang/String;)V")
            | ("addAction", _) => add_action(call.param(0), &mut out),
            ("<init>", _) => out.complete = false,
            // Data, categories, priority and the like narrow the filter; they add no action.
            _ => {}
        }
    }
    Some(out)
}

fn add_action(action: Option<ArgView<'_, '_>>, out: &mut FilterActions) {
    match constant_string(action) {
        Some(action) => {
            if !out.actions.contains(&action) {
                out.actions.push(action);
            }
        }
        None => out.complete = false,
    }
}

/// Whether `call` receives `object` as a parameter (not as its receiver).
fn passes_as_argument(call: &CallSiteView<'_, '_>, object: ConstValue) -> bool {
    let receiver = usize::from(call.kind().has_receiver());
    call.args()
        .iter()
        .skip(receiver)
        .any(|arg| arg.value() == object)
}

fn is_intent_method(call: &CallSiteView<'_, '_>) -> bool {
    call.callee().is_some_and(|key| {
        call.caller()
            .analysis()
            .app()
            .is_subtype_of(key.class, INTENT)
    })
}

fn callee_name(call: &CallSiteView<'_, '_>) -> String {
    call.callee()
        .map(|key| call.caller().analysis().app().text(key.name).into_owned())
        .unwrap_or_default()
}

fn callee_proto(call: &CallSiteView<'_, '_>) -> String {
    call.callee()
        .map(|key| call.caller().analysis().app().text(key.proto).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_intent_methods_leave_the_target_alone() {
        for name in [
            "setAction",
            "putExtra",
            "putStringArrayListExtra",
            "getAction",
            "addFlags",
        ] {
            assert!(leaves_target(name), "{name}");
        }
        for name in [
            "setSelector",
            "fillIn",
            "readFromParcel",
            "setPackage",
            "setComponent",
        ] {
            assert!(!leaves_target(name), "{name}");
        }
    }
}
