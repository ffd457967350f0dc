//! Authentication: passwords, sessions, API tokens, the second factor, and CSRF.
//!
//! A request is authenticated by a session cookie (browsers) or an `Authorization: Bearer` token
//! (scripts). Only SHA-256 hashes of either are stored. Staff (analysts, administrators) must use
//! a second factor (REG-11.2): until they have enrolled and given a code in this session, they can
//! reach only their account and the enrolment endpoints. State-changing requests that ride on a
//! session cookie must carry the session's CSRF token (header `X-CSRF-Token` or form field
//! `csrf_token`), and cross-site requests are refused by their `Origin` / `Sec-Fetch-Site`.

pub mod identity;
pub mod password;
pub mod totp;

pub use identity::{Authenticated, Identity, MaybePrincipal, Principal, SessionInfo};
pub use password::{hash_password, verify_password};

use sha2::{Digest, Sha256};

/// A fresh random token (256 bits), URL-safe base64 without padding.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    data_encoding::BASE64URL_NOPAD.encode(&bytes)
}

/// What the database stores for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
