use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{at_component, component_name};

pub static RULE: Rule = Rule {
    id: "ipc.secret_dialer_code",
    title: "Hidden dialer secret code",
    severity: Severity::Low,
    masvs: "MASVS-PLATFORM-1",
    cwe: 912,
    docs: Docs {
        what: "A component filters for `<data android:scheme=\"android_secret_code\" android:host=\"…\">`, so typing \
               `*#*#<host>#*#*` in the phone dialer starts it (through the `SECRET_CODE` broadcast).",
        why: "Secret codes open hidden functionality — debug menus, diagnostic dumps, feature switches, log uploads — \
              that bypasses the app's normal screens. Anyone holding the phone can type the code, and before Android \
              12 any app can send the same broadcast, so whatever the hidden entry point does must be as safe as a \
              public one.",
        fix: "Remove secret codes from release builds (declare them in a debug-only manifest), or make the component \
              they start require authentication and reveal nothing sensitive.",
        references: &[
            "https://developer.android.com/reference/android/telephony/TelephonyManager#ACTION_SECRET_CODE",
            "https://cwe.mitre.org/data/definitions/912.html",
        ],
    },
    check,
};

const SECRET_CODE_SCHEME: &str = "android_secret_code";

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    for component in manifest.components() {
        let mut codes: Vec<&str> = Vec::new();
        for filter in &component.intent_filters {
            if !filter.schemes().contains(&SECRET_CODE_SCHEME) {
                continue;
            }
            for host in filter.hosts() {
                if !codes.contains(&host) {
                    codes.push(host);
                }
            }
        }
        let name = component_name(component);
        for code in codes {
            out.emit(
                at_component(component),
                &format!("{name}#{code}"),
                format!(
                    "Dialing *#*#{code}#*#* starts the hidden {} {name}.",
                    component.kind.tag()
                ),
                format!("<data android:scheme=\"{SECRET_CODE_SCHEME}\" android:host=\"{code}\"/>"),
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
