//! Code rules on TLS, WebViews and IPC, read from DEX call sites, the class hierarchy and method
//! shapes.
//!
//! Call-site rules look a framework method up with `Analysis::calls_to` (which also finds calls
//! through app subclasses) and judge the constant arguments that propagation proved; a value the
//! analysis could not pin down is never guessed at, and the app's SDK levels decide what the
//! platform does with it. Shape rules (`tls.trust_all_manager`, `tls.permissive_hostname_verifier`,
//! `tls.webview_ssl_error_proceed`) find the app's overrides of a framework callback, ask what the
//! body does on its paths, and grade the finding by whether code is seen creating and installing
//! the class.
//!
//! Besides one file per rule: this file holds what every rule shares (SDK levels, evidence layout,
//! fingerprint keys, [`Once`]); `values` rebuilds an `Intent` or `IntentFilter` from the calls made
//! on it in one method; `shapes` decides which calls cannot be a certificate check and where a
//! class is created and installed; `webview` names the WebView settings; `broadcasts` lists the
//! actions only the system may send.

mod dynamic_receiver_exported;
mod file_url_universal_access;
mod implicit_pending_intent;
mod insecure_socket_factory;
mod insecure_tls_context;
mod js_enabled;
mod js_interface;
mod legacy_http_client;
mod permissive_hostname_verifier;
mod shapes;
mod trust_all_manager;
mod values;
mod webview;
mod webview_debugging;
mod webview_file_access;
mod webview_mixed_content;
mod webview_ssl_error_proceed;

use std::collections::HashSet;

use appvd_dex::{Analysis, CallSiteView, MethodView};

use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rule::{Emitter, Rule};

pub static RULES: &[&Rule] = &[
    &insecure_tls_context::RULE,
    &insecure_socket_factory::RULE,
    &legacy_http_client::RULE,
    &webview_mixed_content::RULE,
    &js_enabled::RULE,
    &js_interface::RULE,
    &file_url_universal_access::RULE,
    &webview_debugging::RULE,
    &implicit_pending_intent::RULE,
    &dynamic_receiver_exported::RULE,
    &trust_all_manager::RULE,
    &permissive_hostname_verifier::RULE,
    &webview_ssl_error_proceed::RULE,
    &webview_file_access::RULE,
];

/// Passes each fingerprint key on once per run: a method that makes the same call twice gets one
/// finding (both would carry the same fingerprint), the first in code order.
struct Once<'e, 'r> {
    out: &'e mut Emitter<'r>,
    keys: HashSet<String>,
}

impl<'e, 'r> Once<'e, 'r> {
    fn new(out: &'e mut Emitter<'r>) -> Self {
        Self {
            out,
            keys: HashSet::new(),
        }
    }

    fn emit(
        &mut self,
        location: Location,
        key: &str,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        if self.keys.insert(key.to_owned()) {
            self.out.emit(location, key, message, evidence);
        }
    }

    fn emit_with_severity(
        &mut self,
        severity: Severity,
        location: Location,
        key: &str,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) {
        if self.keys.insert(key.to_owned()) {
            self.out
                .emit_with_severity(severity, location, key, message, evidence);
        }
    }
}

/// The SDK levels the platform behaviour depends on. Without a readable manifest both are 1, the
/// most permissive platform, so no finding is dropped for a behaviour the app might not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SdkLevels {
    min: u32,
    target: u32,
}

fn sdk_levels(app: &AppModel) -> SdkLevels {
    match app.manifest() {
        Some(manifest) => SdkLevels {
            min: manifest.min_sdk(),
            target: manifest.target_sdk(),
        },
        None => SdkLevels { min: 1, target: 1 },
    }
}

/// `com.acme.Net->client(Landroid/content/Context;)V`: the part of a fingerprint key that names the
/// method holding the evidence. Offsets and lines are left out so that a rebuild keeps the key.
fn method_key(at: &appvd_dex::Location) -> String {
    format!("{}->{}{}", at.java_class, at.method, at.method_descriptor)
}

/// The fingerprint key of a call-site finding: the calling method, the callee (named by the class
/// that declares it, so that a call through an app subclass keys the same), and the detail (a
/// constant, a class) that made the finding.
fn call_key(call: &CallSiteView<'_, '_>, detail: &str) -> String {
    let app = call.caller().analysis().app();
    let callee = match (call.declaring_class(), call.callee()) {
        (Some(class), Some(key)) => format!("{}.{}", simple_name(&class), app.text(key.name)),
        _ => String::new(),
    };
    format!("{}|{callee}|{detail}", method_key(&call.location()))
}

/// The last segment of a class descriptor or dotted name: `SSLContext` for
/// `Ljavax/net/ssl/SSLContext;`.
fn simple_name(class: &str) -> String {
    let inner = class
        .strip_prefix('L')
        .and_then(|c| c.strip_suffix(';'))
        .unwrap_or(class);
    inner.rsplit(['/', '.']).next().unwrap_or(inner).to_string()
}

/// The dotted Java name of a class descriptor (`com.acme.Net$1`), cut for a message.
fn java_name(descriptor: &str) -> String {
    brief(&appvd_dex::framework::java_name_of(descriptor), MAX_NAME)
}

/// Longest class name, and longest constant, put into a message or evidence line; hostile apps
/// can hold megabyte-long names and strings.
const MAX_NAME: usize = 200;
const MAX_CONSTANT: usize = 120;
const MAX_SUMMARY: usize = 400;

/// `text` on one line and at most `max` characters (control characters become `?`, a cut is
/// marked with `...`).
fn brief(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push_str("...");
    }
    out
}

/// The call as a reviewer reads it, with the arguments propagation resolved:
/// `SSLContext.getInstance("TLSv1")`.
fn call_summary(call: &CallSiteView<'_, '_>) -> String {
    let Some(key) = call.callee() else {
        return call.callee_text();
    };
    let app = call.caller().analysis().app();
    let receiver = usize::from(call.kind().has_receiver());
    let params: Vec<String> = (0..call.args().len().saturating_sub(receiver))
        .filter_map(|i| call.param(i))
        .map(|arg| arg.describe())
        .collect();
    let class = simple_name(&app.text(key.class));
    let name = app.text(key.name);
    let text = if name == "<init>" {
        format!("new {class}({})", params.join(", "))
    } else {
        format!("{class}.{name}({})", params.join(", "))
    };
    brief(&text, MAX_SUMMARY)
}

/// Evidence of a call-site finding: the resolved call, any extra facts, then the instructions
/// around the call.
fn call_evidence(call: &CallSiteView<'_, '_>, facts: &[String]) -> String {
    let mut out = call_summary(call);
    for fact in facts {
        out.push('\n');
        out.push_str(fact);
    }
    let window = capped_lines(&call.evidence(3, 1));
    if !window.is_empty() {
        out.push('\n');
        out.push_str(&window);
    }
    out
}

/// Evidence of a field read or write: the instructions around it.
fn field_evidence(method: &MethodView<'_, '_>, at: u32) -> String {
    capped_lines(&method.listing().window(at, 2, 1))
}

/// Disassembly lines, each cut to a readable length (a `const-string` may hold a whole file).
fn capped_lines(text: &str) -> String {
    text.lines()
        .map(|line| brief(line, MAX_SUMMARY))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Most lines of a method listing shown as evidence.
const LISTING_LINES: usize = 14;

/// The start of a method's disassembly, for shape findings (the body is the evidence).
fn listing_excerpt(method: &MethodView<'_, '_>) -> String {
    let listing = method.listing();
    let lines: Vec<&str> = listing
        .lines
        .iter()
        .map(|l| l.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<String> = lines
        .iter()
        .take(LISTING_LINES)
        .map(|line| brief(line, MAX_SUMMARY))
        .collect();
    if lines.len() > LISTING_LINES {
        out.push("...".into());
    }
    out.join("\n")
}

/// Where a call is, as a finding location.
fn call_location(call: &CallSiteView<'_, '_>) -> Location {
    crate::rules::code_location(&call.location())
}

/// Where a method is, as a finding location: its first instruction, with the line the debug
/// info gives it.
fn method_location(method: &MethodView<'_, '_>) -> Location {
    crate::rules::code_location(&method.location_at(0))
}

/// The class descriptor of the method holding a call (`Lcom/acme/Net;`).
fn caller_class(call: &CallSiteView<'_, '_>) -> String {
    call.location().class
}

/// Whether the method, or an app method it calls, reads `ApplicationInfo.flags` or a
/// `BuildConfig.DEBUG` field: a sign that what it does on some paths is meant for debug builds.
fn checks_debug_build(dex: &Analysis<'_>, method: &MethodView<'_, '_>) -> bool {
    reads_debug_flag(dex, method)
        || method.calls().iter().any(|c| {
            c.callee()
                .and_then(|key| dex.app().method_by_key(key))
                .is_some_and(|callee| reads_debug_flag(dex, &dex.method(callee)))
        })
}

fn reads_debug_flag(dex: &Analysis<'_>, method: &MethodView<'_, '_>) -> bool {
    let app = dex.app();
    method.field_accesses().iter().any(|access| {
        if access.write {
            return false;
        }
        let class = app.text(access.field.class);
        let name = app.text(access.field.name);
        (class == "Landroid/content/pm/ApplicationInfo;" && name == "flags")
            || (name == "DEBUG" && class.ends_with("/BuildConfig;"))
    })
}

/// Whether the call is an old-device fallback the app never reaches: it happens on some paths
/// only, in a method that compares `Build.VERSION.SDK_INT` with constants, and the app's
/// `minSdkVersion` is above every one of them. Code such as Volley's
/// `if (SDK_INT >= 9) new HurlStack() else AndroidHttpClient.newInstance(...)` is the shape; the
/// branch that holds a legacy API is assumed to be the one for the older releases.
fn unreachable_fallback(dex: &Analysis<'_>, call: &CallSiteView<'_, '_>, sdk: SdkLevels) -> bool {
    let method = call.caller();
    let Some(threshold) = sdk_threshold(dex, &method) else {
        return false;
    };
    let id = call.id();
    i64::from(sdk.min) > threshold
        && dex.call_presence(method.id(), |c| c.id() == id)
            == appvd_dex::shapes::Presence::SomePaths
}

/// The largest constant the method compares `Build.VERSION.SDK_INT` with (`if-lt`, `if-ge`,
/// `if-gt`, `if-le` against a register loaded by a `const`), from one pass over the instructions.
fn sdk_threshold(dex: &Analysis<'_>, method: &MethodView<'_, '_>) -> Option<i64> {
    use appvd_dex::insn::{Instructions, Operands};
    use std::collections::HashMap;

    let app = dex.app();
    let reads: HashSet<u32> = method
        .field_accesses()
        .iter()
        .filter(|a| {
            !a.write
                && a.is_static
                && app.text(a.field.name) == "SDK_INT"
                && app.text(a.field.class) == "Landroid/os/Build$VERSION;"
        })
        .map(|a| a.at)
        .collect();
    if reads.is_empty() {
        return None;
    }
    let m = app.method(method.id())?;
    let code = app.dex(m.dex)?.file.code_item(m.code_off).ok()?;
    let mut constants: HashMap<u32, i64> = HashMap::new();
    let mut sdk_registers: HashSet<u32> = HashSet::new();
    let mut best: Option<i64> = None;
    for (at, insn) in Instructions::new(code.insns()).flatten() {
        // if-lt, if-ge, if-gt, if-le
        if let (0x34..=0x37, Operands::RegRegTarget { a, b, .. }) = (insn.opcode.0, insn.operands) {
            let (a, b) = (u32::from(a), u32::from(b));
            let limit = if sdk_registers.contains(&a) {
                constants.get(&b)
            } else if sdk_registers.contains(&b) {
                constants.get(&a)
            } else {
                None
            };
            if let Some(&limit) = limit {
                best = Some(best.map_or(limit, |old| old.max(limit)));
            }
            continue;
        }
        let Some((dest, wide)) = insn.dest() else {
            continue;
        };
        for register in [Some(dest), wide.then(|| dest.saturating_add(1))]
            .into_iter()
            .flatten()
        {
            constants.remove(&register);
            sdk_registers.remove(&register);
        }
        match insn.operands {
            Operands::RegLit { lit, .. } if !wide => {
                constants.insert(dest, lit);
            }
            _ if reads.contains(&at) => {
                sdk_registers.insert(dest);
            }
            _ => {}
        }
    }
    best
}

/// Whether a class descriptor lies in one of the package prefixes (`Lorg/apache/http/`).
fn in_packages(class: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| class.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys_leave_out_offsets() {
        assert_eq!(simple_name("Ljavax/net/ssl/SSLContext;"), "SSLContext");
        assert_eq!(simple_name("com.acme.Net$1"), "Net$1");
        assert_eq!(simple_name("Plain"), "Plain");
        let at = appvd_dex::Location {
            dex: "classes.dex".into(),
            class: "Lcom/acme/Net;".into(),
            java_class: "com.acme.Net".into(),
            method: "client".into(),
            method_descriptor: "()V".into(),
            offset: Some(12),
            line: Some(40),
        };
        assert_eq!(method_key(&at), "com.acme.Net->client()V");
        assert!(in_packages(
            "Lorg/apache/http/impl/X;",
            &["Lorg/apache/http/"]
        ));
        assert!(!in_packages("Lcom/acme/X;", &["Lorg/apache/http/"]));
    }

    fn emit_twice(_app: &AppModel, out: &mut Emitter<'_>) {
        let out = &mut Once::new(out);
        for key in ["same", "same", "other"] {
            out.emit(Location::default(), key, "message", "evidence");
        }
    }

    static TWICE: Rule = Rule {
        id: "test.twice",
        title: "Emits one key twice",
        severity: Severity::Info,
        masvs: "MASVS-CODE-4",
        cwe: 20,
        docs: crate::rule::Docs {
            what: "",
            why: "",
            fix: "",
            references: &[],
        },
        check: emit_twice,
    };

    #[test]
    fn once_passes_each_key_once() {
        let path = crate::testing::fixture_path(&insecure_socket_factory::RULE, "negative");
        let app = AppModel::open(&path).unwrap();
        let findings = TWICE.run(&app);
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
    }

    #[test]
    fn hostile_text_is_cut_to_one_short_line() {
        assert_eq!(brief("a\nb", 10), "a?b");
        assert_eq!(brief("abcdef", 3), "abc...");
        assert_eq!(brief("abc", 3), "abc");
        assert_eq!(brief("日本語", 2), "日本...");
        let long = format!("const-string v0, \"{}\"\nreturn-void", "x".repeat(5000));
        let capped = capped_lines(&long);
        assert!(capped.len() <= MAX_SUMMARY + "...\nreturn-void".len());
        assert!(capped.ends_with("\nreturn-void"));
    }
}
