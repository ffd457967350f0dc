//! One logical app: a plain APK, split APKs given together, an XAPK or an APKS bundle.

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::budget::{InflateBudget, InflateLimits};
use crate::bytes::SharedBytes;
use crate::error::OpenError;
use crate::signing::SigningInfo;
use crate::zip::{Entry, ZipArchive};

/// Largest XAPK `manifest.json` read.
const MAX_XAPK_MANIFEST: u64 = 1 << 20;

/// How the app was packaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// A single APK.
    Apk,
    /// Base and split APKs given as separate files.
    SplitApks,
    /// An XAPK: a ZIP with `manifest.json`, APKs and optional OBB files.
    Xapk,
    /// An APKS from bundletool: `toc.pb` with `splits/`, `standalones/` or `universal.apk`.
    Apks,
}

/// One APK of an app, with lazily computed signing facts.
#[derive(Debug)]
pub struct Apk {
    name: String,
    archive: ZipArchive,
    signing: OnceLock<SigningInfo>,
}

impl Apk {
    /// Wraps an opened archive; `name` is its file name or its path inside a bundle.
    pub fn new(name: impl Into<String>, archive: ZipArchive) -> Self {
        Apk {
            name: name.into(),
            archive,
            signing: OnceLock::new(),
        }
    }

    /// File name, or path inside the bundle.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The container.
    pub fn archive(&self) -> &ZipArchive {
        &self.archive
    }

    /// Signing facts, read on first use.
    pub fn signing(&self) -> &SigningInfo {
        self.signing
            .get_or_init(|| SigningInfo::from_archive(&self.archive))
    }

    /// The split name its file name suggests: `split_config.arm64_v8a.apk` and
    /// `config.arm64_v8a.apk` give `config.arm64_v8a`, bundletool's `base-arm64_v8a.apk`
    /// gives `arm64_v8a` (only under `splits/`). The manifest's `split` attribute is authoritative; this is a hint.
    pub fn split_name_hint(&self) -> Option<&str> {
        let file = self.name.rsplit('/').next()?.strip_suffix(".apk")?;
        if let Some(split) = file.strip_prefix("split_") {
            return Some(split);
        }
        if file.starts_with("config.") {
            return Some(file);
        }
        if !self.name.starts_with("splits/") {
            return None;
        }
        match file.split_once('-') {
            Some((_, "master")) | None => None,
            Some((_, split)) => Some(split),
        }
    }
}

/// A split APK listed in an XAPK `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XapkSplit {
    /// Path in the XAPK.
    pub file: String,
    /// Split id (`base` for the base APK).
    pub id: String,
}

/// The facts of an XAPK `manifest.json` that matter for analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct XapkManifest {
    /// `package_name`.
    pub package_name: Option<String>,
    /// `version_code`.
    pub version_code: Option<String>,
    /// `version_name`.
    pub version_name: Option<String>,
    /// `min_sdk_version`.
    pub min_sdk_version: Option<String>,
    /// `target_sdk_version`.
    pub target_sdk_version: Option<String>,
    /// `split_apks`.
    pub split_apks: Vec<XapkSplit>,
    /// `expansions[].file`: OBB files.
    pub expansions: Vec<String>,
}

impl XapkManifest {
    fn from_json(value: &serde_json::Value) -> Self {
        let text = |key: &str| match value.get(key) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let array = |key: &str| {
            value
                .get(key)
                .and_then(serde_json::Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let field = |item: &serde_json::Value, key: &str| {
            item.get(key).and_then(|v| v.as_str()).map(str::to_owned)
        };
        XapkManifest {
            package_name: text("package_name"),
            version_code: text("version_code"),
            version_name: text("version_name"),
            min_sdk_version: text("min_sdk_version"),
            target_sdk_version: text("target_sdk_version"),
            split_apks: array("split_apks")
                .iter()
                .filter_map(|item| {
                    Some(XapkSplit {
                        file: field(item, "file")?,
                        id: field(item, "id").unwrap_or_default(),
                    })
                })
                .collect(),
            expansions: array("expansions")
                .iter()
                .filter_map(|item| field(item, "file"))
                .collect(),
        }
    }
}

/// One logical app: the base APK plus its splits, and the outer container for bundles.
#[derive(Debug)]
pub struct App {
    kind: BundleKind,
    base: Apk,
    splits: Vec<Apk>,
    container: Option<ZipArchive>,
    obb_files: Vec<String>,
    xapk_manifest: Option<XapkManifest>,
    budget: InflateBudget,
    anomalies: Vec<Anomaly>,
}

impl App {
    /// Opens an APK, XAPK or APKS file with default limits.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        Self::open_with_limits(path, InflateLimits::default())
    }

    /// Opens an APK, XAPK or APKS file.
    pub fn open_with_limits(path: &Path, limits: InflateLimits) -> Result<Self, OpenError> {
        let data = SharedBytes::map_file(path).map_err(|source| OpenError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_shared(&file_name(path), data, InflateBudget::new(limits))
    }

    /// Opens in-memory bytes with default limits.
    pub fn from_bytes(bytes: impl Into<SharedBytes>) -> Result<Self, OpenError> {
        Self::from_shared("app.apk", bytes.into(), InflateBudget::default())
    }

    /// Opens shared bytes named `name`, charging `budget`; the kind is detected.
    pub fn from_shared(
        name: &str,
        data: SharedBytes,
        budget: InflateBudget,
    ) -> Result<Self, OpenError> {
        let archive = ZipArchive::from_shared(data, budget.clone())?;
        if archive.contains("AndroidManifest.xml") || !has_inner_apks(&archive) {
            let mut anomalies = Vec::new();
            if !archive.contains("AndroidManifest.xml") {
                anomalies.push(Anomaly::new(
                    AnomalyKind::NoAndroidManifest,
                    "the archive has no AndroidManifest.xml and no inner APKs",
                ));
            }
            return Ok(App {
                kind: BundleKind::Apk,
                base: Apk::new(name, archive),
                splits: Vec::new(),
                container: None,
                obb_files: Vec::new(),
                xapk_manifest: None,
                budget,
                anomalies,
            });
        }
        Self::from_container(archive, budget)
    }

    /// Opens a base APK and its split APKs, given as separate files, with default limits.
    pub fn open_split_set<P: AsRef<Path>>(paths: &[P]) -> Result<Self, OpenError> {
        Self::open_split_set_with_limits(paths, InflateLimits::default())
    }

    /// Opens a base APK and its split APKs, given as separate files.
    pub fn open_split_set_with_limits<P: AsRef<Path>>(
        paths: &[P],
        limits: InflateLimits,
    ) -> Result<Self, OpenError> {
        let mut members = Vec::with_capacity(paths.len());
        for path in paths {
            let path = path.as_ref();
            let data = SharedBytes::map_file(path).map_err(|source| OpenError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            members.push((file_name(path), data));
        }
        Self::from_split_set(members, InflateBudget::new(limits))
    }

    /// Opens named in-memory APKs as one split set, charging `budget`.
    pub fn from_split_set(
        members: Vec<(String, SharedBytes)>,
        budget: InflateBudget,
    ) -> Result<Self, OpenError> {
        if members.is_empty() {
            return Err(OpenError::NoApk("the split set is empty".to_owned()));
        }
        let mut apks = Vec::with_capacity(members.len());
        for (name, data) in members {
            apks.push(Apk::new(
                name,
                ZipArchive::from_shared(data, budget.clone())?,
            ));
        }
        let mut anomalies = Vec::new();
        let base = take_base(&mut apks, None, &mut anomalies);
        let kind = if apks.is_empty() {
            BundleKind::Apk
        } else {
            BundleKind::SplitApks
        };
        Ok(App {
            kind,
            base,
            splits: apks,
            container: None,
            obb_files: Vec::new(),
            xapk_manifest: None,
            budget,
            anomalies,
        })
    }

    fn from_container(container: ZipArchive, budget: InflateBudget) -> Result<Self, OpenError> {
        let mut anomalies = Vec::new();
        let is_xapk = container.contains("manifest.json");
        let kind = if is_xapk {
            BundleKind::Xapk
        } else {
            BundleKind::Apks
        };
        let xapk_manifest = is_xapk
            .then(|| read_xapk_manifest(&container, &mut anomalies))
            .flatten();
        let members = member_entries(&container, kind);
        if let Some(manifest) = &xapk_manifest {
            for split in &manifest.split_apks {
                if !container.contains(&split.file) {
                    anomalies.push(
                        Anomaly::new(
                            AnomalyKind::BundleListedApkMissing,
                            "manifest.json lists an APK the XAPK lacks",
                        )
                        .with_entry(split.file.clone()),
                    );
                }
            }
        }
        let mut apks = Vec::with_capacity(members.len());
        for entry in members {
            let opened = container
                .read_shared(entry)
                .map_err(|e| e.to_string())
                .and_then(|data| {
                    ZipArchive::from_shared(data, budget.clone()).map_err(|e| e.to_string())
                });
            match opened {
                Ok(archive) => apks.push(Apk::new(entry.name.clone(), archive)),
                Err(reason) => anomalies.push(
                    Anomaly::new(
                        AnomalyKind::BundleMemberUnreadable,
                        format!("cannot open the inner APK: {reason}"),
                    )
                    .with_entry(entry.name.clone()),
                ),
            }
        }
        if apks.is_empty() {
            return Err(OpenError::NoApk(
                "no inner APK of the bundle could be opened".to_owned(),
            ));
        }
        let declared_base = xapk_manifest
            .as_ref()
            .and_then(|m| {
                m.split_apks
                    .iter()
                    .find(|s| s.id == "base")
                    .map(|s| s.file.clone())
            })
            .or_else(|| {
                let package = xapk_manifest.as_ref()?.package_name.as_ref()?;
                Some(format!("{package}.apk"))
            });
        let base = take_base(&mut apks, declared_base.as_deref(), &mut anomalies);
        let obb_files = container
            .entries()
            .iter()
            .filter(|e| !e.is_directory && e.name.to_ascii_lowercase().ends_with(".obb"))
            .map(|e| e.name.clone())
            .collect();
        Ok(App {
            kind,
            base,
            splits: apks,
            container: Some(container),
            obb_files,
            xapk_manifest,
            budget,
            anomalies,
        })
    }

    /// How the app was packaged.
    pub fn kind(&self) -> BundleKind {
        self.kind
    }

    /// The base APK.
    pub fn base(&self) -> &Apk {
        &self.base
    }

    /// Split APKs (configuration and feature splits), in container order.
    pub fn splits(&self) -> &[Apk] {
        &self.splits
    }

    /// Base first, then the splits.
    pub fn apks(&self) -> impl Iterator<Item = &Apk> {
        std::iter::once(&self.base).chain(&self.splits)
    }

    /// The outer XAPK/APKS archive.
    pub fn container(&self) -> Option<&ZipArchive> {
        self.container.as_ref()
    }

    /// OBB expansion files in the container.
    pub fn obb_files(&self) -> &[String] {
        &self.obb_files
    }

    /// The XAPK `manifest.json` facts.
    pub fn xapk_manifest(&self) -> Option<&XapkManifest> {
        self.xapk_manifest.as_ref()
    }

    /// The budget every archive of this app charges.
    pub fn budget(&self) -> &InflateBudget {
        &self.budget
    }

    /// Bundle, container and per-APK container anomalies (signing anomalies are in each
    /// [`Apk::signing`]). In bundles, entry names are given as `member!entry`.
    pub fn anomalies(&self) -> Vec<Anomaly> {
        let mut out = self.anomalies.clone();
        if let Some(container) = &self.container {
            out.extend(container.anomalies());
        }
        let qualify = self.container.is_some() || !self.splits.is_empty();
        for apk in self.apks() {
            out.extend(apk.archive.anomalies().into_iter().map(|mut anomaly| {
                if qualify {
                    anomaly.entry = Some(match anomaly.entry.take() {
                        Some(entry) => format!("{}!{entry}", apk.name),
                        None => apk.name.clone(),
                    });
                }
                anomaly
            }));
        }
        out
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn is_apk_name(name: &str) -> bool {
    name.len() > 4 && name.to_ascii_lowercase().ends_with(".apk")
}

fn has_inner_apks(archive: &ZipArchive) -> bool {
    archive
        .entries()
        .iter()
        .any(|e| !e.is_directory && is_apk_name(&e.name))
}

/// The inner APKs that make up the app. APKS standalone APKs are alternatives to the
/// split set, so only the first is taken, and only when there are no splits.
fn member_entries(container: &ZipArchive, kind: BundleKind) -> Vec<&Entry> {
    let apks: Vec<&Entry> = container
        .entries()
        .iter()
        .filter(|e| e.duplicate_of.is_none() && !e.is_directory && is_apk_name(&e.name))
        .collect();
    if kind == BundleKind::Xapk {
        return apks.into_iter().filter(|e| !e.name.contains('/')).collect();
    }
    let splits: Vec<&Entry> = apks
        .iter()
        .copied()
        .filter(|e| e.name.starts_with("splits/"))
        .collect();
    if !splits.is_empty() {
        return splits;
    }
    if let Some(universal) = apks.iter().find(|e| e.name == "universal.apk") {
        return vec![universal];
    }
    let standalone = apks
        .iter()
        .find(|e| e.name.starts_with("standalones/") || e.file_name().starts_with("standalone"));
    match standalone {
        Some(entry) => vec![entry],
        None => apks,
    }
}

fn read_xapk_manifest(
    container: &ZipArchive,
    anomalies: &mut Vec<Anomaly>,
) -> Option<XapkManifest> {
    let entry = container.by_name("manifest.json")?;
    let invalid = |anomalies: &mut Vec<Anomaly>, why: String| {
        anomalies.push(
            Anomaly::new(AnomalyKind::BundleManifestInvalid, why).with_entry("manifest.json"),
        );
        None
    };
    if entry.uncompressed_size > MAX_XAPK_MANIFEST {
        return invalid(
            anomalies,
            format!("manifest.json declares {} bytes", entry.uncompressed_size),
        );
    }
    let bytes = match container.read(entry) {
        Ok(bytes) => bytes,
        Err(error) => return invalid(anomalies, error.to_string()),
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) => Some(XapkManifest::from_json(&value)),
        Err(error) => invalid(anomalies, format!("manifest.json is not JSON: {error}")),
    }
}

/// Removes and returns the base APK: the declared one, else one named like a base, else
/// the only member with code that is not named like a split.
fn take_base(apks: &mut Vec<Apk>, declared: Option<&str>, anomalies: &mut Vec<Anomaly>) -> Apk {
    let file = |apk: &Apk| apk.name.rsplit('/').next().unwrap_or(&apk.name).to_owned();
    let by_declared = declared.and_then(|d| apks.iter().position(|a| a.name == d));
    let by_name = || {
        apks.iter()
            .position(|a| matches!(file(a).as_str(), "base.apk" | "base-master.apk"))
    };
    let index = by_declared.or_else(by_name).unwrap_or_else(|| {
        let looks_split = |apk: &Apk| {
            let f = file(apk);
            f.starts_with("split_") || f.starts_with("config.") || apk.split_name_hint().is_some()
        };
        let candidates: Vec<usize> = (0..apks.len())
            .filter(|&i| {
                apks.get(i)
                    .is_some_and(|a| !looks_split(a) && a.archive.contains("classes.dex"))
            })
            .collect();
        let fallback = || {
            (0..apks.len()).find(|&i| {
                apks.get(i)
                    .is_some_and(|a| a.archive.contains("classes.dex"))
            })
        };
        match candidates.as_slice() {
            [only] => *only,
            [first, ..] => {
                anomalies.push(Anomaly::new(
                    AnomalyKind::BundleAmbiguousBase,
                    format!(
                        "{} members could be the base APK; {} was taken",
                        candidates.len(),
                        apks[*first].name
                    ),
                ));
                *first
            }
            [] => {
                let chosen = fallback().unwrap_or(0);
                if apks.len() > 1 {
                    anomalies.push(Anomaly::new(
                        AnomalyKind::BundleNoBase,
                        format!(
                            "no member looks like the base APK; {} was taken",
                            apks[chosen].name
                        ),
                    ));
                }
                chosen
            }
        }
    });
    apks.remove(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_name_hints() {
        let empty = || {
            ZipArchive::from_bytes(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec())
                .unwrap()
        };
        assert_eq!(
            Apk::new("split_config.arm64_v8a.apk", empty()).split_name_hint(),
            Some("config.arm64_v8a")
        );
        assert_eq!(
            Apk::new("config.xxhdpi.apk", empty()).split_name_hint(),
            Some("config.xxhdpi")
        );
        assert_eq!(
            Apk::new("splits/base-arm64_v8a.apk", empty()).split_name_hint(),
            Some("arm64_v8a")
        );
        assert_eq!(
            Apk::new("splits/base-master.apk", empty()).split_name_hint(),
            None
        );
        assert_eq!(Apk::new("base.apk", empty()).split_name_hint(), None);
    }

    #[test]
    fn xapk_manifest_fields() {
        let json = serde_json::json!({
            "package_name": "a.b", "version_code": 7, "split_apks": [{"file": "a.b.apk", "id": "base"}, {"id": "x"}],
            "expansions": [{"file": "Android/obb/a.b/main.7.a.b.obb"}]
        });
        let manifest = XapkManifest::from_json(&json);
        assert_eq!(manifest.package_name.as_deref(), Some("a.b"));
        assert_eq!(manifest.version_code.as_deref(), Some("7"));
        assert_eq!(manifest.split_apks.len(), 1);
        assert_eq!(manifest.expansions.len(), 1);
    }
}
