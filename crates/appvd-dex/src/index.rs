//! The per-app indexes, built once: call sites with constant arguments, string references,
//! field accesses and method return values.
//!
//! [`AppIndex::build`] analyses every method of every app class in parallel (rayon, one task per
//! class, in batches of classes), then concatenates the per-class results in class-table order,
//! so the output does not depend on thread scheduling. Work is bounded: at most two code units
//! are analysed per input byte (see `over_budget`), whatever the file claims.

use crate::anomaly::AnomalyKind;
use crate::app::{App, AppAnomaly, AppMethodId, ClassId, DexId, FieldKey, MethodKey};
use crate::cfg::Cfg;
use crate::constprop::{self, DexTables, LStr, MethodFacts, MethodInput, Val};
use crate::facts::{ArrayId, ArrayValue, ConstValue, InvokeKind, StrRef};
use crate::hash::FxHashMap;
use crate::ids::{FieldIdx, MethodIdx, StringIdx};
use crate::packed::PackedValue;
use crate::symbols::Sym;
use rayon::prelude::*;
use std::ops::Range;

/// One `invoke-*` instruction (16 bytes: an app has hundreds of thousands).
#[derive(Debug, Clone, Copy)]
pub struct CallSite {
    /// The method containing the call.
    pub caller: AppMethodId,
    /// Code offset (16-bit units) of the instruction.
    pub at: u32,
    args_start: u32,
    /// Every invoke format has a 16-bit index operand.
    index: u16,
    /// Invoke kind.
    pub kind: InvokeKind,
    /// Invoke formats pass at most 255 argument words.
    args_len: u8,
}

impl CallSite {
    /// The raw index operand: a method index in the caller's DEX file, or a call site index
    /// for `invoke-custom`. [`AppIndex::callee`] resolves it.
    pub fn index(&self) -> u32 {
        u32::from(self.index)
    }
}

/// Where a string from the pool is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringUse {
    /// `const-string` / `const-string/jumbo` in a method.
    Code {
        /// The method.
        method: AppMethodId,
        /// Code offset of the instruction.
        at: u32,
    },
    /// The initial value of a static field.
    StaticValue {
        /// The class.
        class: ClassId,
        /// The field.
        field: FieldIdx,
    },
}

/// A reference to a pool string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringRef {
    /// DEX file of the string.
    pub dex: DexId,
    /// The string.
    pub string: StringIdx,
    /// Where it is used.
    pub usage: StringUse,
}

/// An `iget*` / `iput*` / `sget*` / `sput*`.
#[derive(Debug, Clone, Copy)]
pub struct FieldAccess {
    /// The method containing the access.
    pub method: AppMethodId,
    /// Code offset.
    pub at: u32,
    /// The field.
    pub field: FieldKey,
    /// Whether the field is written.
    pub write: bool,
    /// Whether it is a static field.
    pub is_static: bool,
    /// The value read or written, when known.
    pub value: ConstValue,
}

/// A [`FieldAccess`] as the index stores it (32 bytes instead of 40).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredAccess {
    method: AppMethodId,
    at: u32,
    field: FieldKey,
    value: PackedValue,
    flags: u8,
}

impl StoredAccess {
    const WRITE: u8 = 1;
    const STATIC: u8 = 2;

    fn unpack(&self, overflow: &[ConstValue]) -> FieldAccess {
        FieldAccess {
            method: self.method,
            at: self.at,
            field: self.field,
            write: self.flags & Self::WRITE != 0,
            is_static: self.flags & Self::STATIC != 0,
            value: self
                .value
                .unpack(overflow)
                .unwrap_or(ConstValue::Unknown(Default::default())),
        }
    }
}

/// Field accesses in index order, handed out as [`FieldAccess`] values.
#[derive(Debug, Clone, Copy)]
pub struct FieldAccesses<'x> {
    stored: &'x [StoredAccess],
    overflow: &'x [ConstValue],
}

impl<'x> FieldAccesses<'x> {
    /// Number of accesses.
    pub fn len(&self) -> usize {
        self.stored.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    /// The access at position `i`.
    pub fn get(&self, i: usize) -> Option<FieldAccess> {
        self.stored.get(i).map(|a| a.unpack(self.overflow))
    }

    /// The accesses in order.
    pub fn iter(&self) -> FieldAccessIter<'x> {
        FieldAccessIter {
            stored: self.stored.iter(),
            overflow: self.overflow,
        }
    }
}

impl<'x> IntoIterator for FieldAccesses<'x> {
    type Item = FieldAccess;
    type IntoIter = FieldAccessIter<'x>;

    fn into_iter(self) -> FieldAccessIter<'x> {
        self.iter()
    }
}

/// Iterator over [`FieldAccesses`].
#[derive(Debug, Clone)]
pub struct FieldAccessIter<'x> {
    stored: std::slice::Iter<'x, StoredAccess>,
    overflow: &'x [ConstValue],
}

impl Iterator for FieldAccessIter<'_> {
    type Item = FieldAccess;

    fn next(&mut self) -> Option<FieldAccess> {
        self.stored.next().map(|a| a.unpack(self.overflow))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.stored.size_hint()
    }
}

impl DoubleEndedIterator for FieldAccessIter<'_> {
    fn next_back(&mut self) -> Option<FieldAccess> {
        self.stored.next_back().map(|a| a.unpack(self.overflow))
    }
}

impl ExactSizeIterator for FieldAccessIter<'_> {}

/// The indexes of one app.
///
/// Everything is kept in a few flat vectors: values are stored packed (eight bytes, see the
/// `packed` module), per-method tables are prefix offsets into the flat vectors (calls and code
/// strings are stored in method order), and strings built by the analysis share one buffer.
#[derive(Debug, Default)]
pub struct AppIndex {
    pub(crate) calls: Vec<CallSite>,
    args: Vec<PackedValue>,
    /// Call ids grouped by the callee's name; `name_starts[sym]..name_starts[sym + 1]` are the
    /// calls to methods named `sym`.
    name_calls: Vec<u32>,
    name_starts: Vec<u32>,
    /// `call_starts[m]..call_starts[m + 1]` are the calls of method `m`.
    call_starts: Vec<u32>,
    /// `string_starts[m]..string_starts[m + 1]` are the code strings of method `m`.
    string_starts: Vec<u32>,
    strings: Vec<StringRef>,
    built_text: String,
    /// End of each built string in `built_text`.
    built_ends: Vec<u32>,
    arrays: Vec<ArrayValue>,
    fields: Vec<StoredAccess>,
    returns: Vec<PackedValue>,
    /// Values that do not fit a [`PackedValue`].
    overflow: Vec<ConstValue>,
    skipped: Vec<bool>,
    anomalies: Vec<AppAnomaly>,
}

/// Code units the index analyses per input byte, at most. Real code takes at most one unit
/// per two bytes; methods sharing one large code item (or code items overlapping the whole file)
/// could otherwise make the work grow with the square of the input size.
const UNITS_PER_INPUT_BYTE: u64 = 2;

/// Marks, in method order, the methods beyond the code budget (deterministic, unlike a shared
/// counter consulted by the worker threads).
fn over_budget(app: &App<'_>) -> (Vec<bool>, usize) {
    let budget: u64 = app
        .dexes()
        .iter()
        .map(|d| d.file.data().len() as u64)
        .sum::<u64>()
        * UNITS_PER_INPUT_BYTE
        + 65_536;
    let mut total = 0u64;
    let mut skipped = 0;
    let flags = app
        .methods()
        .iter()
        .map(|m| {
            if m.code_off == 0 {
                return false;
            }
            // A code item that does not fit is rejected when it is read; count only what fits.
            let units = app
                .dex(m.dex)
                .and_then(|d| {
                    let declared = crate::reader::u32_at(d.file.data(), m.code_off as usize + 12)?;
                    let fits = d.file.data().len().saturating_sub(m.code_off as usize + 16) / 2;
                    Some(if declared as usize <= fits {
                        declared
                    } else {
                        0
                    })
                })
                .unwrap_or(0);
            total += u64::from(units);
            let over = total > budget;
            skipped += usize::from(over);
            over
        })
        .collect();
    (flags, skipped)
}

/// What one class produced; ids of arrays, built strings and overflowing values are local to
/// it until [`AppIndex::absorb`] moves them.
#[derive(Debug, Default)]
struct Chunk {
    calls: Vec<CallSite>,
    args: Vec<PackedValue>,
    /// Analysed methods in order, with their number of calls and of code strings.
    methods: Vec<(AppMethodId, u32, u32)>,
    strings: Vec<StringRef>,
    built_text: String,
    built_ends: Vec<u32>,
    arrays: Vec<ArrayValue>,
    fields: Vec<StoredAccess>,
    returns: Vec<(AppMethodId, PackedValue)>,
    overflow: Vec<ConstValue>,
    anomalies: Vec<AppAnomaly>,
}

impl Chunk {
    fn pack(&mut self, value: ConstValue) -> PackedValue {
        PackedValue::pack(value, &mut self.overflow)
    }

    fn push_built(&mut self, text: &str) -> u32 {
        self.built_text.push_str(text);
        self.built_ends.push(self.built_text.len() as u32);
        self.built_ends.len() as u32 - 1
    }
}

/// Moves the ids in a full value by the given offsets (array elements are kept unpacked).
fn rebase(value: &mut ConstValue, arrays: u32, built: u32) {
    let fix = |s: &mut StrRef| {
        if let StrRef::Built(id) = s {
            *id = id.wrapping_add(built);
        }
    };
    match value {
        ConstValue::Array(ArrayId(id)) => *id = id.wrapping_add(arrays),
        ConstValue::String(s)
        | ConstValue::StringBytes(s)
        | ConstValue::StringChars(s)
        | ConstValue::Base64Decoded(s) => fix(s),
        _ => {}
    }
}

/// Arrays of arrays deeper than this are not followed (`String[][]` needs two).
const MAX_ARRAY_NESTING: u32 = 8;

/// Converts method-local values to index values, collecting arrays and built strings into the
/// chunk as they are first referenced.
struct Converter<'c> {
    dex: DexId,
    types: &'c [Sym],
    facts: &'c MethodFacts,
    built_map: FxHashMap<u32, u32>,
    array_map: FxHashMap<u32, u32>,
}

impl Converter<'_> {
    fn string(&mut self, s: LStr, chunk: &mut Chunk) -> StrRef {
        match s {
            LStr::Pool(idx) => StrRef::Pool { dex: self.dex, idx },
            LStr::Built(local) => {
                let id = match self.built_map.get(&local) {
                    Some(&id) => id,
                    None => {
                        let id = chunk.push_built(self.facts.built_text(local));
                        self.built_map.insert(local, id);
                        id
                    }
                };
                StrRef::Built(id)
            }
        }
    }

    fn value(&mut self, v: Val, chunk: &mut Chunk) -> ConstValue {
        self.value_nested(v, chunk, 0)
    }

    /// `depth` counts arrays stored in arrays; beyond [`MAX_ARRAY_NESTING`] an element array
    /// is left unknown, so a chain of arrays cannot exhaust the stack.
    fn value_nested(&mut self, v: Val, chunk: &mut Chunk, depth: u32) -> ConstValue {
        let sym = |t: crate::ids::TypeIdx| self.types.get(t.as_usize()).copied();
        match v {
            Val::Undef => ConstValue::Unknown(Default::default()),
            Val::Top(o) => ConstValue::Unknown(o),
            Val::Int(i) => ConstValue::Int(i),
            Val::Long(l) => ConstValue::Long(l),
            Val::Str(s) => ConstValue::String(self.string(s, chunk)),
            Val::Bytes(s) => ConstValue::StringBytes(self.string(s, chunk)),
            Val::Chars(s) => ConstValue::StringChars(self.string(s, chunk)),
            Val::Decoded(s) => ConstValue::Base64Decoded(self.string(s, chunk)),
            Val::Class(t) => match sym(t) {
                Some(class) => ConstValue::Class(class),
                None => ConstValue::Unknown(Default::default()),
            },
            Val::Obj { ty, at } => match sym(ty) {
                Some(class) => ConstValue::NewInstance { class, at },
                None => ConstValue::Unknown(Default::default()),
            },
            Val::Arr(_) if depth > MAX_ARRAY_NESTING => ConstValue::Unknown(Default::default()),
            Val::Arr(site) => ConstValue::Array(ArrayId(self.array(site, chunk, depth))),
            Val::Builder(b) => match self.facts.builder_text(b) {
                Some(text) => ConstValue::String(StrRef::Built(chunk.push_built(text))),
                None => {
                    ConstValue::Unknown(self.facts.origins(v).with(crate::facts::Origins::CONCAT))
                }
            },
            Val::Field(field) => ConstValue::StaticField {
                dex: self.dex,
                field,
            },
            Val::Result(at) => ConstValue::CallResult { at },
        }
    }

    fn array(&mut self, site: u32, chunk: &mut Chunk, depth: u32) -> u32 {
        if let Some(&id) = self.array_map.get(&site) {
            return id;
        }
        let id = chunk.arrays.len() as u32;
        // Registered before converting elements, so an array stored in itself terminates.
        self.array_map.insert(site, id);
        chunk.arrays.push(ArrayValue {
            array_type: Sym(0),
            length: None,
            elements: Vec::new(),
            complete: false,
            passed_to: Vec::new(),
        });
        if let Some(build) = self.facts.arrays.get(&site) {
            let elements: Vec<(u32, ConstValue)> = build
                .elements
                .iter()
                .map(|(&k, &v)| (k, self.value_nested(v, chunk, depth + 1)))
                .collect();
            let length = build.length;
            if let Some(slot) = chunk.arrays.get_mut(id as usize) {
                *slot = ArrayValue {
                    array_type: build.array_type.unwrap_or(Sym(0)),
                    length,
                    elements,
                    complete: build.complete,
                    passed_to: build.passed_to.clone(),
                };
            }
        }
        id
    }
}

/// Classes analysed in parallel before their results are merged: small enough that the
/// unmerged results stay a small fraction of the index, large enough to keep the threads busy.
const BATCH: usize = 512;

impl AppIndex {
    /// Analyses every method of every app class and builds the indexes.
    pub fn build(app: &App<'_>) -> AppIndex {
        let tables: Vec<DexTables> = app
            .dexes()
            .par_iter()
            .map(|dex| DexTables::build(app, dex))
            .collect();
        let (skipped, skipped_count) = over_budget(app);
        let methods = app.methods().len();
        let mut index = AppIndex {
            call_starts: vec![0; methods + 1],
            string_starts: vec![0; methods + 1],
            returns: vec![PackedValue::ABSENT; methods],
            ..AppIndex::default()
        };
        // Within a batch classes are analysed in parallel and collected in order, so the
        // result does not depend on thread scheduling.
        let classes = app.classes().len();
        let mut start = 0;
        while start < classes {
            let end = (start + BATCH).min(classes);
            let parts: Vec<Chunk> = (start..end)
                .into_par_iter()
                .map(|class| analyze_class(app, &tables, &skipped, ClassId(class as u32)))
                .collect();
            for part in parts {
                index.absorb(part);
            }
            start = end;
        }
        drop(tables);
        // Per-method counts become offsets into the flat vectors.
        for starts in [&mut index.call_starts, &mut index.string_starts] {
            let mut sum = 0u32;
            for slot in starts.iter_mut() {
                sum = sum.wrapping_add(*slot);
                *slot = sum;
            }
        }
        index.skipped = skipped;
        if skipped_count > 0 {
            index.anomalies.push(AppAnomaly {
                dex: None,
                anomaly: crate::anomaly::Anomaly::new(
                    AnomalyKind::AnalysisBudget,
                    format!("{skipped_count} methods not analysed: their code items add up to more code than the input holds"),
                ),
            });
        }
        index.index_names(app);
        index.add_static_strings(app);
        index.anomalies = crate::app::cap_anomalies(std::mem::take(&mut index.anomalies));
        // Growing by doubling leaves up to half of each vector as spare capacity.
        index.calls.shrink_to_fit();
        index.args.shrink_to_fit();
        index.strings.shrink_to_fit();
        index.built_text.shrink_to_fit();
        index.built_ends.shrink_to_fit();
        index.arrays.shrink_to_fit();
        index.fields.shrink_to_fit();
        index.overflow.shrink_to_fit();
        index
    }

    /// Appends one class's results, moving its local ids past the ones already stored.
    fn absorb(&mut self, mut part: Chunk) {
        let arrays = self.arrays.len() as u32;
        let built = self.built_ends.len() as u32;
        let overflow = self.overflow.len() as u32;
        let args = self.args.len() as u32;
        let text = self.built_text.len() as u32;
        for array in part.arrays.iter_mut() {
            for (_, v) in array.elements.iter_mut() {
                rebase(v, arrays, built);
            }
        }
        for call in part.calls.iter_mut() {
            call.args_start = call.args_start.wrapping_add(args);
        }
        for (method, calls, strings) in part.methods {
            let slot = method.0 as usize + 1;
            if let Some(count) = self.call_starts.get_mut(slot) {
                *count = calls;
            }
            if let Some(count) = self.string_starts.get_mut(slot) {
                *count = strings;
            }
        }
        for (method, value) in part.returns {
            if let Some(slot) = self.returns.get_mut(method.0 as usize) {
                *slot = value.rebase(arrays, built, overflow);
            }
        }
        self.args
            .extend(part.args.iter().map(|v| v.rebase(arrays, built, overflow)));
        self.fields.extend(part.fields.iter().map(|f| StoredAccess {
            value: f.value.rebase(arrays, built, overflow),
            ..*f
        }));
        self.built_ends
            .extend(part.built_ends.iter().map(|e| e.wrapping_add(text)));
        self.built_text.push_str(&part.built_text);
        self.calls.append(&mut part.calls);
        self.strings.append(&mut part.strings);
        self.arrays.append(&mut part.arrays);
        self.overflow.append(&mut part.overflow);
        self.anomalies.append(&mut part.anomalies);
    }

    /// Groups call ids by callee name (a counting sort over symbol numbers).
    fn index_names(&mut self, app: &App<'_>) {
        let symbols = app.symbols().len();
        let mut starts = vec![0u32; symbols + 1];
        let name_of = |call: &CallSite| {
            self.callee(app, call)
                .map(|key| key.name.0 as usize)
                .filter(|&name| name < symbols)
        };
        for call in &self.calls {
            if let Some(name) = name_of(call) {
                starts[name + 1] += 1;
            }
        }
        let mut sum = 0u32;
        for slot in starts.iter_mut() {
            sum += *slot;
            *slot = sum;
        }
        let mut next = starts.clone();
        let mut grouped = vec![0u32; sum as usize];
        for (i, call) in self.calls.iter().enumerate() {
            if let Some(name) = name_of(call)
                && let Some(at) = next.get_mut(name)
            {
                if let Some(slot) = grouped.get_mut(*at as usize) {
                    *slot = i as u32;
                }
                *at += 1;
            }
        }
        self.name_calls = grouped;
        self.name_starts = starts;
    }

    /// Initial values of static fields are string uses too (secrets often live there).
    fn add_static_strings(&mut self, app: &App<'_>) {
        for (class_index, class) in app.classes().iter().enumerate() {
            let Some(dex) = app.dex(class.dex) else {
                continue;
            };
            if class.def.static_values_off == 0 {
                continue;
            }
            let (data, _) = dex.file.class_data(&class.def);
            match dex.file.static_values(&class.def) {
                Ok(values) => {
                    for (field, value) in data.static_fields.iter().zip(values.iter()) {
                        if let crate::value::EncodedValue::String(s) = value {
                            self.strings.push(StringRef {
                                dex: class.dex,
                                string: *s,
                                usage: StringUse::StaticValue {
                                    class: ClassId(class_index as u32),
                                    field: field.field,
                                },
                            });
                        }
                    }
                }
                Err(err) => self.anomalies.push(AppAnomaly {
                    dex: Some(dex.name.clone()),
                    anomaly: crate::anomaly::Anomaly::new(
                        AnomalyKind::BadEncodedValue,
                        err.to_string(),
                    )
                    .in_context(app.brief(class.descriptor)),
                }),
            }
        }
    }

    /// All call sites, grouped by caller in class-table order.
    pub fn call_sites(&self) -> &[CallSite] {
        &self.calls
    }

    /// The argument values of a call site (receiver first for non-static calls).
    pub fn args(&self, call: &CallSite) -> impl ExactSizeIterator<Item = ConstValue> + '_ {
        let start = call.args_start as usize;
        self.args
            .get(start..start + usize::from(call.args_len))
            .unwrap_or_default()
            .iter()
            .map(|v| self.unpack(*v))
    }

    /// Argument `i` of a call site (receiver first for non-static calls).
    pub fn arg(&self, call: &CallSite, i: usize) -> Option<ConstValue> {
        if i >= usize::from(call.args_len) {
            return None;
        }
        self.args
            .get(call.args_start as usize + i)
            .map(|v| self.unpack(*v))
    }

    /// Number of arguments of a call site.
    pub fn arg_count(&self, call: &CallSite) -> usize {
        usize::from(call.args_len)
    }

    fn unpack(&self, value: PackedValue) -> ConstValue {
        value
            .unpack(&self.overflow)
            .unwrap_or(ConstValue::Unknown(Default::default()))
    }

    /// The method reference a call names (static receiver type as written); `None` for
    /// `invoke-custom`.
    pub fn callee(&self, app: &App<'_>, call: &CallSite) -> Option<MethodKey> {
        if call.kind == InvokeKind::Custom {
            return None;
        }
        let dex = app.dex(app.method(call.caller)?.dex)?;
        dex.method_key(MethodIdx(call.index()))
    }

    /// Call sites whose callee has this name.
    pub fn calls_named(&self, name: Sym) -> &[u32] {
        let slot = name.0 as usize;
        match (self.name_starts.get(slot), self.name_starts.get(slot + 1)) {
            (Some(&start), Some(&end)) => self
                .name_calls
                .get(start as usize..end as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// Ids of the call sites inside a method (a range of [`Self::call_sites`]).
    pub(crate) fn call_range(&self, method: AppMethodId) -> Range<u32> {
        span(&self.call_starts, method)
    }

    /// Call sites inside a method.
    pub fn calls_in(&self, method: AppMethodId) -> &[CallSite] {
        let range = self.call_range(method);
        self.calls
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default()
    }

    /// All pool string references (code and static values).
    pub fn string_refs(&self) -> &[StringRef] {
        &self.strings
    }

    /// The `const-string` references of a method, in code order.
    pub fn strings_in(&self, method: AppMethodId) -> &[StringRef] {
        let range = span(&self.string_starts, method);
        self.strings
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default()
    }

    /// A string built by the analysis.
    pub fn built_string(&self, id: u32) -> Option<&str> {
        let end = *self.built_ends.get(id as usize)? as usize;
        let start = match id.checked_sub(1) {
            Some(previous) => *self.built_ends.get(previous as usize)? as usize,
            None => 0,
        };
        self.built_text.get(start..end)
    }

    /// An array value.
    pub fn array(&self, id: ArrayId) -> Option<&ArrayValue> {
        self.arrays.get(id.0 as usize)
    }

    /// All field accesses, grouped by method in method order.
    pub fn field_accesses(&self) -> FieldAccesses<'_> {
        FieldAccesses {
            stored: &self.fields,
            overflow: &self.overflow,
        }
    }

    /// Every access to one field, in index order.
    pub(crate) fn accesses_to(&self, field: FieldKey) -> Vec<FieldAccess> {
        self.fields
            .iter()
            .filter(|a| a.field == field)
            .map(|a| a.unpack(&self.overflow))
            .collect()
    }

    /// The field accesses of one method, in code order.
    pub fn field_accesses_in(&self, method: AppMethodId) -> FieldAccesses<'_> {
        let start = self.fields.partition_point(|f| f.method < method);
        let end = self.fields.partition_point(|f| f.method <= method);
        FieldAccesses {
            stored: self.fields.get(start..end).unwrap_or_default(),
            overflow: &self.overflow,
        }
    }

    /// What a method returns on every path, joined (`None` for methods without code or that
    /// never return normally).
    pub fn return_value(&self, method: AppMethodId) -> Option<ConstValue> {
        self.returns
            .get(method.0 as usize)
            .and_then(|v| v.unpack(&self.overflow))
    }

    /// Whether the method's code was analysed (it has code within the analysis budget).
    pub fn analysed(&self, method: AppMethodId) -> bool {
        !self.skipped.get(method.0 as usize).copied().unwrap_or(true)
    }

    /// Problems found while analysing code.
    pub fn anomalies(&self) -> &[AppAnomaly] {
        &self.anomalies
    }
}

/// `starts[m]..starts[m + 1]`, empty when out of range.
fn span(starts: &[u32], method: AppMethodId) -> Range<u32> {
    let m = method.0 as usize;
    match (starts.get(m), starts.get(m + 1)) {
        (Some(&start), Some(&end)) if start <= end => start..end,
        _ => 0..0,
    }
}

fn analyze_class(
    app: &App<'_>,
    tables: &[DexTables],
    skipped: &[bool],
    class_id: ClassId,
) -> Chunk {
    let mut chunk = Chunk::default();
    let Some(class) = app.class(class_id) else {
        return chunk;
    };
    let Some(dex) = app.dex(class.dex) else {
        return chunk;
    };
    let Some(dex_tables) = tables.get(usize::from(class.dex.0)) else {
        return chunk;
    };
    for method_index in class.methods.clone() {
        let method_id = AppMethodId(method_index);
        let Some(method) = app.method(method_id) else {
            continue;
        };
        if method.code_off == 0 || skipped.get(method_index as usize).copied().unwrap_or(true) {
            continue;
        }
        let context = || app.method_brief(method.key);
        let code = match dex.file.code_item(method.code_off) {
            Ok(code) => code,
            Err(err) => {
                chunk.anomalies.push(AppAnomaly {
                    dex: Some(dex.name.clone()),
                    anomaly: crate::anomaly::Anomaly::new(
                        AnomalyKind::BadCodeItem,
                        err.to_string(),
                    )
                    .at(u64::from(method.code_off))
                    .in_context(context()),
                });
                continue;
            }
        };
        let cfg = Cfg::build(&code);
        let params = params_of(dex_tables, method.method);
        let input = MethodInput {
            app,
            dex,
            tables: dex_tables,
            registers: code.registers_size,
            is_static: method.access.is_static(),
            params,
        };
        let facts = constprop::analyze(&input, &cfg, code.insns_units());
        for anomaly in cfg.anomalies.iter().chain(facts.anomalies.iter()) {
            chunk.anomalies.push(AppAnomaly {
                dex: Some(dex.name.clone()),
                anomaly: anomaly.clone().in_context(context()),
            });
        }

        let mut converter = Converter {
            dex: class.dex,
            types: &dex.types,
            facts: &facts,
            built_map: FxHashMap::default(),
            array_map: FxHashMap::default(),
        };
        let first_call = chunk.calls.len();
        for call in &facts.calls {
            // Every invoke format has a 16-bit index operand.
            let Ok(index) = u16::try_from(call.index) else {
                continue;
            };
            let start = chunk.args.len() as u32;
            // Invoke formats pass at most 255 argument words.
            for &v in facts.args_of(call).iter().take(usize::from(u8::MAX)) {
                let value = converter.value(v, &mut chunk);
                let packed = chunk.pack(value);
                chunk.args.push(packed);
            }
            chunk.calls.push(CallSite {
                caller: method_id,
                at: call.at,
                index,
                args_start: start,
                args_len: (chunk.args.len() as u32 - start) as u8,
                kind: call.kind,
            });
        }
        let first_string = chunk.strings.len();
        for &(at, string) in &facts.strings {
            chunk.strings.push(StringRef {
                dex: class.dex,
                string,
                usage: StringUse::Code {
                    method: method_id,
                    at,
                },
            });
        }
        chunk.methods.push((
            method_id,
            (chunk.calls.len() - first_call) as u32,
            (chunk.strings.len() - first_string) as u32,
        ));
        for field in &facts.fields {
            let Some(key) = dex.field_key(field.field) else {
                continue;
            };
            let value = converter.value(field.value, &mut chunk);
            let value = chunk.pack(value);
            chunk.fields.push(StoredAccess {
                method: method_id,
                at: field.at,
                field: key,
                value,
                flags: if field.write { StoredAccess::WRITE } else { 0 }
                    | if field.is_static {
                        StoredAccess::STATIC
                    } else {
                        0
                    },
            });
        }
        if let Some(ret) = facts.returns {
            let value = converter.value(ret, &mut chunk);
            let value = chunk.pack(value);
            chunk.returns.push((method_id, value));
        }
    }
    chunk
}

/// First character of each parameter type of a method reference.
fn params_of(tables: &DexTables, method: MethodIdx) -> &[u8] {
    tables.params_of_method(method.0)
}
