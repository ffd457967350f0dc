//! App-wide interning of descriptors and names, so that the same class or method referenced from
//! different DEX files compares as one integer.
//!
//! An app has tens of thousands of symbols, so the interner keeps them lean: text from the input
//! is borrowed, text built during analysis (prototype descriptors) is appended to one arena, and
//! the lookup table holds symbol numbers, not copies of the keys.

use crate::hash::{IdTable, hash_bytes};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// An interned byte string (a type descriptor, a member name or a prototype descriptor), valid
/// for the [`crate::App`] that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Sym(pub u32);

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sym#{}", self.0)
    }
}

/// Where a symbol's bytes are.
#[derive(Debug, Clone, Copy)]
enum Span<'a> {
    /// Borrowed from the input (or from static data).
    Input(&'a [u8]),
    /// In [`Symbols::built`].
    Built { start: u32, len: u32 },
}

/// Placeholder interned when the arena of built strings cannot address more bytes.
const ARENA_FULL: &[u8] = b"<symbol arena full>";

/// Interner over MUTF-8 byte strings; strings from the input are borrowed, built ones copied
/// into one arena.
#[derive(Debug, Default)]
pub struct Symbols<'a> {
    spans: Vec<Span<'a>>,
    built: Vec<u8>,
    table: IdTable,
}

impl<'a> Symbols<'a> {
    /// Interns borrowed bytes.
    pub fn intern(&mut self, bytes: &'a [u8]) -> Sym {
        let hash = hash_bytes(bytes);
        if let Some(sym) = self.find(hash, bytes) {
            return sym;
        }
        self.insert(hash, Span::Input(bytes))
    }

    /// Interns an owned string.
    pub fn intern_owned(&mut self, bytes: Vec<u8>) -> Sym {
        self.intern_copy(&bytes)
    }

    /// Interns a string that does not live as long as the input, copying it if it is new.
    pub(crate) fn intern_copy(&mut self, bytes: &[u8]) -> Sym {
        let hash = hash_bytes(bytes);
        if let Some(sym) = self.find(hash, bytes) {
            return sym;
        }
        let start = self.built.len();
        let (Ok(start32), Ok(len)) = (u32::try_from(start), u32::try_from(bytes.len())) else {
            return self.intern(ARENA_FULL);
        };
        if start32.checked_add(len).is_none() {
            return self.intern(ARENA_FULL);
        }
        self.built.extend_from_slice(bytes);
        self.insert(
            hash,
            Span::Built {
                start: start32,
                len,
            },
        )
    }

    fn find(&self, hash: u64, bytes: &[u8]) -> Option<Sym> {
        self.table
            .find(hash, |id| self.bytes(Sym(id)) == bytes)
            .map(Sym)
    }

    fn insert(&mut self, hash: u64, span: Span<'a>) -> Sym {
        let sym = Sym(self.spans.len() as u32);
        self.spans.push(span);
        self.table.insert_new(hash, sym.0);
        sym
    }

    /// Releases the spare capacity left by growing (interning is over once the app is built).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.spans.shrink_to_fit();
        self.built.shrink_to_fit();
    }

    /// Looks a string up without interning it.
    pub fn get(&self, bytes: &[u8]) -> Option<Sym> {
        self.find(hash_bytes(bytes), bytes)
    }

    /// The bytes of a symbol.
    pub fn bytes(&self, sym: Sym) -> &[u8] {
        match self.spans.get(sym.0 as usize) {
            Some(Span::Input(bytes)) => bytes,
            Some(&Span::Built { start, len }) => self
                .built
                .get(start as usize..start as usize + len as usize)
                .unwrap_or_default(),
            None => &[],
        }
    }

    /// The symbol as text (MUTF-8 decoded, lossy).
    pub fn text(&self, sym: Sym) -> Cow<'_, str> {
        crate::mutf8::decode(self.bytes(sym)).text
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no symbol was interned.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_and_owned_share_symbols() {
        let text = b"Ljava/lang/Object;".to_vec();
        let mut symbols = Symbols::default();
        let a = symbols.intern(&text);
        let b = symbols.intern_owned(b"Ljava/lang/Object;".to_vec());
        assert_eq!(a, b);
        let c = symbols.intern(b"V");
        assert_ne!(a, c);
        assert_eq!(symbols.text(c), "V");
        assert_eq!(symbols.get(b"missing"), None);
        assert_eq!(symbols.len(), 2);
    }

    #[test]
    fn built_strings_share_one_arena() {
        let mut symbols = Symbols::default();
        let names: Vec<String> = (0..500).map(|i| format!("(I{i})V")).collect();
        let syms: Vec<Sym> = names
            .iter()
            .map(|n| symbols.intern_copy(n.as_bytes()))
            .collect();
        let input = b"(I7)V".to_vec();
        assert_eq!(symbols.intern(&input), syms[7]);
        symbols.shrink_to_fit();
        for (name, sym) in names.iter().zip(&syms) {
            assert_eq!(symbols.bytes(*sym), name.as_bytes());
            assert_eq!(symbols.get(name.as_bytes()), Some(*sym));
        }
        assert_eq!(symbols.len(), names.len());
        assert_eq!(symbols.bytes(Sym(u32::MAX)), b"");
        let empty = symbols.intern_copy(b"");
        assert_eq!(symbols.bytes(empty), b"");
    }
}
