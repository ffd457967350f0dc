use appvd_axml::ComponentKind;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::{at_component, component_name, list, reachable};

pub static RULE: Rule = Rule {
    id: "ipc.custom_scheme_deeplink",
    title: "Custom-scheme deep link handler",
    severity: Severity::Info,
    masvs: "MASVS-PLATFORM-1",
    cwe: 939,
    docs: Docs {
        what: "An exported activity has a `BROWSABLE` intent filter for a scheme other than `http`/`https` \
               (`myapp://…`), so web pages and other apps can open it with a link. It is an entry point for \
               untrusted input, listed so that its handling of the URI can be reviewed.",
        why: "Custom schemes are first come, first served: any app can declare the same scheme, and links meant for \
              this app (including OAuth redirects) may land in the other one. The handler itself receives an \
              attacker-chosen URI from any web page; handlers that pass its parameters to `WebView.loadUrl`, file \
              paths or `startActivity` are a frequent source of vulnerabilities.",
        fix: "Prefer verified `https` App Links for anything that carries secrets (and PKCE for OAuth). Validate every \
              part of the incoming URI against an allow-list before acting on it.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0028/",
            "https://developer.android.com/training/app-links/deep-linking",
            "https://developer.android.com/privacy-and-security/risks/unsafe-use-of-deeplinks",
            "https://cwe.mitre.org/data/definitions/939.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(manifest) = app.manifest() else {
        return;
    };
    for component in manifest.components() {
        if !matches!(
            component.kind,
            ComponentKind::Activity | ComponentKind::ActivityAlias
        ) || !reachable(component)
        {
            continue;
        }
        let mut schemes: Vec<&str> = Vec::new();
        for filter in component.intent_filters.iter().filter(|f| f.is_browsable()) {
            for scheme in filter.schemes() {
                let web =
                    scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
                if !web && !scheme.is_empty() && !schemes.contains(&scheme) {
                    schemes.push(scheme);
                }
            }
        }
        if schemes.is_empty() {
            continue;
        }
        let name = component_name(component);
        let shown: Vec<String> = schemes.iter().map(|s| format!("{s}://")).collect();
        let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        out.emit(
            at_component(component),
            &name,
            format!(
                "Activity {name} handles {} links that any web page or app can send.",
                list(&shown, 3)
            ),
            format!("BROWSABLE intent filter; schemes: {}", list(&shown, 6)),
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
