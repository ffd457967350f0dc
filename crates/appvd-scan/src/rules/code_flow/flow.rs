//! What the code_flow rules share: the classes other apps can drive (exported components and the
//! code that runs inside them), a bounded walk from a value back to what it was made of, the
//! checks that count as validation, and evidence helpers.
//!
//! Everything here is intra-procedural: a value is followed through the calls and constructors of
//! the method it lives in (the engine's constant propagation already carried it through moves,
//! branches, `StringBuilder` chains and `new File(..)`), never through fields, return values of
//! app methods or into callers. The rules' docs say so where it matters.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use appvd_axml::ComponentKind;
use appvd_dex::facts::{ConstValue, Origins};
use appvd_dex::framework::descriptor_of;
use appvd_dex::{Analysis, CallSiteView, MethodView};

use crate::finding::Location;
use crate::model::AppModel;
use crate::rules::manifest::{Guard, classify_permission, open_component, reachable};

/// Origins an attacker controls when the code runs in an exported component: what the incoming
/// Intent carries and what was read out of a URI.
pub(crate) const FROM_INTENT: u32 = Origins::INTENT_EXTRA | Origins::INTENT_DATA;
pub(crate) const FROM_URI: u32 = Origins::URI_PATH | Origins::URI_QUERY;

/// Most values one walk visits: real derivations are a handful of calls deep.
const MAX_WALK_NODES: usize = 64;

/// The parts of a method reference, as text.
#[derive(Debug, Clone)]
pub(crate) struct Callee<'x> {
    pub class: Cow<'x, str>,
    pub name: Cow<'x, str>,
    pub proto: Cow<'x, str>,
}

impl Callee<'_> {
    /// `Class.name` with the class's simple name, for messages.
    pub(crate) fn short(&self) -> String {
        format!("{}.{}", simple_name(&self.class), self.name)
    }

    /// Whether the method returns `boolean`.
    pub(crate) fn returns_boolean(&self) -> bool {
        self.proto.ends_with(")Z")
    }
}

/// The method a call names, as written in the instruction.
pub(crate) fn callee<'x>(dex: &'x Analysis<'_>, call: &CallSiteView<'x, '_>) -> Option<Callee<'x>> {
    let key = call.callee()?;
    let app = dex.app();
    Some(Callee {
        class: app.text(key.class),
        name: app.text(key.name),
        proto: app.text(key.proto),
    })
}

/// Whether the call's static receiver class is `class` or inherits from it.
pub(crate) fn callee_is_a(dex: &Analysis<'_>, call: &CallSiteView<'_, '_>, class: &str) -> bool {
    call.callee()
        .is_some_and(|key| dex.app().is_subtype_of(key.class, class))
}

/// Whether the called method is defined by a class of the app (not the platform).
pub(crate) fn callee_is_app_code(dex: &Analysis<'_>, call: &CallSiteView<'_, '_>) -> bool {
    call.callee()
        .is_some_and(|key| dex.app().method_by_key(key).is_some())
}

/// `Lcom/acme/Foo$Bar;` -> `Foo$Bar`.
pub(crate) fn simple_name(descriptor: &str) -> &str {
    let inner = descriptor
        .strip_prefix('L')
        .and_then(|d| d.strip_suffix(';'))
        .unwrap_or(descriptor);
    inner.rsplit('/').next().unwrap_or(inner)
}

/// Parameter type descriptors of a prototype, `(ILjava/lang/String;[B)V` -> `I`, `Ljava/lang/String;`, `[B`.
pub(crate) fn param_types(proto: &str) -> Vec<&str> {
    let Some(inner) = proto
        .strip_prefix('(')
        .and_then(|p| p.split_once(')'))
        .map(|(params, _)| params)
    else {
        return Vec::new();
    };
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while bytes.get(i) == Some(&b'[') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'L') {
            while i < bytes.len() && bytes[i] != b';' {
                i += 1;
            }
        }
        i += 1;
        if let Some(ty) = inner.get(start..i.min(bytes.len())) {
            out.push(ty);
        }
    }
    out
}

/// The finding location of a call site.
pub(crate) fn call_location(call: &CallSiteView<'_, '_>) -> Location {
    crate::rules::code_location(&call.location())
}

/// The fingerprint key of a call-site finding: the enclosing method (class, name, descriptor, so
/// that overloads stay apart) and the callee — no offsets, no line numbers, so a rebuild of the
/// same code keeps it. One finding per key: a method calling the same sink twice is one finding.
pub(crate) fn call_key(dex: &Analysis<'_>, call: &CallSiteView<'_, '_>) -> String {
    let at = call.caller().location();
    let target = callee(dex, call).map(|c| c.short()).unwrap_or_default();
    format!(
        "{}->{}{}|{target}",
        at.class, at.method, at.method_descriptor
    )
}

/// The call's evidence: a first line of facts, then the instructions around the call.
pub(crate) fn evidence(call: &CallSiteView<'_, '_>, facts: &str) -> String {
    let listing = call.evidence(3, 1);
    if listing.is_empty() {
        facts.to_owned()
    } else {
        format!("{facts}\n{listing}")
    }
}

/// One component other apps can start, bind or query, or whose class code runs for one.
#[derive(Debug, Clone)]
pub(crate) struct EntryPoint {
    /// The manifest component (dotted class name).
    pub component: String,
    pub kind: ComponentKind,
}

/// The app classes whose code runs on input from other apps: exported, reachable components
/// without a permission other apps cannot hold, the app superclasses they inherit code from,
/// and the classes nested in either (listeners and lambdas of an activity read its Intent too).
#[derive(Debug, Default)]
pub(crate) struct EntryPoints {
    by_class: HashMap<String, EntryPoint>,
}

/// Library namespaces whose base classes are not counted as the component's own code.
const LIBRARY_PREFIXES: &[&str] = &[
    "Landroidx/",
    "Landroid/support/",
    "Lcom/google/android/material/",
    "Lkotlin/",
    "Lkotlinx/",
];

/// Longest superclass chain followed from a component class.
const MAX_ANCESTORS: usize = 16;

impl EntryPoints {
    pub(crate) fn new(model: &AppModel, dex: &Analysis<'_>) -> Self {
        let mut entry_points = EntryPoints::default();
        let Some(manifest) = model.manifest() else {
            return entry_points;
        };
        let Some(application) = manifest.application.as_ref() else {
            return entry_points;
        };
        for component in &application.components {
            let open = match component.kind {
                ComponentKind::Provider => {
                    reachable(component)
                        && [
                            component.effective_read_permission(application),
                            component.effective_write_permission(application),
                        ]
                        .into_iter()
                        .any(|permission| match permission {
                            None => true,
                            Some(p) => classify_permission(manifest, p) != Guard::Strong,
                        })
                }
                _ => open_component(manifest, component).is_some(),
            };
            if !open {
                continue;
            }
            let class = match component.kind {
                ComponentKind::ActivityAlias => component.target_activity.as_ref(),
                _ => component.class_name.as_ref(),
            };
            let Some(class) = class else { continue };
            let entry = EntryPoint {
                component: class.clone(),
                kind: component.kind,
            };
            let mut descriptor = descriptor_of(class);
            for _ in 0..MAX_ANCESTORS {
                if LIBRARY_PREFIXES.iter().any(|p| descriptor.starts_with(p)) {
                    break;
                }
                entry_points
                    .by_class
                    .entry(descriptor.clone())
                    .or_insert_with(|| entry.clone());
                let app = dex.app();
                let superclass = app
                    .class_by_descriptor(&descriptor)
                    .and_then(|id| app.class(id))
                    .and_then(|c| c.superclass)
                    .filter(|&s| app.class_by_sym(s).is_some());
                match superclass {
                    Some(s) => descriptor = app.text(s).into_owned(),
                    None => break,
                }
            }
        }
        entry_points
    }

    /// The entry point whose code the class is (or is nested in).
    pub(crate) fn of_class(&self, descriptor: &str) -> Option<&EntryPoint> {
        if let Some(entry) = self.by_class.get(descriptor) {
            return Some(entry);
        }
        let inner = descriptor.strip_suffix(';')?;
        let (outer, _) = inner.split_once('$')?;
        self.by_class.get(&format!("{outer};"))
    }

    /// The entry point the method runs in, if any.
    pub(crate) fn of_method(&self, method: &MethodView<'_, '_>) -> Option<&EntryPoint> {
        let key = method.key()?;
        self.of_class(&method.analysis().app().text(key.class))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_class.is_empty()
    }
}

/// What a value is made of inside its method: the origin tags met on the way and the calls that
/// produced it or its parts (producers of call results and constructors of wrapped objects).
#[derive(Debug)]
pub(crate) struct Derivation<'x, 'a> {
    pub origins: Origins,
    pub calls: Vec<CallSiteView<'x, 'a>>,
}

impl Derivation<'_, '_> {
    pub(crate) fn has(&self, bits: u32) -> bool {
        self.origins.has(bits)
    }
}

/// A method with its call sites, to follow values inside it.
pub(crate) struct MethodFlow<'x, 'a> {
    pub dex: &'x Analysis<'a>,
    pub method: MethodView<'x, 'a>,
    pub calls: Vec<CallSiteView<'x, 'a>>,
    /// Calls by the object created in this method that is their receiver, built on first use
    /// so that following objects stays linear in the method's size.
    by_receiver: OnceCell<HashMap<ConstValue, Vec<usize>>>,
}

impl<'x, 'a> MethodFlow<'x, 'a> {
    pub(crate) fn new(dex: &'x Analysis<'a>, method: MethodView<'x, 'a>) -> Self {
        MethodFlow {
            dex,
            method,
            calls: method.calls(),
            by_receiver: OnceCell::new(),
        }
    }

    /// The method containing a call.
    pub(crate) fn of_call(dex: &'x Analysis<'a>, call: &CallSiteView<'x, 'a>) -> Self {
        Self::new(dex, call.caller())
    }

    /// The call at a code offset.
    pub(crate) fn call_at(&self, at: u32) -> Option<CallSiteView<'x, 'a>> {
        self.calls
            .binary_search_by_key(&at, |c| c.at())
            .ok()
            .and_then(|i| self.calls.get(i).copied())
            .or_else(|| self.calls.iter().find(|c| c.at() == at).copied())
    }

    /// Calls whose receiver is `object` (an object created in this method), in code order.
    pub(crate) fn calls_on(&self, object: ConstValue) -> Vec<CallSiteView<'x, 'a>> {
        let index = self.by_receiver.get_or_init(|| {
            let mut index: HashMap<ConstValue, Vec<usize>> = HashMap::new();
            for (i, call) in self.calls.iter().enumerate() {
                if let Some(receiver) = call.receiver()
                    && matches!(receiver.value(), ConstValue::NewInstance { .. })
                {
                    index.entry(receiver.value()).or_default().push(i);
                }
            }
            index
        });
        index
            .get(&object)
            .map(|calls| {
                calls
                    .iter()
                    .filter_map(|&i| self.calls.get(i).copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The constructor calls of an object created in this method.
    pub(crate) fn constructors_of(&self, object: ConstValue) -> Vec<CallSiteView<'x, 'a>> {
        self.calls_on(object)
            .into_iter()
            .filter(|c| callee(self.dex, c).is_some_and(|k| k.name == "<init>"))
            .collect()
    }

    /// Follows `value` back through producing calls (their receivers and arguments), the
    /// constructors of objects it wraps and the elements of arrays, up to `depth` steps.
    pub(crate) fn derive(&self, value: ConstValue, depth: u8) -> Derivation<'x, 'a> {
        let mut derivation = Derivation {
            origins: Origins::NONE,
            calls: Vec::new(),
        };
        let mut seen: HashSet<ConstValue> = HashSet::new();
        let mut stack = vec![(value, depth)];
        while let Some((value, depth)) = stack.pop() {
            if seen.len() >= MAX_WALK_NODES || !seen.insert(value) {
                continue;
            }
            match value {
                ConstValue::Unknown(origins) => {
                    derivation.origins = derivation.origins.union(origins);
                }
                ConstValue::CallResult { at } if depth > 0 => {
                    if let Some(call) = self.call_at(at) {
                        derivation.calls.push(call);
                        stack.extend(call.args().iter().map(|a| (a.value(), depth - 1)));
                    }
                }
                ConstValue::NewInstance { .. } if depth > 0 => {
                    for constructor in self.constructors_of(value) {
                        derivation.calls.push(constructor);
                        stack.extend(
                            constructor
                                .args()
                                .iter()
                                .skip(1)
                                .map(|a| (a.value(), depth - 1)),
                        );
                    }
                }
                ConstValue::Array(id) if depth > 0 => {
                    if let Some(array) = self.dex.index().array(id) {
                        stack.extend(array.elements.iter().map(|(_, v)| (*v, depth - 1)));
                    }
                }
                _ => {}
            }
        }
        derivation
    }

    /// Whether some call of the method checks a value derived from `bits`: a string or path
    /// comparison on it, a boolean app method given it, or an app method that canonicalises
    /// paths given it. `before` limits the calls to those before a code offset.
    pub(crate) fn checks(&self, bits: u32, before: Option<u32>) -> Option<CallSiteView<'x, 'a>> {
        self.calls
            .iter()
            .filter(|c| before.is_none_or(|limit| c.at() < limit))
            .find(|call| {
                let Some(target) = callee(self.dex, call) else {
                    return false;
                };
                let is_check = is_comparison(&target)
                    || (callee_is_app_code(self.dex, call)
                        && (target.returns_boolean() || self.canonicalises(call)));
                is_check
                    && call
                        .args()
                        .iter()
                        .any(|a| self.derive(a.value(), 4).has(bits))
            })
            .copied()
    }

    /// Whether an app method called here resolves or canonicalises paths (a one-level look into
    /// helpers such as `ensureInside(dir, file)`).
    fn canonicalises(&self, call: &CallSiteView<'x, 'a>) -> bool {
        let Some(key) = call.callee() else {
            return false;
        };
        let Some(id) = self.dex.app().method_by_key(key) else {
            return false;
        };
        self.dex.method(id).calls().iter().any(|inner| {
            callee(self.dex, inner).is_some_and(|k| {
                matches!(
                    (k.class.as_ref(), k.name.as_ref()),
                    ("Ljava/io/File;", "getCanonicalPath" | "getCanonicalFile")
                        | ("Ljava/nio/file/Path;", "normalize" | "toRealPath")
                )
            })
        })
    }
}

/// Methods that compare strings, paths or collections: what an allow-list or a `..` check calls.
pub(crate) fn is_comparison(target: &Callee<'_>) -> bool {
    match target.class.as_ref() {
        "Ljava/lang/String;" => matches!(
            target.name.as_ref(),
            "equals"
                | "equalsIgnoreCase"
                | "startsWith"
                | "endsWith"
                | "contains"
                | "indexOf"
                | "matches"
                | "regionMatches"
                | "contentEquals"
                | "compareTo"
        ),
        "Ljava/nio/file/Path;" => target.name == "startsWith",
        "Ljava/util/regex/Pattern;" => matches!(target.name.as_ref(), "matcher" | "matches"),
        "Ljava/util/List;"
        | "Ljava/util/Set;"
        | "Ljava/util/Collection;"
        | "Ljava/util/Map;"
        | "Ljava/util/HashSet;"
        | "Ljava/util/ArrayList;"
        | "Ljava/util/HashMap;" => {
            matches!(target.name.as_ref(), "contains" | "containsKey")
        }
        "Landroid/text/TextUtils;" => target.name == "equals",
        "Ljava/util/Objects;" => target.name == "equals",
        "Lkotlin/jvm/internal/Intrinsics;" => target.name == "areEqual",
        "Lkotlin/text/StringsKt;"
        | "Lkotlin/text/StringsKt__StringsKt;"
        | "Lkotlin/text/StringsKt__StringsJVMKt;" => {
            matches!(
                target.name.as_ref(),
                "startsWith$default"
                    | "startsWith"
                    | "endsWith$default"
                    | "endsWith"
                    | "contains$default"
                    | "contains"
                    | "equals"
            )
        }
        _ => false,
    }
}

/// Shortens a text for a message or evidence line.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prototypes_split_into_parameter_types() {
        assert_eq!(
            param_types("(ILjava/lang/String;[B[[Ljava/lang/Object;J)V"),
            ["I", "Ljava/lang/String;", "[B", "[[Ljava/lang/Object;", "J"]
        );
        assert!(param_types("()V").is_empty());
        assert!(param_types("garbage").is_empty());
        // A truncated descriptor yields what it holds, without panicking.
        assert_eq!(param_types("(Ljava/lang"), Vec::<&str>::new());
        assert_eq!(param_types("(ILjava/lang)V"), ["I", "Ljava/lang"]);
    }

    #[test]
    fn names_and_clipping() {
        assert_eq!(simple_name("Lcom/acme/Foo$Bar;"), "Foo$Bar");
        assert_eq!(simple_name("Foo"), "Foo");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("abc", 3), "abc");
    }

    #[test]
    fn nested_classes_run_in_their_component() {
        let mut entry_points = EntryPoints::default();
        entry_points.by_class.insert(
            "Lcom/acme/WebActivity;".to_owned(),
            EntryPoint {
                component: "com.acme.WebActivity".to_owned(),
                kind: ComponentKind::Activity,
            },
        );
        for nested in [
            "Lcom/acme/WebActivity;",
            "Lcom/acme/WebActivity$1;",
            "Lcom/acme/WebActivity$onCreate$1;",
            "Lcom/acme/WebActivity$$ExternalSyntheticLambda0;",
        ] {
            assert_eq!(
                entry_points.of_class(nested).map(|e| e.component.as_str()),
                Some("com.acme.WebActivity"),
                "{nested}"
            );
        }
        assert!(
            entry_points
                .of_class("Lcom/acme/WebActivityHelper;")
                .is_none()
        );
        assert!(entry_points.of_class("Lcom/acme/Other$1;").is_none());
        assert!(entry_points.of_class("garbage").is_none());
    }

    #[test]
    fn comparisons_are_recognised_by_class_and_name() {
        let c = |class: &'static str, name: &'static str| Callee {
            class: Cow::Borrowed(class),
            name: Cow::Borrowed(name),
            proto: Cow::Borrowed("()Z"),
        };
        assert!(is_comparison(&c("Ljava/lang/String;", "startsWith")));
        assert!(is_comparison(&c("Ljava/util/Set;", "contains")));
        assert!(!is_comparison(&c("Ljava/lang/String;", "length")));
        assert!(!is_comparison(&c("Ljava/io/File;", "exists")));
    }
}
