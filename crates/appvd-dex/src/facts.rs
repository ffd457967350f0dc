//! The facts the indexes store: constant argument values, their origins, arrays, call kinds.

use crate::app::DexId;
use crate::ids::{FieldIdx, StringIdx};
use crate::symbols::Sym;
use serde::Serialize;
use std::fmt;

/// Where a non-constant value came from, as a set of tags, plus the method parameter it was
/// read from when there is exactly one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Origins(u32);

impl Origins {
    /// No known origin.
    pub const NONE: Origins = Origins(0);
    /// A parameter of the enclosing method ([`Origins::parameter`] gives which, if unique).
    pub const PARAMETER: u32 = 1 << 0;
    /// The receiver (`this`) of the enclosing method.
    pub const THIS: u32 = 1 << 1;
    /// An `Intent` obtained from `getIntent()`.
    pub const INTENT: u32 = 1 << 2;
    /// An Intent extra (`get*Extra`, `getExtras`, and `Bundle` getters on those).
    pub const INTENT_EXTRA: u32 = 1 << 3;
    /// Intent data (`getData`, `getDataString`).
    pub const INTENT_DATA: u32 = 1 << 4;
    /// A URI path (`Uri.getPath`, `getLastPathSegment`, `getPathSegments`).
    pub const URI_PATH: u32 = 1 << 5;
    /// A URI query (`Uri.getQueryParameter`, `getQuery`).
    pub const URI_QUERY: u32 = 1 << 6;
    /// An external storage location (`Environment.getExternalStorage*`,
    /// `Context.getExternal*Dir*`).
    pub const EXTERNAL_STORAGE: u32 = 1 << 7;
    /// The clock (`System.currentTimeMillis`, `nanoTime`).
    pub const TIME: u32 = 1 << 8;
    /// Built by string concatenation or formatting with non-constant parts
    /// (`StringBuilder.toString`, `String.concat`, `String.format`).
    pub const CONCAT: u32 = 1 << 9;
    /// A zip entry name (`ZipEntry.getName`).
    pub const ZIP_ENTRY: u32 = 1 << 10;

    const FLAGS: u32 = 0xffff;
    const NAMES: [(u32, &'static str); 11] = [
        (Self::PARAMETER, "parameter"),
        (Self::THIS, "this"),
        (Self::INTENT, "intent"),
        (Self::INTENT_EXTRA, "intent-extra"),
        (Self::INTENT_DATA, "intent-data"),
        (Self::URI_PATH, "uri-path"),
        (Self::URI_QUERY, "uri-query"),
        (Self::EXTERNAL_STORAGE, "external-storage"),
        (Self::TIME, "time"),
        (Self::CONCAT, "concat"),
        (Self::ZIP_ENTRY, "zip-entry"),
    ];

    /// Origins with the given tag bits.
    pub const fn from_bits(bits: u32) -> Origins {
        Origins(bits & Self::FLAGS)
    }

    /// The whole representation (tags and parameter index), for compact storage.
    pub(crate) const fn raw(self) -> u32 {
        self.0
    }

    /// Inverse of [`Self::raw`].
    pub(crate) const fn from_raw(raw: u32) -> Origins {
        Origins(raw)
    }

    /// The origin of a method parameter (0-based, not counting `this`).
    pub fn parameter(index: u16) -> Origins {
        Origins(Self::PARAMETER | ((u32::from(index) + 1) << 16))
    }

    /// Whether any of the tag bits is set.
    pub fn has(self, bits: u32) -> bool {
        self.0 & bits & Self::FLAGS != 0
    }

    /// Whether no origin is known.
    pub fn is_empty(self) -> bool {
        self.0 & Self::FLAGS == 0
    }

    /// The parameter index, when the value comes from exactly one parameter.
    pub fn parameter_index(self) -> Option<u16> {
        let raw = self.0 >> 16;
        (self.has(Self::PARAMETER) && raw != 0).then(|| (raw - 1) as u16)
    }

    /// The tags of both; a parameter index survives only if both agree on it.
    #[must_use]
    pub fn union(self, other: Origins) -> Origins {
        let flags = (self.0 | other.0) & Self::FLAGS;
        let (a, b) = (self.0 >> 16, other.0 >> 16);
        let param = match (a, b) {
            (0, x) | (x, 0) => x,
            (x, y) if x == y => x,
            _ => 0,
        };
        Origins(flags | (param << 16))
    }

    /// Adds tag bits.
    #[must_use]
    pub fn with(self, bits: u32) -> Origins {
        Origins(self.0 | (bits & Self::FLAGS))
    }

    /// The tag names, e.g. `["intent-extra", "concat"]`.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(bit, _)| self.has(*bit))
            .map(|(_, name)| *name)
            .collect()
    }
}

impl fmt::Debug for Origins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Origins({}", self.names().join("|"))?;
        if let Some(p) = self.parameter_index() {
            write!(f, ", p{p}")?;
        }
        write!(f, ")")
    }
}

/// A string a value refers to: from a DEX string pool, or built during analysis (a
/// `StringBuilder` chain, a known `static final` value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum StrRef {
    /// A pool string.
    Pool {
        /// DEX file.
        dex: DexId,
        /// String index.
        idx: StringIdx,
    },
    /// A string built by the analysis, stored in the index.
    Built(u32),
}

/// Identifies an array value in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ArrayId(pub u32);

/// The statically known value of a register at a call site (or in a field write or return).
///
/// Values are what intra-procedural constant propagation proves. Integer constants carry no
/// type; the parameter type at the call site says whether `Int(0)` is `false`, `0` or `null`
/// (see [`crate::ArgView`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ConstValue {
    /// Not a known constant; the origins tell where it came from, if anywhere interesting.
    Unknown(Origins),
    /// A 32-bit constant (`int`, `boolean`, `char`, `short`, `byte`, float bits, or `null`).
    Int(i32),
    /// A 64-bit constant (`long` or double bits).
    Long(i64),
    /// A string constant.
    String(StrRef),
    /// `s.getBytes(...)` of a constant string.
    StringBytes(StrRef),
    /// `s.toCharArray()` of a constant string.
    StringChars(StrRef),
    /// `Base64.decode(s, ...)` of a constant string.
    Base64Decoded(StrRef),
    /// A class literal (`const-class`).
    Class(Sym),
    /// An object created in this method by `new-instance` at code offset `at`.
    NewInstance {
        /// The instantiated class.
        class: Sym,
        /// Code offset of the `new-instance`.
        at: u32,
    },
    /// An array created in this method.
    Array(ArrayId),
    /// The value of a static field whose value is not known.
    StaticField {
        /// DEX file of the field reference.
        dex: DexId,
        /// The field reference.
        field: FieldIdx,
    },
    /// The object returned by the call at code offset `at` in the same method.
    CallResult {
        /// Code offset of the call.
        at: u32,
    },
}

impl ConstValue {
    /// The origins of an unknown value (empty for constants).
    pub fn origins(&self) -> Origins {
        match self {
            ConstValue::Unknown(o) => *o,
            _ => Origins::NONE,
        }
    }

    /// Whether the value is a compile-time constant (number, string, class, array literal).
    pub fn is_constant(&self) -> bool {
        !matches!(
            self,
            ConstValue::Unknown(_) | ConstValue::CallResult { .. } | ConstValue::StaticField { .. }
        )
    }
}

/// An array built in a method (`new-array` + `fill-array-data` / `aput*`, or
/// `filled-new-array`). Contents are collected over the whole method, not per program point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArrayValue {
    /// Array type descriptor, e.g. `[B`.
    pub array_type: Sym,
    /// Length, when the size register was a constant.
    pub length: Option<u32>,
    /// Elements written with constant indices, sorted by index.
    pub elements: Vec<(u32, ConstValue)>,
    /// `false` if some write used a non-constant index or the array was refilled from unknown
    /// data, so that elements may be missing.
    pub complete: bool,
    /// Code offsets of the calls the array was passed to (an array passed elsewhere may be
    /// filled there, e.g. by `SecureRandom.nextBytes`).
    pub passed_to: Vec<u32>,
}

impl ArrayValue {
    /// Whether the array was passed to a call other than the one at `at`.
    pub fn escapes_besides(&self, at: u32) -> bool {
        self.passed_to.iter().any(|&p| p != at)
    }

    /// Whether every element is known and zero (a freshly allocated, never written array).
    pub fn is_all_zero(&self) -> bool {
        self.complete
            && self
                .elements
                .iter()
                .all(|(_, v)| matches!(v, ConstValue::Int(0) | ConstValue::Long(0)))
    }
}

/// The kind of invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum InvokeKind {
    /// `invoke-virtual`
    Virtual,
    /// `invoke-super`
    Super,
    /// `invoke-direct`
    Direct,
    /// `invoke-static`
    Static,
    /// `invoke-interface`
    Interface,
    /// `invoke-polymorphic`
    Polymorphic,
    /// `invoke-custom`
    Custom,
}

impl InvokeKind {
    /// From an opcode (plain or `/range`).
    pub fn from_opcode(op: u16) -> Option<InvokeKind> {
        Some(match op {
            0x6e | 0x74 => InvokeKind::Virtual,
            0x6f | 0x75 => InvokeKind::Super,
            0x70 | 0x76 => InvokeKind::Direct,
            0x71 | 0x77 => InvokeKind::Static,
            0x72 | 0x78 => InvokeKind::Interface,
            0xfa | 0xfb => InvokeKind::Polymorphic,
            0xfc | 0xfd => InvokeKind::Custom,
            _ => return None,
        })
    }

    /// Whether the first argument register is a receiver.
    pub fn has_receiver(self) -> bool {
        !matches!(self, InvokeKind::Static | InvokeKind::Custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_union_keeps_agreeing_parameter() {
        let p1 = Origins::parameter(1);
        assert_eq!(p1.parameter_index(), Some(1));
        assert_eq!(p1.union(Origins::parameter(1)).parameter_index(), Some(1));
        let both = p1.union(Origins::parameter(2));
        assert!(both.has(Origins::PARAMETER));
        assert_eq!(both.parameter_index(), None);
        let tagged = p1.union(Origins::from_bits(Origins::INTENT_EXTRA));
        assert_eq!(tagged.parameter_index(), Some(1));
        assert_eq!(tagged.names(), ["parameter", "intent-extra"]);
        assert!(Origins::NONE.is_empty());
    }

    #[test]
    fn arrays_know_zero_and_escape() {
        let array = ArrayValue {
            array_type: Sym(0),
            length: Some(2),
            elements: vec![(0, ConstValue::Int(0)), (1, ConstValue::Int(0))],
            complete: true,
            passed_to: vec![10, 20],
        };
        assert!(array.is_all_zero());
        assert!(array.escapes_besides(10));
        assert!(
            !ArrayValue {
                passed_to: vec![10],
                ..array
            }
            .escapes_besides(10)
        );
    }
}
