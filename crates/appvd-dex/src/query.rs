//! The query side: an [`Analysis`] owns an [`App`] and its [`AppIndex`] and hands out views
//! (call sites, arguments, methods, string references) that resolve names and locations on
//! demand, so that rules never decode bytes themselves.

use crate::app::{App, AppAnomaly, AppMethodId, ClassId, DexId, DexInput, FieldKey, MethodKey};
use crate::class::EncodedMethod;
use crate::disasm::{DisasmOptions, Listing, method_listing};
use crate::facts::{ArrayValue, ConstValue, InvokeKind, Origins, StrRef};
use crate::framework::java_name_of;
use crate::hash::FxHashMap;
use crate::ids::{AccessFlags, StringIdx};
use crate::index::{AppIndex, CallSite, FieldAccess, FieldAccesses, StringRef, StringUse};
use crate::symbols::Sym;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

/// Where a fact was found: enough to print it and to point at the instructions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// DEX file name inside the APK.
    pub dex: String,
    /// Class descriptor, e.g. `Lcom/acme/MainActivity;`.
    pub class: String,
    /// Java name of the class, e.g. `com.acme.MainActivity`.
    pub java_class: String,
    /// Method name (empty for class-level facts such as static field values).
    pub method: String,
    /// Method prototype descriptor, e.g. `(Landroid/os/Bundle;)V`.
    pub method_descriptor: String,
    /// Code offset in 16-bit units, for facts inside code.
    pub offset: Option<u32>,
    /// Source line, when debug info records it.
    pub line: Option<u32>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.dex, self.class)?;
        if !self.method.is_empty() {
            write!(f, "->{}{}", self.method, self.method_descriptor)?;
        }
        if let Some(offset) = self.offset {
            write!(f, " @{offset:#x}")?;
        }
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

/// A method reference to look for: `Lpkg/Class;->name(params)ret`, or `Lpkg/Class;->name` for
/// every overload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodQuery {
    /// Class descriptor.
    pub class: String,
    /// Method name.
    pub name: String,
    /// Prototype descriptor, `None` for any.
    pub proto: Option<String>,
}

impl MethodQuery {
    /// Parses the smali form. Returns `None` if there is no `->`.
    pub fn parse(text: &str) -> Option<MethodQuery> {
        let (class, rest) = text.split_once("->")?;
        let (name, proto) = match rest.find('(') {
            Some(paren) => (&rest[..paren], Some(rest[paren..].to_string())),
            None => (rest, None),
        };
        Some(MethodQuery {
            class: class.to_string(),
            name: name.to_string(),
            proto,
        })
    }
}

/// An [`App`] with its indexes: the object detection rules query.
pub struct Analysis<'a> {
    app: App<'a>,
    index: AppIndex,
    /// Every method id, sorted by name and prototype (then id), built on first use.
    by_signature: OnceLock<Box<[AppMethodId]>>,
}

impl fmt::Debug for Analysis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analysis")
            .field("app", &self.app)
            .field("call_sites", &self.index.call_sites().len())
            .finish_non_exhaustive()
    }
}

impl<'a> Analysis<'a> {
    /// Opens the DEX files and builds every index.
    pub fn new(inputs: &[DexInput<'a>]) -> Analysis<'a> {
        Self::from_app(App::new(inputs))
    }

    /// Builds the indexes of an already opened app.
    pub fn from_app(app: App<'a>) -> Analysis<'a> {
        let index = AppIndex::build(&app);
        Analysis {
            app,
            index,
            by_signature: OnceLock::new(),
        }
    }

    /// The app (class table, hierarchy, symbols).
    pub fn app(&self) -> &App<'a> {
        &self.app
    }

    /// The raw indexes.
    pub fn index(&self) -> &AppIndex {
        &self.index
    }

    /// Every anomaly: from opening the files, building the class table and analysing code.
    pub fn anomalies(&self) -> impl Iterator<Item = &AppAnomaly> {
        self.app
            .anomalies()
            .iter()
            .chain(self.index.anomalies().iter())
    }

    /// All call sites.
    pub fn call_sites(&self) -> impl Iterator<Item = CallSiteView<'_, 'a>> {
        (0..self.index.call_sites().len() as u32).map(move |id| CallSiteView { analysis: self, id })
    }

    /// Call sites of a method, including calls whose static receiver is an app (or framework)
    /// subclass of the queried class, e.g. `Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V`
    /// also finds `Lcom/acme/MyWebView;->loadUrl(...)` when `MyWebView` extends `WebView`.
    /// An unparsable query finds nothing.
    pub fn calls_to(&self, query: &str) -> Vec<CallSiteView<'_, 'a>> {
        match MethodQuery::parse(query) {
            Some(q) => self.calls_to_query(&q, true),
            None => Vec::new(),
        }
    }

    /// Call sites whose method reference names exactly this class (no subclass matching).
    pub fn calls_to_exact(&self, query: &str) -> Vec<CallSiteView<'_, 'a>> {
        match MethodQuery::parse(query) {
            Some(q) => self.calls_to_query(&q, false),
            None => Vec::new(),
        }
    }

    /// See [`Self::calls_to`].
    pub fn calls_to_query(
        &self,
        query: &MethodQuery,
        subclasses: bool,
    ) -> Vec<CallSiteView<'_, 'a>> {
        let (Some(name), Some(class)) = (self.app.sym(&query.name), self.app.sym(&query.class))
        else {
            return Vec::new();
        };
        let proto = match &query.proto {
            Some(p) => match self.app.sym(p) {
                Some(sym) => Some(sym),
                None => return Vec::new(),
            },
            None => None,
        };
        let mut subtype_cache: FxHashMap<Sym, bool> = FxHashMap::default();
        let mut out = Vec::new();
        for &id in self.index.calls_named(name) {
            let Some(call) = self.index.call_sites().get(id as usize) else {
                continue;
            };
            let Some(callee) = self.index.callee(&self.app, call) else {
                continue;
            };
            if proto.is_some_and(|p| p != callee.proto) {
                continue;
            }
            let matches = if subclasses {
                *subtype_cache
                    .entry(callee.class)
                    .or_insert_with(|| self.app.is_subtype(callee.class, class))
            } else {
                callee.class == class
            };
            if matches {
                out.push(CallSiteView { analysis: self, id });
            }
        }
        out
    }

    /// Call sites inside a method, in code order.
    pub fn calls_in(&self, method: AppMethodId) -> Vec<CallSiteView<'_, 'a>> {
        self.index
            .call_range(method)
            .map(|id| CallSiteView { analysis: self, id })
            .collect()
    }

    /// A defined method.
    pub fn method(&self, id: AppMethodId) -> MethodView<'_, 'a> {
        MethodView { analysis: self, id }
    }

    /// Every method defined by app classes.
    pub fn methods(&self) -> impl Iterator<Item = MethodView<'_, 'a>> {
        (0..self.app.methods().len() as u32).map(move |i| MethodView {
            analysis: self,
            id: AppMethodId(i),
        })
    }

    /// The app method `Lcls;->name(proto)ret`, if defined.
    pub fn find_method(&self, signature: &str) -> Option<MethodView<'_, 'a>> {
        let q = MethodQuery::parse(signature)?;
        let key = MethodKey {
            class: self.app.sym(&q.class)?,
            name: self.app.sym(&q.name)?,
            proto: self.app.sym(q.proto.as_deref()?)?,
        };
        self.app.method_by_key(key).map(|id| self.method(id))
    }

    /// The methods defined with this name and prototype, in method order.
    fn methods_with_signature(&self, name: Sym, proto: Sym) -> &[AppMethodId] {
        let sorted = self.by_signature.get_or_init(|| {
            let mut ids: Vec<AppMethodId> = (0..self.app.methods().len() as u32)
                .map(AppMethodId)
                .collect();
            ids.sort_unstable_by_key(|&id| (self.signature_of(id), id));
            ids.into_boxed_slice()
        });
        let start = sorted.partition_point(|&id| self.signature_of(id) < (name, proto));
        let end = sorted.partition_point(|&id| self.signature_of(id) <= (name, proto));
        sorted.get(start..end).unwrap_or_default()
    }

    fn signature_of(&self, id: AppMethodId) -> (Sym, Sym) {
        self.app
            .method(id)
            .map_or((Sym(u32::MAX), Sym(u32::MAX)), |m| {
                (m.key.name, m.key.proto)
            })
    }

    /// App methods that override (or implement) `Lcls;->name(proto)ret`: same name and
    /// prototype, declared in a class that inherits from `cls`, not static, private or a
    /// constructor.
    pub fn overrides(&self, signature: &str) -> Vec<MethodView<'_, 'a>> {
        let Some(q) = MethodQuery::parse(signature) else {
            return Vec::new();
        };
        let (Some(class), Some(name), Some(proto)) = (
            self.app.sym(&q.class),
            self.app.sym(&q.name),
            q.proto.as_deref().and_then(|p| self.app.sym(p)),
        ) else {
            return Vec::new();
        };
        self.methods_with_signature(name, proto)
            .iter()
            .filter(|&&id| {
                let Some(m) = self.app.method(id) else {
                    return false;
                };
                let flags = m.access;
                !flags.is_static()
                    && !flags.is_private()
                    && !flags.is_constructor()
                    && m.key.class != class
                    && self.app.is_subtype(m.key.class, class)
            })
            .map(|&id| self.method(id))
            .collect()
    }

    /// App classes that inherit from the class with this descriptor (not the class itself).
    pub fn subclasses_of(&self, descriptor: &str) -> Vec<ClassId> {
        let Some(sup) = self.app.sym(descriptor) else {
            return Vec::new();
        };
        self.app
            .classes()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.descriptor != sup && self.app.is_subtype(c.descriptor, sup))
            .map(|(i, _)| ClassId(i as u32))
            .collect()
    }

    /// Every pool string referenced by code or by a static field value.
    pub fn string_refs(&self) -> impl Iterator<Item = StringRefView<'_, 'a>> {
        self.index
            .string_refs()
            .iter()
            .map(move |r| self.string_ref(*r))
    }

    /// A view of one reference (one of [`AppIndex::string_refs`]), for callers that keep the
    /// compact references and view only a few of them.
    pub fn string_ref(&self, reference: StringRef) -> StringRefView<'_, 'a> {
        StringRefView {
            analysis: self,
            reference,
        }
    }

    /// Pool strings that no code or static value references and that are not names of types,
    /// members or prototypes (annotation values, debug names, leftovers): still worth a secret
    /// scan.
    pub fn unreferenced_strings(&self) -> Vec<(DexId, StringIdx)> {
        let mut out = Vec::new();
        for (d, dex) in self.app.dexes().iter().enumerate() {
            let file = &dex.file;
            let count = file.string_count() as usize;
            let mut used = vec![false; count];
            let mut mark = |idx: StringIdx| {
                if let Some(flag) = used.get_mut(idx.as_usize()) {
                    *flag = true;
                }
            };
            for r in self
                .index
                .string_refs()
                .iter()
                .filter(|r| usize::from(r.dex.0) == d)
            {
                mark(r.string);
            }
            for t in 0..file.type_count() {
                if let Ok(s) = file.type_string(crate::ids::TypeIdx(t)) {
                    mark(s);
                }
            }
            for m in 0..file.method_count() {
                if let Ok(id) = file.method_id(crate::ids::MethodIdx(m)) {
                    mark(id.name);
                }
            }
            for f in 0..file.field_count() {
                if let Ok(id) = file.field_id(crate::ids::FieldIdx(f)) {
                    mark(id.name);
                }
            }
            for p in 0..file.proto_count() {
                if let Ok(id) = file.proto_id(crate::ids::ProtoIdx(p)) {
                    mark(id.shorty);
                }
            }
            out.extend(
                used.iter()
                    .enumerate()
                    .filter(|(_, u)| !**u)
                    .map(|(i, _)| (DexId(d as u16), StringIdx(i as u32))),
            );
        }
        out
    }

    /// The text of a pool or built string.
    pub fn string_text(&self, s: StrRef) -> Cow<'_, str> {
        match s {
            StrRef::Pool { dex, idx } => match self.app.dex(dex) {
                Some(d) => d.file.string_lossy(idx),
                None => Cow::Borrowed(""),
            },
            StrRef::Built(id) => Cow::Borrowed(self.index.built_string(id).unwrap_or_default()),
        }
    }

    /// Accesses to fields named `Lcls;->name:type` (exact class).
    pub fn field_accesses(&self, field: &str) -> Vec<FieldAccess> {
        let Some((class, rest)) = field.split_once("->") else {
            return Vec::new();
        };
        let Some((name, ty)) = rest.split_once(':') else {
            return Vec::new();
        };
        let (Some(class), Some(name), Some(ty)) =
            (self.app.sym(class), self.app.sym(name), self.app.sym(ty))
        else {
            return Vec::new();
        };
        self.index.accesses_to(FieldKey {
            class,
            name,
            type_: ty,
        })
    }

    /// The methods a class defines, direct then virtual.
    pub fn methods_of(&self, class: ClassId) -> Vec<MethodView<'_, 'a>> {
        match self.app.class(class) {
            Some(c) => c
                .methods
                .clone()
                .map(|m| self.method(AppMethodId(m)))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Annotation types on a method (descriptors), e.g. `Landroid/webkit/JavascriptInterface;`.
    pub fn method_annotations(&self, method: AppMethodId) -> Vec<String> {
        let Some(m) = self.app.method(method) else {
            return Vec::new();
        };
        let (Some(class), Some(dex)) = (self.app.class(m.class), self.app.dex(m.dex)) else {
            return Vec::new();
        };
        let Ok(Some(directory)) = dex.file.annotations_directory(&class.def) else {
            return Vec::new();
        };
        directory
            .methods
            .iter()
            .filter(|(idx, _)| *idx == m.method)
            .flat_map(|(_, off)| dex.file.annotation_set(*off).unwrap_or_default())
            .map(|a| dex.file.type_lossy(a.annotation.type_).into_owned())
            .collect()
    }

    /// Annotation types on a class (descriptors).
    pub fn class_annotations(&self, class: ClassId) -> Vec<String> {
        let Some(c) = self.app.class(class) else {
            return Vec::new();
        };
        let Some(dex) = self.app.dex(c.dex) else {
            return Vec::new();
        };
        let Ok(Some(directory)) = dex.file.annotations_directory(&c.def) else {
            return Vec::new();
        };
        dex.file
            .annotation_set(directory.class_annotations_off)
            .unwrap_or_default()
            .iter()
            .map(|a| dex.file.type_lossy(a.annotation.type_).into_owned())
            .collect()
    }

    fn location_of(&self, method: AppMethodId, offset: Option<u32>) -> Location {
        let Some(m) = self.app.method(method) else {
            return Location {
                dex: String::new(),
                class: String::new(),
                java_class: String::new(),
                method: String::new(),
                method_descriptor: String::new(),
                offset,
                line: None,
            };
        };
        let class = self.app.text(m.key.class).into_owned();
        let dex = self.app.dex(m.dex);
        let line = match (dex, offset) {
            (Some(dex), Some(offset)) if m.code_off != 0 => dex
                .file
                .code_item(m.code_off)
                .ok()
                .filter(|c| c.debug_info_off != 0)
                .and_then(|c| dex.file.debug_info(c.debug_info_off).ok())
                .and_then(|d| d.line_at(offset)),
            _ => None,
        };
        Location {
            dex: dex.map(|d| d.name.clone()).unwrap_or_default(),
            java_class: java_name_of(&class),
            class,
            method: self.app.text(m.key.name).into_owned(),
            method_descriptor: self.app.text(m.key.proto).into_owned(),
            offset,
            line,
        }
    }
}

/// A call site with its context.
#[derive(Clone, Copy)]
pub struct CallSiteView<'x, 'a> {
    analysis: &'x Analysis<'a>,
    id: u32,
}

impl fmt::Debug for CallSiteView<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CallSite({} @{:#x} -> {})",
            self.caller().signature(),
            self.at(),
            self.callee_text()
        )
    }
}

impl<'x, 'a> CallSiteView<'x, 'a> {
    fn site(&self) -> &'x CallSite {
        &self.analysis.index.call_sites()[self.id as usize]
    }

    /// Index of the call site in [`AppIndex::call_sites`].
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The method containing the call.
    pub fn caller(&self) -> MethodView<'x, 'a> {
        self.analysis.method(self.site().caller)
    }

    /// Code offset of the instruction.
    pub fn at(&self) -> u32 {
        self.site().at
    }

    /// Invoke kind.
    pub fn kind(&self) -> InvokeKind {
        self.site().kind
    }

    /// The method reference as written.
    pub fn callee(&self) -> Option<MethodKey> {
        self.analysis.index.callee(&self.analysis.app, self.site())
    }

    /// `Lcls;->name(proto)ret` as written in the instruction.
    pub fn callee_text(&self) -> String {
        match self.callee() {
            Some(key) => self.analysis.app.method_key_text(key),
            None => format!("call_site_{}", self.site().index()),
        }
    }

    /// The class that declares the called method (the framework class for calls through app
    /// subclasses, e.g. `Landroid/content/Context;` for `MainActivity.getSharedPreferences`).
    pub fn declaring_class(&self) -> Option<Cow<'x, str>> {
        let key = self.callee()?;
        Some(
            self.analysis
                .app
                .text(self.analysis.app.resolve_declaring(key)),
        )
    }

    /// The callee normalised to its declaring class.
    pub fn resolved_callee_text(&self) -> String {
        match self.callee() {
            Some(key) => {
                let class = self.analysis.app.resolve_declaring(key);
                self.analysis
                    .app
                    .method_key_text(MethodKey { class, ..key })
            }
            None => self.callee_text(),
        }
    }

    /// Argument values; position 0 is the receiver for instance calls.
    pub fn args(&self) -> Vec<ArgView<'x, 'a>> {
        (0..self.analysis.index.arg_count(self.site()))
            .filter_map(|i| self.arg(i))
            .collect()
    }

    /// Argument `i` (receiver first for instance calls).
    pub fn arg(&self, i: usize) -> Option<ArgView<'x, 'a>> {
        let value = self.analysis.index.arg(self.site(), i)?;
        let ty = self.arg_type(i);
        Some(ArgView {
            analysis: self.analysis,
            value,
            ty,
            method: self.site().caller,
        })
    }

    /// Java parameter `i` (not counting the receiver).
    pub fn param(&self, i: usize) -> Option<ArgView<'x, 'a>> {
        self.arg(i + usize::from(self.kind().has_receiver()))
    }

    /// The receiver of an instance call.
    pub fn receiver(&self) -> Option<ArgView<'x, 'a>> {
        if self.kind().has_receiver() {
            self.arg(0)
        } else {
            None
        }
    }

    fn arg_type(&self, i: usize) -> Option<Sym> {
        let key = self.callee()?;
        let app = &self.analysis.app;
        if self.kind().has_receiver() {
            if i == 0 {
                return Some(key.class);
            }
            return param_types(app, key.proto)
                .get(i - 1)
                .and_then(|t| app.sym(t));
        }
        param_types(app, key.proto).get(i).and_then(|t| app.sym(t))
    }

    /// Where the call is.
    pub fn location(&self) -> Location {
        self.analysis
            .location_of(self.site().caller, Some(self.at()))
    }

    /// The disassembled instructions around the call (`before` and `after` instructions).
    pub fn evidence(&self, before: usize, after: usize) -> String {
        self.caller().listing().window(self.at(), before, after)
    }
}

/// Parameter type descriptors of a prototype descriptor.
fn param_types(app: &App<'_>, proto: Sym) -> Vec<String> {
    let text = app.text(proto);
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.split(')').next()) else {
        return Vec::new();
    };
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i] == b'[' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'L' {
            while i < bytes.len() && bytes[i] != b';' {
                i += 1;
            }
        }
        i += 1;
        out.push(
            inner
                .get(start..i.min(bytes.len()))
                .unwrap_or_default()
                .to_string(),
        );
    }
    out
}

/// One argument value at a call site, typed by the callee's parameter.
#[derive(Clone, Copy)]
pub struct ArgView<'x, 'a> {
    analysis: &'x Analysis<'a>,
    value: ConstValue,
    ty: Option<Sym>,
    method: AppMethodId,
}

impl fmt::Debug for ArgView<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Arg({})", self.describe())
    }
}

impl<'x, 'a> ArgView<'x, 'a> {
    /// The raw value.
    pub fn value(&self) -> ConstValue {
        self.value
    }

    /// The parameter's type descriptor.
    pub fn type_descriptor(&self) -> Option<Cow<'x, str>> {
        self.ty.map(|t| self.analysis.app.text(t))
    }

    fn type_first(&self) -> Option<u8> {
        self.ty
            .and_then(|t| self.analysis.app.symbols().bytes(t).first().copied())
    }

    /// A string constant.
    pub fn as_str(&self) -> Option<Cow<'x, str>> {
        match self.value {
            ConstValue::String(s) => Some(self.analysis.string_text(s)),
            _ => None,
        }
    }

    /// An integer constant (`int`-like or `long`).
    pub fn as_int(&self) -> Option<i64> {
        match self.value {
            ConstValue::Int(i) => Some(i64::from(i)),
            ConstValue::Long(l) => Some(l),
            _ => None,
        }
    }

    /// A boolean constant (only for `boolean` parameters).
    pub fn as_bool(&self) -> Option<bool> {
        match (self.value, self.type_first()) {
            (ConstValue::Int(i), Some(b'Z')) => Some(i != 0),
            _ => None,
        }
    }

    /// Whether the value is `null` (zero passed for a reference parameter).
    pub fn is_null(&self) -> bool {
        matches!(
            (self.value, self.type_first()),
            (ConstValue::Int(0), Some(b'L' | b'['))
        )
    }

    /// The class of a class literal.
    pub fn class_literal(&self) -> Option<Cow<'x, str>> {
        match self.value {
            ConstValue::Class(c) => Some(self.analysis.app.text(c)),
            _ => None,
        }
    }

    /// The class of an object created in the same method.
    pub fn new_instance_class(&self) -> Option<Cow<'x, str>> {
        match self.value {
            ConstValue::NewInstance { class, .. } => Some(self.analysis.app.text(class)),
            _ => None,
        }
    }

    /// An array built in the same method.
    pub fn array(&self) -> Option<&'x ArrayValue> {
        match self.value {
            ConstValue::Array(id) => self.analysis.index.array(id),
            _ => None,
        }
    }

    /// Elements of a string array, `None` for elements that are not string constants.
    pub fn array_strings(&self) -> Option<Vec<Option<Cow<'x, str>>>> {
        let array = self.array()?;
        Some(
            array
                .elements
                .iter()
                .map(|(_, v)| match v {
                    ConstValue::String(s) => Some(self.analysis.string_text(*s)),
                    _ => None,
                })
                .collect(),
        )
    }

    /// The string whose bytes (`getBytes`), characters (`toCharArray`) or Base64 decoding
    /// (`Base64.decode`) the value is.
    pub fn derived_from_string(&self) -> Option<Cow<'x, str>> {
        match self.value {
            ConstValue::StringBytes(s)
            | ConstValue::StringChars(s)
            | ConstValue::Base64Decoded(s) => Some(self.analysis.string_text(s)),
            _ => None,
        }
    }

    /// The static field the value was read from, as `Lcls;->name:type`.
    pub fn static_field(&self) -> Option<String> {
        match self.value {
            ConstValue::StaticField { dex, field } => {
                let key = self.analysis.app.dex(dex)?.field_key(field)?;
                let app = &self.analysis.app;
                Some(format!(
                    "{}->{}:{}",
                    app.text(key.class),
                    app.text(key.name),
                    app.text(key.type_)
                ))
            }
            _ => None,
        }
    }

    /// Origins of a non-constant value.
    pub fn origins(&self) -> Origins {
        self.value.origins()
    }

    /// The call in the same method whose result this value is.
    pub fn producer(&self) -> Option<CallSiteView<'x, 'a>> {
        let ConstValue::CallResult { at } = self.value else {
            return None;
        };
        self.analysis
            .calls_in(self.method)
            .into_iter()
            .find(|c| c.at() == at)
    }

    /// A short human description for evidence, e.g. `"AES/ECB"`, `0x1`, `new Intent`.
    pub fn describe(&self) -> String {
        self.describe_nested(0)
    }

    /// Arrays may contain arrays (even themselves); nesting and element counts are cut short.
    fn describe_nested(&self, depth: u32) -> String {
        const MAX_DEPTH: u32 = 3;
        const MAX_ELEMENTS: usize = 32;
        let app = &self.analysis.app;
        match self.value {
            ConstValue::Unknown(o) if o.is_empty() => "unknown".into(),
            ConstValue::Unknown(o) => format!("unknown ({})", o.names().join(", ")),
            ConstValue::Int(i) => match self.type_first() {
                Some(b'Z') => (i != 0).to_string(),
                Some(b'L' | b'[') if i == 0 => "null".into(),
                _ => crate::smali::hex(i64::from(i)),
            },
            ConstValue::Long(l) => format!("{}L", crate::smali::hex(l)),
            ConstValue::String(s) => crate::smali::quoted(&self.analysis.string_text(s)),
            ConstValue::StringBytes(s) => format!(
                "{}.getBytes()",
                crate::smali::quoted(&self.analysis.string_text(s))
            ),
            ConstValue::StringChars(s) => format!(
                "{}.toCharArray()",
                crate::smali::quoted(&self.analysis.string_text(s))
            ),
            ConstValue::Base64Decoded(s) => format!(
                "Base64.decode({})",
                crate::smali::quoted(&self.analysis.string_text(s))
            ),
            ConstValue::Class(c) => format!("{}.class", java_name_of(&app.text(c))),
            ConstValue::NewInstance { class, .. } => {
                format!("new {}", java_name_of(&app.text(class)))
            }
            ConstValue::Array(_) => match self.array() {
                Some(_) if depth >= MAX_DEPTH => "{...}".into(),
                Some(a) => {
                    let mut parts: Vec<String> = a
                        .elements
                        .iter()
                        .take(MAX_ELEMENTS)
                        .map(|(_, v)| {
                            ArgView {
                                value: *v,
                                ty: None,
                                ..*self
                            }
                            .describe_nested(depth + 1)
                        })
                        .collect();
                    if a.elements.len() > MAX_ELEMENTS {
                        parts.push("...".into());
                    }
                    format!("{}{{{}}}", app.text(a.array_type), parts.join(", "))
                }
                None => "array".into(),
            },
            ConstValue::StaticField { .. } => {
                self.static_field().unwrap_or_else(|| "static field".into())
            }
            ConstValue::CallResult { .. } => match self.producer() {
                Some(call) => format!("result of {}", call.callee_text()),
                None => "call result".into(),
            },
        }
    }
}

/// A method defined by an app class.
#[derive(Clone, Copy)]
pub struct MethodView<'x, 'a> {
    analysis: &'x Analysis<'a>,
    id: AppMethodId,
}

impl fmt::Debug for MethodView<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Method({})", self.signature())
    }
}

impl<'x, 'a> MethodView<'x, 'a> {
    /// Identifier.
    pub fn id(&self) -> AppMethodId {
        self.id
    }

    /// Normalised key.
    pub fn key(&self) -> Option<MethodKey> {
        self.analysis.app.method(self.id).map(|m| m.key)
    }

    /// The defining class.
    pub fn class(&self) -> Option<ClassId> {
        self.analysis.app.method(self.id).map(|m| m.class)
    }

    /// Access flags.
    pub fn access(&self) -> AccessFlags {
        self.analysis
            .app
            .method(self.id)
            .map(|m| m.access)
            .unwrap_or_default()
    }

    /// `Lcls;->name(proto)ret`.
    pub fn signature(&self) -> String {
        match self.key() {
            Some(key) => self.analysis.app.method_key_text(key),
            None => String::new(),
        }
    }

    /// Where the method is (no offset).
    pub fn location(&self) -> Location {
        self.analysis.location_of(self.id, None)
    }

    /// Location of an instruction of this method.
    pub fn location_at(&self, offset: u32) -> Location {
        self.analysis.location_of(self.id, Some(offset))
    }

    /// Call sites in the method.
    pub fn calls(&self) -> Vec<CallSiteView<'x, 'a>> {
        self.analysis.calls_in(self.id)
    }

    /// The joined value of every `return` (see [`AppIndex::return_value`]).
    pub fn return_value(&self) -> Option<ConstValue> {
        self.analysis.index.return_value(self.id)
    }

    /// String constants the method loads, with their offsets.
    pub fn strings(&self) -> Vec<(u32, Cow<'x, str>)> {
        self.analysis
            .index
            .strings_in(self.id)
            .iter()
            .filter_map(|r| match r.usage {
                StringUse::Code { at, .. } => Some((
                    at,
                    self.analysis.string_text(StrRef::Pool {
                        dex: r.dex,
                        idx: r.string,
                    }),
                )),
                StringUse::StaticValue { .. } => None,
            })
            .collect()
    }

    /// Annotation types on the method.
    pub fn annotations(&self) -> Vec<String> {
        self.analysis.method_annotations(self.id)
    }

    /// Fields the method reads and writes.
    pub fn field_accesses(&self) -> FieldAccesses<'x> {
        self.analysis.index.field_accesses_in(self.id)
    }

    /// The method disassembled (baksmali layout).
    pub fn listing(&self) -> Listing {
        let app = &self.analysis.app;
        let Some(m) = app.method(self.id) else {
            return Listing::default();
        };
        let (Some(class), Some(dex)) = (app.class(m.class), app.dex(m.dex)) else {
            return Listing::default();
        };
        let encoded = EncodedMethod {
            method: m.method,
            access_flags: m.access,
            code_off: m.code_off,
        };
        method_listing(&dex.file, &class.def, &encoded, &DisasmOptions::default())
    }

    /// The analysis this view belongs to.
    pub fn analysis(&self) -> &'x Analysis<'a> {
        self.analysis
    }
}

/// A pool string reference with its text and location.
#[derive(Clone, Copy)]
pub struct StringRefView<'x, 'a> {
    analysis: &'x Analysis<'a>,
    reference: StringRef,
}

impl fmt::Debug for StringRefView<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StringRef({:?} at {})", self.text(), self.location())
    }
}

impl<'x, 'a> StringRefView<'x, 'a> {
    /// The raw reference.
    pub fn reference(&self) -> StringRef {
        self.reference
    }

    /// The string.
    pub fn text(&self) -> Cow<'x, str> {
        self.analysis.string_text(StrRef::Pool {
            dex: self.reference.dex,
            idx: self.reference.string,
        })
    }

    /// The method using it (for code uses).
    pub fn method(&self) -> Option<MethodView<'x, 'a>> {
        match self.reference.usage {
            StringUse::Code { method, .. } => Some(self.analysis.method(method)),
            StringUse::StaticValue { .. } => None,
        }
    }

    /// Where it is used. For static values, the method fields are empty and the class is the
    /// class whose field it initialises.
    pub fn location(&self) -> Location {
        match self.reference.usage {
            StringUse::Code { method, at } => self.analysis.location_of(method, Some(at)),
            StringUse::StaticValue { class, field } => {
                let app = &self.analysis.app;
                let class_desc = app
                    .class(class)
                    .map(|c| app.text(c.descriptor).into_owned())
                    .unwrap_or_default();
                let field_name = app
                    .dex(self.reference.dex)
                    .and_then(|d| d.field_key(field))
                    .map(|k| app.text(k.name).into_owned())
                    .unwrap_or_default();
                Location {
                    dex: app
                        .dex(self.reference.dex)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    java_class: java_name_of(&class_desc),
                    class: class_desc,
                    method: String::new(),
                    method_descriptor: format!("field {field_name}"),
                    offset: None,
                    line: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse() {
        let q = MethodQuery::parse("Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V")
            .expect("parses");
        assert_eq!(q.class, "Landroid/webkit/WebView;");
        assert_eq!(q.name, "loadUrl");
        assert_eq!(q.proto.as_deref(), Some("(Ljava/lang/String;)V"));
        let any = MethodQuery::parse("Ljavax/crypto/Cipher;->getInstance").expect("parses");
        assert_eq!(any.proto, None);
        assert!(MethodQuery::parse("no arrow").is_none());
    }
}
