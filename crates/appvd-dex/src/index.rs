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
use crate::symbols::Sym;
use rayon::prelude::*;
use std::ops::Range;

/// One `invoke-*` instruction (kept small: an app has hundreds of thousands).
#[derive(Debug, Clone)]
pub struct CallSite {
    /// The method containing the call.
    pub caller: AppMethodId,
    /// Code offset (16-bit units) of the instruction.
    pub at: u32,
    /// The raw index operand: a method index in the caller's DEX file, or a call site index
    /// for `invoke-custom`. [`AppIndex::callee`] resolves it.
    pub index: u32,
    args_start: u32,
    args_len: u16,
    /// Invoke kind.
    pub kind: InvokeKind,
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

/// The indexes of one app.
#[derive(Debug, Default)]
pub struct AppIndex {
    pub(crate) calls: Vec<CallSite>,
    pub(crate) args: Vec<ConstValue>,
    pub(crate) by_name: FxHashMap<Sym, Vec<u32>>,
    pub(crate) method_calls: Vec<Range<u32>>,
    pub(crate) method_strings: Vec<Range<u32>>,
    pub(crate) strings: Vec<StringRef>,
    pub(crate) built: Vec<Box<str>>,
    pub(crate) arrays: Vec<ArrayValue>,
    pub(crate) fields: Vec<FieldAccess>,
    pub(crate) returns: Vec<Option<ConstValue>>,
    pub(crate) skipped: Vec<bool>,
    pub(crate) anomalies: Vec<AppAnomaly>,
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

/// What one chunk of classes produced; ids of arrays and built strings are local to it.
#[derive(Debug, Default)]
struct Chunk {
    calls: Vec<CallSite>,
    args: Vec<ConstValue>,
    method_calls: Vec<(AppMethodId, Range<u32>)>,
    method_strings: Vec<(AppMethodId, Range<u32>)>,
    strings: Vec<StringRef>,
    built: Vec<Box<str>>,
    arrays: Vec<ArrayValue>,
    fields: Vec<FieldAccess>,
    returns: Vec<(AppMethodId, ConstValue)>,
    anomalies: Vec<AppAnomaly>,
}

fn rebase(value: &mut ConstValue, arrays: u32, built: u32) {
    let fix = |s: &mut StrRef| {
        if let StrRef::Built(id) = s {
            *id += built;
        }
    };
    match value {
        ConstValue::Array(ArrayId(id)) => *id += arrays,
        ConstValue::String(s)
        | ConstValue::StringBytes(s)
        | ConstValue::StringChars(s)
        | ConstValue::Base64Decoded(s) => fix(s),
        _ => {}
    }
}

impl Chunk {
    fn append(mut self, mut other: Chunk) -> Chunk {
        let (arrays, built) = (self.arrays.len() as u32, self.built.len() as u32);
        let (calls, args) = (self.calls.len() as u32, self.args.len() as u32);
        for v in other.args.iter_mut() {
            rebase(v, arrays, built);
        }
        for array in other.arrays.iter_mut() {
            for (_, v) in array.elements.iter_mut() {
                rebase(v, arrays, built);
            }
        }
        for f in other.fields.iter_mut() {
            rebase(&mut f.value, arrays, built);
        }
        for (_, v) in other.returns.iter_mut() {
            rebase(v, arrays, built);
        }
        for call in other.calls.iter_mut() {
            call.args_start += args;
        }
        for (_, range) in other.method_calls.iter_mut() {
            *range = range.start + calls..range.end + calls;
        }
        let strings = self.strings.len() as u32;
        for (_, range) in other.method_strings.iter_mut() {
            *range = range.start + strings..range.end + strings;
        }
        self.calls.append(&mut other.calls);
        self.args.append(&mut other.args);
        self.method_calls.append(&mut other.method_calls);
        self.method_strings.append(&mut other.method_strings);
        self.strings.append(&mut other.strings);
        self.built.append(&mut other.built);
        self.arrays.append(&mut other.arrays);
        self.fields.append(&mut other.fields);
        self.returns.append(&mut other.returns);
        self.anomalies.append(&mut other.anomalies);
        self
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
                let id = *self.built_map.entry(local).or_insert_with(|| {
                    chunk.built.push(Box::from(self.facts.built_text(local)));
                    chunk.built.len() as u32 - 1
                });
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
                Some(text) => {
                    chunk.built.push(Box::from(text));
                    ConstValue::String(StrRef::Built(chunk.built.len() as u32 - 1))
                }
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

impl AppIndex {
    /// Analyses every method of every app class and builds the indexes.
    pub fn build(app: &App<'_>) -> AppIndex {
        let tables: Vec<DexTables> = app
            .dexes()
            .par_iter()
            .map(|dex| DexTables::build(app, dex))
            .collect();
        let (skipped, skipped_count) = over_budget(app);
        // Batches bound the memory held by per-class results that are not merged yet; within a
        // batch, classes are analysed in parallel and collected in order.
        const BATCH: usize = 2048;
        let classes = app.classes().len();
        let mut chunk = Chunk::default();
        let mut start = 0;
        while start < classes {
            let end = (start + BATCH).min(classes);
            let parts: Vec<Chunk> = (start..end)
                .into_par_iter()
                .map(|class| analyze_class(app, &tables, &skipped, ClassId(class as u32)))
                .collect();
            for part in parts {
                chunk = chunk.append(part);
            }
            start = end;
        }

        let mut index = AppIndex {
            calls: chunk.calls,
            args: chunk.args,
            by_name: FxHashMap::default(),
            method_calls: vec![0..0; app.methods().len()],
            method_strings: vec![0..0; app.methods().len()],
            strings: chunk.strings,
            built: chunk.built,
            arrays: chunk.arrays,
            fields: chunk.fields,
            returns: vec![None; app.methods().len()],
            skipped,
            anomalies: chunk.anomalies,
        };
        if skipped_count > 0 {
            index.anomalies.push(AppAnomaly {
                dex: None,
                anomaly: crate::anomaly::Anomaly::new(
                    AnomalyKind::AnalysisBudget,
                    format!("{skipped_count} methods not analysed: their code items add up to more code than the input holds"),
                ),
            });
        }
        for (method, range) in chunk.method_calls {
            if let Some(slot) = index.method_calls.get_mut(method.0 as usize) {
                *slot = range;
            }
        }
        for (method, range) in chunk.method_strings {
            if let Some(slot) = index.method_strings.get_mut(method.0 as usize) {
                *slot = range;
            }
        }
        for (method, value) in chunk.returns {
            if let Some(slot) = index.returns.get_mut(method.0 as usize) {
                *slot = Some(value);
            }
        }
        // Growing by doubling leaves up to half of each vector as spare capacity.
        index.calls.shrink_to_fit();
        index.args.shrink_to_fit();
        index.strings.shrink_to_fit();
        index.built.shrink_to_fit();
        index.arrays.shrink_to_fit();
        index.fields.shrink_to_fit();
        for (i, call) in index.calls.iter().enumerate() {
            if let Some(key) = index.callee(app, call) {
                index.by_name.entry(key.name).or_default().push(i as u32);
            }
        }
        // Initial values of static fields are string uses too (secrets often live there).
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
                            index.strings.push(StringRef {
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
                Err(err) => index.anomalies.push(AppAnomaly {
                    dex: Some(dex.name.clone()),
                    anomaly: crate::anomaly::Anomaly::new(
                        AnomalyKind::BadEncodedValue,
                        err.to_string(),
                    )
                    .in_context(app.brief(class.descriptor)),
                }),
            }
        }
        index.anomalies = crate::app::cap_anomalies(std::mem::take(&mut index.anomalies));
        index
    }

    /// All call sites, grouped by caller in class-table order.
    pub fn call_sites(&self) -> &[CallSite] {
        &self.calls
    }

    /// The argument values of a call site (receiver first for non-static calls).
    pub fn args(&self, call: &CallSite) -> &[ConstValue] {
        let start = call.args_start as usize;
        self.args
            .get(start..start + usize::from(call.args_len))
            .unwrap_or_default()
    }

    /// The method reference a call names (static receiver type as written); `None` for
    /// `invoke-custom`.
    pub fn callee(&self, app: &App<'_>, call: &CallSite) -> Option<MethodKey> {
        if call.kind == InvokeKind::Custom {
            return None;
        }
        let dex = app.dex(app.method(call.caller)?.dex)?;
        dex.method_key(MethodIdx(call.index))
    }

    /// Call sites whose callee has this name.
    pub fn calls_named(&self, name: Sym) -> &[u32] {
        self.by_name
            .get(&name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Call sites inside a method.
    pub fn calls_in(&self, method: AppMethodId) -> &[CallSite] {
        match self.method_calls.get(method.0 as usize) {
            Some(range) => self
                .calls
                .get(range.start as usize..range.end as usize)
                .unwrap_or_default(),
            None => &[],
        }
    }

    /// All pool string references (code and static values).
    pub fn string_refs(&self) -> &[StringRef] {
        &self.strings
    }

    /// The `const-string` references of a method, in code order.
    pub fn strings_in(&self, method: AppMethodId) -> &[StringRef] {
        match self.method_strings.get(method.0 as usize) {
            Some(range) => self
                .strings
                .get(range.start as usize..range.end as usize)
                .unwrap_or_default(),
            None => &[],
        }
    }

    /// A string built by the analysis.
    pub fn built_string(&self, id: u32) -> Option<&str> {
        self.built.get(id as usize).map(|s| s.as_ref())
    }

    /// An array value.
    pub fn array(&self, id: ArrayId) -> Option<&ArrayValue> {
        self.arrays.get(id.0 as usize)
    }

    /// All field accesses, grouped by method in method order.
    pub fn field_accesses(&self) -> &[FieldAccess] {
        &self.fields
    }

    /// The field accesses of one method, in code order.
    pub fn field_accesses_in(&self, method: AppMethodId) -> &[FieldAccess] {
        let start = self.fields.partition_point(|f| f.method < method);
        let end = self.fields.partition_point(|f| f.method <= method);
        self.fields.get(start..end).unwrap_or_default()
    }

    /// What a method returns on every path, joined (`None` for methods without code or that
    /// never return normally).
    pub fn return_value(&self, method: AppMethodId) -> Option<ConstValue> {
        self.returns.get(method.0 as usize).copied().flatten()
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
            params: &params,
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
        let first_call = chunk.calls.len() as u32;
        for call in &facts.calls {
            let start = chunk.args.len() as u32;
            // At most 256 argument words exist, so the count fits.
            for &v in facts.args_of(call).iter().take(usize::from(u16::MAX)) {
                let value = converter.value(v, &mut chunk);
                chunk.args.push(value);
            }
            chunk.calls.push(CallSite {
                caller: method_id,
                at: call.at,
                index: call.index,
                args_start: start,
                args_len: (chunk.args.len() as u32 - start) as u16,
                kind: call.kind,
            });
        }
        chunk
            .method_calls
            .push((method_id, first_call..chunk.calls.len() as u32));
        let first_string = chunk.strings.len() as u32;
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
        chunk
            .method_strings
            .push((method_id, first_string..chunk.strings.len() as u32));
        for field in &facts.fields {
            let Some(key) = dex.field_key(field.field) else {
                continue;
            };
            let value = converter.value(field.value, &mut chunk);
            chunk.fields.push(FieldAccess {
                method: method_id,
                at: field.at,
                field: key,
                write: field.write,
                is_static: field.is_static,
                value,
            });
        }
        if let Some(ret) = facts.returns {
            let value = converter.value(ret, &mut chunk);
            chunk.returns.push((method_id, value));
        }
    }
    chunk
}

fn params_of(tables: &DexTables, method: MethodIdx) -> Vec<u8> {
    let proto = tables
        .method_proto
        .get(method.as_usize())
        .copied()
        .unwrap_or(u32::MAX);
    tables
        .proto_params
        .get(proto as usize)
        .map(|p| p.to_vec())
        .unwrap_or_default()
}
