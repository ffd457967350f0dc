//! One app, many DEX files: the class table over all of them and hierarchy resolution through
//! app classes and the bundled framework table.

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::class::ClassDef;
use crate::file::{DexFile, ParseOptions};
use crate::framework::{Framework, framework};
use crate::hash::{FxHashMap, FxHashSet, IdTable, hash_words};
use crate::ids::{AccessFlags, FieldIdx, MethodIdx, TypeIdx};
use crate::symbols::{Sym, Symbols};
use crate::value::EncodedValue;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Index of a DEX file within an [`App`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DexId(pub u16);

/// Index of a class in the app's class table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ClassId(pub u32);

/// Index of a method defined by an app class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct AppMethodId(pub u32);

/// A method reference normalised across DEX files: class, name and prototype as symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodKey {
    /// The class the reference names (static receiver type).
    pub class: Sym,
    /// Method name.
    pub name: Sym,
    /// Prototype descriptor, e.g. `(Ljava/lang/String;)V`.
    pub proto: Sym,
}

/// A field reference normalised across DEX files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldKey {
    /// The class the reference names.
    pub class: Sym,
    /// Field name.
    pub name: Sym,
    /// Field type descriptor.
    pub type_: Sym,
}

/// A DEX file to add to an app: its name inside the APK and its bytes.
#[derive(Debug, Clone, Copy)]
pub struct DexInput<'a> {
    /// Name inside the APK, e.g. `classes2.dex`.
    pub name: &'a str,
    /// The file contents.
    pub data: &'a [u8],
}

/// One opened DEX file of the app, with its references interned.
pub struct AppDex<'a> {
    /// Name inside the APK (container entries after the first get `!2`, `!3`...).
    pub name: String,
    /// The parsed file.
    pub file: DexFile<'a>,
    pub(crate) types: Vec<Sym>,
    pub(crate) protos: Vec<Sym>,
    pub(crate) methods: Vec<MethodKey>,
    pub(crate) fields: Vec<FieldKey>,
}

impl fmt::Debug for AppDex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppDex")
            .field("name", &self.name)
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl AppDex<'_> {
    /// Interned descriptor of a type index (a placeholder symbol if out of range).
    pub fn type_sym(&self, idx: TypeIdx) -> Option<Sym> {
        self.types.get(idx.as_usize()).copied()
    }

    /// Interned descriptor of a prototype, e.g. `(Ljava/lang/String;)V`.
    pub fn proto_sym(&self, idx: crate::ids::ProtoIdx) -> Option<Sym> {
        self.protos.get(idx.as_usize()).copied()
    }

    /// Interned key of a method reference.
    pub fn method_key(&self, idx: MethodIdx) -> Option<MethodKey> {
        self.methods.get(idx.as_usize()).copied()
    }

    /// Interned key of a field reference.
    pub fn field_key(&self, idx: FieldIdx) -> Option<FieldKey> {
        self.fields.get(idx.as_usize()).copied()
    }
}

/// A class defined by the app (the first definition when several DEX files define it).
#[derive(Debug, Clone)]
pub struct AppClass {
    /// DEX file that defines it.
    pub dex: DexId,
    /// The class definition.
    pub def: ClassDef,
    /// Descriptor symbol.
    pub descriptor: Sym,
    /// Superclass descriptor, if any.
    pub superclass: Option<Sym>,
    /// Implemented interfaces.
    pub interfaces: Vec<Sym>,
    /// Access flags.
    pub access: AccessFlags,
    /// The methods it defines, as a range of [`AppMethodId`]s.
    pub methods: Range<u32>,
}

/// A method defined by an app class.
#[derive(Debug, Clone, Copy)]
pub struct AppMethod {
    /// Defining class.
    pub class: ClassId,
    /// DEX file of the class.
    pub dex: DexId,
    /// The method reference in that DEX file.
    pub method: MethodIdx,
    /// Normalised key.
    pub key: MethodKey,
    /// Access flags.
    pub access: AccessFlags,
    /// Code item offset, 0 for abstract and native methods.
    pub code_off: u32,
    /// Whether it is a direct method (static, private or constructor).
    pub direct: bool,
}

/// The value of a `static final` field known from the class's static values.
#[derive(Debug, Clone, PartialEq)]
pub enum StaticConst {
    /// `int`, `short`, `byte`, `char` and `boolean` values.
    Int(i32),
    /// `long` values.
    Long(i64),
    /// `String` values.
    Str(Arc<str>),
}

/// An anomaly together with the DEX file it was found in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppAnomaly {
    /// Name of the DEX file, or `None` for app-wide anomalies.
    pub dex: Option<String>,
    /// The anomaly.
    pub anomaly: Anomaly,
}

impl fmt::Display for AppAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.dex {
            Some(dex) => write!(f, "{dex}: {}", self.anomaly),
            None => write!(f, "{}", self.anomaly),
        }
    }
}

/// Longest symbol text quoted in an anomaly.
const BRIEF_LEN: usize = 200;
/// Anomalies kept per kind; the rest are counted in one summary line.
const ANOMALIES_PER_KIND: usize = 256;

/// Keeps at most [`ANOMALIES_PER_KIND`] anomalies of each kind, in order, and appends one line
/// per kind that had more, so hostile files cannot fill memory with reports.
pub(crate) fn cap_anomalies(all: Vec<AppAnomaly>) -> Vec<AppAnomaly> {
    let mut per_kind: FxHashMap<AnomalyKind, usize> = FxHashMap::default();
    let mut kept = Vec::new();
    for anomaly in all {
        let count = per_kind.entry(anomaly.anomaly.kind).or_insert(0);
        *count += 1;
        if *count <= ANOMALIES_PER_KIND {
            kept.push(anomaly);
        }
    }
    let mut overflowing: Vec<(AnomalyKind, usize)> = per_kind
        .into_iter()
        .filter(|(_, n)| *n > ANOMALIES_PER_KIND)
        .collect();
    overflowing.sort();
    for (kind, count) in overflowing {
        kept.push(AppAnomaly {
            dex: None,
            anomaly: Anomaly::new(
                kind,
                format!(
                    "{} more anomalies of this kind were not recorded",
                    count - ANOMALIES_PER_KIND
                ),
            ),
        });
    }
    kept
}

/// Longest `static final` string value kept for constant propagation.
const MAX_CONST_STRING: usize = 4096;

/// Longest superclass/interface walk before giving up (real hierarchies are a few dozen deep).
const MAX_HIERARCHY_STEPS: usize = 4096;

/// All DEX files of one app, with a class table and hierarchy resolution.
///
/// Classes are looked up by descriptor; the first DEX file (in the order given, which should be
/// `classes.dex`, `classes2.dex`, ...) that defines a class wins, as on Android, and later
/// definitions are reported as [`AnomalyKind::DuplicateClass`]. Supertypes resolve through app
/// classes and, for `android.*`, `java.*` and `javax.*` classes the detection rules name, through
/// the bundled [`Framework`] table, which takes precedence as the boot class path does.
pub struct App<'a> {
    dexes: Vec<AppDex<'a>>,
    symbols: Symbols<'a>,
    classes: Vec<AppClass>,
    methods: Vec<AppMethod>,
    class_by_type: FxHashMap<Sym, ClassId>,
    /// [`AppMethodId`]s by their key (the first method defined with a key).
    method_by_key: IdTable,
    framework: &'static Framework,
    framework_parents: FxHashMap<Sym, (Option<Sym>, Vec<Sym>)>,
    framework_declares: FxHashSet<MethodKey>,
    broken_edges: FxHashSet<(Sym, Sym)>,
    static_consts: FxHashMap<FieldKey, StaticConst>,
    anomalies: Vec<AppAnomaly>,
}

impl fmt::Debug for App<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("dexes", &self.dexes)
            .field("classes", &self.classes.len())
            .field("methods", &self.methods.len())
            .field("anomalies", &self.anomalies.len())
            .finish_non_exhaustive()
    }
}

/// Sort key that puts `classes.dex` first, then `classes2.dex`, `classes3.dex`, ... numerically,
/// then anything else by name.
pub fn multidex_order(name: &str) -> (u32, String) {
    let base = name.rsplit('/').next().unwrap_or(name);
    if let Some(middle) = base
        .strip_prefix("classes")
        .and_then(|r| r.strip_suffix(".dex"))
    {
        if middle.is_empty() {
            return (1, String::new());
        }
        if let Ok(n) = middle.parse::<u32>() {
            return (n.max(2), String::new());
        }
    }
    (u32::MAX, name.to_string())
}

impl<'a> App<'a> {
    /// Opens every DEX file (with the default parse options) and builds the class table.
    pub fn new(inputs: &[DexInput<'a>]) -> App<'a> {
        Self::with_options(inputs, ParseOptions::default())
    }

    /// Opens every DEX file and builds the class table. Files that cannot be opened at all are
    /// reported as [`AnomalyKind::Unreadable`] and skipped.
    pub fn with_options(inputs: &[DexInput<'a>], options: ParseOptions) -> App<'a> {
        let mut anomalies = Vec::new();
        let mut opened = Vec::new();
        for input in inputs {
            match DexFile::parse_container(input.data, options) {
                Ok(entries) => {
                    for (i, file) in entries.into_iter().enumerate() {
                        let name = if i == 0 {
                            input.name.to_string()
                        } else {
                            format!("{}!{}", input.name, i + 1)
                        };
                        for anomaly in file.anomalies() {
                            anomalies.push(AppAnomaly {
                                dex: Some(name.clone()),
                                anomaly: anomaly.clone(),
                            });
                        }
                        opened.push((name, file));
                    }
                }
                Err(err) => anomalies.push(AppAnomaly {
                    dex: Some(input.name.to_string()),
                    anomaly: Anomaly::new(AnomalyKind::Unreadable, err.to_string()),
                }),
            }
        }
        // DexId is 16 bits; an app with more DEX files than that is not something Android loads.
        opened.truncate(usize::from(u16::MAX));

        let mut symbols = Symbols::default();
        let mut dexes = Vec::with_capacity(opened.len());
        for (name, file) in opened {
            dexes.push(intern_dex(name, file, &mut symbols));
        }

        let mut app = App {
            dexes,
            symbols,
            classes: Vec::new(),
            methods: Vec::new(),
            class_by_type: FxHashMap::default(),
            method_by_key: IdTable::default(),
            framework: framework(),
            framework_parents: FxHashMap::default(),
            framework_declares: FxHashSet::default(),
            broken_edges: FxHashSet::default(),
            static_consts: FxHashMap::default(),
            anomalies,
        };
        app.intern_framework();
        app.build_class_table();
        app.break_cycles();
        // The tables are complete; growing them by doubling left up to half of each unused.
        app.symbols.shrink_to_fit();
        app.classes.shrink_to_fit();
        app.methods.shrink_to_fit();
        app.anomalies = cap_anomalies(std::mem::take(&mut app.anomalies));
        app
    }

    fn intern_framework(&mut self) {
        // The table is static, so its names are borrowed rather than copied.
        let framework = self.framework;
        for class in framework.classes() {
            let sym = self.symbols.intern(class.descriptor.as_bytes());
            let superclass = class
                .superclass
                .as_ref()
                .map(|s| self.symbols.intern(s.as_bytes()));
            let interfaces = class
                .interfaces
                .iter()
                .map(|s| self.symbols.intern(s.as_bytes()))
                .collect();
            self.framework_parents.insert(sym, (superclass, interfaces));
            for method in &class.methods {
                let Some(paren) = method.find('(') else {
                    continue;
                };
                let (name, proto) = method.as_bytes().split_at(paren);
                let name = self.symbols.intern(name);
                let proto = self.symbols.intern(proto);
                self.framework_declares.insert(MethodKey {
                    class: sym,
                    name,
                    proto,
                });
            }
        }
    }

    fn build_class_table(&mut self) {
        // Interface lists may be shared between class definitions; a file that makes every class
        // point at one huge list must not cost (classes x list) memory. Real apps stay far below
        // one interface per two bytes of input.
        let mut interface_budget: usize = self
            .dexes
            .iter()
            .map(|d| d.file.data().len() / 2)
            .sum::<usize>()
            .saturating_add(65_536);
        for (dex_index, dex) in self.dexes.iter().enumerate() {
            let dex_id = DexId(dex_index as u16);
            for def in dex.file.class_defs() {
                let Some(&descriptor) = dex.types.get(def.class.as_usize()) else {
                    self.anomalies.push(AppAnomaly {
                        dex: Some(dex.name.clone()),
                        anomaly: Anomaly::new(
                            AnomalyKind::BadClassDef,
                            format!(
                                "class_defs[{}] names type {} which is out of range",
                                def.index, def.class.0
                            ),
                        ),
                    });
                    continue;
                };
                if let Some(&first) = self.class_by_type.get(&descriptor) {
                    let first_dex = self
                        .classes
                        .get(first.0 as usize)
                        .map(|c| c.dex.0 as usize)
                        .unwrap_or(0);
                    self.anomalies.push(AppAnomaly {
                        dex: Some(dex.name.clone()),
                        anomaly: Anomaly::new(
                            AnomalyKind::DuplicateClass,
                            format!(
                                "{} is already defined in {}; this definition is ignored",
                                self.brief(descriptor),
                                self.dexes
                                    .get(first_dex)
                                    .map(|d| d.name.as_str())
                                    .unwrap_or("?")
                            ),
                        )
                        .in_context(self.brief(descriptor)),
                    });
                    continue;
                }
                let superclass = def
                    .superclass
                    .and_then(|t| dex.types.get(t.as_usize()).copied());
                if def.superclass.is_some() && superclass.is_none() {
                    self.anomalies.push(AppAnomaly {
                        dex: Some(dex.name.clone()),
                        anomaly: Anomaly::new(
                            AnomalyKind::BadIndex,
                            "superclass type index out of range",
                        )
                        .in_context(self.brief(descriptor)),
                    });
                }
                let interfaces: Vec<Sym> = match dex.file.interfaces(&def) {
                    Ok(list) if interface_budget >= list.len() => {
                        interface_budget -= list.len();
                        list.iter()
                            .filter_map(|t| dex.types.get(t.as_usize()).copied())
                            .collect()
                    }
                    Ok(list) => {
                        self.anomalies.push(AppAnomaly {
                            dex: Some(dex.name.clone()),
                            anomaly: Anomaly::new(
                                AnomalyKind::BadClassDef,
                                format!(
                                    "{} interfaces ignored: the classes list more interfaces than the file holds",
                                    list.len()
                                ),
                            )
                            .in_context(self.brief(descriptor)),
                        });
                        Vec::new()
                    }
                    Err(err) => {
                        self.anomalies.push(AppAnomaly {
                            dex: Some(dex.name.clone()),
                            anomaly: Anomaly::new(AnomalyKind::BadClassDef, err.to_string())
                                .in_context(self.brief(descriptor)),
                        });
                        Vec::new()
                    }
                };
                let class_id = ClassId(self.classes.len() as u32);
                let (data, error) = dex.file.class_data(&def);
                if let Some(err) = error {
                    self.anomalies.push(AppAnomaly {
                        dex: Some(dex.name.clone()),
                        anomaly: Anomaly::new(AnomalyKind::BadClassData, err.to_string())
                            .at(u64::from(def.class_data_off))
                            .in_context(self.brief(descriptor)),
                    });
                }
                let first_method = self.methods.len() as u32;
                for (method, direct) in data
                    .direct_methods
                    .iter()
                    .map(|m| (m, true))
                    .chain(data.virtual_methods.iter().map(|m| (m, false)))
                {
                    let Some(&key) = dex.methods.get(method.method.as_usize()) else {
                        self.anomalies.push(AppAnomaly {
                            dex: Some(dex.name.clone()),
                            anomaly: Anomaly::new(
                                AnomalyKind::BadIndex,
                                format!("method index {} out of range", method.method.0),
                            )
                            .in_context(self.brief(descriptor)),
                        });
                        continue;
                    };
                    let id = AppMethodId(self.methods.len() as u32);
                    self.methods.push(AppMethod {
                        class: class_id,
                        dex: dex_id,
                        method: method.method,
                        key,
                        access: method.access_flags,
                        code_off: method.code_off,
                        direct,
                    });
                    let hash = method_key_hash(key);
                    let methods = &self.methods;
                    if self
                        .method_by_key
                        .find(hash, |m| {
                            methods.get(m as usize).is_some_and(|m| m.key == key)
                        })
                        .is_none()
                    {
                        self.method_by_key.insert_new(hash, id.0);
                    }
                }
                let last_method = self.methods.len() as u32;

                // Known values of static final fields, for constant propagation through sget.
                if !data.static_fields.is_empty()
                    && let Ok(values) = dex.file.static_values(&def)
                {
                    for (field, value) in data.static_fields.iter().zip(values.iter()) {
                        let flags = field.access_flags;
                        if !(flags.is_static() && flags.is_final()) || value.is_default() {
                            continue;
                        }
                        let Some(&key) = dex.fields.get(field.field.as_usize()) else {
                            continue;
                        };
                        let constant = match value {
                            EncodedValue::Byte(v) => Some(StaticConst::Int(i32::from(*v))),
                            EncodedValue::Short(v) => Some(StaticConst::Int(i32::from(*v))),
                            EncodedValue::Char(v) => Some(StaticConst::Int(i32::from(*v))),
                            EncodedValue::Int(v) => Some(StaticConst::Int(*v)),
                            EncodedValue::Boolean(v) => Some(StaticConst::Int(i32::from(*v))),
                            EncodedValue::Long(v) => Some(StaticConst::Long(*v)),
                            // Longer strings are never used as constants (the analysis
                            // tracks strings up to this length), and copying them per field
                            // would let shared values multiply memory.
                            EncodedValue::String(s) => dex
                                .file
                                .string(*s)
                                .ok()
                                .filter(|s| s.as_bytes().len() <= MAX_CONST_STRING)
                                .map(|s| StaticConst::Str(Arc::from(s.to_str_lossy().as_ref()))),
                            _ => None,
                        };
                        if let Some(constant) = constant {
                            self.static_consts.insert(key, constant);
                        }
                    }
                }

                self.class_by_type.insert(descriptor, class_id);
                self.classes.push(AppClass {
                    dex: dex_id,
                    def,
                    descriptor,
                    superclass,
                    interfaces,
                    access: def.access_flags,
                    methods: first_method..last_method,
                });
            }
        }
    }

    /// Finds cycles among app classes (through superclasses and interfaces) with an iterative
    /// depth-first search, reports each, and removes the edge that closes it so that every later
    /// walk terminates.
    fn break_cycles(&mut self) {
        let mut state: FxHashMap<Sym, u8> = FxHashMap::default();
        let roots: Vec<Sym> = self.classes.iter().map(|c| c.descriptor).collect();
        for root in roots {
            if state.contains_key(&root) {
                continue;
            }
            let mut stack: Vec<(Sym, usize)> = vec![(root, 0)];
            let mut path: Vec<Sym> = vec![root];
            state.insert(root, 1);
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let parents = self.app_parents(node);
                if let Some(&parent) = parents.get(*next) {
                    *next += 1;
                    if self.broken_edges.contains(&(node, parent))
                        || !self.class_by_type.contains_key(&parent)
                    {
                        continue;
                    }
                    match state.get(&parent).copied() {
                        Some(1) => {
                            let start = path.iter().position(|&s| s == parent).unwrap_or(0);
                            // Long cycles are shown by their first classes.
                            let mut cycle: Vec<String> = path[start..]
                                .iter()
                                .chain(std::iter::once(&parent))
                                .take(16)
                                .map(|s| self.brief(*s))
                                .collect();
                            if path.len() - start + 1 > 16 {
                                cycle.push("...".into());
                            }
                            self.anomalies.push(AppAnomaly {
                                dex: None,
                                anomaly: Anomaly::new(
                                    AnomalyKind::HierarchyCycle,
                                    format!("cyclic class hierarchy: {}", cycle.join(" -> ")),
                                )
                                .in_context(self.brief(node)),
                            });
                            self.broken_edges.insert((node, parent));
                        }
                        Some(_) => {}
                        None => {
                            state.insert(parent, 1);
                            stack.push((parent, 0));
                            path.push(parent);
                        }
                    }
                } else {
                    state.insert(node, 2);
                    stack.pop();
                    path.pop();
                }
            }
        }
    }

    /// Superclass then interfaces of an app class (not consulting the framework table).
    fn app_parents(&self, t: Sym) -> Vec<Sym> {
        match self
            .class_by_type
            .get(&t)
            .and_then(|id| self.classes.get(id.0 as usize))
        {
            Some(class) => class
                .superclass
                .iter()
                .chain(class.interfaces.iter())
                .copied()
                .collect(),
            None => Vec::new(),
        }
    }

    /// Direct supertypes of a type: superclass first, then interfaces. Framework classes take
    /// precedence over app classes of the same name; edges that closed a cycle are left out.
    pub fn parents(&self, t: Sym) -> Vec<Sym> {
        let mut out = Vec::new();
        if let Some((superclass, interfaces)) = self.framework_parents.get(&t) {
            out.extend(superclass.iter().copied());
            out.extend(interfaces.iter().copied());
        } else if let Some(class) = self
            .class_by_type
            .get(&t)
            .and_then(|id| self.classes.get(id.0 as usize))
        {
            out.extend(class.superclass.iter().copied());
            out.extend(class.interfaces.iter().copied());
        }
        out.retain(|&p| !self.broken_edges.contains(&(t, p)));
        out
    }

    /// The type and all its supertypes, nearest first (superclass chain before interfaces at
    /// each level). Each type appears once; the walk is bounded.
    pub fn supertypes(&self, t: Sym) -> Vec<Sym> {
        let mut seen = FxHashSet::default();
        let mut order = Vec::new();
        let mut queue = VecDeque::from([t]);
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current) {
                continue;
            }
            order.push(current);
            if order.len() > MAX_HIERARCHY_STEPS {
                break;
            }
            queue.extend(self.parents(current));
        }
        order
    }

    /// Whether `sub` is `sup` or inherits from it (through superclasses or interfaces).
    pub fn is_subtype(&self, sub: Sym, sup: Sym) -> bool {
        sub == sup || self.supertypes(sub).contains(&sup)
    }

    /// Whether `sub` is (or inherits from) the class with descriptor `sup`.
    pub fn is_subtype_of(&self, sub: Sym, sup: &str) -> bool {
        self.symbols
            .get(sup.as_bytes())
            .is_some_and(|sup| self.is_subtype(sub, sup))
    }

    /// The class that declares the method a reference resolves to: the first type, walking up
    /// from the referenced class, that defines the method (app) or introduces it (framework
    /// table). The referenced class itself when nothing is found.
    pub fn resolve_declaring(&self, key: MethodKey) -> Sym {
        for t in self.supertypes(key.class) {
            let probe = MethodKey { class: t, ..key };
            if self.framework_declares.contains(&probe) || self.method_by_key(probe).is_some() {
                return t;
            }
        }
        key.class
    }

    /// Whether the framework table lists `key` (class, name and prototype) as introduced there.
    pub fn framework_declares(&self, key: MethodKey) -> bool {
        self.framework_declares.contains(&key)
    }

    /// Whether the type is in the framework table.
    pub fn is_framework_class(&self, t: Sym) -> bool {
        self.framework_parents.contains_key(&t)
    }

    /// The opened DEX files in order.
    pub fn dexes(&self) -> &[AppDex<'a>] {
        &self.dexes
    }

    /// One DEX file.
    pub fn dex(&self, id: DexId) -> Option<&AppDex<'a>> {
        self.dexes.get(usize::from(id.0))
    }

    /// The class table in load order.
    pub fn classes(&self) -> &[AppClass] {
        &self.classes
    }

    /// One class.
    pub fn class(&self, id: ClassId) -> Option<&AppClass> {
        self.classes.get(id.0 as usize)
    }

    /// The class with this descriptor, if the app defines it.
    pub fn class_by_descriptor(&self, descriptor: &str) -> Option<ClassId> {
        self.symbols
            .get(descriptor.as_bytes())
            .and_then(|s| self.class_by_type.get(&s).copied())
    }

    /// The class defined for a descriptor symbol.
    pub fn class_by_sym(&self, descriptor: Sym) -> Option<ClassId> {
        self.class_by_type.get(&descriptor).copied()
    }

    /// All methods defined by app classes, grouped by class in class-table order.
    pub fn methods(&self) -> &[AppMethod] {
        &self.methods
    }

    /// One defined method.
    pub fn method(&self, id: AppMethodId) -> Option<&AppMethod> {
        self.methods.get(id.0 as usize)
    }

    /// The method an app class defines with exactly this key.
    pub fn method_by_key(&self, key: MethodKey) -> Option<AppMethodId> {
        self.method_by_key
            .find(method_key_hash(key), |m| {
                self.methods.get(m as usize).is_some_and(|m| m.key == key)
            })
            .map(AppMethodId)
    }

    /// The interner.
    pub fn symbols(&self) -> &Symbols<'a> {
        &self.symbols
    }

    /// A symbol's text.
    pub fn text(&self, sym: Sym) -> Cow<'_, str> {
        self.symbols.text(sym)
    }

    /// Looks up a symbol by text.
    pub fn sym(&self, text: &str) -> Option<Sym> {
        self.symbols.get(crate::mutf8::encode(text).as_ref())
    }

    /// The known value of a `static final` app field.
    pub fn static_const(&self, key: FieldKey) -> Option<&StaticConst> {
        self.static_consts.get(&key)
    }

    /// Problems found while opening the files and building the class table.
    pub fn anomalies(&self) -> &[AppAnomaly] {
        &self.anomalies
    }

    /// The bundled framework table.
    pub fn framework(&self) -> &'static Framework {
        self.framework
    }

    /// A symbol's text cut to a length fit for a message (hostile files may hold megabyte-long
    /// names).
    pub fn brief(&self, sym: Sym) -> String {
        let bytes = self.symbols.bytes(sym);
        if bytes.len() <= BRIEF_LEN {
            return self.text(sym).into_owned();
        }
        let mut text = crate::mutf8::decode(&bytes[..BRIEF_LEN]).text.into_owned();
        text.push_str("...");
        text
    }

    /// [`Self::method_key_text`] with every part cut by [`Self::brief`].
    pub fn method_brief(&self, key: MethodKey) -> String {
        format!(
            "{}->{}{}",
            self.brief(key.class),
            self.brief(key.name),
            self.brief(key.proto)
        )
    }

    /// `Lcom/acme/Foo;->bar(I)V` for a method key.
    pub fn method_key_text(&self, key: MethodKey) -> String {
        format!(
            "{}->{}{}",
            self.text(key.class),
            self.text(key.name),
            self.text(key.proto)
        )
    }

    /// Number of classes defined per package (the descriptor without the class name, e.g.
    /// `com/google/ads`), sorted by package.
    pub fn package_counts(&self) -> Vec<(String, usize)> {
        let mut counts: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        for class in &self.classes {
            let text = self.text(class.descriptor);
            let inner = text
                .strip_prefix('L')
                .and_then(|t| t.strip_suffix(';'))
                .unwrap_or(&text);
            let package = inner.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            *counts.entry(package.to_string()).or_insert(0) += 1;
        }
        counts.into_iter().collect()
    }

    /// Number of defined classes whose descriptor starts with `L` + `prefix` (e.g. `com/google/`).
    pub fn count_with_prefix(&self, prefix: &str) -> usize {
        self.classes
            .iter()
            .filter(|c| {
                self.symbols
                    .bytes(c.descriptor)
                    .get(1..)
                    .is_some_and(|rest| rest.starts_with(prefix.as_bytes()))
            })
            .count()
    }
}

fn method_key_hash(key: MethodKey) -> u64 {
    hash_words(&[key.class.0, key.name.0, key.proto.0])
}

fn intern_dex<'a>(name: String, file: DexFile<'a>, symbols: &mut Symbols<'a>) -> AppDex<'a> {
    let bad_type = symbols.intern(b"<bad type>");
    let bad_name = symbols.intern(b"<bad name>");
    let bad_proto = symbols.intern(b"<bad proto>");
    let types: Vec<Sym> = (0..file.type_count())
        .map(|i| match file.type_descriptor(TypeIdx(i)) {
            Ok(s) => symbols.intern(s.as_bytes()),
            Err(_) => bad_type,
        })
        .collect();
    // One buffer for every prototype text; only new ones are copied into the interner.
    let mut text = Vec::new();
    let protos: Vec<Sym> = (0..file.proto_count())
        .map(|i| {
            let Ok(proto) = file.proto_id(crate::ids::ProtoIdx(i)) else {
                return bad_proto;
            };
            let Ok(params) = file.proto_parameters(&proto) else {
                return bad_proto;
            };
            text.clear();
            text.push(b'(');
            for p in params.iter() {
                text.extend_from_slice(
                    types
                        .get(p.as_usize())
                        .map(|&s| symbols.bytes(s))
                        .unwrap_or(b"?"),
                );
                if text.len() > crate::file::MAX_DESCRIPTOR_LEN {
                    return bad_proto;
                }
            }
            text.push(b')');
            text.extend_from_slice(
                types
                    .get(proto.return_type.as_usize())
                    .map(|&s| symbols.bytes(s))
                    .unwrap_or(b"?"),
            );
            symbols.intern_copy(&text)
        })
        .collect();
    let name_sym = |symbols: &mut Symbols<'a>, idx| match file.string(idx) {
        Ok(s) => symbols.intern(s.as_bytes()),
        Err(_) => bad_name,
    };
    let methods: Vec<MethodKey> = (0..file.method_count())
        .map(|i| match file.method_id(MethodIdx(i)) {
            Ok(m) => MethodKey {
                class: types.get(m.class.as_usize()).copied().unwrap_or(bad_type),
                name: name_sym(symbols, m.name),
                proto: protos.get(m.proto.as_usize()).copied().unwrap_or(bad_proto),
            },
            Err(_) => MethodKey {
                class: bad_type,
                name: bad_name,
                proto: bad_proto,
            },
        })
        .collect();
    let fields: Vec<FieldKey> = (0..file.field_count())
        .map(|i| match file.field_id(FieldIdx(i)) {
            Ok(f) => FieldKey {
                class: types.get(f.class.as_usize()).copied().unwrap_or(bad_type),
                name: name_sym(symbols, f.name),
                type_: types.get(f.type_.as_usize()).copied().unwrap_or(bad_type),
            },
            Err(_) => FieldKey {
                class: bad_type,
                name: bad_name,
                type_: bad_type,
            },
        })
        .collect();
    AppDex {
        name,
        file,
        types,
        protos,
        methods,
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multidex_names_sort_numerically() {
        let mut names = vec![
            "classes10.dex",
            "classes2.dex",
            "classes.dex",
            "assets/x.dex",
            "classes3.dex",
        ];
        names.sort_by_key(|n| multidex_order(n));
        assert_eq!(
            names,
            [
                "classes.dex",
                "classes2.dex",
                "classes3.dex",
                "classes10.dex",
                "assets/x.dex"
            ]
        );
    }

    #[test]
    fn anomalies_are_capped_per_kind() {
        let many: Vec<AppAnomaly> = (0..ANOMALIES_PER_KIND + 5)
            .map(|i| AppAnomaly {
                dex: None,
                anomaly: Anomaly::new(AnomalyKind::BadIndex, i.to_string()),
            })
            .chain(std::iter::once(AppAnomaly {
                dex: None,
                anomaly: Anomaly::new(AnomalyKind::BadString, "x"),
            }))
            .collect();
        let kept = cap_anomalies(many);
        assert_eq!(kept.len(), ANOMALIES_PER_KIND + 2);
        assert_eq!(
            kept.last().map(|a| a.anomaly.message.as_str()),
            Some("5 more anomalies of this kind were not recorded")
        );
    }

    #[test]
    fn unreadable_input_is_an_anomaly_not_an_error() {
        let app = App::new(&[DexInput { name: "classes.dex", data: b"not a dex at all, not at all, no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no" }]);
        assert!(app.dexes().is_empty());
        assert_eq!(app.anomalies()[0].anomaly.kind, AnomalyKind::Unreadable);
        // The framework table still answers hierarchy questions.
        let webview = app.sym("Landroid/webkit/WebView;").expect("interned");
        assert!(app.is_subtype_of(webview, "Landroid/view/View;"));
        assert!(!app.is_subtype_of(webview, "Landroid/content/Context;"));
    }
}
