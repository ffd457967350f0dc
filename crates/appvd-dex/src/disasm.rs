//! Disassembly to smali, in the layout `baksmali` 2.x prints (address-based labels, `.registers`,
//! parameter registers as `pN`, debug directives), so that evidence in reports reads like the
//! tool analysts already know.
//!
//! [`disassemble_class`] prints a whole class, [`method_listing`] one method as addressed lines,
//! from which [`Listing::window`] cuts the instructions around a call site for evidence.

use crate::class::{ClassDef, EncodedMethod};
use crate::code::{CodeItem, DebugEvent};
use crate::file::DexFile;
use crate::ids::{
    AccessFlags, CallSiteIdx, FieldIdx, MethodHandleIdx, MethodIdx, ProtoIdx, StringIdx, TypeIdx,
};
use crate::insn::{DecodeError, Instruction, Instructions, Operands, RegList};
use crate::opcode::{Format, IndexKind, Opcode};
use crate::smali::{self, IndentWriter, Refs, hex, quoted};
use crate::value::Annotation;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

/// Disassembler settings (defaults match `baksmali d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisasmOptions {
    /// Print `.line`, `.local`, `.param` names and other debug directives.
    pub debug_info: bool,
    /// Name parameter registers `pN` instead of `vN`.
    pub parameter_registers: bool,
    /// Print `.locals` (non-parameter registers) instead of `.registers`.
    pub use_locals: bool,
    /// Print a `#@addr` comment before each instruction.
    pub code_offsets: bool,
}

impl Default for DisasmOptions {
    fn default() -> Self {
        DisasmOptions {
            debug_info: true,
            parameter_registers: true,
            use_locals: false,
            code_offsets: false,
        }
    }
}

/// One printed line of a method, with the code address it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingLine {
    /// Code address (in 16-bit units) of the item this line belongs to; `None` for the header
    /// and footer.
    pub address: Option<u32>,
    /// Whether this line starts an instruction (rather than a label, directive or blank line).
    pub is_instruction: bool,
    /// The text, indented as in a `.smali` file.
    pub text: String,
}

/// A disassembled method.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// All lines, from `.method` to `.end method`.
    pub lines: Vec<ListingLine>,
}

impl Listing {
    /// The whole method as text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }

    /// The lines around the instruction at `address`: `before` instructions before it and
    /// `after` instructions after it, with the labels and directives between them.
    pub fn window(&self, address: u32, before: usize, after: usize) -> String {
        let starts: Vec<usize> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_instruction)
            .map(|(i, _)| i)
            .collect();
        let Some(center) = starts
            .iter()
            .position(|&i| self.lines[i].address == Some(address))
        else {
            return String::new();
        };
        let first_insn = center.saturating_sub(before);
        let last_insn = (center + after).min(starts.len().saturating_sub(1));
        // Start at the first line belonging to the first instruction's address (its labels and
        // .line directives come before it).
        let first_address = self.lines[starts[first_insn]].address;
        let mut start = starts[first_insn];
        while start > 0 && self.lines[start - 1].address == first_address && first_address.is_some()
        {
            start -= 1;
        }
        // Stop at the first line of another address (or the footer): the last instruction's
        // own trailing lines (.catch, try end labels) stay, the next one's labels do not.
        let last_address = self.lines[starts[last_insn]].address;
        let mut end = starts[last_insn] + 1;
        while end < self.lines.len() && self.lines[end].address == last_address {
            end += 1;
        }
        let mut out = String::new();
        for line in &self.lines[start..end] {
            if line.text.is_empty() {
                continue;
            }
            out.push_str(line.text.trim_start());
            out.push('\n');
        }
        out
    }
}

/// Disassembles a whole class.
pub fn disassemble_class(dex: &DexFile<'_>, class: &ClassDef, options: &DisasmOptions) -> String {
    let refs = Refs { dex };
    let mut w = IndentWriter::default();
    let descriptor = refs.type_(class.class);
    w.write(".class ");
    for flag in class.access_flags.class_keywords() {
        w.write(flag);
        w.write(" ");
    }
    w.write(&descriptor);
    w.write("\n");
    if let Some(superclass) = class.superclass {
        w.write(&format!(".super {}\n", refs.type_(superclass)));
    }
    if let Some(source) = class.source_file {
        w.write(&format!(".source {}\n", quoted(&dex.string_lossy(source))));
    }
    let interfaces: Vec<String> = dex
        .interfaces(class)
        .map(|list| list.iter().map(|t| refs.type_(t)).collect())
        .unwrap_or_default();
    if !interfaces.is_empty() {
        w.write("\n# interfaces\n");
        for interface in &interfaces {
            w.write(&format!(".implements {interface}\n"));
        }
    }
    let directory = dex
        .annotations_directory(class)
        .ok()
        .flatten()
        .unwrap_or_default();
    let class_annotations = dex
        .annotation_set(directory.class_annotations_off)
        .unwrap_or_default();
    if !class_annotations.is_empty() {
        w.write("\n\n# annotations\n");
        write_annotation_set(&refs, &mut w, &class_annotations);
    }
    let field_annotations: HashMap<FieldIdx, u32> = directory.fields.iter().copied().collect();
    let method_annotations: HashMap<MethodIdx, u32> = directory.methods.iter().copied().collect();
    let parameter_annotations: HashMap<MethodIdx, u32> =
        directory.parameters.iter().copied().collect();

    let (data, _) = dex.class_data(class);
    let static_values = dex.static_values(class).unwrap_or_default();
    let set_in_clinit = fields_set_in_clinit(dex, &data.direct_methods, &descriptor);

    // Text per class stays proportional to the file even when items are shared between classes.
    let limit = dex.data().len().saturating_mul(16).saturating_add(1 << 16);
    let field_clash = "# There is both a static and instance field with this signature.\n# You will need to rename one of these fields, including all references.\n";
    let method_clash = "# There is both a direct and virtual method with this signature.\n# You will need to rename one of these methods, including all references.\n";
    let field_sig = |f: &crate::class::EncodedField| short_field(dex, f.field);
    let method_sig = |m: &EncodedMethod| short_method(dex, m.method);

    let Some(statics) = write_section(
        &mut w,
        "static fields",
        &data.static_fields,
        field_sig,
        None,
        limit,
        |i, field, duplicate| {
            let mut initial = static_values.get(i);
            let mut text = String::new();
            if !duplicate
                && set_in_clinit.contains(&field_sig(field))
                && field.access_flags.is_static()
                && field.access_flags.is_final()
                && let Some(value) = initial
            {
                if value.is_default() {
                    initial = None;
                } else {
                    text.push_str("# The value of this static final field might be set in the static constructor\n");
                }
            }
            text.push_str(&field_text(
                &refs,
                field.field,
                field.access_flags,
                initial,
                field_annotations.get(&field.field),
            ));
            text
        },
    ) else {
        return w.finish();
    };
    let instance_fields = write_section(
        &mut w,
        "instance fields",
        &data.instance_fields,
        field_sig,
        Some((&statics, field_clash)),
        limit,
        |_, field, _| {
            field_text(
                &refs,
                field.field,
                field.access_flags,
                None,
                field_annotations.get(&field.field),
            )
        },
    );
    if instance_fields.is_none() {
        return w.finish();
    }
    let mut printed_code = PrintedCode::new(dex);
    let mut method_text = |_: usize, method: &EncodedMethod, _: bool| {
        shared_or_text(
            dex,
            class,
            method,
            &method_annotations,
            &parameter_annotations,
            options,
            &mut printed_code,
        )
    };
    let Some(direct) = write_section(
        &mut w,
        "direct methods",
        &data.direct_methods,
        method_sig,
        None,
        limit,
        &mut method_text,
    ) else {
        return w.finish();
    };
    write_section(
        &mut w,
        "virtual methods",
        &data.virtual_methods,
        method_sig,
        Some((&direct, method_clash)),
        limit,
        &mut method_text,
    );
    w.finish()
}

/// What a class has printed so far, to keep hostile files from multiplying the output:
/// compilers never share code items between methods, and the code of one class never exceeds
/// the file, so a class that shares code items or claims more code than the file holds gets a
/// note instead of repeated bodies.
struct PrintedCode {
    by_offset: HashMap<u32, String>,
    units: u64,
    limit: u64,
}

impl PrintedCode {
    fn new(dex: &DexFile<'_>) -> Self {
        PrintedCode {
            by_offset: HashMap::new(),
            units: 0,
            limit: dex.data().len() as u64,
        }
    }
}

/// The method's text, or a header with a note when its code item was already printed for
/// another method of the class or the class exceeded its code budget.
fn shared_or_text(
    dex: &DexFile<'_>,
    class: &ClassDef,
    method: &EncodedMethod,
    method_annotations: &HashMap<MethodIdx, u32>,
    parameter_annotations: &HashMap<MethodIdx, u32>,
    options: &DisasmOptions,
    printed: &mut PrintedCode,
) -> String {
    if method.code_off != 0 {
        let header = || {
            let mut header = String::from(".method ");
            for flag in method.access_flags.method_keywords() {
                header.push_str(flag);
                header.push(' ');
            }
            header.push_str(&short_method(dex, method.method));
            header
        };
        if let Some(first) = printed.by_offset.get(&method.code_off) {
            return format!(
                "{}\n    # code item at {:#x} is shared with {first}; not repeated\n.end method\n",
                header(),
                method.code_off
            );
        }
        let units = dex
            .code_item(method.code_off)
            .map(|c| u64::from(c.insns_units()))
            .unwrap_or(0);
        if printed.units + units > printed.limit {
            return format!(
                "{}\n    # code item at {:#x} not printed: the class already printed more code than the file holds\n.end method\n",
                header(),
                method.code_off
            );
        }
        printed.units += units;
        printed
            .by_offset
            .insert(method.code_off, short_method(dex, method.method));
    }
    method_text(
        dex,
        class,
        method,
        method_annotations,
        parameter_annotations,
        options,
    )
}

/// Writes one member section of a class (`# static fields`, `# direct methods`, ...) the way
/// baksmali does: the title before the first member, a blank line before each, repeated
/// signatures commented out, a note for a signature the `clash` section already has. Returns the
/// signatures written, or `None` once the text passed `limit` (after writing a note).
#[allow(clippy::too_many_arguments)]
fn write_section<T>(
    w: &mut IndentWriter,
    title: &str,
    members: &[T],
    signature: impl Fn(&T) -> String,
    clash: Option<(&HashSet<String>, &str)>,
    limit: usize,
    mut text: impl FnMut(usize, &T, bool) -> String,
) -> Option<HashSet<String>> {
    let mut written = HashSet::new();
    for (i, member) in members.iter().enumerate() {
        if w.len() > limit {
            w.write("\n# output truncated: the class is larger than the file could hold\n");
            return None;
        }
        if i == 0 {
            w.write(&format!("\n\n# {title}"));
        }
        w.write("\n");
        let sig = signature(member);
        let duplicate = !written.insert(sig.clone());
        if let Some((other, note)) = clash
            && !duplicate
            && other.contains(&sig)
        {
            w.write(note);
        }
        let body = text(i, member, duplicate);
        write_maybe_commented(
            w,
            &body,
            duplicate,
            if title.ends_with("fields") {
                "# duplicate field ignored\n"
            } else {
                "# duplicate method ignored\n"
            },
        );
    }
    Some(written)
}

fn write_maybe_commented(w: &mut IndentWriter, text: &str, commented: bool, note: &str) {
    if !commented {
        w.write(text);
        return;
    }
    w.write(note);
    for line in text.lines() {
        w.write("#");
        w.write(line);
        w.write("\n");
    }
}

fn short_field(dex: &DexFile<'_>, idx: FieldIdx) -> String {
    match dex.field_id(idx) {
        Ok(f) => format!("{}:{}", dex.string_lossy(f.name), dex.type_lossy(f.type_)),
        Err(_) => format!("<bad field@{}>", idx.0),
    }
}

fn short_method(dex: &DexFile<'_>, idx: MethodIdx) -> String {
    match dex.method_id(idx) {
        Ok(m) => format!(
            "{}{}",
            dex.string_lossy(m.name),
            dex.proto_descriptor(m.proto)
                .unwrap_or_else(|_| format!("<bad proto@{}>", m.proto.0))
        ),
        Err(_) => format!("<bad method@{}>", idx.0),
    }
}

/// Static fields of the class written by its `<clinit>` (baksmali then treats a default
/// initial value as absent and notes a non-default one).
fn fields_set_in_clinit(
    dex: &DexFile<'_>,
    direct: &[EncodedMethod],
    descriptor: &str,
) -> HashSet<String> {
    let mut set = HashSet::new();
    for method in direct {
        let is_clinit = dex.method_id(method.method).is_ok_and(|m| {
            dex.string(m.name)
                .is_ok_and(|n| n.as_bytes() == b"<clinit>")
        });
        if !is_clinit || method.code_off == 0 {
            continue;
        }
        let Ok(code) = dex.code_item(method.code_off) else {
            continue;
        };
        for (_, insn) in Instructions::new(code.insns()).flatten() {
            if (0x67..=0x6d).contains(&insn.opcode.0)
                && let Some(index) = insn.index()
                && let Ok(field) = dex.field_id(FieldIdx(index))
                && dex.type_lossy(field.class) == descriptor
            {
                set.insert(short_field(dex, FieldIdx(index)));
            }
        }
    }
    set
}

fn field_text(
    refs: &Refs<'_, '_>,
    field: FieldIdx,
    flags: AccessFlags,
    initial: Option<&crate::value::EncodedValue>,
    annotations_off: Option<&u32>,
) -> String {
    let mut w = IndentWriter::default();
    w.write(".field ");
    for flag in flags.field_keywords() {
        w.write(flag);
        w.write(" ");
    }
    match refs.dex.field_id(field) {
        Ok(f) => {
            w.write(&refs.dex.string_lossy(f.name));
            w.write(":");
            w.write(&refs.type_(f.type_));
        }
        Err(_) => w.write(&format!("<bad field@{}>", field.0)),
    }
    if let Some(value) = initial {
        w.write(" = ");
        refs.write_value(&mut w, value);
    }
    w.write("\n");
    if let Some(&off) = annotations_off {
        let set = refs.dex.annotation_set(off).unwrap_or_default();
        if !set.is_empty() {
            w.indent(4);
            write_annotation_set(refs, &mut w, &set);
            w.deindent(4);
            w.write(".end field\n");
        }
    }
    w.finish()
}

fn write_annotation_set(refs: &Refs<'_, '_>, w: &mut IndentWriter, set: &[Annotation]) {
    for (i, annotation) in set.iter().enumerate() {
        if i > 0 {
            w.write("\n");
        }
        w.write(&format!(
            ".annotation {} {}\n",
            annotation.visibility_name(),
            refs.type_(annotation.annotation.type_)
        ));
        refs.write_elements(w, &annotation.annotation);
        w.write(".end annotation\n");
    }
}

fn method_text(
    dex: &DexFile<'_>,
    class: &ClassDef,
    method: &EncodedMethod,
    method_annotations: &HashMap<MethodIdx, u32>,
    parameter_annotations: &HashMap<MethodIdx, u32>,
    options: &DisasmOptions,
) -> String {
    let listing = build_listing(
        dex,
        class,
        method,
        method_annotations,
        parameter_annotations,
        options,
    );
    listing.text()
}

/// Disassembles the methods of a class with this name (every overload), in class-data order.
pub fn disassemble_methods(
    dex: &DexFile<'_>,
    class: &ClassDef,
    name: &str,
    options: &DisasmOptions,
) -> String {
    let (data, _) = dex.class_data(class);
    let mut out = String::new();
    for method in data.methods() {
        let matches = dex
            .method_id(method.method)
            .is_ok_and(|m| dex.string_lossy(m.name) == name);
        if matches {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&method_listing(dex, class, method, options).text());
        }
    }
    out
}

/// Disassembles one method of a class.
pub fn method_listing(
    dex: &DexFile<'_>,
    class: &ClassDef,
    method: &EncodedMethod,
    options: &DisasmOptions,
) -> Listing {
    let directory = dex
        .annotations_directory(class)
        .ok()
        .flatten()
        .unwrap_or_default();
    let method_annotations: HashMap<MethodIdx, u32> = directory.methods.iter().copied().collect();
    let parameter_annotations: HashMap<MethodIdx, u32> =
        directory.parameters.iter().copied().collect();
    build_listing(
        dex,
        class,
        method,
        &method_annotations,
        &parameter_annotations,
        options,
    )
}

/// Parameter types of a method and the number of registers they (and `this`) take.
fn parameters(dex: &DexFile<'_>, method: &EncodedMethod) -> (Vec<TypeIdx>, u32) {
    let params: Vec<TypeIdx> = dex
        .method_id(method.method)
        .and_then(|m| dex.proto_id(m.proto))
        .and_then(|p| dex.proto_parameters(&p))
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    let mut words = u32::from(!method.access_flags.is_static());
    for &p in &params {
        words += if is_wide(dex, p) { 2 } else { 1 };
    }
    (params, words)
}

fn is_wide(dex: &DexFile<'_>, ty: TypeIdx) -> bool {
    matches!(
        dex.type_descriptor(ty)
            .map(|d| d.as_bytes().first().copied()),
        Ok(Some(b'J' | b'D'))
    )
}

struct Registers {
    first_param: u32,
    use_p: bool,
}

impl Registers {
    fn name(&self, reg: u32) -> String {
        if self.use_p && reg >= self.first_param {
            format!("p{}", reg - self.first_param)
        } else {
            format!("v{reg}")
        }
    }

    fn list(&self, regs: &RegList) -> String {
        match *regs {
            RegList::Listed { .. } => {
                let names: Vec<String> = regs.iter().map(|r| self.name(r)).collect();
                format!("{{{}}}", names.join(", "))
            }
            RegList::Range { first, count } => {
                if count == 0 {
                    return "{}".into();
                }
                let first = u32::from(first);
                let last = first + u32::from(count) - 1;
                if self.use_p && first >= self.first_param {
                    format!(
                        "{{p{} .. p{}}}",
                        first - self.first_param,
                        last - self.first_param
                    )
                } else {
                    format!("{{{} .. {}}}", self.name(first), self.name(last))
                }
            }
        }
    }
}

/// Name, type and signature of a local variable, as the debug info last described it.
type LocalInfo = (Option<StringIdx>, Option<TypeIdx>, Option<StringIdx>);

/// Sort position of an item at one code address (baksmali's sort orders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tie {
    Seq(u32),
    Label(&'static str),
}

#[derive(Debug)]
struct Item {
    address: u32,
    order: i64,
    tie: Tie,
    text: Option<String>,
    is_instruction: bool,
}

const ORDER_PROLOGUE: i64 = -4;
const ORDER_SOURCE: i64 = -3;
const ORDER_LINE: i64 = -2;
const ORDER_LOCAL: i64 = -1;
const ORDER_LABEL: i64 = 0;
const ORDER_ACCESSOR: i64 = 99;
const ORDER_INSTRUCTION: i64 = 100;
const ORDER_TRY_END: i64 = 101;
const ORDER_CATCH: i64 = 102;
const ORDER_BLANK: i64 = i32::MAX as i64;
const ORDER_OFFSET: i64 = -1000;

fn build_listing(
    dex: &DexFile<'_>,
    class: &ClassDef,
    method: &EncodedMethod,
    method_annotations: &HashMap<MethodIdx, u32>,
    parameter_annotations: &HashMap<MethodIdx, u32>,
    options: &DisasmOptions,
) -> Listing {
    let refs = Refs { dex };
    let mut lines = Vec::new();
    let mut header = String::from(".method ");
    for flag in method.access_flags.method_keywords() {
        header.push_str(flag);
        header.push(' ');
    }
    header.push_str(&short_method(dex, method.method));
    lines.push(ListingLine {
        address: None,
        is_instruction: false,
        text: header,
    });

    let (params, param_words) = parameters(dex, method);
    let code = if method.code_off != 0 {
        Some(dex.code_item(method.code_off))
    } else {
        None
    };
    let code = match code {
        Some(Ok(code)) => Some(code),
        Some(Err(err)) => {
            lines.push(ListingLine {
                address: None,
                is_instruction: false,
                text: format!("    # {err}"),
            });
            None
        }
        None => None,
    };
    let debug = code
        .as_ref()
        .filter(|_| options.debug_info && code.as_ref().is_some_and(|c| c.debug_info_off != 0))
        .and_then(|c| dex.debug_info(c.debug_info_off).ok());

    let mut head = IndentWriter::default();
    head.indent(4);
    if let Some(code) = &code {
        if options.use_locals {
            head.write(&format!(
                ".locals {}\n",
                u32::from(code.registers_size).saturating_sub(param_words)
            ));
        } else {
            head.write(&format!(".registers {}\n", code.registers_size));
        }
    }
    // Parameters: names from debug info, annotations from the annotations directory.
    let param_sets: Vec<u32> = parameter_annotations
        .get(&method.method)
        .and_then(|&off| dex.annotation_set_ref_list(off).ok())
        .unwrap_or_default();
    let mut register = u32::from(!method.access_flags.is_static());
    for (i, &param) in params.iter().enumerate() {
        let name = debug
            .as_ref()
            .and_then(|d| d.parameter_names.get(i).copied().flatten());
        let annotations = param_sets
            .get(i)
            .map(|&off| dex.annotation_set(off).unwrap_or_default())
            .unwrap_or_default();
        if name.is_some() || !annotations.is_empty() {
            let mut line = format!(".param p{register}");
            if let Some(name) = name {
                let _ = write!(line, ", {}", refs.string(name));
            }
            let _ = writeln!(line, "    # {}", refs.type_(param));
            head.write(&line);
            if !annotations.is_empty() {
                head.indent(4);
                write_annotation_set(&refs, &mut head, &annotations);
                head.deindent(4);
                head.write(".end param\n");
            }
        }
        register += if is_wide(dex, param) { 2 } else { 1 };
    }
    if let Some(&off) = method_annotations.get(&method.method) {
        let set = dex.annotation_set(off).unwrap_or_default();
        write_annotation_set(&refs, &mut head, &set);
    }
    if code.is_some() {
        head.write("\n");
    }
    for text in head.finish().lines() {
        lines.push(ListingLine {
            address: None,
            is_instruction: false,
            text: text.to_string(),
        });
    }

    if let Some(code) = &code {
        let registers = Registers {
            first_param: u32::from(code.registers_size).saturating_sub(param_words),
            use_p: options.parameter_registers,
        };
        let class_type = class.class;
        let items = body_items(
            dex,
            code,
            &registers,
            debug.as_ref(),
            &params,
            class_type,
            method,
            options,
        );
        for item in items {
            lines.push(ListingLine {
                address: Some(item.address),
                is_instruction: item.is_instruction,
                text: match item.text {
                    Some(text) => indent_lines(&text, 4),
                    None => String::new(),
                },
            });
        }
    }
    lines.push(ListingLine {
        address: None,
        is_instruction: false,
        text: ".end method".into(),
    });
    // Multi-line items (payloads, annotations) arrive as one string; split them so that every
    // line is indented and addressed.
    let mut split = Vec::with_capacity(lines.len());
    for line in lines {
        if line.text.contains('\n') {
            for (i, part) in line.text.split('\n').enumerate() {
                split.push(ListingLine {
                    address: line.address,
                    is_instruction: line.is_instruction && i == 0,
                    text: part.to_string(),
                });
            }
        } else {
            split.push(line);
        }
    }
    Listing { lines: split }
}

#[allow(clippy::too_many_arguments)]
fn body_items(
    dex: &DexFile<'_>,
    code: &CodeItem<'_>,
    registers: &Registers,
    debug: Option<&crate::code::DebugInfo>,
    params: &[TypeIdx],
    class_type: TypeIdx,
    method: &EncodedMethod,
    options: &DisasmOptions,
) -> Vec<Item> {
    let refs = Refs { dex };
    let decoded: Vec<(u32, Result<Instruction<'_>, DecodeError>)> = Instructions::new(code.insns())
        .map(|r| match r {
            Ok((at, insn)) => (at, Ok(insn)),
            Err(e) => (e.offset, Err(e)),
        })
        .collect();
    let by_address: BTreeMap<u32, usize> = decoded
        .iter()
        .enumerate()
        .map(|(i, (at, _))| (*at, i))
        .collect();

    // Map payload addresses to the switch that uses them (targets are relative to the switch).
    let mut switch_base: HashMap<u32, u32> = HashMap::new();
    for (at, insn) in &decoded {
        let Ok(insn) = insn else { continue };
        if insn.opcode == Opcode::PACKED_SWITCH || insn.opcode == Opcode::SPARSE_SWITCH {
            let wanted = if insn.opcode == Opcode::PACKED_SWITCH {
                Opcode::PACKED_SWITCH_PAYLOAD
            } else {
                Opcode::SPARSE_SWITCH_PAYLOAD
            };
            if let Some(target) = insn
                .relative_target()
                .and_then(|o| at.checked_add_signed(o))
            {
                let payload = payload_at(&decoded, &by_address, target, wanted);
                switch_base.entry(payload.unwrap_or(target)).or_insert(*at);
            }
        }
    }

    let mut labels: BTreeSet<(u32, &'static str)> = BTreeSet::new();
    let mut items: Vec<Item> = Vec::new();
    let mut seq = 0u32;
    let mut next_seq = || {
        seq += 1;
        seq
    };
    let last = decoded.len().saturating_sub(1);
    let text_limit = dex.data().len().saturating_mul(16).saturating_add(1 << 16);
    let mut accessors: HashMap<u32, Option<String>> = HashMap::new();
    let mut text_bytes = 0usize;
    for (i, (at, insn)) in decoded.iter().enumerate() {
        let mut text = match insn {
            Ok(insn) => instruction_text(&refs, registers, *at, insn, &switch_base, &mut labels),
            Err(e) => format!("# {e}"),
        };
        // Every instruction may name the same huge string or type; past the limit the text is
        // replaced so that one method's listing stays proportional to the file.
        text_bytes += text.len();
        if text_bytes > text_limit {
            text = format!(
                "# {} omitted: the method's text outgrew the file",
                insn.map(|i| i.opcode.to_string()).unwrap_or_default()
            );
        }
        if let Ok(insn) = insn
            && matches!(
                insn.opcode.index_kind(),
                IndexKind::Method | IndexKind::MethodAndProto
            )
            && let Some(index) = insn.index()
        {
            let comment = accessors
                .entry(index)
                .or_insert_with(|| crate::accessor::accessor_comment(dex, MethodIdx(index)));
            if let Some(comment) = comment {
                items.push(Item {
                    address: *at,
                    order: ORDER_ACCESSOR,
                    tie: Tie::Seq(next_seq()),
                    text: Some(format!("# {comment}")),
                    is_instruction: false,
                });
            }
        }
        items.push(Item {
            address: *at,
            order: ORDER_INSTRUCTION,
            tie: Tie::Seq(next_seq()),
            text: Some(text),
            is_instruction: true,
        });
        if i != last {
            items.push(Item {
                address: *at,
                order: ORDER_BLANK,
                tie: Tie::Seq(next_seq()),
                text: None,
                is_instruction: false,
            });
        }
        if options.code_offsets {
            items.push(Item {
                address: *at,
                order: ORDER_OFFSET,
                tie: Tie::Seq(next_seq()),
                text: Some(format!("#@{at:x}")),
                is_instruction: false,
            });
        }
    }

    let (tries, _) = code.try_blocks();
    let mut end_labels: HashSet<u32> = HashSet::new();
    for block in &tries {
        let last_covered = by_address
            .range(..block.end.max(1))
            .next_back()
            .map(|(a, _)| *a)
            .unwrap_or(block.start);
        labels.insert((block.start, "try_start_"));
        if end_labels.insert(block.end) {
            items.push(Item {
                address: last_covered,
                order: ORDER_TRY_END,
                tie: Tie::Seq(next_seq()),
                text: Some(format!(":try_end_{:x}", block.end)),
                is_instruction: false,
            });
        }
        for catch in &block.catches {
            let range = format!(
                "{{:try_start_{:x} .. :try_end_{:x}}}",
                block.start, block.end
            );
            let text = match catch.exception {
                Some(ty) => {
                    labels.insert((catch.address, "catch_"));
                    format!(
                        ".catch {} {range} :catch_{:x}",
                        refs.type_(ty),
                        catch.address
                    )
                }
                None => {
                    labels.insert((catch.address, "catchall_"));
                    format!(".catchall {range} :catchall_{:x}", catch.address)
                }
            };
            items.push(Item {
                address: last_covered,
                order: ORDER_CATCH,
                tie: Tie::Seq(next_seq()),
                text: Some(text),
                is_instruction: false,
            });
        }
    }

    if let Some(debug) = debug {
        let mut locals: HashMap<u32, LocalInfo> = HashMap::new();
        let mut reg = registers.first_param;
        if !method.access_flags.is_static() {
            locals.insert(reg, (None, Some(class_type), None));
            reg += 1;
        }
        for (i, &param) in params.iter().enumerate() {
            let name = debug.parameter_names.get(i).copied().flatten();
            locals.insert(reg, (name, Some(param), None));
            reg += if is_wide(dex, param) { 2 } else { 1 };
        }
        let describe = |name: Option<StringIdx>,
                        ty: Option<TypeIdx>,
                        sig: Option<StringIdx>,
                        this: bool|
         -> String {
            let mut s = match name {
                Some(n) => refs.string(n),
                None if this => "\"this\"".to_string(),
                None => "null".to_string(),
            };
            s.push(':');
            s.push_str(&ty.map(|t| refs.type_(t)).unwrap_or_else(|| "V".into()));
            if let Some(sig) = sig {
                s.push_str(", ");
                s.push_str(&refs.string(sig));
            }
            s
        };
        let this_register = (!method.access_flags.is_static()).then_some(registers.first_param);
        for (at, event) in &debug.events {
            let (order, text) = match event {
                DebugEvent::Line(line) => (ORDER_LINE, format!(".line {line}")),
                DebugEvent::StartLocal {
                    register,
                    name,
                    type_,
                    signature,
                } => {
                    locals.insert(*register, (*name, *type_, *signature));
                    let mut text = format!(".local {}", registers.name(*register));
                    if name.is_some() || type_.is_some() || signature.is_some() {
                        text.push_str(", ");
                        text.push_str(&describe(*name, *type_, *signature, false));
                    }
                    (ORDER_LOCAL, text)
                }
                DebugEvent::EndLocal(register) | DebugEvent::RestartLocal(register) => {
                    let keyword = if matches!(event, DebugEvent::EndLocal(_)) {
                        ".end local"
                    } else {
                        ".restart local"
                    };
                    let mut text = format!("{keyword} {}", registers.name(*register));
                    if let Some(&(name, ty, sig)) = locals.get(register)
                        && (name.is_some() || ty.is_some() || sig.is_some())
                    {
                        text.push_str("    # ");
                        text.push_str(&describe(
                            name,
                            ty,
                            sig,
                            Some(*register) == this_register && name.is_none(),
                        ));
                    }
                    (ORDER_LOCAL, text)
                }
                DebugEvent::PrologueEnd => (ORDER_PROLOGUE, ".prologue".to_string()),
                DebugEvent::EpilogueBegin => (ORDER_PROLOGUE, ".epilogue".to_string()),
                DebugEvent::SetFile(name) => (
                    ORDER_SOURCE,
                    match name {
                        Some(n) => format!(".source {}", refs.string(*n)),
                        None => ".source".to_string(),
                    },
                ),
            };
            items.push(Item {
                address: *at,
                order,
                tie: Tie::Seq(next_seq()),
                text: Some(text),
                is_instruction: false,
            });
        }
    }

    for (address, prefix) in labels {
        items.push(Item {
            address,
            order: ORDER_LABEL,
            tie: Tie::Label(prefix),
            text: Some(format!(":{prefix}{address:x}")),
            is_instruction: false,
        });
    }
    items.sort_by_key(|item| (item.address, item.order, item.tie));
    items
}

fn indent_lines(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.split('\n')
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn payload_at(
    decoded: &[(u32, Result<Instruction<'_>, DecodeError>)],
    by_address: &BTreeMap<u32, usize>,
    target: u32,
    wanted: Opcode,
) -> Option<u32> {
    let &index = by_address.get(&target)?;
    match &decoded.get(index)?.1 {
        Ok(insn) if insn.opcode == wanted => Some(target),
        Ok(insn) if insn.opcode == Opcode::NOP => match decoded.get(index + 1) {
            Some((at, Ok(next))) if next.opcode == wanted => Some(*at),
            _ => None,
        },
        _ => None,
    }
}

fn reference(refs: &Refs<'_, '_>, kind: IndexKind, index: u32) -> String {
    match kind {
        IndexKind::String => refs.string(StringIdx(index)),
        IndexKind::Type => refs.type_(TypeIdx(index)),
        IndexKind::Field => refs.field(FieldIdx(index)),
        IndexKind::Method | IndexKind::MethodAndProto => refs.method(MethodIdx(index)),
        IndexKind::Proto => refs.proto(ProtoIdx(index)),
        IndexKind::CallSite => refs.call_site(CallSiteIdx(index)),
        IndexKind::MethodHandle => refs.method_handle(MethodHandleIdx(index)),
        IndexKind::None => format!("{index}"),
    }
}

fn label_prefix(opcode: Opcode) -> &'static str {
    match opcode.0 {
        0x28..=0x2a => "goto_",
        0x2b => "pswitch_data_",
        0x2c => "sswitch_data_",
        0x26 => "array_",
        _ => "cond_",
    }
}

fn instruction_text(
    refs: &Refs<'_, '_>,
    registers: &Registers,
    at: u32,
    insn: &Instruction<'_>,
    switch_base: &HashMap<u32, u32>,
    labels: &mut BTreeSet<(u32, &'static str)>,
) -> String {
    let name = insn.opcode.name().unwrap_or("unknown");
    let r = |reg: u16| registers.name(u32::from(reg));
    let target_label = |offset: i32, labels: &mut BTreeSet<(u32, &'static str)>| -> String {
        let prefix = label_prefix(insn.opcode);
        match at.checked_add_signed(offset) {
            Some(target) => {
                labels.insert((target, prefix));
                format!(":{prefix}{target:x}")
            }
            None => format!("<bad target {offset}>"),
        }
    };
    match insn.operands {
        Operands::None => name.to_string(),
        Operands::Reg { a } => format!("{name} {}", r(a)),
        Operands::RegReg { a, b } => format!("{name} {}, {}", r(a), r(b)),
        Operands::RegRegReg { a, b, c } => format!("{name} {}, {}, {}", r(a), r(b), r(c)),
        Operands::RegLit { a, lit } => {
            let format = insn.opcode.format();
            let wide = insn.opcode.has(crate::opcode::flags::WRITES_WIDE_A);
            let suffix = if wide && matches!(format, Format::F51l | Format::F21h) {
                "L"
            } else {
                ""
            };
            let mut text = format!("{name} {}, {}{suffix}", r(a), hex(lit));
            if matches!(
                format,
                Format::F21h | Format::F21s | Format::F31i | Format::F51l
            ) {
                if wide {
                    if smali::is_likely_double(lit) {
                        let _ = write!(text, "    # {}", smali::double_comment(lit));
                    }
                } else if smali::is_likely_float(lit as i32) {
                    let _ = write!(text, "    # {}", smali::float_comment(lit as i32));
                }
            }
            text
        }
        Operands::RegRegLit { a, b, lit } => {
            format!("{name} {}, {}, {}", r(a), r(b), hex(i64::from(lit)))
        }
        Operands::Target { offset } => format!("{name} {}", target_label(offset, labels)),
        Operands::RegTarget { a, offset } => {
            format!("{name} {}, {}", r(a), target_label(offset, labels))
        }
        Operands::RegRegTarget { a, b, offset } => format!(
            "{name} {}, {}, {}",
            r(a),
            r(b),
            target_label(offset, labels)
        ),
        Operands::RegIndex { a, index } => format!(
            "{name} {}, {}",
            r(a),
            reference(refs, insn.opcode.index_kind(), index)
        ),
        Operands::RegRegIndex { a, b, index } => {
            format!(
                "{name} {}, {}, {}",
                r(a),
                r(b),
                reference(refs, insn.opcode.index_kind(), index)
            )
        }
        Operands::Call { regs, index } => {
            format!(
                "{name} {}, {}",
                registers.list(&regs),
                reference(refs, insn.opcode.index_kind(), index)
            )
        }
        Operands::CallProto {
            regs,
            method,
            proto,
        } => format!(
            "{name} {}, {}, {}",
            registers.list(&regs),
            refs.method(MethodIdx(method)),
            refs.proto(ProtoIdx(proto))
        ),
        Operands::PackedSwitch { first_key, .. } => {
            let mut text = format!(".packed-switch {}\n", hex(i64::from(first_key)));
            let base = switch_base.get(&at).copied();
            for (_, target) in insn.switch_targets() {
                match base.and_then(|b| b.checked_add_signed(target)) {
                    Some(abs) => {
                        labels.insert((abs, "pswitch_"));
                        let _ = writeln!(text, "    :pswitch_{abs:x}");
                    }
                    None => {
                        let _ = writeln!(text, "    +{}", hex(i64::from(target)));
                    }
                }
            }
            text.push_str(".end packed-switch");
            text
        }
        Operands::SparseSwitch { .. } => {
            let mut text = String::from(".sparse-switch\n");
            let base = switch_base.get(&at).copied();
            for (key, target) in insn.switch_targets() {
                match base.and_then(|b| b.checked_add_signed(target)) {
                    Some(abs) => {
                        labels.insert((abs, "sswitch_"));
                        let _ = writeln!(text, "    {} -> :sswitch_{abs:x}", hex(i64::from(key)));
                    }
                    None => {
                        let _ = writeln!(
                            text,
                            "    {} -> +{}",
                            hex(i64::from(key)),
                            hex(i64::from(target))
                        );
                    }
                }
            }
            text.push_str(".end sparse-switch");
            text
        }
        Operands::ArrayData { element_width, .. } => {
            let suffix = match element_width {
                1 => "t",
                2 => "s",
                _ => "",
            };
            let mut text = format!(".array-data {element_width}\n");
            for value in insn.array_elements() {
                // Eight-byte elements get the long suffix only when they do not fit an int.
                let long_suffix = if element_width == 8 && i32::try_from(value).is_err() {
                    "L"
                } else {
                    ""
                };
                let _ = write!(text, "    {}{suffix}{long_suffix}", hex(value));
                if element_width == 4 && smali::is_likely_float(value as i32) {
                    let _ = write!(text, "    # {}", smali::float_comment(value as i32));
                } else if element_width == 8 && smali::is_likely_double(value) {
                    let _ = write!(text, "    # {}", smali::double_comment(value));
                }
                text.push('\n');
            }
            text.push_str(".end array-data");
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_name_parameters() {
        let regs = Registers {
            first_param: 3,
            use_p: true,
        };
        assert_eq!(regs.name(2), "v2");
        assert_eq!(regs.name(3), "p0");
        assert_eq!(
            regs.list(&RegList::Range { first: 3, count: 2 }),
            "{p0 .. p1}"
        );
        assert_eq!(
            regs.list(&RegList::Range { first: 2, count: 2 }),
            "{v2 .. p0}"
        );
        assert_eq!(regs.list(&RegList::Range { first: 0, count: 0 }), "{}");
        assert_eq!(
            regs.list(&RegList::Listed {
                count: 2,
                regs: [1, 4, 0, 0, 0]
            }),
            "{v1, p1}"
        );
        let plain = Registers {
            first_param: 3,
            use_p: false,
        };
        assert_eq!(plain.name(4), "v4");
    }
}
