//! Bounds-checked little-endian reads and LEB128 decoding over byte slices.

/// Reads a little-endian `u16` at `offset`, or `None` if it does not fit.
#[inline]
pub(crate) fn u16_at(data: &[u8], offset: usize) -> Option<u16> {
    let bytes = data.get(offset..offset.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

/// Reads a little-endian `u32` at `offset`, or `None` if it does not fit.
#[inline]
pub(crate) fn u32_at(data: &[u8], offset: usize) -> Option<u32> {
    let bytes = data.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// A forward cursor over a byte slice; every read is checked and returns `None` past the end.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize) -> Self {
        Cursor { data, pos }
    }

    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    #[inline]
    pub(crate) fn u16(&mut self) -> Option<u16> {
        let v = u16_at(self.data, self.pos)?;
        self.pos += 2;
        Some(v)
    }

    #[inline]
    pub(crate) fn u32(&mut self) -> Option<u32> {
        let v = u32_at(self.data, self.pos)?;
        self.pos += 4;
        Some(v)
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len)?;
        let slice = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }

    /// Unsigned LEB128 limited to 32 bits, as the DEX format uses it. Bits beyond 32 in the
    /// fifth byte are ignored, as the Android runtime does; more than five bytes is an error.
    #[inline]
    pub(crate) fn uleb128(&mut self) -> Option<u32> {
        let mut result: u32 = 0;
        for i in 0..5 {
            let byte = self.u8()?;
            result |= u32::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Some(result);
            }
        }
        None
    }

    /// Signed LEB128 limited to 32 bits.
    #[inline]
    pub(crate) fn sleb128(&mut self) -> Option<i32> {
        let mut result: u32 = 0;
        for i in 0..5 {
            let byte = self.u8()?;
            result |= u32::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                let shift = 7 * (i + 1);
                if shift < 32 && byte & 0x40 != 0 {
                    result |= u32::MAX << shift;
                }
                return Some(result as i32);
            }
        }
        None
    }

    /// `uleb128p1`: the encoded value minus one, so that `-1` (`NO_INDEX`) becomes `None`.
    #[inline]
    pub(crate) fn uleb128p1(&mut self) -> Option<Option<u32>> {
        let raw = self.uleb128()?;
        Some(raw.checked_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb128_examples_from_the_format_description() {
        let cases_u: [(&[u8], u32); 5] = [
            (&[0x00], 0),
            (&[0x01], 1),
            (&[0x7f], 127),
            (&[0x80, 0x7f], 16256),
            (&[0xff, 0xff, 0xff, 0xff, 0x0f], u32::MAX),
        ];
        for (bytes, value) in cases_u {
            assert_eq!(Cursor::new(bytes, 0).uleb128(), Some(value), "{bytes:?}");
        }
        let cases_s: [(&[u8], i32); 4] = [
            (&[0x00], 0),
            (&[0x01], 1),
            (&[0x7f], -1),
            (&[0x80, 0x7f], -128),
        ];
        for (bytes, value) in cases_s {
            assert_eq!(Cursor::new(bytes, 0).sleb128(), Some(value), "{bytes:?}");
        }
        assert_eq!(Cursor::new(&[0x00], 0).uleb128p1(), Some(None));
        assert_eq!(Cursor::new(&[0x01], 0).uleb128p1(), Some(Some(0)));
        assert_eq!(Cursor::new(&[0x80, 0x7f], 0).uleb128p1(), Some(Some(16255)));
    }

    #[test]
    fn truncated_and_overlong_leb128_fail() {
        assert_eq!(Cursor::new(&[0x80], 0).uleb128(), None);
        assert_eq!(
            Cursor::new(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 0).uleb128(),
            None
        );
        assert_eq!(Cursor::new(&[], 0).sleb128(), None);
    }

    #[test]
    fn fixed_reads_are_bounded() {
        let data = [1u8, 2, 3];
        assert_eq!(u16_at(&data, 1), Some(0x0302));
        assert_eq!(u16_at(&data, 2), None);
        assert_eq!(u32_at(&data, 0), None);
        assert_eq!(u32_at(&data, usize::MAX), None);
        let mut c = Cursor::new(&data, 0);
        assert_eq!(c.bytes(2), Some(&data[..2]));
        assert_eq!(c.bytes(2), None);
    }
}
