//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, six
//! digits — what every authenticator app speaks.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;
/// Steps of clock drift accepted either side.
pub const DRIFT_STEPS: i64 = 1;

/// A new random secret (160 bits), base32 without padding, as authenticator apps expect.
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    BASE32_NOPAD.encode(&bytes)
}

/// The `otpauth://` URI an authenticator app imports (typed in or as a QR code).
pub fn provisioning_uri(secret: &str, issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

fn hotp(key: &[u8], counter: u64) -> Option<u32> {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19)? & 0x0f);
    let slice = digest.get(offset..offset + 4)?;
    let value = u32::from_be_bytes([slice[0] & 0x7f, slice[1], slice[2], slice[3]]);
    Some(value % 1_000_000)
}

/// The code for the step containing `unix_seconds`.
pub fn code_at(secret: &str, unix_seconds: i64) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let counter = u64::try_from(unix_seconds.div_euclid(STEP)).ok()?;
    hotp(&key, counter).map(|c| format!("{c:06}"))
}

/// Whether `code` is valid at `unix_seconds`, allowing one step of drift either way.
pub fn verify(secret: &str, code: &str, unix_seconds: i64) -> bool {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    (-DRIFT_STEPS..=DRIFT_STEPS).any(|d| {
        code_at(secret, unix_seconds + d * STEP)
            .is_some_and(|c| constant_time_eq(c.as_bytes(), code.as_bytes()))
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vectors() {
        // RFC 6238 Appendix B, SHA-1 key "12345678901234567890", eight-digit codes truncated to six.
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (t, expected) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(&secret, t).unwrap(), expected, "t = {t}");
        }
    }

    #[test]
    fn verification_allows_one_step_of_drift() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap();
        assert!(verify(&secret, &code, now));
        assert!(verify(&secret, &code, now + STEP));
        assert!(!verify(&secret, &code, now + 3 * STEP));
        assert!(!verify(&secret, "12345", now));
        assert!(!verify(&secret, "abcdef", now));
        assert!(!verify("not base32!", "123456", now));
    }

    #[test]
    fn uri_is_escaped() {
        let uri = provisioning_uri("ABC", "appvd", "ana lee@x");
        assert_eq!(
            uri,
            "otpauth://totp/appvd:ana%20lee%40x?secret=ABC&issuer=appvd&algorithm=SHA1&digits=6&period=30"
        );
    }
}
