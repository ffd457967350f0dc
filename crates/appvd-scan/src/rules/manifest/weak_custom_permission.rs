use std::collections::BTreeMap;

use appvd_axml::{Component, ComponentKind, Manifest};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{
    Guard, Hit, at_line, classify_permission, component_name, emit_all, list, reachable,
};

pub static RULE: Rule = Rule {
    id: "ipc.weak_custom_permission",
    title: "Exported component guarded by a weak or undefined custom permission",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 732,
    docs: Docs {
        what: "A permission that guards an exported component (through `android:permission`, `readPermission`, \
               `writePermission` or a `<path-permission>`, on the component or the application) is either declared by \
               this app with `protectionLevel` `normal` (or no level) or `dangerous`, or is declared nowhere in the \
               app and is not a platform permission. One finding per permission, listing the components it guards. \
               Components with no permission at all, or guarded by a weak platform permission, are reported by the \
               `ipc.exported_*` rules instead, so no component is reported twice.",
        why: "Any app may request a `normal` permission and gets it at install time without asking the user; a \
              `dangerous` one needs only a tap on a runtime prompt. An undefined permission is worse: whichever app is \
              installed first and declares the name decides its protection level, so a malicious app can define it \
              as `normal`, grant it to itself and then call the components it was meant to protect.",
        fix: "Declare the permission in this app with `android:protectionLevel=\"signature\"` (or `knownSigner` with the \
              partner's certificate digests when another vendor's app must call in), and keep the declaration in \
              every app of the family that uses it.",
        references: &[
            "https://developer.android.com/guide/topics/permissions/defining",
            "https://developer.android.com/guide/topics/manifest/permission-element#plevel",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0024/",
            "https://cwe.mitre.org/data/definitions/732.html",
        ],
    },
    check,
};

/// Every permission guarding a reachable component, with the components it guards.
fn guarding_permissions(manifest: &Manifest) -> BTreeMap<&str, Vec<&Component>> {
    let mut out: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
    let Some(application) = manifest.application.as_ref() else {
        return out;
    };
    for component in manifest.components().filter(|c| reachable(c)) {
        let mut names: Vec<&str> = Vec::new();
        if component.kind == ComponentKind::Provider {
            names.extend(component.effective_read_permission(application));
            names.extend(component.effective_write_permission(application));
            for path_permission in &component.path_permissions {
                names.extend(path_permission.permission.as_deref());
                names.extend(path_permission.read_permission.as_deref());
                names.extend(path_permission.write_permission.as_deref());
            }
        } else {
            names.extend(component.effective_permission(application));
        }
        names.sort_unstable();
        names.dedup();
        for name in names {
            out.entry(name).or_default().push(component);
        }
    }
    out
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest));
    }
}

fn hits(manifest: &Manifest) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (permission, components) in guarding_permissions(manifest) {
        let guarded: Vec<String> = components
            .iter()
            .map(|c| format!("{} {}", c.kind.tag(), component_name(c)))
            .collect();
        let guarded: Vec<&str> = guarded.iter().map(String::as_str).collect();
        let guarded = list(&guarded, 4);
        let (location, message, detail) = match classify_permission(manifest, permission) {
            Guard::DeclaredWeak(level) => {
                let line = manifest
                    .declared_permission(permission)
                    .map_or(0, |d| d.line);
                (
                    at_line(line),
                    format!(
                        "Permission {permission} guards exported components but any app can obtain it ({level} level)."
                    ),
                    format!(
                        "<permission android:name=\"{permission}\" android:protectionLevel=\"{level}\">"
                    ),
                )
            }
            Guard::Undefined => {
                let line = components.first().map_or(0, |c| c.line);
                (
                    at_line(line),
                    format!("Permission {permission} guards exported components but is not declared by the app or the platform."),
                    "no <permission> declaration; the first app installed that declares it sets its level".to_owned(),
                )
            }
            Guard::Strong | Guard::PlatformWeak(_) | Guard::PlatformUnknown => continue,
        };
        hits.push(Hit::new(
            location,
            permission,
            message,
            format!("{detail}; guards {guarded}"),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, declare, manifest};

    fn guarded(kind: ComponentKind, name: &str, permission: &str) -> Component {
        let mut c = component(kind, name);
        c.permission = Some(permission.to_owned());
        c
    }

    #[test]
    fn weak_and_undefined_permissions_on_exported_components_are_reported_once() {
        let mut m = manifest(24, 34);
        declare(&mut m, "com.example.app.OPEN", 0);
        declare(&mut m, "com.example.app.ASK", 1);
        declare(&mut m, "com.example.app.SIGNED", 0x12);
        add(
            &mut m,
            guarded(ComponentKind::Service, "A", "com.example.app.OPEN"),
            Some(true),
        );
        add(
            &mut m,
            guarded(ComponentKind::Receiver, "B", "com.example.app.OPEN"),
            Some(true),
        );
        add(
            &mut m,
            guarded(ComponentKind::Service, "C", "com.example.app.ASK"),
            Some(true),
        );
        add(
            &mut m,
            guarded(ComponentKind::Service, "D", "com.example.app.SIGNED"),
            Some(true),
        );
        add(
            &mut m,
            guarded(ComponentKind::Service, "E", "com.partner.SEND"),
            Some(true),
        );
        add(
            &mut m,
            guarded(ComponentKind::Service, "F", "android.permission.INTERNET"),
            Some(true),
        );
        // Not exported: whatever guards it does not matter.
        add(
            &mut m,
            guarded(ComponentKind::Service, "G", "com.other.UNDEFINED"),
            None,
        );
        let found = hits(&m);
        let keys: Vec<&str> = found.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "com.example.app.ASK",
                "com.example.app.OPEN",
                "com.partner.SEND"
            ]
        );
        assert!(
            found[1]
                .evidence
                .contains("service com.example.app.A, receiver com.example.app.B"),
            "{}",
            found[1].evidence
        );
    }

    #[test]
    fn provider_path_permissions_count_as_guards() {
        let mut m = manifest(24, 34);
        let mut provider = component(ComponentKind::Provider, "P");
        provider.path_permissions.push(appvd_axml::PathPermission {
            patterns: vec![appvd_axml::PathPattern::Prefix("/".into())],
            permission: None,
            read_permission: Some("com.partner.READ".to_owned()),
            write_permission: None,
            line: 12,
        });
        add(&mut m, provider, Some(true));
        assert_eq!(
            hits(&m).first().map(|h| h.key.as_str()),
            Some("com.partner.READ")
        );
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
