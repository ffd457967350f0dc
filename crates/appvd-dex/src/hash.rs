//! A fast non-cryptographic hasher for the interning and index maps (keys are small integers and
//! short byte strings from the input; the maps are rebuilt for every app, so hash flooding only
//! costs time on that app, which the caps on counts already bound).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Multiply-rotate hasher in the style of rustc's `FxHasher`.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// `HashSet` with [`FxHasher`].
pub type FxHashSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The [`FxHasher`] hash of a byte string.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(bytes);
    hasher.finish()
}

/// The [`FxHasher`] hash of a few words.
pub(crate) fn hash_words(words: &[u32]) -> u64 {
    let mut hasher = FxHasher::default();
    for &word in words {
        hasher.write_u32(word);
    }
    hasher.finish()
}

/// Marks an empty [`IdTable`] slot.
const EMPTY: u32 = u32::MAX;

/// A hash index over `u32` ids whose keys live elsewhere (usually in the vector the ids index),
/// so that a lookup table costs 8 bytes per slot instead of a map entry holding a copy of the
/// key. Open addressing with linear probing; each slot keeps the id and 32 bits of the key's
/// hash, which settles most probes without touching the key and lets the table grow without
/// rehashing keys.
#[derive(Debug, Default, Clone)]
pub(crate) struct IdTable {
    /// `(id, hash)`; `id == EMPTY` for a free slot. The length is zero or a power of two.
    slots: Vec<(u32, u32)>,
    len: usize,
}

impl IdTable {
    /// The id whose key has this hash and satisfies `is_key`.
    pub(crate) fn find(&self, hash: u64, mut is_key: impl FnMut(u32) -> bool) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let short = short_hash(hash);
        let mut at = short as usize & mask;
        loop {
            let &(id, slot_hash) = self.slots.get(at)?;
            if id == EMPTY {
                return None;
            }
            if slot_hash == short && is_key(id) {
                return Some(id);
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds an id whose key is not in the table yet (the caller checked with [`Self::find`]).
    /// `u32::MAX` cannot be stored and is ignored.
    pub(crate) fn insert_new(&mut self, hash: u64, id: u32) {
        if id == EMPTY {
            return;
        }
        // At most three quarters full, so that probes stay short and always end.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.resize(slots_for(self.len + 1).max(self.slots.len() * 2));
        }
        self.place(short_hash(hash), id);
        self.len += 1;
    }

    fn place(&mut self, short: u32, id: u32) {
        let mask = self.slots.len() - 1;
        let mut at = short as usize & mask;
        while let Some(slot) = self.slots.get_mut(at) {
            if slot.0 == EMPTY {
                *slot = (id, short);
                return;
            }
            at = (at + 1) & mask;
        }
    }

    fn resize(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![(EMPTY, 0); slots]);
        for (id, short) in old {
            if id != EMPTY {
                self.place(short, id);
            }
        }
    }
}

/// Slots for `count` ids at most three quarters full.
fn slots_for(count: usize) -> usize {
    (count.saturating_mul(4) / 3 + 1).next_power_of_two().max(8)
}

/// The hash bits a slot keeps (the high half: the multiply in [`FxHasher`] mixes upwards).
fn short_hash(hash: u64) -> u32 {
    (hash >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn hash_of<T: Hash>(value: T) -> u64 {
        let mut h = FxHasher::default();
        value.hash(&mut h);
        h.finish()
    }

    #[test]
    fn id_table_finds_what_was_inserted() {
        let keys: Vec<String> = (0..1000).map(|i| format!("key{i}")).collect();
        let mut table = IdTable::default();
        for (id, key) in keys.iter().enumerate() {
            let hash = hash_bytes(key.as_bytes());
            assert_eq!(table.find(hash, |i| keys[i as usize] == *key), None);
            table.insert_new(hash, id as u32);
        }
        assert_eq!(table.len, keys.len());
        for (id, key) in keys.iter().enumerate() {
            let hash = hash_bytes(key.as_bytes());
            assert_eq!(
                table.find(hash, |i| keys[i as usize] == *key),
                Some(id as u32)
            );
        }
        let missing = hash_bytes(b"absent");
        assert_eq!(table.find(missing, |i| keys[i as usize] == "absent"), None);
        // Every key colliding on one hash still resolves by comparing keys.
        let mut colliding = IdTable::default();
        for id in 0..50 {
            colliding.insert_new(7, id);
        }
        assert_eq!(colliding.find(7, |i| i == 42), Some(42));
        assert_eq!(colliding.find(7, |i| i == 99), None);
        assert_eq!(IdTable::default().find(7, |_| true), None);
    }

    #[test]
    fn distinguishes_short_keys() {
        assert_ne!(hash_of(b"ab".as_slice()), hash_of(b"ba".as_slice()));
        assert_ne!(hash_of(b"a".as_slice()), hash_of(b"a\0".as_slice()));
        let mut map: FxHashMap<&[u8], u32> = FxHashMap::default();
        map.insert(b"Ljava/lang/String;", 1);
        assert_eq!(map.get(b"Ljava/lang/String;".as_slice()), Some(&1));
    }
}
