//! JCA algorithm and transformation names, read the way Android's providers (Conscrypt, the
//! bundled Bouncy Castle) read them: case-insensitive, `algorithm[/mode[/padding]]`, and a block
//! cipher named without a mode gets the provider default, ECB with PKCS#5 padding.

use appvd_dex::{Analysis, CallSiteView};

/// `Cipher.getInstance`, every overload (`(String)`, `(String, String)`, `(String, Provider)`).
pub(crate) const CIPHER_GET_INSTANCE: &str = "Ljavax/crypto/Cipher;->getInstance";

/// A transformation split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Transformation<'s> {
    pub algorithm: &'s str,
    pub mode: Option<&'s str>,
    pub padding: Option<&'s str>,
}

/// Splits `AES/GCM/NoPadding`; surrounding blanks are ignored, as the providers ignore them.
pub(crate) fn parse(transformation: &str) -> Transformation<'_> {
    let mut parts = transformation.split('/').map(str::trim);
    let algorithm = parts.next().unwrap_or("");
    let mode = parts.next().filter(|m| !m.is_empty());
    let padding = parts.next().filter(|p| !p.is_empty());
    Transformation {
        algorithm,
        mode,
        padding,
    }
}

/// Symmetric block ciphers: with no mode, the provider picks ECB.
const BLOCK_CIPHERS: [&str; 19] = [
    "AES",
    "AES_128",
    "AES_192",
    "AES_256",
    "DES",
    "DESede",
    "TripleDES",
    "3DES",
    "Blowfish",
    "RC2",
    "Twofish",
    "Camellia",
    "ARIA",
    "SEED",
    "SM4",
    "IDEA",
    "CAST5",
    "CAST6",
    "Serpent",
];

/// Whether the algorithm is a symmetric block cipher (so that "ECB" is a real mode of it, not the
/// placeholder RSA transformations carry).
pub(crate) fn is_block_cipher(algorithm: &str) -> bool {
    BLOCK_CIPHERS
        .iter()
        .any(|b| b.eq_ignore_ascii_case(algorithm))
}

/// The broken cipher an algorithm name designates, as a display name: DES, 3DES, RC2, RC4,
/// Blowfish. `None` for anything else (PBE algorithm names included: they are key-derivation
/// schemes and left to the key-derivation rules).
pub(crate) fn weak_cipher(algorithm: &str) -> Option<&'static str> {
    let a = algorithm.trim().to_ascii_uppercase();
    Some(match a.as_str() {
        "DES" => "DES",
        "DESEDE" | "TRIPLEDES" | "3DES" | "DES3" | "DESEDEWRAP" => "3DES (DESede)",
        "RC2" => "RC2",
        "RC4" | "ARCFOUR" | "ARC4" => "RC4",
        "BLOWFISH" => "Blowfish",
        _ => return None,
    })
}

/// The first string argument of a call, when constant propagation resolved it.
pub(crate) fn const_param(call: &CallSiteView<'_, '_>, i: usize) -> Option<String> {
    call.param(i)
        .and_then(|a| a.as_str().map(|s| s.into_owned()))
}

/// The algorithm of the `getInstance` call that produced the receiver of `call` (a
/// `KeyPairGenerator`, a `KeyGenerator`, a `SecureRandom`…), when it is in the same method.
pub(crate) fn receiver_algorithm(call: &CallSiteView<'_, '_>) -> Option<(String, Option<String>)> {
    let producer = call.receiver()?.producer()?;
    let callee = producer.callee()?;
    let app = producer.caller().analysis().app();
    if app.text(callee.name) != "getInstance" {
        return None;
    }
    let algorithm = const_param(&producer, 0)?;
    let provider = const_param(&producer, 1);
    Some((algorithm, provider))
}

/// A digest use: the call, the algorithm name as written, and the API.
pub(crate) struct DigestUse<'x, 'a> {
    pub call: CallSiteView<'x, 'a>,
    pub algorithm: String,
}

/// Calls that select a digest by a constant name (`MessageDigest.getInstance("MD5")`,
/// `Signature.getInstance("SHA1withRSA")`) or by method name (commons-codec `DigestUtils.md5Hex`),
/// whose digest `family` accepts (given the upper-cased digest name: `MD5`, `SHA-1`…).
pub(crate) fn digest_uses<'x, 'a>(
    analysis: &'x Analysis<'a>,
    family: impl Fn(&str) -> bool,
) -> Vec<DigestUse<'x, 'a>> {
    let mut uses = Vec::new();
    for call in analysis.calls_to("Ljava/security/MessageDigest;->getInstance") {
        if let Some(name) = const_param(&call, 0)
            && family(&name.trim().to_ascii_uppercase())
        {
            uses.push(DigestUse {
                call,
                algorithm: name,
            });
        }
    }
    for call in analysis.calls_to("Ljava/security/Signature;->getInstance") {
        if let Some(name) = const_param(&call, 0)
            && let Some((digest, _)) = name.to_ascii_uppercase().split_once("WITH")
            && family(digest.trim())
        {
            uses.push(DigestUse {
                call,
                algorithm: name,
            });
        }
    }
    // commons-codec names the digest in the method: md5Hex, sha1, shaHex, md2…
    for name in [
        "md2", "md5", "md5Hex", "md2Hex", "sha", "shaHex", "sha1", "sha1Hex",
    ] {
        let query = format!("Lorg/apache/commons/codec/digest/DigestUtils;->{name}");
        let digest = match name.trim_end_matches("Hex") {
            "md2" => "MD2",
            "md5" => "MD5",
            _ => "SHA-1",
        };
        if !family(digest) {
            continue;
        }
        for call in analysis.calls_to_exact(&query) {
            uses.push(DigestUse {
                call,
                algorithm: digest.to_owned(),
            });
        }
    }
    uses
}

/// Whether a digest is used to name cache entries: the enclosing class or method says "cache"
/// (`DiskLruCache`, `getCacheKey`). Such digests need no collision resistance.
pub(crate) fn in_cache_context(call: &CallSiteView<'_, '_>) -> bool {
    let at = call.location();
    [at.java_class.as_str(), at.method.as_str()]
        .iter()
        .any(|name| {
            super::words(name)
                .iter()
                .any(|w| w == "cache" || w.ends_with("cache"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transformations_split_like_the_providers_read_them() {
        assert_eq!(
            parse("AES/GCM/NoPadding"),
            Transformation {
                algorithm: "AES",
                mode: Some("GCM"),
                padding: Some("NoPadding")
            }
        );
        assert_eq!(parse("AES").mode, None);
        assert_eq!(parse(" DES / ECB ").mode, Some("ECB"));
        assert_eq!(parse("").algorithm, "");
    }

    #[test]
    fn block_ciphers_and_weak_ciphers() {
        assert!(is_block_cipher("aes") && is_block_cipher("DESede"));
        assert!(!is_block_cipher("RSA") && !is_block_cipher("EC") && !is_block_cipher("RC4"));
        assert_eq!(weak_cipher("desede"), Some("3DES (DESede)"));
        assert_eq!(weak_cipher("ARCFOUR"), Some("RC4"));
        assert_eq!(weak_cipher("AES"), None);
        assert_eq!(weak_cipher("PBEWithMD5AndDES"), None);
    }
}
