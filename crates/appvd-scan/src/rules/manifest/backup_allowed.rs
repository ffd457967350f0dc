use appvd_axml::manifest::ResourceOrBool;
use appvd_axml::{BackupAction, BackupRules, BackupScope, BackupSection, ResourceLink};

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::manifest::at_line;

pub static RULE: Rule = Rule {
    id: "storage.backup_allowed",
    title: "App data can be backed up or transferred off the device",
    severity: Severity::Medium,
    masvs: "MASVS-STORAGE-2",
    cwe: 530,
    docs: Docs {
        what: "The app's private files, databases and preferences are copied out by Android's backup system. Android \
               11 and lower (and every Android version for apps targeting API 30 or lower) let `android:allowBackup` \
               (default `true`) and `android:fullBackupContent` govern `adb backup`, cloud backup and \
               device-to-device transfer together: with backup on and no exclusion rules the finding is Medium, with \
               `<include>`/`<exclude>` rules Low. For apps targeting API 31+ on Android 12+, `adb backup` no longer \
               copies app data and those attributes only govern cloud backup; device-to-device transfer follows \
               `android:dataExtractionRules` alone, so `allowBackup=\"false\"` without a `<device-transfer>` section \
               that limits it still transfers everything (Low). No finding when backup is off everywhere, or off with \
               `<device-transfer>` limited by rules. Whether the rules exclude the sensitive domains is \
               `storage.backup_rules_incomplete`'s question.",
        why: "Anyone who has the unlocked phone for a few minutes can run `adb backup` (Android 11 and lower) and \
              read the app's tokens, session cookies, databases and keys from the archive on a computer, or change \
              them and restore them; a device transfer hands the same data to another phone. Cloud backups put it in \
              the user's Google account, outside the app's own protections.",
        fix: "Set `android:allowBackup=\"false\"` if the app's data should never leave the device, and add \
              `android:dataExtractionRules` with `<cloud-backup>` and `<device-transfer>` sections that exclude \
              credentials, databases and shared preferences (keep `android:fullBackupContent` rules for Android 11 \
              and lower). Keep secrets in the Android Keystore, which is never backed up.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0009/",
            "https://developer.android.com/privacy-and-security/risks/backup-leaks",
            "https://developer.android.com/identity/data/autobackup",
            "https://developer.android.com/about/versions/12/behavior-changes-12#backup-restore",
            "https://cwe.mitre.org/data/definitions/530.html",
        ],
    },
    check,
};

/// The last API level on which `adb backup` copies app data and the old attributes govern everything.
const LAST_LEGACY_API: u32 = 30;

/// How much of the app's data one backup path copies.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Coverage {
    Everything,
    /// Limited by include/exclude rules (described).
    Limited(String),
}

/// `android:fullBackupContent`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FullBackupContent {
    Absent,
    /// `"false"`: no full-data backup at all.
    Disabled,
    /// A rules file, and what its rules leave in.
    Rules(Coverage),
}

/// `android:dataExtractionRules`: what each Android 12+ section leaves in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ExtractionRules {
    cloud: Coverage,
    device: Coverage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct BackupFacts {
    allow_backup: Option<bool>,
    full_backup_content: FullBackupContent,
    data_extraction_rules: Option<ExtractionRules>,
    min_sdk: u32,
    target_sdk: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    severity: Severity,
    /// Each open path and what it copies.
    paths: Vec<(&'static str, Coverage)>,
}

fn assess(facts: &BackupFacts) -> Option<Verdict> {
    let backup_on = facts.allow_backup != Some(false);
    let mut paths: Vec<(&'static str, Coverage)> = Vec::new();
    let mut severity: Option<Severity> = None;
    let mut raise = |to: Severity| severity = Some(severity.map_or(to, |s| s.max(to)));

    if (facts.min_sdk <= LAST_LEGACY_API || facts.target_sdk <= LAST_LEGACY_API) && backup_on {
        let coverage = match &facts.full_backup_content {
            FullBackupContent::Disabled => None,
            FullBackupContent::Absent => Some(Coverage::Everything),
            FullBackupContent::Rules(coverage) => Some(coverage.clone()),
        };
        if let Some(coverage) = coverage {
            raise(if coverage == Coverage::Everything {
                Severity::Medium
            } else {
                Severity::Low
            });
            let label = if facts.target_sdk <= LAST_LEGACY_API {
                "adb backup, cloud backup and device transfer"
            } else {
                "adb backup, cloud backup and device transfer on Android 11 and lower"
            };
            paths.push((label, coverage));
        }
    }
    if facts.target_sdk > LAST_LEGACY_API {
        if backup_on {
            let cloud = match (&facts.data_extraction_rules, &facts.full_backup_content) {
                (Some(rules), _) => Some(rules.cloud.clone()),
                (None, FullBackupContent::Disabled) => None,
                (None, FullBackupContent::Absent) => Some(Coverage::Everything),
                (None, FullBackupContent::Rules(coverage)) => Some(coverage.clone()),
            };
            if let Some(cloud) = cloud {
                raise(Severity::Low);
                paths.push(("cloud backup on Android 12+", cloud));
            }
        }
        let device = facts
            .data_extraction_rules
            .as_ref()
            .map_or(Coverage::Everything, |r| r.device.clone());
        if backup_on || device == Coverage::Everything {
            raise(Severity::Low);
            paths.push(("device-to-device transfer on Android 12+", device));
        }
    }
    severity.map(|severity| Verdict { severity, paths })
}

/// What a section's rules leave in.
fn coverage_of(section: Option<&BackupSection>) -> Coverage {
    let Some(section) = section.filter(|s| !s.rules.is_empty()) else {
        return Coverage::Everything;
    };
    let domains = |action: BackupAction| -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for rule in section.rules.iter().filter(|r| r.action == action) {
            let domain = rule.domain.as_deref().unwrap_or("?");
            if !out.contains(&domain) {
                out.push(domain);
            }
        }
        out
    };
    let (includes, excludes) = (
        domains(BackupAction::Include),
        domains(BackupAction::Exclude),
    );
    let mut parts = Vec::new();
    if !includes.is_empty() {
        parts.push(format!("includes only {}", includes.join(", ")));
    }
    if !excludes.is_empty() {
        parts.push(format!("excludes {}", excludes.join(", ")));
    }
    Coverage::Limited(parts.join("; "))
}

fn rules_file<'a>(app: &'a AppModel, link: &ResourceLink) -> Option<&'a BackupRules> {
    let path = link.path.as_deref()?;
    app.backup_rules()
        .iter()
        .find(|r| r.path == path)
        .map(|r| &r.view)
}

fn unreadable() -> Coverage {
    Coverage::Limited("rules file not readable".to_owned())
}

fn facts(app: &AppModel) -> Option<(BackupFacts, u32)> {
    let manifest = app.manifest()?;
    let application = manifest.application.as_ref()?;
    let full_backup_content = match &application.full_backup_content {
        None | Some(ResourceOrBool::Bool(true)) => FullBackupContent::Absent,
        Some(ResourceOrBool::Bool(false)) => FullBackupContent::Disabled,
        Some(ResourceOrBool::Resource(link)) => {
            FullBackupContent::Rules(rules_file(app, link).map_or_else(unreadable, |rules| {
                coverage_of(rules.section(BackupScope::FullBackup))
            }))
        }
    };
    let data_extraction_rules =
        application
            .data_extraction_rules
            .as_ref()
            .map(|link| match rules_file(app, link) {
                Some(rules) => ExtractionRules {
                    cloud: coverage_of(rules.section(BackupScope::CloudBackup)),
                    device: coverage_of(rules.section(BackupScope::DeviceTransfer)),
                },
                None => ExtractionRules {
                    cloud: unreadable(),
                    device: unreadable(),
                },
            });
    let facts = BackupFacts {
        allow_backup: application.allow_backup,
        full_backup_content,
        data_extraction_rules,
        min_sdk: manifest.min_sdk(),
        target_sdk: manifest.target_sdk(),
    };
    Some((facts, application.line))
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some((facts, line)) = facts(app) else {
        return;
    };
    let Some(verdict) = assess(&facts) else {
        return;
    };
    let allow = match facts.allow_backup {
        Some(value) => format!("android:allowBackup=\"{value}\""),
        None => "android:allowBackup absent (default true)".to_owned(),
    };
    let paths: Vec<String> = verdict
        .paths
        .iter()
        .map(|(path, coverage)| match coverage {
            Coverage::Everything => format!("{path}: all app data"),
            Coverage::Limited(rules) => format!("{path}: {rules}"),
        })
        .collect();
    let evidence = format!(
        "{allow}; minSdk {}, targetSdk {}; {}",
        facts.min_sdk,
        facts.target_sdk,
        paths.join("; ")
    );
    let message = if facts.allow_backup == Some(false) {
        format!(
            "android:allowBackup=\"false\" does not stop device-to-device transfer of the app's data on Android 12+ (targetSdk {}).",
            facts.target_sdk
        )
    } else if verdict.severity == Severity::Medium {
        "The app's private data, without exclusions, can be extracted with adb backup and is copied to backups and new devices.".to_owned()
    } else {
        "The app's private data is copied to backups or new devices.".to_owned()
    };
    out.emit_with_severity(
        verdict.severity,
        at_line(line),
        "application",
        message,
        evidence,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    fn facts(allow_backup: Option<bool>, min_sdk: u32, target_sdk: u32) -> BackupFacts {
        BackupFacts {
            allow_backup,
            full_backup_content: FullBackupContent::Absent,
            data_extraction_rules: None,
            min_sdk,
            target_sdk,
        }
    }

    fn limited() -> Coverage {
        Coverage::Limited("excludes sharedpref".into())
    }

    #[test]
    fn default_backup_on_legacy_platforms_is_medium() {
        let verdict = assess(&facts(None, 24, 30)).unwrap();
        assert_eq!(verdict.severity, Severity::Medium);
        assert_eq!(
            verdict.paths,
            vec![(
                "adb backup, cloud backup and device transfer",
                Coverage::Everything
            )]
        );
        // Targeting 31+ but installable on Android 11: adb backup still works there.
        let verdict = assess(&facts(Some(true), 24, 34)).unwrap();
        assert_eq!(verdict.severity, Severity::Medium);
        assert_eq!(verdict.paths.len(), 3);
    }

    #[test]
    fn exclusion_rules_lower_to_low() {
        let mut f = facts(None, 24, 30);
        f.full_backup_content = FullBackupContent::Rules(limited());
        assert_eq!(assess(&f).unwrap().severity, Severity::Low);
        f.full_backup_content = FullBackupContent::Disabled;
        assert_eq!(
            assess(&f),
            None,
            "fullBackupContent=\"false\" turns full-data backup off"
        );
    }

    #[test]
    fn modern_only_apps_are_low() {
        // minSdk 31: no adb backup of app data anywhere; cloud and device transfer remain.
        let verdict = assess(&facts(None, 31, 34)).unwrap();
        assert_eq!(verdict.severity, Severity::Low);
        assert_eq!(verdict.paths.len(), 2);
    }

    #[test]
    fn allow_backup_false_needs_device_transfer_rules_from_api_31() {
        assert_eq!(assess(&facts(Some(false), 24, 30)), None);
        let verdict = assess(&facts(Some(false), 24, 34)).unwrap();
        assert_eq!(verdict.severity, Severity::Low);
        assert_eq!(
            verdict.paths,
            vec![(
                "device-to-device transfer on Android 12+",
                Coverage::Everything
            )]
        );
        let mut f = facts(Some(false), 24, 34);
        f.data_extraction_rules = Some(ExtractionRules {
            cloud: Coverage::Everything,
            device: limited(),
        });
        assert_eq!(assess(&f), None);
    }

    #[test]
    fn extraction_rules_replace_full_backup_content_for_cloud_backup() {
        let mut f = facts(None, 31, 34);
        f.full_backup_content = FullBackupContent::Disabled;
        f.data_extraction_rules = Some(ExtractionRules {
            cloud: limited(),
            device: limited(),
        });
        let verdict = assess(&f).unwrap();
        assert_eq!(verdict.severity, Severity::Low);
        assert_eq!(
            verdict.paths,
            vec![
                ("cloud backup on Android 12+", limited()),
                ("device-to-device transfer on Android 12+", limited())
            ]
        );
    }
}
