//! Identifiers: case ids such as `APPVD-2026-00042`, row ids, and reporter tracking codes.

use std::fmt;
use std::str::FromStr;

use crate::error::InvalidInput;

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

row_id!(
    /// An organisation's database id.
    OrgId
);
row_id!(
    /// A user's database id.
    UserId
);
row_id!(
    /// A product's database id.
    ProductId
);
row_id!(
    /// A report's database id.
    ReportId
);

/// The configurable prefix of case ids: 2 to 16 characters, an uppercase ASCII letter first, then
/// uppercase letters and digits. The default is `APPVD`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct CaseIdPrefix(String);

impl CaseIdPrefix {
    pub fn new(prefix: &str) -> Result<Self, InvalidInput> {
        let valid_len = (2..=16).contains(&prefix.len());
        let mut chars = prefix.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        let rest_ok = chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if valid_len && first_ok && rest_ok {
            Ok(Self(prefix.to_owned()))
        } else {
            Err(InvalidInput::new(
                "case_id_prefix",
                format!(
                    "the case id prefix {prefix:?} must be 2 to 16 characters: an uppercase letter, then uppercase letters or digits"
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for CaseIdPrefix {
    fn default() -> Self {
        Self("APPVD".to_owned())
    }
}

impl TryFrom<String> for CaseIdPrefix {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(&value)
    }
}

impl From<CaseIdPrefix> for String {
    fn from(value: CaseIdPrefix) -> Self {
        value.0
    }
}

impl fmt::Display for CaseIdPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A case's public id: `PREFIX-YYYY-NNNNN`, the sequence zero-padded to at least five digits.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct CaseId {
    prefix: CaseIdPrefix,
    year: u16,
    sequence: u32,
}

impl CaseId {
    /// Largest sequence number a year can hold; ids stay short enough for any column and URL.
    pub const MAX_SEQUENCE: u32 = 99_999_999;

    pub fn new(prefix: CaseIdPrefix, year: u16, sequence: u32) -> Result<Self, InvalidInput> {
        if !(2000..=2999).contains(&year) {
            return Err(InvalidInput::new(
                "case_id",
                format!("the year {year} is outside 2000–2999"),
            ));
        }
        if sequence == 0 || sequence > Self::MAX_SEQUENCE {
            return Err(InvalidInput::new(
                "case_id",
                format!(
                    "the sequence number {sequence} is outside 1–{}",
                    Self::MAX_SEQUENCE
                ),
            ));
        }
        Ok(Self {
            prefix,
            year,
            sequence,
        })
    }

    pub fn prefix(&self) -> &CaseIdPrefix {
        &self.prefix
    }

    pub fn year(&self) -> u16 {
        self.year
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:05}", self.prefix, self.year, self.sequence)
    }
}

impl FromStr for CaseId {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            InvalidInput::new(
                "case_id",
                format!(
                    "{:?} is not a case id; expected PREFIX-YYYY-NNNNN such as APPVD-2026-00042",
                    truncate_for_message(s)
                ),
            )
        };
        if s.len() > 40 {
            return Err(bad());
        }
        let mut parts = s.rsplitn(3, '-');
        let (Some(seq), Some(year), Some(prefix)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if year.len() != 4
            || seq.len() < 5
            || !year.bytes().all(|b| b.is_ascii_digit())
            || !seq.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: u16 = year.parse().map_err(|_| bad())?;
        let sequence: u32 = seq.parse().map_err(|_| bad())?;
        let prefix = CaseIdPrefix::new(prefix).map_err(|_| bad())?;
        let id = Self::new(prefix, year, sequence)?;
        // Only the canonical spelling is an id, so `APPVD-2026-000042` cannot alias `…-00042`.
        if id.to_string() != s {
            return Err(bad());
        }
        Ok(id)
    }
}

impl TryFrom<String> for CaseId {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<CaseId> for String {
    fn from(value: CaseId) -> Self {
        value.to_string()
    }
}

/// A reporter's tracking code: 20 characters of Crockford base32 (100 bits), shown on the receipt.
/// Knowing it proves nothing by itself (the reporter must still log in); it lets a reporter quote a
/// submission over the phone without revealing the case id's sequence to others.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct TrackingCode(String);

impl TrackingCode {
    const ALPHABET: &'static [u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// Builds a code from 13 random bytes supplied by the caller (the domain does no I/O).
    pub fn from_random(bytes: [u8; 13]) -> Self {
        let mut acc: u128 = 0;
        for b in bytes {
            acc = (acc << 8) | u128::from(b);
        }
        let mut out = String::with_capacity(20);
        for i in (0..20).rev() {
            let idx = ((acc >> (i * 5)) & 0x1f) as usize;
            out.push(char::from(Self::ALPHABET[idx]));
        }
        Self(out)
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let upper = s.trim().to_ascii_uppercase();
        if upper.len() == 20 && upper.bytes().all(|b| Self::ALPHABET.contains(&b)) {
            Ok(Self(upper))
        } else {
            Err(InvalidInput::new(
                "tracking_code",
                "a tracking code is 20 letters and digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn truncate_for_message(s: &str) -> String {
    const MAX: usize = 48;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_id_round_trips_and_pads() {
        let id = CaseId::new(CaseIdPrefix::default(), 2026, 42).unwrap();
        assert_eq!(id.to_string(), "APPVD-2026-00042");
        assert_eq!("APPVD-2026-00042".parse::<CaseId>().unwrap(), id);
        let big = CaseId::new(CaseIdPrefix::new("CAPPVD").unwrap(), 2026, 1_234_567).unwrap();
        assert_eq!(big.to_string(), "CAPPVD-2026-1234567");
        assert_eq!(big.to_string().parse::<CaseId>().unwrap(), big);
    }

    #[test]
    fn case_id_rejects_malformed_spellings() {
        for bad in [
            "",
            "APPVD",
            "APPVD-2026",
            "APPVD-2026-42",
            "APPVD-2026-000042",
            "appvd-2026-00042",
            "APPVD-26-00042",
            "APPVD-2026-00000",
            "APPVD-1999-00001",
            "APPVD-2026-0004x",
            "A-2026-00001",
            "APPVD-2026-00001-",
            "APPVD-2026-999999999",
        ] {
            let err = bad.parse::<CaseId>().unwrap_err();
            assert_eq!(err.field, "case_id", "{bad}");
        }
        let long = "X".repeat(10_000);
        assert!(long.parse::<CaseId>().unwrap_err().message.len() < 200);
    }

    #[test]
    fn prefix_validation() {
        assert!(CaseIdPrefix::new("CAPPVD").is_ok());
        assert!(CaseIdPrefix::new("AB1").is_ok());
        for bad in ["", "A", "1AB", "ab", "AB-C", "ABCDEFGHIJKLMNOPQ"] {
            assert!(CaseIdPrefix::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tracking_codes_use_the_whole_alphabet_and_parse_back() {
        let code = TrackingCode::from_random([0xff; 13]);
        assert_eq!(code.as_str().len(), 20);
        assert_eq!(
            TrackingCode::parse(&code.as_str().to_lowercase()).unwrap(),
            code
        );
        let zero = TrackingCode::from_random([0; 13]);
        assert_eq!(zero.as_str(), "00000000000000000000");
        assert_ne!(
            TrackingCode::from_random([1; 13]),
            TrackingCode::from_random([2; 13])
        );
        assert!(TrackingCode::parse("ILOU0000000000000000").is_err());
    }
}
