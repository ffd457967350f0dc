//! What counts as a sensitive value in code, for the rules that report where such values go
//! (`storage.logging`, `storage.clipboard_copy`), as a [`flow::Policy`].
//!
//! Sensitive values are:
//!
//! * credentials by name: a call whose method name says password, token, secret, PIN, OTP,
//!   session id, API key… and that returns text; a field read with such a name; a parameter with
//!   such a name (when the debug info keeps parameter names); an Intent extra, Bundle,
//!   SharedPreferences, JSON or map value read under such a constant key; a small app getter
//!   (no calls, one field read) that returns such a field — which covers the `access$000`
//!   accessors `javac` writes for inner classes;
//! * user input: `getText()` on an `EditText` (or a subclass).
//!
//! Each distinct source gets a label bit of its own, so that a finding names exactly the
//! sources that reach its call.

use std::cell::RefCell;
use std::collections::HashMap;

use appvd_dex::Analysis;
use appvd_dex::app::AppMethodId;

use super::flow::{self, Call, FieldRef, Labels, Policy};
use super::{is_credential_name, is_string_like, java_name, propagate_strings};

/// Label bits available to sources; the last one is shared by any further sources.
const SOURCE_BITS: usize = 28;
/// A value read from `System.out` / `System.err`.
pub(crate) const CONSOLE: Labels = 1 << 28;
/// Every source bit.
pub(crate) const SENSITIVE: Labels = (1 << SOURCE_BITS) - 1;

const EDIT_TEXTS: [&str; 5] = [
    "Landroid/widget/EditText;",
    "Landroidx/appcompat/widget/AppCompatEditText;",
    "Landroid/support/v7/widget/AppCompatEditText;",
    "Lcom/google/android/material/textfield/TextInputEditText;",
    "Landroid/support/design/widget/TextInputEditText;",
];

/// Getters that read a value under a key given as their first argument.
const KEYED_GETTERS: [(&str, &[&str]); 8] = [
    ("Landroid/content/Intent;", &["Extra"]),
    ("Landroid/os/BaseBundle;", &["get"]),
    ("Landroid/os/Bundle;", &["get"]),
    ("Landroid/content/SharedPreferences;", &["get"]),
    ("Lorg/json/JSONObject;", &["get", "opt"]),
    ("Ljava/util/Map;", &["get"]),
    ("Ljava/util/HashMap;", &["get"]),
    ("Ljava/util/Properties;", &["getProperty"]),
];

/// Names to leave alone although they look like credentials.
const NOT_CREDENTIAL_CLASSES: [&str; 2] =
    ["Ljava/util/StringTokenizer;", "Ljava/io/StreamTokenizer;"];

/// App-wide facts the policy needs, computed once per rule run: the small app getters that
/// return a credential-named field, and a cheap test of whether a method can hold a sensitive
/// value at all (so that the analysis runs only where it can find something).
pub(crate) struct SensitiveIndex {
    /// `Lcls;->name(proto)ret` of each credential getter, with the field it returns.
    accessors: HashMap<String, String>,
}

impl SensitiveIndex {
    pub fn new(analysis: &Analysis<'_>) -> Self {
        let app = analysis.app();
        let mut accessors = HashMap::new();
        for method in analysis.methods() {
            let id = method.id();
            // A getter makes no calls and reads one field.
            if !analysis.index().calls_in(id).is_empty() {
                continue;
            }
            let mut reads = analysis
                .index()
                .field_accesses_in(id)
                .iter()
                .filter(|a| !a.write);
            let (Some(read), None) = (reads.next(), reads.next()) else {
                continue;
            };
            let name = app.text(read.field.name);
            if !is_string_like(&app.text(read.field.type_)) || !is_credential_name(&name) {
                continue;
            }
            let signature = method.signature();
            let returns = signature.rsplit_once(')').map_or("", |(_, r)| r);
            if is_string_like(returns) {
                accessors.insert(
                    signature,
                    format!("field {}.{name}", java_name(&app.text(read.field.class))),
                );
            }
        }
        Self { accessors }
    }

    /// Whether the method reads anything the policy labels: a credential-named call, field,
    /// keyed value or parameter, a credential getter, or an `EditText`'s text.
    pub fn might_hold(&self, analysis: &Analysis<'_>, method: AppMethodId) -> bool {
        let app = analysis.app();
        let view = analysis.method(method);
        let calls = view.calls();
        let by_call = calls.iter().any(|call| {
            let Some(key) = call.callee() else {
                return false;
            };
            let name = app.text(key.name);
            name == "getText"
                || is_credential_name(&name)
                || self.accessors.contains_key(&call.callee_text())
                || call
                    .param(0)
                    .and_then(|a| a.as_str())
                    .is_some_and(|k| is_credential_name(&k))
        });
        by_call
            || view
                .field_accesses()
                .iter()
                .any(|a| !a.write && is_credential_name(&app.text(a.field.name)))
            || flow::parameter_names(analysis, method)
                .iter()
                .flatten()
                .any(|n| is_credential_name(n))
    }
}

/// The sensitive-value policy of one method's analysis; it remembers the sources it labelled.
pub(crate) struct SensitivePolicy<'i> {
    index: &'i SensitiveIndex,
    sources: RefCell<Vec<String>>,
}

impl<'i> SensitivePolicy<'i> {
    pub fn new(index: &'i SensitiveIndex) -> Self {
        Self {
            index,
            sources: RefCell::new(Vec::new()),
        }
    }

    fn label(&self, what: String) -> Labels {
        let mut sources = self.sources.borrow_mut();
        let index = match sources.iter().position(|w| *w == what) {
            Some(i) => i,
            None => {
                sources.push(what);
                sources.len() - 1
            }
        };
        1 << index.min(SOURCE_BITS - 1)
    }

    /// The sources behind `labels`, described (`field com.acme.Session.token`).
    pub fn sources(&self, labels: Labels) -> Vec<String> {
        let sources = self.sources.borrow();
        sources
            .iter()
            .enumerate()
            .filter(|(i, _)| labels & (1 << (*i).min(SOURCE_BITS - 1)) != 0)
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// `intent.getStringExtra("password")`, `prefs.getString("token", null)`,
    /// `json.optString("pin")`: a value read under a credential-named constant key.
    fn keyed_getter(&self, call: &Call<'_, '_, '_>) -> Option<String> {
        let name: &str = &call.name;
        if !(name.starts_with("get") || name.starts_with("opt")) || call.returns_void() {
            return None;
        }
        let key = call.const_str(0).filter(|k| is_credential_name(k))?;
        let (class, _) = KEYED_GETTERS.iter().find(|(class, prefixes)| {
            prefixes.iter().any(|p| {
                if *p == "Extra" {
                    name.ends_with("Extra")
                } else {
                    name.starts_with(p)
                }
            }) && call.on(class)
        })?;
        Some(format!("{}.{name}(\"{key}\")", super::simple_name(class)))
    }
}

impl Policy for SensitivePolicy<'_> {
    fn parameter(&self, _index: usize, name: Option<&str>, ty: &str) -> Labels {
        match name {
            Some(name) if is_credential_name(name) && is_string_like(ty) => {
                self.label(format!("parameter {name}"))
            }
            _ => 0,
        }
    }

    fn field_read(&self, field: &FieldRef<'_>) -> Labels {
        if field.is_static
            && field.class == "Ljava/lang/System;"
            && (field.name == "out" || field.name == "err")
        {
            return CONSOLE;
        }
        if is_credential_name(&field.name) && is_string_like(&field.type_) {
            return self.label(format!("field {}.{}", java_name(&field.class), field.name));
        }
        0
    }

    fn call(
        &self,
        call: &Call<'_, '_, '_>,
        args: &[Labels],
        effects: &mut Vec<(usize, Labels)>,
    ) -> Labels {
        if call.name == "getText"
            && call.proto.starts_with("()")
            && EDIT_TEXTS.iter().any(|c| call.on(c))
        {
            return self.label("text typed into an EditText".to_owned());
        }
        if let Some(what) = self.keyed_getter(call) {
            return self.label(what);
        }
        let ret = call.return_type();
        if is_string_like(ret)
            && !NOT_CREDENTIAL_CLASSES.contains(&call.class.as_ref())
            && is_credential_name(&call.name)
            && !call.class.starts_with("Ljava/lang/")
        {
            return self.label(format!("{}.{}()", java_name(&call.class), call.name));
        }
        if let Some(labels) = propagate_strings(call, args, effects) {
            return labels;
        }
        if is_string_like(ret)
            && let Some(what) = self
                .index
                .accessors
                .get(&format!("{}->{}{}", call.class, call.name, call.proto))
        {
            return self.label(what.clone());
        }
        // Anything else: the result is not known to carry the arguments (it may hash or
        // encrypt them).
        0
    }
}
