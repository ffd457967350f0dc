//! Little-endian field readers that return `None` instead of panicking at the end of input.

pub(crate) fn u16_at(data: &[u8], pos: usize) -> Option<u16> {
    let bytes = data.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

pub(crate) fn u32_at(data: &[u8], pos: usize) -> Option<u32> {
    let bytes: [u8; 4] = data.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

pub(crate) fn u64_at(data: &[u8], pos: usize) -> Option<u64> {
    let bytes: [u8; 8] = data.get(pos..pos.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// A forward cursor over length-prefixed little-endian structures (APK Signing Block).
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        let value = u32_at(self.data, self.pos)?;
        self.pos += 4;
        Some(value)
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        let value = u64_at(self.data, self.pos)?;
        self.pos += 8;
        Some(value)
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Option<&'a [u8]> {
        let value = self.data.get(self.pos..self.pos.checked_add(len)?)?;
        self.pos += len;
        Some(value)
    }

    /// A `u32` length followed by that many bytes.
    pub(crate) fn prefixed(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        let len = self.u32()?;
        match self.bytes(usize::try_from(len).ok()?) {
            Some(bytes) => Some(bytes),
            None => {
                self.pos = start;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_stop_at_the_end() {
        let data = [1, 0, 0, 0, 2, 0];
        assert_eq!(u16_at(&data, 4), Some(2));
        assert_eq!(u16_at(&data, 5), None);
        assert_eq!(u32_at(&data, 0), Some(1));
        assert_eq!(u32_at(&data, 3), None);
        assert_eq!(u64_at(&data, 0), None);
        assert_eq!(u32_at(&data, usize::MAX), None);
    }

    #[test]
    fn prefixed_does_not_consume_on_failure() {
        let mut cursor = Cursor::new(&[2, 0, 0, 0, 7, 8, 9, 0, 0, 0, 1]);
        assert_eq!(cursor.prefixed(), Some(&[7u8, 8][..]));
        assert_eq!(cursor.prefixed(), None);
        assert_eq!(cursor.position(), 6);
        assert_eq!(cursor.remaining(), 5);
    }
}
