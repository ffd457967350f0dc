//! Scan results and their renderings: text for a terminal, JSON for scripts, SARIF 2.1.0 for code
//! scanning, and a self-contained HTML page.

pub mod baseline;
pub mod html;
pub mod json;
pub mod sarif;
pub mod text;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::model::{AppModel, ScanAnomaly};
use crate::sdk::SdkInfo;

/// The tool's name and version, as every output states them.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: Tool = Tool {
    name: "appvd",
    version: env!("CARGO_PKG_VERSION"),
};

/// A certificate of the app's signer, as the summary shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SignerSummary {
    pub subject: String,
    pub issuer: String,
    pub sha256: String,
    pub key: String,
    pub signature_algorithm: String,
    pub not_after: String,
}

/// A manifest component, as the summary shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentSummary {
    pub kind: &'static str,
    pub name: String,
    pub exported: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
}

/// The app at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct AppSummary {
    pub bundle: &'static str,
    pub signing_schemes: Vec<&'static str>,
    pub signers: Vec<SignerSummary>,
    pub permissions: Vec<String>,
    pub components: Vec<ComponentSummary>,
    pub native_abis: Vec<String>,
    pub dex_files: usize,
    pub entries: usize,
}

/// The result of scanning one app.
#[derive(Debug, Clone, Serialize)]
pub struct AppReport {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub package: Option<String>,
    pub version_name: Option<String>,
    pub version_code: Option<i64>,
    pub min_sdk: Option<u32>,
    pub target_sdk: Option<u32>,
    pub summary: AppSummary,
    /// Third-party SDKs and frameworks found in the app.
    pub sdks: Vec<SdkInfo>,
    pub findings: Vec<Finding>,
    pub anomalies: Vec<ScanAnomaly>,
    pub rules_run: usize,
    /// False when the scan skipped bytecode (`--no-code`): code rules, code secrets and
    /// code-based SDK matching did not run, so their absence proves nothing.
    pub code_analysed: bool,
    pub duration_ms: u64,
    /// Set by `--baseline`: new, fixed and unchanged findings against the earlier scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<baseline::Comparison>,
}

impl AppReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The worst severity among the findings that count for `--fail-on`: all of them, or only the
    /// new ones when the scan was compared with a baseline.
    pub fn worst_counted(&self) -> Option<Severity> {
        match &self.comparison {
            None => self.worst(),
            Some(c) => self
                .findings
                .iter()
                .filter(|f| c.new.contains(&f.fingerprint))
                .map(|f| f.severity)
                .max(),
        }
    }
}

/// An input that could not be scanned at all.
#[derive(Debug, Clone, Serialize)]
pub struct ScanFailure {
    pub path: String,
    pub error: String,
}

/// Everything one `appvd scan` run produced.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    pub tool: Tool,
    pub apps: Vec<AppReport>,
    pub failures: Vec<ScanFailure>,
}

/// Builds the summary part of a report from the model.
pub fn summarize(app: &AppModel) -> AppSummary {
    let signing = app.signing();
    let signers = signing
        .certificates()
        .into_iter()
        .map(|c| SignerSummary {
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            sha256: c.sha256_fingerprint.clone(),
            key: match c.key_size_bits {
                Some(bits) => format!("{} {bits}", c.key_algorithm.name()),
                None => c.key_algorithm.name().to_owned(),
            },
            signature_algorithm: c.signature_algorithm.clone(),
            not_after: c.not_after.clone(),
        })
        .collect();
    let manifest = app.manifest();
    let permissions = manifest
        .map(|m| m.permission_names().map(str::to_owned).collect())
        .unwrap_or_default();
    let components = manifest
        .map(|m| {
            m.components()
                .map(|c| ComponentSummary {
                    kind: c.kind.tag(),
                    name: c
                        .class_name
                        .clone()
                        .or_else(|| c.raw_name.clone())
                        .unwrap_or_default(),
                    exported: c.effective_exported,
                    permission: c.permission.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut native_abis: Vec<String> = app
        .entry_names()
        .filter_map(|(_, name)| {
            appvd_apk::listing::native_library(name).map(|(abi, _)| abi.to_owned())
        })
        .collect();
    native_abis.sort();
    native_abis.dedup();
    let entries = app.app().apks().map(|a| a.archive().entries().len()).sum();
    let dex_files = app
        .entry_names()
        .filter(|(_, n)| appvd_apk::listing::dex_number(n).is_some())
        .count();
    AppSummary {
        bundle: bundle_name(app.bundle_kind()),
        signing_schemes: signing.schemes(),
        signers,
        permissions,
        components,
        native_abis,
        dex_files,
        entries,
    }
}

fn bundle_name(kind: appvd_apk::BundleKind) -> &'static str {
    match kind {
        appvd_apk::BundleKind::Apk => "apk",
        appvd_apk::BundleKind::SplitApks => "split_apks",
        appvd_apk::BundleKind::Xapk => "xapk",
        appvd_apk::BundleKind::Apks => "apks",
    }
}
