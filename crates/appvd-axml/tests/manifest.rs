//! The typed manifest view on aapt-built fixtures (sources in tests/fixtures/src).

mod common;

use appvd_axml::manifest::CUR_DEVELOPMENT;
use appvd_axml::{
    Application, Component, ComponentKind, ExportReason, LaunchMode, Manifest, PathPattern,
    ResourceLink, SdkVersion, Value,
};
use common::{document, kinds, table};

fn full(with_table: bool) -> (Manifest, Vec<&'static str>) {
    let (document, xml_anomalies) = document("full/AndroidManifest.xml");
    assert!(xml_anomalies.is_empty(), "{xml_anomalies:?}");
    let (table, table_anomalies) = table("full/resources.arsc");
    assert!(table_anomalies.is_empty(), "{table_anomalies:?}");
    let (manifest, anomalies) = Manifest::from_document(&document, with_table.then_some(&table));
    (manifest, kinds(&anomalies))
}

fn application(manifest: &Manifest) -> &Application {
    manifest.application.as_ref().expect("application")
}

fn component<'m>(manifest: &'m Manifest, class: &str) -> &'m Component {
    manifest
        .components()
        .find(|c| c.class_name.as_deref() == Some(class))
        .unwrap_or_else(|| panic!("no component {class}"))
}

#[test]
fn manifest_level_attributes() {
    let (manifest, anomalies) = full(true);
    assert!(anomalies.is_empty(), "{anomalies:?}");
    assert_eq!(manifest.package.as_deref(), Some("com.appvd.fixture.full"));
    assert_eq!(manifest.version_code, Some(42));
    assert_eq!(manifest.version_code_major, Some(3));
    assert_eq!(manifest.long_version_code(), Some((3 << 32) | 42));
    assert_eq!(
        manifest.version_name.as_deref(),
        Some("4.2.0-fixture"),
        "resolved through @string/version_name"
    );
    assert_eq!(manifest.compile_sdk_version, Some(30));
    assert_eq!(manifest.compile_sdk_version_codename.as_deref(), Some("11"));
    assert_eq!(manifest.platform_build_version_code.as_deref(), Some("30"));
    assert_eq!(manifest.platform_build_version_name.as_deref(), Some("11"));
    assert_eq!(manifest.shared_user_id.as_deref(), Some("com.appvd.shared"));
    assert_eq!(manifest.install_location, Some(2));
    assert_eq!(manifest.line, 4);
}

#[test]
fn sdk_levels_permissions_features_queries() {
    let (manifest, _) = full(true);
    assert!(manifest.uses_sdk.present);
    assert_eq!(
        manifest.uses_sdk.min_sdk_version,
        Some(SdkVersion::Level(21))
    );
    assert_eq!(
        manifest.uses_sdk.target_sdk_version,
        Some(SdkVersion::Level(30))
    );
    assert_eq!(manifest.uses_sdk.max_sdk_version, Some(33));
    assert_eq!((manifest.min_sdk(), manifest.target_sdk()), (21, 30));

    let permissions: Vec<(&str, Option<i64>, bool, Option<i64>)> = manifest
        .uses_permissions
        .iter()
        .map(|p| {
            (
                p.name.as_deref().unwrap_or_default(),
                p.max_sdk_version,
                p.sdk_23_only,
                p.flags,
            )
        })
        .collect();
    assert_eq!(
        permissions,
        vec![
            ("android.permission.INTERNET", None, false, None),
            ("android.permission.READ_SMS", Some(28), false, None),
            (
                "android.permission.ACCESS_FINE_LOCATION",
                None,
                false,
                Some(0x10000)
            ),
            ("android.permission.CAMERA", None, true, None),
        ]
    );
    assert_eq!(manifest.permission_names().count(), 4);

    let declared: Vec<(String, String)> = manifest
        .permissions
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.effective_protection_level().to_string(),
            )
        })
        .collect();
    assert_eq!(
        declared,
        vec![
            ("com.appvd.fixture.full.NORMAL".into(), "normal".into()),
            (
                "com.appvd.fixture.full.DANGEROUS".into(),
                "dangerous".into()
            ),
            (
                "com.appvd.fixture.full.PRIVILEGED".into(),
                "signature|privileged".into()
            ),
            (
                "com.appvd.fixture.full.DEFAULT_LEVEL".into(),
                "normal".into()
            ),
        ]
    );
    assert_eq!(
        manifest.permissions[3].protection_level, None,
        "absent stays absent"
    );
    assert!(
        manifest
            .declared_permission("com.appvd.fixture.full.PRIVILEGED")
            .is_some_and(|p| { p.effective_protection_level().is_signature() })
    );
    assert_eq!(
        manifest.permissions[1].permission_group.as_deref(),
        Some("android.permission-group.SMS")
    );

    assert_eq!(manifest.uses_features.len(), 2);
    assert_eq!(
        manifest.uses_features[0].name.as_deref(),
        Some("android.hardware.camera")
    );
    assert_eq!(manifest.uses_features[0].required, Some(false));
    assert_eq!(manifest.uses_features[1].gl_es_version, Some(0x0002_0000));

    assert_eq!(manifest.queries.packages, vec!["com.example.partner"]);
    assert_eq!(manifest.queries.intents.len(), 1);
    assert_eq!(
        manifest.queries.intents[0].actions,
        vec!["android.intent.action.SEND"]
    );
    assert_eq!(
        manifest.queries.intents[0].data[0].mime_type.as_deref(),
        Some("image/*")
    );
    assert_eq!(
        manifest.queries.provider_authorities,
        vec!["com.example.partner.files"]
    );
}

#[test]
fn application_flags_are_typed_and_resolved() {
    let (manifest, _) = full(true);
    let app = application(&manifest);
    assert_eq!(
        app.class_name.as_deref(),
        Some("com.appvd.fixture.full.FixtureApp")
    );
    assert_eq!(app.label.as_deref(), Some("Fixture"));
    assert_eq!(
        app.debuggable,
        Some(true),
        "resolved through @bool/debug_build"
    );
    assert_eq!(app.allow_backup, Some(true));
    assert_eq!(app.full_backup_only, Some(false));
    assert_eq!(
        app.backup_agent.as_deref(),
        Some("com.appvd.fixture.full.BackupHelper")
    );
    assert_eq!(app.uses_cleartext_traffic, Some(true));
    assert_eq!(app.request_legacy_external_storage, Some(true));
    assert_eq!(app.preserve_legacy_external_storage, Some(true));
    assert_eq!(app.test_only, Some(true));
    assert_eq!(app.allow_task_reparenting, Some(true));
    assert_eq!(app.task_affinity.as_deref(), Some("com.appvd.affinity"));
    assert_eq!(app.extract_native_libs, Some(false));
    assert_eq!(app.has_code, Some(true));
    assert_eq!(app.large_heap, Some(true));
    assert_eq!(app.allow_clear_user_data, Some(true));
    assert_eq!(app.has_fragile_user_data, Some(false));
    assert_eq!(app.persistent, None, "absent is not false");
    assert_eq!(app.enabled, None);
    assert_eq!(
        app.permission.as_deref(),
        Some("com.appvd.fixture.full.NORMAL")
    );
    assert_eq!(app.process.as_deref(), Some(":main"));
    assert_eq!(
        app.app_component_factory.as_deref(),
        Some("androidx.core.app.CoreComponentFactory")
    );

    let link = |id: u32, name: &str, path: &str| ResourceLink {
        id,
        name: Some(name.into()),
        path: Some(path.into()),
    };
    assert_eq!(
        app.network_security_config,
        Some(link(
            0x7f02_0003,
            "xml/network_security_config",
            "res/xml/network_security_config.xml"
        ))
    );
    assert_eq!(
        app.data_extraction_rules,
        Some(link(
            0x7f02_0001,
            "xml/data_extraction_rules",
            "res/xml/data_extraction_rules.xml"
        ))
    );
    assert_eq!(
        app.full_backup_content,
        Some(appvd_axml::manifest::ResourceOrBool::Resource(link(
            0x7f02_0000,
            "xml/backup_rules",
            "res/xml/backup_rules.xml"
        )))
    );

    let meta: Vec<(Option<&str>, Option<&Value>)> = app
        .meta_data
        .iter()
        .map(|m| (m.name.as_deref(), m.value.as_ref()))
        .collect();
    assert_eq!(
        meta,
        vec![
            (
                Some("com.google.android.geo.API_KEY"),
                Some(&Value::String(
                    "AIzaSyFIXTUREfixtureFIXTUREfixture0000".into()
                ))
            ),
            (Some("fixture.flag"), Some(&Value::Boolean(true))),
            (Some("fixture.count"), Some(&Value::IntDec(7))),
        ]
    );
    assert_eq!(
        app.meta_data[0]
            .value_reference
            .as_ref()
            .and_then(|l| l.name.as_deref()),
        Some("string/maps_key")
    );
    assert_eq!(app.uses_libraries.len(), 1);
    assert_eq!(
        app.uses_libraries[0].name.as_deref(),
        Some("org.apache.http.legacy")
    );
    assert_eq!(app.uses_libraries[0].required, Some(false));
}

#[test]
fn components_and_effective_export() {
    let (manifest, _) = full(true);
    let app = application(&manifest);
    let summary: Vec<(ComponentKind, &str, Option<bool>, bool, ExportReason)> = manifest
        .components()
        .map(|c| {
            (
                c.kind,
                c.class_name.as_deref().unwrap_or_default(),
                c.exported,
                c.effective_exported,
                c.export_reason,
            )
        })
        .collect();
    use ComponentKind::*;
    use ExportReason::*;
    assert_eq!(
        summary,
        vec![
            (
                Activity,
                "com.appvd.fixture.full.MainActivity",
                None,
                true,
                IntentFilter
            ),
            (
                Activity,
                "com.appvd.fixture.full.DeepLinkActivity",
                Some(true),
                true,
                Explicit
            ),
            (
                Activity,
                "com.other.pkg.PrivateActivity",
                Some(false),
                false,
                Explicit
            ),
            (
                ActivityAlias,
                "com.appvd.fixture.full.Alias",
                None,
                true,
                IntentFilter
            ),
            (
                Service,
                "com.appvd.fixture.full.SyncService",
                Some(true),
                true,
                Explicit
            ),
            (
                Service,
                "com.appvd.fixture.full.HiddenService",
                None,
                false,
                NoIntentFilter
            ),
            (
                Receiver,
                "com.appvd.fixture.full.SmsReceiver",
                None,
                true,
                IntentFilter
            ),
            (
                Receiver,
                "com.appvd.fixture.full.SecretCodeReceiver",
                Some(true),
                true,
                Explicit
            ),
            (
                Provider,
                "androidx.core.content.FileProvider",
                Some(false),
                false,
                Explicit
            ),
            (
                Provider,
                "com.appvd.fixture.full.DataProvider",
                Some(true),
                true,
                Explicit
            ),
            (
                Provider,
                "com.appvd.fixture.full.DefaultProvider",
                None,
                false,
                ProviderDefault
            ),
        ]
    );

    let main = component(&manifest, "com.appvd.fixture.full.MainActivity");
    assert!(main.is_launcher());
    assert_eq!(main.raw_name.as_deref(), Some(".MainActivity"));
    assert_eq!(main.launch_mode, Some(LaunchMode::SingleTask));
    assert_eq!(main.task_affinity.as_deref(), Some(""));
    assert_eq!(main.exclude_from_recents, Some(true));
    assert_eq!(
        main.effective_permission(app),
        Some("com.appvd.fixture.full.NORMAL"),
        "inherited from <application>"
    );

    let deep = component(&manifest, "com.appvd.fixture.full.DeepLinkActivity");
    assert_eq!(deep.allow_task_reparenting, Some(true));
    let web = &deep.intent_filters[0];
    assert_eq!(web.auto_verify, Some(true));
    assert_eq!(web.priority, Some(5));
    assert!(web.is_browsable());
    assert_eq!(web.schemes(), vec!["https"]);
    assert_eq!(web.hosts(), vec!["appvd.example.com"]);
    let data = &web.data;
    assert_eq!(data[0].port.as_deref(), Some("443"));
    assert_eq!(data[0].path.as_deref(), Some("/open"));
    assert_eq!(data[1].path_prefix.as_deref(), Some("/items/"));
    assert_eq!(data[2].path_pattern.as_deref(), Some("/u/.*"));
    assert_eq!(data[2].path_suffix.as_deref(), Some(".html"));
    assert_eq!(data[2].path_advanced_pattern.as_deref(), Some("/a/[0-9]+"));
    let custom = &deep.intent_filters[1];
    assert_eq!(
        (custom.schemes(), custom.auto_verify),
        (vec!["appvd"], None)
    );

    let alias = component(&manifest, "com.appvd.fixture.full.Alias");
    assert_eq!(
        alias.target_activity.as_deref(),
        Some("com.appvd.fixture.full.MainActivity")
    );
    assert_eq!(alias.enabled, Some(false));

    let sync = component(&manifest, "com.appvd.fixture.full.SyncService");
    assert_eq!(
        sync.permission.as_deref(),
        Some("android.permission.BIND_JOB_SERVICE")
    );
    assert_eq!(
        (sync.isolated_process, sync.direct_boot_aware),
        (Some(false), Some(true))
    );
    assert_eq!(sync.foreground_service_type, Some(0x9), "dataSync|location");

    let sms = component(&manifest, "com.appvd.fixture.full.SmsReceiver");
    assert_eq!(sms.intent_filters[0].priority, Some(999));
    assert!(sms.intent_filters[1].has_action("android.intent.action.DATA_SMS_RECEIVED"));
    assert_eq!(sms.intent_filters[1].data[0].port.as_deref(), Some("6734"));
    let secret = component(&manifest, "com.appvd.fixture.full.SecretCodeReceiver");
    assert_eq!(
        secret.intent_filters[0].schemes(),
        vec!["android_secret_code"]
    );

    let files = component(&manifest, "androidx.core.content.FileProvider");
    assert_eq!(
        files.authorities,
        vec![
            "com.appvd.fixture.full.files",
            "com.appvd.fixture.full.files2"
        ]
    );
    assert_eq!(files.grant_uri_permissions, Some(true));
    assert_eq!(
        files.grant_uri_permission_patterns,
        vec![
            PathPattern::Path("/".into()),
            PathPattern::Prefix("/shared/".into()),
            PathPattern::Pattern(".*".into())
        ]
    );
    assert_eq!(
        files
            .grant_uri_permission_patterns
            .iter()
            .filter(|p| p.matches_everything())
            .count(),
        2
    );
    let paths = files
        .meta_data(appvd_axml::file_provider::FILE_PROVIDER_PATHS_META_DATA)
        .expect("paths meta-data");
    assert_eq!(
        paths.resource.as_ref().and_then(|l| l.path.as_deref()),
        Some("res/xml/file_paths.xml")
    );

    let data_provider = component(&manifest, "com.appvd.fixture.full.DataProvider");
    assert_eq!(
        data_provider.effective_read_permission(app),
        Some("com.appvd.fixture.full.DANGEROUS")
    );
    assert_eq!(
        data_provider.effective_write_permission(app),
        Some("com.appvd.fixture.full.PRIVILEGED")
    );
    assert_eq!(
        (data_provider.syncable, data_provider.multiprocess),
        (Some(true), Some(true))
    );
    assert_eq!(data_provider.path_permissions.len(), 2);
    assert_eq!(
        data_provider.path_permissions[0].patterns,
        vec![PathPattern::Prefix("/public".into())]
    );
    assert_eq!(
        data_provider.path_permissions[0].read_permission.as_deref(),
        Some("android.permission.INTERNET")
    );
    assert_eq!(
        data_provider.path_permissions[1].permission.as_deref(),
        Some("com.appvd.fixture.full.PRIVILEGED")
    );
    let default = component(&manifest, "com.appvd.fixture.full.DefaultProvider");
    assert_eq!(
        default.effective_read_permission(app),
        Some("com.appvd.fixture.full.NORMAL")
    );
}

#[test]
fn without_a_table_references_stay_links() {
    let (manifest, anomalies) = full(false);
    assert!(anomalies.is_empty(), "{anomalies:?}");
    let app = application(&manifest);
    assert_eq!(manifest.version_name, None);
    assert_eq!(
        app.debuggable, None,
        "@bool/debug_build cannot be read without the table"
    );
    let nsc = app.network_security_config.as_ref().expect("link");
    assert_eq!(
        (nsc.id, nsc.name.as_deref(), nsc.path.as_deref()),
        (0x7f02_0003, None, None)
    );
    assert_eq!(app.meta_data[0].value, Some(Value::Reference(0x7f05_0002)));
}

#[test]
fn target_sdk_16_exports_providers_by_default() {
    let (document, _) = document("sdk16/AndroidManifest.xml");
    let (manifest, anomalies) = Manifest::from_document(&document, None);
    assert!(anomalies.is_empty(), "{anomalies:?}");
    assert_eq!((manifest.min_sdk(), manifest.target_sdk()), (9, 16));
    let reasons: Vec<(&str, bool, ExportReason)> = manifest
        .components()
        .map(|c| {
            (
                c.raw_name.as_deref().unwrap_or_default(),
                c.effective_exported,
                c.export_reason,
            )
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            (".Main", true, ExportReason::IntentFilter),
            (".LegacyProvider", true, ExportReason::ProviderBeforeApi17),
            (".ClosedProvider", false, ExportReason::Explicit),
            ("Boot", true, ExportReason::IntentFilter),
        ]
    );
    assert_eq!(
        manifest
            .components()
            .nth(3)
            .and_then(|c| c.class_name.as_deref()),
        Some("com.appvd.fixture.sdk16.Boot")
    );
}

#[test]
fn target_sdk_31_flags_missing_exported() {
    let (document, _) = document("sdk31/AndroidManifest.xml");
    let (manifest, anomalies) = Manifest::from_document(&document, None);
    assert_eq!(kinds(&anomalies), vec!["view.missing_exported"]);
    assert_eq!(manifest.target_sdk(), 31);
    assert_eq!(
        manifest.application.as_ref().and_then(|a| a.allow_backup),
        Some(false)
    );
    let forgotten = manifest.components().nth(1).expect("second component");
    assert_eq!(
        forgotten.export_reason,
        ExportReason::IntentFilterMissingExported
    );
    assert!(
        forgotten.effective_exported,
        "exported on platforms that still install it"
    );
    let provider = manifest.components().nth(3).expect("provider");
    assert_eq!(
        (provider.effective_exported, provider.export_reason),
        (false, ExportReason::ProviderDefault)
    );
}

#[test]
fn missing_uses_sdk_means_legacy_defaults() {
    let (document, _) = document("no_uses_sdk/AndroidManifest.xml");
    let (manifest, _) = Manifest::from_document(&document, None);
    assert!(!manifest.uses_sdk.present);
    assert_eq!((manifest.min_sdk(), manifest.target_sdk()), (1, 1));
    assert_eq!(
        manifest.application.as_ref().and_then(|a| a.debuggable),
        Some(false)
    );
    let provider = manifest.components().next().expect("provider");
    assert_eq!(
        (provider.effective_exported, provider.export_reason),
        (true, ExportReason::ProviderBeforeApi17)
    );
}

#[test]
fn codename_sdk_counts_as_current_development() {
    let (document, _) = document("codename/AndroidManifest.xml");
    let (manifest, _) = Manifest::from_document(&document, None);
    assert_eq!(
        manifest.uses_sdk.min_sdk_version,
        Some(SdkVersion::Codename("Tiramisu".into()))
    );
    assert_eq!(manifest.uses_sdk.target_sdk_version, None);
    assert_eq!(
        (manifest.min_sdk(), manifest.target_sdk()),
        (CUR_DEVELOPMENT, CUR_DEVELOPMENT)
    );
}

#[test]
fn aapt2_manifest_with_sparse_table() {
    let (document, _) = document("sparse/AndroidManifest.xml");
    let (table, anomalies) = table("sparse/resources.arsc");
    assert!(anomalies.is_empty(), "{anomalies:?}");
    let (manifest, anomalies) = Manifest::from_document(&document, Some(&table));
    assert!(anomalies.is_empty(), "{anomalies:?}");
    let app = manifest.application.as_ref().expect("application");
    assert_eq!(app.label.as_deref(), Some("value 0"));
    assert_eq!(
        app.network_security_config
            .as_ref()
            .and_then(|l| l.path.as_deref()),
        Some("res/xml/nsc.xml")
    );
}

#[test]
fn manifest_view_snapshot() {
    let (manifest, _) = full(true);
    insta::assert_json_snapshot!("full_manifest_view", manifest);
}
