//! Typed res/xml views (network security config, backup rules, FileProvider paths), reached the
//! way a scan reaches them: manifest attribute → resource table → file in the APK.

mod common;

use appvd_axml::{
    BackupAction, BackupFormat, BackupRules, BackupScope, CertificateSource, FileProviderPaths,
    Manifest, NetworkSecurityConfig, PathRoot, ResourceLink, ResourceTable, XmlDocument,
};
use common::{bytes, document, kinds, table};

/// Opens the file a link points to, as a scan would inside the APK.
fn open(link: Option<&ResourceLink>) -> XmlDocument {
    let path = link
        .and_then(|l| l.path.as_deref())
        .expect("link with a path");
    let (document, anomalies) =
        XmlDocument::parse(&bytes(&format!("full/{path}"))).expect("decodes");
    assert!(anomalies.is_empty(), "{anomalies:?}");
    document
}

fn full() -> (Manifest, ResourceTable) {
    let (table, _) = table("full/resources.arsc");
    let (document, _) = document("full/AndroidManifest.xml");
    let (manifest, _) = Manifest::from_document(&document, Some(&table));
    (manifest, table)
}

#[test]
fn network_security_config_from_the_manifest() {
    let (manifest, table) = full();
    let app = manifest.application.as_ref().expect("application");
    let (config, anomalies) = NetworkSecurityConfig::from_document(
        &open(app.network_security_config.as_ref()),
        Some(&table),
    );
    assert!(anomalies.is_empty(), "{anomalies:?}");

    let base = config.base_config.as_ref().expect("base-config");
    assert_eq!(base.cleartext_traffic_permitted, Some(true));
    let base_sources: Vec<&CertificateSource> = base
        .trust_anchors
        .iter()
        .flat_map(|t| &t.certificates)
        .map(|c| &c.source)
        .collect();
    assert_eq!(
        base_sources,
        vec![&CertificateSource::System, &CertificateSource::User]
    );

    assert_eq!(config.domain_configs.len(), 2);
    let secure = &config.domain_configs[0];
    let domains: Vec<(&str, Option<bool>)> = secure
        .domains
        .iter()
        .map(|d| (d.name.as_str(), d.include_subdomains))
        .collect();
    assert_eq!(
        domains,
        vec![
            ("secure.appvd.example.com", Some(true)),
            ("api.appvd.example.com", None)
        ]
    );
    assert_eq!(secure.cleartext_traffic_permitted, Some(false));
    let anchors = &secure.trust_anchors.as_ref().expect("anchors").certificates;
    assert_eq!(
        anchors[0].source,
        CertificateSource::Resource(ResourceLink {
            id: 0x7f03_0000,
            name: Some("raw/extra_ca".into()),
            path: Some("res/raw/extra_ca.pem".into())
        })
    );
    assert_eq!(anchors[0].override_pins, Some(true));
    let pins = secure.pin_set.as_ref().expect("pin-set");
    assert_eq!(pins.expiration.as_deref(), Some("2018-01-01"));
    assert_eq!(pins.expiration_date(), Some((2018, 1, 1)));
    assert_eq!(pins.pins.len(), 2);
    assert_eq!(pins.pins[0].digest.as_deref(), Some("SHA-256"));
    assert_eq!(
        pins.pins[0].value,
        "7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y="
    );
    assert_eq!(secure.domain_configs.len(), 1);
    assert_eq!(
        secure.domain_configs[0].cleartext_traffic_permitted,
        Some(true)
    );
    let debug = config
        .debug_overrides
        .as_ref()
        .and_then(|d| d.trust_anchors.as_ref())
        .expect("debug anchors");
    assert_eq!(debug.certificates[0].source, CertificateSource::User);
    assert_eq!(config.pin_sets().len(), 2);
    assert_eq!(config.release_certificates().len(), 4);

    // Inheritance, as the platform applies it for this app (target 30, debuggable).
    let target = manifest.target_sdk();
    let debuggable = app.debuggable == Some(true);
    let base = config.effective_base(target, debuggable);
    assert!(base.cleartext_traffic_permitted);
    assert!(base.trusts_user_certificates());
    let effective = config.effective_configs(target, debuggable);
    let summary: Vec<(String, bool, bool, bool)> = effective
        .iter()
        .map(|c| {
            let names: Vec<&str> = c.domains.iter().map(|d| d.name.as_str()).collect();
            (
                names.join(","),
                c.cleartext_traffic_permitted,
                c.trusts_user_certificates(),
                c.pin_set.is_some(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "secure.appvd.example.com,api.appvd.example.com".to_string(),
                false,
                true,
                true
            ),
            (
                "legacy.secure.appvd.example.com".to_string(),
                true,
                true,
                true
            ),
            ("pinned.appvd.example.com".to_string(), true, true, true),
        ]
    );
    let release = config.effective_configs(target, false);
    assert!(
        !release[0].trusts_user_certificates(),
        "user CA only through debug-overrides"
    );
    assert!(
        release[2].trusts_user_certificates(),
        "inherits the base-config's user CA"
    );
}

#[test]
fn network_security_config_variants() {
    let (table, _) = table("full/resources.arsc");
    let v24 = table
        .file_paths(0x7f02_0003)
        .into_iter()
        .find(|(c, _)| c.sdk_version == 24)
        .map(|(_, p)| p);
    let (document, _) =
        XmlDocument::parse(&bytes(&format!("full/{}", v24.expect("v24 path")))).expect("decodes");
    let (config, anomalies) = NetworkSecurityConfig::from_document(&document, Some(&table));
    assert!(anomalies.is_empty());
    assert_eq!(
        config
            .base_config
            .and_then(|b| b.cleartext_traffic_permitted),
        Some(false)
    );

    let (document, _) = common::document("sparse/res/xml/nsc.xml");
    let (config, _) = NetworkSecurityConfig::from_document(&document, None);
    assert!(!config.effective_base(33, false).cleartext_traffic_permitted);
    assert!(config.domain_configs.is_empty());
}

#[test]
fn full_backup_content_rules() {
    let (manifest, table) = full();
    let app = manifest.application.as_ref().expect("application");
    let Some(appvd_axml::manifest::ResourceOrBool::Resource(link)) = &app.full_backup_content
    else {
        panic!("fullBackupContent is a resource")
    };
    let (rules, anomalies) = BackupRules::from_document(&open(Some(link)), Some(&table));
    assert!(anomalies.is_empty(), "{anomalies:?}");
    assert_eq!(rules.format, BackupFormat::FullBackupContent);
    let section = rules.section(BackupScope::FullBackup).expect("section");
    type Rule<'a> = (
        BackupAction,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let summary: Vec<Rule<'_>> = section
        .rules
        .iter()
        .map(|r| {
            (
                r.action,
                r.domain.as_deref(),
                r.path.as_deref(),
                r.require_flags.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (BackupAction::Include, Some("sharedpref"), Some("."), None),
            (
                BackupAction::Include,
                Some("file"),
                Some("notes/"),
                Some("clientSideEncryption")
            ),
            (
                BackupAction::Exclude,
                Some("sharedpref"),
                Some("secrets.xml"),
                None
            ),
            (
                BackupAction::Exclude,
                Some("database"),
                Some("tokens.db"),
                None
            ),
        ]
    );
    assert!(
        section.excludes("database") && section.excludes("sharedpref") && !section.excludes("file")
    );
    assert!(section.has_includes());
}

#[test]
fn data_extraction_rules() {
    let (manifest, table) = full();
    let app = manifest.application.as_ref().expect("application");
    let (rules, anomalies) =
        BackupRules::from_document(&open(app.data_extraction_rules.as_ref()), Some(&table));
    assert!(anomalies.is_empty(), "{anomalies:?}");
    assert_eq!(rules.format, BackupFormat::DataExtractionRules);
    let scopes: Vec<BackupScope> = rules.sections.iter().map(|s| s.scope).collect();
    assert_eq!(
        scopes,
        vec![
            BackupScope::CloudBackup,
            BackupScope::DeviceTransfer,
            BackupScope::CrossPlatformTransfer
        ]
    );
    let cloud = rules.section(BackupScope::CloudBackup).expect("cloud");
    assert_eq!(cloud.disable_if_no_encryption_capabilities, Some(true));
    assert!(cloud.excludes("sharedpref") && cloud.excludes("database"));
    let transfer = rules
        .section(BackupScope::DeviceTransfer)
        .expect("transfer");
    assert!(!transfer.excludes("sharedpref"));
    assert_eq!(transfer.rules[0].domain.as_deref(), Some("root"));
    let cross = rules
        .section(BackupScope::CrossPlatformTransfer)
        .expect("cross");
    assert_eq!(cross.platform.as_deref(), Some("ios"));
}

#[test]
fn file_provider_paths_from_meta_data() {
    let (manifest, table) = full();
    let provider = manifest
        .components()
        .find(|c| c.class_name.as_deref() == Some("androidx.core.content.FileProvider"))
        .expect("provider");
    let meta = provider
        .meta_data(appvd_axml::file_provider::FILE_PROVIDER_PATHS_META_DATA)
        .expect("meta-data");
    let (paths, anomalies) =
        FileProviderPaths::from_document(&open(meta.resource.as_ref()), Some(&table));
    assert!(anomalies.is_empty(), "{anomalies:?}");
    let summary: Vec<(PathRoot, Option<&str>, Option<&str>, bool)> = paths
        .entries
        .iter()
        .map(|e| (e.root, e.name.as_deref(), e.path.as_deref(), e.is_broad()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (PathRoot::RootPath, Some("root"), Some(""), true),
            (PathRoot::FilesPath, Some("images"), Some("images/"), false),
            (PathRoot::CachePath, Some("cache"), Some("."), true),
            (PathRoot::ExternalPath, Some("external"), Some("/"), true),
            (
                PathRoot::ExternalFilesPath,
                Some("ext_files"),
                Some("docs/"),
                false
            ),
            (
                PathRoot::ExternalCachePath,
                Some("ext_cache"),
                Some("tmp"),
                false
            ),
            (
                PathRoot::ExternalMediaPath,
                Some("media"),
                Some("media/"),
                false
            ),
        ]
    );
    assert_eq!(paths.broad_entries().count(), 3);
}

#[test]
fn views_report_the_wrong_document() {
    let (document, _) = document("full/res/xml/file_paths.xml");
    let (_, anomalies) = NetworkSecurityConfig::from_document(&document, None);
    assert_eq!(kinds(&anomalies)[0], "view.unexpected_root");
    let (_, anomalies) = BackupRules::from_document(&document, None);
    assert_eq!(kinds(&anomalies)[0], "view.unexpected_root");
    let (document, _) = common::document("full/res/xml/backup_rules.xml");
    let (paths, anomalies) = FileProviderPaths::from_document(&document, None);
    assert!(paths.entries.is_empty());
    assert_eq!(kinds(&anomalies)[0], "view.unexpected_root");
    let (_, anomalies) = Manifest::from_document(&document, None);
    assert_eq!(
        kinds(&anomalies),
        vec!["view.unexpected_root", "view.missing_attribute"]
    );
}

#[test]
fn network_security_config_rendering_snapshot() {
    let (table, _) = table("full/resources.arsc");
    let (document, _) = document("full/res/xml/network_security_config.xml");
    insta::assert_snapshot!("network_security_config_xml", document.to_xml_with(&table));
}
