//! The Dalvik opcode table: names, instruction formats, what each opcode references and does.

use std::fmt;

/// Instruction formats, named as in "Dalvik executable instruction formats": the first digit is
/// the size in 16-bit code units, the second the number of registers, the letter the kind of
/// extra data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Format {
    F10x,
    F12x,
    F11n,
    F11x,
    F10t,
    F20t,
    F22x,
    F21t,
    F21s,
    F21h,
    F21c,
    F23x,
    F22b,
    F22t,
    F22s,
    F22c,
    F30t,
    F32x,
    F31i,
    F31t,
    F31c,
    F35c,
    F3rc,
    F45cc,
    F4rcc,
    F51l,
    /// `packed-switch-payload`
    PackedSwitchPayload,
    /// `sparse-switch-payload`
    SparseSwitchPayload,
    /// `fill-array-data-payload`
    ArrayPayload,
}

impl Format {
    /// Size in code units, for fixed-size formats (`None` for payloads).
    pub fn units(self) -> Option<u32> {
        use Format::*;
        Some(match self {
            F10x | F12x | F11n | F11x | F10t => 1,
            F20t | F22x | F21t | F21s | F21h | F21c | F23x | F22b | F22t | F22s | F22c => 2,
            F30t | F32x | F31i | F31t | F31c | F35c | F3rc => 3,
            F45cc | F4rcc => 4,
            F51l => 5,
            PackedSwitchPayload | SparseSwitchPayload | ArrayPayload => return None,
        })
    }

    /// The format id as the documentation writes it (`"35c"`).
    pub fn id(self) -> &'static str {
        use Format::*;
        match self {
            F10x => "10x",
            F12x => "12x",
            F11n => "11n",
            F11x => "11x",
            F10t => "10t",
            F20t => "20t",
            F22x => "22x",
            F21t => "21t",
            F21s => "21s",
            F21h => "21h",
            F21c => "21c",
            F23x => "23x",
            F22b => "22b",
            F22t => "22t",
            F22s => "22s",
            F22c => "22c",
            F30t => "30t",
            F32x => "32x",
            F31i => "31i",
            F31t => "31t",
            F31c => "31c",
            F35c => "35c",
            F3rc => "3rc",
            F45cc => "45cc",
            F4rcc => "4rcc",
            F51l => "51l",
            PackedSwitchPayload => "packed-switch-payload",
            SparseSwitchPayload => "sparse-switch-payload",
            ArrayPayload => "fill-array-data-payload",
        }
    }
}

/// What the index operand of an instruction refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexKind {
    /// No index operand.
    None,
    /// `string_ids`
    String,
    /// `type_ids`
    Type,
    /// `field_ids`
    Field,
    /// `method_ids`
    Method,
    /// `proto_ids`
    Proto,
    /// `call_site_ids`
    CallSite,
    /// `method_handles`
    MethodHandle,
    /// `invoke-polymorphic`: a method plus a prototype.
    MethodAndProto,
}

/// Behaviour flags of an opcode.
pub mod flags {
    /// Execution may continue with the next instruction.
    pub const CONTINUES: u16 = 1 << 0;
    /// May throw an exception.
    pub const CAN_THROW: u16 = 1 << 1;
    /// Writes register `vA`.
    pub const WRITES_A: u16 = 1 << 2;
    /// Writes the register pair `vA`, `vA+1`.
    pub const WRITES_WIDE_A: u16 = 1 << 3;
    /// A method invocation.
    pub const INVOKE: u16 = 1 << 4;
    /// Sets the result register for a following `move-result*`.
    pub const SETS_RESULT: u16 = 1 << 5;
    /// Branches to a target (`goto`, `if-*`).
    pub const BRANCH: u16 = 1 << 6;
    /// Switches through a payload.
    pub const SWITCH: u16 = 1 << 7;
    /// Returns from the method.
    pub const RETURN: u16 = 1 << 8;
    /// Throws unconditionally.
    pub const THROW: u16 = 1 << 9;
}

/// Static description of one opcode.
#[derive(Debug, Clone, Copy)]
pub struct OpInfo {
    /// Mnemonic (`"invoke-virtual"`), `None` for unused opcodes.
    pub name: Option<&'static str>,
    /// Instruction format.
    pub format: Format,
    /// What the index operand refers to.
    pub index: IndexKind,
    /// Combination of [`flags`].
    pub flags: u16,
}

/// A Dalvik opcode: the low byte of an instruction's first code unit, or one of the three
/// payload identifiers (`0x0100`, `0x0200`, `0x0300`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Opcode(pub u16);

const C: u16 = flags::CONTINUES;
const T: u16 = flags::CAN_THROW;
const W: u16 = flags::WRITES_A;
const WW: u16 = flags::WRITES_WIDE_A;
const INV: u16 = flags::INVOKE | flags::SETS_RESULT | flags::CAN_THROW | flags::CONTINUES;

const fn op(name: &'static str, format: Format, index: IndexKind, flags: u16) -> OpInfo {
    OpInfo {
        name: Some(name),
        format,
        index,
        flags,
    }
}

const UNUSED: OpInfo = OpInfo {
    name: None,
    format: F10x,
    index: IndexKind::None,
    flags: 0,
};

use Format::*;
use IndexKind as I;

static TABLE: [OpInfo; 256] = [
    op("nop", F10x, I::None, C),
    op("move", F12x, I::None, C | W),
    op("move/from16", F22x, I::None, C | W),
    op("move/16", F32x, I::None, C | W),
    op("move-wide", F12x, I::None, C | WW),
    op("move-wide/from16", F22x, I::None, C | WW),
    op("move-wide/16", F32x, I::None, C | WW),
    op("move-object", F12x, I::None, C | W),
    op("move-object/from16", F22x, I::None, C | W),
    op("move-object/16", F32x, I::None, C | W),
    op("move-result", F11x, I::None, C | W),
    op("move-result-wide", F11x, I::None, C | WW),
    op("move-result-object", F11x, I::None, C | W),
    op("move-exception", F11x, I::None, C | W),
    op("return-void", F10x, I::None, flags::RETURN),
    op("return", F11x, I::None, flags::RETURN),
    // 0x10
    op("return-wide", F11x, I::None, flags::RETURN),
    op("return-object", F11x, I::None, flags::RETURN),
    op("const/4", F11n, I::None, C | W),
    op("const/16", F21s, I::None, C | W),
    op("const", F31i, I::None, C | W),
    op("const/high16", F21h, I::None, C | W),
    op("const-wide/16", F21s, I::None, C | WW),
    op("const-wide/32", F31i, I::None, C | WW),
    op("const-wide", F51l, I::None, C | WW),
    op("const-wide/high16", F21h, I::None, C | WW),
    op("const-string", F21c, I::String, C | W | T),
    op("const-string/jumbo", F31c, I::String, C | W | T),
    op("const-class", F21c, I::Type, C | W | T),
    op("monitor-enter", F11x, I::None, C | T),
    op("monitor-exit", F11x, I::None, C | T),
    op("check-cast", F21c, I::Type, C | T),
    // 0x20
    op("instance-of", F22c, I::Type, C | W | T),
    op("array-length", F12x, I::None, C | W | T),
    op("new-instance", F21c, I::Type, C | W | T),
    op("new-array", F22c, I::Type, C | W | T),
    op(
        "filled-new-array",
        F35c,
        I::Type,
        C | T | flags::SETS_RESULT,
    ),
    op(
        "filled-new-array/range",
        F3rc,
        I::Type,
        C | T | flags::SETS_RESULT,
    ),
    op("fill-array-data", F31t, I::None, C | T),
    op("throw", F11x, I::None, T | flags::THROW),
    op("goto", F10t, I::None, flags::BRANCH),
    op("goto/16", F20t, I::None, flags::BRANCH),
    op("goto/32", F30t, I::None, flags::BRANCH),
    op("packed-switch", F31t, I::None, C | flags::SWITCH),
    op("sparse-switch", F31t, I::None, C | flags::SWITCH),
    op("cmpl-float", F23x, I::None, C | W),
    op("cmpg-float", F23x, I::None, C | W),
    op("cmpl-double", F23x, I::None, C | W),
    // 0x30
    op("cmpg-double", F23x, I::None, C | W),
    op("cmp-long", F23x, I::None, C | W),
    op("if-eq", F22t, I::None, C | flags::BRANCH),
    op("if-ne", F22t, I::None, C | flags::BRANCH),
    op("if-lt", F22t, I::None, C | flags::BRANCH),
    op("if-ge", F22t, I::None, C | flags::BRANCH),
    op("if-gt", F22t, I::None, C | flags::BRANCH),
    op("if-le", F22t, I::None, C | flags::BRANCH),
    op("if-eqz", F21t, I::None, C | flags::BRANCH),
    op("if-nez", F21t, I::None, C | flags::BRANCH),
    op("if-ltz", F21t, I::None, C | flags::BRANCH),
    op("if-gez", F21t, I::None, C | flags::BRANCH),
    op("if-gtz", F21t, I::None, C | flags::BRANCH),
    op("if-lez", F21t, I::None, C | flags::BRANCH),
    UNUSED,
    UNUSED,
    // 0x40
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    op("aget", F23x, I::None, C | W | T),
    op("aget-wide", F23x, I::None, C | WW | T),
    op("aget-object", F23x, I::None, C | W | T),
    op("aget-boolean", F23x, I::None, C | W | T),
    op("aget-byte", F23x, I::None, C | W | T),
    op("aget-char", F23x, I::None, C | W | T),
    op("aget-short", F23x, I::None, C | W | T),
    op("aput", F23x, I::None, C | T),
    op("aput-wide", F23x, I::None, C | T),
    op("aput-object", F23x, I::None, C | T),
    op("aput-boolean", F23x, I::None, C | T),
    op("aput-byte", F23x, I::None, C | T),
    // 0x50
    op("aput-char", F23x, I::None, C | T),
    op("aput-short", F23x, I::None, C | T),
    op("iget", F22c, I::Field, C | W | T),
    op("iget-wide", F22c, I::Field, C | WW | T),
    op("iget-object", F22c, I::Field, C | W | T),
    op("iget-boolean", F22c, I::Field, C | W | T),
    op("iget-byte", F22c, I::Field, C | W | T),
    op("iget-char", F22c, I::Field, C | W | T),
    op("iget-short", F22c, I::Field, C | W | T),
    op("iput", F22c, I::Field, C | T),
    op("iput-wide", F22c, I::Field, C | T),
    op("iput-object", F22c, I::Field, C | T),
    op("iput-boolean", F22c, I::Field, C | T),
    op("iput-byte", F22c, I::Field, C | T),
    op("iput-char", F22c, I::Field, C | T),
    op("iput-short", F22c, I::Field, C | T),
    // 0x60
    op("sget", F21c, I::Field, C | W | T),
    op("sget-wide", F21c, I::Field, C | WW | T),
    op("sget-object", F21c, I::Field, C | W | T),
    op("sget-boolean", F21c, I::Field, C | W | T),
    op("sget-byte", F21c, I::Field, C | W | T),
    op("sget-char", F21c, I::Field, C | W | T),
    op("sget-short", F21c, I::Field, C | W | T),
    op("sput", F21c, I::Field, C | T),
    op("sput-wide", F21c, I::Field, C | T),
    op("sput-object", F21c, I::Field, C | T),
    op("sput-boolean", F21c, I::Field, C | T),
    op("sput-byte", F21c, I::Field, C | T),
    op("sput-char", F21c, I::Field, C | T),
    op("sput-short", F21c, I::Field, C | T),
    op("invoke-virtual", F35c, I::Method, INV),
    op("invoke-super", F35c, I::Method, INV),
    // 0x70
    op("invoke-direct", F35c, I::Method, INV),
    op("invoke-static", F35c, I::Method, INV),
    op("invoke-interface", F35c, I::Method, INV),
    UNUSED,
    op("invoke-virtual/range", F3rc, I::Method, INV),
    op("invoke-super/range", F3rc, I::Method, INV),
    op("invoke-direct/range", F3rc, I::Method, INV),
    op("invoke-static/range", F3rc, I::Method, INV),
    op("invoke-interface/range", F3rc, I::Method, INV),
    UNUSED,
    UNUSED,
    op("neg-int", F12x, I::None, C | W),
    op("not-int", F12x, I::None, C | W),
    op("neg-long", F12x, I::None, C | WW),
    op("not-long", F12x, I::None, C | WW),
    op("neg-float", F12x, I::None, C | W),
    // 0x80
    op("neg-double", F12x, I::None, C | WW),
    op("int-to-long", F12x, I::None, C | WW),
    op("int-to-float", F12x, I::None, C | W),
    op("int-to-double", F12x, I::None, C | WW),
    op("long-to-int", F12x, I::None, C | W),
    op("long-to-float", F12x, I::None, C | W),
    op("long-to-double", F12x, I::None, C | WW),
    op("float-to-int", F12x, I::None, C | W),
    op("float-to-long", F12x, I::None, C | WW),
    op("float-to-double", F12x, I::None, C | WW),
    op("double-to-int", F12x, I::None, C | W),
    op("double-to-long", F12x, I::None, C | WW),
    op("double-to-float", F12x, I::None, C | W),
    op("int-to-byte", F12x, I::None, C | W),
    op("int-to-char", F12x, I::None, C | W),
    op("int-to-short", F12x, I::None, C | W),
    // 0x90
    op("add-int", F23x, I::None, C | W),
    op("sub-int", F23x, I::None, C | W),
    op("mul-int", F23x, I::None, C | W),
    op("div-int", F23x, I::None, C | W | T),
    op("rem-int", F23x, I::None, C | W | T),
    op("and-int", F23x, I::None, C | W),
    op("or-int", F23x, I::None, C | W),
    op("xor-int", F23x, I::None, C | W),
    op("shl-int", F23x, I::None, C | W),
    op("shr-int", F23x, I::None, C | W),
    op("ushr-int", F23x, I::None, C | W),
    op("add-long", F23x, I::None, C | WW),
    op("sub-long", F23x, I::None, C | WW),
    op("mul-long", F23x, I::None, C | WW),
    op("div-long", F23x, I::None, C | WW | T),
    op("rem-long", F23x, I::None, C | WW | T),
    // 0xa0
    op("and-long", F23x, I::None, C | WW),
    op("or-long", F23x, I::None, C | WW),
    op("xor-long", F23x, I::None, C | WW),
    op("shl-long", F23x, I::None, C | WW),
    op("shr-long", F23x, I::None, C | WW),
    op("ushr-long", F23x, I::None, C | WW),
    op("add-float", F23x, I::None, C | W),
    op("sub-float", F23x, I::None, C | W),
    op("mul-float", F23x, I::None, C | W),
    op("div-float", F23x, I::None, C | W),
    op("rem-float", F23x, I::None, C | W),
    op("add-double", F23x, I::None, C | WW),
    op("sub-double", F23x, I::None, C | WW),
    op("mul-double", F23x, I::None, C | WW),
    op("div-double", F23x, I::None, C | WW),
    op("rem-double", F23x, I::None, C | WW),
    // 0xb0
    op("add-int/2addr", F12x, I::None, C | W),
    op("sub-int/2addr", F12x, I::None, C | W),
    op("mul-int/2addr", F12x, I::None, C | W),
    op("div-int/2addr", F12x, I::None, C | W | T),
    op("rem-int/2addr", F12x, I::None, C | W | T),
    op("and-int/2addr", F12x, I::None, C | W),
    op("or-int/2addr", F12x, I::None, C | W),
    op("xor-int/2addr", F12x, I::None, C | W),
    op("shl-int/2addr", F12x, I::None, C | W),
    op("shr-int/2addr", F12x, I::None, C | W),
    op("ushr-int/2addr", F12x, I::None, C | W),
    op("add-long/2addr", F12x, I::None, C | WW),
    op("sub-long/2addr", F12x, I::None, C | WW),
    op("mul-long/2addr", F12x, I::None, C | WW),
    op("div-long/2addr", F12x, I::None, C | WW | T),
    op("rem-long/2addr", F12x, I::None, C | WW | T),
    // 0xc0
    op("and-long/2addr", F12x, I::None, C | WW),
    op("or-long/2addr", F12x, I::None, C | WW),
    op("xor-long/2addr", F12x, I::None, C | WW),
    op("shl-long/2addr", F12x, I::None, C | WW),
    op("shr-long/2addr", F12x, I::None, C | WW),
    op("ushr-long/2addr", F12x, I::None, C | WW),
    op("add-float/2addr", F12x, I::None, C | W),
    op("sub-float/2addr", F12x, I::None, C | W),
    op("mul-float/2addr", F12x, I::None, C | W),
    op("div-float/2addr", F12x, I::None, C | W),
    op("rem-float/2addr", F12x, I::None, C | W),
    op("add-double/2addr", F12x, I::None, C | WW),
    op("sub-double/2addr", F12x, I::None, C | WW),
    op("mul-double/2addr", F12x, I::None, C | WW),
    op("div-double/2addr", F12x, I::None, C | WW),
    op("rem-double/2addr", F12x, I::None, C | WW),
    // 0xd0
    op("add-int/lit16", F22s, I::None, C | W),
    op("rsub-int", F22s, I::None, C | W),
    op("mul-int/lit16", F22s, I::None, C | W),
    op("div-int/lit16", F22s, I::None, C | W | T),
    op("rem-int/lit16", F22s, I::None, C | W | T),
    op("and-int/lit16", F22s, I::None, C | W),
    op("or-int/lit16", F22s, I::None, C | W),
    op("xor-int/lit16", F22s, I::None, C | W),
    op("add-int/lit8", F22b, I::None, C | W),
    op("rsub-int/lit8", F22b, I::None, C | W),
    op("mul-int/lit8", F22b, I::None, C | W),
    op("div-int/lit8", F22b, I::None, C | W | T),
    op("rem-int/lit8", F22b, I::None, C | W | T),
    op("and-int/lit8", F22b, I::None, C | W),
    op("or-int/lit8", F22b, I::None, C | W),
    op("xor-int/lit8", F22b, I::None, C | W),
    // 0xe0
    op("shl-int/lit8", F22b, I::None, C | W),
    op("shr-int/lit8", F22b, I::None, C | W),
    op("ushr-int/lit8", F22b, I::None, C | W),
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    // 0xf0
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    UNUSED,
    op("invoke-polymorphic", F45cc, I::MethodAndProto, INV),
    op("invoke-polymorphic/range", F4rcc, I::MethodAndProto, INV),
    op("invoke-custom", F35c, I::CallSite, INV),
    op("invoke-custom/range", F3rc, I::CallSite, INV),
    op("const-method-handle", F21c, I::MethodHandle, C | W | T),
    op("const-method-type", F21c, I::Proto, C | W | T),
];

static PACKED_SWITCH_PAYLOAD_INFO: OpInfo =
    op("packed-switch-payload", PackedSwitchPayload, I::None, 0);
static SPARSE_SWITCH_PAYLOAD_INFO: OpInfo =
    op("sparse-switch-payload", SparseSwitchPayload, I::None, 0);
static ARRAY_PAYLOAD_INFO: OpInfo = op("fill-array-data-payload", ArrayPayload, I::None, 0);

#[allow(missing_docs)]
impl Opcode {
    pub const NOP: Opcode = Opcode(0x00);
    pub const MOVE: Opcode = Opcode(0x01);
    pub const MOVE_FROM16: Opcode = Opcode(0x02);
    pub const MOVE_16: Opcode = Opcode(0x03);
    pub const MOVE_WIDE: Opcode = Opcode(0x04);
    pub const MOVE_WIDE_FROM16: Opcode = Opcode(0x05);
    pub const MOVE_WIDE_16: Opcode = Opcode(0x06);
    pub const MOVE_OBJECT: Opcode = Opcode(0x07);
    pub const MOVE_OBJECT_FROM16: Opcode = Opcode(0x08);
    pub const MOVE_OBJECT_16: Opcode = Opcode(0x09);
    pub const MOVE_RESULT: Opcode = Opcode(0x0a);
    pub const MOVE_RESULT_WIDE: Opcode = Opcode(0x0b);
    pub const MOVE_RESULT_OBJECT: Opcode = Opcode(0x0c);
    pub const MOVE_EXCEPTION: Opcode = Opcode(0x0d);
    pub const RETURN_VOID: Opcode = Opcode(0x0e);
    pub const RETURN: Opcode = Opcode(0x0f);
    pub const RETURN_WIDE: Opcode = Opcode(0x10);
    pub const RETURN_OBJECT: Opcode = Opcode(0x11);
    pub const CONST_4: Opcode = Opcode(0x12);
    pub const CONST_16: Opcode = Opcode(0x13);
    pub const CONST: Opcode = Opcode(0x14);
    pub const CONST_HIGH16: Opcode = Opcode(0x15);
    pub const CONST_WIDE_16: Opcode = Opcode(0x16);
    pub const CONST_WIDE_32: Opcode = Opcode(0x17);
    pub const CONST_WIDE: Opcode = Opcode(0x18);
    pub const CONST_WIDE_HIGH16: Opcode = Opcode(0x19);
    pub const CONST_STRING: Opcode = Opcode(0x1a);
    pub const CONST_STRING_JUMBO: Opcode = Opcode(0x1b);
    pub const CONST_CLASS: Opcode = Opcode(0x1c);
    pub const MONITOR_ENTER: Opcode = Opcode(0x1d);
    pub const MONITOR_EXIT: Opcode = Opcode(0x1e);
    pub const CHECK_CAST: Opcode = Opcode(0x1f);
    pub const INSTANCE_OF: Opcode = Opcode(0x20);
    pub const ARRAY_LENGTH: Opcode = Opcode(0x21);
    pub const NEW_INSTANCE: Opcode = Opcode(0x22);
    pub const NEW_ARRAY: Opcode = Opcode(0x23);
    pub const FILLED_NEW_ARRAY: Opcode = Opcode(0x24);
    pub const FILLED_NEW_ARRAY_RANGE: Opcode = Opcode(0x25);
    pub const FILL_ARRAY_DATA: Opcode = Opcode(0x26);
    pub const THROW: Opcode = Opcode(0x27);
    pub const GOTO: Opcode = Opcode(0x28);
    pub const GOTO_16: Opcode = Opcode(0x29);
    pub const GOTO_32: Opcode = Opcode(0x2a);
    pub const PACKED_SWITCH: Opcode = Opcode(0x2b);
    pub const SPARSE_SWITCH: Opcode = Opcode(0x2c);
    pub const CMP_LONG: Opcode = Opcode(0x31);
    pub const IF_EQ: Opcode = Opcode(0x32);
    pub const IF_NE: Opcode = Opcode(0x33);
    pub const IF_EQZ: Opcode = Opcode(0x38);
    pub const IF_NEZ: Opcode = Opcode(0x39);
    pub const IF_LEZ: Opcode = Opcode(0x3d);
    pub const AGET: Opcode = Opcode(0x44);
    pub const AGET_SHORT: Opcode = Opcode(0x4a);
    pub const APUT: Opcode = Opcode(0x4b);
    pub const APUT_WIDE: Opcode = Opcode(0x4c);
    pub const APUT_OBJECT: Opcode = Opcode(0x4d);
    pub const APUT_SHORT: Opcode = Opcode(0x51);
    pub const IGET: Opcode = Opcode(0x52);
    pub const IGET_SHORT: Opcode = Opcode(0x58);
    pub const IPUT: Opcode = Opcode(0x59);
    pub const IPUT_SHORT: Opcode = Opcode(0x5f);
    pub const SGET: Opcode = Opcode(0x60);
    pub const SGET_WIDE: Opcode = Opcode(0x61);
    pub const SGET_OBJECT: Opcode = Opcode(0x62);
    pub const SGET_BOOLEAN: Opcode = Opcode(0x63);
    pub const SGET_SHORT: Opcode = Opcode(0x66);
    pub const SPUT: Opcode = Opcode(0x67);
    pub const SPUT_SHORT: Opcode = Opcode(0x6d);
    pub const INVOKE_VIRTUAL: Opcode = Opcode(0x6e);
    pub const INVOKE_SUPER: Opcode = Opcode(0x6f);
    pub const INVOKE_DIRECT: Opcode = Opcode(0x70);
    pub const INVOKE_STATIC: Opcode = Opcode(0x71);
    pub const INVOKE_INTERFACE: Opcode = Opcode(0x72);
    pub const INVOKE_VIRTUAL_RANGE: Opcode = Opcode(0x74);
    pub const INVOKE_SUPER_RANGE: Opcode = Opcode(0x75);
    pub const INVOKE_DIRECT_RANGE: Opcode = Opcode(0x76);
    pub const INVOKE_STATIC_RANGE: Opcode = Opcode(0x77);
    pub const INVOKE_INTERFACE_RANGE: Opcode = Opcode(0x78);
    pub const INVOKE_POLYMORPHIC: Opcode = Opcode(0xfa);
    pub const INVOKE_POLYMORPHIC_RANGE: Opcode = Opcode(0xfb);
    pub const INVOKE_CUSTOM: Opcode = Opcode(0xfc);
    pub const INVOKE_CUSTOM_RANGE: Opcode = Opcode(0xfd);
    pub const CONST_METHOD_HANDLE: Opcode = Opcode(0xfe);
    pub const CONST_METHOD_TYPE: Opcode = Opcode(0xff);
    pub const PACKED_SWITCH_PAYLOAD: Opcode = Opcode(0x0100);
    pub const SPARSE_SWITCH_PAYLOAD: Opcode = Opcode(0x0200);
    pub const FILL_ARRAY_DATA_PAYLOAD: Opcode = Opcode(0x0300);
}

impl Opcode {
    /// The static description of this opcode.
    pub fn info(self) -> &'static OpInfo {
        match self.0 {
            0x0000..=0x00ff => &TABLE[usize::from(self.0)],
            0x0100 => &PACKED_SWITCH_PAYLOAD_INFO,
            0x0200 => &SPARSE_SWITCH_PAYLOAD_INFO,
            0x0300 => &ARRAY_PAYLOAD_INFO,
            _ => &UNUSED,
        }
    }

    /// Mnemonic, `None` for unused opcodes.
    pub fn name(self) -> Option<&'static str> {
        self.info().name
    }

    /// Whether the opcode is defined.
    pub fn is_defined(self) -> bool {
        self.info().name.is_some()
    }

    /// Format.
    pub fn format(self) -> Format {
        self.info().format
    }

    /// What the index operand refers to.
    pub fn index_kind(self) -> IndexKind {
        self.info().index
    }

    /// Whether any of `flags` is set.
    #[inline]
    pub fn has(self, flags: u16) -> bool {
        self.info().flags & flags != 0
    }

    /// `invoke-*` of any kind, including `/range`, polymorphic and custom.
    pub fn is_invoke(self) -> bool {
        self.has(flags::INVOKE)
    }

    /// A payload pseudo-instruction.
    pub fn is_payload(self) -> bool {
        matches!(self.0, 0x0100 | 0x0200 | 0x0300)
    }

    /// `iget*` / `iput*` / `sget*` / `sput*`.
    pub fn is_field_access(self) -> bool {
        (0x52..=0x6d).contains(&self.0)
    }

    /// `iput*` / `sput*`.
    pub fn is_field_write(self) -> bool {
        (0x59..=0x5f).contains(&self.0) || (0x67..=0x6d).contains(&self.0)
    }

    /// `sget*` / `sput*`.
    pub fn is_static_field_access(self) -> bool {
        (0x60..=0x6d).contains(&self.0)
    }

    /// `if-*` (two-register or zero-compare).
    pub fn is_conditional_branch(self) -> bool {
        (0x32..=0x3d).contains(&self.0)
    }
}

impl fmt::Debug for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Opcode({name})"),
            None => write!(f, "Opcode(unused {:#04x})", self.0),
        }
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "unused-{:02x}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_documented_layout() {
        let defined = (0u16..256).filter(|&b| Opcode(b).is_defined()).count();
        // 256 minus the unused ranges 3e-43 (6), 73 (1), 79-7a (2), e3-f9 (23).
        assert_eq!(defined, 256 - 32);
        assert_eq!(Opcode(0x1b).name(), Some("const-string/jumbo"));
        assert_eq!(Opcode(0xd1).name(), Some("rsub-int"));
        assert_eq!(Opcode(0xe2).name(), Some("ushr-int/lit8"));
        assert_eq!(Opcode(0xfa).format(), F45cc);
        assert_eq!(Opcode(0xfb).format(), F4rcc);
        assert_eq!(Opcode(0xfc).index_kind(), IndexKind::CallSite);
        assert_eq!(Opcode(0xfe).index_kind(), IndexKind::MethodHandle);
        assert_eq!(Opcode(0xff).index_kind(), IndexKind::Proto);
        assert!(!Opcode(0x73).is_defined());
        assert!(Opcode::INVOKE_INTERFACE_RANGE.is_invoke());
        assert!(Opcode::FILL_ARRAY_DATA_PAYLOAD.is_payload());
        assert_eq!(
            Opcode::PACKED_SWITCH_PAYLOAD.name(),
            Some("packed-switch-payload")
        );
    }

    #[test]
    fn every_defined_opcode_is_consistent() {
        for b in 0u16..256 {
            let op = Opcode(b);
            let Some(name) = op.name() else { continue };
            let info = op.info();
            assert!(info.format.units().is_some(), "{name}");
            if name.starts_with("invoke") {
                assert!(op.is_invoke(), "{name}");
            }
            if info.flags & flags::WRITES_WIDE_A != 0 {
                assert!(info.flags & flags::WRITES_A == 0, "{name}");
            }
            if name.starts_with("if-") {
                assert!(op.is_conditional_branch(), "{name}");
            }
        }
    }
}
