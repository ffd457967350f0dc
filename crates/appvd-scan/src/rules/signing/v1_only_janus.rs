use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::signing::{SchemeShape, V2_FROM_API, VerifiedScheme, api_ranges};

/// Android 8.0; the December 2017 security update (and Android 8.1, API 27) fixed Janus.
const LAST_JANUS_API: u32 = 26;

pub static RULE: Rule = Rule {
    id: "sign.v1_only_janus",
    title: "Only the v1 signature protects the APK where Janus applies",
    severity: Severity::High,
    masvs: "MASVS-RESILIENCE-2",
    cwe: 347,
    docs: Docs {
        what: "Devices running Android 7.0 to 8.0 (API 24–26), on which the app can be installed, verify only its v1 \
               (JAR) signature because the APK carries no v2 block (and no v3 signer for those levels). That happens \
               when the APK is v1-only and its `minSdkVersion` is 26 or lower.",
        why: "The v1 scheme signs the ZIP entries but not the bytes around them. Janus (CVE-2017-13156) prepends a DEX \
              file to a signed APK: the package manager still sees a valid v1 signature, while ART runs the prepended \
              DEX. An attacker who can get the file onto a device (a download, a third-party store, another app's \
              update channel) can ship code that Android accepts as an update of the app, with its data and \
              permissions. Android 5.0–8.0 without the December 2017 patch are affected. Devices below API 24 never \
              verify v2, so they are not counted: a v1+v2 APK is as safe as its signer can make it, and only raising \
              `minSdkVersion` helps those devices.",
        fix: "Sign with APK Signature Scheme v2 (and v3) as well as v1: apksigner and the Android Gradle plugin do so by \
              default unless `enableV2Signing false` (`v2SigningEnabled false`) is set. Alternatively raise \
              `minSdkVersion` to 27 or later.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0224/",
            "https://source.android.com/docs/security/features/apksigning/v2",
            "https://nvd.nist.gov/vuln/detail/CVE-2017-13156",
            "https://cwe.mitre.org/data/definitions/347.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    // Without a manifest the installable levels are unknown; guessing would be a false positive.
    let Some(min_sdk) = app.manifest().map(|m| m.min_sdk()) else {
        return;
    };
    let signing = app.signing();
    let shape = SchemeShape::of(signing);
    let exposed: Vec<(u32, u32)> = shape
        .levels_verifying(min_sdk.max(V2_FROM_API), VerifiedScheme::V1)
        .into_iter()
        .filter(|&(low, _)| low <= LAST_JANUS_API)
        .map(|(low, high)| (low, high.min(LAST_JANUS_API)))
        .collect();
    if exposed.is_empty() {
        return;
    }
    let v1_levels: Vec<(u32, u32)> = shape
        .levels_verifying(min_sdk, VerifiedScheme::V1)
        .into_iter()
        .filter(|&(low, _)| low <= LAST_JANUS_API)
        .map(|(low, high)| (low, high.min(LAST_JANUS_API)))
        .collect();
    let location = signing
        .v1
        .as_ref()
        .and_then(|v1| {
            v1.signers
                .iter()
                .find_map(|s| s.signature_file.as_ref().map(|f| f.entry.clone()))
        })
        .map(Location::file)
        .unwrap_or_default();
    out.emit(
        location,
        "v1-only",
        format!(
            "Only the v1 signature protects this APK on devices at {}, where Janus lets a modified copy install as an update.",
            api_ranges(&exposed)
        ),
        format!(
            "signature schemes: {}; minSdkVersion {min_sdk}; devices that verify v1 and predate the Janus fix: {}",
            signing.schemes().join(", "),
            api_ranges(&v1_levels)
        ),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    #[test]
    fn a_min_sdk_past_oreo_is_safe_even_when_v1_only() {
        crate::rules::signing::tests::assert_variant_silent(&super::RULE, "negative-min-sdk-27");
    }
}
