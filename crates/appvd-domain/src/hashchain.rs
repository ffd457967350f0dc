//! Hash chains for the append-only logs (case events, receipts).
//!
//! Each entry's hash covers the previous entry's hash, its own sequence number and its fields,
//! each length-prefixed so that no two different field lists encode to the same bytes. Changing,
//! removing or reordering any entry breaks every later link, which [`verify`] finds.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// A SHA-256 link.
pub type Link = [u8; 32];

/// The "previous hash" of the first entry of a chain.
pub const GENESIS: Link = [0; 32];

/// Computes the hash of entry `seq` with `fields`, chained to `prev`.
pub fn link(prev: &Link, seq: i64, fields: &[&[u8]]) -> Link {
    let mut h = Sha256::new();
    h.update(b"appvd-chain-v1");
    h.update(prev);
    h.update(seq.to_be_bytes());
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f);
    }
    h.finalize().into()
}

/// A stored entry as the verifier sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink<'a> {
    pub seq: i64,
    pub prev: Link,
    pub hash: Link,
    pub fields: Vec<std::borrow::Cow<'a, [u8]>>,
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its hash does not match its contents (the entry was altered)")]
    Altered { seq: i64 },
    #[error(
        "entry {seq}: it does not link to the entry before it (an entry was removed, inserted or reordered)"
    )]
    Unlinked { seq: i64 },
    #[error("entry {seq}: sequence numbers are not consecutive after {previous}")]
    Gap { seq: i64, previous: i64 },
}

/// Verifies a chain given in sequence order, starting from `GENESIS` (or from `start` when
/// checking a tail).
pub fn verify<'a>(
    entries: impl IntoIterator<Item = StoredLink<'a>>,
    start: Option<(i64, Link)>,
) -> Result<usize, ChainBreak> {
    let (mut prev_seq, mut prev_hash) = start.unwrap_or((0, GENESIS));
    let mut n = 0;
    for e in entries {
        if e.seq != prev_seq + 1 {
            return Err(ChainBreak::Gap {
                seq: e.seq,
                previous: prev_seq,
            });
        }
        if e.prev != prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        let fields: Vec<&[u8]> = e.fields.iter().map(AsRef::as_ref).collect();
        if link(&e.prev, e.seq, &fields) != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        prev_seq = e.seq;
        prev_hash = e.hash;
        n += 1;
    }
    Ok(n)
}

/// The canonical text of a timestamp inside a hash: UTC, microseconds, RFC 3339.
pub fn timestamp_field(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Truncates a timestamp to whole microseconds in UTC: the precision both databases keep, so a value
/// read back hashes the same as the value written.
pub fn to_stored_precision(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(t.microsecond() * 1_000).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn chain(n: i64) -> Vec<StoredLink<'static>> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let fields = vec![Cow::Owned(format!("entry {seq}").into_bytes())];
                let refs: Vec<&[u8]> = fields.iter().map(AsRef::as_ref).collect();
                let hash = link(&prev, seq, &refs);
                let e = StoredLink {
                    seq,
                    prev,
                    hash,
                    fields,
                };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(chain(5), None), Ok(5));
    }

    #[test]
    fn tampering_is_found() {
        let mut c = chain(5);
        c[2].fields[0] = Cow::Borrowed(b"entry 3, edited");
        assert_eq!(verify(c, None), Err(ChainBreak::Altered { seq: 3 }));

        let mut c = chain(5);
        c.remove(2);
        assert_eq!(
            verify(c, None),
            Err(ChainBreak::Gap {
                seq: 4,
                previous: 2
            })
        );

        let mut c = chain(5);
        c.swap(1, 2);
        assert!(verify(c, None).is_err());
    }

    #[test]
    fn field_boundaries_matter() {
        assert_ne!(
            link(&GENESIS, 1, &[b"ab", b"c"]),
            link(&GENESIS, 1, &[b"a", b"bc"])
        );
    }

    #[test]
    fn timestamps_are_canonical() {
        let t = time::macros::datetime!(2026-03-02 23:30:00.123456789 +8);
        assert_eq!(timestamp_field(t), "2026-03-02T15:30:00.123456Z");
        assert_eq!(to_stored_precision(t).nanosecond(), 123_456_000);
    }
}
