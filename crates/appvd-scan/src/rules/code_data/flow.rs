//! A forward "may carry" analysis over one method's registers, for the rules that must know
//! whether a value *derived from* something (a password field, user input, a `java.util.Random`)
//! reaches a call, and not only whether it is a constant.
//!
//! The engine's constant propagation answers "which constant is this argument"; it forgets what
//! was appended to a `StringBuilder` that is no longer a constant, and what an instance field
//! read returned. Here every register holds a small set of labels (a bit set). A [`Policy`] says
//! which values get labels (parameters, field reads, call results, new objects) and how calls
//! pass labels on (a `StringBuilder.append` gives its receiver the labels of its argument);
//! the rest is fixed: moves copy labels, arithmetic and array reads join their operands, array
//! writes add to the array, any other write clears the register.
//!
//! The analysis runs over the instruction graph (branches, switches, exception handlers) to a
//! fixpoint, joining states with a union, so a label reaches a call when it does so on *some*
//! path. Frames too large for the state budget fall back to one linear pass in code order.
//! Nothing here indexes by input-derived values without a bounds check.

use std::borrow::Cow;

use appvd_dex::app::{AppMethodId, FieldKey};
use appvd_dex::facts::InvokeKind;
use appvd_dex::ids::{FieldIdx, MethodIdx, TypeIdx};
use appvd_dex::insn::{Instruction, Instructions, Operands, decode_at};
use appvd_dex::opcode::flags;
use appvd_dex::{Analysis, CallSiteView};

/// A set of labels, one bit each; what a label means is the policy's business.
pub(crate) type Labels = u32;

/// Largest `instructions x registers` state kept for the fixpoint (4 bytes per cell).
const MAX_STATE_CELLS: usize = 1 << 21;
/// Instruction visits allowed per instruction before the fixpoint stops (labels only grow,
/// so real methods converge in a few).
const VISITS_PER_INSTRUCTION: usize = 40;

/// A call as the analysis sees it: the method reference and, when the engine indexed it, the
/// call site view with the constant values of its arguments.
pub(crate) struct Call<'c, 'x, 'a> {
    /// Code offset of the invoke.
    pub at: u32,
    pub kind: InvokeKind,
    pub class: Cow<'c, str>,
    pub name: Cow<'c, str>,
    pub proto: Cow<'c, str>,
    pub site: Option<CallSiteView<'x, 'a>>,
    pub analysis: &'x Analysis<'a>,
}

impl Call<'_, '_, '_> {
    /// Whether the reference's class is `class` or inherits from it.
    pub fn on(&self, class: &str) -> bool {
        self.class == class || subtype_of(self.analysis, &self.class, class)
    }

    /// Whether the method returns nothing.
    pub fn returns_void(&self) -> bool {
        self.proto.ends_with(")V")
    }

    /// The return type descriptor.
    pub fn return_type(&self) -> &str {
        self.proto.rsplit_once(')').map_or("", |(_, r)| r)
    }

    /// The string constant passed as Java parameter `i`, if the engine resolved one.
    pub fn const_str(&self, i: usize) -> Option<String> {
        self.site
            .as_ref()
            .and_then(|s| s.param(i))
            .and_then(|a| a.as_str().map(Cow::into_owned))
    }
}

/// Whether the class with descriptor `sub` is `sup` or inherits from it (through app classes and
/// the engine's framework table).
pub(crate) fn subtype_of(analysis: &Analysis<'_>, sub: &str, sup: &str) -> bool {
    sub == sup
        || analysis
            .app()
            .sym(sub)
            .is_some_and(|s| analysis.app().is_subtype_of(s, sup))
}

/// A field reference, as text.
pub(crate) struct FieldRef<'c> {
    pub class: Cow<'c, str>,
    pub name: Cow<'c, str>,
    pub type_: Cow<'c, str>,
    pub is_static: bool,
}

/// What gives values labels and how calls pass them on.
pub(crate) trait Policy {
    /// Labels of parameter `index` (not counting `this`), with its name when the debug info
    /// records it and its type descriptor.
    fn parameter(&self, _index: usize, _name: Option<&str>, _type: &str) -> Labels {
        0
    }

    /// Labels of the value a field read returns.
    fn field_read(&self, _field: &FieldRef<'_>) -> Labels {
        0
    }

    /// Labels of an object `new-instance` creates.
    fn new_instance(&self, _class: &str) -> Labels {
        0
    }

    /// Labels of the call's result, given the labels of its arguments (receiver first). Labels
    /// the call adds to argument registers (a builder's receiver, an array it fills) go into
    /// `effects` as `(argument index, labels)`.
    fn call(
        &self,
        call: &Call<'_, '_, '_>,
        args: &[Labels],
        effects: &mut Vec<(usize, Labels)>,
    ) -> Labels;
}

/// A field write with the labels of the written value.
pub(crate) struct FieldWrite {
    pub field: FieldKey,
    pub labels: Labels,
}

/// What one method's analysis found.
#[derive(Default)]
pub(crate) struct Taint {
    /// The labels of each call's arguments (receiver first), by code offset, in code order.
    calls: Vec<(u32, Vec<Labels>)>,
    /// Labels of every value the method returns.
    pub returned: Labels,
    /// Field writes, in code order.
    pub field_writes: Vec<FieldWrite>,
}

impl Taint {
    /// The labels of the arguments of the call at `at`.
    pub fn args_at(&self, at: u32) -> Option<&[Labels]> {
        self.calls
            .binary_search_by_key(&at, |(offset, _)| *offset)
            .ok()
            .and_then(|i| self.calls.get(i))
            .map(|(_, labels)| labels.as_slice())
    }

    /// Labels of argument `i` of the call at `at` (0 when unknown).
    pub fn arg(&self, at: u32, i: usize) -> Labels {
        self.args_at(at)
            .and_then(|a| a.get(i).copied())
            .unwrap_or(0)
    }
}

/// One decoded instruction with where control goes after it.
struct Node<'a> {
    at: u32,
    insn: Instruction<'a>,
    /// Indices of successor nodes on normal flow.
    next: Vec<u32>,
    /// Indices of handler nodes when the instruction throws.
    handlers: Vec<u32>,
    /// For calls and `filled-new-array`: the register (and whether wide) of the `move-result`
    /// right after, which the result is written to at once.
    result_to: Option<(u32, bool)>,
}

/// Per-method facts the transfer function needs.
struct Frame<'x, 'a> {
    analysis: &'x Analysis<'a>,
    dex: &'x appvd_dex::app::AppDex<'a>,
    sites: Vec<CallSiteView<'x, 'a>>,
}

/// Runs the analysis on one method. `None` for methods without code or with unreadable code.
pub(crate) fn run(
    analysis: &Analysis<'_>,
    method: AppMethodId,
    policy: &dyn Policy,
) -> Option<Taint> {
    let app = analysis.app();
    let m = app.method(method)?;
    if m.code_off == 0 {
        return None;
    }
    let dex = app.dex(m.dex)?;
    let code = dex.file.code_item(m.code_off).ok()?;
    let insns = code.insns();
    let regs = usize::from(code.registers_size);

    let mut nodes: Vec<Node<'_>> = Vec::new();
    let mut index_at: Vec<u32> = vec![u32::MAX; (insns.len() / 2) + 1];
    for item in Instructions::new(insns) {
        let Ok((at, insn)) = item else { continue };
        if insn.opcode.is_payload() {
            continue;
        }
        if let Some(slot) = index_at.get_mut(at as usize) {
            *slot = nodes.len() as u32;
        }
        nodes.push(Node {
            at,
            insn,
            next: Vec::new(),
            handlers: Vec::new(),
            result_to: None,
        });
    }
    if nodes.is_empty() {
        return None;
    }
    let node_at = |address: u32| {
        index_at
            .get(address as usize)
            .copied()
            .filter(|&i| i != u32::MAX)
    };
    let (tries, _) = code.try_blocks();
    for i in 0..nodes.len() {
        let Some(node) = nodes.get(i) else { break };
        let (at, insn) = (node.at, node.insn);
        let mut next = Vec::new();
        if insn.opcode.has(flags::CONTINUES)
            && let Some(n) = node_at(at.saturating_add(insn.size.max(1)))
        {
            next.push(n);
        }
        if insn.opcode.has(flags::BRANCH)
            && let Some(target) = insn
                .relative_target()
                .and_then(|r| at.checked_add_signed(r))
            && let Some(n) = node_at(target)
        {
            next.push(n);
        }
        if insn.opcode.has(flags::SWITCH)
            && let Some(payload_at) = insn
                .relative_target()
                .and_then(|r| at.checked_add_signed(r))
            && let Ok(payload) = decode_at(insns, payload_at)
        {
            for (_, rel) in payload.switch_targets() {
                if let Some(n) = at.checked_add_signed(rel).and_then(node_at) {
                    next.push(n);
                }
            }
        }
        let mut handlers = Vec::new();
        if insn.opcode.has(flags::CAN_THROW) || insn.opcode.has(flags::THROW) {
            for t in tries.iter().filter(|t| t.start <= at && at < t.end) {
                handlers.extend(t.catches.iter().filter_map(|c| node_at(c.address)));
            }
        }
        let result_to = node_at(at.saturating_add(insn.size.max(1)))
            .and_then(|n| nodes.get(n as usize))
            .filter(|n| matches!(n.insn.opcode.0, 0x0a..=0x0c))
            .and_then(|n| n.insn.dest());
        if let Some(node) = nodes.get_mut(i) {
            node.next = next;
            node.handlers = handlers;
            node.result_to = result_to;
        }
    }

    let frame = Frame {
        analysis,
        dex,
        sites: analysis.calls_in(method),
    };
    let entry = entry_state(analysis, dex, m, &code, regs, policy);
    let cells = nodes.len().saturating_mul(regs.max(1));
    let states = if cells <= MAX_STATE_CELLS {
        fixpoint(&frame, &nodes, &entry, regs, policy)
    } else {
        None
    };
    let mut taint = Taint::default();
    match states {
        Some(states) => {
            for (i, node) in nodes.iter().enumerate() {
                let Some(state) = states.get(i * regs..(i + 1) * regs) else {
                    continue;
                };
                let mut state = state.to_vec();
                step(&frame, node, &mut state, policy, Some(&mut taint));
            }
        }
        None => {
            // One pass in code order; a branch target simply continues from the previous
            // instruction's state.
            let mut state = entry;
            for node in &nodes {
                step(&frame, node, &mut state, policy, Some(&mut taint));
            }
        }
    }
    taint.calls.sort_by_key(|(at, _)| *at);
    Some(taint)
}

fn entry_state(
    analysis: &Analysis<'_>,
    dex: &appvd_dex::app::AppDex<'_>,
    m: &appvd_dex::app::AppMethod,
    code: &appvd_dex::CodeItem<'_>,
    regs: usize,
    policy: &dyn Policy,
) -> Vec<Labels> {
    let mut state = vec![0; regs];
    let proto = analysis.app().text(m.key.proto);
    let params = param_types(&proto);
    let names = parameter_names_of(dex, code);
    let mut reg = regs.saturating_sub(usize::from(code.ins_size));
    if !m.access.is_static() {
        reg += 1;
    }
    for (i, ty) in params.iter().enumerate() {
        let name = names.get(i).and_then(|n| n.as_deref());
        let labels = policy.parameter(i, name, ty);
        if let Some(slot) = state.get_mut(reg) {
            *slot = labels;
        }
        reg += if is_wide(ty) { 2 } else { 1 };
    }
    state
}

fn parameter_names_of(
    dex: &appvd_dex::app::AppDex<'_>,
    code: &appvd_dex::CodeItem<'_>,
) -> Vec<Option<String>> {
    if code.debug_info_off == 0 {
        return Vec::new();
    }
    dex.file
        .debug_info(code.debug_info_off)
        .map(|d| {
            d.parameter_names
                .iter()
                .map(|n| n.map(|idx| dex.file.string_lossy(idx).into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The parameter names the debug info records for a method (`None` where it does not; empty
/// for release builds, which strip them).
pub(crate) fn parameter_names(analysis: &Analysis<'_>, method: AppMethodId) -> Vec<Option<String>> {
    let app = analysis.app();
    let Some(m) = app.method(method).filter(|m| m.code_off != 0) else {
        return Vec::new();
    };
    let Some(dex) = app.dex(m.dex) else {
        return Vec::new();
    };
    match dex.file.code_item(m.code_off) {
        Ok(code) => parameter_names_of(dex, &code),
        Err(_) => Vec::new(),
    }
}

fn is_wide(ty: &str) -> bool {
    ty == "J" || ty == "D"
}

/// Parameter type descriptors of a prototype descriptor `(...)R`.
pub(crate) fn param_types(proto: &str) -> Vec<&str> {
    let inner = proto
        .strip_prefix('(')
        .and_then(|p| p.split_once(')'))
        .map_or("", |(params, _)| params);
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while bytes.get(i) == Some(&b'[') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'L') {
            while i < bytes.len() && bytes.get(i) != Some(&b';') {
                i += 1;
            }
        }
        i += 1;
        out.push(inner.get(start..i.min(bytes.len())).unwrap_or(""));
    }
    out
}

fn fixpoint(
    frame: &Frame<'_, '_>,
    nodes: &[Node<'_>],
    entry: &[Labels],
    regs: usize,
    policy: &dyn Policy,
) -> Option<Vec<Labels>> {
    let mut states = vec![0 as Labels; nodes.len() * regs];
    let mut reached = vec![false; nodes.len()];
    if let Some(first) = states.get_mut(..regs) {
        first.copy_from_slice(entry);
    }
    reached[0] = true;
    let mut work: Vec<u32> = vec![0];
    let mut queued = vec![false; nodes.len()];
    queued[0] = true;
    let mut visits = 0usize;
    let budget = nodes.len().saturating_mul(VISITS_PER_INSTRUCTION);
    let mut scratch = vec![0 as Labels; regs];
    while let Some(i) = work.pop() {
        let i = i as usize;
        if let Some(q) = queued.get_mut(i) {
            *q = false;
        }
        visits += 1;
        if visits > budget {
            return None;
        }
        let (Some(node), Some(state)) = (nodes.get(i), states.get(i * regs..(i + 1) * regs)) else {
            continue;
        };
        let before = state.to_vec();
        scratch.copy_from_slice(&before);
        step(frame, node, &mut scratch, policy, None);
        let after = &scratch;
        let mut push = |target: u32, incoming: &[Labels]| {
            let t = target as usize;
            let Some(slot) = states.get_mut(t * regs..(t + 1) * regs) else {
                return;
            };
            let mut changed = !reached.get(t).copied().unwrap_or(true);
            for (dst, src) in slot.iter_mut().zip(incoming) {
                let joined = *dst | *src;
                if joined != *dst {
                    *dst = joined;
                    changed = true;
                }
            }
            if let Some(r) = reached.get_mut(t) {
                *r = true;
            }
            if changed && !queued.get(t).copied().unwrap_or(true) {
                if let Some(q) = queued.get_mut(t) {
                    *q = true;
                }
                work.push(target);
            }
        };
        for &n in &node.next {
            push(n, after);
        }
        if !node.handlers.is_empty() {
            let mut both = before.clone();
            for (b, a) in both.iter_mut().zip(after) {
                *b |= *a;
            }
            for &h in &node.handlers {
                push(h, &both);
            }
        }
    }
    Some(states)
}

fn get(state: &[Labels], reg: u16) -> Labels {
    state.get(usize::from(reg)).copied().unwrap_or(0)
}

fn set(state: &mut [Labels], reg: usize, labels: Labels, wide: bool) {
    if let Some(slot) = state.get_mut(reg) {
        *slot = labels;
    }
    if wide && let Some(slot) = state.get_mut(reg + 1) {
        *slot = labels;
    }
}

/// Applies one instruction to `state`. A call's (or `filled-new-array`'s) result goes straight
/// into the register of the `move-result` after it, which is then a no-op. With `record`, call
/// arguments, returns and field writes are recorded.
fn step(
    frame: &Frame<'_, '_>,
    node: &Node<'_>,
    state: &mut [Labels],
    policy: &dyn Policy,
    mut record: Option<&mut Taint>,
) {
    let insn = &node.insn;
    let code = insn.opcode.0;
    let app = frame.analysis.app();
    match (code, insn.operands) {
        // move, move-object, move-wide
        (0x01..=0x09, Operands::RegReg { a, b }) => {
            let wide = matches!(code, 0x04..=0x06);
            set(state, usize::from(a), get(state, b), wide);
        }
        // move-result*: written by the call before it
        (0x0a..=0x0c, _) => {}
        (0x0f..=0x11, Operands::Reg { a }) => {
            if let Some(taint) = record.as_deref_mut() {
                taint.returned |= get(state, a);
            }
        }
        // new-instance
        (0x22, Operands::RegIndex { a, index }) => {
            let labels = frame
                .dex
                .type_sym(TypeIdx(index))
                .map_or(0, |t| policy.new_instance(&app.text(t)));
            set(state, usize::from(a), labels, false);
        }
        // filled-new-array(/range)
        (0x24 | 0x25, Operands::Call { regs, .. }) => {
            let joined = regs.iter().fold(0, |acc, r| {
                acc | state.get(r as usize).copied().unwrap_or(0)
            });
            if let Some((dest, wide)) = node.result_to {
                set(state, dest as usize, joined, wide);
            }
        }
        // aget*
        (0x44..=0x4a, Operands::RegRegReg { a, b, .. }) => {
            set(state, usize::from(a), get(state, b), code == 0x45);
        }
        // aput*: the array may now hold the value
        (0x4b..=0x51, Operands::RegRegReg { a, b, .. }) => {
            let value = get(state, a);
            if let Some(slot) = state.get_mut(usize::from(b)) {
                *slot |= value;
            }
        }
        // iget*, sget*
        (0x52..=0x58, Operands::RegRegIndex { a, index, .. })
        | (0x60..=0x66, Operands::RegIndex { a, index }) => {
            let labels =
                field_ref(frame, index, code >= 0x60).map_or(0, |field| policy.field_read(&field));
            set(state, usize::from(a), labels, code == 0x53 || code == 0x61);
        }
        // iput*, sput*
        (0x59..=0x5f, Operands::RegRegIndex { a, index, .. })
        | (0x67..=0x6d, Operands::RegIndex { a, index }) => {
            if let Some(taint) = record.as_deref_mut()
                && let Some(field) = frame.dex.field_key(FieldIdx(index))
            {
                taint.field_writes.push(FieldWrite {
                    field,
                    labels: get(state, a),
                });
            }
        }
        // invoke-*, invoke-*/range
        (0x6e..=0x72 | 0x74..=0x78, Operands::Call { regs, index }) => {
            let result = invoke(frame, node.at, code, &regs, index, state, policy, record);
            if let Some((dest, wide)) = node.result_to {
                set(state, dest as usize, result, wide);
            }
        }
        (0xfa..=0xfd, _) => {
            if let Some((dest, wide)) = node.result_to {
                set(state, dest as usize, 0, wide);
            }
        }
        // unary operations and conversions
        (0x7b..=0x8f, Operands::RegReg { a, b }) => {
            let wide = insn.dest().is_some_and(|(_, w)| w);
            set(state, usize::from(a), get(state, b), wide);
        }
        // binary operations
        (0x90..=0xaf, Operands::RegRegReg { a, b, c }) => {
            let wide = insn.dest().is_some_and(|(_, w)| w);
            set(state, usize::from(a), get(state, b) | get(state, c), wide);
        }
        (0xb0..=0xcf, Operands::RegReg { a, b }) => {
            let wide = insn.dest().is_some_and(|(_, w)| w);
            set(state, usize::from(a), get(state, a) | get(state, b), wide);
        }
        (0xd0..=0xe2, Operands::RegRegLit { a, b, .. }) => {
            set(state, usize::from(a), get(state, b), false);
        }
        // check-cast keeps the value
        (0x1f, _) => {}
        _ => {
            if let Some((dest, wide)) = insn.dest() {
                set(state, dest as usize, 0, wide);
            }
        }
    }
}

fn field_ref<'x>(frame: &'x Frame<'_, '_>, index: u32, is_static: bool) -> Option<FieldRef<'x>> {
    let key = frame.dex.field_key(FieldIdx(index))?;
    let app = frame.analysis.app();
    Some(FieldRef {
        class: app.text(key.class),
        name: app.text(key.name),
        type_: app.text(key.type_),
        is_static,
    })
}

#[allow(clippy::too_many_arguments)]
fn invoke(
    frame: &Frame<'_, '_>,
    at: u32,
    code: u16,
    regs: &appvd_dex::insn::RegList,
    index: u32,
    state: &mut [Labels],
    policy: &dyn Policy,
    record: Option<&mut Taint>,
) -> Labels {
    let Some(kind) = InvokeKind::from_opcode(code) else {
        return 0;
    };
    let Some(key) = frame.dex.method_key(MethodIdx(index)) else {
        return 0;
    };
    let app = frame.analysis.app();
    let proto = app.text(key.proto);
    // Argument registers per Java-level argument (receiver first); wide values take two.
    let mut arg_regs: Vec<u32> = Vec::new();
    let mut pos = 0usize;
    if kind.has_receiver() {
        if let Some(r) = regs.get(0) {
            arg_regs.push(r);
        }
        pos = 1;
    }
    for ty in param_types(&proto) {
        let Some(r) = regs.get(pos) else { break };
        arg_regs.push(r);
        pos += if is_wide(ty) { 2 } else { 1 };
    }
    let args: Vec<Labels> = arg_regs
        .iter()
        .map(|&r| state.get(r as usize).copied().unwrap_or(0))
        .collect();
    let site = frame
        .sites
        .binary_search_by_key(&at, |s| s.at())
        .ok()
        .and_then(|i| frame.sites.get(i))
        .copied();
    let call = Call {
        at,
        kind,
        class: app.text(key.class),
        name: app.text(key.name),
        proto,
        site,
        analysis: frame.analysis,
    };
    let mut effects = Vec::new();
    let result = policy.call(&call, &args, &mut effects);
    for (i, labels) in effects {
        if let Some(&r) = arg_regs.get(i)
            && let Some(slot) = state.get_mut(r as usize)
        {
            *slot |= labels;
        }
    }
    if let Some(taint) = record {
        taint.calls.push((at, args));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_dex::DexInput;
    use std::path::{Path, PathBuf};

    /// Labels everything, so that every transfer path runs.
    struct Everything;

    impl Policy for Everything {
        fn parameter(&self, index: usize, _: Option<&str>, _: &str) -> Labels {
            1 << (index % 4)
        }
        fn field_read(&self, _: &FieldRef<'_>) -> Labels {
            1 << 4
        }
        fn new_instance(&self, _: &str) -> Labels {
            1 << 5
        }
        fn call(
            &self,
            call: &Call<'_, '_, '_>,
            args: &[Labels],
            effects: &mut Vec<(usize, Labels)>,
        ) -> Labels {
            let all = args.iter().fold(0, |acc, l| acc | l);
            if call.kind.has_receiver() {
                effects.push((0, all));
            }
            effects.push((args.len() + 3, all));
            all | 1 << 6
        }
    }

    fn run_all(analysis: &Analysis<'_>) -> usize {
        analysis
            .methods()
            .filter_map(|m| run(analysis, m.id(), &Everything))
            .count()
    }

    fn dex_fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../appvd-dex/tests/fixtures")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The DEX engine's fixtures (every opcode and format, tampered and fuzzer-found files) and
    /// a few hundred mutants of them run through the analysis without a panic.
    #[test]
    fn hostile_code_never_panics() {
        let mut files: Vec<Vec<u8>> = [
            "formats.dex",
            "app.dex",
            "app2.dex",
            "cycle.dex",
            "tampered/bad_code.dex",
            "tampered/bad_indices.dex",
            "tampered/truncated.dex",
            "tampered/huge_counts.dex",
            "tampered/container_v41.dex",
            "crashers/huge_prototypes.dex",
            "crashers/shared_code_items.dex",
        ]
        .iter()
        .map(|name| dex_fixture(name))
        .collect();
        let seed_formats = files[0].clone();
        let seed_app = files[1].clone();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..300 {
            let mut bytes = if i % 2 == 0 {
                seed_formats.clone()
            } else {
                seed_app.clone()
            };
            // Leave the header alone (it is checked first); scramble the rest.
            for _ in 0..1 + next() % 12 {
                let at = 0x70 + (next() as usize) % (bytes.len() - 0x70);
                bytes[at] = next() as u8;
            }
            files.push(bytes);
        }
        let mut analysed = 0;
        for bytes in &files {
            let analysis = Analysis::new(&[DexInput {
                name: "classes.dex",
                data: bytes,
            }]);
            analysed += run_all(&analysis);
        }
        assert!(analysed > 1000, "{analysed} methods analysed");
    }

    /// Every fixture app of this group's rules, whole.
    #[test]
    fn fixture_apps_analyse_completely() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
        let mut apps = 0;
        for rule in super::super::RULES {
            for kind in ["positive", "negative"] {
                let app =
                    crate::model::AppModel::open(&root.join(rule.id).join(format!("{kind}.apk")))
                        .expect("fixture");
                let analysis = app.dex().expect("dex");
                let with_code = analysis
                    .methods()
                    .filter(|m| {
                        analysis
                            .app()
                            .method(m.id())
                            .is_some_and(|m| m.code_off != 0)
                    })
                    .count();
                assert_eq!(run_all(analysis), with_code, "{}", rule.id);
                apps += 1;
            }
        }
        assert_eq!(apps, 32);
    }

    #[test]
    fn prototypes_split_into_parameter_types() {
        assert_eq!(
            param_types("(I[BLjava/lang/String;[[Lx;JZ)V"),
            ["I", "[B", "Ljava/lang/String;", "[[Lx;", "J", "Z"]
        );
        assert!(param_types("()V").is_empty());
        assert!(param_types("garbage").is_empty());
        assert!(param_types("(Lunterminated").is_empty());
        assert_eq!(param_types("(Lunterminated)V"), ["Lunterminated"]);
    }
}
