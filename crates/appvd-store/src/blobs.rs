//! Content-addressed blob storage for attachments: a file per blob under the data directory,
//! named by its SHA-256. The [`BlobStore`] trait is the seam where an object store can be plugged in.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Stores and returns blobs by their SHA-256 (hex).
pub trait BlobStore: Send + Sync {
    /// Stores `bytes` (idempotent) and returns their SHA-256.
    fn put(&self, bytes: &[u8]) -> std::io::Result<String>;
    /// The blob with this hash, or `None`.
    fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>>;
}

/// Blobs as files: `<root>/ab/cd/abcdef…`. Writes go to a temporary file first and are renamed into
/// place, so a crash never leaves a truncated blob under a valid name.
#[derive(Debug, Clone)]
pub struct DirBlobStore {
    root: PathBuf,
}

impl DirBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| {
            self.root
                .join(&sha256[..2])
                .join(&sha256[2..4])
                .join(sha256)
        })
    }
}

impl BlobStore for DirBlobStore {
    fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self
            .path_of(&sha)
            .ok_or_else(|| std::io::Error::other("bad hash"))?;
        if path.exists() {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        Ok(sha)
    }

    fn get(&self, sha256: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(sha256) else {
            return Ok(None);
        };
        match std::fs::read(path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_idempotence() {
        let dir = std::env::temp_dir().join(format!("appvd-blobs-{}", std::process::id()));
        let store = DirBlobStore::new(&dir);
        let a = store.put(b"poc bytes").unwrap();
        assert_eq!(store.put(b"poc bytes").unwrap(), a);
        assert_eq!(store.get(&a).unwrap().as_deref(), Some(&b"poc bytes"[..]));
        assert_eq!(store.get(&"0".repeat(64)).unwrap(), None);
        assert_eq!(
            store.get("../../etc/passwd").unwrap(),
            None,
            "only hashes name blobs"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
