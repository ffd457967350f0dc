//! Typed errors for the few fatal cases. Everything else is an [`Anomaly`](crate::Anomaly).

use std::io;
use std::path::PathBuf;

use crate::budget::BudgetCap;

/// Why an input could not be opened at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The file could not be read or mapped.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path given.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// No End Of Central Directory record anywhere in the input: not a ZIP archive.
    #[error("not a ZIP archive: no end of central directory record in {len} bytes")]
    NoEndOfCentralDirectory {
        /// Input length.
        len: usize,
    },
    /// The EOCD exists but its central directory lies entirely outside the input.
    #[error(
        "central directory ({size} bytes at offset {offset}) lies outside the {len}-byte input"
    )]
    CentralDirectoryOutOfBounds {
        /// Declared offset.
        offset: u64,
        /// Declared size.
        size: u64,
        /// Input length.
        len: usize,
    },
    /// A split set or bundle without a single APK to open.
    #[error("no APK to open: {0}")]
    NoApk(String),
}

/// Why one entry could not be read. The matching anomaly is also recorded on the archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// No entry of that name.
    #[error("no entry named {0:?}")]
    NotFound(String),
    /// Inflating hit a cap of the app's [`InflateBudget`](crate::InflateBudget).
    #[error("reading {entry:?} stopped at the {cap} cap ({limit})")]
    Budget {
        /// The entry being read.
        entry: String,
        /// The cap that was hit.
        cap: BudgetCap,
        /// The cap's value.
        limit: u64,
    },
    /// The entry's local header is missing or its data lies outside the input.
    #[error("data of {entry:?} is not inside the archive")]
    OutOfBounds {
        /// The entry being read.
        entry: String,
    },
    /// The compressed data is damaged.
    #[error("data of {entry:?} is corrupt: {reason}")]
    Corrupt {
        /// The entry being read.
        entry: String,
        /// What went wrong.
        reason: String,
    },
}
