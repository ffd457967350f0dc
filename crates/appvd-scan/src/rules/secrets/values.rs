//! Judging values and names: entropy, placeholders, test keys, key-like names, and the names of
//! tokens that SDKs embed on purpose ("not really keys").

/// Shannon entropy of the characters of `text`, in bits per character.
pub(crate) fn shannon_entropy(text: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut total = 0u32;
    for c in text.chars() {
        total += 1;
        match u8::try_from(c) {
            Ok(b) => counts[usize::from(b)] += 1,
            Err(_) => match other.iter_mut().find(|(o, _)| *o == c) {
                Some((_, n)) => *n += 1,
                None => other.push((c, 1)),
            },
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .copied()
        .chain(other.iter().map(|(_, n)| *n))
        .filter(|&n| n > 0)
        .map(|n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as a stand-in for a real secret (documentation samples, templates).
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourapikey",
    "yourpassword",
    "changeme",
    "change_me",
    "insert",
    "replace",
    "fake",
    "xxxx",
    "****",
    "....",
    "<",
    ">",
    "${",
    "{{",
    "%s",
    "%d",
    "%1$",
    "todo",
    "fixme",
    "redacted",
    "not_a_real",
    "notareal",
    "abcdefgh",
    "abcdef0123",
    "0123456789",
    "1234567890",
    "00000000",
    "11111111",
];

/// A sample, template or test value rather than a real secret.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // A run of one character over a third of the value ("AKIA0000…", "sk_live_aaaa…").
    longest_run(value) * 3 > value.chars().count().max(9)
}

fn longest_run(value: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut last = None;
    for c in value.chars() {
        if Some(c) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(c);
        }
        best = best.max(run);
    }
    best
}

/// Whether a token drawn from a large alphabet looks machine-generated: several character classes
/// and an entropy close to what random characters of that length give.
pub(crate) fn looks_random(token: &str) -> bool {
    let len = token.chars().count();
    if !(16..=512).contains(&len) || is_placeholder(token) {
        return false;
    }
    if !token.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '_' | '-' | '.' | '~' | ':')
    }) {
        return false;
    }
    let digits = token.chars().any(|c| c.is_ascii_digit());
    let lower = token.chars().any(|c| c.is_ascii_lowercase());
    let upper = token.chars().any(|c| c.is_ascii_uppercase());
    let entropy = shannon_entropy(token);
    let hex = token.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if hex {
        // Hex digests and ids: 16 symbols give at most 4 bits; real keys sit above 3.
        return digits && (lower || upper) && entropy >= 3.0;
    }
    let classes = usize::from(digits) + usize::from(lower) + usize::from(upper);
    // Random base62/base64 text of n characters has an entropy near log2(n) for short n and
    // near 5.5–6 for long n; prose-like identifiers fall well below.
    let needed = (0.85 * (len as f64).log2()).min(4.2);
    classes >= 2 && digits && entropy >= needed && !is_identifier_like(token)
}

/// Dotted package names, constant names, paths and the like: structured, not random.
pub(crate) fn is_identifier_like(value: &str) -> bool {
    if value.starts_with('L') && value.ends_with(';') && value.contains('/') {
        return true;
    }
    if value.contains("://") || value.starts_with('/') || value.starts_with('@') {
        return true;
    }
    // `com.example.Foo`, `ACTION_VIEW_2`, `user_name`: words joined by separators, few digits.
    let parts: Vec<&str> = value.split(['.', '_', '-', '/', ':']).collect();
    let wordy = parts
        .iter()
        .filter(|p| !p.is_empty())
        .all(|p| p.chars().filter(|c| c.is_ascii_digit()).count() <= 1);
    parts.len() >= 3 && wordy
}

/// Well-known public key encodings (base64 DER SubjectPublicKeyInfo) that key-like names often
/// hold: Play licensing keys, pinning keys, server encryption keys. Public by design.
pub(crate) fn is_public_key_encoding(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "MIIBIjAN", "MIICIjAN", "MIGfMA0G", "MFkwEwYH", "MHYwEAYH", "MIGbMBAG", "MCowBQYD",
    ];
    PREFIXES.iter().any(|p| value.starts_with(p))
}

/// Splits an identifier into lower-case words: `mApiKey` → `m api key`, `AWS_SECRET` → `aws
/// secret`, `com.acme.auth_token` → `com acme auth token`.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// What a name says about the value assigned to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameClass {
    Password,
    Secret,
}

/// Words that make a key-like name a label, a message, a setting or a digest rather than a
/// credential (`password_hint`, `token_expiry`, `api_key_header`, `public_key_hash`).
const NOT_CREDENTIAL_WORDS: &[&str] = &[
    "label",
    "hint",
    "title",
    "btn",
    "button",
    "msg",
    "message",
    "text",
    "desc",
    "description",
    "summary",
    "prompt",
    "placeholder",
    "caption",
    "tip",
    "toast",
    "dialog",
    "menu",
    "tab",
    "error",
    "invalid",
    "wrong",
    "incorrect",
    "forgot",
    "forget",
    "reset",
    "confirm",
    "hide",
    "show",
    "visibility",
    "visible",
    "toggle",
    "input",
    "field",
    "length",
    "min",
    "max",
    "type",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "dir",
    "expires",
    "expiry",
    "expire",
    "expiration",
    "expired",
    "time",
    "timestamp",
    "date",
    "count",
    "enabled",
    "regex",
    "pattern",
    "format",
    "prefix",
    "suffix",
    "public",
    "pub",
    "hash",
    "sha1",
    "sha256",
    "md5",
    "fingerprint",
    "checksum",
    "digest",
    "pin",
    "pins",
    "alias",
    "header",
    "param",
    "parameter",
    "column",
    "pref",
    "prefs",
    "preference",
    "extra",
    "intent",
    "action",
    "event",
    "tag",
    "log",
    "cache",
    "manager",
    "provider",
    "factory",
    "builder",
    "helper",
    "callback",
    "listener",
    "request",
    "response",
    "status",
    "state",
    "mode",
    "policy",
    "strength",
    "rule",
    "rules",
    "mask",
    "masked",
    "encrypted",
    "hashed",
    "salt",
    "iv",
    "nonce",
    "length",
    "size",
    "id",
    "ids",
    "name",
    "lang",
    "locale",
    "version",
    "sample",
    "example",
    "test",
    "dummy",
    "mock",
    "fake",
];

/// Names of tokens that SDKs are designed to embed in apps: identifiers of the app to the vendor,
/// publishable keys, client tokens, DSNs. Reporting them drowns real findings.
const NOT_REALLY_KEYS: &[&str] = &[
    "sentry",
    "dsn",
    "intercom",
    "adjust",
    "singular",
    "appcenter",
    "app_center",
    "bitmovin",
    "branch",
    "amplitude",
    "mixpanel",
    "segment",
    "onesignal",
    "appsflyer",
    "af_dev",
    "flurry",
    "braze",
    "appboy",
    "revenuecat",
    "algolia",
    "google_api",
    "google_maps",
    "maps_api",
    "geo_api",
    "google_app_id",
    "google_crash",
    "default_sender",
    "firebase",
    "facebook_client_token",
    "client_token",
    "facebook_app_id",
    "fb_app_id",
    "crashlytics",
    "fabric",
    "umeng",
    "jpush",
    "jiguang",
    "bugly",
    "getui",
    "xiaomi",
    "mipush",
    "huawei",
    "agconnect",
    "hms",
    "oppo",
    "vivo",
    "meizu",
    "honor",
    "lbsapi",
    "amap",
    "tencent_map",
    "tencentmap",
    "baidu_map",
    "wechat",
    "weixin",
    "wx_app",
    "qq_app",
    "weibo",
    "recaptcha",
    "site_key",
    "sitekey",
    "publishable",
    "mapbox",
    "pusher",
    "leancloud_app_key",
    "parse_client",
    "instabug",
    "newrelic",
    "new_relic",
    "datadog_client",
    "rum",
    "launchdarkly_mobile",
    "mobile_key",
    "optimizely",
    "statsig_client",
    "posthog",
    "heap",
    "clevertap",
    "moengage",
    "airship",
    "urbanairship",
    "kochava",
    "tenjin",
    "ironsource",
    "applovin",
    "unity_ads",
    "admob",
    "pangle",
    "chartboost",
    "vungle",
    "youtube_api",
];

/// Classifies a name (field, resource entry, JSON key, call argument) by the secret it announces.
pub(crate) fn classify_name(name: &str) -> Option<NameClass> {
    if name.len() > 96 || name.contains(' ') {
        return None;
    }
    let words = name_words(name);
    if words.is_empty() {
        return None;
    }
    let joined = words.join("_");
    // Multi-word entries match inside the joined words; single words match whole words, so that
    // `rum` does not silence `spectrum_api_key`.
    let not_really_a_key = NOT_REALLY_KEYS.iter().any(|w| {
        if w.contains('_') {
            joined.contains(w)
        } else {
            words.iter().any(|x| x == w)
        }
    });
    if not_really_a_key {
        return None;
    }
    if words
        .iter()
        .any(|w| NOT_CREDENTIAL_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    let has = |w: &str| words.iter().any(|x| x == w);
    if has("password") || has("passwd") || has("pwd") || has("passphrase") || has("pass") {
        return Some(NameClass::Password);
    }
    let secret = has("secret")
        || has("token")
        || has("apikey")
        || has("credential")
        || has("credentials")
        || (has("api") && has("key"))
        || (has("access") && has("key"))
        || (has("private") && has("key"))
        || (has("auth") && has("key"))
        || (has("master") && has("key"))
        || (has("signing") && has("key"))
        || (has("encryption") && has("key"))
        || (has("secret") && has("key"))
        || has("secretkey")
        || has("accesskey")
        || has("privatekey")
        || has("authkey")
        || has("authtoken")
        || has("accesstoken");
    secret.then_some(NameClass::Secret)
}

/// Whether a value assigned to a password-like name is a plausible password rather than the
/// name of a field, a preference key or a format.
pub(crate) fn plausible_password(value: &str, name: &str) -> bool {
    let len = value.chars().count();
    if !(6..=64).contains(&len) || value.chars().any(char::is_whitespace) {
        return false;
    }
    if is_placeholder(value) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if [
        "pass", "pwd", "password", "secret", "null", "none", "true", "false",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return false;
    }
    let squashed_name: String = name_words(name).concat();
    let squashed_value: String = name_words(value).concat();
    if squashed_value == squashed_name {
        return false;
    }
    let letters = value.chars().any(|c| c.is_ascii_alphabetic());
    let digits = value.chars().any(|c| c.is_ascii_digit());
    let symbols = value
        .chars()
        .any(|c| c.is_ascii_punctuation() && !matches!(c, '.' | '_' | '-'));
    if value.contains("://") || value.starts_with('/') || value.contains('%') {
        return false;
    }
    // `com.acme.EXTRA_PASSWORD`, `user_password_2`: identifiers, not passwords.
    if is_identifier_like(value) {
        return false;
    }
    letters && (digits || symbols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy("wJalrXUtnFEMIK7MDENGbPxRfiCY") > 4.0);
    }

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "AKIAXXXXXXXXXXXXXXXX",
            "your_api_key_here",
            "<API_KEY>",
            "${SECRET}",
            "sk_live_0000000000000000000000000",
            "%s:%s",
            "EXAMPLEKEY123",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in ["9fT2xQ7LmZ4bN8vR1cK6", "sk_live_51HqLyjWDarjtT1zdp7dc"] {
            assert!(!is_placeholder(value), "{value}");
        }
    }

    #[test]
    fn randomness_separates_keys_from_words() {
        for value in [
            "9fT2xQ7LmZ4bN8vR1cK6pW3s",
            "a3f1c9e27b4d8e0f6a2c5b9d1e7f3a8c",
            "Zq8xP2mN7vL4kJ9hG3fD6sA1",
        ] {
            assert!(looks_random(value), "{value}");
        }
        for value in [
            "com.example.app.MainActivity",
            "ACTION_VIEW_DETAILS",
            "application/json",
            "Lcom/acme/Foo;",
            "https://api.acme.com/v1",
            "short1A",
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "deadbeefdeadbeefdeadbeef",
            "the_quick_brown_fox_jumps",
        ] {
            assert!(!looks_random(value), "{value}");
        }
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("mApiKey"), ["m", "api", "key"]);
        assert_eq!(name_words("AWS_SECRET_KEY"), ["aws", "secret", "key"]);
        assert_eq!(name_words("clientSecret"), ["client", "secret"]);
        assert_eq!(name_words("HTTPAuthToken"), ["http", "auth", "token"]);
        assert_eq!(name_words("db-password.2"), ["db", "password", "2"]);
    }

    #[test]
    fn names_are_classified() {
        use NameClass::*;
        for (name, class) in [
            ("API_KEY", Some(Secret)),
            ("mApiKey", Some(Secret)),
            ("client_secret", Some(Secret)),
            ("accessToken", Some(Secret)),
            ("DB_PASSWORD", Some(Password)),
            ("smtpPass", Some(Password)),
            ("password_hint", None),
            ("token_expiry", None),
            ("public_key_hash", None),
            ("PREF_ACCESS_TOKEN_KEY_NAME", None),
            ("facebook_client_token", None),
            ("sentry_dsn", None),
            ("adjust_app_token", None),
            ("UMENG_MESSAGE_SECRET", None),
            ("app_name", None),
            ("passport_number", None),
            ("tokenizer", None),
        ] {
            assert_eq!(classify_name(name), class, "{name}");
        }
    }

    #[test]
    fn passwords_are_told_from_identifiers() {
        assert!(plausible_password("Tr0ub4dor&3", "DB_PASSWORD"));
        assert!(plausible_password("s3cr3t!x", "smtp_pass"));
        assert!(!plausible_password("password", "PASSWORD"));
        assert!(!plausible_password("user_password", "KEY_PASSWORD"));
        assert!(!plausible_password(
            "com.acme.EXTRA_PASSWORD",
            "EXTRA_PASSWORD"
        ));
        assert!(!plausible_password("hunter", "password"));
        assert!(!plausible_password("%1$s", "password"));
        assert!(!plausible_password("changeme1", "password"));
        assert!(!plausible_password("a b c d 1", "password"));
    }

    #[test]
    fn public_keys_are_not_secrets() {
        assert!(is_public_key_encoding(
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
        ));
        assert!(!is_public_key_encoding("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
    }
}
