//! The detection engine: every token shape of every secret kind, matched in one pass.
//!
//! A text unit (a DEX string, a resource value, a file, a native string) goes through two
//! Aho-Corasick automata built once per process: one over the literal parts of token shapes
//! (`AKIA`, `AIza`, `-----BEGIN `, `ghp_`, `xoxb-`, `sk_live_`, …), case-sensitive, and one over
//! the words key-like names are made of (`secret`, `token`, `password`, …), case-insensitive. Only
//! the detectors whose literal occurs run their regular expression over the unit, and only units
//! that mention a key-like word next to `=` or `:` go through the `name = value` extractor. A
//! regex match is then judged: test keys, documentation samples and placeholders are dropped,
//! and what remains is a [`Candidate`] with a label, a severity when it differs from the rule's,
//! and a few facts for the evidence. Values assigned to key-like names (fields, resource
//! entries, JSON keys, call arguments) are judged by [`Engine::named`]: a password-like name
//! wants a plausible password, any other key-like name a value that looks machine-generated.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use data_encoding::{BASE64, BASE64_NOPAD, BASE64URL_NOPAD};
use regex::bytes::Regex as BytesRegex;
use regex::{Captures, Regex};

use super::values::{
    NameClass, classify_name, is_placeholder, is_public_key_encoding, looks_random, name_words,
    plausible_password, shannon_entropy,
};
use crate::finding::Severity;

/// The secret kinds, one rule each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    AwsAccessKey,
    GoogleApiKey,
    FirebaseDatabase,
    GoogleOauth,
    PrivateKey,
    Stripe,
    Slack,
    Github,
    Twilio,
    Sendgrid,
    Mailgun,
    Mailchimp,
    Square,
    Braintree,
    Facebook,
    Mapbox,
    Telegram,
    Discord,
    AzureStorage,
    Jwt,
    BasicAuth,
    LlmApiKey,
    GenericApiKey,
    Password,
}

impl Kind {
    /// Whether the matched value is a credential (hashed and redacted in findings) or an endpoint
    /// that reviewers need to see in full (a Firebase database URL).
    pub(crate) fn is_credential(self) -> bool {
        self != Kind::FirebaseDatabase
    }
}

/// What the engine found in a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub kind: Kind,
    /// The secret itself; used for hashing, pairing and redaction, never printed.
    pub secret: String,
    /// What it is, e.g. "Stripe live secret key".
    pub label: String,
    /// When the occurrence is worse or milder than the rule's default.
    pub severity: Option<Severity>,
    /// Short facts for the evidence (never the secret).
    pub facts: Vec<String>,
    /// Byte offset of the match in the unit (for line numbers in files).
    pub at: usize,
    /// The name the value was assigned to, when a name made the finding.
    pub name: Option<String>,
}

/// What the engine asks of the place a unit comes from.
pub(crate) trait Surroundings {
    /// Whether the surroundings (class, neighbouring strings, file, resource name) mention `word`
    /// (lower case).
    fn mentions(&self, word: &str) -> bool;
}

/// Surroundings that mention nothing.
pub(crate) struct Nowhere;

impl Surroundings for Nowhere {
    fn mentions(&self, _: &str) -> bool {
        false
    }
}

type Judge = fn(&Captures<'_>, &str) -> Option<Judged>;

/// A judge's verdict on one match.
struct Judged {
    label: String,
    severity: Option<Severity>,
    facts: Vec<String>,
}

fn judged(label: impl Into<String>) -> Option<Judged> {
    Some(Judged {
        label: label.into(),
        severity: None,
        facts: Vec::new(),
    })
}

/// One token shape.
struct Detector {
    kind: Kind,
    /// Literals one of which every match contains; they feed the shared automaton.
    literals: &'static [&'static str],
    /// The shape; the secret is the group named `s`.
    pattern: &'static str,
    /// Words one of which the surroundings must mention (for shapes that look like any hash).
    context: &'static [&'static str],
    judge: Judge,
}

const DETECTORS: &[Detector] = &[
    Detector {
        kind: Kind::AwsAccessKey,
        literals: &["AKIA", "ASIA"],
        pattern: r"(?:^|[^A-Za-z0-9])(?P<s>(?:AKIA|ASIA)[A-Z0-9]{16})(?:$|[^A-Za-z0-9])",
        context: &[],
        judge: judge_aws,
    },
    Detector {
        kind: Kind::GoogleApiKey,
        literals: &["AIza"],
        pattern: r"(?:^|[^A-Za-z0-9_\-])(?P<s>AIza[0-9A-Za-z_\-]{35})(?:$|[^A-Za-z0-9_\-])",
        context: &[],
        judge: |c, _| not_placeholder(c, "Google API key"),
    },
    Detector {
        kind: Kind::FirebaseDatabase,
        literals: &["firebaseio.com", "firebasedatabase.app"],
        pattern: r"(?:^|[^a-z0-9.\-])(?P<s>(?:https?://)?[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63})?\.(?:firebaseio\.com|firebasedatabase\.app))",
        context: &[],
        judge: |c, _| not_placeholder(c, "Firebase Realtime Database URL"),
    },
    Detector {
        kind: Kind::GoogleOauth,
        literals: &["ya29.", "GOCSPX-"],
        pattern: r"(?:^|[^A-Za-z0-9_\-])(?P<s>ya29\.[0-9A-Za-z_\-]{30,}|GOCSPX-[0-9A-Za-z_\-]{28})(?:$|[^A-Za-z0-9_\-])",
        context: &[],
        judge: |c, _| {
            let s = c.name("s")?.as_str();
            if is_placeholder(s) {
                return None;
            }
            if s.starts_with("ya29.") {
                judged("Google OAuth access token")
            } else {
                judged("Google OAuth client secret")
            }
        },
    },
    Detector {
        kind: Kind::PrivateKey,
        literals: &["-----BEGIN "],
        pattern: r"(?s)-----BEGIN (?P<label>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?P<s>.*?)-----END ",
        context: &[],
        judge: judge_pem,
    },
    Detector {
        kind: Kind::PrivateKey,
        literals: &["MII", "MIG", "MHcCAQEE", "MC4CAQAwBQYDK2Vw"],
        pattern: r"(?:^|[^A-Za-z0-9+/])(?P<s>M(?:[A-Za-z0-9+/]|\\n|\r?\n){60,}={0,2})",
        context: &[],
        judge: judge_der_key,
    },
    Detector {
        kind: Kind::Stripe,
        literals: &["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
        pattern: r"(?:^|[^A-Za-z0-9_])(?P<s>(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,247})(?:$|[^A-Za-z0-9_])",
        context: &[],
        judge: judge_stripe,
    },
    Detector {
        kind: Kind::Slack,
        literals: &["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-"],
        pattern: r"(?:^|[^A-Za-z0-9\-])(?P<s>xox[abposr]-[0-9]{8,}-[0-9A-Za-z\-]{8,})",
        context: &[],
        judge: |c, _| not_placeholder(c, "Slack API token"),
    },
    Detector {
        kind: Kind::Slack,
        literals: &["hooks.slack.com/"],
        pattern: r"(?P<s>https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,}/[A-Za-z0-9/]{8,})",
        context: &[],
        judge: |c, _| {
            let mut j = not_placeholder(c, "Slack incoming webhook URL")?;
            j.severity = Some(Severity::Medium);
            Some(j)
        },
    },
    Detector {
        kind: Kind::Github,
        literals: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        pattern: r"(?:^|[^A-Za-z0-9_])(?P<s>gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?:$|[^A-Za-z0-9_])",
        context: &[],
        judge: |c, _| {
            let s = c.name("s")?.as_str();
            let label = match s.get(..4) {
                Some("ghp_") => "GitHub personal access token",
                Some("gho_") => "GitHub OAuth access token",
                Some("ghu_") => "GitHub App user-to-server token",
                Some("ghs_") => "GitHub App installation token",
                Some("ghr_") => "GitHub refresh token",
                _ => "GitHub fine-grained personal access token",
            };
            not_placeholder(c, label)
        },
    },
    Detector {
        kind: Kind::Twilio,
        literals: &["SK"],
        pattern: r"(?:^|[^A-Za-z0-9])(?P<s>SK[0-9a-fA-F]{32})(?:$|[^A-Za-z0-9])",
        context: &["twilio"],
        judge: |c, _| not_placeholder(c, "Twilio API key"),
    },
    Detector {
        kind: Kind::Sendgrid,
        literals: &["SG."],
        pattern: r"(?:^|[^A-Za-z0-9_\-.])(?P<s>SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43})(?:$|[^A-Za-z0-9_\-])",
        context: &[],
        judge: |c, _| not_placeholder(c, "SendGrid API key"),
    },
    Detector {
        kind: Kind::Mailgun,
        literals: &["key-"],
        pattern: r"(?:^|[^A-Za-z0-9_\-])(?P<s>key-[0-9a-zA-Z]{32})(?:$|[^A-Za-z0-9])",
        context: &["mailgun"],
        judge: |c, _| not_placeholder(c, "Mailgun API key"),
    },
    Detector {
        kind: Kind::Mailchimp,
        literals: &["-us"],
        pattern: r"(?:^|[^A-Za-z0-9])(?P<s>[0-9a-f]{32}-us[0-9]{1,2})(?:$|[^A-Za-z0-9])",
        context: &[],
        judge: |c, _| not_placeholder(c, "Mailchimp API key"),
    },
    Detector {
        kind: Kind::Square,
        literals: &["sq0atp-", "sq0csp-"],
        pattern: r"(?:^|[^A-Za-z0-9_\-])(?P<s>sq0atp-[0-9A-Za-z_\-]{22}|sq0csp-[0-9A-Za-z_\-]{43})(?:$|[^A-Za-z0-9_\-])",
        context: &[],
        judge: |c, _| {
            let s = c.name("s")?.as_str();
            let label = if s.starts_with("sq0atp-") {
                "Square access token"
            } else {
                "Square OAuth application secret"
            };
            not_placeholder(c, label)
        },
    },
    Detector {
        kind: Kind::Braintree,
        literals: &["access_token$production$"],
        pattern: r"(?P<s>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})",
        context: &[],
        judge: |c, _| not_placeholder(c, "Braintree production access token"),
    },
    Detector {
        kind: Kind::Facebook,
        literals: &["EAA"],
        pattern: r"(?:^|[^A-Za-z0-9])(?P<s>EAA[A-Za-z0-9]{60,})(?:$|[^A-Za-z0-9])",
        context: &[],
        judge: |c, _| {
            let s = c.name("s")?.as_str();
            (shannon_entropy(s) > 4.5 && !is_placeholder(s))
                .then(|| judged("Facebook access token"))
                .flatten()
        },
    },
    Detector {
        kind: Kind::Mapbox,
        literals: &["sk.eyJ"],
        pattern: r"(?:^|[^A-Za-z0-9])(?P<s>sk\.eyJ[0-9A-Za-z_\-]{20,}\.[0-9A-Za-z_\-]{20,})",
        context: &[],
        judge: |c, _| not_placeholder(c, "Mapbox secret access token"),
    },
    Detector {
        kind: Kind::Telegram,
        literals: &[":AA"],
        pattern: r"(?:^|[^0-9A-Za-z]|bot)(?P<s>[0-9]{8,10}:AA[0-9A-Za-z_\-]{33})(?:$|[^0-9A-Za-z_\-])",
        context: &[],
        judge: |c, _| not_placeholder(c, "Telegram bot token"),
    },
    Detector {
        kind: Kind::Discord,
        literals: &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
        pattern: r"(?P<s>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,})",
        context: &[],
        judge: |c, _| {
            let mut j = not_placeholder(c, "Discord webhook URL")?;
            j.severity = Some(Severity::Medium);
            Some(j)
        },
    },
    Detector {
        kind: Kind::AzureStorage,
        literals: &["AccountKey="],
        pattern: r"AccountKey=(?P<s>[A-Za-z0-9+/]{86}==)",
        context: &[],
        judge: judge_azure_key,
    },
    Detector {
        kind: Kind::AzureStorage,
        literals: &["core.windows.net"],
        pattern: r#"https://(?P<account>[a-z0-9]{3,24})\.(?:blob|queue|table|file|dfs)\.core\.windows\.net/[^\s"'<>]*?[?&]sig=(?P<s>[A-Za-z0-9%+/=]{20,})"#,
        context: &[],
        judge: |c, unit| {
            let mut j = not_placeholder(c, "Azure Storage shared access signature URL")?;
            j.severity = Some(Severity::Medium);
            if let Some(account) = c.name("account") {
                j.facts
                    .push(format!("storage account {}", account.as_str()));
            }
            if let Some(expiry) = sas_expiry(unit) {
                j.facts.push(format!("expires {expiry}"));
            }
            Some(j)
        },
    },
    Detector {
        kind: Kind::Jwt,
        literals: &["eyJ"],
        pattern: r"(?:^|[^A-Za-z0-9_\-.])(?P<s>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)",
        context: &[],
        judge: judge_jwt,
    },
    Detector {
        kind: Kind::BasicAuth,
        literals: &["://"],
        pattern: r#"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{1,15})://(?P<user>[^\s:/@"'<>\\]{1,64}):(?P<s>[^\s:/@"'<>\\]{1,128})@(?P<host>[A-Za-z0-9.\-]{1,253})"#,
        context: &[],
        judge: judge_url_credentials,
    },
    Detector {
        kind: Kind::BasicAuth,
        literals: &["Basic "],
        pattern: r"(?:^|[^A-Za-z])Basic (?P<s>[A-Za-z0-9+/]{8,}={0,2})(?:$|[^A-Za-z0-9+/=])",
        context: &[],
        judge: judge_basic_header,
    },
    Detector {
        kind: Kind::BasicAuth,
        literals: &["Bearer "],
        pattern: r"(?:^|[^A-Za-z])Bearer (?P<s>[A-Za-z0-9\-._~+/]{20,}=*)",
        context: &[],
        judge: |c, _| {
            let s = c.name("s")?.as_str();
            if s.starts_with("eyJ") || !looks_random(s) {
                return None;
            }
            let mut j = judged("HTTP bearer token")?;
            j.severity = Some(Severity::Medium);
            Some(j)
        },
    },
    Detector {
        kind: Kind::LlmApiKey,
        literals: &["sk-proj-", "sk-svcacct-", "sk-admin-", "T3BlbkFJ"],
        pattern: r"(?:^|[^A-Za-z0-9_\-])(?P<s>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))(?:$|[^A-Za-z0-9_\-])",
        context: &[],
        judge: |c, _| not_placeholder(c, "OpenAI API key"),
    },
    Detector {
        kind: Kind::LlmApiKey,
        literals: &["sk-ant-"],
        pattern: r"(?:^|[^A-Za-z0-9_\-])(?P<s>sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,})",
        context: &[],
        judge: |c, _| not_placeholder(c, "Anthropic API key"),
    },
];

/// A regular expression used by a judge, compiled on first use.
fn cached(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

fn not_placeholder(c: &Captures<'_>, label: &str) -> Option<Judged> {
    let s = c.name("s")?.as_str();
    if is_placeholder(s) {
        return None;
    }
    judged(label)
}

fn judge_aws(c: &Captures<'_>, _: &str) -> Option<Judged> {
    let s = c.name("s")?.as_str();
    // AWS's documentation key ids end in EXAMPLE; SDK tests reuse them.
    let body = s.get(4..)?;
    if s.contains("EXAMPLE") || is_placeholder(body) || shannon_entropy(body) < 3.0 {
        return None;
    }
    if s.starts_with("ASIA") {
        judged("AWS temporary access key id")
    } else {
        judged("AWS access key id")
    }
}

fn judge_stripe(c: &Captures<'_>, _: &str) -> Option<Judged> {
    let s = c.name("s")?.as_str();
    let body = s.get(8..)?;
    if is_placeholder(body) || shannon_entropy(body) < 3.5 {
        return None;
    }
    let restricted = s.starts_with("rk_");
    let live = s.get(3..7) == Some("live");
    let label = match (restricted, live) {
        (false, true) => "Stripe live secret key",
        (true, true) => "Stripe live restricted key",
        (false, false) => "Stripe test-mode secret key",
        (true, false) => "Stripe test-mode restricted key",
    };
    let mut j = judged(label)?;
    j.severity = Some(if live {
        Severity::Critical
    } else {
        Severity::Low
    });
    Some(j)
}

/// The base64 characters of a PEM body or a bare base64 blob, with line breaks (real or written
/// as `\n` escapes inside JSON and source strings) and PEM header lines removed.
fn base64_body(text: &str) -> String {
    text.replace("\\n", "\n")
        .replace("\\r", "\n")
        .lines()
        .map(str::trim)
        .filter(|l| !l.contains(':'))
        .flat_map(str::chars)
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect()
}

/// Libraries whose tests or examples carry private keys (Bouncy Castle, Conscrypt, OkHttp's TLS
/// helpers, Netty); keys in their namespaces are test vectors, not the app's keys.
pub(crate) const KEY_TEST_VECTOR_NAMESPACES: &[&str] = &[
    "org.bouncycastle.",
    "org.spongycastle.",
    "org.conscrypt.",
    "com.android.org.conscrypt.",
    "okhttp3.tls.",
    "io.netty.",
    "sun.security.",
    "org.apache.harmony.",
    "com.google.crypto.tink.",
];

fn judge_pem(c: &Captures<'_>, unit: &str) -> Option<Judged> {
    let label = c.name("label")?.as_str();
    let raw = c.name("s")?.as_str();
    let body = base64_body(raw);
    let lowered = raw.to_ascii_lowercase();
    if body.len() < 64 || lowered.contains("...") || lowered.contains("xxxx") {
        return None;
    }
    let encrypted = label.starts_with("ENCRYPTED") || raw.contains("ENCRYPTED");
    static SERVICE_ACCOUNT: OnceLock<Option<Regex>> = OnceLock::new();
    static CLIENT_EMAIL: OnceLock<Option<Regex>> = OnceLock::new();
    let service_account = cached(&SERVICE_ACCOUNT, r#""type"\s*:\s*"service_account""#)
        .is_some_and(|re| re.is_match(unit));
    let mut j = if service_account {
        let mut j = judged("Google Cloud service account private key")?;
        if let Some(domain) = cached(
            &CLIENT_EMAIL,
            r#""client_email"\s*:\s*"[^"@]+@(?P<d>[^"]+)""#,
        )
        .and_then(|re| re.captures(unit))
        .and_then(|m| m.name("d").map(|d| d.as_str().to_owned()))
        {
            j.facts.push(format!("service account of {domain}"));
        }
        j
    } else {
        judged(format!("PEM {} block", label.to_ascii_lowercase()))?
    };
    if encrypted {
        j.severity = Some(Severity::High);
        j.facts.push(
            "encrypted: the passphrase that opens it has to be in the app as well".to_owned(),
        );
    }
    Some(j)
}

/// A bare base64 private key (PKCS#8, PKCS#1 or SEC1 DER without the PEM armour), told from
/// public keys and certificates by its DER structure.
fn judge_der_key(c: &Captures<'_>, _: &str) -> Option<Judged> {
    let body = base64_body(c.name("s")?.as_str());
    let head = body.get(..64)?;
    let der = BASE64.decode(head.as_bytes()).ok()?;
    let kind = private_key_der_kind(&der)?;
    judged(format!(
        "{kind} private key (base64 DER without PEM armour)"
    ))
}

/// Reads the start of a DER encoding: `SEQUENCE { INTEGER version, … }` where the next element
/// tells PKCS#8 (an AlgorithmIdentifier `SEQUENCE`), PKCS#1 RSA (the modulus `INTEGER`) or SEC1
/// EC (the key `OCTET STRING`). Certificates and public keys start with a `SEQUENCE` instead of
/// the version.
pub(crate) fn private_key_der_kind(der: &[u8]) -> Option<&'static str> {
    let mut at = 0usize;
    let header = |at: &mut usize| -> Option<(u8, usize)> {
        let tag = *der.get(*at)?;
        let first = *der.get(*at + 1)?;
        *at += 2;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 3 {
                return None;
            }
            let mut len = 0usize;
            for _ in 0..n {
                len = (len << 8) | usize::from(*der.get(*at)?);
                *at += 1;
            }
            len
        };
        Some((tag, len))
    };
    let (outer, _) = header(&mut at)?;
    if outer != 0x30 {
        return None;
    }
    let (version_tag, version_len) = header(&mut at)?;
    if version_tag != 0x02 || version_len != 1 {
        return None;
    }
    let version = *der.get(at)?;
    at += 1;
    let (next, _) = header(&mut at)?;
    match (version, next) {
        (0 | 1, 0x30) => Some("PKCS#8"),
        (0, 0x02) => Some("PKCS#1 RSA"),
        (1, 0x04) => Some("SEC1 EC"),
        _ => None,
    }
}

fn judge_azure_key(c: &Captures<'_>, unit: &str) -> Option<Judged> {
    let s = c.name("s")?.as_str();
    // The storage emulator's account key is published in Azure's documentation.
    if s.starts_with("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq")
        || unit.contains("devstoreaccount1")
        || is_placeholder(s)
    {
        return None;
    }
    let mut j = judged("Azure Storage account key")?;
    j.severity = Some(Severity::Critical);
    static ACCOUNT: OnceLock<Option<Regex>> = OnceLock::new();
    if let Some(account) = cached(&ACCOUNT, r"AccountName=(?P<a>[a-z0-9]{3,24})")
        .and_then(|re| re.captures(unit))
        .and_then(|m| m.name("a").map(|a| a.as_str().to_owned()))
    {
        j.facts.push(format!("storage account {account}"));
    }
    Some(j)
}

fn sas_expiry(unit: &str) -> Option<String> {
    static EXPIRY: OnceLock<Option<Regex>> = OnceLock::new();
    let re = cached(&EXPIRY, r"[?&]se=(?P<e>[0-9]{4}-[0-9]{2}-[0-9]{2})")?;
    Some(re.captures(unit)?.name("e")?.as_str().to_owned())
}

/// Days since 1970-01-01 to a civil date (proleptic Gregorian).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn format_unix_date(seconds: i64) -> String {
    let (y, m, d) = civil_date(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn decode_json_segment(segment: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = BASE64URL_NOPAD
        .decode(segment.trim_end_matches('=').as_bytes())
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

fn judge_jwt(c: &Captures<'_>, _: &str) -> Option<Judged> {
    let token = c.name("s")?.as_str();
    let mut parts = token.split('.');
    let header = decode_json_segment(parts.next()?)?;
    let payload = decode_json_segment(parts.next()?)?;
    let alg = header.get("alg")?.as_str()?.to_owned();
    let text = |key: &str| payload.get(key).and_then(|v| v.as_str());
    // The sample token of jwt.io and the JWT specification's examples.
    if text("sub") == Some("1234567890") && text("name") == Some("John Doe") {
        return None;
    }
    if text("iss").is_some_and(|i| i.contains("example.com") || i == "joe") {
        return None;
    }
    // Supabase's anon key is public by design (row-level security guards the data);
    // its service_role key bypasses those policies.
    let role = text("role").map(str::to_owned);
    if role.as_deref() == Some("anon") {
        return None;
    }
    let mut j = judged("JSON Web Token")?;
    j.facts.push(format!("alg {alg}"));
    if let Some(iss) = text("iss") {
        j.facts.push(format!("iss {iss}"));
    }
    if let Some(role) = &role {
        j.facts.push(format!("role {role}"));
    }
    if alg.eq_ignore_ascii_case("none") {
        j.severity = Some(Severity::High);
        j.facts.push("unsigned (alg none)".to_owned());
    } else if role.as_deref() == Some("service_role") {
        j.severity = Some(Severity::High);
        j.label = "Supabase service_role key (JSON Web Token)".to_owned();
    }
    if let Some(exp) = payload.get("exp").and_then(serde_json::Value::as_i64) {
        j.facts.push(format!("expires {}", format_unix_date(exp)));
        if exp < now_unix() && j.severity.is_none() {
            j.severity = Some(Severity::Low);
            j.facts
                .push("already expired, unless the server ignores exp".to_owned());
        }
    } else {
        j.facts.push("no expiry".to_owned());
    }
    Some(j)
}

/// Hosts and users that only appear in documentation and templates.
fn is_sample_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host.contains("example")
        || matches!(
            host.as_str(),
            "host" | "hostname" | "server" | "domain" | "your-host" | "myhost" | "xxx"
        )
        || host.ends_with(".test")
        || host.ends_with(".invalid")
}

fn judge_url_credentials(c: &Captures<'_>, _: &str) -> Option<Judged> {
    let scheme = c.name("scheme")?.as_str().to_ascii_lowercase();
    let user = c.name("user")?.as_str();
    let password = c.name("s")?.as_str();
    let host = c.name("host")?.as_str();
    let lower_user = user.to_ascii_lowercase();
    let lower_password = password.to_ascii_lowercase();
    // Sentry's legacy DSNs put a public key and a deprecated secret in the user part; the SDK
    // is meant to embed them.
    if host.contains("sentry") || is_sample_host(host) {
        return None;
    }
    if matches!(
        lower_user.as_str(),
        "user" | "username" | "usr" | "name" | "login" | "anonymous" | "ftp" | "guest"
    ) && matches!(
        lower_password.as_str(),
        "pass" | "password" | "pwd" | "passwd" | "secret" | "guest" | "anonymous"
    ) {
        return None;
    }
    if is_placeholder(password)
        || is_placeholder(user)
        || matches!(
            lower_password.as_str(),
            "pass" | "password" | "pwd" | "passwd" | "secret" | "changeme" | "xxx"
        )
        || password.contains('$')
        || password.contains('{')
        || password.contains('%')
        || password.chars().all(|c| c == '*' || c == 'x' || c == 'X')
    {
        return None;
    }
    let mut j = judged("credentials in a URL")?;
    j.facts.push(format!("{scheme}://…@{host}"));
    Some(j)
}

fn judge_basic_header(c: &Captures<'_>, _: &str) -> Option<Judged> {
    let encoded = c.name("s")?.as_str();
    let decoded = BASE64
        .decode(encoded.as_bytes())
        .or_else(|_| BASE64_NOPAD.decode(encoded.trim_end_matches('=').as_bytes()))
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    if user.is_empty()
        || password.is_empty()
        || text.chars().any(|c| c.is_control())
        || is_placeholder(&text)
        || matches!(
            password.to_ascii_lowercase().as_str(),
            "pass" | "password" | "pwd" | "secret"
        )
    {
        return None;
    }
    judged("HTTP Basic authorization header")
}

/// One compiled detector.
struct Compiled {
    kind: Kind,
    /// Compiled the first time the detector's literal occurs: most apps never contain most
    /// token shapes, and each compiled expression costs a few hundred KiB.
    regex: OnceLock<Regex>,
    pattern: &'static str,
    context: &'static [&'static str],
    judge: Judge,
}

impl Compiled {
    fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            // The patterns are fixed and covered by tests; a broken one is a programming error.
            Regex::new(self.pattern).unwrap_or_else(|e| panic!("detector {:?}: {e}", self.kind))
        })
    }
}

/// The engine, built once per process ([`engine`]).
pub(crate) struct Engine {
    detectors: Vec<Compiled>,
    /// Literals of every detector, case-sensitive; pattern id → detector index.
    literals: AhoCorasick,
    literal_owner: Vec<usize>,
    /// Words key-like names contain, case-insensitive.
    keywords: AhoCorasick,
    /// `name = value`, `name: value`, `"name": "value"`, `<x name="name">value<`
    /// ([`key_value_pattern`]).
    key_value: BytesRegex,
    /// A value that could be an AWS secret access key.
    aws_secret: Regex,
    /// A Discord bot token.
    discord_bot: Regex,
}

const KEYWORDS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "credential",
];

/// One character of the haystack other than the ASCII characters the class body `ascii` (such
/// as `^<`) leaves out, written over bytes: an ASCII byte, or a lead byte and its continuation
/// bytes (the haystack is a `str`, so a lead byte is always followed by exactly its continuation
/// bytes and then a byte that starts a character).
fn char_except(ascii: &str) -> String {
    format!(r"(?-u:[\x00-\x7F&&[{ascii}]]|[\xC0-\xFF][\x80-\xBF]*)")
}

/// Like [`char_except`] but also excluding the non-ASCII white space `\s` matches (U+0085,
/// U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
fn non_space_char_except(ascii: &str) -> String {
    format!(
        r"(?-u:[\x00-\x7F&&[{ascii}]]
        |\xC2[\x80-\x84\x86-\x9F\xA1-\xBF] |[\xC3-\xDF][\x80-\xBF]
        |[\xE0\xE4-\xEF][\x80-\xBF][\x80-\xBF]
        |\xE1(?:[\x80-\x99\x9B-\xBF][\x80-\xBF]|\x9A[\x81-\xBF])
        |\xE2(?:\x80[\x8B-\xA7\xAA-\xAE\xB0-\xBF]|\x81[\x80-\x9E\xA0-\xBF]|[\x82-\xBF][\x80-\xBF])
        |\xE3(?:\x80[\x81-\xBF]|[\x81-\xBF][\x80-\xBF])
        |[\xF0-\xF4][\x80-\xBF][\x80-\xBF][\x80-\xBF])"
    )
}

/// The longest value, in characters, the `name = value` extractor reports; longer runs are
/// blobs, not credentials.
const VALUE_MAX_CHARS: usize = 512;

/// `name = value` pairs and XML `name="…">value<` elements, with values unbounded: the bound
/// ([`VALUE_MAX_CHARS`]) is applied by [`Engine::key_values`]. Written as `{1,512}` repetitions,
/// each bound became hundreds of copies of a multi-byte class, and compiling them took about
/// 8 ms and several MiB in every process, more than the rest of a small app's scan. The pieces
/// match exactly one character each over bytes (see [`char_except`]), so a match begins and
/// ends on character boundaries of any `str`.
fn key_value_pattern() -> String {
    let not_gt = char_except("^>");
    let not_lt = char_except("^<");
    let not_dq = char_except(r#"^"\\\n"#);
    let not_sq = char_except(r"^'\\\n");
    let bare_first = non_space_char_except(r#"^\s"',;\#}/&?<>\[\]()"#);
    let bare_rest = non_space_char_except(r#"^\s"',;\#}&<>\[\]()"#);
    format!(
        r#"(?x)
        (?: name="(?P<xn>[A-Za-z_][A-Za-z0-9_.\-]{{1,63}})"{not_gt}{{0,64}}>(?P<xv>{not_lt}+)<
          | ["']?(?P<n>[A-Za-z_][A-Za-z0-9_.\-]{{1,63}})["']?\s*(?:=|:|:=|=>)\s*
            (?: "(?P<dq>{not_dq}+)" | '(?P<sq>{not_sq}+)' | (?P<bare>{bare_first}{bare_rest}*) )
        )"#
    )
}

/// One `name = value` occurrence: byte ranges of the name and of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyValue {
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// The byte length of the first `chars` characters of `s`, or `None` when `s` is not longer.
fn prefix_beyond(s: &str, chars: usize) -> Option<usize> {
    s.char_indices().nth(chars).map(|(at, _)| at)
}

/// The process-wide engine.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::build)
}

impl Engine {
    fn build() -> Engine {
        let mut detectors = Vec::new();
        let mut literals = Vec::new();
        let mut literal_owner = Vec::new();
        for (i, d) in DETECTORS.iter().enumerate() {
            detectors.push(Compiled {
                kind: d.kind,
                regex: OnceLock::new(),
                pattern: d.pattern,
                context: d.context,
                judge: d.judge,
            });
            for literal in d.literals {
                literals.push(*literal);
                literal_owner.push(i);
            }
        }
        let literals = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .unwrap_or_else(|e| panic!("literal automaton: {e}"));
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(KEYWORDS)
            .unwrap_or_else(|e| panic!("keyword automaton: {e}"));
        let key_value = BytesRegex::new(&key_value_pattern())
            .unwrap_or_else(|e| panic!("key-value pattern: {e}"));
        let aws_secret =
            Regex::new(r"(?:^|[^A-Za-z0-9/+])(?P<s>[A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=])")
                .unwrap_or_else(|e| panic!("aws secret pattern: {e}"));
        let discord_bot =
            Regex::new(r"^[MNO][A-Za-z0-9_\-]{23,27}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,40}$")
                .unwrap_or_else(|e| panic!("discord pattern: {e}"));
        Engine {
            detectors,
            literals,
            literal_owner,
            keywords,
            key_value,
            aws_secret,
            discord_bot,
        }
    }

    /// Every secret in `text`: token shapes anywhere in it, then `name = value` pairs inside it,
    /// then, when the unit itself was assigned to a name (`name`), the whole unit as a value.
    pub(crate) fn scan(
        &self,
        text: &str,
        name: Option<&str>,
        surroundings: &dyn Surroundings,
    ) -> Vec<Candidate> {
        let mut found = self.shapes(text, surroundings);
        if text.contains(['=', ':', '>']) && self.keywords.is_match(text) {
            for KeyValue { key, value: span } in self.key_values(text) {
                let (Some(key_text), Some(value_text)) = (text.get(key), text.get(span.clone()))
                else {
                    continue;
                };
                if found
                    .iter()
                    .any(|c| c.at < span.end && c.at + c.secret.len() > span.start)
                {
                    continue;
                }
                if let Some(mut candidate) = self.named(key_text, value_text.trim(), surroundings) {
                    candidate.at = span.start;
                    found.push(candidate);
                }
            }
        }
        if let Some(name) = name
            && found.is_empty()
            && let Some(candidate) = self.named(name, text.trim(), surroundings)
        {
            found.push(candidate);
        }
        found
    }

    /// The `name = value` occurrences of `text`, left to right, with values of at most
    /// [`VALUE_MAX_CHARS`] characters: the same occurrences a pattern with `{1,512}` value
    /// repetitions would find. Where the unbounded match breaks the bound, what the bounded
    /// pattern does at that position is fixed, because each value's run of characters is forced
    /// by the class that ends it:
    ///
    /// * a quoted value that is too long: no match starts here; search again one character on;
    /// * a bare value that is too long: it stops after the bound;
    /// * an XML element value that is too long: the element alternative fails, and the next
    ///   alternative reads its `name="key"` attribute as the pair `name` = `key`.
    ///
    /// The `key_values_are_what_the_bounded_pattern_finds` test holds this to the bounded pattern.
    fn key_values(&self, text: &str) -> Vec<KeyValue> {
        let mut pairs = Vec::new();
        let mut from = 0;
        while from < text.len() {
            let Some(caps) = self.key_value.captures_at(text.as_bytes(), from) else {
                break;
            };
            let Some(whole) = caps.get(0) else {
                break;
            };
            // Every match starts with an ASCII byte (`name="`, a quote or a name's first
            // character), so one byte on is the next character.
            let retry = whole.start() + 1;
            if let (Some(xn), Some(xv)) = (caps.name("xn"), caps.name("xv")) {
                let value = xv.range();
                if text
                    .get(value.clone())
                    .is_some_and(|v| prefix_beyond(v, VALUE_MAX_CHARS).is_none())
                {
                    pairs.push(KeyValue {
                        key: xn.range(),
                        value,
                    });
                    from = whole.end();
                } else {
                    pairs.push(KeyValue {
                        key: whole.start()..whole.start() + "name".len(),
                        value: xn.range(),
                    });
                    from = xn.end() + 1;
                }
                continue;
            }
            let (Some(key), Some(value)) = (
                caps.name("n"),
                caps.name("dq")
                    .or_else(|| caps.name("sq"))
                    .or_else(|| caps.name("bare")),
            ) else {
                from = retry;
                continue;
            };
            let Some(value_text) = text.get(value.range()) else {
                from = retry;
                continue;
            };
            match prefix_beyond(value_text, VALUE_MAX_CHARS) {
                None => {
                    pairs.push(KeyValue {
                        key: key.range(),
                        value: value.range(),
                    });
                    from = whole.end();
                }
                Some(bound) if caps.name("bare").is_some() => {
                    let end = value.start() + bound;
                    pairs.push(KeyValue {
                        key: key.range(),
                        value: value.start()..end,
                    });
                    from = end;
                }
                Some(_) => from = retry,
            }
        }
        pairs
    }

    /// Token shapes only (for units without names and without `name = value` structure).
    pub(crate) fn shapes(&self, text: &str, surroundings: &dyn Surroundings) -> Vec<Candidate> {
        let mut hit = [false; DETECTORS.len()];
        let mut any = false;
        for m in self.literals.find_overlapping_iter(text) {
            if let Some(&owner) = self.literal_owner.get(m.pattern().as_usize())
                && let Some(flag) = hit.get_mut(owner)
            {
                *flag = true;
                any = true;
            }
        }
        let mut found = Vec::new();
        if !any {
            return found;
        }
        for (detector, _) in self.detectors.iter().zip(hit).filter(|(_, h)| *h) {
            if !detector.context.is_empty()
                && !detector.context.iter().any(|w| surroundings.mentions(w))
            {
                continue;
            }
            for caps in detector.regex().captures_iter(text) {
                let Some(secret) = caps.name("s") else {
                    continue;
                };
                let Some(verdict) = (detector.judge)(&caps, text) else {
                    continue;
                };
                let secret_text = if detector.kind == Kind::PrivateKey {
                    base64_body(secret.as_str())
                } else {
                    secret.as_str().to_owned()
                };
                if found
                    .iter()
                    .any(|c: &Candidate| c.kind == detector.kind && c.secret == secret_text)
                {
                    continue;
                }
                found.push(Candidate {
                    kind: detector.kind,
                    secret: secret_text,
                    label: verdict.label,
                    severity: verdict.severity,
                    facts: verdict.facts,
                    at: secret.start(),
                    name: None,
                });
            }
        }
        // A JWT inside a Bearer header is one finding, under the JWT rule.
        found.sort_by_key(|c| c.at);
        found
    }

    /// Judges a value assigned to a name.
    pub(crate) fn named(
        &self,
        name: &str,
        value: &str,
        surroundings: &dyn Surroundings,
    ) -> Option<Candidate> {
        // Every name this judges contains one of the keywords (`secret`, `token`, `key`, `pass`,
        // …); most names (resource entries, fields) contain none, and are dismissed cheaply.
        if value.is_empty() || value.len() > 512 || !self.keywords.is_match(name) {
            return None;
        }
        let words = name_words(name);
        let has = |w: &str| words.iter().any(|x| x == w);
        let candidate = |kind: Kind, label: &str, severity: Option<Severity>| Candidate {
            kind,
            secret: value.to_owned(),
            label: label.to_owned(),
            severity,
            facts: Vec::new(),
            at: 0,
            name: Some(name.to_owned()),
        };
        let hex32 = value.len() == 32 && value.chars().all(|c| c.is_ascii_hexdigit());
        let secretish = has("secret") || has("token") || has("auth") || has("key");
        // Provider-specific names first: their values look like any hash and only the name
        // tells what they are.
        if (has("facebook") || has("fb")) && has("secret") && hex32 && looks_random(value) {
            return Some(candidate(Kind::Facebook, "Facebook app secret", None));
        }
        if (has("twilio") || surroundings.mentions("twilio"))
            && (has("token") || has("auth") || has("secret"))
            && hex32
            && looks_random(value)
        {
            return Some(candidate(Kind::Twilio, "Twilio auth token", None));
        }
        if (has("aws") || has("amazon") || has("s3")) && has("secret") && self.is_aws_secret(value)
        {
            return Some(candidate(
                Kind::AwsAccessKey,
                "AWS secret access key",
                Some(Severity::High),
            ));
        }
        if has("mailgun") && secretish && looks_random(value) {
            return Some(candidate(Kind::Mailgun, "Mailgun API key", None));
        }
        if has("discord") && has("token") && self.discord_bot.is_match(value) {
            return Some(candidate(Kind::Discord, "Discord bot token", None));
        }
        match classify_name(name)? {
            NameClass::Password => {
                plausible_password(value, name).then(|| candidate(Kind::Password, "password", None))
            }
            NameClass::Secret => (looks_random(value) && !is_public_key_encoding(value))
                .then(|| candidate(Kind::GenericApiKey, "secret key or token", None)),
        }
    }

    /// A 40-character base64 value of the shape of an AWS secret access key.
    pub(crate) fn is_aws_secret(&self, value: &str) -> bool {
        value.len() == 40
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
            && value.chars().any(|c| c.is_ascii_uppercase())
            && value.chars().any(|c| c.is_ascii_lowercase())
            && value.chars().any(|c| c.is_ascii_digit())
            && shannon_entropy(value) >= 4.0
            && !value.contains("EXAMPLE")
            && !is_placeholder(value)
    }

    /// AWS secret access keys among the 40-character tokens of `text`.
    pub(crate) fn aws_secrets_in<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.aws_secret
            .captures_iter(text)
            .filter_map(|c| c.name("s"))
            .map(|m| m.as_str())
            .filter(|s| self.is_aws_secret(s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Surroundings that mention the given words.
    struct Mentions(&'static [&'static str]);

    impl Surroundings for Mentions {
        fn mentions(&self, word: &str) -> bool {
            self.0.contains(&word)
        }
    }

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        engine()
            .scan(text, None, &Nowhere)
            .into_iter()
            .map(|c| (c.kind, c.label))
            .collect()
    }

    fn first(text: &str) -> Option<Candidate> {
        engine().scan(text, None, &Nowhere).into_iter().next()
    }

    #[test]
    fn every_detector_compiles() {
        assert_eq!(engine().detectors.len(), DETECTORS.len());
        for detector in &engine().detectors {
            assert!(detector.regex().captures_len() > 1, "{:?}", detector.kind);
        }
    }

    #[test]
    fn aws_access_key_ids() {
        let c = first("AKIA2E0A8F3B244C9986").expect("key id");
        assert_eq!(c.kind, Kind::AwsAccessKey);
        assert_eq!(c.secret, "AKIA2E0A8F3B244C9986");
        assert_eq!(kinds("id=ASIAY34FZKBOKMUTVV7A").len(), 1);
        assert!(
            kinds("AKIAIOSFODNN7EXAMPLE").is_empty(),
            "AWS's documentation key"
        );
        assert!(kinds("AKIAXXXXXXXXXXXXXXXX").is_empty());
        assert!(kinds("AKIA2E0A8F3B244C9986Z").is_empty(), "too long");
        assert!(
            kinds("AROA2E0A8F3B244C9986").is_empty(),
            "role ids are not credentials"
        );
        assert!(kinds("xAKIA2E0A8F3B244C9986").is_empty());
    }

    #[test]
    fn aws_secret_keys() {
        let e = engine();
        assert!(e.is_aws_secret("Xq3/Lz8mN2pR7vT1wY5aB9cD4eF6gH0jK2lM8nP+"));
        assert!(!e.is_aws_secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assert!(!e.is_aws_secret("abcdefghijabcdefghijabcdefghijabcdefghij"));
        assert_eq!(
            e.aws_secrets_in("x = \"Xq3/Lz8mN2pR7vT1wY5aB9cD4eF6gH0jK2lM8nP+\";"),
            ["Xq3/Lz8mN2pR7vT1wY5aB9cD4eF6gH0jK2lM8nP+"]
        );
        let named = e
            .named(
                "aws_secret_access_key",
                "Xq3/Lz8mN2pR7vT1wY5aB9cD4eF6gH0jK2lM8nP+",
                &Nowhere,
            )
            .expect("named secret key");
        assert_eq!(named.kind, Kind::AwsAccessKey);
    }

    #[test]
    fn google_keys_and_tokens() {
        assert_eq!(
            kinds("AIzaSyC8vF2kQ9xL3mN7pR1tW5yZ0bD4gH6jK8s"),
            [(Kind::GoogleApiKey, "Google API key".to_owned())]
        );
        assert!(
            kinds("AIzaSyC8vF2kQ9xL3mN7pR1tW5yZ0bD4gH6jK8").is_empty(),
            "short"
        );
        assert!(kinds("AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX").is_empty());
        assert_eq!(
            kinds("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")[0].1,
            "Google OAuth client secret"
        );
        assert_eq!(
            kinds("Bearer ya29.a0AfB_byC3kT9vQ2xL7mN1pR8sW3yZ6bD0gH5jF4")[0].0,
            Kind::GoogleOauth
        );
        assert!(kinds("123456789012-abc.apps.googleusercontent.com").is_empty());
    }

    #[test]
    fn firebase_urls() {
        let c = first("https://acme-prod-4f2a1.firebaseio.com/users.json").expect("url");
        assert_eq!(c.kind, Kind::FirebaseDatabase);
        assert_eq!(c.secret, "https://acme-prod-4f2a1.firebaseio.com");
        assert_eq!(
            first("acme-7.europe-west1.firebasedatabase.app").map(|c| c.secret),
            Some("acme-7.europe-west1.firebasedatabase.app".to_owned())
        );
        assert!(kinds("https://your-project.firebaseio.com").is_empty());
        assert!(!Kind::FirebaseDatabase.is_credential());
    }

    const RSA_PKCS8_HEAD: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDGn8ytBqmk4YVn";

    fn pem(label: &str, sep: &str) -> String {
        format!(
            "-----BEGIN {label}-----{sep}{RSA_PKCS8_HEAD}{sep}dGhpcyBpcyBub3QgYSByZWFsIGtleSBidXQgaXQgaXMgbG9uZyBlbm91Z2gK{sep}-----END {label}-----"
        )
    }

    #[test]
    fn pem_private_keys() {
        for label in [
            "PRIVATE KEY",
            "RSA PRIVATE KEY",
            "EC PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
        ] {
            let c = first(&pem(label, "\n")).unwrap_or_else(|| panic!("{label}"));
            assert_eq!(c.kind, Kind::PrivateKey);
            assert!(c.secret.starts_with("MIIEvQ"), "the secret is the body");
            assert_eq!(c.severity, None);
        }
        let escaped = pem("PRIVATE KEY", "\\n");
        assert_eq!(first(&escaped).map(|c| c.kind), Some(Kind::PrivateKey));
        let encrypted = first(&pem("ENCRYPTED PRIVATE KEY", "\n")).expect("encrypted");
        assert_eq!(encrypted.severity, Some(Severity::High));
        // A header constant alone (PEM writers in libraries) and documentation stubs.
        assert!(kinds("-----BEGIN PRIVATE KEY-----\n").is_empty());
        assert!(
            kinds("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----").is_empty()
        );
        assert!(kinds("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").is_empty());
    }

    #[test]
    fn service_account_json() {
        let json = format!(
            "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme\",\n  \"private_key\": \"{}\",\n  \"client_email\": \"ci@acme-prod.iam.gserviceaccount.com\"\n}}",
            pem("PRIVATE KEY", "\\n")
        );
        let c = first(&json).expect("service account key");
        assert_eq!(c.label, "Google Cloud service account private key");
        assert_eq!(
            c.facts,
            ["service account of acme-prod.iam.gserviceaccount.com"]
        );
    }

    #[test]
    fn bare_der_private_keys() {
        let body = format!("{RSA_PKCS8_HEAD}{}", "A".repeat(40));
        let c = first(&body).expect("bare PKCS#8");
        assert_eq!(c.kind, Kind::PrivateKey);
        assert!(c.label.starts_with("PKCS#8"));
        // A public key and a certificate have the same first characters but another structure.
        assert!(
            kinds("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxq8sR2fT0k3Yw7u9Qp1bNcVd4Lm6Zr2e")
                .is_empty()
        );
        assert!(
            kinds("MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTESMBAGA1UE")
                .is_empty()
        );
        assert_eq!(
            private_key_der_kind(&[0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20]),
            Some("SEC1 EC")
        );
        assert_eq!(
            private_key_der_kind(&[
                0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00, 0x02, 0x82, 0x01, 0x01
            ]),
            Some("PKCS#1 RSA")
        );
        assert_eq!(private_key_der_kind(&[0x30]), None);
        assert_eq!(private_key_der_kind(&[]), None);
        assert_eq!(
            private_key_der_kind(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            None
        );
    }

    #[test]
    fn stripe_keys() {
        let live = first("sk_live_51HqLyjWDarjtT1zdp7dc8mNq2R").expect("live");
        assert_eq!(live.severity, Some(Severity::Critical));
        let test = first("sk_test_51HqLyjWDarjtT1zdp7dc8mNq2R").expect("test");
        assert_eq!(test.severity, Some(Severity::Low));
        assert!(
            kinds("pk_live_51HqLyjWDarjtT1zdp7dc8mNq2R").is_empty(),
            "publishable"
        );
        assert!(kinds("sk_live_xxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        assert_eq!(
            kinds("rk_live_51HqLyjWDarjtT1zdp7dc8mNq2R")[0].1,
            "Stripe live restricted key"
        );
    }

    #[test]
    fn chat_tokens_and_webhooks() {
        assert_eq!(
            kinds("xoxb-2402873921-5821740583120-Q4mZ8vL2pR7tW1yB3cN9xK0s")[0].0,
            Kind::Slack
        );
        let hook =
            first("https://hooks.slack.com/services/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")
                .expect("webhook");
        assert_eq!(hook.severity, Some(Severity::Medium));
        assert!(kinds("xoxb-your-token-here").is_empty());
        assert_eq!(
            kinds("https://api.telegram.org/bot5839204718:AAHq2mZ8vL4kJ9hG3fD6sA1xC7bN0pR5tW2/sendMessage")[0].0,
            Kind::Telegram
        );
        assert_eq!(
            kinds("https://discord.com/api/webhooks/1098273645123456789/Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8eR4tY7uI1oP3aS6dF9gH2jK5lZ8xC")[0].0,
            Kind::Discord
        );
        let bot = engine()
            .named(
                "DISCORD_BOT_TOKEN",
                "MTA5ODI3MzY0NTEyMzQ1Njc4OQ.GhT2kq.Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8",
                &Nowhere,
            )
            .expect("bot token");
        assert_eq!(bot.kind, Kind::Discord);
    }

    #[test]
    fn code_hosting_and_mail_keys() {
        assert_eq!(
            kinds("ghp_Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8")[0].1,
            "GitHub personal access token"
        );
        assert!(kinds("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        assert_eq!(
            kinds("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")[0].0,
            Kind::Sendgrid
        );
        assert_eq!(
            kinds("3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e-us14")[0].0,
            Kind::Mailchimp
        );
        let mailgun = "key-3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e";
        assert!(
            kinds(mailgun).is_empty(),
            "a key- prefix alone is too common"
        );
        let in_context = engine().scan(mailgun, None, &Mentions(&["mailgun"]));
        assert_eq!(in_context[0].kind, Kind::Mailgun);
        let sk = "SK3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e";
        assert!(kinds(sk).is_empty(), "SK + 32 hex needs a Twilio context");
        assert_eq!(
            engine().scan(sk, None, &Mentions(&["twilio"]))[0].kind,
            Kind::Twilio
        );
        let token = engine()
            .named(
                "twilioAuthToken",
                "3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e",
                &Nowhere,
            )
            .expect("twilio token");
        assert_eq!(token.kind, Kind::Twilio);
    }

    #[test]
    fn payment_and_map_tokens() {
        assert_eq!(kinds("sq0atp-Zq8xP2mN7vL4kJ9hG3fD6s")[0].0, Kind::Square);
        assert_eq!(
            kinds("access_token$production$q8r2mz7vl4kj9hg3$3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e")[0].0,
            Kind::Braintree
        );
        assert!(
            kinds("access_token$sandbox$q8r2mz7vl4kj9hg3$3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e")
                .is_empty()
        );
        assert_eq!(
            kinds("sk.eyJ1IjoiYWNtZSIsImEiOiJjbHEyZjhrM3AwMDFxMmpvNnV5ZnJ0eHZ6In0.Zq8xP2mN7vL4kJ9hG3fD6s")[0].0,
            Kind::Mapbox
        );
        assert!(
            kinds("pk.eyJ1IjoiYWNtZSIsImEiOiJjbHEyZjhrM3AwMDFxMmpvNnV5ZnJ0eHZ6In0.Zq8xP2mN7vL4kJ9hG3fD6s").is_empty(),
            "public Mapbox tokens are meant to be embedded, and are not JWTs either"
        );
        let fb = format!(
            "EAACEdEose0cBA{}",
            "Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8eR4tY7uI1oP3aS6dF9gH2jK5lZ8xC"
        );
        assert_eq!(kinds(&fb)[0].0, Kind::Facebook);
        let secret = engine()
            .named(
                "facebook_app_secret",
                "3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e",
                &Nowhere,
            )
            .expect("app secret");
        assert_eq!(secret.kind, Kind::Facebook);
        assert!(
            engine()
                .named(
                    "facebook_client_token",
                    "3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e",
                    &Nowhere
                )
                .is_none()
        );
        assert!(
            engine()
                .named("facebook_app_id", "1234567890123456", &Nowhere)
                .is_none()
        );
    }

    #[test]
    fn azure_storage() {
        let key = format!(
            "{}==",
            "Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8eR4tY7uI1oP3aS6dF9gH2jK5lZ8xC7bN0pR5tW2yU4iO6pA8sQ"
        );
        assert_eq!(key.len(), 88);
        let conn = format!(
            "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={key};EndpointSuffix=core.windows.net"
        );
        let c = first(&conn).expect("account key");
        assert_eq!(c.severity, Some(Severity::Critical));
        assert_eq!(c.facts, ["storage account acmeprod"]);
        let emulator = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        assert!(kinds(emulator).is_empty());
        let sas = first("https://acmeprod.blob.core.windows.net/uploads?sv=2022-11-02&se=2031-01-01T00:00:00Z&sp=rw&sig=Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8eR4%3D").expect("sas");
        assert_eq!(
            sas.facts,
            ["storage account acmeprod", "expires 2031-01-01"]
        );
        assert!(kinds("https://acmeprod.blob.core.windows.net/public/logo.png").is_empty());
    }

    fn jwt(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
            BASE64URL_NOPAD.encode(header.as_bytes()),
            BASE64URL_NOPAD.encode(payload.as_bytes())
        )
    }

    #[test]
    fn json_web_tokens() {
        let live = jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"iss":"api.acme.com","sub":"svc","exp":4102444800}"#,
        );
        let c = first(&live).expect("jwt");
        assert_eq!(c.kind, Kind::Jwt);
        assert_eq!(c.severity, None);
        assert_eq!(
            c.facts,
            ["alg HS256", "iss api.acme.com", "expires 2100-01-01"]
        );
        let expired = jwt(
            r#"{"alg":"HS256"}"#,
            r#"{"iss":"api.acme.com","exp":1000000000}"#,
        );
        assert_eq!(
            first(&expired).and_then(|c| c.severity),
            Some(Severity::Low)
        );
        let none = jwt(
            r#"{"alg":"none"}"#,
            r#"{"iss":"api.acme.com","admin":true}"#,
        );
        assert_eq!(first(&none).and_then(|c| c.severity), Some(Severity::High));
        let sample = jwt(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#,
        );
        assert!(kinds(&sample).is_empty(), "jwt.io's sample token");
        let anon = jwt(
            r#"{"alg":"HS256"}"#,
            r#"{"iss":"supabase","role":"anon","exp":4102444800}"#,
        );
        assert!(kinds(&anon).is_empty(), "Supabase anon keys are public");
        let service = jwt(
            r#"{"alg":"HS256"}"#,
            r#"{"iss":"supabase","role":"service_role","exp":4102444800}"#,
        );
        assert_eq!(
            first(&service).and_then(|c| c.severity),
            Some(Severity::High)
        );
        assert!(kinds("eyJhbGciOi.eyJzdWIiOi.abc").is_empty(), "not JSON");
        assert_eq!(format_unix_date(0), "1970-01-01");
        assert_eq!(format_unix_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn credentials_in_urls_and_headers() {
        let c =
            first("https://deploy:Xk29!fQ7z@ftp.acme-internal.net/releases").expect("url creds");
        assert_eq!(c.kind, Kind::BasicAuth);
        assert_eq!(c.secret, "Xk29!fQ7z");
        assert_eq!(c.facts, ["https://…@ftp.acme-internal.net"]);
        for sample in [
            "https://user:password@example.com/",
            "ftp://anonymous:guest@ftp.acme.net/",
            "https://%s:%s@api.acme.com/",
            "https://admin:${PASSWORD}@db.acme.net",
            "https://3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e:7b1d9f3a5c7e9b1d3f5a7c9e1b3d5f7a@o12345.ingest.sentry.io/42",
            "mongodb://admin:****@db.acme.net",
            "https://api.acme.com/v1/users",
        ] {
            assert!(kinds(sample).is_empty(), "{sample}");
        }
        let header = format!("Basic {}", BASE64.encode(b"svc-upload:Xk29!fQ7zR"));
        assert_eq!(
            first(&header).map(|c| c.label),
            Some("HTTP Basic authorization header".to_owned())
        );
        assert!(kinds(&format!("Basic {}", BASE64.encode(b"user:password"))).is_empty());
        assert!(kinds("Basic authentication required").is_empty());
        assert_eq!(
            first("Bearer Zq8xP2mN7vL4kJ9hG3fD6sA1xC5b").map(|c| c.severity),
            Some(Some(Severity::Medium))
        );
        assert!(kinds("Bearer %s").is_empty());
    }

    #[test]
    fn llm_keys() {
        let openai = format!(
            "sk-proj-{}",
            "Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8eR4tY7uI1oP3aS6d"
        );
        assert_eq!(kinds(&openai)[0].1, "OpenAI API key");
        assert_eq!(
            kinds("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")[0].1,
            "OpenAI API key"
        );
        let anthropic = format!(
            "sk-ant-api03-{}AA",
            "Zq8xP2mN7vL4kJ9hG3fD6sA1xC5bV0nM2qW8eR4tY7uI1oP3aS6dF9gH2jK5lZ8xC7bN0pR5tW2yU4iO6pA8s"
        );
        assert_eq!(kinds(&anthropic)[0].1, "Anthropic API key");
        assert!(kinds("sk-1234").is_empty());
    }

    /// The pattern the extractor stands for: Unicode classes and bounded values. Kept as the
    /// oracle for [`Engine::key_values`].
    const UNICODE_KEY_VALUE: &str = r#"(?x)
        (?: name="(?P<xn>[A-Za-z_][A-Za-z0-9_.\-]{1,63})"[^>]{0,64}>(?P<xv>[^<]{1,512})<
          | ["']?(?P<n>[A-Za-z_][A-Za-z0-9_.\-]{1,63})["']?\s*(?:=|:|:=|=>)\s*
            (?: "(?P<dq>[^"\\\n]{1,512})" | '(?P<sq>[^'\\\n]{1,512})' | (?P<bare>[^\s"',;\#}/&?<>\[\]()][^\s"',;\#}&<>\[\]()]{0,511}) )
        )"#;

    #[test]
    fn byte_level_character_classes_match_the_unicode_ones_on_every_character() {
        let pairs = [
            (char_except("^<"), "[^<]"),
            (char_except(r#"^"\\\n"#), r#"[^"\\\n]"#),
            (
                non_space_char_except(r#"^\s"',;\#}/&?<>\[\]()"#),
                r#"[^\s"',;\#}/&?<>\[\]()]"#,
            ),
            (
                non_space_char_except(r#"^\s"',;\#}&<>\[\]()"#),
                r#"[^\s"',;\#}&<>\[\]()]"#,
            ),
        ];
        for (bytes_class, unicode_class) in pairs {
            let over_bytes = BytesRegex::new(&format!(r"(?x)\A{bytes_class}\z")).unwrap();
            let over_chars = Regex::new(&format!(r"(?x)\A{unicode_class}\z")).unwrap();
            let mut buf = [0u8; 4];
            for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
                let encoded = c.encode_utf8(&mut buf);
                assert_eq!(
                    over_bytes.is_match(encoded.as_bytes()),
                    over_chars.is_match(encoded),
                    "{unicode_class} on U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn key_values_are_what_the_bounded_pattern_finds() {
        let oracle = Regex::new(UNICODE_KEY_VALUE).unwrap();
        let engine = engine();
        let pieces = [
            "name=\"",
            "api_key",
            "token",
            "Secret",
            "k",
            "=",
            ":",
            "=>",
            ":=",
            "\"",
            "'",
            ">",
            "<",
            " ",
            "\t",
            "\n",
            "\\",
            ",",
            ";",
            "#",
            "}",
            "/",
            "&",
            "?",
            "[",
            "]",
            "(",
            ")",
            ".",
            "-",
            "_",
            "Zq8xP2mN7v",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2000}",
            "\u{200a}",
            "\u{200b}",
            "\u{2028}",
            "\u{2029}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "\u{3001}",
            "é",
            "中",
            "😀",
            "\u{10ffff}",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        // Values around the bound, in each form, then random texts.
        let mut texts: Vec<String> = Vec::new();
        for length in [1, 2, 511, 512, 513, 600, 1100] {
            for filler in ["Z", "é", "中", "😀"] {
                let value = filler.repeat(length);
                texts.push(format!(
                    "x api_key = \"{value}\" token='{value}' secret={value} pass: {value}<"
                ));
                texts.push(format!(
                    "<string name=\"api_key\" a=\"b\">{value}</string> key=\"{value}\""
                ));
                texts.push(format!(
                    "a_secret=>'{value}'\nk_token:=\"{value}\"; name=\"v_{filler}\">{value}<"
                ));
            }
        }
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(60) {
                let piece = pieces[next(pieces.len())];
                // Long runs reach the bounds of the repetitions (63, 64, 511, 512).
                let times = if next(8) == 0 { 1 + next(600) } else { 1 };
                for _ in 0..times {
                    text.push_str(piece);
                }
            }
            texts.push(text);
        }
        for (case, text) in texts.iter().enumerate() {
            let expected: Vec<KeyValue> = oracle
                .captures_iter(text)
                .map(|c| {
                    let key = c.name("n").or_else(|| c.name("xn")).unwrap();
                    let value = ["dq", "sq", "bare", "xv"]
                        .iter()
                        .find_map(|n| c.name(n))
                        .unwrap();
                    KeyValue {
                        key: key.range(),
                        value: value.range(),
                    }
                })
                .collect();
            let actual = engine.key_values(text);
            assert_eq!(actual, expected, "case {case}: {text:?}");
        }
    }

    #[test]
    fn key_value_pairs_in_text() {
        let text = "# config\napi_key = \"9fT2xQ7LmZ4bN8vR1cK6pW3s\"\nDB_PASSWORD=Tr0ub4dor&3\npassword_hint: Your password\n";
        let found = engine().scan(text, None, &Nowhere);
        let summary: Vec<(Kind, Option<String>)> =
            found.iter().map(|c| (c.kind, c.name.clone())).collect();
        assert_eq!(
            summary,
            [
                (Kind::GenericApiKey, Some("api_key".to_owned())),
                (Kind::Password, Some("DB_PASSWORD".to_owned())),
            ]
        );
        assert_eq!(
            &text[found[0].at..found[0].at + 24],
            "9fT2xQ7LmZ4bN8vR1cK6pW3s"
        );
        let xml = r#"<string name="server_secret">Zq8xP2mN7vL4kJ9hG3fD6sA1</string>"#;
        assert_eq!(
            engine().scan(xml, None, &Nowhere)[0].kind,
            Kind::GenericApiKey
        );
        let query = "https://api.acme.com/login?client_secret=Zq8xP2mN7vL4kJ9hG3fD6sA1&x=1";
        assert_eq!(
            engine().scan(query, None, &Nowhere)[0].name.as_deref(),
            Some("client_secret")
        );
        let js = r#"const config = {apiKey: "AIzaSyC8vF2kQ9xL3mN7pR1tW5yZ0bD4gH6jK8s", authDomain: "acme.firebaseapp.com"};"#;
        let found = engine().scan(js, None, &Nowhere);
        assert_eq!(
            found.len(),
            1,
            "one finding for the key, under its own kind: {found:?}"
        );
        assert_eq!(found[0].kind, Kind::GoogleApiKey);
    }

    #[test]
    fn values_assigned_to_names() {
        let e = engine();
        let c = e.scan("Zq8xP2mN7vL4kJ9hG3fD6sA1", Some("API_SECRET"), &Nowhere);
        assert_eq!(c[0].kind, Kind::GenericApiKey);
        assert!(
            e.scan("api_secret", Some("API_SECRET"), &Nowhere)
                .is_empty()
        );
        assert!(
            e.scan(
                "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxq8sR2f",
                Some("BASE64_PUBLIC_KEY"),
                &Nowhere
            )
            .is_empty()
        );
        assert!(
            e.scan(
                "Zq8xP2mN7vL4kJ9hG3fD6sA1",
                Some("adjust_app_token"),
                &Nowhere
            )
            .is_empty()
        );
        assert!(
            e.scan("Zq8xP2mN7vL4kJ9hG3fD6sA1", Some("TEST_API_KEY"), &Nowhere)
                .is_empty()
        );
        assert_eq!(
            e.scan("Tr0ub4dor&3", Some("mPassword"), &Nowhere)[0].kind,
            Kind::Password
        );
    }

    #[test]
    fn ordinary_strings_are_quiet() {
        for text in [
            "",
            "Hello, world",
            "com.acme.app.MainActivity",
            "https://api.acme.com/v1/items?page=2",
            "Lcom/acme/Foo;",
            "SELECT * FROM users WHERE name = ?",
            "key = value",
            "token: %s",
            "password=",
            "-----BEGIN PUBLIC KEY-----",
            "application/x-www-form-urlencoded",
            "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "3f9a2c7e1b5d8f4a6c0e2b9d7f1a3c5e",
            "550e8400-e29b-41d4-a716-446655440000",
            "ASK_FOR_PERMISSION_AGAIN",
            "Authorization",
            "\u{0}\u{1}binary\u{7f}",
        ] {
            assert!(kinds(text).is_empty(), "{text:?}: {:?}", kinds(text));
        }
    }

    /// Arbitrary text made of token fragments, separators and noise never makes the engine
    /// panic, and every candidate points inside its unit.
    #[test]
    fn arbitrary_text_is_scanned_safely() {
        const FRAGMENTS: &[&str] = &[
            "AKIA",
            "AIza",
            "-----BEGIN ",
            "PRIVATE KEY-----",
            "-----END ",
            "ghp_",
            "xoxb-",
            "sk_live_",
            "eyJ",
            ".",
            "=",
            ":",
            "\"",
            "://",
            "@",
            "Basic ",
            "Bearer ",
            "MII",
            "SG.",
            "key-",
            "-us1",
            ":AA",
            "AccountKey=",
            "sig=",
            "\\n",
            "\n",
            "é",
            "密",
            "\u{0}",
            "api_key",
            "password",
            "9fT2xQ7LmZ4bN8vR",
            "0123",
            "Zz",
            " ",
            "<",
            ">",
            "name=\"",
            "core.windows.net",
            "firebaseio.com",
            "sk-ant-api03-",
            "T3BlbkFJ",
            "sq0atp-",
            "EAA",
            "sk.eyJ",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let mut text = String::new();
            for _ in 0..len {
                let pick = (next() % FRAGMENTS.len() as u64) as usize;
                text.push_str(FRAGMENTS[pick]);
                if next() % 3 == 0 {
                    let run = (next() % 48) as usize;
                    for _ in 0..run {
                        let c =
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-"
                                [(next() % 66) as usize];
                        text.push(char::from(c));
                    }
                }
            }
            let name = (next() % 4 == 0).then_some("api_secret");
            for c in engine().scan(&text, name, &Mentions(&["twilio", "mailgun"])) {
                assert!(!c.secret.is_empty(), "{text:?}");
                assert!(c.at <= text.len(), "{text:?}");
            }
        }
    }

    #[test]
    fn long_units_stay_linear() {
        let text = "AKIA".repeat(50_000) + &"-----BEGIN PRIVATE KEY-----".repeat(2_000);
        let started = std::time::Instant::now();
        let found = engine().scan(&text, None, &Nowhere);
        assert!(found.is_empty());
        // Generous: the point is that nothing is quadratic (that would take minutes).
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
}
