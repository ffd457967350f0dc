use appvd_axml::{ComponentKind, PathPattern};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{at_component, component_name};

pub static RULE: Rule = Rule {
    id: "ipc.grant_uri_root",
    title: "Provider grants URI permissions on its whole tree",
    severity: Severity::Medium,
    masvs: "MASVS-PLATFORM-1",
    cwe: 732,
    docs: Docs {
        what: "A `<provider>` has a `<grant-uri-permission>` whose pattern covers every path: `android:path=\"/\"`, \
               `android:pathPrefix=\"/\"` (or empty), or `android:pathPattern` `*`, `.*` or `/.*`. A provider that \
               only sets `android:grantUriPermissions=\"true\"` (as every FileProvider must) is not reported; what \
               FileProvider then shares is judged by `ipc.fileprovider_broad_paths`.",
        why: "`<grant-uri-permission>` exists to limit which URIs the app may hand out with \
              `FLAG_GRANT_READ_URI_PERMISSION` / `FLAG_GRANT_WRITE_URI_PERMISSION`. A pattern that matches everything \
              removes that limit on purpose: one code path that grants a URI taken from an incoming Intent (intent \
              redirection, `setResult` with the caller's data) then exposes every row and file of the provider to the \
              attacker, even though the provider itself is not exported.",
        fix: "List only the sub-trees that are meant to be shared (`android:pathPrefix=\"/shared/\"`), and never grant \
              URI permissions on Intents or URIs that came from another app.",
        references: &[
            "https://developer.android.com/guide/topics/manifest/grant-uri-permission-element",
            "https://developer.android.com/guide/topics/manifest/provider-element#gprmsn",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0029/",
            "https://cwe.mitre.org/data/definitions/732.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    for provider in manifest
        .components()
        .filter(|c| c.kind == ComponentKind::Provider)
    {
        let Some(pattern) = provider
            .grant_uri_permission_patterns
            .iter()
            .find(|p| p.matches_everything())
        else {
            continue;
        };
        let attribute = match pattern {
            PathPattern::Path(p) => format!("android:path=\"{p}\""),
            PathPattern::Prefix(p) => format!("android:pathPrefix=\"{p}\""),
            PathPattern::Pattern(p) => format!("android:pathPattern=\"{p}\""),
            PathPattern::AdvancedPattern(p) => format!("android:pathAdvancedPattern=\"{p}\""),
            PathPattern::Suffix(p) => format!("android:pathSuffix=\"{p}\""),
        };
        let name = component_name(provider);
        let authorities = provider.authorities.join(";");
        out.emit(
            at_component(provider),
            &name,
            format!("Content provider {name} lets the app grant access to any of its URIs."),
            format!("<grant-uri-permission {attribute}/> on authorities {authorities}"),
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
