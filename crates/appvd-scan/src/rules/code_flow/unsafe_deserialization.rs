use std::collections::HashSet;

use appvd_axml::ComponentKind;
use appvd_dex::facts::{ConstValue, Origins};
use appvd_dex::{Analysis, CallSiteView};

use super::flow::{
    EntryPoints, FROM_INTENT, FROM_URI, MethodFlow, call_key, call_location, callee, callee_is_a,
    evidence,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "code.unsafe_deserialization",
    title: "Untrusted data deserialized",
    severity: Severity::Medium,
    masvs: "MASVS-CODE-4",
    cwe: 502,
    docs: Docs {
        what: "Java serialization or polymorphic JSON typing applied to data another party controls: \
               `ObjectInputStream.readObject`/`readUnshared` on a stream that (inside the same method) comes from \
               a socket, an HTTP connection, a `ContentResolver.openInputStream`, a file on shared storage, or bytes \
               taken from an Intent; `Intent.getSerializableExtra(String)` or `Bundle.getSerializable(String)` on \
               the extras in code that runs in an exported component; and Jackson's `enableDefaultTyping` or \
               `activateDefaultTyping` with `LaissezFaireSubTypeValidator` (High). Streams whose source the \
               method does not show (parameters, fields), `ObjectInputStream` subclasses that override \
               `resolveClass` (look-ahead allow-lists), and the typed `getSerializableExtra(String, Class)` of API \
               33, which checks the top-level class before reading, are not reported.",
        why: "Deserialization instantiates whatever classes the byte stream names and runs their `readObject`, \
              `readResolve` and `finalize` code. With a gadget chain among the app's libraries (collections, \
              logging, JSON or RPC libraries ship many), a crafted stream runs code in the app; without one it \
              can still exhaust memory or CPU or bypass checks done in constructors.",
        fix: "Do not use Java serialization for data crossing a trust boundary: exchange JSON or Protocol Buffers \
              mapped to fixed classes, and `Parcelable` with explicit types over IPC \
              (`getParcelableExtra(name, Class)`). If `ObjectInputStream` must stay, install an \
              `ObjectInputFilter` or override `resolveClass` with an allow-list. In Jackson, remove default typing \
              or use `activateDefaultTyping` with a `BasicPolymorphicTypeValidator` that allows only the app's \
              own types.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0034/",
            "https://developer.android.com/privacy-and-security/risks/unsafe-deserialization",
            "https://cwe.mitre.org/data/definitions/502.html",
        ],
    },
    check,
};

const READS: &[&str] = &[
    "Ljava/io/ObjectInputStream;->readObject()Ljava/lang/Object;",
    "Ljava/io/ObjectInputStream;->readUnshared()Ljava/lang/Object;",
];

/// Calls whose result is a stream another party writes, by class (or superclass) and name.
const UNTRUSTED_STREAMS: &[(&str, &str, &str)] = &[
    ("Ljava/net/Socket;", "getInputStream", "a socket"),
    (
        "Landroid/bluetooth/BluetoothSocket;",
        "getInputStream",
        "a Bluetooth socket",
    ),
    (
        "Landroid/net/LocalSocket;",
        "getInputStream",
        "a local socket",
    ),
    (
        "Ljava/net/URLConnection;",
        "getInputStream",
        "an HTTP connection",
    ),
    ("Ljava/net/URL;", "openStream", "an HTTP connection"),
    ("Lokhttp3/ResponseBody;", "byteStream", "an HTTP response"),
    (
        "Landroid/content/ContentResolver;",
        "openInputStream",
        "a content URI",
    ),
];

const SERIALIZABLE_EXTRAS: &[&str] = &[
    "Landroid/content/Intent;->getSerializableExtra(Ljava/lang/String;)Ljava/io/Serializable;",
    "Landroid/os/Bundle;->getSerializable(Ljava/lang/String;)Ljava/io/Serializable;",
];

const JACKSON: &str = "Lcom/fasterxml/jackson/databind/ObjectMapper;";

const MAX_DEPTH: u8 = 6;

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    let mut seen = HashSet::new();
    object_streams(dex, &mut seen, out);
    serializable_extras(app, dex, &mut seen, out);
    jackson_default_typing(dex, &mut seen, out);
}

fn object_streams(dex: &Analysis<'_>, seen: &mut HashSet<String>, out: &mut Emitter<'_>) {
    for read in READS {
        for call in dex.calls_to(read) {
            let Some(stream) = call.receiver() else {
                continue;
            };
            let ConstValue::NewInstance { class, .. } = stream.value() else {
                continue;
            };
            if filters_classes(dex, &dex.app().text(class)) {
                continue;
            }
            let flow = MethodFlow::of_call(dex, &call);
            let Some(source) = stream_source(&flow, stream.value()) else {
                continue;
            };
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let at = call.location();
            out.emit(
                call_location(&call),
                &key,
                format!(
                    "{}.{} deserializes objects read from {source} with ObjectInputStream.",
                    at.java_class, at.method
                ),
                evidence(
                    &call,
                    &format!("ObjectInputStream(<{source}>).readObject()"),
                ),
            );
        }
    }
}

/// An app subclass of `ObjectInputStream` that overrides `resolveClass` (a look-ahead allow-list).
fn filters_classes(dex: &Analysis<'_>, class: &str) -> bool {
    class != "Ljava/io/ObjectInputStream;"
        && dex
            .find_method(&format!(
                "{class}->resolveClass(Ljava/io/ObjectStreamClass;)Ljava/lang/Class;"
            ))
            .is_some()
}

/// What another party controls in the stream the object stream wraps, if anything.
fn stream_source(flow: &MethodFlow<'_, '_>, stream: ConstValue) -> Option<&'static str> {
    let derivation = flow.derive(stream, MAX_DEPTH);
    for call in &derivation.calls {
        let Some(target) = callee(flow.dex, call) else {
            continue;
        };
        if let Some((_, _, what)) = UNTRUSTED_STREAMS
            .iter()
            .find(|(class, name, _)| target.name == *name && callee_is_a(flow.dex, call, class))
        {
            return Some(what);
        }
    }
    if derivation.has(FROM_INTENT) {
        Some("bytes taken from an Intent")
    } else if derivation.has(FROM_URI) {
        Some("data named by a URI")
    } else if derivation.has(Origins::EXTERNAL_STORAGE) {
        Some("a file on shared storage")
    } else {
        None
    }
}

fn serializable_extras(
    app: &AppModel,
    dex: &Analysis<'_>,
    seen: &mut HashSet<String>,
    out: &mut Emitter<'_>,
) {
    let entry_points = EntryPoints::new(app, dex);
    if entry_points.is_empty() {
        return;
    }
    for getter in SERIALIZABLE_EXTRAS {
        for call in dex.calls_to(getter) {
            let caller = call.caller();
            let Some(entry) = entry_points
                .of_method(&caller)
                .filter(|e| e.kind != ComponentKind::Provider)
            else {
                continue;
            };
            let flow = MethodFlow::of_call(dex, &call);
            if !reads_extras(&flow, &call) {
                continue;
            }
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let target = callee(dex, &call).map(|c| c.short()).unwrap_or_default();
            let name = call
                .param(0)
                .and_then(|a| a.as_str().map(|s| format!("\"{s}\"")))
                .unwrap_or_else(|| "…".to_owned());
            let at = call.location();
            out.emit(
                call_location(&call),
                &key,
                format!(
                    "{}.{} deserializes a Serializable extra ({target}) from the Intent the exported {} {} received.",
                    at.java_class,
                    at.method,
                    entry.kind.tag(),
                    entry.component
                ),
                evidence(&call, &format!("{target}({name})")),
            );
        }
    }
}

/// Whether the getter reads the received Intent's extras (an `Intent` receiver, or a `Bundle`
/// that came out of one — not, say, a saved instance state).
fn reads_extras(flow: &MethodFlow<'_, '_>, call: &CallSiteView<'_, '_>) -> bool {
    let (Some(target), Some(receiver)) = (callee(flow.dex, call), call.receiver()) else {
        return false;
    };
    if matches!(receiver.value(), ConstValue::NewInstance { .. }) {
        return false;
    }
    target.class != "Landroid/os/Bundle;"
        || flow
            .derive(receiver.value(), MAX_DEPTH)
            .has(Origins::INTENT_EXTRA)
}

fn jackson_default_typing(dex: &Analysis<'_>, seen: &mut HashSet<String>, out: &mut Emitter<'_>) {
    for name in [
        "enableDefaultTyping",
        "enableDefaultTypingAsProperty",
        "activateDefaultTyping",
        "activateDefaultTypingAsProperty",
    ] {
        for call in dex.calls_to(&format!("{JACKSON}->{name}")) {
            let permissive = if name.starts_with("activate") {
                call.param(0)
                    .and_then(|v| v.static_field())
                    .is_some_and(|f| f.contains("LaissezFaireSubTypeValidator"))
            } else {
                true
            };
            if !permissive {
                continue;
            }
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let at = call.location();
            out.emit_with_severity(
                Severity::High,
                call_location(&call),
                &key,
                format!(
                    "{}.{} turns on Jackson default typing ({name}): JSON input can name any class on the class path \
                     to instantiate.",
                    at.java_class, at.method
                ),
                evidence(&call, &format!("ObjectMapper.{name}(…)")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
