//! Modified UTF-8, the string encoding of DEX files.
//!
//! MUTF-8 differs from UTF-8 in two ways: U+0000 is written as the two bytes `C0 80`, and
//! characters outside the Basic Multilingual Plane are written as a UTF-16 surrogate pair, each
//! half encoded as a three-byte sequence. Most DEX strings are ASCII, and non-ASCII strings without
//! NUL or supplementary characters are byte-for-byte valid UTF-8, so decoding borrows in the
//! common case and only allocates when the two encodings differ.

use std::borrow::Cow;

/// The result of decoding: the text (with U+FFFD for every malformed sequence) and whether the
/// input was well-formed MUTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The decoded text.
    pub text: Cow<'a, str>,
    /// `false` if a replacement character had to be substituted anywhere.
    pub valid: bool,
}

/// Decodes MUTF-8 bytes (without the terminating NUL). Never panics; malformed sequences become
/// U+FFFD and make [`Decoded::valid`] false.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if bytes.is_ascii() {
        // ASCII is identical in both encodings; a raw NUL byte cannot occur in a DEX string
        // (it would have ended it), so this is always valid.
        if let Ok(text) = std::str::from_utf8(bytes) {
            return Decoded {
                text: Cow::Borrowed(text),
                valid: true,
            };
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        // Valid UTF-8 differs from MUTF-8 only by four-byte sequences, which MUTF-8 forbids.
        if !bytes.iter().any(|&b| b >= 0xf0) {
            return Decoded {
                text: Cow::Borrowed(text),
                valid: true,
            };
        }
    }
    decode_slow(bytes)
}

fn decode_slow(bytes: &[u8]) -> Decoded<'static> {
    let mut out = String::with_capacity(bytes.len());
    let mut valid = true;
    let units = Utf16Units { bytes, pos: 0 };
    let mut pending_high: Option<u16> = None;
    for unit in units {
        let unit = match unit {
            Ok(unit) => unit,
            Err(()) => {
                if pending_high.take().is_some() {
                    out.push(char::REPLACEMENT_CHARACTER);
                }
                out.push(char::REPLACEMENT_CHARACTER);
                valid = false;
                continue;
            }
        };
        match unit {
            0xd800..=0xdbff => {
                if pending_high.replace(unit).is_some() {
                    out.push(char::REPLACEMENT_CHARACTER);
                    valid = false;
                }
            }
            0xdc00..=0xdfff => match pending_high.take() {
                Some(high) => {
                    let code =
                        0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(unit) - 0xdc00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                None => {
                    out.push(char::REPLACEMENT_CHARACTER);
                    valid = false;
                }
            },
            _ => {
                if pending_high.take().is_some() {
                    out.push(char::REPLACEMENT_CHARACTER);
                    valid = false;
                }
                out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
    }
    if pending_high.is_some() {
        out.push(char::REPLACEMENT_CHARACTER);
        valid = false;
    }
    Decoded {
        text: Cow::Owned(out),
        valid,
    }
}

/// Iterates the UTF-16 code units a MUTF-8 byte string encodes. A four-byte UTF-8 sequence (which
/// MUTF-8 forbids) and any other malformed sequence yield `Err(())` once and resynchronise at the
/// next byte.
struct Utf16Units<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for Utf16Units<'_> {
    type Item = Result<u16, ()>;

    fn next(&mut self) -> Option<Self::Item> {
        let first = *self.bytes.get(self.pos)?;
        self.pos += 1;
        let continuation = |this: &mut Self| -> Option<u16> {
            let b = *this.bytes.get(this.pos)?;
            if b & 0xc0 != 0x80 {
                return None;
            }
            this.pos += 1;
            Some(u16::from(b & 0x3f))
        };
        Some(match first >> 4 {
            0x0..=0x7 if first != 0 => Ok(u16::from(first)),
            0xc | 0xd => match continuation(self) {
                Some(low) => Ok((u16::from(first & 0x1f) << 6) | low),
                None => Err(()),
            },
            0xe => match (continuation(self), continuation(self)) {
                (Some(mid), Some(low)) => Ok((u16::from(first & 0x0f) << 12) | (mid << 6) | low),
                _ => Err(()),
            },
            _ => Err(()),
        })
    }
}

/// Number of UTF-16 code units the text needs, which is what `string_data_item.utf16_size`
/// records.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Encodes text as MUTF-8 (used to look strings up in a DEX string pool).
pub fn encode(text: &str) -> Cow<'_, [u8]> {
    if !text.bytes().any(|b| b == 0 || b >= 0xf0) {
        return Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len() + 4);
    for ch in text.chars() {
        let mut units = [0u16; 2];
        for &unit in ch.encode_utf16(&mut units).iter() {
            match unit {
                0 => out.extend_from_slice(&[0xc0, 0x80]),
                1..=0x7f => out.push(unit as u8),
                0x80..=0x7ff => {
                    out.extend_from_slice(&[0xc0 | (unit >> 6) as u8, 0x80 | (unit & 0x3f) as u8])
                }
                _ => out.extend_from_slice(&[
                    0xe0 | (unit >> 12) as u8,
                    0x80 | ((unit >> 6) & 0x3f) as u8,
                    0x80 | (unit & 0x3f) as u8,
                ]),
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_bmp_text_borrow() {
        let d = decode(b"Ljava/lang/String;");
        assert!(matches!(d.text, Cow::Borrowed("Ljava/lang/String;")));
        assert!(d.valid);
        let chinese = "漏洞".as_bytes();
        let d = decode(chinese);
        assert!(matches!(d.text, Cow::Borrowed("漏洞")));
    }

    #[test]
    fn encoded_nul_and_surrogate_pairs_decode() {
        let d = decode(&[b'a', 0xc0, 0x80, b'b']);
        assert_eq!(d.text, "a\0b");
        assert!(d.valid);
        // U+1F600 as a surrogate pair D83D DE00, each half in three bytes.
        let d = decode(&[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
        assert_eq!(d.text, "\u{1f600}");
        assert!(d.valid);
    }

    #[test]
    fn malformed_sequences_are_replaced_and_flagged() {
        for bad in [
            &[0xff][..],
            &[0xe4, 0xb8],
            &[0xed, 0xa0, 0xbd],
            &[0xed, 0xb8, 0x80, b'x'],
            &[0xf0, 0x9f, 0x98, 0x80],
        ] {
            let d = decode(bad);
            assert!(!d.valid, "{bad:?}");
            assert!(d.text.contains('\u{fffd}'), "{bad:?}");
        }
    }

    #[test]
    fn encode_round_trips() {
        for text in ["plain", "a\0b", "\u{1f600}x", "漏洞\u{10ffff}"] {
            let bytes = encode(text);
            let d = decode(&bytes);
            assert_eq!(d.text, text);
            assert!(d.valid);
        }
        assert_eq!(utf16_len("a\u{1f600}"), 3);
    }
}
