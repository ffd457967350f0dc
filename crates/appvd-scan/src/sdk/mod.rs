//! Third-party SDKs and frameworks: the inventory of an app and the attribution of findings to the
//! SDK whose code they lie in.
//!
//! The [catalog](catalog) (`catalog.toml`, compiled into the binary) describes each known SDK:
//! name, vendor, categories (the tracker categories are analytics, advertising, crash reporting,
//! profiling, identification and location), website, and its fingerprints — package prefixes of
//! the classes it defines, manifest `<meta-data>` names it asks apps to declare, the Maven
//! coordinates of its `META-INF/<group>_<artifact>.version` files, native library names, marker
//! files, network hosts only it talks to, and constants that carry its version. [`inventory`]
//! matches an app against the catalog and returns one [`SdkInfo`] per SDK found, with what matched
//! and the version when known; [`attribute`] then sets [`Finding::sdk`] for findings whose class,
//! manifest component or native library belongs to one of those SDKs.
//!
//! Matching uses the classes the app *defines* (every `classes*.dex`), not types it merely
//! references, and the longest package prefix wins (`com.google.android.gms.ads` before
//! `com.google.android.gms`). Classes in the app's own package are never attributed to an SDK
//! whose namespace contains it or lies inside it: an SDK vendor's own app is not its SDK. SDKs
//! repackaged under random names by R8 are not recognised from classes; their manifest entries,
//! version files and native libraries still count, and so do the hosts they talk to.
//!
//! Hosts are read from the DEX string constants and the string resources (see [`hosts`] for what
//! a host is and how it matches). A host in the code of another catalog SDK (a consent SDK's
//! vendor list, a mediation adapter) or in a vendor's own app does not count. A host adds evidence
//! to an SDK found otherwise and identifies an SDK whose classes were renamed, but never
//! attributes findings: [`attribute`] ignores SDKs known only by their hosts.

pub mod catalog;
mod hosts;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

use crate::finding::{Finding, Location};
use crate::model::AppModel;
pub use catalog::{Category, Sdk, catalog};
use hosts::{HostIndex, may_hold_host};

/// One SDK found in an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkInfo {
    /// The catalog id (`firebase-analytics`), stable across releases.
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub categories: Vec<Category>,
    /// Whether the SDK is a tracker (a tracker category, unless the catalog says otherwise).
    pub tracker: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// The version, when a version file or a known constant gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Where the version came from (`META-INF/…version`, a field, a string constant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_source: Option<String>,
    /// Packages (dotted) under which the app defines classes of the SDK.
    pub packages: Vec<String>,
    /// Number of classes the app defines in those packages.
    pub classes: usize,
    /// Files that matched: version files, native libraries, marker files.
    pub files: Vec<String>,
    /// Everything that matched, for the report.
    pub matched: Vec<Match>,
}

impl SdkInfo {
    pub fn is_tracker(&self) -> bool {
        self.tracker
    }
}

/// What identified an SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Classes defined under a package prefix.
    Package,
    /// A manifest component (activity, service, receiver, provider) in the SDK's packages.
    ManifestComponent,
    /// A manifest `<meta-data>` name.
    MetaData,
    /// A `META-INF/*.version` file.
    VersionFile,
    /// A native library.
    NativeLibrary,
    /// A marker file (framework assets, SDK resources).
    File,
    /// A host the SDK talks to, in a string constant or a string resource.
    #[serde(rename = "network_host")]
    Host,
}

impl MatchKind {
    fn as_str(self) -> &'static str {
        match self {
            MatchKind::Package => "classes",
            MatchKind::ManifestComponent => "manifest component",
            MatchKind::MetaData => "manifest meta-data",
            MatchKind::VersionFile => "version file",
            MatchKind::NativeLibrary => "native library",
            MatchKind::File => "file",
            MatchKind::Host => "network host",
        }
    }
}

/// One fingerprint that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    pub kind: MatchKind,
    /// The package, component, meta-data name or file.
    pub value: String,
    /// How many classes (for packages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl fmt::Display for Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.count {
            Some(n) => write!(f, "{} {} ({n})", self.kind.as_str(), self.value),
            None => write!(f, "{} {}", self.kind.as_str(), self.value),
        }
    }
}

/// Package prefixes and class names of the catalog, each owned by one SDK.
struct PrefixIndex {
    owner: HashMap<&'static str, usize>,
}

impl PrefixIndex {
    fn new(sdks: impl Iterator<Item = (usize, &'static Sdk)>) -> Self {
        let mut owner = HashMap::new();
        for (i, sdk) in sdks {
            for prefix in &sdk.packages {
                owner.entry(prefix.as_str()).or_insert(i);
            }
        }
        PrefixIndex { owner }
    }

    /// The SDK owning a dotted class name, and the prefix that matched: the class itself (or the
    /// outer class of a nested one), then its packages from the longest.
    fn lookup<'n>(&self, class: &'n str) -> Option<(usize, &'n str)> {
        let outer = class.split('$').next().unwrap_or(class);
        if let Some(&i) = self.owner.get(outer) {
            return Some((i, outer));
        }
        let mut end = outer.len();
        while let Some(dot) = outer.get(..end).and_then(|s| s.rfind('.')) {
            let package = outer.get(..dot).unwrap_or_default();
            if let Some(&i) = self.owner.get(package) {
                return Some((i, package));
            }
            end = dot;
        }
        None
    }
}

/// The package and host indexes of the whole catalog, built on first use.
fn catalog_indexes() -> &'static (PrefixIndex, HostIndex) {
    static INDEXES: OnceLock<(PrefixIndex, HostIndex)> = OnceLock::new();
    INDEXES.get_or_init(|| {
        let sdks = catalog();
        (
            PrefixIndex::new(sdks.iter().enumerate()),
            HostIndex::new(sdks.iter().enumerate()),
        )
    })
}

/// Whether a dotted name is `outer` or lies inside it (a subpackage, a class, a nested class).
fn within(inner: &str, outer: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('$'))
}

/// Whether a class of the app's own package must not count for an SDK prefix: the app's package
/// and the prefix are nested one way or the other (the SDK vendor's own app).
fn own_code(app_package: Option<&str>, class: &str, prefix: &str) -> bool {
    app_package.is_some_and(|p| (within(p, prefix) || within(prefix, p)) && within(class, p))
}

/// Whether a file name matches a catalog pattern: `dir/` (a prefix), `a*b` (one wildcard), or the
/// exact name.
fn file_matches(pattern: &str, name: &str) -> bool {
    if pattern.ends_with('/') {
        return name.starts_with(pattern);
    }
    match pattern.split_once('*') {
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
        None => name == pattern,
    }
}

/// Finds the catalog SDKs in an app.
pub fn inventory(app: &AppModel) -> Vec<SdkInfo> {
    inventory_with_places(app).0
}

/// The hosts of one SDK found in the app, and the first place that uses one.
#[derive(Default)]
struct HostsFound {
    names: BTreeSet<String>,
    place: Option<Location>,
}

/// [`inventory`], with the place where the app uses the first host of each SDK matched by host
/// (by SDK id): the location of a finding about an SDK that has no classes or files to show.
pub(crate) fn inventory_with_places(app: &AppModel) -> (Vec<SdkInfo>, HashMap<String, Location>) {
    let sdks = catalog();
    let app_package = app.manifest().and_then(|m| m.package.as_deref());
    let (index, host_index) = catalog_indexes();
    let mut meta_owners: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut native_patterns: Vec<(usize, &str)> = Vec::new();
    let mut file_patterns: Vec<(usize, &str)> = Vec::new();
    for (i, sdk) in sdks.iter().enumerate() {
        for name in &sdk.meta_data {
            meta_owners.entry(name.as_str()).or_default().push(i);
        }
        native_patterns.extend(sdk.native.iter().map(|p| (i, p.as_str())));
        file_patterns.extend(sdk.files.iter().map(|p| (i, p.as_str())));
    }
    let mut found: BTreeMap<usize, SdkInfo> = BTreeMap::new();
    let mut note = |i: usize, m: Match| {
        let Some(sdk) = sdks.get(i) else {
            return;
        };
        let info = found.entry(i).or_insert_with(|| sdk.info());
        match m.kind {
            MatchKind::Package => {
                info.classes += m.count.unwrap_or(0);
                if !info.packages.contains(&m.value) {
                    info.packages.push(m.value.clone());
                }
            }
            MatchKind::VersionFile | MatchKind::NativeLibrary | MatchKind::File => {
                if !info.files.contains(&m.value) {
                    info.files.push(m.value.clone());
                }
            }
            MatchKind::ManifestComponent | MatchKind::MetaData | MatchKind::Host => {}
        }
        if !info.matched.contains(&m) {
            info.matched.push(m);
        }
    };

    // Defined classes, counted per matching prefix.
    if let Some(dex) = app.dex() {
        let mut per_prefix: BTreeMap<(usize, String), usize> = BTreeMap::new();
        let analysis_app = dex.app();
        for class in analysis_app.classes() {
            let descriptor = analysis_app.text(class.descriptor);
            let dotted = appvd_dex::framework::java_name_of(&descriptor);
            if let Some((i, prefix)) = index.lookup(&dotted)
                && !own_code(app_package, &dotted, prefix)
            {
                *per_prefix.entry((i, prefix.to_owned())).or_insert(0) += 1;
            }
        }
        for ((i, prefix), count) in per_prefix {
            note(
                i,
                Match {
                    kind: MatchKind::Package,
                    value: prefix,
                    count: Some(count),
                },
            );
        }
    }

    // Manifest components and meta-data.
    if let Some(application) = app.manifest().and_then(|m| m.application.as_ref()) {
        for component in &application.components {
            let Some(class) = component.class_name.as_deref() else {
                continue;
            };
            if let Some((i, prefix)) = index.lookup(class)
                && !own_code(app_package, class, prefix)
            {
                note(
                    i,
                    Match {
                        kind: MatchKind::ManifestComponent,
                        value: class.to_owned(),
                        count: None,
                    },
                );
            }
        }
        let meta_names = application
            .meta_data
            .iter()
            .chain(application.components.iter().flat_map(|c| &c.meta_data))
            .filter_map(|m| m.name.as_deref());
        for name in meta_names {
            for &i in meta_owners.get(name).into_iter().flatten() {
                note(
                    i,
                    Match {
                        kind: MatchKind::MetaData,
                        value: name.to_owned(),
                        count: None,
                    },
                );
            }
        }
    }

    // Files: version files, native libraries, markers.
    let mut versions: HashMap<usize, (String, String)> = HashMap::new();
    for (apk, name) in app.entry_names() {
        if let Some(coordinates) = name
            .strip_prefix("META-INF/")
            .and_then(|n| n.strip_suffix(".version"))
            && let Some((group, artifact)) = coordinates.split_once('_')
        {
            for (i, sdk) in sdks.iter().enumerate().filter(|(_, s)| !s.maven.is_empty()) {
                let Some(rank) = sdk.maven_rank(group, artifact) else {
                    continue;
                };
                note(
                    i,
                    Match {
                        kind: MatchKind::VersionFile,
                        value: name.to_owned(),
                        count: None,
                    },
                );
                let better = versions
                    .get(&i)
                    .is_none_or(|(_, source)| sdk.source_rank(source) > rank);
                if better && let Some(version) = read_version_file(apk, name) {
                    versions.insert(i, (version, name.to_owned()));
                }
            }
        }
        if let Some((_, library)) = appvd_apk::listing::native_library(name) {
            for &(i, _) in native_patterns
                .iter()
                .filter(|(_, p)| file_matches(p, library))
            {
                note(
                    i,
                    Match {
                        kind: MatchKind::NativeLibrary,
                        value: library.to_owned(),
                        count: None,
                    },
                );
            }
        }
        for &(i, pattern) in &file_patterns {
            if file_matches(pattern, name) {
                // A directory marker is reported once, as the directory.
                let value = if pattern.ends_with('/') {
                    pattern.to_owned()
                } else {
                    name.to_owned()
                };
                note(
                    i,
                    Match {
                        kind: MatchKind::File,
                        value,
                        count: None,
                    },
                );
            }
        }
    }

    // Network hosts.
    let mut hosts: BTreeMap<usize, HostsFound> = BTreeMap::new();
    if !host_index.is_empty() {
        if let Some(dex) = app.dex() {
            dex_hosts(dex, host_index, index, sdks, app_package, &mut hosts);
        }
        resource_hosts(app, host_index, &mut hosts);
    }
    let mut places = HashMap::new();
    for (i, found_hosts) in hosts {
        if let (Some(sdk), Some(place)) = (sdks.get(i), found_hosts.place) {
            places.insert(sdk.id.clone(), place);
        }
        for host in found_hosts.names.into_iter().take(MAX_HOSTS_SHOWN) {
            note(
                i,
                Match {
                    kind: MatchKind::Host,
                    value: host,
                    count: None,
                },
            );
        }
    }

    // Versions: version files first, then constants in code.
    if let Some(dex) = app.dex() {
        constant_versions(dex, sdks, &found, &mut versions);
    }
    for (i, (version, source)) in versions {
        if let Some(info) = found.get_mut(&i) {
            info.version = Some(version);
            info.version_source = Some(source);
        }
    }
    let mut list: Vec<SdkInfo> = found.into_values().collect();
    list.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    (list, places)
}

/// Most hosts listed per SDK (alphabetically first).
const MAX_HOSTS_SHOWN: usize = 5;

/// Catalog hosts in the DEX string constants, each string looked at once. A host counts at a
/// place outside the code of other catalog SDKs and outside a vendor's own app.
fn dex_hosts(
    dex: &appvd_dex::Analysis<'_>,
    index: &HostIndex,
    prefixes: &PrefixIndex,
    sdks: &[Sdk],
    app_package: Option<&str>,
    found: &mut BTreeMap<usize, HostsFound>,
) {
    // Per pool string: not referenced, referenced, or n + 2 for the n-th list of hosts still to
    // place.
    const UNUSED: u32 = 0;
    const REFERENCED: u32 = 1;
    let files = dex.app().dexes();
    let mut state: Vec<Vec<u32>> = files
        .iter()
        .map(|d| vec![UNUSED; d.file.string_count() as usize])
        .collect();
    for view in dex.string_refs() {
        let reference = view.reference();
        if let Some(slot) = state
            .get_mut(usize::from(reference.dex.0))
            .and_then(|s| s.get_mut(reference.string.as_usize()))
        {
            *slot = REFERENCED;
        }
    }
    // The strings in pool order, which is their order in the file: the bytes are read in one
    // sweep rather than in the scattered order of the code that uses them.
    let mut pending: Vec<Vec<(usize, String)>> = Vec::new();
    for (file, states) in files.iter().zip(state.iter_mut()) {
        for (n, slot) in states.iter_mut().enumerate() {
            if *slot != REFERENCED {
                continue;
            }
            let Some(string) = u32::try_from(n)
                .ok()
                .and_then(|n| file.file.string(appvd_dex::ids::StringIdx(n)).ok())
            else {
                continue;
            };
            if !may_hold_host(string.as_bytes()) {
                continue;
            }
            // MUTF-8 that is valid UTF-8 reads the same; only NUL and supplementary characters
            // differ, and they are not valid UTF-8.
            let text = match std::str::from_utf8(string.as_bytes()) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => string.to_str_lossy(),
            };
            let mut hits = Vec::new();
            index.find(&text, |i, host| hits.push((i, host.to_owned())));
            if hits.is_empty() {
                continue;
            }
            if let Ok(list) = u32::try_from(pending.len()) {
                pending.push(hits);
                *slot = list.saturating_add(2);
            }
        }
    }
    if pending.is_empty() {
        return;
    }
    // Places, in reference order, until every host of a string has counted once.
    for view in dex.string_refs() {
        let reference = view.reference();
        let Some(slot) = state
            .get_mut(usize::from(reference.dex.0))
            .and_then(|s| s.get_mut(reference.string.as_usize()))
        else {
            continue;
        };
        let Some(hits) = slot
            .checked_sub(2)
            .and_then(|n| pending.get_mut(n as usize))
        else {
            continue;
        };
        let at = view.location();
        let class = at.java_class.as_str();
        let other_sdk = prefixes
            .lookup(class)
            .filter(|&(_, prefix)| !own_code(app_package, class, prefix))
            .map(|(owner, _)| owner);
        hits.retain(|(i, host)| {
            let vendor_app = sdks
                .get(*i)
                .is_some_and(|s| s.packages.iter().any(|p| own_code(app_package, class, p)));
            let counts = other_sdk.is_none_or(|owner| owner == *i) && !vendor_app;
            if counts {
                let entry = found.entry(*i).or_default();
                entry.names.insert(host.clone());
                entry
                    .place
                    .get_or_insert_with(|| crate::rules::code_location(&at));
            }
            !counts
        });
        if hits.is_empty() {
            *slot = REFERENCED;
        }
    }
}

/// Catalog hosts in string resources (every configuration).
fn resource_hosts(app: &AppModel, index: &HostIndex, found: &mut BTreeMap<usize, HostsFound>) {
    let Some(table) = app.resources() else {
        return;
    };
    // Every string value of the table lies in its global pool, once.
    let count = u32::try_from(table.global_string_count()).unwrap_or(u32::MAX);
    for n in 0..count {
        let Some(value) = table.global_string(n) else {
            continue;
        };
        if !may_hold_host(value.as_bytes()) {
            continue;
        }
        index.find(&value, |i, host| {
            let entry = found.entry(i).or_default();
            entry.names.insert(host.to_owned());
            entry
                .place
                .get_or_insert_with(|| Location::file("resources.arsc"));
        });
    }
}

/// Longest version text kept.
const MAX_VERSION_LEN: usize = 40;

fn plausible_version(text: &str) -> Option<String> {
    let text = text.trim();
    let ok = !text.is_empty()
        && text.len() <= MAX_VERSION_LEN
        && text.chars().next().is_some_and(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    ok.then(|| text.to_owned())
}

fn read_version_file(apk: &appvd_apk::Apk, name: &str) -> Option<String> {
    let entry = apk.archive().by_name(name)?;
    let bytes = apk.archive().read_prefix(entry, 64).ok()?;
    plausible_version(&String::from_utf8_lossy(&bytes))
}

/// Versions from constants: `static final String` fields the catalog names, the SDK's
/// `BuildConfig.VERSION_NAME`, and string constants with a known prefix (`okhttp/4.12.0`).
fn constant_versions(
    dex: &appvd_dex::Analysis<'_>,
    sdks: &[Sdk],
    found: &BTreeMap<usize, SdkInfo>,
    versions: &mut HashMap<usize, (String, String)>,
) {
    let app = dex.app();
    let static_string = |field: &str| -> Option<String> {
        let (class, rest) = field.split_once("->")?;
        let (name, ty) = rest.split_once(':')?;
        let key = appvd_dex::app::FieldKey {
            class: app.sym(class)?,
            name: app.sym(name)?,
            type_: app.sym(ty)?,
        };
        match app.static_const(key)? {
            appvd_dex::app::StaticConst::Str(s) => plausible_version(s),
            _ => None,
        }
    };
    let mut wanted_prefixes: Vec<(usize, &str)> = Vec::new();
    for (&i, info) in found {
        if versions.contains_key(&i) {
            continue;
        }
        let Some(sdk) = sdks.get(i) else {
            continue;
        };
        let from_field = sdk
            .version_fields
            .iter()
            .find_map(|f| static_string(f).map(|v| (v, f.clone())))
            .or_else(|| {
                info.packages.iter().find_map(|p| {
                    let field = format!(
                        "L{}/BuildConfig;->VERSION_NAME:Ljava/lang/String;",
                        p.replace('.', "/")
                    );
                    static_string(&field).map(|v| (v, field))
                })
            });
        match from_field {
            Some(found) => {
                versions.insert(i, found);
            }
            None => wanted_prefixes.extend(sdk.version_strings.iter().map(|p| (i, p.as_str()))),
        }
    }
    if wanted_prefixes.is_empty() {
        return;
    }
    for reference in dex.string_refs() {
        let text = reference.text();
        for &(i, prefix) in &wanted_prefixes {
            if versions.contains_key(&i) {
                continue;
            }
            if let Some(version) = text.strip_prefix(prefix).and_then(plausible_version) {
                versions.insert(i, (version, format!("string constant \"{text}\"")));
            }
        }
    }
}

/// Sets [`Finding::sdk`] for findings that lie in an SDK of the inventory: by class (or manifest
/// component) through the SDK's package prefixes, or by native library name. Findings already
/// attributed are left alone.
pub fn attribute(app: &AppModel, inventory: &[SdkInfo], findings: &mut [Finding]) {
    let sdks = catalog();
    // An SDK known only by the hosts it talks to has no code of its own to attribute to.
    let wanted: HashMap<&str, &SdkInfo> = inventory
        .iter()
        .filter(|s| s.matched.iter().any(|m| m.kind != MatchKind::Host))
        .map(|s| (s.id.as_str(), s))
        .collect();
    let present = sdks
        .iter()
        .enumerate()
        .filter(|(_, s)| wanted.contains_key(s.id.as_str()));
    let index = PrefixIndex::new(present.clone());
    let app_package = app.manifest().and_then(|m| m.package.as_deref());
    let name_of = |i: usize| sdks.get(i).map(|s| s.name.clone());
    for finding in findings.iter_mut().filter(|f| f.sdk.is_none()) {
        let by_class = finding
            .location
            .class
            .as_deref()
            .or(finding.location.component.as_deref())
            .and_then(|class| {
                let (i, prefix) = index.lookup(class)?;
                (!own_code(app_package, class, prefix)).then_some(i)
            });
        let by_library = || {
            let file = finding.location.file.as_deref()?;
            let entry = file.rsplit('!').next().unwrap_or(file);
            let (_, library) = appvd_apk::listing::native_library(entry)?;
            present
                .clone()
                .find(|(_, s)| s.native.iter().any(|p| file_matches(p, library)))
                .map(|(i, _)| i)
        };
        if let Some(i) = by_class.or_else(by_library) {
            finding.sdk = name_of(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_at_package_boundaries() {
        let sdks = catalog();
        let index = PrefixIndex::new(sdks.iter().enumerate());
        let id = |class: &str| {
            index
                .lookup(class)
                .and_then(|(i, _)| sdks.get(i))
                .map(|s| s.id.as_str())
        };
        assert_eq!(
            id("com.google.android.gms.ads.AdView"),
            Some("google-admob")
        );
        assert_eq!(
            id("com.google.android.gms.common.api.Api"),
            Some("google-play-services")
        );
        assert_eq!(
            id("com.google.android.gms.adsx.Foo"),
            Some("google-play-services")
        );
        assert_eq!(
            id("com.umeng.analytics.MobclickAgent$PageMode"),
            Some("umeng-analytics")
        );
        assert_eq!(id("com.facebook.FacebookSdk"), Some("facebook-core"));
        assert_eq!(id("com.facebook.FacebookSdkX"), None);
        assert_eq!(
            id("com.facebook.drawee.view.SimpleDraweeView"),
            Some("facebook-fresco")
        );
        assert_eq!(id("okhttp3.OkHttpClient"), Some("okhttp"));
        assert_eq!(id("okhttp3x.Foo"), None);
        assert_eq!(id("com.acme.app.MainActivity"), None);
        assert_eq!(id(""), None);
    }

    #[test]
    fn own_code_is_not_an_sdk() {
        assert!(own_code(
            Some("com.facebook.katana"),
            "com.facebook.katana.Main",
            "com.facebook"
        ));
        assert!(own_code(
            Some("com.tencent.mm"),
            "com.tencent.mm.opensdk.Api",
            "com.tencent.mm.opensdk"
        ));
        assert!(!own_code(
            Some("com.acme.app"),
            "com.facebook.FacebookSdk",
            "com.facebook.FacebookSdk"
        ));
        assert!(!own_code(
            Some("com.facebook.katana"),
            "com.facebook.ads.AdView",
            "com.facebook.ads"
        ));
        assert!(!own_code(
            None,
            "com.facebook.ads.AdView",
            "com.facebook.ads"
        ));
    }

    #[test]
    fn file_patterns() {
        assert!(file_matches("libflutter.so", "libflutter.so"));
        assert!(!file_matches("libflutter.so", "libflutter2.so"));
        assert!(file_matches(
            "libBaiduMapSDK_*.so",
            "libBaiduMapSDK_base_v7_6_1.so"
        ));
        assert!(!file_matches("libBaiduMapSDK_*.so", "libBaiduMapSDK_"));
        assert!(file_matches(
            "assets/flutter_assets/",
            "assets/flutter_assets/AssetManifest.json"
        ));
        assert!(file_matches(
            "assets/apps/__UNI__*",
            "assets/apps/__UNI__12AB34C/www/manifest.json"
        ));
    }

    #[test]
    fn versions_are_plausible() {
        assert_eq!(plausible_version("21.5.0\n"), Some("21.5.0".to_owned()));
        assert_eq!(
            plausible_version("1.0.0-alpha01"),
            Some("1.0.0-alpha01".to_owned())
        );
        assert_eq!(plausible_version("task ':app:x'"), None);
        assert_eq!(plausible_version(""), None);
        assert_eq!(plausible_version(&"9".repeat(41)), None);
    }

    fn finding(class: Option<&str>, file: Option<&str>) -> Finding {
        Finding {
            rule: "x.y",
            severity: crate::finding::Severity::Info,
            title: "t",
            message: String::new(),
            masvs: "MASVS-CODE-1",
            cwe: 1,
            location: Location {
                class: class.map(str::to_owned),
                file: file.map(str::to_owned),
                ..Default::default()
            },
            evidence: String::new(),
            fingerprint: String::new(),
            sdk: None,
        }
    }

    #[test]
    fn attribution_through_the_inventory() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules/privacy.trackers/positive.apk");
        let app = AppModel::open(&path).expect("fixture");
        let inventory = inventory(&app);
        let ids: Vec<&str> = inventory.iter().map(|s| s.id.as_str()).collect();
        assert!(ids.contains(&"umeng-analytics"), "{ids:?}");
        assert!(ids.contains(&"okhttp"), "{ids:?}");
        let mut findings = vec![
            finding(
                Some("com.umeng.analytics.MobclickAgent"),
                Some("classes.dex"),
            ),
            finding(Some("com.appvd.fixture.MainActivity"), None),
            finding(Some("com.adjust.sdk.Adjust"), None),
            finding(None, Some("lib/arm64-v8a/libflutter.so")),
        ];
        attribute(&app, &inventory, &mut findings);
        let umeng = inventory
            .iter()
            .find(|s| s.id == "umeng-analytics")
            .map(|s| s.name.clone());
        assert_eq!(findings[0].sdk, umeng);
        assert_eq!(findings[1].sdk, None, "the app's own code");
        assert_eq!(findings[2].sdk, None, "an SDK the app does not have");
        assert_eq!(
            findings[3].sdk, None,
            "a library of an SDK the app does not have"
        );
        let json = serde_json::to_value(&inventory).expect("serialises");
        let version = |list: &[SdkInfo], id: &str| {
            list.iter()
                .find(|s| s.id == id)
                .and_then(|s| s.version.clone())
        };
        assert_eq!(
            version(&inventory, "firebase-analytics").as_deref(),
            Some("21.5.0")
        );
        assert_eq!(version(&inventory, "okhttp").as_deref(), Some("4.12.0"));
        let negative = AppModel::open(&path.with_file_name("negative.apk")).expect("fixture");
        let frameworks = super::inventory(&negative);
        assert_eq!(version(&frameworks, "okhttp").as_deref(), Some("3.14.9"));
        let flutter = frameworks
            .iter()
            .find(|s| s.id == "flutter")
            .expect("flutter");
        assert_eq!(flutter.files, ["assets/flutter_assets/", "libflutter.so"]);
        assert!(frameworks.iter().all(|s| !s.is_tracker()));
        let mut native = vec![finding(None, Some("lib/arm64-v8a/libflutter.so"))];
        attribute(&negative, &frameworks, &mut native);
        assert_eq!(native[0].sdk.as_deref(), Some("Flutter"));
        assert!(json.as_array().is_some_and(|a| !a.is_empty()));
    }

    fn fixture(kind: &str) -> AppModel {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules/privacy.trackers")
            .join(format!("{kind}.apk"));
        AppModel::open(&path).expect("fixture")
    }

    fn host_matches(info: &SdkInfo) -> Vec<&str> {
        info.matched
            .iter()
            .filter(|m| m.kind == MatchKind::Host)
            .map(|m| m.value.as_str())
            .collect()
    }

    #[test]
    fn hosts_identify_renamed_sdks_without_attributing_findings() {
        let app = fixture("positive");
        let (inventory, places) = inventory_with_places(&app);
        let by_id = |id: &str| inventory.iter().find(|s| s.id == id);
        // Code under a random package that talks to the attribution SDK's hosts.
        let adjust = by_id("adjust").expect("adjust by its hosts");
        assert_eq!(host_matches(adjust), ["app.adjust.com", "gdpr.adjust.com"]);
        assert!(adjust.packages.is_empty() && adjust.files.is_empty());
        assert_eq!(adjust.matched.len(), 2);
        let place = places.get("adjust").expect("place");
        assert_eq!(place.class.as_deref(), Some("q.x9.e"));
        assert_eq!(place.file.as_deref(), Some("classes.dex"));
        // A bare host in a string resource.
        let braze = by_id("braze").expect("braze by its resource");
        assert_eq!(host_matches(braze), ["sdk.iad-03.braze.com"]);
        assert_eq!(
            places.get("braze").and_then(|p| p.file.as_deref()),
            Some("resources.arsc")
        );
        // Evidence for an SDK found by its classes.
        let firebase = by_id("firebase-analytics").expect("firebase");
        assert_eq!(host_matches(firebase), ["app-measurement.com"]);
        assert_eq!(firebase.packages, ["com.google.firebase.analytics"]);
        let json = serde_json::to_value(firebase).expect("serialises");
        assert!(
            json["matched"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["kind"] == "network_host")),
            "{json}"
        );

        // Known by hosts alone, Adjust attributes nothing, not even its own namespace.
        let mut findings = vec![
            finding(Some("q.x9.e"), Some("classes.dex")),
            finding(Some("com.adjust.sdk.Adjust"), None),
            finding(
                Some("com.google.firebase.analytics.FirebaseAnalytics"),
                None,
            ),
        ];
        attribute(&app, &inventory, &mut findings);
        assert_eq!(findings[0].sdk, None);
        assert_eq!(findings[1].sdk, None);
        assert_eq!(findings[2].sdk, firebase_name(&inventory));
    }

    fn firebase_name(inventory: &[SdkInfo]) -> Option<String> {
        inventory
            .iter()
            .find(|s| s.id == "firebase-analytics")
            .map(|s| s.name.clone())
    }

    #[test]
    fn look_alike_hosts_and_hosts_in_other_sdks_do_not_count() {
        let app = fixture("negative");
        let sdks = catalog();
        let index = HostIndex::new(sdks.iter().enumerate());
        let dex = app.dex().expect("dex");
        // The fixture does hold a tracker host, in OkHttp's code.
        let tracker_hosts: Vec<(String, String)> = dex
            .string_refs()
            .flat_map(|r| {
                let mut out = Vec::new();
                let class = r.location().java_class;
                index.find(&r.text(), |i, _| {
                    if let Some(sdk) = sdks.get(i) {
                        out.push((sdk.id.clone(), class.clone()));
                    }
                });
                out
            })
            .collect();
        assert_eq!(
            tracker_hosts,
            [(
                "facebook-core".to_owned(),
                "okhttp3.OkHttpClient".to_owned()
            )]
        );
        let inventory = inventory(&app);
        assert!(
            inventory.iter().all(|s| host_matches(s).is_empty()),
            "{inventory:#?}"
        );
        assert!(inventory.iter().all(|s| !s.is_tracker()));
    }
}
