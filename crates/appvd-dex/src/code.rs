//! Code items: register counts, instructions, try blocks and catch handlers, debug info.

use crate::error::DexError;
use crate::file::DexFile;
use crate::ids::{StringIdx, TypeIdx};
use crate::reader::{Cursor, u16_at, u32_at};

/// `code_item`: the body of one method.
#[derive(Debug, Clone, Copy)]
pub struct CodeItem<'a> {
    /// Offset of the item in the file.
    pub offset: u32,
    /// Number of registers the method uses.
    pub registers_size: u16,
    /// Number of words of incoming arguments (the last `ins_size` registers).
    pub ins_size: u16,
    /// Number of words of outgoing argument space for calls.
    pub outs_size: u16,
    /// Number of try items.
    pub tries_size: u16,
    /// Offset of the debug info, 0 for none.
    pub debug_info_off: u32,
    insns: &'a [u8],
    tries: &'a [u8],
    handlers: &'a [u8],
}

/// One catch clause of a try block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchClause {
    /// The exception type, `None` for a catch-all.
    pub exception: Option<TypeIdx>,
    /// Handler address in code units.
    pub address: u32,
}

/// A try block with its handlers (catch clauses in order, the catch-all last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryBlock {
    /// First covered code unit.
    pub start: u32,
    /// One past the last covered code unit.
    pub end: u32,
    /// Byte offset of the handler in the handler list (identifies shared handlers).
    pub handler_offset: u16,
    /// The catch clauses.
    pub catches: Vec<CatchClause>,
}

impl<'a> CodeItem<'a> {
    /// A code item over raw instruction bytes, for tests of code that consumes code items.
    #[cfg(test)]
    pub(crate) fn for_test(registers_size: u16, insns: &'a [u8]) -> CodeItem<'a> {
        CodeItem {
            offset: 0,
            registers_size,
            ins_size: 0,
            outs_size: 0,
            tries_size: 0,
            debug_info_off: 0,
            insns,
            tries: &[],
            handlers: &[],
        }
    }

    /// The instruction bytes (`insns_size` 16-bit code units, little-endian).
    pub fn insns(&self) -> &'a [u8] {
        self.insns
    }

    /// Number of 16-bit code units of instructions.
    pub fn insns_units(&self) -> u32 {
        (self.insns.len() / 2) as u32
    }

    /// The code unit at `index`.
    pub fn unit(&self, index: u32) -> Option<u16> {
        u16_at(self.insns, (index as usize).checked_mul(2)?)
    }

    /// Decodes the try blocks and their handlers. Blocks that cannot be decoded are skipped and the
    /// first error is returned alongside.
    pub fn try_blocks(&self) -> (Vec<TryBlock>, Option<DexError>) {
        let mut blocks = Vec::with_capacity(usize::from(self.tries_size));
        let mut error = None;
        for i in 0..usize::from(self.tries_size) {
            let at = i * 8;
            let (Some(start), Some(count), Some(handler_offset)) = (
                u32_at(self.tries, at),
                u16_at(self.tries, at + 4),
                u16_at(self.tries, at + 6),
            ) else {
                error.get_or_insert(DexError::malformed(
                    "try_item",
                    u64::from(self.offset),
                    "truncated",
                ));
                break;
            };
            match parse_handler(self.handlers, usize::from(handler_offset)) {
                Ok(catches) => blocks.push(TryBlock {
                    start,
                    end: start.saturating_add(u32::from(count)),
                    handler_offset,
                    catches,
                }),
                Err(reason) => {
                    error.get_or_insert(DexError::malformed(
                        "encoded_catch_handler",
                        u64::from(self.offset),
                        format!("try item {i}: {reason}"),
                    ));
                }
            }
        }
        (blocks, error)
    }
}

fn parse_handler(handlers: &[u8], offset: usize) -> Result<Vec<CatchClause>, &'static str> {
    let mut cursor = Cursor::new(handlers, offset);
    let size = cursor.sleb128().ok_or("handler outside the handler list")?;
    let typed = size.unsigned_abs() as usize;
    // Each typed clause takes at least two bytes.
    if typed > handlers.len() / 2 {
        return Err("handler count larger than the handler list");
    }
    let mut catches = Vec::with_capacity(typed + 1);
    for _ in 0..typed {
        let (Some(type_idx), Some(address)) = (cursor.uleb128(), cursor.uleb128()) else {
            return Err("truncated handler");
        };
        catches.push(CatchClause {
            exception: Some(TypeIdx(type_idx)),
            address,
        });
    }
    if size <= 0 {
        let address = cursor.uleb128().ok_or("truncated catch-all address")?;
        catches.push(CatchClause {
            exception: None,
            address,
        });
    }
    Ok(catches)
}

impl<'a> DexFile<'a> {
    /// The code item at `offset`.
    pub fn code_item(&self, offset: u32) -> Result<CodeItem<'a>, DexError> {
        let data = self.data();
        let start = offset as usize;
        let what = "code_item";
        let mut cursor = Cursor::new(data, start);
        let (
            Some(registers_size),
            Some(ins_size),
            Some(outs_size),
            Some(tries_size),
            Some(debug_info_off),
            Some(insns_size),
        ) = (
            cursor.u16(),
            cursor.u16(),
            cursor.u16(),
            cursor.u16(),
            cursor.u32(),
            cursor.u32(),
        )
        else {
            return Err(DexError::out_of_bounds(what, offset));
        };
        let insns_bytes = (insns_size as usize)
            .checked_mul(2)
            .ok_or(DexError::out_of_bounds(what, offset))?;
        let insns = cursor
            .bytes(insns_bytes)
            .ok_or(DexError::out_of_bounds(what, offset))?;
        let (tries, handlers) = if tries_size > 0 {
            if insns_size % 2 == 1 {
                cursor
                    .bytes(2)
                    .ok_or(DexError::out_of_bounds(what, offset))?;
            }
            let tries = cursor
                .bytes(usize::from(tries_size) * 8)
                .ok_or(DexError::out_of_bounds(what, offset))?;
            let handlers = data.get(cursor.pos()..).unwrap_or_default();
            (tries, handlers)
        } else {
            (&[][..], &[][..])
        };
        if ins_size > registers_size {
            return Err(DexError::malformed(
                what,
                offset,
                format!("ins_size {ins_size} > registers_size {registers_size}"),
            ));
        }
        Ok(CodeItem {
            offset,
            registers_size,
            ins_size,
            outs_size,
            tries_size,
            debug_info_off,
            insns,
            tries,
            handlers,
        })
    }
}

/// One event of the debug info state machine, at a code address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebugEvent {
    /// A new source line starts at this address.
    Line(u32),
    /// A local variable comes into scope.
    StartLocal {
        /// Register.
        register: u32,
        /// Name, if recorded.
        name: Option<StringIdx>,
        /// Type, if recorded.
        type_: Option<TypeIdx>,
        /// Generic signature, if recorded.
        signature: Option<StringIdx>,
    },
    /// A local variable goes out of scope.
    EndLocal(u32),
    /// A local variable comes back into scope.
    RestartLocal(u32),
    /// End of the method prologue.
    PrologueEnd,
    /// Start of the method epilogue.
    EpilogueBegin,
    /// The source file changes.
    SetFile(Option<StringIdx>),
}

/// Decoded `debug_info_item`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebugInfo {
    /// Initial line number.
    pub line_start: u32,
    /// Parameter names (without `this`), `None` where not recorded.
    pub parameter_names: Vec<Option<StringIdx>>,
    /// Events as `(address in code units, event)`, in order.
    pub events: Vec<(u32, DebugEvent)>,
}

impl DebugInfo {
    /// The source line of the instruction at `address`, if the line table covers it.
    pub fn line_at(&self, address: u32) -> Option<u32> {
        let mut line = None;
        for (at, event) in &self.events {
            if *at > address {
                break;
            }
            if let DebugEvent::Line(l) = event {
                line = Some(*l);
            }
        }
        line
    }
}

impl DexFile<'_> {
    /// Decodes the debug info at `offset`. Every event consumes at least one byte, so the event
    /// list is bounded by the item; events addressed past the code are kept (they print after
    /// the last instruction).
    pub fn debug_info(&self, offset: u32) -> Result<DebugInfo, DexError> {
        let data = self.data();
        let what = "debug_info_item";
        let mut cursor = Cursor::new(data, offset as usize);
        let bad = |cursor: &Cursor<'_>, reason: &str| {
            DexError::malformed(what, cursor.pos() as u64, reason)
        };
        let line_start = cursor
            .uleb128()
            .ok_or_else(|| bad(&cursor, "truncated header"))?;
        let parameters_size = cursor
            .uleb128()
            .ok_or_else(|| bad(&cursor, "truncated header"))?;
        let remaining = data.len().saturating_sub(cursor.pos());
        if parameters_size as usize > remaining {
            return Err(bad(&cursor, "parameter count larger than the item"));
        }
        let mut parameter_names = Vec::with_capacity(parameters_size as usize);
        for _ in 0..parameters_size {
            let name = cursor
                .uleb128p1()
                .ok_or_else(|| bad(&cursor, "truncated parameter names"))?;
            parameter_names.push(name.map(StringIdx));
        }
        let mut events = Vec::new();
        let mut address: u32 = 0;
        let mut line: u32 = line_start;
        loop {
            let opcode = cursor
                .u8()
                .ok_or_else(|| bad(&cursor, "missing DBG_END_SEQUENCE"))?;
            match opcode {
                0x00 => break,
                0x01 => {
                    let diff = cursor
                        .uleb128()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_ADVANCE_PC"))?;
                    address = address.saturating_add(diff);
                }
                0x02 => {
                    let diff = cursor
                        .sleb128()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_ADVANCE_LINE"))?;
                    line = line.wrapping_add_signed(diff);
                }
                0x03 | 0x04 => {
                    let register = cursor
                        .uleb128()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_START_LOCAL"))?;
                    let name = cursor
                        .uleb128p1()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_START_LOCAL"))?;
                    let type_ = cursor
                        .uleb128p1()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_START_LOCAL"))?;
                    let signature = if opcode == 0x04 {
                        cursor
                            .uleb128p1()
                            .ok_or_else(|| bad(&cursor, "truncated DBG_START_LOCAL_EXTENDED"))?
                    } else {
                        None
                    };
                    events.push((
                        address,
                        DebugEvent::StartLocal {
                            register,
                            name: name.map(StringIdx),
                            type_: type_.map(TypeIdx),
                            signature: signature.map(StringIdx),
                        },
                    ));
                }
                0x05 => {
                    let register = cursor
                        .uleb128()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_END_LOCAL"))?;
                    events.push((address, DebugEvent::EndLocal(register)));
                }
                0x06 => {
                    let register = cursor
                        .uleb128()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_RESTART_LOCAL"))?;
                    events.push((address, DebugEvent::RestartLocal(register)));
                }
                0x07 => events.push((address, DebugEvent::PrologueEnd)),
                0x08 => events.push((address, DebugEvent::EpilogueBegin)),
                0x09 => {
                    let name = cursor
                        .uleb128p1()
                        .ok_or_else(|| bad(&cursor, "truncated DBG_SET_FILE"))?;
                    events.push((address, DebugEvent::SetFile(name.map(StringIdx))));
                }
                special => {
                    // Special opcodes advance both address and line (DBG_FIRST_SPECIAL = 0x0a,
                    // DBG_LINE_BASE = -4, DBG_LINE_RANGE = 15).
                    let adjusted = u32::from(special - 0x0a);
                    line = line.wrapping_add_signed((adjusted % 15) as i32 - 4);
                    address = address.saturating_add(adjusted / 15);
                    events.push((address, DebugEvent::Line(line)));
                }
            }
        }
        Ok(DebugInfo {
            line_start,
            parameter_names,
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_with_catch_all() {
        // size -1: one typed clause plus catch-all.
        let bytes = [0x7f, 0x03, 0x10, 0x20];
        let catches = parse_handler(&bytes, 0).expect("parses");
        assert_eq!(
            catches,
            [
                CatchClause {
                    exception: Some(TypeIdx(3)),
                    address: 0x10
                },
                CatchClause {
                    exception: None,
                    address: 0x20
                }
            ]
        );
        assert!(parse_handler(&bytes, 9).is_err());
        assert!(parse_handler(&[0x7e], 0).is_err());
    }
}
