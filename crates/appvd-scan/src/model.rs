//! The app model: one app, opened once, with the facts every rule reads.
//!
//! [`AppModel::open`] reads the container (plain APK, split set, XAPK, APKS), decodes the manifest
//! and `resources.arsc`, and the res/xml files the manifest points to (network security config,
//! backup rules, FileProvider paths). Native libraries are decoded the first time a rule asks
//! ([`AppModel::native_libs`]), in parallel, so a scan limited to manifest rules never inflates a
//! `.so`. Every decoder's anomalies are gathered into one list ([`AppModel::anomalies`]).

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use appvd_apk::{Apk, App, BundleKind, SharedBytes, SigningInfo};
use appvd_axml::{
    BackupRules, FileProviderPaths, Manifest, NetworkSecurityConfig, ResourceTable, XmlDocument,
};
use appvd_dex::{Analysis, DexInput};
use appvd_elf::ElfFacts;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// An oddity in the input, from whichever decoder saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanAnomaly {
    /// The decoder: `container`, `manifest`, `resources`, `res_xml`, `native`.
    pub source: &'static str,
    /// The decoder's stable kind id (`zip.local_header_mismatch`, …).
    pub kind: String,
    pub message: String,
    /// The file inside the app, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// A res/xml document the manifest points to, decoded and viewed.
#[derive(Debug, Clone)]
pub struct ResXml<T> {
    /// Path inside the APK.
    pub path: String,
    pub view: T,
}

/// One native library of one ABI.
#[derive(Debug, Clone)]
pub struct NativeLib {
    /// Entry name, prefixed with the split's name for split APKs (`lib/arm64-v8a/libfoo.so`).
    pub path: String,
    pub abi: String,
    pub name: String,
    /// `None` when the file could not be read or is not ELF (the reason is an anomaly).
    pub facts: Option<ElfFacts>,
}

/// The bytes of every DEX file of the app, and the analysis that borrows them.
struct DexOwner {
    names: Vec<String>,
    bytes: Vec<SharedBytes>,
}

self_cell::self_cell!(
    struct DexCell {
        owner: DexOwner,
        #[covariant]
        dependent: Analysis,
    }
);

/// The app, as rules see it.
pub struct AppModel {
    path: String,
    /// Computed on first use: `scan` reports it, `info` never needs it.
    sha256: OnceLock<String>,
    /// The hash being computed beside the rules ([`AppModel::hash_in_background`]).
    hashing: Mutex<Option<std::thread::JoinHandle<String>>>,
    size: u64,
    app: App,
    manifest: Option<Manifest>,
    manifest_document: Option<XmlDocument>,
    resources: Option<ResourceTable>,
    network_security_config: Option<ResXml<NetworkSecurityConfig>>,
    backup_rules: Vec<ResXml<BackupRules>>,
    file_provider_paths: Vec<(String, ResXml<FileProviderPaths>)>,
    native: OnceLock<Vec<NativeLib>>,
    dex: OnceLock<Option<DexCell>>,
    /// The secrets search, shared by every `secret.*` rule of a scan.
    secrets: OnceLock<std::sync::Arc<crate::rules::secrets::scan::SecretScan>>,
    anomalies: Mutex<Vec<ScanAnomaly>>,
}

impl std::fmt::Debug for AppModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppModel")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Why an app could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenAppError {
    #[error("{path}: {source}")]
    Container {
        path: String,
        source: appvd_apk::OpenError,
    },
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

const MANIFEST: &str = "AndroidManifest.xml";
const RESOURCES: &str = "resources.arsc";
const FILE_PROVIDER_META: &str = "android.support.FILE_PROVIDER_PATHS";

impl AppModel {
    /// Opens one app file (APK, XAPK or APKS) and decodes everything but native code.
    pub fn open(path: &Path) -> Result<Self, OpenAppError> {
        let display = path.display().to_string();
        let app = App::open(path).map_err(|source| OpenAppError::Container {
            path: display.clone(),
            source,
        })?;
        Ok(Self::from_app(display, app))
    }

    /// Opens a set of split APKs (base first or not: the one with a `<manifest>` without `split=` is
    /// the base) as one app.
    pub fn open_split_set(paths: &[&Path]) -> Result<Self, OpenAppError> {
        let display = paths
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let app = App::open_split_set(paths).map_err(|source| OpenAppError::Container {
            path: display.clone(),
            source,
        })?;
        Ok(Self::from_app(display, app))
    }

    fn from_app(path: String, app: App) -> Self {
        let size = outer_bytes(&app).as_ref().len() as u64;
        let mut model = Self {
            path,
            sha256: OnceLock::new(),
            hashing: Mutex::new(None),
            size,
            app,
            manifest: None,
            manifest_document: None,
            resources: None,
            network_security_config: None,
            backup_rules: Vec::new(),
            file_provider_paths: Vec::new(),
            native: OnceLock::new(),
            dex: OnceLock::new(),
            secrets: OnceLock::new(),
            anomalies: Mutex::new(Vec::new()),
        };
        let container_anomalies: Vec<ScanAnomaly> = model
            .app
            .anomalies()
            .into_iter()
            .map(|a| ScanAnomaly {
                source: "container",
                kind: a.kind.id().to_owned(),
                message: a.message,
                file: a.entry,
                offset: a.offset,
            })
            .collect();
        model.push_anomalies(container_anomalies);
        model.decode_resources_and_manifest();
        model.decode_res_xml();
        model
    }

    fn push_anomalies(&self, more: impl IntoIterator<Item = ScanAnomaly>) {
        if let Ok(mut list) = self.anomalies.lock() {
            list.extend(more);
        }
    }

    fn note(&self, source: &'static str, kind: &str, message: String, file: Option<&str>) {
        self.push_anomalies([ScanAnomaly {
            source,
            kind: kind.to_owned(),
            message,
            file: file.map(str::to_owned),
            offset: None,
        }]);
    }

    fn decode_resources_and_manifest(&mut self) {
        let base = self.app.base();
        if base.archive().by_name(RESOURCES).is_some() {
            match base.archive().read_by_name(RESOURCES) {
                Ok(bytes) => match ResourceTable::parse(&bytes) {
                    Ok((table, anomalies)) => {
                        self.push_anomalies(
                            anomalies
                                .into_iter()
                                .map(|a| axml_anomaly("resources", a, RESOURCES)),
                        );
                        self.resources = Some(table);
                    }
                    Err(e) => self.note(
                        "resources",
                        "arsc.unreadable",
                        e.to_string(),
                        Some(RESOURCES),
                    ),
                },
                Err(e) => self.note(
                    "resources",
                    "arsc.unreadable",
                    e.to_string(),
                    Some(RESOURCES),
                ),
            }
        }
        let bytes = match base.archive().read_by_name(MANIFEST) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.note(
                    "manifest",
                    "manifest.unreadable",
                    e.to_string(),
                    Some(MANIFEST),
                );
                return;
            }
        };
        match XmlDocument::parse(&bytes) {
            Ok((document, anomalies)) => {
                self.push_anomalies(
                    anomalies
                        .into_iter()
                        .map(|a| axml_anomaly("manifest", a, MANIFEST)),
                );
                let (manifest, view_anomalies) =
                    Manifest::from_document(&document, self.resources.as_ref());
                self.push_anomalies(
                    view_anomalies
                        .into_iter()
                        .map(|a| axml_anomaly("manifest", a, MANIFEST)),
                );
                self.manifest = Some(manifest);
                self.manifest_document = Some(document);
            }
            Err(e) => self.note(
                "manifest",
                "manifest.unreadable",
                e.to_string(),
                Some(MANIFEST),
            ),
        }
    }

    /// Reads and decodes a compiled XML file from any APK of the app.
    fn read_xml(&self, path: &str) -> Option<XmlDocument> {
        let apk = self
            .app
            .apks()
            .find(|apk| apk.archive().by_name(path).is_some())?;
        let bytes = match apk.archive().read_by_name(path) {
            Ok(b) => b,
            Err(e) => {
                self.note("res_xml", "res_xml.unreadable", e.to_string(), Some(path));
                return None;
            }
        };
        match XmlDocument::parse(&bytes) {
            Ok((doc, anomalies)) => {
                self.push_anomalies(
                    anomalies
                        .into_iter()
                        .map(|a| axml_anomaly("res_xml", a, path)),
                );
                Some(doc)
            }
            Err(e) => {
                self.note("res_xml", "res_xml.unreadable", e.to_string(), Some(path));
                None
            }
        }
    }

    fn decode_res_xml(&mut self) {
        let Some(application) = self.manifest.as_ref().and_then(|m| m.application.as_ref()) else {
            return;
        };
        let table = self.resources.as_ref();
        let nsc_path = application
            .network_security_config
            .as_ref()
            .and_then(|l| l.path.clone());
        let mut backup_paths: Vec<String> = Vec::new();
        if let Some(appvd_axml::manifest::ResourceOrBool::Resource(link)) =
            &application.full_backup_content
            && let Some(p) = &link.path
        {
            backup_paths.push(p.clone());
        }
        if let Some(p) = application
            .data_extraction_rules
            .as_ref()
            .and_then(|l| l.path.clone())
        {
            backup_paths.push(p);
        }
        let provider_paths: Vec<(String, String)> = application
            .components
            .iter()
            .filter(|c| c.kind == appvd_axml::manifest::ComponentKind::Provider)
            .filter_map(|c| {
                let meta = c.meta_data(FILE_PROVIDER_META)?;
                let path = meta.resource.as_ref()?.path.clone()?;
                Some((c.class_name.clone().unwrap_or_default(), path))
            })
            .collect();

        if let Some(path) = nsc_path
            && let Some(doc) = self.read_xml(&path)
        {
            let (view, anomalies) = NetworkSecurityConfig::from_document(&doc, table);
            self.push_anomalies(
                anomalies
                    .into_iter()
                    .map(|a| axml_anomaly("res_xml", a, &path)),
            );
            self.network_security_config = Some(ResXml { path, view });
        }
        for path in backup_paths {
            if let Some(doc) = self.read_xml(&path) {
                let (view, anomalies) = BackupRules::from_document(&doc, table);
                self.push_anomalies(
                    anomalies
                        .into_iter()
                        .map(|a| axml_anomaly("res_xml", a, &path)),
                );
                self.backup_rules.push(ResXml { path, view });
            }
        }
        for (provider, path) in provider_paths {
            if let Some(doc) = self.read_xml(&path) {
                let (view, anomalies) = FileProviderPaths::from_document(&doc, table);
                self.push_anomalies(
                    anomalies
                        .into_iter()
                        .map(|a| axml_anomaly("res_xml", a, &path)),
                );
                self.file_provider_paths
                    .push((provider, ResXml { path, view }));
            }
        }
    }

    /// The path the app was opened from, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// SHA-256 of the input file, hex; hashed on the first call.
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| {
            let pending = self.hashing.lock().ok().and_then(|mut h| h.take());
            pending
                .and_then(|h| h.join().ok())
                .unwrap_or_else(|| hash_releasing_pages(outer_bytes(&self.app)))
        })
    }

    /// Starts hashing the input on a thread of its own; [`sha256`](Self::sha256) waits for it.
    /// SHA-256 cannot be split, and on a large app it is the longest sequential step of a scan
    /// that skips bytecode, so it runs beside the rules instead of before them.
    pub fn hash_in_background(&self) {
        if self.sha256.get().is_some() {
            return;
        }
        let Ok(mut slot) = self.hashing.lock() else {
            return;
        };
        if slot.is_none() {
            let bytes = outer_bytes(&self.app).clone();
            *slot = std::thread::Builder::new()
                .name("appvd-hash".to_owned())
                .spawn(move || hash_releasing_pages(&bytes))
                .ok();
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn bundle_kind(&self) -> BundleKind {
        self.app.kind()
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn base(&self) -> &Apk {
        self.app.base()
    }

    /// The decoded manifest; `None` only when it is missing or beyond recovery (an anomaly says so).
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    pub fn manifest_document(&self) -> Option<&XmlDocument> {
        self.manifest_document.as_ref()
    }

    pub fn resources(&self) -> Option<&ResourceTable> {
        self.resources.as_ref()
    }

    pub fn signing(&self) -> &SigningInfo {
        self.app.base().signing()
    }

    pub fn network_security_config(&self) -> Option<&ResXml<NetworkSecurityConfig>> {
        self.network_security_config.as_ref()
    }

    pub fn backup_rules(&self) -> &[ResXml<BackupRules>] {
        &self.backup_rules
    }

    /// FileProvider path files, with the provider class that uses each.
    pub fn file_provider_paths(&self) -> &[(String, ResXml<FileProviderPaths>)] {
        &self.file_provider_paths
    }

    /// Entry names of every APK of the app; split entries are prefixed with `split-name!`.
    pub fn entry_names(&self) -> impl Iterator<Item = (&Apk, &str)> {
        self.app.apks().flat_map(|apk| {
            apk.archive()
                .entries()
                .iter()
                .map(move |e| (apk, e.name.as_str()))
        })
    }

    /// The native libraries of every ABI, decoded on first use.
    pub fn native_libs(&self) -> &[NativeLib] {
        self.native.get_or_init(|| {
            let mut wanted: Vec<(&Apk, String, String, String)> = Vec::new();
            for apk in self.app.apks() {
                for entry in apk.archive().entries() {
                    if let Some((abi, name)) = appvd_apk::listing::native_library(&entry.name) {
                        wanted.push((apk, entry.name.clone(), abi.to_owned(), name.to_owned()));
                    }
                }
            }
            wanted
                .into_par_iter()
                .map(|(apk, entry, abi, name)| {
                    let shown = if std::ptr::eq(apk, self.app.base()) {
                        entry.clone()
                    } else {
                        format!("{}!{entry}", apk.name())
                    };
                    let facts = match apk.archive().read_by_name(&entry) {
                        Ok(bytes) => match ElfFacts::parse(&bytes) {
                            Ok((facts, anomalies)) => {
                                self.push_anomalies(anomalies.into_iter().map(|a| ScanAnomaly {
                                    source: "native",
                                    kind: a.kind.id().to_owned(),
                                    message: a.message,
                                    file: Some(shown.clone()),
                                    offset: a.offset,
                                }));
                                Some(facts)
                            }
                            Err(e) => {
                                self.note("native", "elf.unreadable", e.to_string(), Some(&shown));
                                None
                            }
                        },
                        Err(e) => {
                            self.note("native", "elf.unreadable", e.to_string(), Some(&shown));
                            None
                        }
                    };
                    NativeLib {
                        path: shown,
                        abi,
                        name,
                        facts,
                    }
                })
                .collect()
        })
    }

    /// The DEX analysis of every `classes*.dex` of the app (base first, then splits), built on first
    /// use: class table, hierarchy, call sites with constant arguments, string references, method
    /// shapes. `None` when the app has no DEX file that could be read.
    pub fn dex(&self) -> Option<&Analysis<'_>> {
        self.dex
            .get_or_init(|| self.build_dex())
            .as_ref()
            .map(DexCell::borrow_dependent)
    }

    /// Where the secrets search keeps its result for the other `secret.*` rules.
    pub(crate) fn secrets_slot(
        &self,
    ) -> &OnceLock<std::sync::Arc<crate::rules::secrets::scan::SecretScan>> {
        &self.secrets
    }

    /// Makes [`dex`](Self::dex) answer `None` without reading any DEX file. Returns false when the
    /// analysis was already built (it is then kept).
    pub fn skip_code(&self) -> bool {
        self.dex.set(None).is_ok()
    }

    fn build_dex(&self) -> Option<DexCell> {
        let mut names = Vec::new();
        let mut bytes = Vec::new();
        for apk in self.app.apks() {
            let mut dex_entries: Vec<(u32, &appvd_apk::Entry)> = apk
                .archive()
                .entries()
                .iter()
                .filter_map(|e| appvd_apk::listing::dex_number(&e.name).map(|n| (n, e)))
                .collect();
            dex_entries.sort_by_key(|(n, _)| *n);
            for (_, entry) in dex_entries {
                let shown = if std::ptr::eq(apk, self.app.base()) {
                    entry.name.clone()
                } else {
                    format!("{}!{}", apk.name(), entry.name)
                };
                match apk.archive().read_shared(entry) {
                    Ok(data) => {
                        names.push(shown);
                        bytes.push(data);
                    }
                    Err(e) => self.note("dex", "dex.unreadable", e.to_string(), Some(&shown)),
                }
            }
        }
        if bytes.is_empty() {
            return None;
        }
        let cell = DexCell::new(DexOwner { names, bytes }, |owner| {
            let inputs: Vec<DexInput<'_>> = owner
                .names
                .iter()
                .zip(&owner.bytes)
                .map(|(name, data)| DexInput {
                    name: name.as_str(),
                    data: data.as_ref(),
                })
                .collect();
            Analysis::new(&inputs)
        });
        let anomalies: Vec<ScanAnomaly> = cell
            .borrow_dependent()
            .anomalies()
            .map(|a| ScanAnomaly {
                source: "dex",
                kind: a.anomaly.kind.id().to_owned(),
                message: match &a.anomaly.context {
                    Some(context) => format!("{} ({context})", a.anomaly.message),
                    None => a.anomaly.message.clone(),
                },
                file: a.dex.clone(),
                offset: a.anomaly.offset,
            })
            .collect();
        self.push_anomalies(anomalies);
        Some(cell)
    }

    /// Every anomaly seen so far (decoders that have not run yet have not contributed).
    pub fn anomalies(&self) -> Vec<ScanAnomaly> {
        self.anomalies.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// The file the app was opened from: the bundle, or the APK itself.
fn outer_bytes(app: &App) -> &SharedBytes {
    match app.container() {
        Some(container) => container.bytes(),
        None => app.base().archive().bytes(),
    }
}

/// SHA-256 of the whole input, hashed a window at a time: the pages of a mapped input are released
/// behind the hash, so the whole file is never resident at once; the entries rules read later are
/// faulted back in one by one.
fn hash_releasing_pages(bytes: &SharedBytes) -> String {
    const WINDOW: usize = 4 << 20;
    let mut hasher = Sha256::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = start.saturating_add(WINDOW).min(bytes.len());
        hasher.update(bytes.get(start..end).unwrap_or_default());
        bytes.release_range_pages(start..end);
        start = end;
    }
    hex::encode(hasher.finalize())
}

fn axml_anomaly(source: &'static str, a: appvd_axml::Anomaly, file: &str) -> ScanAnomaly {
    ScanAnomaly {
        source,
        kind: a.kind.id().to_owned(),
        message: a.message,
        file: Some(file.to_owned()),
        offset: a.offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dex_analysis_is_built_on_demand() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules/manifest.debuggable/positive.apk");
        let app = AppModel::open(&path).unwrap();
        assert!(
            app.dex.get().is_none(),
            "nothing is decoded before a rule asks"
        );
        let dex = app.dex().expect("the fixture has a classes.dex");
        assert!(
            dex.methods()
                .any(|m| m.location().java_class == "com.appvd.fixture.MainActivity")
        );
        let at = dex.methods().next().unwrap().location();
        let location = crate::rules::code_location(&at);
        assert_eq!(location.file.as_deref(), Some("classes.dex"));
    }

    #[test]
    fn the_hash_is_the_file_hash_whether_or_not_it_ran_in_the_background() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules/manifest.debuggable/positive.apk");
        let expected = hex::encode(Sha256::digest(std::fs::read(&path).unwrap()));
        let in_background = AppModel::open(&path).unwrap();
        in_background.hash_in_background();
        in_background.hash_in_background();
        assert_eq!(in_background.sha256(), expected);
        let on_demand = AppModel::open(&path).unwrap();
        assert!(on_demand.sha256.get().is_none(), "opening does not hash");
        assert_eq!(on_demand.sha256(), expected);
    }
}
