//! The error type for input that cannot be read at all, and for single look-ups that fail.

use thiserror::Error;

/// Why a DEX file (or one item inside it) could not be read.
///
/// Whole-file parsing returns an error only for hopeless input (no DEX magic, a header that does
/// not fit, a big-endian file). Everything else is reported as an [`crate::Anomaly`] and parsing
/// goes on. The item accessors of [`crate::DexFile`] return this error when one item is out of
/// range or malformed; callers that walk the whole file turn those into anomalies.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DexError {
    /// The input does not start with `dex\n`.
    #[error("not a DEX file: the magic is {found:02x?}, expected \"dex\\n\"")]
    BadMagic {
        /// The first bytes of the input.
        found: Vec<u8>,
    },
    /// The input is shorter than the fixed header.
    #[error("the input is {len} bytes long, shorter than the {needed}-byte DEX header")]
    TooShort {
        /// Input length in bytes.
        len: usize,
        /// Bytes needed.
        needed: usize,
    },
    /// The endian tag says the file is big-endian, which no Android runtime loads.
    #[error("the endian tag {tag:#010x} is not the little-endian constant 0x12345678")]
    UnsupportedEndian {
        /// The tag read from the header.
        tag: u32,
    },
    /// An index into one of the id tables is out of range.
    #[error("{table} index {index} is out of range (the table has {len} entries)")]
    IndexOutOfRange {
        /// Name of the table (`string_ids`, `type_ids`, ...).
        table: &'static str,
        /// The index that was asked for.
        index: u32,
        /// Number of entries in the table.
        len: u32,
    },
    /// An offset points outside the file, or an item starting there runs past its end.
    #[error("{what} at offset {offset:#x} runs outside the file")]
    OutOfBounds {
        /// What was being read.
        what: &'static str,
        /// The offset of the item.
        offset: u64,
    },
    /// An item is present but its content is malformed.
    #[error("malformed {what} at offset {offset:#x}: {reason}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// The offset of the item.
        offset: u64,
        /// Why it is malformed.
        reason: String,
    },
}

impl DexError {
    pub(crate) fn out_of_bounds(what: &'static str, offset: impl Into<u64>) -> Self {
        DexError::OutOfBounds {
            what,
            offset: offset.into(),
        }
    }

    pub(crate) fn malformed(
        what: &'static str,
        offset: impl Into<u64>,
        reason: impl Into<String>,
    ) -> Self {
        DexError::Malformed {
            what,
            offset: offset.into(),
            reason: reason.into(),
        }
    }
}
