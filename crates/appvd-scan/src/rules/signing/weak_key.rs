use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::signing::{
    certificate_location, min_sdk, scheme_list, verified_signer_certificates,
};

pub static RULE: Rule = Rule {
    id: "sign.weak_key",
    title: "Signing key too short",
    severity: Severity::Medium,
    masvs: "MASVS-RESILIENCE-2",
    cwe: 326,
    docs: Docs {
        what: "A signer certificate that some supported device verifies holds an RSA or DSA key shorter than 2048 bits \
               or an EC key on a curve smaller than 256 bits.",
        why: "The signing key is the app's identity for its whole life: Android installs an update only if it is signed \
              with the same key (or a rotation the old key approved). RSA-1024 and DSA-1024 are below every current \
              guideline (NIST has disallowed them for signatures since 2013) and within reach of a well-funded \
              attacker; recovering the private key lets that attacker publish updates that take over the installed \
              app and its data. Unlike a server certificate, an app key is rarely replaced, so margin matters.",
        fix: "Move to a new key of at least RSA-2048 (RSA-3072 or EC P-256 recommended) with APK Signature Scheme v3 key \
              rotation: `apksigner rotate --out lineage --old-signer … --new-signer …`, then sign with `--lineage`. With \
              Play App Signing, request an upgraded app signing key in the Play Console.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0225/",
            "https://developer.android.com/tools/apksigner",
            "https://support.google.com/googleplay/android-developer/answer/9842756",
            "https://cwe.mitre.org/data/definitions/326.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    for signer in verified_signer_certificates(app.signing(), min_sdk(app)) {
        let certificate = signer.certificate;
        if !certificate.has_weak_key() {
            continue;
        }
        let key = match (certificate.key_size_bits, &certificate.ec_curve) {
            (Some(bits), Some(curve)) => {
                format!("{} {bits}-bit ({curve})", certificate.key_algorithm)
            }
            (Some(bits), None) => format!("{} {bits}-bit", certificate.key_algorithm),
            (None, _) => certificate.key_algorithm.to_string(),
        };
        out.emit(
            certificate_location(&signer),
            // The signing certificate stays the same across versions until the key is rotated.
            &certificate.sha256_fingerprint,
            format!("The APK's signing key ({key}) is too short to protect the app's identity."),
            format!(
                "subject {}; key {key}; SHA-256 {}; verified through {}",
                certificate.subject,
                certificate.sha256_fingerprint,
                scheme_list(&signer.schemes)
            ),
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
