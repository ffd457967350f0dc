//! Code rules on how the app stores data and uses cryptography, device identifiers and dynamic
//! code (DEX call sites with constant arguments).
//!
//! Most rules here look up the call sites of a framework API with
//! [`appvd_dex::Analysis::calls_to`] (which also finds calls through app subclasses) and read the
//! constant value of an argument from the engine's constant propagation: a file mode, a
//! transformation string, a key size. Two questions need more than a constant, and have their
//! own small analysis in [`flow`]: whether a *sensitive value* reaches a logging or clipboard
//! call (policy in [`sensitive`]), and whether the output of a non-cryptographic random number
//! generator reaches a key, an IV or a token (policy in `insecure_random`).
//!
//! Shared vocabulary:
//!
//! * the platform facts that decide severity come from the manifest's SDK levels
//!   ([`sdk_levels`]): a world-readable mode throws on targetSdk 24+, device identifiers stopped
//!   being readable on API 29, app-specific external storage became private on API 30;
//! * findings sit at the call ([`emit_at_call`]); their fingerprint key is the enclosing method
//!   (dotted class, name and descriptor) plus what the finding is about (the callee and the
//!   constant that made it), never an offset;
//! * a library method that only forwards its parameter to the API (androidx
//!   `TelephonyManagerCompat.getImei(manager)`) is not where the app uses the API: [`users_of`]
//!   follows such wrappers to their callers, and `storage.logging` follows the app's logging
//!   wrappers the same way;
//! * [`crypto`] parses algorithm and transformation strings the way the JCA providers read them.

pub mod clipboard_copy;
pub(crate) mod crypto;
pub mod device_identifiers;
pub mod dynamic_code_loading;
pub mod ecb_mode;
pub mod external_storage;
pub(crate) mod flow;
pub mod insecure_random;
pub mod logging;
pub mod rsa_no_padding;
pub mod seeded_securerandom;
pub(crate) mod sensitive;
pub mod sha1_hash;
pub(crate) mod storage;
pub mod temp_file;
pub mod weak_cipher;
pub mod weak_hash;
pub mod weak_key_size;
pub mod world_readable_mode;
pub mod world_writable_mode;

use appvd_dex::CallSiteView;
use appvd_dex::framework::java_name_of;

use super::code_location;
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Emitter, Rule};
use flow::{Call, Labels};

pub static RULES: &[&Rule] = &[
    &world_readable_mode::RULE,
    &world_writable_mode::RULE,
    &external_storage::RULE,
    &temp_file::RULE,
    &logging::RULE,
    &clipboard_copy::RULE,
    &ecb_mode::RULE,
    &weak_cipher::RULE,
    &rsa_no_padding::RULE,
    &weak_hash::RULE,
    &sha1_hash::RULE,
    &insecure_random::RULE,
    &seeded_securerandom::RULE,
    &weak_key_size::RULE,
    &device_identifiers::RULE,
    &dynamic_code_loading::RULE,
];

/// `(minSdk, targetSdk)` as Android derives them; an app without a readable manifest is taken
/// to run everywhere (1, 1).
pub(crate) fn sdk_levels(app: &AppModel) -> (u32, u32) {
    app.manifest()
        .map_or((1, 1), |m| (m.min_sdk(), m.target_sdk()))
}

/// Whether the manifest requests any of these permissions.
pub(crate) fn requests_any(app: &AppModel, permissions: &[&str]) -> bool {
    app.manifest()
        .is_some_and(|m| m.permission_names().any(|p| permissions.contains(&p)))
}

/// `com.acme.Foo` for `Lcom/acme/Foo;`.
pub(crate) fn java_name(descriptor: &str) -> String {
    java_name_of(descriptor)
}

/// `Foo` for `Lcom/acme/Foo;` (nested classes keep their `$` part: `Outer$Inner`).
pub(crate) fn simple_name(descriptor: &str) -> &str {
    let inner = descriptor
        .strip_prefix('L')
        .and_then(|d| d.strip_suffix(';'))
        .unwrap_or(descriptor);
    inner.rsplit('/').next().unwrap_or(inner)
}

/// Longest argument text shown in evidence.
const MAX_ARG_TEXT: usize = 96;

fn cut(text: String) -> String {
    if text.chars().count() <= MAX_ARG_TEXT {
        return text;
    }
    let mut short: String = text.chars().take(MAX_ARG_TEXT).collect();
    short.push('…');
    short
}

/// Java's name for a type descriptor: `byte`, `java.lang.String`, `int[]`.
fn java_type(descriptor: &str) -> String {
    if let Some(element) = descriptor.strip_prefix('[') {
        return format!("{}[]", java_type(element));
    }
    match descriptor {
        "Z" => "boolean".into(),
        "B" => "byte".into(),
        "S" => "short".into(),
        "C" => "char".into(),
        "I" => "int".into(),
        "J" => "long".into(),
        "F" => "float".into(),
        "D" => "double".into(),
        other => simple_name(other).to_owned(),
    }
}

/// An argument for evidence: constants as smali writes them, a call's result as the call
/// (`MainActivity.getContentResolver()`), a fresh array as its allocation (`new byte[16]`).
fn arg_text(analysis: &appvd_dex::Analysis<'_>, arg: &appvd_dex::ArgView<'_, '_>) -> String {
    let app = analysis.app();
    match arg.value() {
        appvd_dex::facts::ConstValue::CallResult { .. } => {
            match arg.producer().and_then(|p| p.callee()) {
                Some(key) => {
                    format!(
                        "{}.{}()",
                        simple_name(&app.text(key.class)),
                        app.text(key.name)
                    )
                }
                None => arg.describe(),
            }
        }
        appvd_dex::facts::ConstValue::Array(_) => match arg.array() {
            Some(array) if array.elements.is_empty() => {
                let ty = app.text(array.array_type);
                let element = java_type(ty.strip_prefix('[').unwrap_or(&ty));
                match array.length {
                    Some(n) => format!("new {element}[{n}]"),
                    None => format!("new {element}[]"),
                }
            }
            _ => arg.describe(),
        },
        _ => arg.describe(),
    }
}

/// The call with its resolved arguments, e.g. `Cipher.getInstance("AES/ECB/PKCS5Padding")` or
/// `new SecretKeySpec(unknown, "DES")`.
pub(crate) fn call_text(call: &CallSiteView<'_, '_>) -> String {
    let Some(key) = call.callee() else {
        return call.callee_text();
    };
    let analysis = call.caller().analysis();
    let app = analysis.app();
    let class = app.text(key.class);
    let name = app.text(key.name);
    let proto = app.text(key.proto);
    let count = flow::param_types(&proto).len();
    let args: Vec<String> = (0..count)
        .map(|i| {
            call.param(i)
                .map_or_else(|| "?".to_owned(), |a| cut(arg_text(analysis, &a)))
        })
        .collect();
    if name == "<init>" {
        format!("new {}({})", simple_name(&class), args.join(", "))
    } else {
        format!("{}.{name}({})", simple_name(&class), args.join(", "))
    }
}

/// The identity of the method containing a call: `com.acme.Foo.bar(Ljava/lang/String;)V`.
pub(crate) fn method_identity(at: &appvd_dex::Location) -> String {
    format!("{}.{}{}", at.java_class, at.method, at.method_descriptor)
}

/// Reports a finding at a call site. The key is the enclosing method plus `what` (the callee and
/// the constant that made the finding); the evidence is `facts` and the instructions around the
/// call.
pub(crate) fn emit_at_call(
    out: &mut Emitter<'_>,
    severity: Severity,
    call: &CallSiteView<'_, '_>,
    what: &str,
    message: String,
    facts: &str,
) {
    let at = call.location();
    let key = format!("{}|{what}", method_identity(&at));
    let listing = call.evidence(3, 1);
    let evidence = if listing.is_empty() {
        facts.to_owned()
    } else {
        format!("{facts}\n{}", listing.trim_end())
    };
    out.emit_with_severity(severity, code_location(&at), &key, message, evidence);
}

/// Forwarding methods followed from an API call up to the code that uses it.
const MAX_FORWARDING: usize = 3;

/// Labels the result of one call (and text made from it).
struct ResultOf(u32);

impl flow::Policy for ResultOf {
    fn call(
        &self,
        call: &Call<'_, '_, '_>,
        args: &[Labels],
        effects: &mut Vec<(usize, Labels)>,
    ) -> Labels {
        if call.at == self.0 {
            return 1;
        }
        propagate_strings(call, args, effects).unwrap_or(0)
    }
}

/// Whether the method containing `call` only forwards to it: an argument (or the receiver) is one
/// of the method's parameters and the method returns the call's result, as the androidx
/// `TelephonyManagerCompat.getImei(manager)` wrappers do.
fn forwards(call: &CallSiteView<'_, '_>) -> bool {
    let from_parameter = call
        .args()
        .iter()
        .any(|a| a.origins().has(appvd_dex::facts::Origins::PARAMETER));
    from_parameter
        && flow::run(
            call.caller().analysis(),
            call.caller().id(),
            &ResultOf(call.at()),
        )
        .is_some_and(|t| t.returned & 1 != 0)
}

/// The call sites that use an API call: the call itself, or — when its method only forwards to
/// it ([`forwards`]) — the calls of that method, followed through up to three wrappers, each with
/// the wrappers passed through (outermost last). An empty list means the wrapper is never called.
pub(crate) fn users_of<'x, 'a>(
    call: CallSiteView<'x, 'a>,
) -> Vec<(CallSiteView<'x, 'a>, Vec<String>)> {
    let analysis = call.caller().analysis();
    let mut done = Vec::new();
    // Each expansion adds a wrapper, so the walk ends after MAX_FORWARDING levels.
    let mut frontier = vec![(call, Vec::<String>::new())];
    while let Some((site, wrappers)) = frontier.pop() {
        if wrappers.len() >= MAX_FORWARDING || !forwards(&site) {
            done.push((site, wrappers));
            continue;
        }
        let method = site.caller();
        let location = method.location();
        let mut through = wrappers;
        through.push(format!(
            "{}.{}",
            simple_name(&location.class),
            location.method
        ));
        for user in analysis.calls_to_exact(&method.signature()) {
            frontier.push((user, through.clone()));
        }
    }
    done.sort_by_key(|(site, _)| site.id());
    done
}

/// Splits an identifier into lower-case words at case changes, digits, `_`, `-`, `$` and `.`:
/// `getAuthToken` → `get auth token`, `APIKey` → `api key`, `user_pwd` → `user pwd`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if p.is_alphanumeric() => {
                (c.is_uppercase() && p.is_lowercase())
                    || (c.is_uppercase()
                        && p.is_uppercase()
                        && next.is_some_and(char::is_lowercase))
                    || (c.is_ascii_digit() != p.is_ascii_digit())
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Words that name a credential wherever they appear in a word (`userpassword`, `authtoken`).
const CREDENTIAL_STEMS: [&str; 19] = [
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "credential",
    "secret",
    "apikey",
    "privatekey",
    "sessionid",
    "accesskey",
    "creditcard",
    "cardnumber",
    "accesstoken",
    "authtoken",
    "refreshtoken",
    "idtoken",
    "sessiontoken",
    "bearertoken",
    "csrftoken",
];
/// Stems that make a name something else (`tokenizer`, `secretary`, a parser's `nextToken`).
const NOT_CREDENTIAL_STEMS: [&str; 3] = ["tokeniz", "secretar", "nexttoken"];
/// Short words that name a credential only as a whole word (`getPin`, `user_pwd`).
const CREDENTIAL_WORDS: [&str; 7] = ["pin", "pwd", "otp", "cvv", "cvc", "ssn", "passwort"];
/// Adjacent word pairs that name a credential (`apiKey`, `sessionId`).
const CREDENTIAL_PAIRS: [(&str, &str); 14] = [
    ("api", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("access", "key"),
    ("auth", "key"),
    ("session", "id"),
    ("session", "key"),
    ("card", "number"),
    ("credit", "card"),
    ("pass", "word"),
    ("auth", "code"),
    ("security", "code"),
    ("session", "cookie"),
    ("auth", "cookie"),
];
/// Words that make a following `token` an authentication token (`userToken`, `fcmToken`); a
/// token with other company (`tokenType`, `getTokenString`) is a parser's or lexer's.
const TOKEN_QUALIFIERS: [&str; 24] = [
    "access",
    "auth",
    "refresh",
    "id",
    "bearer",
    "session",
    "api",
    "oauth",
    "jwt",
    "csrf",
    "xsrf",
    "push",
    "fcm",
    "gcm",
    "device",
    "login",
    "security",
    "sso",
    "registration",
    "reset",
    "verification",
    "user",
    "firebase",
    "app",
];
/// Words that may surround a bare `token` or `cookie` without changing what it is
/// (`getToken`, `mToken`, `savedCookie`).
const FILLER_WORDS: [&str; 11] = [
    "get", "set", "m", "s", "k", "my", "the", "current", "saved", "stored", "cached",
];

/// Substrings every credential name contains one of (a fast pre-check).
const CREDENTIAL_HINTS: [&str; 16] = [
    "pass",
    "pwd",
    "pin",
    "otp",
    "cvv",
    "cvc",
    "ssn",
    "secret",
    "token",
    "cookie",
    "key",
    "session",
    "card",
    "credential",
    "auth",
    "security",
];

/// Whether an identifier or key names a credential: a password, an authentication token, a
/// secret, PIN, OTP, session id, API or private key, card number… (`getAuthToken`,
/// `user_password`, `"pin"`), but not a parser's token (`getTokenString`, `tokenType`).
pub(crate) fn is_credential_name(name: &str) -> bool {
    // Most names carry none of the letters a credential name needs: skip the word split.
    let lower = name.to_ascii_lowercase();
    if !CREDENTIAL_HINTS.iter().any(|h| lower.contains(h)) {
        return false;
    }
    let words = words(name);
    let joined = words.concat();
    if NOT_CREDENTIAL_STEMS.iter().any(|s| joined.contains(s)) {
        return false;
    }
    if words.iter().any(|w| {
        CREDENTIAL_WORDS.contains(&w.as_str()) || CREDENTIAL_STEMS.iter().any(|s| w.contains(s))
    }) {
        return true;
    }
    if words.last().is_some_and(|w| w == "pass") {
        return true;
    }
    if words
        .windows(2)
        .any(|p| CREDENTIAL_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
    {
        return true;
    }
    for (i, w) in words.iter().enumerate() {
        if !matches!(w.as_str(), "token" | "tokens" | "cookie" | "cookies") {
            continue;
        }
        let qualified = i
            .checked_sub(1)
            .and_then(|p| words.get(p))
            .is_some_and(|p| TOKEN_QUALIFIERS.contains(&p.as_str()) && w.starts_with("token"));
        let alone = words
            .iter()
            .enumerate()
            .all(|(j, other)| j == i || FILLER_WORDS.contains(&other.as_str()));
        if qualified || alone {
            return true;
        }
    }
    false
}

/// Whether a type descriptor holds text (or text-like bytes): strings, char sequences, char and
/// byte arrays.
pub(crate) fn is_string_like(ty: &str) -> bool {
    matches!(
        ty,
        "Ljava/lang/String;"
            | "Ljava/lang/CharSequence;"
            | "Landroid/text/Editable;"
            | "Ljava/lang/StringBuilder;"
            | "Ljava/lang/StringBuffer;"
            | "[C"
            | "[B"
    )
}

/// Classes whose methods build text from their arguments (their results carry the arguments'
/// labels).
const TEXT_CLASSES: [&str; 16] = [
    "Ljava/lang/String;",
    "Ljava/lang/StringBuilder;",
    "Ljava/lang/StringBuffer;",
    "Ljava/lang/AbstractStringBuilder;",
    "Ljava/lang/CharSequence;",
    "Landroid/text/Editable;",
    "Landroid/text/SpannableStringBuilder;",
    "Landroid/text/TextUtils;",
    "Ljava/util/Arrays;",
    "Landroid/util/Base64;",
    "Ljava/util/Base64$Encoder;",
    "Ljava/util/Objects;",
    "Lorg/json/JSONObject;",
    "Lorg/json/JSONArray;",
    "Landroid/content/ClipData;",
    "Lkotlin/jvm/internal/Intrinsics;",
];
/// Classes whose methods compute numbers from numbers (and format them).
const NUMBER_CLASSES: [&str; 8] = [
    "Ljava/lang/Integer;",
    "Ljava/lang/Long;",
    "Ljava/lang/Short;",
    "Ljava/lang/Byte;",
    "Ljava/lang/Double;",
    "Ljava/lang/Float;",
    "Ljava/lang/Character;",
    "Ljava/lang/Math;",
];
/// Text classes whose calls add their arguments to the receiver.
const ACCUMULATORS: [&str; 8] = [
    "Ljava/lang/StringBuilder;",
    "Ljava/lang/StringBuffer;",
    "Ljava/lang/AbstractStringBuilder;",
    "Landroid/text/Editable;",
    "Landroid/text/SpannableStringBuilder;",
    "Ljava/lang/String;",
    "Lorg/json/JSONObject;",
    "Lorg/json/JSONArray;",
];

/// Label flow through text and number helpers: `Some(result labels)` when the callee is one of
/// them (a builder's `append` also adds its argument's labels to the builder), `None` otherwise.
/// Predicates (`equals`, `isEmpty`) and measures (`length`, `indexOf`) do not carry labels: a
/// password's length is not the password.
pub(crate) fn propagate_strings(
    call: &Call<'_, '_, '_>,
    args: &[Labels],
    effects: &mut Vec<(usize, Labels)>,
) -> Option<Labels> {
    let class = call.class.as_ref();
    let numeric = NUMBER_CLASSES.contains(&class);
    let textual = TEXT_CLASSES.contains(&class)
        || class.starts_with("Lkotlin/text/StringsKt")
        || (call.name == "toString" && call.proto == "()Ljava/lang/String;");
    if !numeric && !textual {
        return None;
    }
    let all = args.iter().fold(0, |acc, l| acc | l);
    let params = if call.kind.has_receiver() {
        args.iter().skip(1).fold(0, |acc, l| acc | l)
    } else {
        all
    };
    let name = call.name.as_ref();
    if ACCUMULATORS.contains(&class)
        && matches!(name, "append" | "insert" | "<init>" | "put" | "accumulate")
        && call.kind.has_receiver()
        && params != 0
    {
        effects.push((0, params));
    }
    let ret = call.return_type();
    let carries = match ret {
        "V" | "Z" => false,
        "I" | "J" | "S" | "B" | "F" | "D" => numeric,
        _ => true,
    };
    Some(if carries { all } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("getAuthToken"), ["get", "auth", "token"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("user_pwd"), ["user", "pwd"]);
        assert_eq!(words("access$100"), ["access", "100"]);
        assert_eq!(words("mPassword"), ["m", "password"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn credential_names_are_recognised_without_their_look_alikes() {
        for name in [
            "password",
            "getPassword",
            "user_password",
            "mPasswd",
            "authToken",
            "ACCESS_TOKEN",
            "getPin",
            "otp",
            "apiKey",
            "sessionId",
            "client_secret",
            "cardNumber",
            "userPass",
            "passWord",
            "token",
            "mToken",
            "getToken",
            "fcmToken",
            "getCookie",
            "sessionCookie",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "username",
            "spinner",
            "mapping",
            "getText",
            "tokenizer",
            "nextToken",
            "passenger",
            "passCount",
            "secretary",
            "keyboard",
            "pinned",
            "getTokenString",
            "tokenType",
            "cookieDomain",
            "getCookieManager",
            "",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn simple_names_drop_the_package() {
        assert_eq!(simple_name("Ljavax/crypto/Cipher;"), "Cipher");
        assert_eq!(simple_name("La/B$C;"), "B$C");
        assert_eq!(simple_name("I"), "I");
        assert_eq!(java_name("Lcom/acme/Foo;"), "com.acme.Foo");
    }
}
