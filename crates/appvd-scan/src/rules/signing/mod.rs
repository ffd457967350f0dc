//! Rules on the signature schemes and signer certificates.
//!
//! What matters about a signature is what a device *verifies*, and that depends on the device's
//! API level: Android 7.0 (API 24) and later verify the v2 block when there is one, Android 9
//! (API 28) and later the v3 block (the v3 signer whose SDK range covers the device), Android 13
//! (API 33) and later the v3.1 block, and everything else falls back to the v1 JAR signature.
//! `SchemeShape` walks the API levels an app can be installed on (`minSdkVersion` up) and
//! says which scheme each one verifies, so a rule can tell a weak v1 signature that some device
//! relies on from one that is only there for devices the app does not support.

use std::collections::BTreeSet;
use std::fmt;

use appvd_apk::Certificate;
use appvd_apk::signing::{SchemeBlock, SigningInfo};

use crate::finding::Location;
use crate::model::AppModel;
use crate::rule::Rule;

pub mod debug_certificate;
pub mod unsigned;
pub mod v1_only_janus;
pub mod weak_digest;
pub mod weak_key;

pub static RULES: &[&Rule] = &[
    &debug_certificate::RULE,
    &v1_only_janus::RULE,
    &weak_digest::RULE,
    &weak_key::RULE,
    &unsigned::RULE,
];

/// A signature scheme, as the platform's verifier picks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum VerifiedScheme {
    V1,
    V2,
    V3,
    V31,
}

impl VerifiedScheme {
    pub(crate) fn name(self) -> &'static str {
        match self {
            VerifiedScheme::V1 => "v1",
            VerifiedScheme::V2 => "v2",
            VerifiedScheme::V3 => "v3",
            VerifiedScheme::V31 => "v3.1",
        }
    }
}

impl fmt::Display for VerifiedScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// First API level that verifies APK Signature Scheme v2.
pub(crate) const V2_FROM_API: u32 = 24;
/// First API level that verifies v3.
pub(crate) const V3_FROM_API: u32 = 28;
/// First API level that verifies v3.1.
pub(crate) const V31_FROM_API: u32 = 33;
/// Levels above this behave like it as far as signature schemes go; the walk stops here.
const HIGHEST_API_WALKED: u32 = 40;

/// The signing facts that decide which scheme a device verifies, stripped to what the decision
/// needs so it can be tested without building APKs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SchemeShape {
    pub v1: bool,
    pub v2: bool,
    /// SDK ranges (inclusive) of the v3 signers.
    pub v3: Vec<(u32, u32)>,
    /// SDK ranges (inclusive) of the v3.1 signers.
    pub v31: Vec<(u32, u32)>,
}

impl SchemeShape {
    pub(crate) fn of(signing: &SigningInfo) -> Self {
        let ranges = |block: &Option<SchemeBlock>| -> Vec<(u32, u32)> {
            block
                .iter()
                .flat_map(|b| &b.signers)
                .map(|s| (s.min_sdk.unwrap_or(0), s.max_sdk.unwrap_or(u32::MAX)))
                .collect()
        };
        SchemeShape {
            v1: signing.has_v1(),
            v2: signing.v2.as_ref().is_some_and(|b| !b.signers.is_empty()),
            v3: ranges(&signing.v3),
            v31: ranges(&signing.v31),
        }
    }

    /// The scheme a device at `api` verifies, or `None` when it finds nothing to verify.
    pub(crate) fn verified_at(&self, api: u32) -> Option<VerifiedScheme> {
        let covers =
            |ranges: &[(u32, u32)]| ranges.iter().any(|&(low, high)| low <= api && api <= high);
        if api >= V31_FROM_API && covers(&self.v31) {
            Some(VerifiedScheme::V31)
        } else if api >= V3_FROM_API && covers(&self.v3) {
            Some(VerifiedScheme::V3)
        } else if api >= V2_FROM_API && self.v2 {
            Some(VerifiedScheme::V2)
        } else if self.v1 {
            Some(VerifiedScheme::V1)
        } else {
            None
        }
    }

    /// The API levels from `min_sdk` on at which `scheme` is the one verified, as inclusive runs.
    pub(crate) fn levels_verifying(&self, min_sdk: u32, scheme: VerifiedScheme) -> Vec<(u32, u32)> {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for api in min_sdk.min(HIGHEST_API_WALKED)..=HIGHEST_API_WALKED {
            if self.verified_at(api) != Some(scheme) {
                continue;
            }
            match runs.last_mut() {
                Some((_, high)) if *high + 1 == api => *high = api,
                _ => runs.push((api, api)),
            }
        }
        runs
    }

    /// Every scheme some installable device verifies.
    pub(crate) fn verified_from(&self, min_sdk: u32) -> BTreeSet<VerifiedScheme> {
        (min_sdk.min(HIGHEST_API_WALKED)..=HIGHEST_API_WALKED)
            .filter_map(|api| self.verified_at(api))
            .collect()
    }
}

/// The app's minimum SDK level; 1 (Android's default) when the manifest does not say.
pub(crate) fn min_sdk(app: &AppModel) -> u32 {
    app.manifest().map_or(1, |m| m.min_sdk())
}

/// `API 21–23`, `API 26`, `API 33 and later`; several runs are joined with commas.
pub(crate) fn api_ranges(runs: &[(u32, u32)]) -> String {
    runs.iter()
        .map(|&run| api_range(run))
        .collect::<Vec<_>>()
        .join(", ")
}

fn api_range((low, high): (u32, u32)) -> String {
    if high >= HIGHEST_API_WALKED {
        format!("API {low} and later")
    } else if low == high {
        format!("API {low}")
    } else {
        format!("API {low}–{high}")
    }
}

/// A signer certificate together with the schemes that carry it and where it is stored.
pub(crate) struct SignerCertificate<'a> {
    pub certificate: &'a Certificate,
    pub schemes: Vec<VerifiedScheme>,
    /// The v1 signature block file holding it, when v1 carries it.
    pub v1_block: Option<&'a str>,
}

/// The distinct signer certificates of the schemes that some installable device verifies.
pub(crate) fn verified_signer_certificates<'a>(
    signing: &'a SigningInfo,
    min_sdk: u32,
) -> Vec<SignerCertificate<'a>> {
    let verified = SchemeShape::of(signing).verified_from(min_sdk);
    let mut out: Vec<SignerCertificate<'a>> = Vec::new();
    let mut add =
        |certificate: &'a Certificate, scheme: VerifiedScheme, v1_block: Option<&'a str>| {
            if !verified.contains(&scheme) {
                return;
            }
            match out
                .iter_mut()
                .find(|c| c.certificate.sha256_fingerprint == certificate.sha256_fingerprint)
            {
                Some(known) => {
                    if !known.schemes.contains(&scheme) {
                        known.schemes.push(scheme);
                    }
                    known.v1_block = known.v1_block.or(v1_block);
                }
                None => out.push(SignerCertificate {
                    certificate,
                    schemes: vec![scheme],
                    v1_block,
                }),
            }
        };
    if let Some(v1) = &signing.v1 {
        for signer in &v1.signers {
            let Some(pkcs7) = &signer.pkcs7 else { continue };
            let mut certificates: Vec<&Certificate> = pkcs7.signer_certificates().collect();
            if certificates.is_empty() {
                certificates = pkcs7.certificates.iter().collect();
            }
            for certificate in certificates {
                add(
                    certificate,
                    VerifiedScheme::V1,
                    signer.block_entry.as_deref(),
                );
            }
        }
    }
    for (block, scheme) in [
        (&signing.v2, VerifiedScheme::V2),
        (&signing.v3, VerifiedScheme::V3),
        (&signing.v31, VerifiedScheme::V31),
    ] {
        for signer in block.iter().flat_map(|b| &b.signers) {
            if let Some(certificate) = signer.certificates.first() {
                add(certificate, scheme, None);
            }
        }
    }
    for certificate in &mut out {
        certificate.schemes.sort();
    }
    out
}

/// Where a certificate finding points: the v1 block file when there is one, otherwise nowhere in
/// particular (the APK Signing Block is not a file).
pub(crate) fn certificate_location(signer: &SignerCertificate<'_>) -> Location {
    signer.v1_block.map(Location::file).unwrap_or_default()
}

pub(crate) fn scheme_list(schemes: &[VerifiedScheme]) -> String {
    schemes
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const ANY: (u32, u32) = (0, u32::MAX);

    #[test]
    fn each_level_verifies_the_newest_scheme_it_knows() {
        let all = SchemeShape {
            v1: true,
            v2: true,
            v3: vec![ANY],
            v31: vec![],
        };
        assert_eq!(all.verified_at(21), Some(VerifiedScheme::V1));
        assert_eq!(all.verified_at(23), Some(VerifiedScheme::V1));
        assert_eq!(all.verified_at(24), Some(VerifiedScheme::V2));
        assert_eq!(all.verified_at(27), Some(VerifiedScheme::V2));
        assert_eq!(all.verified_at(28), Some(VerifiedScheme::V3));
        assert_eq!(all.verified_at(35), Some(VerifiedScheme::V3));
        assert_eq!(all.levels_verifying(21, VerifiedScheme::V1), [(21, 23)]);
        assert!(all.levels_verifying(24, VerifiedScheme::V1).is_empty());
        assert_eq!(
            all.verified_from(24).into_iter().collect::<Vec<_>>(),
            [VerifiedScheme::V2, VerifiedScheme::V3]
        );
        assert_eq!(
            all.verified_from(28).into_iter().collect::<Vec<_>>(),
            [VerifiedScheme::V3]
        );
    }

    #[test]
    fn v3_without_v2_leaves_nougat_and_oreo_on_v1() {
        let shape = SchemeShape {
            v1: true,
            v2: false,
            v3: vec![ANY],
            v31: vec![],
        };
        assert_eq!(shape.verified_at(26), Some(VerifiedScheme::V1));
        assert_eq!(shape.levels_verifying(21, VerifiedScheme::V1), [(21, 27)]);
    }

    #[test]
    fn v3_signers_apply_only_within_their_sdk_range() {
        // A rotated signer for API 33+ in v3.1 and the original signer in v3 up to API 32.
        let shape = SchemeShape {
            v1: false,
            v2: true,
            v3: vec![(28, 32)],
            v31: vec![(33, u32::MAX)],
        };
        assert_eq!(shape.verified_at(30), Some(VerifiedScheme::V3));
        assert_eq!(shape.verified_at(33), Some(VerifiedScheme::V31));
        // A v3 signer limited to API 30+ leaves 28 and 29 on v2.
        let narrow = SchemeShape {
            v1: false,
            v2: true,
            v3: vec![(30, u32::MAX)],
            v31: vec![],
        };
        assert_eq!(narrow.verified_at(29), Some(VerifiedScheme::V2));
        assert_eq!(
            narrow.levels_verifying(24, VerifiedScheme::V3),
            [(30, HIGHEST_API_WALKED)]
        );
        // v1 with a v3 signer for 28–30 only: v1 again from 31.
        let gap = SchemeShape {
            v1: true,
            v2: false,
            v3: vec![(28, 30)],
            v31: vec![],
        };
        assert_eq!(
            gap.levels_verifying(21, VerifiedScheme::V1),
            [(21, 27), (31, HIGHEST_API_WALKED)]
        );
    }

    #[test]
    fn nothing_is_verified_without_signatures() {
        let shape = SchemeShape::default();
        assert_eq!(shape.verified_at(30), None);
        assert!(shape.verified_from(1).is_empty());
    }

    #[test]
    fn api_ranges_read_naturally() {
        assert_eq!(api_ranges(&[(21, 23)]), "API 21–23");
        assert_eq!(api_ranges(&[(26, 26)]), "API 26");
        assert_eq!(
            api_ranges(&[(21, 27), (33, HIGHEST_API_WALKED)]),
            "API 21–27, API 33 and later"
        );
    }

    /// Asserts that an extra near-twin fixture of a rule (`tests/fixtures/rules/<id>/<variant>.apk`)
    /// produces no finding.
    pub(crate) fn assert_variant_silent(rule: &'static Rule, variant: &str) {
        let path = crate::testing::fixture_path(rule, variant);
        let app = AppModel::open(&path).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        let findings = rule.run(&app);
        assert!(
            findings.is_empty(),
            "{}: {variant} produced findings: {findings:#?}",
            rule.id
        );
    }
}
