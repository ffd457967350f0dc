//! Decoding of statically registered JNI symbol names (`Java_…`).
//!
//! The JNI specification mangles `Java_<class>_<method>[__<arguments>]` with
//! `_` for `/`, and escapes `_1` = `_`, `_2` = `;`, `_3` = `[`, `_0xxxx` = the
//! UTF-16 unit xxxx. Because an unescaped `_` is always followed by a letter
//! (or by a second `_` before the arguments), the name splits unambiguously.

use crate::facts::JniMethod;

/// Decodes a `Java_…` symbol; `None` when it is not a valid JNI name.
pub fn decode_jni_symbol(symbol: &str) -> Option<JniMethod> {
    let mangled = symbol.strip_prefix("Java_")?;
    let (name_part, arguments) = match find_argument_separator(mangled) {
        Some(at) => (mangled.get(..at)?, Some(mangled.get(at + 2..)?)),
        None => (mangled, None),
    };
    let path = unmangle(name_part)?;
    let (class_path, method_name) = path.rsplit_once('/')?;
    if method_name.is_empty() || class_path.split('/').any(str::is_empty) {
        return None;
    }
    let arguments = match arguments {
        Some(raw) => Some(format!("({})", unmangle(raw)?)),
        None => None,
    };
    Some(JniMethod {
        symbol: symbol.to_string(),
        class_name: class_path.replace('/', "."),
        method_name: method_name.to_string(),
        arguments,
    })
}

/// Position of the `__` that starts the argument signature, skipping escapes.
fn find_argument_separator(mangled: &str) -> Option<usize> {
    let bytes = mangled.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes.get(index) == Some(&b'_') {
            match bytes.get(index + 1) {
                Some(b'_') => return Some(index),
                Some(b'0') => index += 6,
                Some(b'1' | b'2' | b'3') => index += 2,
                _ => index += 1,
            }
        } else {
            index += 1;
        }
    }
    None
}

/// Undoes the mangling: `_` becomes `/`, escapes become their characters.
fn unmangle(mangled: &str) -> Option<String> {
    let mut out = String::with_capacity(mangled.len());
    let mut chars = mangled.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '_' {
            if !(c.is_ascii_alphanumeric() || c == '$') {
                return None;
            }
            out.push(c);
            continue;
        }
        match chars.peek().map(|&(_, next)| next) {
            Some('1') => {
                chars.next();
                out.push('_');
            }
            Some('2') => {
                chars.next();
                out.push(';');
            }
            Some('3') => {
                chars.next();
                out.push('[');
            }
            Some('0') => {
                let hex = mangled.get(at + 2..at + 6)?;
                let unit = u16::from_str_radix(hex, 16).ok()?;
                out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
                for _ in 0..5 {
                    chars.next();
                }
            }
            Some(next) if next.is_ascii_alphabetic() || next == '$' => out.push('/'),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_method() {
        let method = decode_jni_symbol("Java_com_example_app_NativeBridge_greet").unwrap();
        assert_eq!(method.class_name, "com.example.app.NativeBridge");
        assert_eq!(method.method_name, "greet");
        assert_eq!(method.arguments, None);
    }

    #[test]
    fn escapes_and_overload_signature() {
        let method = decode_jni_symbol(
            "Java_com_example_app_Native_1Bridge_nativeInit__Ljava_lang_String_2_3I",
        )
        .unwrap();
        assert_eq!(method.class_name, "com.example.app.Native_Bridge");
        assert_eq!(method.method_name, "nativeInit");
        assert_eq!(method.arguments.as_deref(), Some("(Ljava/lang/String;[I)"));
    }

    #[test]
    fn unicode_escape_and_inner_class() {
        let method = decode_jni_symbol("Java_p_Outer_00024Inner_run").unwrap();
        assert_eq!(method.class_name, "p.Outer$Inner");
        assert_eq!(method.method_name, "run");
        let method = decode_jni_symbol("Java_p_A_m_000e9t").unwrap();
        assert_eq!(method.method_name, "m\u{e9}t");
    }

    #[test]
    fn empty_argument_list() {
        let method = decode_jni_symbol("Java_p_A_m__").unwrap();
        assert_eq!(method.arguments.as_deref(), Some("()"));
    }

    #[test]
    fn rejects_non_jni_names() {
        for name in [
            "JNI_OnLoad",
            "Java_",
            "Java_onlymethod",
            "Java_a_",
            "Java__a_b",
            "Java_a_b_0zz",
            "Java_a_b_0",
            "Java_a-b_c",
            "Java_a_9b",
        ] {
            assert_eq!(decode_jni_symbol(name), None, "{name}");
        }
    }
}
