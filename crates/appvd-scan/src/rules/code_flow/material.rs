//! Constant byte material: whether the bytes reaching a key or IV constructor are fixed in the
//! code, and how (a string's bytes, a Base64 or hex literal, an array literal, a fresh all-zero
//! array, a digest or prefix of one of those, or a `static final` field initialised with one).
//! Secrets are only ever shown redacted.

use std::collections::HashSet;

use appvd_dex::facts::{ArrayValue, ConstValue};
use appvd_dex::{Analysis, CallSiteView};

use super::flow::{MethodFlow, call_key, callee, callee_is_app_code, simple_name};

/// Constant bytes found for a key or IV argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Material {
    /// How the bytes are made, for the message and evidence, with any secret redacted
    /// (`"k3…".getBytes()`, `byte[16] literal`, `new byte[16] (all zero)`).
    pub source: String,
    /// Length in bytes (or chars), when known.
    pub length: Option<usize>,
    /// The constant text the bytes come from, to redact it from listings.
    pub secret: Option<String>,
}

/// A call to one of `sinks` (method, position of its byte parameter) whose bytes are constant.
pub(crate) struct ConstantSinkCall<'x, 'a> {
    pub call: CallSiteView<'x, 'a>,
    pub material: Material,
    /// The finding's fingerprint key (one per call site).
    pub key: String,
    /// The constructed class's simple name (`SecretKeySpec`, `IvParameterSpec`).
    pub api: String,
}

/// The calls to `sinks` that pass constant bytes, each call site once.
pub(crate) fn constant_sink_calls<'x, 'a>(
    dex: &'x Analysis<'a>,
    sinks: &[(&str, usize)],
) -> Vec<ConstantSinkCall<'x, 'a>> {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for &(sink, position) in sinks {
        for call in dex.calls_to(sink) {
            let Some(param) = call.param(position) else {
                continue;
            };
            let flow = MethodFlow::of_call(dex, &call);
            let Some(material) = constant_bytes(&flow, param.value(), call.at()) else {
                continue;
            };
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let api = callee(dex, &call)
                .map(|c| c.short())
                .unwrap_or_default()
                .trim_end_matches(".<init>")
                .to_owned();
            found.push(ConstantSinkCall {
                call,
                material,
                key,
                api,
            });
        }
    }
    found
}

/// How many levels of producing calls and static fields are followed.
const MAX_DEPTH: u8 = 4;

/// The constant material `value` is, seen from a call at code offset `at` in `flow`'s method.
pub(crate) fn constant_bytes(
    flow: &MethodFlow<'_, '_>,
    value: ConstValue,
    at: u32,
) -> Option<Material> {
    material(flow, value, Some(at), MAX_DEPTH)
}

fn material(
    flow: &MethodFlow<'_, '_>,
    value: ConstValue,
    at: Option<u32>,
    depth: u8,
) -> Option<Material> {
    let dex = flow.dex;
    match value {
        ConstValue::StringBytes(s) => {
            let text = dex.string_text(s);
            Some(Material {
                source: format!("{}.getBytes()", redacted_literal(&text)),
                length: Some(text.len()),
                secret: Some(text.into_owned()),
            })
        }
        ConstValue::StringChars(s) => {
            let text = dex.string_text(s);
            Some(Material {
                source: format!("{}.toCharArray()", redacted_literal(&text)),
                length: Some(text.chars().count()),
                secret: Some(text.into_owned()),
            })
        }
        ConstValue::Base64Decoded(s) => {
            let text = dex.string_text(s);
            let payload = text.trim_end_matches('=').len();
            Some(Material {
                source: format!("Base64.decode({})", redacted_literal(&text)),
                length: Some(payload * 3 / 4),
                secret: Some(text.into_owned()),
            })
        }
        ConstValue::Array(id) => {
            let array = dex.index().array(id)?;
            array_material(dex, array, at)
        }
        ConstValue::StaticField { dex: dex_id, field } if depth > 0 => {
            let key = dex.app().dex(dex_id)?.field_key(field)?;
            let app = dex.app();
            let name = format!(
                "{}->{}:{}",
                app.text(key.class),
                app.text(key.name),
                app.text(key.type_)
            );
            static_material(dex, &name, depth - 1)
        }
        ConstValue::CallResult { at: produced_at } if depth > 0 => {
            let call = flow.call_at(produced_at)?;
            let target = callee(dex, &call)?;
            let first = call.param(0).map(|a| a.value());
            match (target.class.as_ref(), target.name.as_ref()) {
                ("Ljava/security/MessageDigest;", "digest") => {
                    let inner = material(flow, first?, None, depth - 1)?;
                    let algorithm = call
                        .receiver()
                        .and_then(|r| r.producer())
                        .and_then(|p| p.param(0))
                        .and_then(|a| a.as_str().map(|s| s.into_owned()))
                        .unwrap_or_else(|| "message".to_owned());
                    Some(Material {
                        source: format!("{algorithm} digest of {}", inner.source),
                        length: None,
                        secret: inner.secret,
                    })
                }
                ("Ljava/util/Arrays;", "copyOf" | "copyOfRange") => {
                    let inner = material(flow, first?, None, depth - 1)?;
                    let length = match (target.name.as_ref(), call.param(1), call.param(2)) {
                        ("copyOf", Some(n), _) => n.as_int(),
                        ("copyOfRange", Some(from), Some(to)) => {
                            Some(to.as_int()? - from.as_int()?)
                        }
                        _ => None,
                    };
                    Some(Material {
                        source: format!("{} of {}", target.name, inner.source),
                        length: length.and_then(|n| usize::try_from(n).ok()),
                        secret: inner.secret,
                    })
                }
                ("Landroid/util/Base64;", "decode") => {
                    let inner = material(flow, first?, None, depth - 1)?;
                    Some(Material {
                        source: format!("Base64.decode({})", inner.source),
                        length: inner.length.map(|n| n * 3 / 4),
                        secret: inner.secret,
                    })
                }
                ("Lorg/apache/commons/codec/binary/Hex;", "decodeHex") => {
                    decoded_literal(flow, &call, "Hex.decodeHex")
                }
                _ if callee_is_app_code(dex, &call)
                    && call.kind() == appvd_dex::facts::InvokeKind::Static
                    && target.proto == "(Ljava/lang/String;)[B" =>
                {
                    // An app helper turning a literal into bytes (hex or Base64 decoding).
                    decoded_literal(
                        flow,
                        &call,
                        &format!("{}.{}", simple_name(&target.class), target.name),
                    )
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Bytes produced by `decoder(<string literal>)`.
fn decoded_literal(
    flow: &MethodFlow<'_, '_>,
    call: &CallSiteView<'_, '_>,
    decoder: &str,
) -> Option<Material> {
    let arg = call.param(0)?;
    let text = match arg.value() {
        ConstValue::String(s) | ConstValue::StringChars(s) => flow.dex.string_text(s),
        _ => return None,
    };
    Some(Material {
        source: format!("{decoder}({})", redacted_literal(&text)),
        length: None,
        secret: Some(text.into_owned()),
    })
}

/// A byte or char array whose every element is a known constant and that nothing else can fill:
/// an array literal (`fill-array-data`, constant `aput`s) or a fresh array never written.
fn array_material(dex: &Analysis<'_>, array: &ArrayValue, at: Option<u32>) -> Option<Material> {
    let element_type = dex.app().text(array.array_type);
    if !matches!(element_type.as_ref(), "[B" | "[C") || !array.complete {
        return None;
    }
    let escapes = match at {
        Some(at) => array.escapes_besides(at),
        None => !array.passed_to.is_empty(),
    };
    if escapes {
        return None;
    }
    let values: Option<Vec<i64>> = array
        .elements
        .iter()
        .map(|(_, v)| match v {
            ConstValue::Int(i) => Some(i64::from(*i)),
            _ => None,
        })
        .collect();
    let values = values?;
    let length = array
        .length
        .map(|n| n as usize)
        .or_else(|| array.elements.last().map(|(i, _)| *i as usize + 1));
    let shown = length.map_or_else(|| "?".to_owned(), |n| n.to_string());
    let kind = &element_type[1..];
    if array.is_all_zero() {
        // A fresh array with nothing written: Java zero-fills it.
        length?;
        return Some(Material {
            source: format!("new {}[{shown}] (all zero)", java_primitive(kind)),
            length,
            secret: None,
        });
    }
    let preview: Vec<String> = values
        .iter()
        .take(2)
        .map(|v| format!("{:#04x}", *v as u8))
        .collect();
    Some(Material {
        source: format!(
            "{}[{shown}] literal {{{}, …}}",
            java_primitive(kind),
            preview.join(", ")
        ),
        length,
        secret: None,
    })
}

fn java_primitive(descriptor: &str) -> &'static str {
    match descriptor {
        "C" => "char",
        _ => "byte",
    }
}

/// The material a `static` field holds when only its class initialiser writes it.
fn static_material(dex: &Analysis<'_>, field: &str, depth: u8) -> Option<Material> {
    let accesses = dex.field_accesses(field);
    let writes: Vec<_> = accesses.iter().filter(|a| a.write).collect();
    let [write] = writes.as_slice() else {
        return None;
    };
    let writer = dex.method(write.method);
    if writer
        .key()
        .is_none_or(|k| dex.app().text(k.name) != "<clinit>")
    {
        return None;
    }
    let flow = MethodFlow::new(dex, writer);
    let inner = material(&flow, write.value, None, depth)?;
    let (class, name) = field
        .split_once("->")
        .map(|(c, rest)| (c, rest.split(':').next().unwrap_or(rest)))
        .unwrap_or((field, ""));
    Some(Material {
        source: format!(
            "static field {}.{name} = {}",
            simple_name(class),
            inner.source
        ),
        ..inner
    })
}

/// A string literal with all but its first two characters hidden: `"k3…" (16 chars)`.
pub(crate) fn redacted_literal(text: &str) -> String {
    let count = text.chars().count();
    if count <= 4 {
        return format!("\"{}\" ({count} chars)", "*".repeat(count));
    }
    let head: String = text.chars().take(2).collect();
    format!("\"{head}…\" ({count} chars)")
}

/// The listing with every quoted occurrence of the secret replaced by its redacted form.
pub(crate) fn redact_listing(listing: &str, secret: Option<&str>) -> String {
    match secret {
        Some(secret) if !secret.is_empty() => {
            let quoted = format!("\"{secret}\"");
            listing.replace(&quoted, &redacted_literal(secret))
        }
        _ => listing.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(redacted_literal("hardcodedkey1234"), "\"ha…\" (16 chars)");
        assert_eq!(redacted_literal("abc"), "\"***\" (3 chars)");
        let listing = "const-string v0, \"hardcodedkey1234\"\ninvoke-virtual {v0}, Ljava/lang/String;->getBytes()[B\n";
        let redacted = redact_listing(listing, Some("hardcodedkey1234"));
        assert!(!redacted.contains("hardcodedkey1234"), "{redacted}");
        assert!(redacted.starts_with("const-string v0, \"ha…\" (16 chars)"));
        assert_eq!(redact_listing(listing, None), listing);
    }
}
