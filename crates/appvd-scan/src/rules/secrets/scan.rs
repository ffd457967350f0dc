//! Where secrets are looked for, and the per-app result every `secret.*` rule reads.
//!
//! [`secrets`] runs the [engine](super::engine) once over an app and keeps the result for the
//! other rules of the same scan (they run in parallel; the first one computes, the others wait).
//! Units, in the order their places are reported:
//!
//! 1. DEX strings referenced by code or by static field values, each distinct string once, with
//!    the name it is assigned to when the index knows one (the static field it initialises, the
//!    field a `const-string` is written to, the key next to it in a `put("api_key", …)`-style
//!    call), then constant passwords handed to credential APIs (`KeyStore.getKey`,
//!    `okhttp3.Credentials.basic`, `PasswordAuthentication`, SQLCipher), then pool strings no code
//!    references (token shapes only: they have no name and no place);
//! 2. manifest `<meta-data>` values with their names;
//! 3. `resources.arsc` string values with their resource names (each name/value pair once,
//!    whatever the configuration);
//! 4. text files under `assets/` and `res/raw/`, whole (bounded per file and in total, read
//!    through the app's inflate budget), plus the printable runs of Unity's
//!    `global-metadata.dat` and of Hermes bytecode bundles;
//! 5. printable strings of the read-only data of native libraries.
//!
//! Findings are grouped by secret: one [`Detected`] per kind and secret, with every place it
//! was seen. Only the SHA-256, a short preview and the length of a credential leave this module.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use appvd_apk::listing;
use appvd_dex::Analysis;
use appvd_dex::app::{ClassId, DexId};
use appvd_dex::facts::{ConstValue, StrRef};
use appvd_dex::ids::StringIdx;
use appvd_dex::index::{StringRef, StringUse};
use appvd_dex::query::StringRefView;
use sha2::{Digest, Sha256};

use super::engine::{
    Candidate, Engine, KEY_TEST_VECTOR_NAMESPACES, Kind, Nowhere, Surroundings, engine,
};
use crate::finding::{Location, Severity};
use crate::model::AppModel;
use crate::rules::code_location;

/// One place a secret was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub location: Location,
    /// How reports name the place: `com.acme.Api.login(…)`, `@string/api_secret`,
    /// `assets/config.json:3`.
    pub shown: String,
}

/// One secret of one kind, with every place it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detected {
    pub kind: Kind,
    pub label: String,
    pub severity: Option<Severity>,
    pub facts: Vec<String>,
    /// The name the value was assigned to, when a name made the finding.
    pub name: Option<String>,
    /// SHA-256 of the secret, hex.
    pub sha256: String,
    /// The first characters of the secret (see [`preview`]).
    pub preview: String,
    /// Length of the secret in characters.
    pub length: usize,
    /// The value itself, for kinds that are endpoints rather than credentials (Firebase URLs).
    pub shown_value: Option<String>,
    pub places: Vec<Place>,
}

/// The secrets of one app.
#[derive(Debug, Default)]
pub(crate) struct SecretScan {
    pub detected: Vec<Detected>,
}

/// The first characters of a secret: four, or a quarter of it for secrets shorter than 16
/// characters (half of a short password would be too much).
pub(crate) fn preview(secret: &str) -> String {
    let len = secret.chars().count();
    let keep = if len >= 16 { 4 } else { len / 4 };
    secret.chars().take(keep).collect()
}

pub(crate) fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The secrets of an app, computed once for all `secret.*` rules of a scan and kept on the
/// model (not keyed by the input's hash, which would make the rules wait for it).
pub(crate) fn secrets(app: &AppModel) -> Arc<SecretScan> {
    app.secrets_slot()
        .get_or_init(|| Arc::new(compute(app)))
        .clone()
}

/// A candidate with its place and pairing group, before grouping by secret.
struct Found {
    candidate: Candidate,
    place: Place,
}

fn compute(app: &AppModel) -> SecretScan {
    let (found, paired) = collect(app);
    group(found, &paired)
}

/// The secrets of every finding-to-be, before grouping (tests check none of them leaks).
#[cfg(test)]
pub(crate) fn raw_secrets(app: &AppModel) -> Vec<(Kind, String)> {
    collect(app)
        .0
        .into_iter()
        .map(|f| (f.candidate.kind, f.candidate.secret))
        .collect()
}

fn collect(app: &AppModel) -> (Vec<Found>, HashSet<String>) {
    let engine = engine();
    let mut found = Vec::new();
    let mut paired = HashSet::new();
    if let Some(dex) = app.dex() {
        dex_strings(dex, engine, &mut found, &mut paired);
    }
    manifest_meta_data(app, engine, &mut found);
    resources(app, engine, &mut found, &mut paired);
    files(app, engine, &mut found, &mut paired);
    native(app, engine, &mut found, &mut paired);
    (found, paired)
}

/// Pairs an AWS access key id with a secret access key from the same class, file or table:
/// together they are a working credential (Critical); alone, an id is of little use (Low).
fn pair_aws<'s>(
    engine: &Engine,
    candidate: &mut Candidate,
    siblings: impl IntoIterator<Item = &'s str>,
    scope: &str,
    paired: &mut HashSet<String>,
) {
    if candidate.kind != Kind::AwsAccessKey || candidate.name.is_some() {
        return;
    }
    let secret = siblings
        .into_iter()
        .flat_map(|s| engine.aws_secrets_in(s))
        .next();
    match secret {
        Some(secret) => {
            candidate.severity = Some(Severity::Critical);
            candidate.facts.push(format!(
                "its secret access key is in the same {scope} (SHA-256 {})",
                &sha256_hex(secret)[..16]
            ));
            paired.insert(secret.to_owned());
        }
        None => {
            candidate.severity = Some(Severity::Low);
            candidate.facts.push(format!(
                "no secret access key next to it in the same {scope}"
            ));
        }
    }
}

/// How a method is shown: `com.acme.Api.login(Ljava/lang/String;)V`.
fn shown_code(at: &appvd_dex::Location) -> String {
    if at.method.is_empty() {
        format!("{} ({})", at.java_class, at.method_descriptor)
    } else {
        format!("{}.{}{}", at.java_class, at.method, at.method_descriptor)
    }
}

/// Methods whose two adjacent string arguments are a name and a value.
const NAME_VALUE_SINKS: &[&str] = &[
    "put",
    "putString",
    "putExtra",
    "putOpt",
    "accumulate",
    "addHeader",
    "header",
    "setHeader",
    "addRequestProperty",
    "setRequestProperty",
    "add",
    "addEncoded",
    "addQueryParameter",
    "appendQueryParameter",
    "addFormDataPart",
    "setProperty",
    "addParam",
    "addParameter",
    "setParameter",
    "param",
    "<init>",
];

/// Credential APIs and the parameter that carries the password or passphrase.
const PASSWORD_PARAMETERS: &[(&str, usize)] = &[
    (
        "Ljava/security/KeyStore;->getKey(Ljava/lang/String;[C)Ljava/security/Key;",
        1,
    ),
    (
        "Ljavax/net/ssl/KeyManagerFactory;->init(Ljava/security/KeyStore;[C)V",
        1,
    ),
    (
        "Ljava/net/PasswordAuthentication;-><init>(Ljava/lang/String;[C)V",
        1,
    ),
    (
        "Ljavax/mail/PasswordAuthentication;-><init>(Ljava/lang/String;Ljava/lang/String;)V",
        1,
    ),
    (
        "Lorg/apache/http/auth/UsernamePasswordCredentials;-><init>(Ljava/lang/String;Ljava/lang/String;)V",
        1,
    ),
    (
        "Lokhttp3/Credentials;->basic(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;",
        1,
    ),
    (
        "Lokhttp3/Credentials;->basic(Ljava/lang/String;Ljava/lang/String;Ljava/nio/charset/Charset;)Ljava/lang/String;",
        1,
    ),
    (
        "Landroid/webkit/HttpAuthHandler;->proceed(Ljava/lang/String;Ljava/lang/String;)V",
        1,
    ),
    (
        "Ljava/sql/DriverManager;->getConnection(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Ljava/sql/Connection;",
        2,
    ),
    (
        "Lnet/sqlcipher/database/SQLiteOpenHelper;->getWritableDatabase(Ljava/lang/String;)Lnet/sqlcipher/database/SQLiteDatabase;",
        0,
    ),
    (
        "Lnet/sqlcipher/database/SQLiteOpenHelper;->getReadableDatabase(Ljava/lang/String;)Lnet/sqlcipher/database/SQLiteDatabase;",
        0,
    ),
    (
        "Lnet/sqlcipher/database/SQLiteOpenHelper;->getWritableDatabase([C)Lnet/sqlcipher/database/SQLiteDatabase;",
        0,
    ),
    ("Lnet/sqlcipher/database/SupportFactory;-><init>([B)V", 0),
    (
        "Lnet/zetetic/database/sqlcipher/SupportOpenHelperFactory;-><init>([B)V",
        0,
    ),
];

type StringKey = (u16, u32);

fn string_key(r: &StringRef) -> StringKey {
    (r.dex.0, r.string.0)
}

/// The names DEX code assigns pool strings to: static fields they initialise or are written to,
/// instance fields they are stored in, keys they are put next to.
fn dex_names(dex: &Analysis<'_>, refs: &[StringRef]) -> HashMap<StringKey, String> {
    let app = dex.app();
    let mut names = HashMap::new();
    for r in refs {
        if let StringUse::StaticValue { field, .. } = r.usage
            && let Some(key) = app.dex(r.dex).and_then(|d| d.field_key(field))
        {
            names
                .entry(string_key(r))
                .or_insert_with(|| app.text(key.name).into_owned());
        }
    }
    for access in dex.index().field_accesses() {
        if access.write
            && let ConstValue::String(StrRef::Pool { dex: d, idx }) = access.value
        {
            names
                .entry((d.0, idx.0))
                .or_insert_with(|| app.text(access.field.name).into_owned());
        }
    }
    let sinks: Vec<_> = NAME_VALUE_SINKS.iter().filter_map(|n| app.sym(n)).collect();
    for call in dex.call_sites() {
        let Some(callee) = call.callee() else {
            continue;
        };
        if !sinks.contains(&callee.name) {
            continue;
        }
        let args = call.args();
        for pair in args.windows(2) {
            let (Some(name), ConstValue::String(StrRef::Pool { dex: d, idx })) =
                (pair[0].as_str(), pair[1].value())
            else {
                continue;
            };
            if name.len() <= 64 {
                names
                    .entry((d.0, idx.0))
                    .or_insert_with(|| name.into_owned());
            }
        }
    }
    names
}

/// What surrounds a DEX string: its class, method, name and the other strings of the method.
struct DexSurroundings<'x, 'a> {
    first: StringRefView<'x, 'a>,
    name: Option<&'x str>,
    text: OnceCell<String>,
}

impl Surroundings for DexSurroundings<'_, '_> {
    fn mentions(&self, word: &str) -> bool {
        self.text
            .get_or_init(|| {
                let view = self.first;
                let mut text = String::new();
                {
                    let at = view.location();
                    text.push_str(&at.class);
                    text.push(' ');
                    text.push_str(&at.method);
                    if let Some(method) = view.method() {
                        for (_, s) in method.strings() {
                            text.push(' ');
                            text.push_str(&s);
                        }
                    }
                }
                if let Some(name) = self.name {
                    text.push(' ');
                    text.push_str(name);
                }
                text.to_ascii_lowercase()
            })
            .contains(word)
    }
}

/// Every string of a class: the strings its methods load and its static values.
fn class_strings(dex: &Analysis<'_>, class: ClassId, refs: &[StringRef]) -> Vec<String> {
    let mut out: Vec<String> = dex
        .methods_of(class)
        .iter()
        .flat_map(|m| m.strings())
        .map(|(_, s)| s.into_owned())
        .collect();
    out.extend(refs.iter().filter_map(|r| {
        match r.usage {
            StringUse::StaticValue { class: c, .. } if c == class => Some(
                dex.string_text(StrRef::Pool {
                    dex: r.dex,
                    idx: r.string,
                })
                .into_owned(),
            ),
            _ => None,
        }
    }));
    out
}

fn class_of(dex: &Analysis<'_>, r: &StringRef) -> Option<ClassId> {
    match r.usage {
        StringUse::Code { method, .. } => dex.method(method).class(),
        StringUse::StaticValue { class, .. } => Some(class),
    }
}

/// Places of a DEX string, most three, in reference order.
const PLACES_PER_STRING: usize = 3;

fn dex_strings(
    dex: &Analysis<'_>,
    engine: &Engine,
    found: &mut Vec<Found>,
    paired: &mut HashSet<String>,
) {
    let refs: &[StringRef] = dex.index().string_refs();
    let names = dex_names(dex, refs);
    // The references grouped by string (each group in reference order), the groups in the order
    // of their strings' first reference: one flat sorted list instead of a list per string.
    let mut by_string: Vec<(StringKey, u32)> = refs
        .iter()
        .zip(0u32..)
        .map(|(r, i)| (string_key(r), i))
        .collect();
    by_string.sort_unstable();
    let mut groups: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    let mut start = 0;
    while let Some(&(key, first)) = by_string.get(start) {
        let len = by_string
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|(k, _)| *k == key)
            .count();
        groups.push((first, start..start + len));
        start += len;
    }
    groups.sort_unstable_by_key(|(first, _)| *first);
    for (first_index, members) in groups {
        let Some(&first) = refs.get(first_index as usize) else {
            continue;
        };
        let key = string_key(&first);
        let first_view = dex.string_ref(first);
        let text = dex.string_text(StrRef::Pool {
            dex: DexId(key.0),
            idx: StringIdx(key.1),
        });
        if text.len() < 6 {
            continue;
        }
        let name = names.get(&key).map(String::as_str);
        let surroundings = DexSurroundings {
            first: first_view,
            name,
            text: OnceCell::new(),
        };
        let candidates = engine.scan(&text, name, &surroundings);
        if candidates.is_empty() {
            continue;
        }
        let places: Vec<Place> = by_string
            .get(members)
            .unwrap_or_default()
            .iter()
            .filter_map(|&(_, i)| refs.get(i as usize))
            .take(PLACES_PER_STRING)
            .map(|&reference| {
                let at = dex.string_ref(reference).location();
                Place {
                    shown: shown_code(&at),
                    location: code_location(&at),
                }
            })
            .collect();
        for mut candidate in candidates {
            let class = places
                .first()
                .and_then(|p| p.location.class.clone())
                .unwrap_or_default();
            if candidate.kind == Kind::PrivateKey
                && KEY_TEST_VECTOR_NAMESPACES
                    .iter()
                    .any(|ns| class.starts_with(ns))
            {
                continue;
            }
            if candidate.kind == Kind::AwsAccessKey {
                let siblings = class_of(dex, &first)
                    .map(|c| class_strings(dex, c, refs))
                    .unwrap_or_default();
                pair_aws(
                    engine,
                    &mut candidate,
                    siblings.iter().map(String::as_str),
                    "class",
                    paired,
                );
            }
            for place in &places {
                found.push(Found {
                    candidate: candidate.clone(),
                    place: place.clone(),
                });
            }
        }
    }
    password_parameters(dex, found);
    for (d, idx) in dex.unreferenced_strings() {
        let text = dex.string_text(StrRef::Pool { dex: d, idx });
        if text.len() < 16 {
            continue;
        }
        let dex_name = dex.app().dex(d).map(|x| x.name.clone()).unwrap_or_default();
        for candidate in engine.shapes(&text, &Nowhere) {
            found.push(Found {
                candidate,
                place: Place {
                    location: Location::file(dex_name.clone()),
                    shown: format!("the string pool of {dex_name}"),
                },
            });
        }
    }
}

/// Constant passwords handed to credential APIs.
fn password_parameters(dex: &Analysis<'_>, found: &mut Vec<Found>) {
    for (signature, index) in PASSWORD_PARAMETERS {
        for call in dex.calls_to(signature) {
            let Some(arg) = call.param(*index) else {
                continue;
            };
            let Some(value) = arg.as_str().or_else(|| arg.derived_from_string()) else {
                continue;
            };
            if value.chars().count() < 4 || super::values::is_placeholder(&value) {
                continue;
            }
            let api = signature
                .split('(')
                .next()
                .unwrap_or(signature)
                .trim_start_matches('L')
                .replace(";->", ".")
                .replace('/', ".");
            let at = call.location();
            found.push(Found {
                candidate: Candidate {
                    kind: Kind::Password,
                    secret: value.into_owned(),
                    label: "password".to_owned(),
                    severity: None,
                    facts: vec![format!("passed as the password of {api}")],
                    at: 0,
                    name: None,
                },
                place: Place {
                    shown: shown_code(&at),
                    location: code_location(&at),
                },
            });
        }
    }
}

/// `<meta-data android:name="…" android:value="…">` of the application and its components.
fn manifest_meta_data(app: &AppModel, engine: &Engine, found: &mut Vec<Found>) {
    let Some(application) = app.manifest().and_then(|m| m.application.as_ref()) else {
        return;
    };
    let entries = application
        .meta_data
        .iter()
        .chain(application.components.iter().flat_map(|c| &c.meta_data));
    for meta in entries {
        let (Some(name), Some(appvd_axml::Value::String(value))) = (&meta.name, &meta.value) else {
            continue;
        };
        for candidate in engine.scan(value, Some(name), &Nowhere) {
            found.push(Found {
                candidate,
                place: Place {
                    location: Location::file("AndroidManifest.xml").with_line(meta.line),
                    shown: format!("<meta-data android:name=\"{name}\">"),
                },
            });
        }
    }
}

/// A resource name as surroundings.
struct ResourceName<'n>(&'n str);

impl Surroundings for ResourceName<'_> {
    fn mentions(&self, word: &str) -> bool {
        self.0.to_ascii_lowercase().contains(word)
    }
}

fn resources(
    app: &AppModel,
    engine: &Engine,
    found: &mut Vec<Found>,
    paired: &mut HashSet<String>,
) {
    let Some(table) = app.resources() else {
        return;
    };
    let all = table.string_resources();
    let mut seen: HashSet<(&str, &str, &str)> = HashSet::new();
    for resource in &all {
        let value = resource.value.as_str();
        if value.len() < 6
            || !seen.insert((
                resource.name.type_name.as_str(),
                resource.name.entry.as_str(),
                value,
            ))
        {
            continue;
        }
        let entry = resource.name.entry.as_str();
        let surroundings = ResourceName(entry);
        for mut candidate in engine.scan(value, Some(entry), &surroundings) {
            pair_aws(
                engine,
                &mut candidate,
                all.iter().map(|r| r.value.as_str()),
                "resource table",
                paired,
            );
            found.push(Found {
                candidate,
                place: Place {
                    location: Location::file("resources.arsc"),
                    shown: format!("@{}", resource.name),
                },
            });
        }
    }
}

/// Most bytes read from one file, and from all files together.
const MAX_FILE_BYTES: usize = 8 << 20;
const MAX_TOTAL_BYTES: usize = 64 << 20;
/// Most files read.
const MAX_FILES: usize = 4096;
/// Shortest printable run taken from a binary file.
const MIN_RUN: usize = 8;

/// Extensions of files that are never text worth scanning.
#[rustfmt::skip]
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "ico", "svgz", "ogg", "mp3", "wav", "m4a", "aac", "flac",
    "mp4", "webm", "mkv", "3gp", "ttf", "otf", "woff", "woff2", "dex", "so", "arsc", "apk", "jar", "zip",
    "gz", "xz", "bz2", "7z", "tflite", "pb", "onnx", "bin", "db", "sqlite", "realm", "ktx", "pkm", "astc",
    "bnk", "unity3d", "bundle", "assets", "ress", "resource", "jks", "bks", "p12", "pfx", "keystore",
    "der", "cer", "crt",
];

/// Binary files whose string tables hold the app's own constants: Unity IL2CPP metadata and
/// Hermes bytecode bundles of React Native apps.
fn string_table_file(name: &str, prefix: &[u8]) -> bool {
    const HERMES_MAGIC: [u8; 8] = [0xc6, 0x1f, 0xbc, 0x03, 0xc1, 0x03, 0x19, 0x1f];
    name.ends_with("global-metadata.dat") || prefix.starts_with(&HERMES_MAGIC)
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(8192)).unwrap_or_default();
    if head.contains(&0) {
        return false;
    }
    let text = String::from_utf8_lossy(head);
    let bad = text
        .chars()
        .filter(|&c| c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace()))
        .count();
    bad * 100 <= text.chars().count()
}

/// Printable ASCII runs of a binary file, like `strings`.
fn printable_runs(bytes: &[u8]) -> impl Iterator<Item = (usize, &str)> {
    bytes
        .split(|b| !(0x20..0x7f).contains(b))
        .scan(0usize, |offset, run| {
            let start = *offset;
            *offset += run.len() + 1;
            Some((start, run))
        })
        .filter(|(_, run)| run.len() >= MIN_RUN)
        .filter_map(|(at, run)| std::str::from_utf8(run).ok().map(|s| (at, s)))
}

/// A text file as surroundings: its path and its contents.
struct FileText {
    lower: OnceCell<String>,
    source: String,
}

impl Surroundings for FileText {
    fn mentions(&self, word: &str) -> bool {
        self.lower
            .get_or_init(|| self.source.to_ascii_lowercase())
            .contains(word)
    }
}

fn line_of(text: &str, at: usize) -> u32 {
    let before = text.get(..at.min(text.len())).unwrap_or_default();
    u32::try_from(before.bytes().filter(|&b| b == b'\n').count() + 1).unwrap_or(u32::MAX)
}

fn files(app: &AppModel, engine: &Engine, found: &mut Vec<Found>, paired: &mut HashSet<String>) {
    let mut total = 0usize;
    let mut count = 0usize;
    for apk in app.app().apks() {
        let archive = apk.archive();
        for entry in archive
            .entries()
            .iter()
            .filter(|e| e.duplicate_of.is_none() && !e.is_directory)
        {
            let name = entry.name.as_str();
            if !(name.starts_with("assets/") || name.starts_with("res/raw/")) {
                continue;
            }
            let extension = name
                .rsplit('/')
                .next()
                .and_then(|f| f.rsplit_once('.'))
                .map(|(_, e)| e.to_ascii_lowercase());
            if extension
                .as_deref()
                .is_some_and(|e| BINARY_EXTENSIONS.contains(&e))
                || count >= MAX_FILES
                || total >= MAX_TOTAL_BYTES
            {
                continue;
            }
            let Ok(bytes) = archive.read_prefix(entry, MAX_FILE_BYTES.min(MAX_TOTAL_BYTES - total))
            else {
                continue;
            };
            count += 1;
            total += bytes.len();
            let shown_name = crate::rules::files::shown_name(app, apk, name);
            // Key files are the embedded-key-store rule's; this one reports keys inside other
            // files (JSON, properties, scripts).
            let key_file = listing::key_file_kind(name).is_some()
                || listing::sniff_key_material(&bytes)
                    .is_some_and(listing::SniffedKeyMaterial::may_hold_private_key)
                    && !name.ends_with(".json");
            if string_table_file(name, &bytes) {
                let surroundings = FileText {
                    lower: OnceCell::new(),
                    source: shown_name.clone(),
                };
                for (at, run) in printable_runs(&bytes) {
                    for candidate in engine.scan(run, None, &surroundings) {
                        found.push(Found {
                            candidate,
                            place: Place {
                                location: Location::file(shown_name.clone()).with_offset(at as u64),
                                shown: shown_name.clone(),
                            },
                        });
                    }
                }
                continue;
            }
            if !looks_like_text(&bytes) {
                continue;
            }
            let text = String::from_utf8_lossy(&bytes);
            let surroundings = FileText {
                lower: OnceCell::new(),
                source: format!("{shown_name}\n{text}"),
            };
            for mut candidate in engine.scan(&text, None, &surroundings) {
                if key_file && candidate.kind == Kind::PrivateKey {
                    continue;
                }
                pair_aws(engine, &mut candidate, [text.as_ref()], "file", paired);
                let line = line_of(&text, candidate.at);
                found.push(Found {
                    candidate,
                    place: Place {
                        location: Location::file(shown_name.clone()).with_line(line),
                        shown: format!("{shown_name}:{line}"),
                    },
                });
            }
        }
    }
}

/// A native string as surroundings: the library name and the strings near it.
struct NativeStrings<'s> {
    library: &'s str,
    strings: &'s [appvd_elf::FoundString],
    index: usize,
}

impl Surroundings for NativeStrings<'_> {
    fn mentions(&self, word: &str) -> bool {
        const NEAR: usize = 8;
        self.library.to_ascii_lowercase().contains(word)
            || self
                .strings
                .iter()
                .skip(self.index.saturating_sub(NEAR))
                .take(2 * NEAR + 1)
                .any(|s| s.text.to_ascii_lowercase().contains(word))
    }
}

fn native(app: &AppModel, engine: &Engine, found: &mut Vec<Found>, paired: &mut HashSet<String>) {
    for lib in app.native_libs() {
        let Some(facts) = &lib.facts else {
            continue;
        };
        let strings = &facts.strings.strings;
        for (index, s) in strings.iter().enumerate() {
            if s.text.len() < 8 {
                continue;
            }
            let surroundings = NativeStrings {
                library: &lib.name,
                strings,
                index,
            };
            for mut candidate in engine.scan(&s.text, None, &surroundings) {
                pair_aws(
                    engine,
                    &mut candidate,
                    strings.iter().map(|s| s.text.as_str()),
                    "library",
                    paired,
                );
                found.push(Found {
                    candidate,
                    place: Place {
                        location: Location::file(lib.path.clone()).with_offset(s.file_offset),
                        shown: lib.path.clone(),
                    },
                });
            }
        }
    }
}

/// Most places listed per secret.
const MAX_PLACES: usize = 8;

/// One [`Detected`] per kind and secret, in the order first seen. AWS secret access keys already
/// reported with their key id are dropped.
fn group(found: Vec<Found>, paired: &HashSet<String>) -> SecretScan {
    let mut index: HashMap<(Kind, String), usize> = HashMap::new();
    let mut detected: Vec<Detected> = Vec::new();
    for Found { candidate, place } in found {
        if candidate.kind == Kind::AwsAccessKey
            && candidate.name.is_some()
            && paired.contains(&candidate.secret)
        {
            continue;
        }
        let key = (candidate.kind, candidate.secret.clone());
        match index.get(&key).and_then(|&i| detected.get_mut(i)) {
            Some(existing) => {
                if existing.places.len() < MAX_PLACES && !existing.places.contains(&place) {
                    existing.places.push(place);
                }
                // The worst verdict of any occurrence stands (an AWS id paired in one class
                // and alone in another is a working credential).
                if candidate.severity > existing.severity {
                    existing.severity = candidate.severity;
                    existing.facts = candidate.facts;
                }
                if existing.name.is_none() {
                    existing.name = candidate.name;
                }
            }
            None => {
                index.insert(key, detected.len());
                detected.push(Detected {
                    kind: candidate.kind,
                    sha256: sha256_hex(&candidate.secret),
                    preview: preview(&candidate.secret),
                    length: candidate.secret.chars().count(),
                    shown_value: (!candidate.kind.is_credential())
                        .then(|| candidate.secret.clone()),
                    label: candidate.label,
                    severity: candidate.severity,
                    facts: candidate.facts,
                    name: candidate.name,
                    places: vec![place],
                });
            }
        }
    }
    SecretScan { detected }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_hide_most_of_the_secret() {
        assert_eq!(preview("sk_live_51HqLyjWDarjtT1zdp7dc"), "sk_l");
        assert_eq!(preview("Tr0ub4dor&3"), "Tr");
        assert_eq!(preview("abc"), "");
        assert_eq!(preview("密码密码密码密码密码密码密码密码"), "密码密码");
    }

    #[test]
    fn printable_runs_of_binary_data() {
        let data = b"\x00\x01AKIA2E0A8F3B244C9986\x00ab\x00hello world!\xff";
        let runs: Vec<(usize, &str)> = printable_runs(data).collect();
        assert_eq!(runs, [(2, "AKIA2E0A8F3B244C9986"), (26, "hello world!")]);
    }

    #[test]
    fn text_is_told_from_binary() {
        assert!(looks_like_text(b"{\"a\": 1}\n"));
        assert!(looks_like_text("中文配置 = 1".as_bytes()));
        assert!(!looks_like_text(b"\x89PNG\r\n\x1a\n\x00\x00"));
        assert!(!looks_like_text(&[0xff; 64]));
        assert!(looks_like_text(b""));
    }

    #[test]
    fn string_tables_of_game_engines_and_hermes_are_recognised() {
        let hermes = [0xc6, 0x1f, 0xbc, 0x03, 0xc1, 0x03, 0x19, 0x1f, 0x60, 0x00];
        assert!(string_table_file("assets/index.android.bundle", &hermes));
        assert!(!string_table_file(
            "assets/index.android.bundle",
            b"var __BUNDLE"
        ));
        assert!(string_table_file(
            "assets/bin/Data/Managed/Metadata/global-metadata.dat",
            b"\xaf\x1b\xb1\xfa"
        ));
        assert!(!string_table_file("assets/level1.dat", b"\x00\x01"));
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a", 99), 1);
    }

    fn place(shown: &str) -> Place {
        Place {
            location: Location::file(shown),
            shown: shown.to_owned(),
        }
    }

    fn candidate(kind: Kind, secret: &str, severity: Option<Severity>) -> Candidate {
        Candidate {
            kind,
            secret: secret.to_owned(),
            label: "x".to_owned(),
            severity,
            facts: Vec::new(),
            at: 0,
            name: None,
        }
    }

    #[test]
    fn grouping_by_secret_keeps_every_place_and_the_worst_verdict() {
        let found = vec![
            Found {
                candidate: candidate(
                    Kind::AwsAccessKey,
                    "AKIA2E0A8F3B244C9986",
                    Some(Severity::Low),
                ),
                place: place("a"),
            },
            Found {
                candidate: candidate(Kind::GoogleApiKey, "AIzaX", None),
                place: place("b"),
            },
            Found {
                candidate: candidate(
                    Kind::AwsAccessKey,
                    "AKIA2E0A8F3B244C9986",
                    Some(Severity::Critical),
                ),
                place: place("c"),
            },
        ];
        let scan = group(found, &HashSet::new());
        assert_eq!(scan.detected.len(), 2);
        let aws = &scan.detected[0];
        assert_eq!(aws.severity, Some(Severity::Critical));
        assert_eq!(
            aws.places
                .iter()
                .map(|p| p.shown.as_str())
                .collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(aws.preview, "AKIA");
        assert_eq!(aws.length, 20);
        assert_eq!(aws.sha256, sha256_hex("AKIA2E0A8F3B244C9986"));
        assert_eq!(aws.shown_value, None);
    }
}
