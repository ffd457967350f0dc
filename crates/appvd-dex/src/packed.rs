//! [`PackedValue`]: a [`ConstValue`] in eight bytes, the form the index stores argument values,
//! field values and return values in (an app has hundreds of thousands of them, and a
//! `ConstValue` takes sixteen).
//!
//! A packed value is a 4-bit tag and a 60-bit payload. Every variant fits except a `long` beyond
//! 60 bits and a `new-instance` at a code offset beyond 28 bits; those few go to an overflow
//! table kept next to the packed values, and the payload is their position in it.

use crate::app::DexId;
use crate::facts::{ArrayId, ConstValue, Origins, StrRef};
use crate::ids::{FieldIdx, StringIdx};
use crate::symbols::Sym;

const UNKNOWN: u64 = 0;
const INT: u64 = 1;
const LONG: u64 = 2;
const OVERFLOW: u64 = 3;
const STRING: u64 = 4;
const STRING_BYTES: u64 = 5;
const STRING_CHARS: u64 = 6;
const BASE64_DECODED: u64 = 7;
const CLASS: u64 = 8;
const NEW_INSTANCE: u64 = 9;
const ARRAY: u64 = 10;
const STATIC_FIELD: u64 = 11;
const CALL_RESULT: u64 = 12;
const ABSENT: u64 = 13;

const TAG_BITS: u32 = 4;
const TAG_MASK: u64 = (1 << TAG_BITS) - 1;
/// Code offsets of `new-instance` that fit next to the 32-bit class symbol.
const INLINE_AT_LIMIT: u32 = 1 << 28;

/// A [`ConstValue`] (or no value) in eight bytes. Stored as two words so that records holding
/// one need only 4-byte alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedValue([u32; 2]);

impl PackedValue {
    /// No value (a method that never returns normally, for instance).
    pub(crate) const ABSENT: PackedValue = PackedValue::from_bits(ABSENT);

    const fn from_bits(bits: u64) -> PackedValue {
        PackedValue([bits as u32, (bits >> 32) as u32])
    }

    fn bits(self) -> u64 {
        u64::from(self.0[0]) | (u64::from(self.0[1]) << 32)
    }

    fn new(tag: u64, payload: u64) -> PackedValue {
        PackedValue::from_bits((payload << TAG_BITS) | tag)
    }

    fn tag(self) -> u64 {
        self.bits() & TAG_MASK
    }

    fn payload(self) -> u64 {
        self.bits() >> TAG_BITS
    }

    /// Packs a value, appending it to `overflow` if it does not fit.
    pub(crate) fn pack(value: ConstValue, overflow: &mut Vec<ConstValue>) -> PackedValue {
        let string = |s: StrRef| match s {
            StrRef::Pool { dex, idx } => (u64::from(idx.0) << 17) | (u64::from(dex.0) << 1),
            StrRef::Built(id) => (u64::from(id) << 1) | 1,
        };
        match value {
            ConstValue::Unknown(origins) => PackedValue::new(UNKNOWN, u64::from(origins.raw())),
            ConstValue::Int(i) => PackedValue::new(INT, u64::from(i as u32)),
            ConstValue::Long(l) if (l << TAG_BITS) >> TAG_BITS == l => {
                PackedValue::new(LONG, (l as u64) & (u64::MAX >> TAG_BITS))
            }
            ConstValue::String(s) => PackedValue::new(STRING, string(s)),
            ConstValue::StringBytes(s) => PackedValue::new(STRING_BYTES, string(s)),
            ConstValue::StringChars(s) => PackedValue::new(STRING_CHARS, string(s)),
            ConstValue::Base64Decoded(s) => PackedValue::new(BASE64_DECODED, string(s)),
            ConstValue::Class(class) => PackedValue::new(CLASS, u64::from(class.0)),
            ConstValue::NewInstance { class, at } if at < INLINE_AT_LIMIT => {
                PackedValue::new(NEW_INSTANCE, u64::from(class.0) | (u64::from(at) << 32))
            }
            ConstValue::Array(ArrayId(id)) => PackedValue::new(ARRAY, u64::from(id)),
            ConstValue::StaticField { dex, field } => {
                PackedValue::new(STATIC_FIELD, u64::from(dex.0) | (u64::from(field.0) << 16))
            }
            ConstValue::CallResult { at } => PackedValue::new(CALL_RESULT, u64::from(at)),
            ConstValue::Long(_) | ConstValue::NewInstance { .. } => {
                overflow.push(value);
                PackedValue::new(OVERFLOW, overflow.len() as u64 - 1)
            }
        }
    }

    /// The value, `None` for [`Self::ABSENT`]. `overflow` is the table [`Self::pack`] used.
    pub(crate) fn unpack(self, overflow: &[ConstValue]) -> Option<ConstValue> {
        let payload = self.payload();
        let low = payload as u32;
        let high = (payload >> 32) as u32;
        let string = || {
            if payload & 1 == 1 {
                StrRef::Built((payload >> 1) as u32)
            } else {
                StrRef::Pool {
                    dex: DexId((payload >> 1) as u16),
                    idx: StringIdx((payload >> 17) as u32),
                }
            }
        };
        Some(match self.tag() {
            UNKNOWN => ConstValue::Unknown(Origins::from_raw(low)),
            INT => ConstValue::Int(low as i32),
            LONG => ConstValue::Long(((payload << TAG_BITS) as i64) >> TAG_BITS),
            OVERFLOW => overflow
                .get(payload as usize)
                .copied()
                .unwrap_or(ConstValue::Unknown(Origins::NONE)),
            STRING => ConstValue::String(string()),
            STRING_BYTES => ConstValue::StringBytes(string()),
            STRING_CHARS => ConstValue::StringChars(string()),
            BASE64_DECODED => ConstValue::Base64Decoded(string()),
            CLASS => ConstValue::Class(Sym(low)),
            NEW_INSTANCE => ConstValue::NewInstance {
                class: Sym(low),
                at: high,
            },
            ARRAY => ConstValue::Array(ArrayId(low)),
            STATIC_FIELD => ConstValue::StaticField {
                dex: DexId(payload as u16),
                field: FieldIdx((payload >> 16) as u32),
            },
            CALL_RESULT => ConstValue::CallResult { at: low },
            _ => return None,
        })
    }

    /// The value with the ids it refers to moved by the given offsets, for tables built in
    /// pieces and then concatenated.
    pub(crate) fn rebase(self, arrays: u32, built: u32, overflow: u32) -> PackedValue {
        let payload = self.payload();
        match self.tag() {
            ARRAY => PackedValue::new(ARRAY, u64::from((payload as u32).wrapping_add(arrays))),
            OVERFLOW => PackedValue::new(OVERFLOW, payload + u64::from(overflow)),
            tag @ (STRING | STRING_BYTES | STRING_CHARS | BASE64_DECODED) if payload & 1 == 1 => {
                let id = ((payload >> 1) as u32).wrapping_add(built);
                PackedValue::new(tag, (u64::from(id) << 1) | 1)
            }
            _ => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<ConstValue> {
        vec![
            ConstValue::Unknown(Origins::NONE),
            ConstValue::Unknown(Origins::parameter(3).with(Origins::INTENT_EXTRA)),
            ConstValue::Unknown(Origins::parameter(u16::MAX)),
            ConstValue::Int(0),
            ConstValue::Int(-1),
            ConstValue::Int(i32::MIN),
            ConstValue::Long(0),
            ConstValue::Long(-5),
            ConstValue::Long((1 << 59) - 1),
            ConstValue::Long(-(1 << 59)),
            ConstValue::Long(1 << 59),
            ConstValue::Long(i64::MAX),
            ConstValue::Long(i64::MIN),
            ConstValue::String(StrRef::Pool {
                dex: DexId(u16::MAX),
                idx: StringIdx(u32::MAX),
            }),
            ConstValue::StringBytes(StrRef::Built(u32::MAX)),
            ConstValue::StringChars(StrRef::Pool {
                dex: DexId(2),
                idx: StringIdx(7),
            }),
            ConstValue::Base64Decoded(StrRef::Built(0)),
            ConstValue::Class(Sym(u32::MAX)),
            ConstValue::NewInstance {
                class: Sym(u32::MAX),
                at: INLINE_AT_LIMIT - 1,
            },
            ConstValue::NewInstance {
                class: Sym(9),
                at: u32::MAX,
            },
            ConstValue::Array(ArrayId(u32::MAX)),
            ConstValue::StaticField {
                dex: DexId(u16::MAX),
                field: FieldIdx(u32::MAX),
            },
            ConstValue::CallResult { at: u32::MAX },
        ]
    }

    #[test]
    fn every_value_round_trips() {
        let mut overflow = Vec::new();
        for value in samples() {
            let packed = PackedValue::pack(value, &mut overflow);
            assert_eq!(packed.unpack(&overflow), Some(value), "{value:?}");
        }
        // Only the long beyond 60 bits and the far new-instance needed the table.
        assert_eq!(overflow.len(), 4);
        assert_eq!(PackedValue::ABSENT.unpack(&overflow), None);
        assert_eq!(size_of::<PackedValue>(), 8);
        assert_eq!(align_of::<PackedValue>(), 4);
    }

    #[test]
    fn rebasing_moves_only_ids() {
        let mut overflow = vec![ConstValue::Int(0); 3];
        for value in samples() {
            let packed = PackedValue::pack(value, &mut overflow);
            let mut moved_overflow = vec![ConstValue::Int(1); 10];
            moved_overflow.extend_from_slice(&overflow);
            let moved = packed.rebase(100, 1000, 10).unpack(&moved_overflow);
            let expected = match value {
                ConstValue::Array(ArrayId(id)) => ConstValue::Array(ArrayId(id.wrapping_add(100))),
                ConstValue::StringBytes(StrRef::Built(id)) => {
                    ConstValue::StringBytes(StrRef::Built(id.wrapping_add(1000)))
                }
                ConstValue::Base64Decoded(StrRef::Built(id)) => {
                    ConstValue::Base64Decoded(StrRef::Built(id + 1000))
                }
                other => other,
            };
            assert_eq!(moved, Some(expected), "{value:?}");
        }
    }
}
