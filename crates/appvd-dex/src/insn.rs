//! Decoding Dalvik bytecode into instructions.
//!
//! [`Instructions`] walks a method's code units linearly and yields every instruction with its
//! offset, including the payload pseudo-instructions. It never panics: an undefined opcode is
//! reported and skipped, an instruction that runs past the end of the code is reported and ends
//! the walk.

use crate::opcode::{Format, Opcode};
use crate::reader::{u16_at, u32_at};
use std::fmt;

/// Argument registers of `invoke-*` and `filled-new-array`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegList {
    /// Up to five registers listed one by one (format 35c/45cc).
    Listed {
        /// Number of registers used.
        count: u8,
        /// The registers; only the first `count` are meaningful.
        regs: [u8; 5],
    },
    /// A contiguous range (format 3rc/4rcc).
    Range {
        /// First register.
        first: u16,
        /// Number of registers.
        count: u16,
    },
}

impl RegList {
    /// Number of registers.
    pub fn len(&self) -> usize {
        match *self {
            RegList::Listed { count, .. } => usize::from(count),
            RegList::Range { count, .. } => usize::from(count),
        }
    }

    /// Whether there are no registers.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The register at position `i`.
    pub fn get(&self, i: usize) -> Option<u32> {
        match *self {
            RegList::Listed { count, regs } => {
                if i < usize::from(count) {
                    regs.get(i).map(|&r| u32::from(r))
                } else {
                    None
                }
            }
            RegList::Range { first, count } => {
                (i < usize::from(count)).then(|| u32::from(first) + i as u32)
            }
        }
    }

    /// The registers in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// The operands of an instruction. Register fields are named after the format description
/// (`vA`, `vB`, `vC`); branch targets are relative offsets in code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operands<'a> {
    /// `10x`
    None,
    /// `11x`
    Reg {
        /// `vAA`
        a: u16,
    },
    /// `12x`, `22x`, `32x`
    RegReg {
        /// Destination (or first operand).
        a: u16,
        /// Source.
        b: u16,
    },
    /// `23x`
    RegRegReg {
        /// `vAA`
        a: u16,
        /// `vBB`
        b: u16,
        /// `vCC`
        c: u16,
    },
    /// `11n`, `21s`, `21h`, `31i`, `51l`: the literal is the full value (for `high16` forms the
    /// shifted value, sign-extended to 64 bits).
    RegLit {
        /// Destination.
        a: u16,
        /// The constant.
        lit: i64,
    },
    /// `22b`, `22s`
    RegRegLit {
        /// Destination.
        a: u16,
        /// Source.
        b: u16,
        /// The constant.
        lit: i32,
    },
    /// `10t`, `20t`, `30t`
    Target {
        /// Relative branch offset.
        offset: i32,
    },
    /// `21t`, `31t`
    RegTarget {
        /// Tested register, or the register of a switch / array fill.
        a: u16,
        /// Relative branch or payload offset.
        offset: i32,
    },
    /// `22t`
    RegRegTarget {
        /// First compared register.
        a: u16,
        /// Second compared register.
        b: u16,
        /// Relative branch offset.
        offset: i32,
    },
    /// `21c`, `31c`
    RegIndex {
        /// Register.
        a: u16,
        /// Index into the table named by the opcode's [`crate::IndexKind`].
        index: u32,
    },
    /// `22c`
    RegRegIndex {
        /// Register.
        a: u16,
        /// Object or size register.
        b: u16,
        /// Field or type index.
        index: u32,
    },
    /// `35c`, `3rc`
    Call {
        /// Argument registers.
        regs: RegList,
        /// Method, type or call site index.
        index: u32,
    },
    /// `45cc`, `4rcc`
    CallProto {
        /// Argument registers.
        regs: RegList,
        /// Method index.
        method: u32,
        /// Prototype index.
        proto: u32,
    },
    /// `packed-switch-payload`
    PackedSwitch {
        /// Key of the first target.
        first_key: i32,
        /// Raw little-endian `i32` targets, relative to the switch instruction.
        targets: &'a [u8],
    },
    /// `sparse-switch-payload`
    SparseSwitch {
        /// Raw little-endian `i32` keys, sorted.
        keys: &'a [u8],
        /// Raw little-endian `i32` targets, relative to the switch instruction.
        targets: &'a [u8],
    },
    /// `fill-array-data-payload`
    ArrayData {
        /// Bytes per element (1, 2, 4 or 8).
        element_width: u16,
        /// Number of elements.
        count: u32,
        /// `count * element_width` bytes.
        data: &'a [u8],
    },
}

/// One decoded instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instruction<'a> {
    /// Opcode.
    pub opcode: Opcode,
    /// Size in code units.
    pub size: u32,
    /// Operands.
    pub operands: Operands<'a>,
}

fn read_i32s(bytes: &[u8]) -> impl ExactSizeIterator<Item = i32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

impl<'a> Instruction<'a> {
    /// The destination register the instruction writes, with whether it is a wide pair.
    pub fn dest(&self) -> Option<(u32, bool)> {
        use crate::opcode::flags::{WRITES_A, WRITES_WIDE_A};
        let wide = self.opcode.has(WRITES_WIDE_A);
        if !wide && !self.opcode.has(WRITES_A) {
            return None;
        }
        let a = match self.operands {
            Operands::Reg { a }
            | Operands::RegReg { a, .. }
            | Operands::RegRegReg { a, .. }
            | Operands::RegLit { a, .. }
            | Operands::RegRegLit { a, .. }
            | Operands::RegIndex { a, .. }
            | Operands::RegRegIndex { a, .. } => a,
            _ => return None,
        };
        Some((u32::from(a), wide))
    }

    /// The index operand (string, type, field, method, ...), if any.
    pub fn index(&self) -> Option<u32> {
        match self.operands {
            Operands::RegIndex { index, .. }
            | Operands::RegRegIndex { index, .. }
            | Operands::Call { index, .. } => Some(index),
            Operands::CallProto { method, .. } => Some(method),
            _ => None,
        }
    }

    /// Argument registers of an invoke or `filled-new-array`.
    pub fn arguments(&self) -> Option<RegList> {
        match self.operands {
            Operands::Call { regs, .. } | Operands::CallProto { regs, .. } => Some(regs),
            _ => None,
        }
    }

    /// The relative branch (or payload) offset, if the instruction has one.
    pub fn relative_target(&self) -> Option<i32> {
        match self.operands {
            Operands::Target { offset }
            | Operands::RegTarget { offset, .. }
            | Operands::RegRegTarget { offset, .. } => Some(offset),
            _ => None,
        }
    }

    /// Targets of a switch payload as `(key, relative offset)` pairs.
    pub fn switch_targets(&self) -> Vec<(i32, i32)> {
        match self.operands {
            Operands::PackedSwitch { first_key, targets } => read_i32s(targets)
                .enumerate()
                .map(|(i, t)| (first_key.wrapping_add(i as i32), t))
                .collect(),
            Operands::SparseSwitch { keys, targets } => {
                read_i32s(keys).zip(read_i32s(targets)).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Elements of an array payload, sign-extended.
    pub fn array_elements(&self) -> Vec<i64> {
        let Operands::ArrayData {
            element_width,
            data,
            ..
        } = self.operands
        else {
            return Vec::new();
        };
        let width = usize::from(element_width);
        if width == 0 {
            return Vec::new();
        }
        data.chunks_exact(width)
            .map(|c| match width {
                1 => i64::from(c[0] as i8),
                2 => i64::from(i16::from_le_bytes([c[0], c[1]])),
                4 => i64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                8 => i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
                _ => 0,
            })
            .collect()
    }
}

/// Why an instruction could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// The opcode byte is not defined by any Dalvik version.
    UnknownOpcode(u8),
    /// The instruction or payload runs past the end of the code.
    Truncated(Opcode),
    /// The operands are invalid (e.g. more than five listed registers, a bad array width).
    Malformed(Opcode, &'static str),
}

/// A decoding problem at a code offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset in code units.
    pub offset: u32,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DecodeErrorKind::UnknownOpcode(op) => {
                write!(f, "unknown opcode {op:#04x} at {:#x}", self.offset)
            }
            DecodeErrorKind::Truncated(op) => write!(
                f,
                "{op} at {:#x} runs past the end of the code",
                self.offset
            ),
            DecodeErrorKind::Malformed(op, why) => {
                write!(f, "malformed {op} at {:#x}: {why}", self.offset)
            }
        }
    }
}

/// Decodes the instruction at code unit `pos` of `insns` (the raw bytes of a code item).
pub fn decode_at(insns: &[u8], pos: u32) -> Result<Instruction<'_>, DecodeError> {
    let byte_pos = pos as usize * 2;
    let err = |kind| DecodeError { offset: pos, kind };
    let unit = |i: usize| u16_at(insns, byte_pos + i * 2);
    let Some(u0) = unit(0) else {
        return Err(err(DecodeErrorKind::Truncated(Opcode::NOP)));
    };
    let low = u0 & 0xff;
    if low == 0 && matches!(u0 >> 8, 1..=3) {
        return decode_payload(insns, pos, u0);
    }
    let opcode = Opcode(low);
    if !opcode.is_defined() {
        return Err(err(DecodeErrorKind::UnknownOpcode(low as u8)));
    }
    let format = opcode.format();
    let size = format.units().unwrap_or(1);
    if byte_pos + size as usize * 2 > insns.len() {
        return Err(err(DecodeErrorKind::Truncated(opcode)));
    }
    // Bounds were checked above, so every unit below exists.
    let u = |i: usize| unit(i).unwrap_or(0);
    let aa = u0 >> 8;
    let a4 = (u0 >> 8) & 0xf;
    let b4 = u0 >> 12;
    let wide32 = |i: usize| u32::from(u(i)) | (u32::from(u(i + 1)) << 16);
    let operands = match format {
        Format::F10x => Operands::None,
        Format::F12x => Operands::RegReg { a: a4, b: b4 },
        Format::F11n => Operands::RegLit {
            a: a4,
            lit: i64::from(((u0 >> 12) as i8) << 4 >> 4),
        },
        Format::F11x => Operands::Reg { a: aa },
        Format::F10t => Operands::Target {
            offset: i32::from(aa as u8 as i8),
        },
        Format::F20t => Operands::Target {
            offset: i32::from(u(1) as i16),
        },
        Format::F22x => Operands::RegReg { a: aa, b: u(1) },
        Format::F21t => Operands::RegTarget {
            a: aa,
            offset: i32::from(u(1) as i16),
        },
        Format::F21s => Operands::RegLit {
            a: aa,
            lit: i64::from(u(1) as i16),
        },
        Format::F21h => {
            let lit = if opcode == Opcode::CONST_WIDE_HIGH16 {
                i64::from(u(1) as i16) << 48
            } else {
                i64::from((u32::from(u(1)) << 16) as i32)
            };
            Operands::RegLit { a: aa, lit }
        }
        Format::F21c => Operands::RegIndex {
            a: aa,
            index: u32::from(u(1)),
        },
        Format::F23x => Operands::RegRegReg {
            a: aa,
            b: u(1) & 0xff,
            c: u(1) >> 8,
        },
        Format::F22b => Operands::RegRegLit {
            a: aa,
            b: u(1) & 0xff,
            lit: i32::from((u(1) >> 8) as u8 as i8),
        },
        Format::F22t => Operands::RegRegTarget {
            a: a4,
            b: b4,
            offset: i32::from(u(1) as i16),
        },
        Format::F22s => Operands::RegRegLit {
            a: a4,
            b: b4,
            lit: i32::from(u(1) as i16),
        },
        Format::F22c => Operands::RegRegIndex {
            a: a4,
            b: b4,
            index: u32::from(u(1)),
        },
        Format::F30t => Operands::Target {
            offset: wide32(1) as i32,
        },
        Format::F32x => Operands::RegReg { a: u(1), b: u(2) },
        Format::F31i => {
            let value = i64::from(wide32(1) as i32);
            Operands::RegLit { a: aa, lit: value }
        }
        Format::F31t => Operands::RegTarget {
            a: aa,
            offset: wide32(1) as i32,
        },
        Format::F31c => Operands::RegIndex {
            a: aa,
            index: wide32(1),
        },
        Format::F35c | Format::F45cc => {
            let count = b4 as u8;
            if count > 5 {
                return Err(err(DecodeErrorKind::Malformed(
                    opcode,
                    "more than five argument registers",
                )));
            }
            let fedc = u(2);
            let regs = [
                (fedc & 0xf) as u8,
                ((fedc >> 4) & 0xf) as u8,
                ((fedc >> 8) & 0xf) as u8,
                (fedc >> 12) as u8,
                a4 as u8,
            ];
            let regs = RegList::Listed { count, regs };
            if format == Format::F35c {
                Operands::Call {
                    regs,
                    index: u32::from(u(1)),
                }
            } else {
                Operands::CallProto {
                    regs,
                    method: u32::from(u(1)),
                    proto: u32::from(u(3)),
                }
            }
        }
        Format::F3rc => Operands::Call {
            regs: RegList::Range {
                first: u(2),
                count: aa,
            },
            index: u32::from(u(1)),
        },
        Format::F4rcc => Operands::CallProto {
            regs: RegList::Range {
                first: u(2),
                count: aa,
            },
            method: u32::from(u(1)),
            proto: u32::from(u(3)),
        },
        Format::F51l => {
            let lo = u64::from(wide32(1));
            let hi = u64::from(wide32(3));
            Operands::RegLit {
                a: aa,
                lit: ((hi << 32) | lo) as i64,
            }
        }
        Format::PackedSwitchPayload | Format::SparseSwitchPayload | Format::ArrayPayload => {
            Operands::None
        }
    };
    Ok(Instruction {
        opcode,
        size,
        operands,
    })
}

fn decode_payload(insns: &[u8], pos: u32, ident: u16) -> Result<Instruction<'_>, DecodeError> {
    let opcode = Opcode(ident);
    let byte_pos = pos as usize * 2;
    let truncated = DecodeError {
        offset: pos,
        kind: DecodeErrorKind::Truncated(opcode),
    };
    let rest = insns.get(byte_pos..).ok_or(truncated)?;
    let size16 = u16_at(rest, 2).ok_or(truncated)?;
    match ident {
        0x0100 => {
            let count = usize::from(size16);
            let first_key = u32_at(rest, 4).ok_or(truncated)? as i32;
            let targets = rest.get(8..8 + count * 4).ok_or(truncated)?;
            let units = (count * 2 + 4) as u32;
            Ok(Instruction {
                opcode,
                size: units,
                operands: Operands::PackedSwitch { first_key, targets },
            })
        }
        0x0200 => {
            let count = usize::from(size16);
            let keys = rest.get(4..4 + count * 4).ok_or(truncated)?;
            let targets = rest.get(4 + count * 4..4 + count * 8).ok_or(truncated)?;
            let units = (count * 4 + 2) as u32;
            Ok(Instruction {
                opcode,
                size: units,
                operands: Operands::SparseSwitch { keys, targets },
            })
        }
        _ => {
            let element_width = size16;
            if !matches!(element_width, 1 | 2 | 4 | 8) {
                return Err(DecodeError {
                    offset: pos,
                    kind: DecodeErrorKind::Malformed(opcode, "element width is not 1, 2, 4 or 8"),
                });
            }
            let count = u32_at(rest, 4).ok_or(truncated)?;
            let data_len = u64::from(count) * u64::from(element_width);
            if data_len > rest.len() as u64 {
                return Err(truncated);
            }
            let data = rest.get(8..8 + data_len as usize).ok_or(truncated)?;
            let units = (data_len.div_ceil(2) + 4) as u32;
            Ok(Instruction {
                opcode,
                size: units,
                operands: Operands::ArrayData {
                    element_width,
                    count,
                    data,
                },
            })
        }
    }
}

/// Iterator over the instructions of a code item, in address order.
///
/// Yields `Ok((offset, instruction))` for each instruction, `Err` for an undefined opcode
/// (then continues with the next code unit), a malformed instruction (continues after it) or a
/// truncated one (then stops).
#[derive(Debug, Clone)]
pub struct Instructions<'a> {
    insns: &'a [u8],
    pos: u32,
    end: u32,
    done: bool,
}

impl<'a> Instructions<'a> {
    /// Iterates the instructions of raw code bytes (see [`crate::CodeItem::insns`]).
    pub fn new(insns: &'a [u8]) -> Self {
        Instructions {
            insns,
            pos: 0,
            end: (insns.len() / 2) as u32,
            done: false,
        }
    }
}

impl<'a> Iterator for Instructions<'a> {
    type Item = Result<(u32, Instruction<'a>), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.end {
            return None;
        }
        let pos = self.pos;
        match decode_at(self.insns, pos) {
            Ok(insn) => {
                self.pos = pos.saturating_add(insn.size.max(1));
                Some(Ok((pos, insn)))
            }
            Err(e) => {
                match e.kind {
                    DecodeErrorKind::Truncated(_) => self.done = true,
                    DecodeErrorKind::UnknownOpcode(_) => self.pos = pos + 1,
                    DecodeErrorKind::Malformed(op, _) => {
                        self.pos = pos + op.format().units().unwrap_or(1)
                    }
                }
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(words: &[u16]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn decodes_each_operand_shape() {
        // const/4 v1, -1
        let code = units(&[0xf112]);
        let i = decode_at(&code, 0).expect("const/4");
        assert_eq!(i.operands, Operands::RegLit { a: 1, lit: -1 });
        // const/high16 v0, 0x3f800000
        let code = units(&[0x0015, 0x3f80]);
        assert_eq!(
            decode_at(&code, 0).expect("high16").operands,
            Operands::RegLit {
                a: 0,
                lit: 0x3f80_0000
            }
        );
        // const-wide/high16 v2, 0x4000000000000000
        let code = units(&[0x0219, 0x4000]);
        assert_eq!(
            decode_at(&code, 0).expect("wide high16").operands,
            Operands::RegLit {
                a: 2,
                lit: 0x4000_0000_0000_0000
            }
        );
        // invoke-virtual {v1, v2}, method@3
        let code = units(&[0x206e, 0x0003, 0x0021]);
        let i = decode_at(&code, 0).expect("invoke");
        assert_eq!(
            i.arguments().map(|r| r.iter().collect::<Vec<_>>()),
            Some(vec![1, 2])
        );
        assert_eq!(i.index(), Some(3));
        // invoke-static/range {v4 .. v6}, method@9
        let code = units(&[0x0377, 0x0009, 0x0004]);
        let i = decode_at(&code, 0).expect("range");
        assert_eq!(
            i.arguments().map(|r| r.iter().collect::<Vec<_>>()),
            Some(vec![4, 5, 6])
        );
        // const-wide v0, 0x0123456789abcdef
        let code = units(&[0x0018, 0xcdef, 0x89ab, 0x4567, 0x0123]);
        assert_eq!(
            decode_at(&code, 0).expect("51l").operands,
            Operands::RegLit {
                a: 0,
                lit: 0x0123_4567_89ab_cdef
            }
        );
        // goto -2
        let code = units(&[0xfe28]);
        assert_eq!(
            decode_at(&code, 0).expect("goto").relative_target(),
            Some(-2)
        );
        // add-int/lit8 v0, v1, -3
        let code = units(&[0x00d8, 0xfd01]);
        assert_eq!(
            decode_at(&code, 0).expect("lit8").operands,
            Operands::RegRegLit {
                a: 0,
                b: 1,
                lit: -3
            }
        );
    }

    #[test]
    fn decodes_payloads() {
        let packed = units(&[0x0100, 2, 10, 0, 4, 0, 6, 0]);
        let i = decode_at(&packed, 0).expect("packed");
        assert_eq!(i.size, 8);
        assert_eq!(i.switch_targets(), vec![(10, 4), (11, 6)]);
        let sparse = units(&[0x0200, 1, 0x100, 0, 7, 0]);
        let i = decode_at(&sparse, 0).expect("sparse");
        assert_eq!(i.switch_targets(), vec![(0x100, 7)]);
        let array = units(&[0x0300, 1, 3, 0, 0x0201, 0x00ff]);
        let i = decode_at(&array, 0).expect("array");
        assert_eq!(i.size, 6);
        assert_eq!(i.array_elements(), vec![1, 2, -1]);
    }

    #[test]
    fn bad_code_is_reported_not_panicking() {
        let code = units(&[0x003e, 0x206e, 0x0003]);
        let items: Vec<_> = Instructions::new(&code).collect();
        assert!(matches!(
            items[0],
            Err(DecodeError {
                kind: DecodeErrorKind::UnknownOpcode(0x3e),
                offset: 0
            })
        ));
        assert!(matches!(
            items[1],
            Err(DecodeError {
                kind: DecodeErrorKind::Truncated(_),
                offset: 1
            })
        ));
        assert_eq!(items.len(), 2);
        // Huge payload sizes are bounded by the code length.
        let array = units(&[0x0300, 8, 0xffff, 0xffff]);
        assert!(decode_at(&array, 0).is_err());
        let packed = units(&[0x0100, 0xffff, 0, 0]);
        assert!(decode_at(&packed, 0).is_err());
        // More than five listed registers.
        let code = units(&[0x606e, 0x0003, 0x0021]);
        assert!(matches!(
            decode_at(&code, 0),
            Err(DecodeError {
                kind: DecodeErrorKind::Malformed(..),
                ..
            })
        ));
    }
}
