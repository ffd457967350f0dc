use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::signing::{
    certificate_location, min_sdk, scheme_list, verified_signer_certificates,
};

pub static RULE: Rule = Rule {
    id: "sign.debug_certificate",
    title: "Signed with the Android debug certificate",
    severity: Severity::High,
    masvs: "MASVS-RESILIENCE-2",
    cwe: 489,
    docs: Docs {
        what: "A signer certificate that some supported device verifies has the subject the Android SDK gives every \
               debug keystore, `CN=Android Debug, O=Android, C=US`.",
        why: "The debug keystore is created on each developer machine with the well-known password `android`, is \
              copied between machines and CI runners, and is never treated as a secret. The signing key is the app's \
              identity: whoever holds it can publish updates that Android installs over the app, with access to its \
              data and its signature-level permissions. A debug-signed build also usually means a debug build was \
              shipped. Only certificates of schemes that an installable device verifies count; a debug certificate left \
              in an old key-rotation lineage does not.",
        fix: "Sign release builds with a dedicated release key kept out of source control (a `signingConfig` for the \
              `release` build type, or Play App Signing). An app already published with the debug key can move to a new \
              key with APK Signature Scheme v3 key rotation (`apksigner rotate`, then sign with `--lineage`).",
        references: &[
            "https://developer.android.com/studio/publish/app-signing",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0038/",
            "https://cwe.mitre.org/data/definitions/489.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let signers = verified_signer_certificates(app.signing(), min_sdk(app));
    let debug: Vec<_> = signers
        .iter()
        .filter(|s| s.certificate.android_debug)
        .collect();
    let Some(first) = debug.first() else { return };
    let evidence = debug
        .iter()
        .map(|s| {
            format!(
                "subject {}; SHA-256 {}; verified through {}",
                s.certificate.subject,
                s.certificate.sha256_fingerprint,
                scheme_list(&s.schemes)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    out.emit(
        certificate_location(first),
        // One identity per app: moving from one debug keystore to another is the same flaw.
        "android-debug",
        "The APK is signed with an Android debug certificate, whose key is not kept as a secret.",
        evidence,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
