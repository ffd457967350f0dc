//! [`SharedBytes`]: a cheaply clonable view of a memory-mapped file or an owned buffer.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::{Deref, Range};
use std::path::Path;
use std::sync::Arc;

use memmap2::{Mmap, UncheckedAdvice};

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

    /// Stops the mapped pages under these bytes from counting toward the process's resident
    /// memory once they have been read (hashed, inflated): the next read faults them back in from
    /// the file, which the page cache usually still holds. Owned buffers are left alone.
    pub fn release_pages(&self) {
        self.release_range_pages(0..self.range.len());
    }

    /// [`release_pages`](Self::release_pages) for a sub-range; out-of-range requests do nothing.
    pub fn release_range_pages(&self, range: Range<usize>) {
        let Backing::Mapped(map) = &*self.backing else {
            return;
        };
        if range.start >= range.end || range.end > self.range.len() {
            return;
        }
        let start = self.range.start + range.start;
        // Failure only means the pages stay resident, which is harmless.
        let _ = drop_resident_pages(map, start, range.len());
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

/// Drops the resident pages of `len` bytes at `offset` of a read-only file mapping.
#[allow(unsafe_code)]
fn drop_resident_pages(map: &Mmap, offset: usize, len: usize) -> io::Result<()> {
    // SAFETY: the mapping is a read-only view of a file that this process never writes through,
    // so no page of it holds data that exists only in memory: after MADV_DONTNEED the next
    // access maps the same bytes from the page cache (or reads them from the file) again.
    // Borrowers of the mapping therefore observe no change, under the same condition the
    // mapping itself relies on (the file is not modified while mapped, see `map_read_only`).
    // `offset + len` lies within the mapping (callers check their range).
    unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, offset, len) }
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

    #[test]
    fn released_pages_read_back_the_same_bytes() {
        let path = std::env::temp_dir().join(format!("appvd-apk-release-{}", std::process::id()));
        let content: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let bytes = SharedBytes::map_file(&path).unwrap();
        let middle = bytes.slice(5_000..70_001).unwrap();
        assert_eq!(&*middle, &content[5_000..70_001]);
        middle.release_range_pages(10..60_000);
        middle.release_range_pages(60_000..usize::MAX);
        middle.release_range_pages(Range { start: 7, end: 3 });
        assert_eq!(&*middle, &content[5_000..70_001]);
        bytes.release_pages();
        assert_eq!(&*bytes, &content[..]);
        let owned = SharedBytes::from_vec(content.clone());
        owned.release_pages();
        assert_eq!(&*owned, &content[..]);
        std::fs::remove_file(&path).unwrap();
    }
}
