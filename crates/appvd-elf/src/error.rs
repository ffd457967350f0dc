use thiserror::Error;

/// Why a byte buffer could not be read as ELF at all.
///
/// Everything short of these is recovered from and reported as an
/// [`Anomaly`](crate::Anomaly) next to whatever facts are still sound.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ElfError {
    /// The buffer does not start with `\x7fELF`.
    #[error("not an ELF file: the first four bytes are not \\x7fELF")]
    NotElf,
    /// The buffer ends inside the ELF file header.
    #[error("file of {len} bytes is too short for an ELF{bits} header of {needed} bytes")]
    TruncatedHeader {
        /// Length of the buffer.
        len: usize,
        /// 32 or 64.
        bits: u8,
        /// Size of the header for that class.
        needed: usize,
    },
    /// `EI_CLASS` is neither ELFCLASS32 nor ELFCLASS64, so no structure size is known.
    #[error("unknown ELF class {0} (expected 1 for 32-bit or 2 for 64-bit)")]
    UnknownClass(u8),
    /// `EI_DATA` is neither little nor big endian, so no field can be decoded.
    #[error("unknown ELF data encoding {0} (expected 1 for little or 2 for big endian)")]
    UnknownEncoding(u8),
    /// goblin refused the header for a reason the checks above did not foresee.
    #[error("unreadable ELF header: {0}")]
    Header(String),
}
