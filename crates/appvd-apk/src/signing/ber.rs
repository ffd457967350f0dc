//! A small, lenient BER walker.
//!
//! PKCS#7 blocks in v1 signatures are often BER with indefinite lengths (old `jarsigner`
//! and some signing services write them), which strict DER parsers reject. This walker
//! accepts definite and indefinite lengths, bounds nesting depth, and never reads past
//! its input.

/// Deepest nesting followed; real signature blocks stay below 20.
pub const MAX_DEPTH: usize = 64;

/// Tag class of a universal-class TLV.
pub const CLASS_UNIVERSAL: u8 = 0;
/// Tag class of a context-specific TLV (`[n]`).
pub const CLASS_CONTEXT: u8 = 2;

/// Why BER could not be walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BerError {
    /// The input ends inside a header or content.
    #[error("BER value is truncated")]
    Truncated,
    /// A length field is malformed or too large.
    #[error("BER length is invalid")]
    InvalidLength,
    /// A tag number does not fit in 32 bits.
    #[error("BER tag is invalid")]
    InvalidTag,
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("BER nesting is too deep")]
    TooDeep,
    /// An indefinite length on a primitive value.
    #[error("indefinite length on a primitive value")]
    IndefinitePrimitive,
}

/// One tag-length-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// Tag class: 0 universal, 1 application, 2 context-specific, 3 private.
    pub class: u8,
    /// Constructed (contains TLVs) rather than primitive.
    pub constructed: bool,
    /// Tag number.
    pub tag: u32,
    /// Content octets (for indefinite lengths: without the end-of-contents marker).
    pub content: &'a [u8],
    /// Encoded with an indefinite length.
    pub indefinite: bool,
    /// The whole encoding: header, content and any end-of-contents marker.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Whether this is universal tag `tag`.
    pub fn is_universal(&self, tag: u32) -> bool {
        self.class == CLASS_UNIVERSAL && self.tag == tag
    }

    /// Whether this is context-specific tag `[tag]`.
    pub fn is_context(&self, tag: u32) -> bool {
        self.class == CLASS_CONTEXT && self.tag == tag
    }

    /// The TLVs inside a constructed value.
    pub fn children(&self) -> Children<'a> {
        Children {
            rest: self.content,
            depth: 1,
            failed: false,
        }
    }
}

/// Iterator over consecutive TLVs; stops after the first error, which it yields.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    rest: &'a [u8],
    depth: usize,
    failed: bool,
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Tlv<'a>, BerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match parse_at_depth(self.rest, self.depth) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(error) => {
                self.failed = true;
                Some(Err(error))
            }
        }
    }
}

/// Parses the TLV at the start of `input`; returns it and the bytes after it.
pub fn parse(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), BerError> {
    parse_at_depth(input, 0)
}

/// The TLVs of a sequence of encodings.
pub fn iter(input: &[u8]) -> Children<'_> {
    Children {
        rest: input,
        depth: 0,
        failed: false,
    }
}

/// The first TLV inside `content`, if it parses.
pub fn first_child(content: &[u8]) -> Option<Tlv<'_>> {
    parse(content).ok().map(|(tlv, _)| tlv)
}

fn parse_at_depth(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), BerError> {
    if depth > MAX_DEPTH {
        return Err(BerError::TooDeep);
    }
    let (&first, mut pos) = (input.first().ok_or(BerError::Truncated)?, 1usize);
    let class = first >> 6;
    let constructed = first & 0x20 != 0;
    let mut tag = u32::from(first & 0x1f);
    if tag == 0x1f {
        tag = 0;
        loop {
            let byte = *input.get(pos).ok_or(BerError::Truncated)?;
            pos += 1;
            if tag > (u32::MAX >> 7) {
                return Err(BerError::InvalidTag);
            }
            tag = (tag << 7) | u32::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                break;
            }
        }
    }
    let length_byte = *input.get(pos).ok_or(BerError::Truncated)?;
    pos += 1;
    if length_byte == 0x80 {
        if !constructed {
            return Err(BerError::IndefinitePrimitive);
        }
        let body = input.get(pos..).ok_or(BerError::Truncated)?;
        let mut offset = 0usize;
        loop {
            let rest = body.get(offset..).ok_or(BerError::Truncated)?;
            if rest.starts_with(&[0, 0]) {
                let content = &body[..offset];
                let end = pos + offset + 2;
                let tlv = Tlv {
                    class,
                    constructed,
                    tag,
                    content,
                    indefinite: true,
                    raw: &input[..end],
                };
                return Ok((tlv, &input[end..]));
            }
            let (child, _) = parse_at_depth(rest, depth + 1)?;
            offset += child.raw.len();
        }
    }
    let len = if length_byte & 0x80 == 0 {
        usize::from(length_byte)
    } else {
        let count = usize::from(length_byte & 0x7f);
        if count > 8 {
            return Err(BerError::InvalidLength);
        }
        let bytes = input.get(pos..pos + count).ok_or(BerError::Truncated)?;
        pos += count;
        let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        usize::try_from(value).map_err(|_| BerError::InvalidLength)?
    };
    let end = pos.checked_add(len).ok_or(BerError::InvalidLength)?;
    let content = input.get(pos..end).ok_or(BerError::Truncated)?;
    let tlv = Tlv {
        class,
        constructed,
        tag,
        content,
        indefinite: false,
        raw: &input[..end],
    };
    Ok((tlv, &input[end..]))
}

/// Re-encodes the first TLV of `input` with definite lengths everywhere (BER to DER as
/// far as lengths go; other BER liberties are kept).
pub fn to_der(input: &[u8]) -> Result<Vec<u8>, BerError> {
    let (tlv, _) = parse(input)?;
    let mut out = Vec::with_capacity(tlv.raw.len());
    encode(&tlv, &mut out, 0)?;
    Ok(out)
}

fn encode(tlv: &Tlv<'_>, out: &mut Vec<u8>, depth: usize) -> Result<(), BerError> {
    if depth > MAX_DEPTH {
        return Err(BerError::TooDeep);
    }
    if !tlv.indefinite && !contains_indefinite(tlv, depth)? {
        out.extend_from_slice(tlv.raw);
        return Ok(());
    }
    let mut body = Vec::with_capacity(tlv.content.len());
    for child in tlv.children() {
        encode(&child?, &mut body, depth + 1)?;
    }
    let header_len = tlv.raw.len() - tlv.content.len() - if tlv.indefinite { 2 } else { 0 };
    let identifier_len = header_identifier_len(tlv.raw).min(header_len);
    out.extend_from_slice(&tlv.raw[..identifier_len]);
    push_length(out, body.len());
    out.extend_from_slice(&body);
    Ok(())
}

fn contains_indefinite(tlv: &Tlv<'_>, depth: usize) -> Result<bool, BerError> {
    if !tlv.constructed || depth > MAX_DEPTH {
        return Ok(false);
    }
    for child in tlv.children() {
        let child = child?;
        if child.indefinite || contains_indefinite(&child, depth + 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn header_identifier_len(raw: &[u8]) -> usize {
    match raw.first() {
        Some(first) if first & 0x1f == 0x1f => {
            1 + raw
                .iter()
                .skip(1)
                .position(|b| b & 0x80 == 0)
                .map_or(raw.len(), |p| p + 1)
        }
        _ => 1,
    }
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_short_and_long_forms() {
        let (tlv, rest) = parse(&[0x04, 0x02, 0xaa, 0xbb, 0xcc]).unwrap();
        assert!(tlv.is_universal(4));
        assert_eq!(tlv.content, &[0xaa, 0xbb]);
        assert_eq!(rest, &[0xcc]);
        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        let (tlv, rest) = parse(&long).unwrap();
        assert_eq!(tlv.content.len(), 256);
        assert!(rest.is_empty());
    }

    #[test]
    fn indefinite_lengths_nest() {
        // SEQUENCE (indefinite) { [0] (indefinite) { INTEGER 5 } OCTET STRING "a" }
        let data = [
            0x30, 0x80, 0xa0, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0x04, 0x01, b'a', 0x00, 0x00,
            0xff,
        ];
        let (tlv, rest) = parse(&data).unwrap();
        assert!(tlv.indefinite);
        assert_eq!(rest, &[0xff]);
        let children: Vec<_> = tlv.children().collect::<Result<_, _>>().unwrap();
        assert_eq!(children.len(), 2);
        assert!(children[0].is_context(0));
        assert_eq!(
            children[0].children().next().unwrap().unwrap().content,
            &[5]
        );
        assert_eq!(children[1].content, b"a");
        let der = to_der(&data).unwrap();
        assert_eq!(
            der,
            vec![0x30, 0x08, 0xa0, 0x03, 0x02, 0x01, 0x05, 0x04, 0x01, b'a']
        );
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert_eq!(parse(&[]), Err(BerError::Truncated));
        assert_eq!(parse(&[0x04, 0x05, 0x00]), Err(BerError::Truncated));
        assert_eq!(
            parse(&[0x04, 0x80, 0x00, 0x00]),
            Err(BerError::IndefinitePrimitive)
        );
        assert_eq!(
            parse(&[0x04, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            Err(BerError::InvalidLength)
        );
        assert_eq!(parse(&[0x30, 0x80, 0x02, 0x01]), Err(BerError::Truncated));
        assert_eq!(
            parse(&[0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00]),
            Err(BerError::InvalidTag)
        );
        let mut deep = Vec::new();
        for _ in 0..(MAX_DEPTH + 2) {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        assert_eq!(parse(&deep), Err(BerError::TooDeep));
    }

    #[test]
    fn high_tag_numbers() {
        let (tlv, _) = parse(&[0x9f, 0x81, 0x00, 0x01, 0x07]).unwrap();
        assert_eq!(tlv.class, CLASS_CONTEXT);
        assert_eq!(tlv.tag, 128);
        assert_eq!(tlv.content, &[7]);
    }
}
