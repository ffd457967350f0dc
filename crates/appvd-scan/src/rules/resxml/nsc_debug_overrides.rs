use appvd_axml::CertificateSource;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::resxml::{at, network_security_config};

pub static RULE: Rule = Rule {
    id: "tls.nsc_debug_overrides",
    title: "Debug trust anchors active in a debuggable build",
    severity: Severity::Medium,
    masvs: "MASVS-NETWORK-1",
    cwe: 295,
    docs: Docs {
        what: "The network security config has `<debug-overrides>` trusting user-installed CAs or certificates \
               bundled with the app, and the app is debuggable (`android:debuggable=\"true\"`), so Android applies \
               those anchors to every connection. In a non-debuggable build `<debug-overrides>` is inert and nothing \
               is reported.",
        why: "`<debug-overrides>` is meant for development builds talking to test proxies. Shipped in a debuggable \
              build, it makes the app trust a user-installed CA (or the bundled test CA) for all hosts, so its HTTPS \
              traffic can be intercepted; anchors with `overridePins` also switch pinning off.",
        fix: "Ship release builds, which are not debuggable (see `manifest.debuggable`). Keep `<debug-overrides>` for \
              development only, or keep it out of the release source set.",
        references: &[
            "https://developer.android.com/privacy-and-security/security-config#TrustingDebugCa",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-NETWORK/MASTG-TEST-0022/",
            "https://cwe.mitre.org/data/definitions/295.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let debuggable = app
        .manifest()
        .and_then(|m| m.application.as_ref())
        .and_then(|a| a.debuggable)
        == Some(true);
    if !debuggable {
        return;
    }
    let Some((config, _)) = network_security_config(app) else {
        return;
    };
    let Some(overrides) = config.view.debug_overrides.as_ref() else {
        return;
    };
    let Some(anchors) = overrides.trust_anchors.as_ref() else {
        return;
    };
    let mut shown: Vec<String> = Vec::new();
    for certificates in &anchors.certificates {
        let source = match &certificates.source {
            CertificateSource::User => "user".to_owned(),
            CertificateSource::Resource(link) => link
                .name
                .as_ref()
                .map_or_else(|| format!("@0x{:08x}", link.id), |n| format!("@{n}")),
            CertificateSource::System | CertificateSource::Invalid(_) => continue,
        };
        let override_pins = if certificates.override_pins == Some(true) {
            " overridePins=\"true\""
        } else {
            ""
        };
        shown.push(format!("<certificates src=\"{source}\"{override_pins}/>"));
    }
    if shown.is_empty() {
        return;
    }
    out.emit(
        at(config, overrides.line),
        "debug-overrides",
        "The app is debuggable, so the debug-only trust anchors of its network security config apply to every connection.",
        format!("android:debuggable=\"true\"; <debug-overrides> {}", shown.join(" ")),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
