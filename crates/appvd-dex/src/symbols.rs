//! App-wide interning of descriptors and names, so that the same class or method referenced from
//! different DEX files compares as one integer.

use crate::hash::FxHashMap;
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

/// Interner over MUTF-8 byte strings; strings from the input are borrowed, built ones owned.
#[derive(Debug, Default)]
pub struct Symbols<'a> {
    map: FxHashMap<Cow<'a, [u8]>, Sym>,
    strings: Vec<Cow<'a, [u8]>>,
}

impl<'a> Symbols<'a> {
    /// Interns borrowed bytes.
    pub fn intern(&mut self, bytes: &'a [u8]) -> Sym {
        if let Some(&sym) = self.map.get(bytes) {
            return sym;
        }
        self.insert(Cow::Borrowed(bytes))
    }

    /// Interns an owned string.
    pub fn intern_owned(&mut self, bytes: Vec<u8>) -> Sym {
        if let Some(&sym) = self.map.get(bytes.as_slice()) {
            return sym;
        }
        self.insert(Cow::Owned(bytes))
    }

    fn insert(&mut self, bytes: Cow<'a, [u8]>) -> Sym {
        let sym = Sym(self.strings.len() as u32);
        self.strings.push(bytes.clone());
        self.map.insert(bytes, sym);
        sym
    }

    /// Looks a string up without interning it.
    pub fn get(&self, bytes: &[u8]) -> Option<Sym> {
        self.map.get(bytes).copied()
    }

    /// The bytes of a symbol.
    pub fn bytes(&self, sym: Sym) -> &[u8] {
        self.strings
            .get(sym.0 as usize)
            .map(|c| c.as_ref())
            .unwrap_or_default()
    }

    /// The symbol as text (MUTF-8 decoded, lossy).
    pub fn text(&self, sym: Sym) -> Cow<'_, str> {
        crate::mutf8::decode(self.bytes(sym)).text
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether no symbol was interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
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
}
