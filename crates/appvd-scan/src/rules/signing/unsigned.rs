use appvd_apk::SigningInfo;

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "sign.unsigned",
    title: "APK not signed",
    severity: Severity::High,
    masvs: "MASVS-RESILIENCE-2",
    cwe: 347,
    docs: Docs {
        what: "An APK of the app (the base or a split) carries no usable signature: no v1 signature with its `.SF` file \
               and signature block, and no APK Signing Block with a v2, v3 or v3.1 signer.",
        why: "Android installs only signed APKs, and the signature is what ties every later update to the same \
              publisher. An unsigned file is a build intermediate or a copy whose signature was stripped: whoever \
              signs it next decides the app's identity, so a modified copy can be signed by anyone and distributed as \
              the app, and its integrity cannot be checked against the publisher's key.",
        fix: "Distribute only the signed output of the release build (`assembleRelease`/`bundleRelease` with a \
              `signingConfig`, or `apksigner sign`). For split APKs, sign every split with the same key as the base.",
        references: &[
            "https://developer.android.com/studio/publish/app-signing",
            "https://source.android.com/docs/security/features/apksigning",
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0038/",
            "https://cwe.mitre.org/data/definitions/347.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let several = app.app().apks().count() > 1;
    for apk in app.app().apks() {
        let signing = apk.signing();
        if signing.is_signed() {
            continue;
        }
        let base = std::ptr::eq(apk, app.base());
        let (key, subject, location) = match (base, several) {
            (true, false) => ("base".to_owned(), "The APK".to_owned(), Location::default()),
            (true, true) => (
                "base".to_owned(),
                "The base APK".to_owned(),
                Location::default(),
            ),
            (false, _) => (
                apk.name().to_owned(),
                format!("The split APK {}", apk.name()),
                Location::file(apk.name()),
            ),
        };
        out.emit(
            location,
            &key,
            format!("{subject} is not signed: whoever signs it next decides the app's identity."),
            what_is_there(signing),
        );
    }
}

/// What signature material the APK does have, to tell a never-signed file from a stripped or
/// damaged one.
fn what_is_there(signing: &SigningInfo) -> String {
    let mut facts = Vec::new();
    match &signing.v1 {
        None => facts.push("no META-INF signature files".to_owned()),
        Some(v1) => {
            if v1.manifest.is_none() {
                facts.push("no META-INF/MANIFEST.MF".to_owned());
            }
            if v1.signers.is_empty() {
                facts.push("META-INF/MANIFEST.MF without .SF signature files".to_owned());
            }
            for signer in &v1.signers {
                match (&signer.signature_file, &signer.block_entry, &signer.pkcs7) {
                    (None, Some(block), _) => facts.push(format!("{block} without its .SF file")),
                    (Some(file), None, _) => {
                        facts.push(format!("{} without a signature block", file.entry))
                    }
                    (Some(_), Some(block), None) => {
                        facts.push(format!("{block} is not a readable PKCS#7 block"))
                    }
                    _ => {}
                }
            }
        }
    }
    match &signing.block {
        None => facts.push("no APK Signing Block".to_owned()),
        Some(_) => facts.push("an APK Signing Block without a v2, v3 or v3.1 signer".to_owned()),
    }
    facts.join("; ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
