//! Recognising compiler-generated synthetic accessors (`access$000` and friends), so that the
//! disassembly of a call to one says what it really touches (`# getter for: Lcom/Foo;->bar:I`),
//! as baksmali does.
//!
//! An accessor is a synthetic method of the referenced class whose body starts with one of a few
//! instruction shapes: a field get or put followed by a return, a call followed by a return, or a
//! get, arithmetic, put and return for `++`, `--` and compound assignments.

use crate::file::DexFile;
use crate::ids::{AccessFlags, FieldIdx, MethodIdx};
use crate::insn::{Instruction, Instructions, Operands};
use crate::smali::Refs;

/// What an accessor does to the member its first instruction names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Method,
    Getter,
    Setter,
    PrefixIncrement,
    PostfixIncrement,
    PrefixDecrement,
    PostfixDecrement,
    /// A compound assignment, with its operator (`+=`, `<<=`, ...).
    Assignment(&'static str),
}

impl Access {
    fn text(self) -> String {
        match self {
            Access::Method => "invokes: ".into(),
            Access::Getter => "getter for: ".into(),
            Access::Setter => "setter for: ".into(),
            Access::PrefixIncrement => "++operator for: ".into(),
            Access::PostfixIncrement => "operator++ for: ".into(),
            Access::PrefixDecrement => "--operator for: ".into(),
            Access::PostfixDecrement => "operator-- for: ".into(),
            Access::Assignment(op) => format!("{op} operator for: "),
        }
    }
}

/// Operand type of an arithmetic instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    Int,
    Long,
    Float,
    Double,
}

fn is_get(op: u16) -> bool {
    (0x52..=0x58).contains(&op) || (0x60..=0x66).contains(&op)
}

fn is_put(op: u16) -> bool {
    (0x59..=0x5f).contains(&op) || (0x67..=0x6d).contains(&op)
}

fn is_invoke(op: u16) -> bool {
    (0x6e..=0x72).contains(&op) || (0x74..=0x78).contains(&op)
}

fn is_return_value(op: u16) -> bool {
    (0x0f..=0x11).contains(&op)
}

fn is_conversion(op: u16) -> bool {
    (0x81..=0x8f).contains(&op)
}

/// The compound-assignment operator and operand type of a three-register or `/2addr`
/// arithmetic instruction.
fn arithmetic(op: u16) -> Option<(&'static str, Number)> {
    let base = match op {
        0x90..=0xaf => op,
        0xb0..=0xcf => op - 0x20,
        _ => return None,
    };
    let (index, number) = match base {
        0x90..=0x9a => (base - 0x90, Number::Int),
        0x9b..=0xa5 => (base - 0x9b, Number::Long),
        0xa6..=0xaa => (base - 0xa6, Number::Float),
        _ => (base - 0xab, Number::Double),
    };
    let ops = [
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>=",
    ];
    ops.get(usize::from(index)).map(|&o| (o, number))
}

fn register_a(insn: &Instruction<'_>) -> Option<u16> {
    match insn.operands {
        Operands::Reg { a } | Operands::RegIndex { a, .. } | Operands::RegRegIndex { a, .. } => {
            Some(a)
        }
        _ => None,
    }
}

/// Increment or decrement, from the constant added, whether it was subtracted, and whether the
/// value put back is the one returned (prefix) or not (postfix).
fn increment(constant: i64, number: Number, subtract: bool, prefix: bool) -> Option<Access> {
    let value = match number {
        Number::Int | Number::Long => constant as f64,
        Number::Float => f64::from(f32::from_bits(constant as u32)),
        Number::Double => f64::from_bits(constant as u64),
    };
    let negative = if value == 1.0 {
        false
    } else if value == -1.0 {
        true
    } else {
        return None;
    };
    let adds = negative == subtract;
    Some(match (prefix, adds) {
        (true, true) => Access::PrefixIncrement,
        (true, false) => Access::PrefixDecrement,
        (false, true) => Access::PostfixIncrement,
        (false, false) => Access::PostfixDecrement,
    })
}

/// Matches the start of an accessor body against the accessor shapes.
fn classify(insns: &[Instruction<'_>]) -> Option<Access> {
    let op = |i: usize| insns.get(i).map(|x| x.opcode.0);
    let first = op(0)?;
    if is_put(first) {
        return is_return_value(op(1)?).then_some(Access::Setter);
    }
    if is_invoke(first) {
        let second = op(1)?;
        let returns =
            second == 0x0e || ((0x0a..=0x0c).contains(&second) && is_return_value(op(2)?));
        return returns.then_some(Access::Method);
    }
    if !is_get(first) {
        return None;
    }
    let second = op(1)?;
    if is_return_value(second) {
        return Some(Access::Getter);
    }
    // get, put, return: the put register equals the returned one for prefix forms.
    let finish = |put_at: usize| -> Option<bool> {
        let put = insns.get(put_at)?;
        let ret = insns.get(put_at + 1)?;
        if !is_put(put.opcode.0) || !is_return_value(ret.opcode.0) {
            return None;
        }
        Some(register_a(put)? == register_a(ret)?)
    };
    // get, add-int/lit, [conversion], put, return
    if second == 0xd8 || second == 0xd0 {
        let Operands::RegRegLit { lit, .. } = insns.get(1)?.operands else {
            return None;
        };
        let put_at = if is_conversion(op(2)?) { 3 } else { 2 };
        let prefix = finish(put_at)?;
        return increment(i64::from(lit), Number::Int, false, prefix);
    }
    // get, const, add/sub, put, return
    if (0x12..=0x19).contains(&second) {
        let Operands::RegLit { lit, .. } = insns.get(1)?.operands else {
            return None;
        };
        let (operator, number) = arithmetic(op(2)?)?;
        if operator != "+=" && operator != "-=" {
            return None;
        }
        let prefix = finish(3)?;
        return increment(lit, number, operator == "-=", prefix);
    }
    // get, [conversion], arithmetic, up to two conversions, put, return
    let mut at = 1;
    if is_conversion(second) {
        at += 1;
    }
    let (operator, _) = arithmetic(op(at)?)?;
    at += 1;
    for _ in 0..2 {
        if op(at).is_some_and(is_conversion) {
            at += 1;
        }
    }
    finish(at).map(|_| Access::Assignment(operator))
}

/// The comment baksmali puts before a call to a synthetic accessor (without the leading `# `),
/// or `None` if `method` is not one.
pub(crate) fn accessor_comment(dex: &DexFile<'_>, method: MethodIdx) -> Option<String> {
    let id = dex.method_id(method).ok()?;
    let name = dex.string(id.name).ok()?;
    if !name.as_bytes().starts_with(b"access$") {
        return None;
    }
    let class = dex.class_def_for(id.class)?;
    let (data, _) = dex.class_data(&class);
    let proto = dex.proto_descriptor(id.proto).ok()?;
    let target = data.methods().find(|m| {
        m.code_off != 0
            && dex.method_id(m.method).is_ok_and(|other| {
                dex.string(other.name)
                    .is_ok_and(|n| n.as_bytes() == name.as_bytes())
                    && dex.proto_descriptor(other.proto).is_ok_and(|p| p == proto)
            })
    })?;
    if !target.access_flags.contains(AccessFlags::SYNTHETIC) {
        return None;
    }
    let code = dex.code_item(target.code_off).ok()?;
    // The longest shape is seven instructions.
    let insns: Vec<Instruction<'_>> = Instructions::new(code.insns())
        .take(8)
        .map_while(|r| r.ok().map(|(_, i)| i))
        .collect();
    let access = classify(&insns)?;
    let refs = Refs { dex };
    let index = insns.first()?.index()?;
    let member = if access == Access::Method {
        refs.method(MethodIdx(index))
    } else {
        refs.field(FieldIdx(index))
    };
    Some(format!("{}{member}", access.text()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insn::decode_at;

    fn classify_words(words: &[u16]) -> Option<Access> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut insns = Vec::new();
        let mut pos = 0;
        while (pos as usize) < words.len() {
            let insn = decode_at(&bytes, pos).expect("decodes");
            pos += insn.size;
            insns.push(insn);
        }
        classify(&insns)
    }

    #[test]
    fn recognises_the_accessor_shapes() {
        // iget v0, v1, field@2 ; return v0
        assert_eq!(classify_words(&[0x1052, 2, 0x000f]), Some(Access::Getter));
        // iput v0, v1, field@2 ; return v0
        assert_eq!(classify_words(&[0x1059, 2, 0x000f]), Some(Access::Setter));
        // invoke-static {}, method@1 ; return-void
        assert_eq!(
            classify_words(&[0x0071, 1, 0, 0x000e]),
            Some(Access::Method)
        );
        // invoke-virtual {v1}, method@1 ; move-result v0 ; return v0
        assert_eq!(
            classify_words(&[0x1071, 1, 1, 0x000a, 0x000f]),
            Some(Access::Method)
        );
        // iget v0, v2, f ; add-int/lit8 v1, v0, 1 ; iput v1, v2, f ; return v0  (postfix ++)
        assert_eq!(
            classify_words(&[0x2052, 2, 0x00d8 | 0x0100, 0x0100, 0x2159, 2, 0x000f]),
            Some(Access::PostfixIncrement)
        );
        // ... add-int/lit8 v0, v0, -1 ; iput v0 ; return v0  (prefix --)
        assert_eq!(
            classify_words(&[0x2052, 2, 0x00d8, 0xff00, 0x2059, 2, 0x000f]),
            Some(Access::PrefixDecrement)
        );
        // iget v0 ; shl-int/2addr v0, v3 ; iput v0 ; return v0
        assert_eq!(
            classify_words(&[0x2052, 2, 0x30b8, 0x2059, 2, 0x000f]),
            Some(Access::Assignment("<<="))
        );
        // Anything else is not an accessor.
        assert_eq!(classify_words(&[0x0012, 0x000f]), None);
        assert_eq!(classify_words(&[0x1052, 2, 0x000e]), None);
    }
}
