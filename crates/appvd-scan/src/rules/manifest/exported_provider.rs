use appvd_axml::{Application, Component, ComponentKind, Manifest, PathPattern, PathPermission};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{
    Guard, Hit, at_component, classify_permission, component_name, emit_all, export_cause, list,
    reachable,
};

pub static RULE: Rule = Rule {
    id: "ipc.exported_provider",
    title: "Exported content provider without protection",
    severity: Severity::High,
    masvs: "MASVS-PLATFORM-1",
    cwe: 926,
    docs: Docs {
        what: "A content provider that any other app can query or modify: it is exported (explicitly, or by default \
               when the app targets API 16 or lower) and its read or write side has no permission other apps cannot \
               obtain. Read and write are judged apart (`android:readPermission` / `android:writePermission`, then \
               `android:permission`, then the application's permission); a `<path-permission>` closes the gap only \
               when it covers every path, and partial ones are listed in the evidence. Providers guarded by the app's \
               own weak permission are left to `ipc.weak_custom_permission`.",
        why: "Another app can call `query`, `insert`, `update`, `delete`, `call` or `openFile` on the provider through \
              its authority. Providers usually front the app's database or files, so an open one leaks or lets \
              attackers rewrite that data; SQL built from the selection arguments adds injection, and `openFile` \
              with URI paths adds path traversal.",
        fix: "Set `android:exported=\"false\"` (and share single items with `grantUriPermissions` and \
              `FLAG_GRANT_READ_URI_PERMISSION` instead). If other apps must read it, set `android:readPermission` and \
              `android:writePermission` to permissions declared with `android:protectionLevel=\"signature\"`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0029/",
            "https://developer.android.com/guide/topics/manifest/provider-element#exported",
            "https://developer.android.com/privacy-and-security/risks/android-exported",
            "https://cwe.mitre.org/data/definitions/926.html",
        ],
    },
    check,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

/// Why one direction of the provider is open, or `None` when it is closed to other apps (or left to
/// `ipc.weak_custom_permission`).
fn open_side(
    manifest: &Manifest,
    application: &Application,
    provider: &Component,
    access: Access,
) -> Option<String> {
    let permission = match access {
        Access::Read => provider.effective_read_permission(application),
        Access::Write => provider.effective_write_permission(application),
    };
    if let Some(permission) = permission {
        return match classify_permission(manifest, permission) {
            Guard::PlatformWeak(level) => {
                Some(format!("{permission} ({level}: any app can request it)"))
            }
            _ => None,
        };
    }
    let guard_of = |pp| path_permission(pp, access);
    let covers_everything = provider.path_permissions.iter().any(|pp| {
        pp.patterns.iter().any(PathPattern::matches_everything)
            && guard_of(pp).is_some_and(|p| {
                !matches!(classify_permission(manifest, p), Guard::PlatformWeak(_))
            })
    });
    if covers_everything {
        return None;
    }
    let partial: Vec<String> = provider
        .path_permissions
        .iter()
        .filter(|pp| guard_of(pp).is_some())
        .flat_map(|pp| pp.patterns.iter().map(describe_pattern))
        .collect();
    Some(if partial.is_empty() {
        "no permission".to_owned()
    } else {
        let shown: Vec<&str> = partial.iter().map(String::as_str).collect();
        format!(
            "no permission outside the path-permissions for {}",
            list(&shown, 3)
        )
    })
}

fn path_permission(path_permission: &PathPermission, access: Access) -> Option<&str> {
    match access {
        Access::Read => path_permission
            .read_permission
            .as_deref()
            .or(path_permission.permission.as_deref()),
        Access::Write => path_permission
            .write_permission
            .as_deref()
            .or(path_permission.permission.as_deref()),
    }
}

fn describe_pattern(pattern: &PathPattern) -> String {
    match pattern {
        PathPattern::Path(p) => format!("path {p}"),
        PathPattern::Prefix(p) => format!("prefix {p}"),
        PathPattern::Pattern(p) | PathPattern::AdvancedPattern(p) => format!("pattern {p}"),
        PathPattern::Suffix(p) => format!("suffix {p}"),
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    if let Some(manifest) = app.manifest() {
        emit_all(out, hits(manifest));
    }
}

fn hits(manifest: &Manifest) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Some(application) = manifest.application.as_ref() else {
        return hits;
    };
    for provider in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Provider && reachable(c))
    {
        let read = open_side(manifest, application, provider, Access::Read);
        let write = open_side(manifest, application, provider, Access::Write);
        let (verb, detail) = match (&read, &write) {
            (None, None) => continue,
            (Some(r), Some(w)) if r == w => ("read and modified", format!("read and write: {r}")),
            (Some(r), Some(w)) => ("read and modified", format!("read: {r}; write: {w}")),
            (Some(r), None) => ("read", format!("read: {r}")),
            (None, Some(w)) => ("modified", format!("write: {w}")),
        };
        let name = component_name(provider);
        let authorities = provider
            .authorities
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>();
        let mut evidence = format!(
            "{}; {detail}",
            export_cause(provider, manifest.target_sdk())
        );
        if !authorities.is_empty() {
            evidence.push_str(&format!("; authorities: {}", list(&authorities, 3)));
        }
        hits.push(Hit::new(
            at_component(provider),
            &name,
            format!("Content provider {name} can be {verb} by any app on the device."),
            evidence,
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::manifest::testkit::{add, component, declare, manifest};

    fn provider(name: &str) -> Component {
        let mut provider = component(ComponentKind::Provider, name);
        provider.authorities = vec![format!("com.example.app.{name}")];
        provider
    }

    #[test]
    fn providers_are_exported_by_default_only_below_api_17() {
        for (target, expected) in [(16, 1), (17, 0)] {
            let mut m = manifest(9, target);
            add(&mut m, provider("Notes"), None);
            let found = hits(&m);
            assert_eq!(found.len(), expected, "targetSdk {target}");
            if let Some(hit) = found.first() {
                assert!(
                    hit.evidence.contains("exported by default"),
                    "{}",
                    hit.evidence
                );
            }
        }
    }

    #[test]
    fn read_and_write_sides_are_judged_apart() {
        let mut m = manifest(24, 34);
        declare(&mut m, "com.example.app.SIGNED", 2);
        let mut read_guarded = provider("ReadGuarded");
        read_guarded.read_permission = Some("com.example.app.SIGNED".to_owned());
        add(&mut m, read_guarded, Some(true));
        let mut both = provider("Both");
        both.permission = Some("com.example.app.SIGNED".to_owned());
        add(&mut m, both, Some(true));
        let found = hits(&m);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .ends_with("can be modified by any app on the device."),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn path_permissions_close_the_gap_only_when_they_cover_every_path() {
        let mut m = manifest(24, 34);
        declare(&mut m, "com.example.app.SIGNED", 2);
        let path_permission = |pattern: PathPattern| PathPermission {
            patterns: vec![pattern],
            permission: Some("com.example.app.SIGNED".to_owned()),
            read_permission: None,
            write_permission: None,
            line: 11,
        };
        let mut everything = provider("Everything");
        everything
            .path_permissions
            .push(path_permission(PathPattern::Prefix("/".into())));
        add(&mut m, everything, Some(true));
        let mut partial = provider("Partial");
        partial
            .path_permissions
            .push(path_permission(PathPattern::Prefix("/private".into())));
        add(&mut m, partial, Some(true));
        let found = hits(&m);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "com.example.app.Partial");
        assert!(
            found[0]
                .evidence
                .contains("outside the path-permissions for prefix /private"),
            "{}",
            found[0].evidence
        );
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
