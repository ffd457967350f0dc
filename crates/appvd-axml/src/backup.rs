//! The typed view of backup rules: `android:fullBackupContent` (`<full-backup-content>`, API
//! 23-30) and `android:dataExtractionRules` (`<data-extraction-rules>`, API 31+).
//!
//! Both formats are lists of `<include>` / `<exclude>` with a `domain` and `path`; the newer
//! one groups them under `<cloud-backup>`, `<device-transfer>` and `<cross-platform-transfer>`.
//! [`BackupRules`] holds one [`BackupSection`] per group (one `FullBackup` section for the old
//! format) so rules can ask whether a section excludes a domain.

use serde::Serialize;

use crate::anomaly::{Anomaly, AnomalyKind};
use crate::arsc::ResourceTable;
use crate::view::Reader;
use crate::xml::{Element, XmlDocument};

/// Which file format the rules came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupFormat {
    /// `<full-backup-content>`.
    FullBackupContent,
    /// `<data-extraction-rules>`.
    DataExtractionRules,
}

/// What a section applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupScope {
    /// The whole `<full-backup-content>` file (cloud backup and, before API 31, device transfer).
    FullBackup,
    /// `<cloud-backup>`.
    CloudBackup,
    /// `<device-transfer>`.
    DeviceTransfer,
    /// `<cross-platform-transfer>`.
    CrossPlatformTransfer,
}

/// Include or exclude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupAction {
    Include,
    Exclude,
}

/// Parsed backup rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupRules {
    pub format: BackupFormat,
    pub sections: Vec<BackupSection>,
    pub line: u32,
}

/// One group of rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupSection {
    pub scope: BackupScope,
    /// `disableIfNoEncryptionCapabilities` on `<cloud-backup>`.
    pub disable_if_no_encryption_capabilities: Option<bool>,
    /// `platform` on `<cross-platform-transfer>`.
    pub platform: Option<String>,
    pub rules: Vec<BackupRule>,
    pub line: u32,
}

/// One `<include>` / `<exclude>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupRule {
    pub action: BackupAction,
    /// `root`, `file`, `database`, `sharedpref`, `external`, `device_*`.
    pub domain: Option<String>,
    pub path: Option<String>,
    /// `requireFlags` (`clientSideEncryption|deviceToDeviceTransfer`).
    pub require_flags: Option<String>,
    pub line: u32,
}

impl BackupSection {
    /// True when the section has an `<exclude>` for this domain.
    pub fn excludes(&self, domain: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.action == BackupAction::Exclude && r.domain.as_deref() == Some(domain))
    }

    /// True when the section lists `<include>`s: then only the included files are backed up.
    pub fn has_includes(&self) -> bool {
        self.rules.iter().any(|r| r.action == BackupAction::Include)
    }
}

impl BackupRules {
    /// Builds the view from a decoded `full-backup-content` or `data-extraction-rules` document.
    pub fn from_document(
        document: &XmlDocument,
        table: Option<&ResourceTable>,
    ) -> (BackupRules, Vec<Anomaly>) {
        let mut reader = Reader::new(table);
        let root = &document.root;
        let format = match root.name.as_str() {
            "data-extraction-rules" => BackupFormat::DataExtractionRules,
            "full-backup-content" => BackupFormat::FullBackupContent,
            other => {
                reader.anomalies.add(AnomalyKind::UnexpectedRoot, Some(root.offset as usize), || {
                    format!("root element is <{other}>, not <full-backup-content> or <data-extraction-rules>")
                });
                if root.first_element("cloud-backup").is_some()
                    || root.first_element("device-transfer").is_some()
                {
                    BackupFormat::DataExtractionRules
                } else {
                    BackupFormat::FullBackupContent
                }
            }
        };
        let mut rules = BackupRules {
            format,
            sections: Vec::new(),
            line: root.line,
        };
        match format {
            BackupFormat::FullBackupContent => {
                rules
                    .sections
                    .push(read_section(&mut reader, root, BackupScope::FullBackup));
            }
            BackupFormat::DataExtractionRules => {
                for child in root.elements() {
                    let scope = match child.name.as_str() {
                        "cloud-backup" => BackupScope::CloudBackup,
                        "device-transfer" => BackupScope::DeviceTransfer,
                        "cross-platform-transfer" => BackupScope::CrossPlatformTransfer,
                        _ => {
                            reader.unknown_element(child, "data-extraction-rules");
                            continue;
                        }
                    };
                    if scope != BackupScope::CrossPlatformTransfer && rules.section(scope).is_some()
                    {
                        reader.duplicate(child, "the platform reads one section of each kind");
                    }
                    let mut section = read_section(&mut reader, child, scope);
                    if scope == BackupScope::CloudBackup {
                        section.disable_if_no_encryption_capabilities = reader
                            .plain_string(child, "disableIfNoEncryptionCapabilities")
                            .map(|text| text.eq_ignore_ascii_case("true"));
                    }
                    if scope == BackupScope::CrossPlatformTransfer {
                        section.platform = reader.plain_string(child, "platform");
                    }
                    rules.sections.push(section);
                }
            }
        }
        (rules, reader.anomalies.into_vec())
    }

    /// The first section with this scope.
    pub fn section(&self, scope: BackupScope) -> Option<&BackupSection> {
        self.sections.iter().find(|s| s.scope == scope)
    }
}

fn read_section(reader: &mut Reader<'_>, element: &Element, scope: BackupScope) -> BackupSection {
    let mut section = BackupSection {
        scope,
        disable_if_no_encryption_capabilities: None,
        platform: None,
        rules: Vec::new(),
        line: element.line,
    };
    for child in element.elements() {
        let action = match child.name.as_str() {
            "include" => BackupAction::Include,
            "exclude" => BackupAction::Exclude,
            _ => {
                reader.unknown_element(child, &element.name);
                continue;
            }
        };
        let domain = reader.plain_string(child, "domain");
        if domain.is_none() {
            reader.anomalies.add(
                AnomalyKind::MissingAttribute,
                Some(child.offset as usize),
                || format!("<{}> line {} has no domain", child.name, child.line),
            );
        }
        section.rules.push(BackupRule {
            action,
            domain,
            path: reader.plain_string(child, "path"),
            require_flags: reader.plain_string(child, "requireFlags"),
            line: child.line,
        });
    }
    section
}
