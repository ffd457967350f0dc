//! `privacy.trackers`: tracker SDKs embedded in the app.

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::sdk;

pub static RULE: Rule = Rule {
    id: "privacy.trackers",
    title: "Tracker SDK embedded",
    severity: Severity::Info,
    masvs: "MASVS-PRIVACY-3",
    cwe: 359,
    docs: Docs {
        what: "The app embeds a third-party SDK whose purpose includes tracking users: analytics, \
               advertising, crash reporting, profiling, identification or location. One finding per SDK, \
               recognised from the packages of the classes the app defines, from the components and \
               meta-data SDKs add to the manifest, from `META-INF/*.version` files, from native \
               library names, and from the network hosts only that SDK talks to when they appear in \
               string constants or string resources (which still names an SDK whose classes R8 renamed; \
               such a finding points at the code that uses the host). The evidence says what matched \
               and the version when it is known. Presence of an SDK does not prove that it runs or what \
               it collects.",
        why: "Tracker SDKs collect device identifiers, usage events, location and installed-app lists and \
              send them to third parties that combine them across apps. Users must be told (privacy \
              policy, store data-safety declarations, the consent that GDPR, PIPL and the Chinese \
              personal-information rules for apps require before any collection), and SDKs initialised \
              before consent are a frequent regulatory finding.",
        fix: "List every tracker in the privacy policy and the store's data-safety form, initialise it only \
              after the user has consented (most SDKs have a delayed-init or consent API), disable the \
              collection the app does not need (advertising id, location), and remove SDKs that are no \
              longer used.",
        references: &[
            "https://mas.owasp.org/MASVS/controls/MASVS-PRIVACY-3/",
            "https://developer.android.com/privacy-and-security/declare-data-use",
            "https://reports.exodus-privacy.eu.org/en/trackers/",
            "https://cwe.mitre.org/data/definitions/359.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let (inventory, host_places) = sdk::inventory_with_places(app);
    for info in inventory.iter().filter(|s| s.is_tracker()) {
        let categories: Vec<&str> = info.categories.iter().map(|c| c.as_str()).collect();
        let mut location = Location::default();
        if let Some(package) = info.packages.first() {
            location.class = Some(package.clone());
        } else if let Some(file) = info.files.first() {
            location.file = Some(file.clone());
        } else if let Some(place) = host_places.get(&info.id) {
            location = place.clone();
        }
        let version = info
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let kinds = categories.join(" and ");
        let article = if kinds.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let message = format!(
            "{}{version} ({}), {article} {kinds} SDK, is embedded",
            info.name, info.vendor
        );
        let matched: Vec<String> = info.matched.iter().map(ToString::to_string).collect();
        let mut evidence = format!("matched: {}", matched.join("; "));
        if info.matched.iter().all(|m| m.kind == sdk::MatchKind::Host) {
            evidence.push_str(
                "\nknown by its hosts alone: its classes are renamed (R8) or absent, and the app's \
                 code or resources name the service's hosts",
            );
        }
        if let Some(website) = &info.website {
            evidence.push_str(&format!("\nvendor site: {website}"));
        }
        out.emit(location, &info.id, message, evidence);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
