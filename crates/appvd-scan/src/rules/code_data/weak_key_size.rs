use std::collections::BTreeSet;

use appvd_dex::CallSiteView;

use super::crypto::{const_param, receiver_algorithm, weak_cipher};
use super::{call_text, emit_at_call, method_identity};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "crypto.weak_key_size",
    title: "Key too short for its algorithm",
    severity: Severity::High,
    masvs: "MASVS-CRYPTO-1",
    cwe: 326,
    docs: Docs {
        what: "A key is generated with a constant size below current minimums: RSA, DSA or Diffie-Hellman below \
               2048 bits (`KeyPairGenerator.initialize`, `RSAKeyGenParameterSpec`), elliptic curves below 224 bits \
               (`initialize` on an EC generator, or a named curve such as `secp160r1` or `prime192v1` in \
               `ECGenParameterSpec`), symmetric keys below 128 bits (`KeyGenerator.init`), and the same sizes in a \
               keystore `KeyGenParameterSpec.Builder.setKeySize` when the method names the algorithm. The size is \
               only judged when the generator's algorithm is a constant in the same method (a `KeyGenerator` with \
               an unknown algorithm is judged by the symmetric minimum).",
        why: "RSA-1024 and 160-bit curves are within reach of well-funded attackers today and of everyone for data \
              that must stay secret for years; 512-bit RSA is factored in hours on rented machines, and symmetric \
              keys below 128 bits fall to exhaustive search. Whatever the keys protect — sessions, stored data, \
              signatures — can be decrypted or forged.",
        fix: "Generate RSA keys of 2048 bits or more (3072 for data that must stay confidential past 2030), use the \
              P-256 curve (`secp256r1`) or Curve25519, and 128- or 256-bit AES keys. Sizes computed at run time are \
              not seen by the rule.",
        references: &[
            "https://mas.owasp.org/MASTG/tests-beta/android/MASVS-CRYPTO/MASTG-TEST-0208/",
            "https://developer.android.com/privacy-and-security/cryptography",
            "https://www.keylength.com/en/4/",
            "https://cwe.mitre.org/data/definitions/326.html",
        ],
    },
    check,
};

/// The minimum key size for an algorithm name, and its display name.
fn minimum(algorithm: &str) -> Option<(u32, &'static str)> {
    let a = algorithm.trim().to_ascii_uppercase();
    Some(match a.as_str() {
        "RSA" => (2048, "RSA"),
        "DSA" => (2048, "DSA"),
        "DH" | "DIFFIEHELLMAN" => (2048, "Diffie-Hellman"),
        "EC" | "ECDSA" | "ECDH" => (224, "EC"),
        _ if a.starts_with("HMAC") || a.starts_with("AES") => (128, "symmetric"),
        _ => return None,
    })
}

/// The size in bits a named curve gives (`secp160r1` → 160, `prime192v1` → 192): its first run of
/// three or more digits.
fn curve_bits(curve: &str) -> Option<u32> {
    let bytes = curve.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            let start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i - start >= 3 {
                return curve.get(start..i)?.parse().ok();
            }
        } else {
            i += 1;
        }
    }
    None
}

struct Finding<'x, 'a> {
    call: CallSiteView<'x, 'a>,
    what: String,
    bits: i64,
    min: u32,
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else { return };
    let mut found: Vec<Finding<'_, '_>> = Vec::new();
    for query in [
        "Ljava/security/KeyPairGenerator;->initialize(I)V",
        "Ljava/security/KeyPairGenerator;->initialize(ILjava/security/SecureRandom;)V",
    ] {
        for call in dex.calls_to(query) {
            let (Some(bits), Some((algorithm, _))) = (
                call.param(0).and_then(|a| a.as_int()),
                receiver_algorithm(&call),
            ) else {
                continue;
            };
            if let Some((min, name)) = minimum(&algorithm)
                && bits < i64::from(min)
            {
                found.push(Finding {
                    call,
                    what: format!("{name} key pair"),
                    bits,
                    min,
                });
            }
        }
    }
    for query in [
        "Ljavax/crypto/KeyGenerator;->init(I)V",
        "Ljavax/crypto/KeyGenerator;->init(ILjava/security/SecureRandom;)V",
    ] {
        for call in dex.calls_to(query) {
            let Some(bits) = call.param(0).and_then(|a| a.as_int()) else {
                continue;
            };
            let algorithm = receiver_algorithm(&call).map(|(a, _)| a);
            // DES and 3DES are reported as broken ciphers, whatever their key size.
            if algorithm.as_deref().and_then(weak_cipher).is_some() || bits >= 128 {
                continue;
            }
            found.push(Finding {
                call,
                what: match algorithm {
                    Some(a) => format!("{a} key"),
                    None => "symmetric key".to_owned(),
                },
                bits,
                min: 128,
            });
        }
    }
    for call in dex.calls_to("Ljava/security/spec/ECGenParameterSpec;-><init>(Ljava/lang/String;)V")
    {
        let Some(curve) = const_param(&call, 0) else {
            continue;
        };
        if let Some(bits) = curve_bits(&curve)
            && bits < 224
        {
            found.push(Finding {
                call,
                what: format!("EC key on curve {curve}"),
                bits: i64::from(bits),
                min: 224,
            });
        }
    }
    for call in dex
        .calls_to("Ljava/security/spec/RSAKeyGenParameterSpec;-><init>(ILjava/math/BigInteger;)V")
    {
        if let Some(bits) = call.param(0).and_then(|a| a.as_int())
            && bits < 2048
        {
            found.push(Finding {
                call,
                what: "RSA key pair".to_owned(),
                bits,
                min: 2048,
            });
        }
    }
    for call in dex.calls_to("Landroid/security/keystore/KeyGenParameterSpec$Builder;->setKeySize(I)Landroid/security/keystore/KeyGenParameterSpec$Builder;") {
        let Some(bits) = call.param(0).and_then(|a| a.as_int()) else {
            continue;
        };
        let Some((algorithm, min, name)) = keystore_algorithm(&call) else {
            continue;
        };
        if bits < i64::from(min) {
            found.push(Finding {
                call,
                what: format!("Android Keystore {name} key ({algorithm})"),
                bits,
                min,
            });
        }
    }

    let mut seen = BTreeSet::new();
    for f in found {
        if !seen.insert((method_identity(&f.call.location()), f.what.clone(), f.bits)) {
            continue;
        }
        let api = call_text(&f.call);
        emit_at_call(
            out,
            Severity::High,
            &f.call,
            &format!("{}|{}", f.what, f.bits),
            format!(
                "{api} generates a {}-bit {}; at least {} bits are needed.",
                f.bits, f.what, f.min
            ),
            &api,
        );
    }
}

/// The one algorithm the method containing a keystore `setKeySize` names in a
/// `KeyPairGenerator`/`KeyGenerator.getInstance` call.
fn keystore_algorithm(call: &CallSiteView<'_, '_>) -> Option<(String, u32, &'static str)> {
    let method = call.caller();
    let mut algorithms: Vec<String> = method
        .calls()
        .iter()
        .filter(|c| {
            let text = c.callee_text();
            text.starts_with("Ljava/security/KeyPairGenerator;->getInstance")
                || text.starts_with("Ljavax/crypto/KeyGenerator;->getInstance")
        })
        .filter_map(|c| const_param(c, 0))
        .collect();
    algorithms.sort();
    algorithms.dedup();
    let [algorithm] = algorithms.as_slice() else {
        return None;
    };
    let (min, name) = minimum(algorithm)?;
    Some((algorithm.clone(), min, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_sizes_come_from_their_names() {
        assert_eq!(curve_bits("secp160r1"), Some(160));
        assert_eq!(curve_bits("prime192v1"), Some(192));
        assert_eq!(curve_bits("brainpoolP160r1"), Some(160));
        assert_eq!(curve_bits("c2tnb191v1"), Some(191));
        assert_eq!(curve_bits("secp256r1"), Some(256));
        assert_eq!(curve_bits("curve"), None);
    }

    #[test]
    fn minimums_by_algorithm() {
        assert_eq!(minimum("rsa"), Some((2048, "RSA")));
        assert_eq!(minimum("EC").map(|m| m.0), Some(224));
        assert_eq!(minimum("HmacSHA256").map(|m| m.0), Some(128));
        assert_eq!(minimum("Unknown"), None);
    }

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }
}
