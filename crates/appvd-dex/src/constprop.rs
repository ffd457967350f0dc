//! Intra-procedural constant propagation over a method's registers.
//!
//! A forward data-flow analysis over the control-flow graph: each basic block has an entry
//! state (one abstract value per register), states are joined where paths merge, and blocks are
//! re-run until nothing changes. A join keeps a value only when both paths agree on it, so a
//! constant loaded on both sides of a branch survives and one that differs becomes unknown
//! (origins are unioned). Exceptions are followed precisely: the state just before every
//! throwing instruction inside a try range flows to its handlers. This costs a little more than
//! a single linear pass but gets the merge points right, which is where a linear pass either
//! loses constants or invents them.
//!
//! The lattice per register is: undefined (no path yet) < one constant < unknown-with-origins.
//! Arrays and `StringBuilder`s are tracked by allocation site: builders flow-sensitively (their
//! contents are part of the value, and every register aliasing one builder is updated on
//! `append`), array contents flow-insensitively (all writes in the method are collected).
//! Methods whose state would exceed a budget (blocks x registers) or that do not converge in a
//! bounded number of block visits fall back to one linear pass that forgets everything at
//! branch targets.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::app::{App, AppDex, StaticConst};
use crate::cfg::{Cfg, NONE};
use crate::facts::{InvokeKind, Origins};
use crate::hash::FxHashMap;
use crate::ids::{FieldIdx, MethodIdx, ProtoIdx, StringIdx, TypeIdx};
use crate::insn::{Operands, RegList};
use crate::opcode::{Opcode, flags};
use crate::symbols::Sym;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Largest `blocks x registers` state kept for the full analysis (16 bytes per value). The
/// state is also kept proportional to the code size, which bounds the work per code unit.
const MAX_STATE_CELLS: usize = 1 << 20;
const STATE_CELLS_PER_UNIT: usize = 16;
const MIN_STATE_CELLS: usize = 4096;
/// Block visits allowed per block before the fixpoint gives up (joins converge in a few).
const VISITS_PER_BLOCK: usize = 8;
/// Above this many registers, builder updates touch only the registers of the instruction
/// instead of scanning the whole frame for aliases.
const MAX_ALIAS_SCAN: usize = 1024;
/// Longest string a builder tracks before its contents become unknown.
const MAX_BUILT_STRING: usize = 4096;
/// Most array elements recorded per array.
const MAX_ARRAY_ELEMENTS: usize = 4096;

/// How the analysis models a called method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Model {
    Other,
    BuilderInit,
    BuilderAppend,
    BuilderToString,
    StringBytes,
    StringChars,
    StringValueOf,
    StringConcat,
    StringFormat,
    StringMap(StrMap),
    /// `Base64.decode`; the field is the position of the string argument.
    Base64Decode(u8),
    BoxValueOf,
    Source(u32),
    Propagate,
    FileInit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrMap {
    Same,
    Trim,
    Lower,
    Upper,
}

/// Classifies a method reference by its class, name and prototype descriptor.
pub(crate) fn classify(class: &[u8], name: &[u8], proto: &[u8]) -> Model {
    let returns_void = proto.ends_with(b")V");
    match class {
        b"Ljava/lang/StringBuilder;" | b"Ljava/lang/StringBuffer;" => match name {
            b"<init>" => Model::BuilderInit,
            b"append" => Model::BuilderAppend,
            b"toString" => Model::BuilderToString,
            _ => Model::Other,
        },
        b"Ljava/lang/String;" => match name {
            b"getBytes" => Model::StringBytes,
            b"toCharArray" => Model::StringChars,
            b"valueOf" | b"copyValueOf" => Model::StringValueOf,
            b"concat" => Model::StringConcat,
            b"format" | b"join" => Model::StringFormat,
            b"trim" | b"strip" => Model::StringMap(StrMap::Trim),
            b"toLowerCase" => Model::StringMap(StrMap::Lower),
            b"toUpperCase" => Model::StringMap(StrMap::Upper),
            b"intern" | b"toString" => Model::StringMap(StrMap::Same),
            b"substring" | b"replace" | b"replaceAll" | b"subSequence" | b"split" => {
                Model::Propagate
            }
            _ => Model::Other,
        },
        b"Landroid/util/Base64;"
            if name == b"decode" && proto.starts_with(b"(Ljava/lang/String;") =>
        {
            Model::Base64Decode(0)
        }
        b"Ljava/util/Base64$Decoder;"
            if name == b"decode" && proto.starts_with(b"(Ljava/lang/String;") =>
        {
            Model::Base64Decode(1)
        }
        b"Ljava/lang/Boolean;"
        | b"Ljava/lang/Integer;"
        | b"Ljava/lang/Long;"
        | b"Ljava/lang/Short;"
        | b"Ljava/lang/Byte;"
        | b"Ljava/lang/Character;"
            if name == b"valueOf" && proto.len() >= 3 && proto[1] != b'L' && proto[1] != b'[' =>
        {
            Model::BoxValueOf
        }
        b"Landroid/content/Intent;" => match name {
            b"getData" | b"getDataString" => Model::Source(Origins::INTENT_DATA),
            b"getExtras" => Model::Source(Origins::INTENT_EXTRA),
            _ if name.starts_with(b"get")
                && (name.ends_with(b"Extra") || name.ends_with(b"ArrayListExtra")) =>
            {
                Model::Source(Origins::INTENT_EXTRA)
            }
            _ => Model::Other,
        },
        b"Landroid/os/Bundle;" | b"Landroid/os/BaseBundle;" if name.starts_with(b"get") => {
            Model::Propagate
        }
        b"Landroid/net/Uri;" => match name {
            b"getPath" | b"getLastPathSegment" | b"getPathSegments" | b"getEncodedPath" => {
                Model::Source(Origins::URI_PATH)
            }
            b"getQueryParameter" | b"getQuery" | b"getQueryParameters" | b"getEncodedQuery" => {
                Model::Source(Origins::URI_QUERY)
            }
            b"parse" | b"fromFile" | b"withAppendedPath" | b"toString" | b"getHost"
            | b"getScheme" => Model::Propagate,
            _ => Model::Other,
        },
        b"Landroid/os/Environment;"
            if name == b"getExternalStorageDirectory"
                || name == b"getExternalStoragePublicDirectory" =>
        {
            Model::Source(Origins::EXTERNAL_STORAGE)
        }
        b"Ljava/lang/System;" if name == b"currentTimeMillis" || name == b"nanoTime" => {
            Model::Source(Origins::TIME)
        }
        b"Landroid/os/SystemClock;" if name == b"elapsedRealtime" || name == b"uptimeMillis" => {
            Model::Source(Origins::TIME)
        }
        b"Ljava/util/zip/ZipEntry;" if name == b"getName" => Model::Source(Origins::ZIP_ENTRY),
        b"Ljava/io/File;" => match name {
            b"<init>" => Model::FileInit,
            b"getAbsolutePath" | b"getPath" | b"getCanonicalPath" | b"toString"
            | b"getAbsoluteFile" | b"getCanonicalFile" | b"getParent" | b"getParentFile"
            | b"getName" | b"toURI" => Model::Propagate,
            _ => Model::Other,
        },
        _ => match name {
            b"getExternalFilesDir"
            | b"getExternalFilesDirs"
            | b"getExternalCacheDir"
            | b"getExternalCacheDirs"
            | b"getExternalMediaDirs" => Model::Source(Origins::EXTERNAL_STORAGE),
            b"getIntent" if proto == b"()Landroid/content/Intent;" && !returns_void => {
                Model::Source(Origins::INTENT)
            }
            _ => Model::Other,
        },
    }
}

/// Per-DEX tables the analysis needs, computed once per file.
#[derive(Debug, Default)]
pub(crate) struct DexTables {
    pub(crate) models: Vec<Model>,
    /// Prototype index of each method reference (`NONE` if unreadable).
    pub(crate) method_proto: Vec<u32>,
    /// First character of each parameter type, for every prototype one after the other.
    param_chars: Vec<u8>,
    /// End of each prototype's characters in `param_chars`.
    param_ends: Vec<u32>,
}

impl DexTables {
    pub(crate) fn build(app: &App<'_>, dex: &AppDex<'_>) -> DexTables {
        let file = &dex.file;
        let mut param_chars = Vec::new();
        let mut param_ends = Vec::with_capacity(file.proto_count() as usize);
        for i in 0..file.proto_count() {
            let params = file
                .proto_id(ProtoIdx(i))
                .and_then(|proto| file.proto_parameters(&proto));
            if let Ok(params) = params {
                param_chars.extend(params.iter().map(|t| {
                    dex.type_sym(t)
                        .and_then(|s| app.symbols().bytes(s).first().copied())
                        .unwrap_or(b'L')
                }));
            }
            param_ends.push(param_chars.len() as u32);
        }
        let method_proto: Vec<u32> = (0..file.method_count())
            .map(|i| {
                file.method_id(MethodIdx(i))
                    .map(|m| m.proto.0)
                    .unwrap_or(NONE)
            })
            .collect();
        let models = (0..file.method_count())
            .map(|i| match dex.method_key(MethodIdx(i)) {
                Some(key) => classify(
                    app.symbols().bytes(key.class),
                    app.symbols().bytes(key.name),
                    app.symbols().bytes(key.proto),
                ),
                None => Model::Other,
            })
            .collect();
        DexTables {
            models,
            method_proto,
            param_chars,
            param_ends,
        }
    }

    /// First character of each parameter type of a method reference.
    pub(crate) fn params_of_method(&self, method: u32) -> &[u8] {
        let proto = self
            .method_proto
            .get(method as usize)
            .copied()
            .unwrap_or(NONE);
        self.params_of_proto(proto)
    }

    fn params_of_proto(&self, proto: u32) -> &[u8] {
        let Some(&end) = self.param_ends.get(proto as usize) else {
            return &[];
        };
        let start = match proto.checked_sub(1) {
            Some(previous) => self.param_ends.get(previous as usize).copied().unwrap_or(0),
            None => 0,
        };
        self.param_chars
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

/// A string value inside one method: from the pool or built by the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LStr {
    Pool(StringIdx),
    Built(u32),
}

/// Abstract register value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Val {
    Undef,
    Top(Origins),
    Int(i32),
    Long(i64),
    Str(LStr),
    Bytes(LStr),
    Chars(LStr),
    Decoded(LStr),
    Class(TypeIdx),
    Obj { ty: TypeIdx, at: u32 },
    Arr(u32),
    Builder(u32),
    Field(FieldIdx),
    Result(u32),
}

const TOP: Val = Val::Top(Origins::NONE);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuilderState {
    site: u32,
    content: Option<String>,
    pub(crate) origins: Origins,
}

/// One call site as the analysis saw it.
#[derive(Debug, Clone)]
pub(crate) struct RawCall {
    pub(crate) at: u32,
    pub(crate) kind: InvokeKind,
    /// Method index (or call site index for `invoke-custom`).
    pub(crate) index: u32,
    /// Range in [`MethodFacts::call_args`].
    pub(crate) args: std::ops::Range<u32>,
}

/// One field access.
#[derive(Debug, Clone)]
pub(crate) struct RawField {
    pub(crate) at: u32,
    pub(crate) field: FieldIdx,
    pub(crate) write: bool,
    pub(crate) is_static: bool,
    pub(crate) value: Val,
}

/// An array allocation and everything written into it.
#[derive(Debug, Clone)]
pub(crate) struct ArrayBuild {
    pub(crate) array_type: Option<Sym>,
    pub(crate) length: Option<u32>,
    pub(crate) elements: BTreeMap<u32, Val>,
    pub(crate) complete: bool,
    pub(crate) passed_to: Vec<u32>,
}

/// Everything the analysis of one method produces.
#[derive(Debug, Default)]
pub(crate) struct MethodFacts {
    pub(crate) calls: Vec<RawCall>,
    /// Argument values of all calls, one range per call (one allocation per method, not per
    /// call).
    pub(crate) call_args: Vec<Val>,
    pub(crate) strings: Vec<(u32, StringIdx)>,
    pub(crate) fields: Vec<RawField>,
    pub(crate) returns: Option<Val>,
    pub(crate) arrays: FxHashMap<u32, ArrayBuild>,
    pub(crate) built: Vec<String>,
    pub(crate) builders: Vec<BuilderState>,
    pub(crate) anomalies: Vec<Anomaly>,
}

impl MethodFacts {
    /// The argument values of a call.
    pub(crate) fn args_of(&self, call: &RawCall) -> &[Val] {
        self.call_args
            .get(call.args.start as usize..call.args.end as usize)
            .unwrap_or_default()
    }

    /// The text of a string the analysis built.
    pub(crate) fn built_text(&self, id: u32) -> &str {
        self.built
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The origins a value carries.
    pub(crate) fn origins(&self, v: Val) -> Origins {
        match v {
            Val::Top(o) => o,
            Val::Builder(b) => self
                .builders
                .get(b as usize)
                .map(|b| b.origins)
                .unwrap_or_default(),
            _ => Origins::NONE,
        }
    }

    /// A builder's contents, if known.
    pub(crate) fn builder_text(&self, id: u32) -> Option<&str> {
        self.builders
            .get(id as usize)
            .and_then(|b| b.content.as_deref())
    }
}

/// What the analysis needs to know about the method.
pub(crate) struct MethodInput<'x, 'a> {
    pub(crate) app: &'x App<'a>,
    pub(crate) dex: &'x AppDex<'a>,
    pub(crate) tables: &'x DexTables,
    pub(crate) registers: u16,
    pub(crate) is_static: bool,
    /// First character of each parameter type.
    pub(crate) params: &'x [u8],
}

struct Analyzer<'x, 'a, 'c> {
    input: &'c MethodInput<'x, 'a>,
    cfg: &'c Cfg<'a>,
    regs: usize,
    args_scratch: Vec<Val>,
    states: Vec<Val>,
    reached: Vec<bool>,
    facts: MethodFacts,
}

/// Runs the analysis on one method.
pub(crate) fn analyze(input: &MethodInput<'_, '_>, cfg: &Cfg<'_>, code_units: u32) -> MethodFacts {
    let regs = usize::from(input.registers);
    let blocks = cfg.blocks.len();
    let mut analyzer = Analyzer {
        input,
        cfg,
        regs,
        args_scratch: Vec::new(),
        states: Vec::new(),
        reached: Vec::new(),
        facts: MethodFacts::default(),
    };
    let cell_budget = (code_units as usize)
        .saturating_mul(STATE_CELLS_PER_UNIT)
        .clamp(MIN_STATE_CELLS, MAX_STATE_CELLS);
    let full = blocks.saturating_mul(regs.max(1)) <= cell_budget && analyzer.fixpoint();
    if full {
        analyzer.emit_pass();
    } else {
        analyzer.facts.anomalies.push(Anomaly::new(
            AnomalyKind::AnalysisBudget,
            format!("{blocks} blocks x {regs} registers: constant propagation used a linear pass"),
        ));
        analyzer.linear_pass();
    }
    analyzer.facts
}

impl Analyzer<'_, '_, '_> {
    fn entry_state(&self) -> Vec<Val> {
        let mut state = vec![Val::Undef; self.regs];
        let param_words: usize = usize::from(!self.input.is_static)
            + self
                .input
                .params
                .iter()
                .map(|&p| if p == b'J' || p == b'D' { 2 } else { 1 })
                .sum::<usize>();
        let mut reg = self.regs.saturating_sub(param_words);
        if !self.input.is_static {
            if let Some(slot) = state.get_mut(reg) {
                *slot = Val::Top(Origins::from_bits(Origins::THIS));
            }
            reg += 1;
        }
        for (i, &p) in self.input.params.iter().enumerate() {
            if let Some(slot) = state.get_mut(reg) {
                *slot = Val::Top(Origins::parameter(i.min(usize::from(u16::MAX)) as u16));
            }
            let wide = p == b'J' || p == b'D';
            if wide && let Some(slot) = state.get_mut(reg + 1) {
                *slot = TOP;
            }
            reg += if wide { 2 } else { 1 };
        }
        state
    }

    fn fixpoint(&mut self) -> bool {
        let blocks = self.cfg.blocks.len();
        if blocks == 0 {
            return true;
        }
        self.states = vec![Val::Undef; blocks * self.regs];
        self.reached = vec![false; blocks];
        let entry = self.entry_state();
        self.states[..self.regs].copy_from_slice(&entry);
        self.reached[0] = true;
        let mut queued = vec![false; blocks];
        let mut queue = BinaryHeap::new();
        queue.push(Reverse(0u32));
        queued[0] = true;
        let budget = blocks.saturating_mul(VISITS_PER_BLOCK).saturating_add(64);
        let mut visits = 0usize;
        let mut cur = vec![Val::Undef; self.regs];
        while let Some(Reverse(b)) = queue.pop() {
            queued[b as usize] = false;
            visits += 1;
            if visits > budget {
                return false;
            }
            let start = b as usize * self.regs;
            cur.copy_from_slice(&self.states[start..start + self.regs]);
            let block = &self.cfg.blocks[b as usize];
            let mut pending = TOP;
            for i in block.first..block.end {
                let opcode = self.cfg.insns[i as usize].1.opcode;
                if opcode.has(flags::CAN_THROW) {
                    for &h in self.cfg.handlers_of(i) {
                        if self.join_into(h, &cur) && !queued[h as usize] {
                            queued[h as usize] = true;
                            queue.push(Reverse(h));
                        }
                    }
                }
                pending = self.exec(i as usize, &mut cur, pending, false);
            }
            let (s0, s1) = (block.succ_start as usize, block.succ_end as usize);
            for k in s0..s1 {
                let s = self.cfg.succs[k];
                if self.join_into(s, &cur) && !queued[s as usize] {
                    queued[s as usize] = true;
                    queue.push(Reverse(s));
                }
            }
        }
        true
    }

    /// Joins `src` into the entry state of `block`; whether it changed.
    fn join_into(&mut self, block: u32, src: &[Val]) -> bool {
        let start = block as usize * self.regs;
        if !self.reached[block as usize] {
            self.reached[block as usize] = true;
            self.states[start..start + self.regs].copy_from_slice(src);
            return true;
        }
        let mut changed = false;
        for (r, &incoming) in src.iter().enumerate() {
            let old = self.states[start + r];
            let joined = self.join(old, incoming);
            if !self.same(old, joined) {
                self.states[start + r] = joined;
                changed = true;
            }
        }
        changed
    }

    fn same(&self, a: Val, b: Val) -> bool {
        if a == b {
            return true;
        }
        match (a, b) {
            (Val::Builder(x), Val::Builder(y)) => {
                self.facts.builders.get(x as usize) == self.facts.builders.get(y as usize)
            }
            (Val::Str(LStr::Built(x)), Val::Str(LStr::Built(y))) => {
                self.facts.built.get(x as usize) == self.facts.built.get(y as usize)
            }
            _ => false,
        }
    }

    fn join(&mut self, a: Val, b: Val) -> Val {
        if self.same(a, b) {
            return a;
        }
        match (a, b) {
            (Val::Undef, x) | (x, Val::Undef) => x,
            (Val::Builder(x), Val::Builder(y)) => {
                let (bx, by) = match (
                    self.facts.builders.get(x as usize),
                    self.facts.builders.get(y as usize),
                ) {
                    (Some(bx), Some(by)) => (bx.clone(), by.clone()),
                    _ => return TOP,
                };
                if bx.site != by.site {
                    return Val::Top(bx.origins.union(by.origins));
                }
                let merged = BuilderState {
                    site: bx.site,
                    content: if bx.content == by.content {
                        bx.content.clone()
                    } else {
                        None
                    },
                    origins: bx.origins.union(by.origins),
                };
                if merged == bx {
                    return a;
                }
                self.facts.builders.push(merged);
                Val::Builder(self.facts.builders.len() as u32 - 1)
            }
            _ => Val::Top(self.facts.origins(a).union(self.facts.origins(b))),
        }
    }

    fn emit_pass(&mut self) {
        let entry_unreached = vec![TOP; self.regs];
        let mut cur = vec![Val::Undef; self.regs];
        for b in 0..self.cfg.blocks.len() {
            if self.reached.get(b).copied().unwrap_or(false) {
                let start = b * self.regs;
                cur.copy_from_slice(&self.states[start..start + self.regs]);
            } else {
                cur.copy_from_slice(&entry_unreached);
            }
            let block = &self.cfg.blocks[b];
            let mut pending = TOP;
            for i in block.first..block.end {
                pending = self.exec(i as usize, &mut cur, pending, true);
            }
        }
    }

    /// One pass in address order that forgets, at every block entered other than by falling
    /// through from its only predecessor, the registers written since the last such point.
    /// Registers not written since hold nothing but the entry state or an earlier forgotten
    /// value, so no constant outlives a merge; tracking writes keeps each reset proportional to
    /// the code run since, not to the frame size.
    fn linear_pass(&mut self) {
        let mut cur = self.entry_state();
        let mut written: Vec<u32> = Vec::new();
        let mut is_written = vec![false; self.regs];
        for b in 0..self.cfg.blocks.len() {
            let falls_in = b > 0
                && self.cfg.pred_count.get(b).copied() == Some(1)
                && self.cfg.successors(b as u32 - 1).contains(&(b as u32));
            if b > 0 && !falls_in {
                for &r in &written {
                    cur[r as usize] = TOP;
                    is_written[r as usize] = false;
                }
                written.clear();
            }
            let block = &self.cfg.blocks[b];
            let mut pending = TOP;
            for i in block.first..block.end {
                pending = self.exec(i as usize, &mut cur, pending, true);
                let insn = &self.cfg.insns[i as usize].1;
                let mut mark = |r: u32| {
                    if let Some(flag) = is_written.get_mut(r as usize)
                        && !*flag
                    {
                        *flag = true;
                        written.push(r);
                    }
                };
                if let Some((dest, wide)) = insn.dest() {
                    mark(dest);
                    if wide {
                        mark(dest + 1);
                    }
                }
                if let Some(regs) = insn.arguments() {
                    regs.iter().for_each(&mut mark);
                }
            }
        }
    }

    fn get(state: &[Val], reg: u32) -> Val {
        match state.get(reg as usize).copied() {
            Some(Val::Undef) | None => TOP,
            Some(v) => v,
        }
    }

    fn set(state: &mut [Val], reg: u32, value: Val) {
        let r = reg as usize;
        if r >= state.len() {
            return;
        }
        state[r] = value;
        // Overwriting the high half of a wide constant destroys it.
        if r > 0 && matches!(state[r - 1], Val::Long(_)) {
            state[r - 1] = TOP;
        }
    }

    fn set_wide(state: &mut [Val], reg: u32, value: Val) {
        Self::set(state, reg, value);
        if let Some(slot) = state.get_mut(reg as usize + 1) {
            *slot = TOP;
        }
    }

    fn push_built(&mut self, text: String) -> Val {
        if text.len() > MAX_BUILT_STRING {
            return TOP;
        }
        self.facts.built.push(text);
        Val::Str(LStr::Built(self.facts.built.len() as u32 - 1))
    }

    fn text_of(&self, s: LStr) -> Option<String> {
        match s {
            LStr::Pool(idx) => self
                .input
                .dex
                .file
                .string(idx)
                .ok()
                .map(|s| s.to_str_lossy().into_owned()),
            LStr::Built(id) => self.facts.built.get(id as usize).cloned(),
        }
    }

    /// The text a value contributes to a string concatenation, given the parameter kind.
    fn concat_text(&self, v: Val, kind: u8) -> Option<String> {
        match (v, kind) {
            (Val::Str(s), _) => self.text_of(s),
            (Val::Int(i), b'C') => char::from_u32(i as u32 & 0xffff).map(String::from),
            (Val::Int(i), b'Z') => Some(if i != 0 { "true" } else { "false" }.to_string()),
            (Val::Int(i), b'I' | b'S' | b'B') => Some(i.to_string()),
            (Val::Long(l), b'J') => Some(l.to_string()),
            (Val::Builder(b), _) => self.facts.builder_text(b).map(str::to_string),
            _ => None,
        }
    }

    /// Replaces every register holding `site`'s builder (or the fresh object) with `value`.
    /// `touched` are the instruction's registers, always updated; large frames are not scanned
    /// for other aliases.
    fn replace_site(&self, state: &mut [Val], site: u32, value: Val, touched: &RegList) {
        if state.len() > MAX_ALIAS_SCAN {
            for reg in touched.iter() {
                if let Some(slot) = state.get_mut(reg as usize)
                    && self.holds_site(*slot, site)
                {
                    *slot = value;
                }
            }
            return;
        }
        for slot in state.iter_mut() {
            if self.holds_site(*slot, site) {
                *slot = value;
            }
        }
    }

    fn holds_site(&self, v: Val, site: u32) -> bool {
        match v {
            Val::Obj { at, .. } => at == site,
            Val::Builder(b) => self
                .facts
                .builders
                .get(b as usize)
                .is_some_and(|s| s.site == site),
            _ => false,
        }
    }

    fn builder_site(&self, v: Val) -> Option<u32> {
        match v {
            Val::Obj { at, .. } => Some(at),
            Val::Builder(b) => self.facts.builders.get(b as usize).map(|s| s.site),
            _ => None,
        }
    }

    fn static_value(&mut self, field: FieldIdx) -> Val {
        let dex = self.input.dex;
        let Some(key) = dex.field_key(field) else {
            return Val::Field(field);
        };
        if let Some(constant) = self.input.app.static_const(key) {
            return match constant {
                StaticConst::Int(i) => Val::Int(*i),
                StaticConst::Long(l) => Val::Long(*l),
                StaticConst::Str(s) => self.push_built(s.to_string()),
            };
        }
        let symbols = self.input.app.symbols();
        if symbols.bytes(key.class) == b"Ljava/lang/Boolean;" {
            match symbols.bytes(key.name) {
                b"TRUE" => return Val::Int(1),
                b"FALSE" => return Val::Int(0),
                _ => {}
            }
        }
        Val::Field(field)
    }

    fn array_entry(&mut self, site: u32) -> &mut ArrayBuild {
        self.facts.arrays.entry(site).or_insert_with(|| ArrayBuild {
            array_type: None,
            length: None,
            elements: BTreeMap::new(),
            complete: true,
            passed_to: Vec::new(),
        })
    }

    /// Executes instruction `i` on `state`; returns the value a following `move-result` reads.
    fn exec(&mut self, i: usize, state: &mut [Val], pending: Val, emit: bool) -> Val {
        let (at, insn) = self.cfg.insns[i];
        let op = insn.opcode;
        let code = op.0;
        match insn.operands {
            Operands::Reg { a } => match code {
                0x0a | 0x0c => Self::set(state, u32::from(a), pending),
                0x0b => Self::set_wide(state, u32::from(a), pending),
                0x0d => Self::set(state, u32::from(a), TOP),
                0x0f..=0x11 if emit => {
                    let v = Self::get(state, u32::from(a));
                    let joined = match self.facts.returns {
                        None => v,
                        Some(prev) => self.join(prev, v),
                    };
                    self.facts.returns = Some(joined);
                }
                _ => {}
            },
            Operands::RegReg { a, b } => {
                let (a, b) = (u32::from(a), u32::from(b));
                let src = Self::get(state, b);
                match code {
                    0x01..=0x03 | 0x07..=0x09 => Self::set(state, a, src),
                    0x04..=0x06 => Self::set_wide(state, a, src),
                    0x21 => Self::set(state, a, TOP),
                    0x7b..=0x8f => {
                        let v = unary(code, src);
                        if op.has(flags::WRITES_WIDE_A) {
                            Self::set_wide(state, a, v)
                        } else {
                            Self::set(state, a, v)
                        }
                    }
                    0xb0..=0xcf => {
                        let lhs = Self::get(state, a);
                        let v = binary(code - 0x20, lhs, src);
                        if op.has(flags::WRITES_WIDE_A) {
                            Self::set_wide(state, a, v)
                        } else {
                            Self::set(state, a, v)
                        }
                    }
                    _ => {}
                }
            }
            Operands::RegRegReg { a, b, c } => {
                let (a, b, c) = (u32::from(a), u32::from(b), u32::from(c));
                match code {
                    0x2d..=0x31 => Self::set(state, a, TOP),
                    0x44..=0x4a => {
                        let origins = self.facts.origins(Self::get(state, b));
                        let v = Val::Top(origins);
                        if code == 0x45 {
                            Self::set_wide(state, a, v)
                        } else {
                            Self::set(state, a, v)
                        }
                    }
                    0x4b..=0x51 if emit => {
                        let value = Self::get(state, a);
                        let (array, index) = (Self::get(state, b), Self::get(state, c));
                        if let Val::Arr(site) = array {
                            let entry = self.array_entry(site);
                            match index {
                                Val::Int(i)
                                    if i >= 0
                                        && (entry.elements.len() < MAX_ARRAY_ELEMENTS
                                            || entry.elements.contains_key(&(i as u32))) =>
                                {
                                    entry.elements.insert(i as u32, value);
                                }
                                _ => entry.complete = false,
                            }
                        }
                    }
                    0x90..=0xaf => {
                        let v = binary(code, Self::get(state, b), Self::get(state, c));
                        if op.has(flags::WRITES_WIDE_A) {
                            Self::set_wide(state, a, v)
                        } else {
                            Self::set(state, a, v)
                        }
                    }
                    _ => {}
                }
            }
            Operands::RegLit { a, lit } => {
                if op.has(flags::WRITES_WIDE_A) {
                    Self::set_wide(state, u32::from(a), Val::Long(lit));
                } else {
                    Self::set(state, u32::from(a), Val::Int(lit as i32));
                }
            }
            Operands::RegRegLit { a, b, lit } => {
                let v = binary_lit(code, Self::get(state, u32::from(b)), lit);
                Self::set(state, u32::from(a), v);
            }
            Operands::RegIndex { a, index } => {
                let a32 = u32::from(a);
                match code {
                    0x1a | 0x1b => {
                        Self::set(state, a32, Val::Str(LStr::Pool(StringIdx(index))));
                        if emit {
                            self.facts.strings.push((at, StringIdx(index)));
                        }
                    }
                    0x1c => Self::set(state, a32, Val::Class(TypeIdx(index))),
                    0x22 => Self::set(
                        state,
                        a32,
                        Val::Obj {
                            ty: TypeIdx(index),
                            at,
                        },
                    ),
                    0x1f => {}
                    0x60..=0x66 => {
                        let v = self.static_value(FieldIdx(index));
                        if code == 0x61 {
                            Self::set_wide(state, a32, v)
                        } else {
                            Self::set(state, a32, v)
                        }
                        if emit {
                            self.facts.fields.push(RawField {
                                at,
                                field: FieldIdx(index),
                                write: false,
                                is_static: true,
                                value: v,
                            });
                        }
                    }
                    0x67..=0x6d => {
                        if emit {
                            let value = Self::get(state, a32);
                            self.facts.fields.push(RawField {
                                at,
                                field: FieldIdx(index),
                                write: true,
                                is_static: true,
                                value,
                            });
                        }
                    }
                    _ => Self::set(state, a32, TOP),
                }
            }
            Operands::RegRegIndex { a, b, index } => {
                let (a32, b32) = (u32::from(a), u32::from(b));
                match code {
                    0x20 => Self::set(state, a32, TOP),
                    0x23 => {
                        let length = match Self::get(state, b32) {
                            Val::Int(n) if n >= 0 => Some(n as u32),
                            _ => None,
                        };
                        Self::set(state, a32, Val::Arr(at));
                        if emit {
                            let array_type = self.input.dex.type_sym(TypeIdx(index));
                            let entry = self.array_entry(at);
                            entry.array_type = array_type;
                            entry.length = length;
                        }
                    }
                    0x52..=0x58 => {
                        let v = TOP;
                        if code == 0x53 {
                            Self::set_wide(state, a32, v)
                        } else {
                            Self::set(state, a32, v)
                        }
                        if emit {
                            self.facts.fields.push(RawField {
                                at,
                                field: FieldIdx(index),
                                write: false,
                                is_static: false,
                                value: v,
                            });
                        }
                    }
                    0x59..=0x5f if emit => {
                        let value = Self::get(state, a32);
                        self.facts.fields.push(RawField {
                            at,
                            field: FieldIdx(index),
                            write: true,
                            is_static: false,
                            value,
                        });
                    }
                    _ => {}
                }
            }
            Operands::RegTarget { a, .. } if code == 0x26 => {
                if emit && let Val::Arr(site) = Self::get(state, u32::from(a)) {
                    let payload = self.cfg.payload_of(i as u32).copied();
                    let entry = self.array_entry(site);
                    match payload {
                        Some(payload) => {
                            let wide = matches!(
                                payload.operands,
                                Operands::ArrayData {
                                    element_width: 8,
                                    ..
                                }
                            );
                            let values = payload.array_elements();
                            if values.len() > MAX_ARRAY_ELEMENTS {
                                entry.complete = false;
                            }
                            for (k, v) in values.into_iter().take(MAX_ARRAY_ELEMENTS).enumerate() {
                                entry.elements.insert(
                                    k as u32,
                                    if wide {
                                        Val::Long(v)
                                    } else {
                                        Val::Int(v as i32)
                                    },
                                );
                            }
                        }
                        None => entry.complete = false,
                    }
                }
            }
            Operands::Call { regs, index } => {
                return self.exec_call(at, op, regs, index, None, state, emit);
            }
            Operands::CallProto {
                regs,
                method,
                proto,
            } => return self.exec_call(at, op, regs, method, Some(proto), state, emit),
            _ => {
                if let Some((dest, wide)) = insn.dest() {
                    if wide {
                        Self::set_wide(state, dest, TOP)
                    } else {
                        Self::set(state, dest, TOP)
                    }
                }
            }
        }
        TOP
    }

    #[allow(clippy::too_many_arguments)]
    fn exec_call(
        &mut self,
        at: u32,
        op: Opcode,
        regs: RegList,
        index: u32,
        proto: Option<u32>,
        state: &mut [Val],
        emit: bool,
    ) -> Val {
        if op == Opcode::FILLED_NEW_ARRAY || op == Opcode::FILLED_NEW_ARRAY_RANGE {
            if emit {
                let array_type = self.input.dex.type_sym(TypeIdx(index));
                let values: Vec<Val> = regs.iter().map(|r| Self::get(state, r)).collect();
                let entry = self.array_entry(at);
                entry.array_type = array_type;
                entry.length = Some(values.len() as u32);
                for (k, v) in values.into_iter().enumerate() {
                    entry.elements.insert(k as u32, v);
                }
            }
            return Val::Arr(at);
        }
        let Some(kind) = InvokeKind::from_opcode(op.0) else {
            return TOP;
        };
        let tables = self.input.tables;
        // `invoke-custom` passes its registers as plain references; a prototype can name at
        // most 255 parameters.
        const CUSTOM_PARAMS: [u8; 256] = [b'L'; 256];
        let params: &[u8] = match (kind, proto) {
            (InvokeKind::Custom, _) => &CUSTOM_PARAMS[..regs.len().min(CUSTOM_PARAMS.len())],
            (_, Some(p)) => tables.params_of_proto(p),
            _ => tables.params_of_method(index),
        };
        // The scratch buffer avoids one allocation per call site.
        let mut args = std::mem::take(&mut self.args_scratch);
        args.clear();
        let mut pos = 0usize;
        if kind.has_receiver() {
            args.push(Self::get(state, regs.get(0).unwrap_or(u32::MAX)));
            pos = 1;
        }
        for &p in params {
            // A malformed prototype may name more parameters than registers are passed.
            if pos >= regs.len() {
                break;
            }
            args.push(Self::get(state, regs.get(pos).unwrap_or(u32::MAX)));
            pos += if p == b'J' || p == b'D' { 2 } else { 1 };
        }
        let model = if kind == InvokeKind::Custom {
            Model::Other
        } else {
            tables
                .models
                .get(index as usize)
                .copied()
                .unwrap_or(Model::Other)
        };
        let arg_origins = args
            .iter()
            .fold(Origins::NONE, |acc, &v| acc.union(self.facts.origins(v)));
        let first_param = usize::from(kind.has_receiver());
        let result = match model {
            Model::BuilderInit => {
                if let Some(site) = args.first().and_then(|&r| self.builder_site(r)) {
                    let (content, origins) = match (args.get(1).copied(), params.first().copied()) {
                        (None, _) | (Some(_), Some(b'I')) => (Some(String::new()), Origins::NONE),
                        (Some(v), Some(kind)) => (self.concat_text(v, kind), self.facts.origins(v)),
                        (Some(_), None) => (None, Origins::NONE),
                    };
                    self.facts.builders.push(BuilderState {
                        site,
                        content,
                        origins,
                    });
                    let value = Val::Builder(self.facts.builders.len() as u32 - 1);
                    self.replace_site(state, site, value, &regs);
                }
                TOP
            }
            Model::BuilderAppend => match args.first().copied() {
                Some(Val::Builder(b)) => {
                    let current = self.facts.builders.get(b as usize).cloned();
                    match current {
                        Some(current) => {
                            let piece = args.get(1).and_then(|&v| {
                                self.concat_text(v, params.first().copied().unwrap_or(b'L'))
                            });
                            let content = match (current.content, piece) {
                                (Some(mut text), Some(piece))
                                    if text.len() + piece.len() <= MAX_BUILT_STRING =>
                                {
                                    text.push_str(&piece);
                                    Some(text)
                                }
                                _ => None,
                            };
                            let origins = current.origins.union(
                                args.get(1)
                                    .map(|&v| self.facts.origins(v))
                                    .unwrap_or_default(),
                            );
                            self.facts.builders.push(BuilderState {
                                site: current.site,
                                content,
                                origins,
                            });
                            let value = Val::Builder(self.facts.builders.len() as u32 - 1);
                            self.replace_site(state, current.site, value, &regs);
                            value
                        }
                        None => Val::Top(arg_origins),
                    }
                }
                _ => Val::Top(arg_origins),
            },
            Model::BuilderToString => match args.first().copied() {
                Some(Val::Builder(b)) => match self.facts.builder_text(b).map(str::to_string) {
                    Some(text) => self.push_built(text),
                    None => Val::Top(self.facts.origins(Val::Builder(b)).with(Origins::CONCAT)),
                },
                _ => Val::Top(arg_origins.with(Origins::CONCAT)),
            },
            Model::StringBytes => match args.first().copied() {
                Some(Val::Str(s)) => Val::Bytes(s),
                _ => Val::Top(arg_origins),
            },
            Model::StringChars => match args.first().copied() {
                Some(Val::Str(s)) => Val::Chars(s),
                _ => Val::Top(arg_origins),
            },
            Model::StringValueOf => {
                let v = args.get(first_param).copied().unwrap_or(TOP);
                match v {
                    Val::Str(_) => v,
                    _ => match self.concat_text(v, params.first().copied().unwrap_or(b'L')) {
                        Some(text) if !matches!(v, Val::Builder(_)) => self.push_built(text),
                        _ => Val::Top(arg_origins),
                    },
                }
            }
            Model::StringConcat => match (args.first().copied(), args.get(1).copied()) {
                (Some(Val::Str(x)), Some(Val::Str(y))) => {
                    match (self.text_of(x), self.text_of(y)) {
                        (Some(mut x), Some(y)) => {
                            x.push_str(&y);
                            self.push_built(x)
                        }
                        _ => Val::Top(arg_origins.with(Origins::CONCAT)),
                    }
                }
                _ => Val::Top(arg_origins.with(Origins::CONCAT)),
            },
            Model::StringFormat => Val::Top(arg_origins.with(Origins::CONCAT)),
            Model::StringMap(map) => match args.first().copied() {
                Some(Val::Str(s)) => match map {
                    StrMap::Same => Val::Str(s),
                    _ => match self.text_of(s) {
                        Some(text) => {
                            let mapped = match map {
                                StrMap::Trim => text.trim().to_string(),
                                StrMap::Lower => text.to_lowercase(),
                                StrMap::Upper => text.to_uppercase(),
                                StrMap::Same => text,
                            };
                            self.push_built(mapped)
                        }
                        None => TOP,
                    },
                },
                _ => Val::Top(arg_origins),
            },
            Model::Base64Decode(position) => match args.get(usize::from(position)).copied() {
                Some(Val::Str(s)) => Val::Decoded(s),
                _ => Val::Top(arg_origins),
            },
            Model::BoxValueOf => match args.first().copied() {
                Some(v @ (Val::Int(_) | Val::Long(_))) => v,
                _ => Val::Top(arg_origins),
            },
            Model::Source(bits) => Val::Top(Origins::from_bits(bits)),
            Model::Propagate => {
                if arg_origins.is_empty() {
                    Val::Result(at)
                } else {
                    Val::Top(arg_origins)
                }
            }
            Model::FileInit => {
                let rest = args
                    .iter()
                    .skip(1)
                    .fold(Origins::NONE, |acc, &v| acc.union(self.facts.origins(v)));
                if !rest.is_empty()
                    && let Some(Val::Obj { at: site, .. }) = args.first().copied()
                {
                    self.replace_site(state, site, Val::Top(rest), &regs);
                }
                TOP
            }
            Model::Other => Val::Result(at),
        };
        // A builder handed to any other method may be appended to there: its contents are no
        // longer known (its origins still are).
        let keeps_builders = matches!(
            model,
            Model::BuilderInit
                | Model::BuilderAppend
                | Model::BuilderToString
                | Model::StringValueOf
                | Model::StringConcat
                | Model::StringMap(_)
        );
        if !keeps_builders {
            for &v in &args {
                if let Val::Builder(b) = v
                    && let Some(state_of) = self.facts.builders.get(b as usize).cloned()
                    && state_of.content.is_some()
                {
                    self.facts.builders.push(BuilderState {
                        content: None,
                        ..state_of
                    });
                    let escaped = Val::Builder(self.facts.builders.len() as u32 - 1);
                    self.replace_site(state, state_of.site, escaped, &regs);
                }
            }
        }
        if emit {
            for &v in &args {
                if let Val::Arr(site) = v {
                    self.array_entry(site).passed_to.push(at);
                }
            }
            let start = self.facts.call_args.len() as u32;
            self.facts.call_args.extend_from_slice(&args);
            self.facts.calls.push(RawCall {
                at,
                kind,
                index,
                args: start..self.facts.call_args.len() as u32,
            });
        }
        self.args_scratch = args;
        result
    }
}

fn unary(code: u16, v: Val) -> Val {
    match (code, v) {
        (0x7b, Val::Int(x)) => Val::Int(x.wrapping_neg()),
        (0x7c, Val::Int(x)) => Val::Int(!x),
        (0x7d, Val::Long(x)) => Val::Long(x.wrapping_neg()),
        (0x7e, Val::Long(x)) => Val::Long(!x),
        (0x81, Val::Int(x)) => Val::Long(i64::from(x)),
        (0x84, Val::Long(x)) => Val::Int(x as i32),
        (0x8d, Val::Int(x)) => Val::Int(i32::from(x as i8)),
        (0x8e, Val::Int(x)) => Val::Int(i32::from(x as u16)),
        (0x8f, Val::Int(x)) => Val::Int(i32::from(x as i16)),
        (_, Val::Top(o)) => Val::Top(o),
        _ => TOP,
    }
}

/// Integer and long arithmetic on constants; `code` is the 23x opcode (0x90..0xaf).
fn binary(code: u16, a: Val, b: Val) -> Val {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => int_op(code.wrapping_sub(0x90), x, y)
            .map(Val::Int)
            .unwrap_or(TOP),
        (Val::Long(x), Val::Long(y)) if (0x9b..=0xa2).contains(&code) => {
            long_op(code - 0x9b, x, y).map(Val::Long).unwrap_or(TOP)
        }
        (Val::Long(x), Val::Int(y)) if (0xa3..=0xa5).contains(&code) => {
            long_op(code - 0x9b, x, i64::from(y))
                .map(Val::Long)
                .unwrap_or(TOP)
        }
        _ => Val::Top(match (a, b) {
            (Val::Top(x), Val::Top(y)) => x.union(y),
            (Val::Top(x), _) | (_, Val::Top(x)) => x,
            _ => Origins::NONE,
        }),
    }
}

fn binary_lit(code: u16, a: Val, lit: i32) -> Val {
    let op = match code {
        0xd0 | 0xd8 => 0,
        0xd1 | 0xd9 => {
            return if let Val::Int(x) = a {
                Val::Int(lit.wrapping_sub(x))
            } else {
                TOP
            };
        }
        0xd2 | 0xda => 2,
        0xd3 | 0xdb => 3,
        0xd4 | 0xdc => 4,
        0xd5 | 0xdd => 5,
        0xd6 | 0xde => 6,
        0xd7 | 0xdf => 7,
        0xe0 => 8,
        0xe1 => 9,
        0xe2 => 10,
        _ => return TOP,
    };
    match a {
        Val::Int(x) => int_op(op, x, lit).map(Val::Int).unwrap_or(TOP),
        Val::Top(o) => Val::Top(o),
        _ => TOP,
    }
}

/// `op` indexes add, sub, mul, div, rem, and, or, xor, shl, shr, ushr.
fn int_op(op: u16, x: i32, y: i32) -> Option<i32> {
    Some(match op {
        0 => x.wrapping_add(y),
        1 => x.wrapping_sub(y),
        2 => x.wrapping_mul(y),
        3 => x.checked_div(y)?,
        4 => x.checked_rem(y)?,
        5 => x & y,
        6 => x | y,
        7 => x ^ y,
        8 => x.wrapping_shl(y as u32 & 31),
        9 => x.wrapping_shr(y as u32 & 31),
        10 => ((x as u32) >> (y as u32 & 31)) as i32,
        _ => return None,
    })
}

fn long_op(op: u16, x: i64, y: i64) -> Option<i64> {
    Some(match op {
        0 => x.wrapping_add(y),
        1 => x.wrapping_sub(y),
        2 => x.wrapping_mul(y),
        3 => x.checked_div(y)?,
        4 => x.checked_rem(y)?,
        5 => x & y,
        6 => x | y,
        7 => x ^ y,
        8 => x.wrapping_shl(y as u32 & 63),
        9 => x.wrapping_shr(y as u32 & 63),
        10 => ((x as u64) >> (y as u32 & 63)) as i64,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_folds_like_the_vm() {
        assert_eq!(int_op(3, 7, 0), None);
        assert_eq!(int_op(3, i32::MIN, -1), None);
        assert_eq!(int_op(8, 1, 33), Some(2));
        assert_eq!(int_op(10, -1, 28), Some(0xf));
        assert_eq!(long_op(6, 0x4000000, 0x8000000), Some(0xc000000));
        assert_eq!(binary_lit(0xd1, Val::Int(3), 10), Val::Int(7));
        assert_eq!(
            binary(0x96, Val::Int(0x0400_0000), Val::Int(0x0800_0000)),
            Val::Int(0x0c00_0000)
        );
        assert_eq!(unary(0x8d, Val::Int(0x1ff)), Val::Int(-1));
    }

    #[test]
    fn models_cover_the_sources_rules_need() {
        assert_eq!(
            classify(
                b"Landroid/content/Intent;",
                b"getStringExtra",
                b"(Ljava/lang/String;)Ljava/lang/String;"
            ),
            Model::Source(Origins::INTENT_EXTRA)
        );
        assert_eq!(
            classify(
                b"Lcom/acme/A;",
                b"getExternalFilesDir",
                b"(Ljava/lang/String;)Ljava/io/File;"
            ),
            Model::Source(Origins::EXTERNAL_STORAGE)
        );
        assert_eq!(
            classify(b"Lcom/acme/A;", b"getIntent", b"()Landroid/content/Intent;"),
            Model::Source(Origins::INTENT)
        );
        assert_eq!(
            classify(
                b"Ljava/lang/StringBuilder;",
                b"append",
                b"(C)Ljava/lang/StringBuilder;"
            ),
            Model::BuilderAppend
        );
        assert_eq!(
            classify(
                b"Ljava/lang/Integer;",
                b"valueOf",
                b"(I)Ljava/lang/Integer;"
            ),
            Model::BoxValueOf
        );
        assert_eq!(
            classify(
                b"Ljava/lang/Integer;",
                b"valueOf",
                b"(Ljava/lang/String;)Ljava/lang/Integer;"
            ),
            Model::Other
        );
        assert_eq!(classify(b"Lcom/acme/A;", b"foo", b"()V"), Model::Other);
    }
}
