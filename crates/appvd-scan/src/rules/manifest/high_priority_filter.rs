use appvd_axml::ComponentKind;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{at_component, component_name, list};

pub static RULE: Rule = Rule {
    id: "ipc.high_priority_filter",
    title: "Broadcast receiver with a very high intent-filter priority",
    severity: Severity::Low,
    masvs: "MASVS-PLATFORM-1",
    cwe: 925,
    docs: Docs {
        what: "A receiver's intent filter sets `android:priority` above 100. Only ordered broadcasts use the value, so \
               activity and service filters (whose priority Android ignores for ordinary apps) are not reported.",
        why: "A high priority puts the receiver first in line for ordered broadcasts such as incoming SMS or outgoing \
              calls, where it can read, change or abort the broadcast before other apps — including the default SMS \
              or dialer app — see it. That is the pattern of SMS-stealing and call-redirecting malware; in a \
              legitimate app it usually means the app competes for broadcasts it should not need.",
        fix: "Drop `android:priority` (the default 0 is right for almost every app). Use the platform's role APIs \
              (default SMS app, call screening service) when the app really must handle such events.",
        references: &[
            "https://developer.android.com/guide/topics/manifest/intent-filter-element#priority",
            "https://developer.android.com/reference/android/content/Context#sendOrderedBroadcast(android.content.Intent,%20java.lang.String)",
            "https://cwe.mitre.org/data/definitions/925.html",
        ],
    },
    check,
};

/// Priorities above this only make sense for apps that want to be served before others.
const ORDINARY_PRIORITY_LIMIT: i64 = 100;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    for receiver in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Receiver)
    {
        let Some(filter) = receiver
            .intent_filters
            .iter()
            .filter(|f| f.priority.is_some_and(|p| p > ORDINARY_PRIORITY_LIMIT))
            .max_by_key(|f| f.priority)
        else {
            continue;
        };
        let priority = filter.priority.unwrap_or_default();
        let name = component_name(receiver);
        let actions: Vec<&str> = filter.actions.iter().map(String::as_str).collect();
        out.emit(
            at_component(receiver).with_line(filter.line),
            &name,
            format!("Receiver {name} asks to receive ordered broadcasts before other apps (priority {priority})."),
            format!("<intent-filter android:priority=\"{priority}\">; actions: {}", list(&actions, 4)),
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
