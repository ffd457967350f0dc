use appvd_axml::ComponentKind;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{at_component, component_name};

pub static RULE: Rule = Rule {
    id: "ipc.data_sms_port",
    title: "Binary SMS receiver on a port",
    severity: Severity::Low,
    masvs: "MASVS-PLATFORM-1",
    cwe: 20,
    docs: Docs {
        what: "A receiver filters for `android.intent.action.DATA_SMS_RECEIVED` on a `<data android:port>`, so the app \
               receives binary (data) SMS sent to that port.",
        why: "Anyone who knows the phone number can send a data SMS to the port; the message is not shown to the user \
              and arrives with attacker-chosen bytes and sender. Apps use ports for silent commands (wipe, locate, \
              provisioning, one-time codes); unless the payload is authenticated, those commands can be forged, and \
              spyware uses the same channel for remote control.",
        fix: "Prefer push messaging over an authenticated channel. If data SMS is required, authenticate every \
              payload cryptographically (a MAC or signature with a key the sender cannot guess) and never trust the \
              sender number.",
        references: &[
            "https://developer.android.com/reference/android/telephony/SmsManager",
            "https://developer.android.com/guide/topics/manifest/data-element",
            "https://cwe.mitre.org/data/definitions/20.html",
        ],
    },
    check,
};

const DATA_SMS_RECEIVED: &str = "android.intent.action.DATA_SMS_RECEIVED";

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    for receiver in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Receiver)
    {
        let mut ports: Vec<&str> = Vec::new();
        for filter in receiver
            .intent_filters
            .iter()
            .filter(|f| f.has_action(DATA_SMS_RECEIVED))
        {
            for port in filter.data.iter().filter_map(|d| d.port.as_deref()) {
                if !ports.contains(&port) {
                    ports.push(port);
                }
            }
        }
        let name = component_name(receiver);
        for port in ports {
            out.emit(
                at_component(receiver),
                &format!("{name}#{port}"),
                format!("Receiver {name} accepts binary SMS sent to port {port}."),
                format!("action {DATA_SMS_RECEIVED}; <data android:port=\"{port}\"/>"),
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
