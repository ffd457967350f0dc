//! Bounds-checked reads. Every offset and length here comes from the file, so
//! all arithmetic is checked and every read goes through `get`.

/// Byte order of the file, as a reader.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Order {
    pub(crate) little: bool,
}

impl Order {
    pub(crate) fn u32_at(self, bytes: &[u8], offset: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(raw)
        } else {
            u32::from_be_bytes(raw)
        })
    }

    pub(crate) fn u64_at(self, bytes: &[u8], offset: usize) -> Option<u64> {
        let raw: [u8; 8] = bytes.get(offset..offset.checked_add(8)?)?.try_into().ok()?;
        Some(if self.little {
            u64::from_le_bytes(raw)
        } else {
            u64::from_be_bytes(raw)
        })
    }

    /// A 32- or 64-bit word, widened.
    pub(crate) fn word_at(self, bytes: &[u8], offset: usize, is_64: bool) -> Option<u64> {
        if is_64 {
            self.u64_at(bytes, offset)
        } else {
            self.u32_at(bytes, offset).map(u64::from)
        }
    }
}

/// The part of `bytes[offset..offset + len]` that lies inside `bytes`, and
/// whether it had to be cut.
pub(crate) fn clamped_range(bytes: &[u8], offset: u64, len: u64) -> (&[u8], bool) {
    let Ok(start) = usize::try_from(offset) else {
        return (&[], true);
    };
    let Some(tail) = bytes.get(start..) else {
        return (&[], true);
    };
    match usize::try_from(len) {
        Ok(len) if len <= tail.len() => (tail.get(..len).unwrap_or_default(), false),
        _ => (tail, true),
    }
}

/// Result of looking up a NUL-terminated string in a string table.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TableString<'a> {
    /// The bytes before the terminating NUL.
    Terminated(&'a [u8]),
    /// The table ended before a NUL: the bytes up to its end.
    Unterminated(&'a [u8]),
    /// The index is past the end of the table.
    OutOfBounds,
}

/// The string at `index` of a string table. The NUL is searched for in at
/// most `limit + 1` bytes, so that many lookups into a large table without
/// NULs stay linear; a longer string comes back with `limit + 1` bytes, for
/// the caller to cut and report.
pub(crate) fn table_string(table: &[u8], index: u64, limit: usize) -> TableString<'_> {
    let Some(tail) = usize::try_from(index)
        .ok()
        .and_then(|start| table.get(start..))
    else {
        return TableString::OutOfBounds;
    };
    let window = tail.get(..limit.saturating_add(1)).unwrap_or(tail);
    match window.iter().position(|&b| b == 0) {
        Some(end) => TableString::Terminated(window.get(..end).unwrap_or_default()),
        None if tail.is_empty() => TableString::OutOfBounds,
        None if window.len() < tail.len() => TableString::Terminated(window),
        None => TableString::Unterminated(tail),
    }
}

pub(crate) fn align_up(value: usize, align: usize) -> Option<usize> {
    if align <= 1 {
        return Some(value);
    }
    value.checked_add(align - 1).map(|v| v / align * align)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders_and_refuses_short_input() {
        let bytes = [1, 2, 3, 4, 5, 6, 7, 8];
        let le = Order { little: true };
        let be = Order { little: false };
        assert_eq!(le.u32_at(&bytes, 0), Some(0x0403_0201));
        assert_eq!(be.u32_at(&bytes, 0), Some(0x0102_0304));
        assert_eq!(be.u64_at(&bytes, 0), Some(0x0102_0304_0506_0708));
        assert_eq!(le.word_at(&bytes, 4, false), Some(0x0807_0605));
        assert_eq!(le.u32_at(&bytes, 5), None);
        assert_eq!(le.u32_at(&bytes, usize::MAX - 1), None);
        assert_eq!(le.u64_at(&bytes, 1), None);
    }

    #[test]
    fn ranges_never_overflow() {
        let bytes = [0u8; 10];
        assert_eq!(clamped_range(&bytes, u64::MAX, 2).0.len(), 0);
        assert_eq!(clamped_range(&bytes, 1, u64::MAX), (&bytes[1..], true));
        assert_eq!(clamped_range(&bytes, 4, 100), (&bytes[4..], true));
        assert_eq!(clamped_range(&bytes, 4, 2), (&bytes[4..6], false));
        assert_eq!(clamped_range(&bytes, 11, 2).0.len(), 0);
    }

    #[test]
    fn table_strings() {
        let table = b"\0abc\0de";
        assert_eq!(table_string(table, 0, 64), TableString::Terminated(b""));
        assert_eq!(table_string(table, 1, 64), TableString::Terminated(b"abc"));
        assert_eq!(table_string(table, 2, 64), TableString::Terminated(b"bc"));
        assert_eq!(table_string(table, 5, 64), TableString::Unterminated(b"de"));
        assert_eq!(table_string(table, 7, 64), TableString::OutOfBounds);
        assert_eq!(table_string(table, u64::MAX, 64), TableString::OutOfBounds);
        // The search stops after limit + 1 bytes.
        assert_eq!(table_string(table, 1, 2), TableString::Terminated(b"abc"));
        assert_eq!(table_string(table, 1, 1), TableString::Terminated(b"ab"));
        assert_eq!(
            table_string(b"abcdef", 0, 2),
            TableString::Terminated(b"abc")
        );
        assert_eq!(
            table_string(b"abc", 0, 2),
            TableString::Unterminated(b"abc")
        );
    }

    #[test]
    fn align_up_rounds() {
        assert_eq!(align_up(5, 4), Some(8));
        assert_eq!(align_up(8, 4), Some(8));
        assert_eq!(align_up(5, 0), Some(5));
        assert_eq!(align_up(usize::MAX, 8), None);
    }
}
