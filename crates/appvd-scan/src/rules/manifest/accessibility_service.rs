use appvd_axml::{Component, ComponentKind, XmlDocument};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{at_component, component_name};

pub static RULE: Rule = Rule {
    id: "privacy.accessibility_service",
    title: "App ships an accessibility service",
    severity: Severity::Medium,
    masvs: "MASVS-PRIVACY-1",
    cwe: 250,
    docs: Docs {
        what: "The app declares an accessibility service (a `<service>` bound with \
               `android.permission.BIND_ACCESSIBILITY_SERVICE` or filtering for \
               `android.accessibilityservice.AccessibilityService`). The service's configuration XML (the \
               `android.accessibilityservice` meta-data) is read to list what it asks for: window content, key \
               events, gestures, which event types and which apps. High when the app can also draw over other apps \
               (`SYSTEM_ALERT_WINDOW`) and the service reads window content: the pairing that overlay banking \
               trojans rely on.",
        why: "Once the user enables it, an accessibility service sees the text of every screen (including other \
              apps' passwords and one-time codes unless fields are marked sensitive), can read typed keys, click and \
              type on the user's behalf, and keep itself enabled. Bugs or malicious SDK code in such an app reach \
              everything the user does; stores restrict the API to apps whose core feature is accessibility.",
        fix: "Ship an accessibility service only when assisting users with disabilities (or another use the store's \
              policy allows) is the app's purpose. Ask for the narrowest configuration: specific \
              `android:packageNames`, only the event types needed, `canRetrieveWindowContent` and \
              `canRequestFilterKeyEvents` off unless essential, and disclose the data use before enabling.",
        references: &[
            "https://developer.android.com/guide/topics/ui/accessibility/service",
            "https://developer.android.com/reference/android/accessibilityservice/AccessibilityServiceInfo",
            "https://cwe.mitre.org/data/definitions/250.html",
        ],
    },
    check,
};

const BIND_ACCESSIBILITY_SERVICE: &str = "android.permission.BIND_ACCESSIBILITY_SERVICE";
const SERVICE_ACTION: &str = "android.accessibilityservice.AccessibilityService";
const CONFIG_META_DATA: &str = "android.accessibilityservice";
const SYSTEM_ALERT_WINDOW: &str = "android.permission.SYSTEM_ALERT_WINDOW";
/// `AccessibilityServiceInfo.FLAG_REQUEST_FILTER_KEY_EVENTS`.
const FLAG_REQUEST_FILTER_KEY_EVENTS: i64 = 0x20;

fn is_accessibility_service(component: &Component) -> bool {
    component.kind == ComponentKind::Service
        && (component.permission.as_deref() == Some(BIND_ACCESSIBILITY_SERVICE)
            || component
                .intent_filters
                .iter()
                .any(|f| f.has_action(SERVICE_ACTION)))
}

/// What the service's configuration asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Capabilities {
    reads_window_content: bool,
    filters_key_events: bool,
    performs_gestures: bool,
    all_event_types: bool,
    package_names: Option<String>,
}

impl Capabilities {
    fn from_document(document: &XmlDocument) -> Capabilities {
        let mut capabilities = Capabilities::default();
        for attribute in &document.root.attributes {
            let Some(name) = attribute.known_name() else {
                continue;
            };
            let value = &attribute.value;
            match name {
                "canRetrieveWindowContent" => {
                    capabilities.reads_window_content = value.as_bool() == Some(true)
                }
                "canRequestFilterKeyEvents" => {
                    capabilities.filters_key_events |= value.as_bool() == Some(true)
                }
                "canPerformGestures" => {
                    capabilities.performs_gestures = value.as_bool() == Some(true)
                }
                "accessibilityEventTypes" => {
                    capabilities.all_event_types = value.as_int().is_some_and(|v| v as i32 == -1)
                }
                "accessibilityFlags" => {
                    capabilities.filters_key_events |= value
                        .as_int()
                        .is_some_and(|v| v & FLAG_REQUEST_FILTER_KEY_EVENTS != 0);
                }
                "packageNames" => {
                    capabilities.package_names = attribute.string_value().filter(|s| !s.is_empty())
                }
                _ => {}
            }
        }
        capabilities
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.reads_window_content {
            parts.push("reads window content".to_owned());
        }
        if self.filters_key_events {
            parts.push("filters key events".to_owned());
        }
        if self.performs_gestures {
            parts.push("performs gestures".to_owned());
        }
        if self.all_event_types {
            parts.push("all event types".to_owned());
        }
        parts.push(match &self.package_names {
            Some(packages) => format!("only for {packages}"),
            None => "events from every app".to_owned(),
        });
        parts.join(", ")
    }
}

/// The service's decoded configuration, when its meta-data names a readable XML file.
fn configuration(app: &AppModel, service: &Component) -> Option<(String, Capabilities)> {
    let path = service
        .meta_data(CONFIG_META_DATA)?
        .resource
        .as_ref()?
        .path
        .clone()?;
    let bytes = app.base().archive().read_by_name(&path).ok()?;
    let (document, _anomalies) = XmlDocument::parse(&bytes).ok()?;
    Some((path, Capabilities::from_document(&document)))
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    let overlay = manifest
        .permission_names()
        .any(|p| p == SYSTEM_ALERT_WINDOW);
    for service in manifest
        .components()
        .filter(|c| is_accessibility_service(c))
    {
        let name = component_name(service);
        let config = configuration(app, service);
        let reads_screen = config.as_ref().is_some_and(|(_, c)| c.reads_window_content);
        let mut evidence = match &config {
            Some((path, capabilities)) => format!("config {path}: {}", capabilities.describe()),
            None => "no readable android.accessibilityservice configuration".to_owned(),
        };
        if overlay {
            evidence.push_str(&format!("; app also requests {SYSTEM_ALERT_WINDOW}"));
        }
        let (severity, message) = if overlay && reads_screen {
            (
                Severity::High,
                format!(
                    "Accessibility service {name} can read other apps' screens, and the app can draw over them."
                ),
            )
        } else {
            (
                Severity::Medium,
                format!(
                    "Accessibility service {name} can observe and act on the user's other apps once enabled."
                ),
            )
        };
        out.emit_with_severity(severity, at_component(service), &name, message, evidence);
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
    fn capabilities_describe_the_narrowest_case() {
        let narrow = Capabilities {
            package_names: Some("com.example.reader".into()),
            ..Capabilities::default()
        };
        assert_eq!(narrow.describe(), "only for com.example.reader");
        let broad = Capabilities {
            reads_window_content: true,
            filters_key_events: true,
            all_event_types: true,
            ..Capabilities::default()
        };
        assert_eq!(
            broad.describe(),
            "reads window content, filters key events, all event types, events from every app"
        );
    }
}
