//! Builders for the unit tests of the manifest and res/xml rules: typed manifests assembled in
//! code, with export state computed by the same function the manifest view uses.

use appvd_axml::manifest::{SdkVersion, effective_exported};
use appvd_axml::{
    Application, Component, ComponentKind, ExportReason, IntentData, IntentFilter, Manifest,
    PermissionDeclaration, ProtectionLevel, UsesSdk,
};

pub(crate) const PACKAGE: &str = "com.example.app";

/// A manifest for `com.example.app` with an empty `<application>`.
pub(crate) fn manifest(min_sdk: i64, target_sdk: i64) -> Manifest {
    Manifest {
        package: Some(PACKAGE.to_owned()),
        uses_sdk: UsesSdk {
            present: true,
            min_sdk_version: Some(SdkVersion::Level(min_sdk)),
            target_sdk_version: Some(SdkVersion::Level(target_sdk)),
            max_sdk_version: None,
            line: 2,
        },
        application: Some(Application {
            line: 3,
            ..Application::default()
        }),
        ..Manifest::default()
    }
}

/// A component named `com.example.app.<name>` with nothing set.
pub(crate) fn component(kind: ComponentKind, name: &str) -> Component {
    Component {
        kind,
        class_name: Some(format!("{PACKAGE}.{name}")),
        raw_name: Some(format!(".{name}")),
        target_activity: None,
        enabled: None,
        exported: None,
        effective_exported: false,
        export_reason: ExportReason::NoIntentFilter,
        permission: None,
        read_permission: None,
        write_permission: None,
        authorities: Vec::new(),
        grant_uri_permissions: None,
        grant_uri_permission_patterns: Vec::new(),
        path_permissions: Vec::new(),
        launch_mode: None,
        task_affinity: None,
        allow_task_reparenting: None,
        exclude_from_recents: None,
        process: None,
        direct_boot_aware: None,
        isolated_process: None,
        foreground_service_type: None,
        multiprocess: None,
        syncable: None,
        intent_filters: Vec::new(),
        meta_data: Vec::new(),
        line: 10,
    }
}

/// An intent filter with these actions and categories, and `<data>` elements of `(scheme, host)`.
pub(crate) fn filter(actions: &[&str], categories: &[&str], data: &[(&str, &str)]) -> IntentFilter {
    IntentFilter {
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        data: data
            .iter()
            .map(|(scheme, host)| IntentData {
                scheme: Some((*scheme).to_owned()),
                host: (!host.is_empty()).then(|| (*host).to_owned()),
                ..IntentData::default()
            })
            .collect(),
        ..IntentFilter::default()
    }
}

/// Adds the component to the manifest, with `android:exported` as given and the effective export
/// state Android derives for the manifest's target SDK.
pub(crate) fn add(manifest: &mut Manifest, mut component: Component, exported: Option<bool>) {
    let target_sdk = manifest.target_sdk();
    component.exported = exported;
    let (effective, reason) = effective_exported(
        component.kind,
        exported,
        !component.intent_filters.is_empty(),
        target_sdk,
    );
    component.effective_exported = effective;
    component.export_reason = reason;
    if let Some(application) = manifest.application.as_mut() {
        application.components.push(component);
    }
}

/// Declares `<permission android:name=… android:protectionLevel=…>`.
pub(crate) fn declare(manifest: &mut Manifest, name: &str, level: u32) {
    manifest.permissions.push(PermissionDeclaration {
        name: Some(name.to_owned()),
        protection_level: Some(ProtectionLevel(level)),
        permission_group: None,
        line: 4,
    });
}
