//! [`SharedBytes`]: a cheaply clonable view of a memory-mapped file or an owned buffer.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::{Deref, Range};
use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;

enum Backing {
    Mapped(Mmap),
    Owned(Vec<u8>),
}

impl Backing {
    fn as_slice(&self) -> &[u8] {
        match self {
            Backing::Mapped(map) => map,
            Backing::Owned(vec) => vec,
        }
    }
}

/// Bytes of an input, shared between an outer container and the archives nested in it
/// (a stored APK inside an XAPK is a sub-slice of the outer mapping, not a copy).
#[derive(Clone)]
pub struct SharedBytes {
    backing: Arc<Backing>,
    range: Range<usize>,
}

impl SharedBytes {
    /// Memory-maps a file read-only.
    pub fn map_file(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let map = map_read_only(&file)?;
        let len = map.len();
        Ok(SharedBytes {
            backing: Arc::new(Backing::Mapped(map)),
            range: 0..len,
        })
    }

    /// Takes ownership of a buffer.
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        let len = bytes.len();
        SharedBytes {
            backing: Arc::new(Backing::Owned(bytes)),
            range: 0..len,
        }
    }

    /// A sub-view sharing the same backing storage, or `None` when out of range.
    pub fn slice(&self, range: Range<usize>) -> Option<SharedBytes> {
        if range.start > range.end || range.end > self.range.len() {
            return None;
        }
        let start = self.range.start.checked_add(range.start)?;
        let end = self.range.start.checked_add(range.end)?;
        Some(SharedBytes {
            backing: Arc::clone(&self.backing),
            range: start..end,
        })
    }

    /// Whether the bytes come from a memory-mapped file.
    pub fn is_mapped(&self) -> bool {
        matches!(*self.backing, Backing::Mapped(_))
    }
}

// SAFETY: the map is read-only and private to this process. The one hazard a mapping
// has, another process truncating or rewriting the file while it is mapped, cannot be
// excluded by any code; callers that scan untrusted uploads should map files they own
// (the server copies uploads into its content-addressed store first).
#[allow(unsafe_code)]
fn map_read_only(file: &File) -> io::Result<Mmap> {
    // SAFETY: see the comment on this function.
    unsafe { Mmap::map(file) }
}

impl Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.backing
            .as_slice()
            .get(self.range.clone())
            .unwrap_or_default()
    }
}

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl From<Vec<u8>> for SharedBytes {
    fn from(bytes: Vec<u8>) -> Self {
        SharedBytes::from_vec(bytes)
    }
}

impl From<&[u8]> for SharedBytes {
    fn from(bytes: &[u8]) -> Self {
        SharedBytes::from_vec(bytes.to_vec())
    }
}

impl fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedBytes")
            .field("len", &self.range.len())
            .field("mapped", &self.is_mapped())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_and_bound_check() {
        let bytes = SharedBytes::from_vec((0u8..10).collect());
        let middle = bytes.slice(2..6).unwrap();
        assert_eq!(&*middle, &[2, 3, 4, 5]);
        let inner = middle.slice(1..3).unwrap();
        assert_eq!(&*inner, &[3, 4]);
        assert!(middle.slice(3..5).is_none());
        assert!(bytes.slice(usize::MAX..usize::MAX).is_none());
        assert!(!bytes.is_mapped());
    }

    #[test]
    fn maps_files() {
        let dir = std::env::temp_dir().join(format!("appvd-apk-map-{}", std::process::id()));
        std::fs::write(&dir, b"mapped").unwrap();
        let bytes = SharedBytes::map_file(&dir).unwrap();
        assert_eq!(&*bytes, b"mapped");
        assert!(bytes.is_mapped());
        std::fs::remove_file(&dir).unwrap();
    }
}
