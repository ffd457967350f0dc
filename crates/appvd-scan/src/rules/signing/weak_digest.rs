use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::signing::{SchemeShape, VerifiedScheme, api_ranges, min_sdk};

pub static RULE: Rule = Rule {
    id: "sign.weak_digest",
    title: "Signature verified on some devices relies on SHA-1 or MD5",
    severity: Severity::Medium,
    masvs: "MASVS-RESILIENCE-2",
    cwe: 328,
    docs: Docs {
        what: "The v1 (JAR) signature uses MD5 or SHA-1 in one of its links — the per-entry digests of \
               `META-INF/MANIFEST.MF`, the digest of the manifest in the `.SF` file, or the PKCS#7 signer's digest or \
               signature algorithm — and some device the app can be installed on verifies that v1 signature. v2, v3 and \
               v3.1 only offer SHA-256 and SHA-512, so they never trigger this rule.",
        why: "Each link of the v1 chain is only as strong as its hash. SHA-1 chosen-prefix collisions are practical \
              (SHAttered 2017, Shambles 2020) and MD5 collisions are trivial: with a colliding pair, content the \
              signer approved can be swapped for content it never saw while the signature still verifies. Android \
              verifies v1 on devices below API 24, and on newer ones only when no v2/v3 block covers them. A SHA-1 v1 \
              signature that exists only for compatibility with devices below the app's `minSdkVersion` is never \
              checked and is not reported. The certificate's own signature algorithm (`sha1WithRSAEncryption` on many \
              old keys) is not reported either: Android does not verify certificate signatures of APK signers, it \
              compares the certificate itself, so a weak hash there gives an attacker nothing.",
        fix: "Sign with v2 and v3 in addition to v1, so that devices from API 24 on never look at v1; sign with \
              `apksigner --min-sdk-version` set to the real `minSdkVersion` (18 or later makes apksigner use SHA-256 in \
              v1 too), or raise `minSdkVersion` to 24 so that no supported device verifies v1 at all.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0224/",
            "https://source.android.com/docs/security/features/apksigning",
            "https://developer.android.com/tools/apksigner",
            "https://cwe.mitre.org/data/definitions/328.html",
        ],
    },
    check,
};

/// How strong a hash name (`SHA1`, `SHA-256`, `sha1WithRSAEncryption`, `md5`) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// Not a hash name we recognise (`rsaEncryption` names no digest).
    Unknown,
    Weak,
    Strong,
}

fn strength(name: &str) -> Strength {
    let normal: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if ["sha224", "sha256", "sha384", "sha512", "sha3"]
        .iter()
        .any(|s| normal.contains(s))
    {
        Strength::Strong
    } else if normal == "sha"
        || ["sha1", "md5", "md4", "md2"]
            .iter()
            .any(|s| normal.contains(s))
    {
        Strength::Weak
    } else {
        Strength::Unknown
    }
}

/// Android's JAR verifier uses the strongest digest a section offers, so a link is weak only when
/// everything it offers is weak.
fn strongest<'a>(names: impl IntoIterator<Item = &'a String>) -> Strength {
    names
        .into_iter()
        .map(|n| strength(n))
        .max()
        .unwrap_or(Strength::Unknown)
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let signing = app.signing();
    let Some(v1) = signing.v1.as_ref().filter(|v| v.is_signed()) else {
        return;
    };
    let min_sdk = min_sdk(app);
    let levels = SchemeShape::of(signing).levels_verifying(min_sdk, VerifiedScheme::V1);
    if levels.is_empty() {
        return;
    }
    let mut weak_links: Vec<(String, String)> = Vec::new();
    if let Some(manifest) = &v1.manifest
        && strongest(&manifest.digest_algorithms) == Strength::Weak
    {
        weak_links.push((
            manifest.entry.clone(),
            format!("entry digests {}", manifest.digest_algorithms.join("/")),
        ));
    }
    for signer in v1
        .signers
        .iter()
        .filter(|s| s.signature_file.is_some() && s.pkcs7.is_some())
    {
        if let Some(file) = &signer.signature_file {
            // The verifier checks the digest of the whole manifest first and falls back to the
            // per-section digests only without it.
            let (what, names) = if file.manifest_digest_algorithms.is_empty() {
                ("section digests", &file.digest_algorithms)
            } else {
                ("manifest digest", &file.manifest_digest_algorithms)
            };
            if strongest(names) == Strength::Weak {
                weak_links.push((file.entry.clone(), format!("{what} {}", names.join("/"))));
            }
        }
        for info in signer.pkcs7.iter().flat_map(|p| &p.signer_infos) {
            if strength(&info.digest_algorithm) == Strength::Weak
                || strength(&info.signature_algorithm) == Strength::Weak
            {
                weak_links.push((
                    signer
                        .block_entry
                        .clone()
                        .unwrap_or_else(|| format!("META-INF/{}", signer.name)),
                    format!(
                        "signer digest {}, signature {}",
                        info.digest_algorithm, info.signature_algorithm
                    ),
                ));
            }
        }
    }
    let Some((first_file, _)) = weak_links.first() else {
        return;
    };
    let hashes = if weak_links
        .iter()
        .any(|(_, what)| what.to_ascii_lowercase().contains("md5"))
    {
        "MD5 or SHA-1"
    } else {
        "SHA-1"
    };
    out.emit(
        Location::file(first_file.clone()),
        "v1",
        format!(
            "The v1 signature that devices at {} verify relies on {hashes}.",
            api_ranges(&levels)
        ),
        format!(
            "minSdkVersion {min_sdk}; schemes {}; {}",
            signing.schemes().join(", "),
            weak_links
                .iter()
                .map(|(file, what)| format!("{file}: {what}"))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::{Strength, strength};

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }

    #[test]
    fn sha256_v1_signature_is_silent() {
        crate::rules::signing::tests::assert_variant_silent(&super::RULE, "negative-sha256");
    }

    #[test]
    fn hash_names_are_classified() {
        for weak in [
            "SHA1",
            "SHA-1",
            "sha1",
            "MD5",
            "md5WithRSAEncryption",
            "sha1WithRSAEncryption",
            "dsa-with-sha1",
            "ecdsa-with-SHA1",
            "SHA",
        ] {
            assert_eq!(strength(weak), Strength::Weak, "{weak}");
        }
        for strong in [
            "SHA-256",
            "SHA-512",
            "sha256",
            "sha256WithRSAEncryption",
            "ecdsa-with-SHA384",
            "SHA3-256",
        ] {
            assert_eq!(strength(strong), Strength::Strong, "{strong}");
        }
        for unknown in ["rsaEncryption", "1.2.3.4", ""] {
            assert_eq!(strength(unknown), Strength::Unknown, "{unknown}");
        }
    }
}
