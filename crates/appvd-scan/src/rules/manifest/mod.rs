//! Rules on the decoded manifest (one of them, `privacy.accessibility_service`, also reads the
//! accessibility configuration XML the manifest names).
//!
//! The helpers here hold the platform semantics the component rules share, so that every rule
//! answers "who can reach this component" the same way:
//!
//! * `reachable`: a component other apps can start or bind on the devices the app installs on.
//!   Export by intent filter only counts below targetSdk 31 (Android 12+ refuses to install an
//!   app that targets 31+ and leaves `android:exported` out of a component with a filter), and
//!   providers are exported by default only below targetSdk 17.
//! * `classify_permission`: what a guarding permission is worth. Signature-level permissions —
//!   declared by this app, by the platform, or by the preinstalled Google Play services — keep
//!   other apps out and are never findings. Platform permissions any app can request are reported
//!   by the `ipc.exported_*` rules; the app's own weak or undefined permissions are reported once,
//!   by `ipc.weak_custom_permission`, so one cause never yields two findings.

use appvd_axml::{Component, ComponentKind, ExportReason, Manifest, ProtectionLevel};

use crate::finding::{Location, Severity};
use crate::rule::{Emitter, Rule};

pub mod accessibility_service;
pub mod advertising_id;
pub mod applink_not_verified;
pub mod backup_allowed;
pub mod cleartext_manifest;
pub mod custom_scheme_deeplink;
pub mod dangerous_permissions;
pub mod data_sms_port;
pub mod debuggable;
pub mod exported_activity;
pub mod exported_provider;
pub mod exported_receiver;
pub mod exported_service;
pub mod grant_uri_root;
pub mod high_priority_filter;
pub mod min_sdk_outdated;
pub(crate) mod platform;
pub mod secret_dialer_code;
pub mod target_sdk_outdated;
pub mod task_hijacking;
pub mod test_only;
#[cfg(test)]
pub(crate) mod testkit;
pub mod weak_custom_permission;

pub static RULES: &[&Rule] = &[
    &debuggable::RULE,
    &test_only::RULE,
    &backup_allowed::RULE,
    &cleartext_manifest::RULE,
    &exported_activity::RULE,
    &exported_service::RULE,
    &exported_receiver::RULE,
    &exported_provider::RULE,
    &grant_uri_root::RULE,
    &task_hijacking::RULE,
    &applink_not_verified::RULE,
    &custom_scheme_deeplink::RULE,
    &weak_custom_permission::RULE,
    &high_priority_filter::RULE,
    &secret_dialer_code::RULE,
    &data_sms_port::RULE,
    &min_sdk_outdated::RULE,
    &target_sdk_outdated::RULE,
    &dangerous_permissions::RULE,
    &accessibility_service::RULE,
    &advertising_id::RULE,
];

pub(crate) const MANIFEST_FILE: &str = "AndroidManifest.xml";

/// One finding a rule's logic decided on, before it is emitted. Rules whose logic is worth testing
/// beyond the fixture pair (here and in `resxml`) compute hits from plain data — the manifest, a
/// network security config — so unit tests can cover every SDK level and default without building
/// an APK for each (`testkit` assembles such manifests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit {
    /// `None` for the rule's default severity.
    pub severity: Option<Severity>,
    pub location: Location,
    pub key: String,
    pub message: String,
    pub evidence: String,
}

impl Hit {
    pub(crate) fn new(
        location: Location,
        key: impl Into<String>,
        message: impl Into<String>,
        evidence: impl Into<String>,
    ) -> Self {
        Hit {
            severity: None,
            location,
            key: key.into(),
            message: message.into(),
            evidence: evidence.into(),
        }
    }

    #[must_use]
    pub(crate) fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// Emits every hit.
pub(crate) fn emit_all(out: &mut Emitter<'_>, hits: Vec<Hit>) {
    for hit in hits {
        match hit.severity {
            Some(severity) => {
                out.emit_with_severity(severity, hit.location, &hit.key, hit.message, hit.evidence)
            }
            None => out.emit(hit.location, &hit.key, hit.message, hit.evidence),
        }
    }
}

/// A place in the manifest.
pub(crate) fn at_line(line: u32) -> Location {
    Location::file(MANIFEST_FILE).with_line(line)
}

/// A component's element in the manifest.
pub(crate) fn at_component(component: &Component) -> Location {
    at_line(component.line).with_component(component_name(component))
}

/// The component's class name, or a stand-in naming its tag and line when it has none.
pub(crate) fn component_name(component: &Component) -> String {
    component
        .class_name
        .clone()
        .or_else(|| component.raw_name.clone())
        .unwrap_or_else(|| format!("<{} at line {}>", component.kind.tag(), component.line))
}

/// Whether another app can start, bind or query the component on the devices the app installs on.
/// Components disabled in the manifest are left out: only the app itself can enable them at run
/// time, which the manifest does not show.
pub(crate) fn reachable(component: &Component) -> bool {
    component.effective_exported
        && component.export_reason != ExportReason::IntentFilterMissingExported
        && component.enabled != Some(false)
}

/// How the component came to be exported, as evidence.
pub(crate) fn export_cause(component: &Component, target_sdk: u32) -> String {
    match component.export_reason {
        ExportReason::Explicit => "android:exported=\"true\"".to_owned(),
        ExportReason::IntentFilter | ExportReason::IntentFilterMissingExported => {
            format!("exported by its intent filter (no android:exported, targetSdk {target_sdk})")
        }
        ExportReason::ProviderBeforeApi17 => {
            format!("exported by default (no android:exported, targetSdk {target_sdk} < 17)")
        }
        ExportReason::NoIntentFilter | ExportReason::ProviderDefault => "not exported".to_owned(),
    }
}

/// The component's intent-filter actions, de-duplicated, in manifest order.
pub(crate) fn actions(component: &Component) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for action in component
        .intent_filters
        .iter()
        .flat_map(|f| f.actions.iter())
    {
        if !out.contains(&action.as_str()) {
            out.push(action);
        }
    }
    out
}

/// The launcher entry point of the app (phone or TV launcher).
pub(crate) fn is_launcher_entry(component: &Component) -> bool {
    matches!(
        component.kind,
        ComponentKind::Activity | ComponentKind::ActivityAlias
    ) && component.intent_filters.iter().any(|filter| {
        filter.has_action("android.intent.action.MAIN")
            && (filter.has_category("android.intent.category.LAUNCHER")
                || filter.has_category("android.intent.category.LEANBACK_LAUNCHER"))
    })
}

/// Joins up to `max` items with ", ", saying how many more there are.
pub(crate) fn list(items: &[&str], max: usize) -> String {
    let mut text = items
        .iter()
        .take(max)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        text.push_str(&format!(" and {} more", items.len() - max));
    }
    text
}

/// Signature-level permissions defined by Google Play services, which is preinstalled on every
/// device that has Google Play: only Google-signed code can hold them, and no app can define them
/// first.
const PREINSTALLED_SIGNATURE_PERMISSIONS: &[&str] = &[
    "com.google.android.c2dm.permission.SEND",
    "com.google.android.gms.auth.api.phone.permission.SEND",
    "com.google.android.gms.permission.BIND_NETWORK_TASK_SERVICE",
];

/// What a permission that guards a component is worth against another app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Guard {
    /// Only apps signed with the same key, the platform or a preinstalled signer can hold it.
    Strong,
    /// A platform permission any app can request (normal, dangerous, or granted by the user
    /// through an app-op).
    PlatformWeak(ProtectionLevel),
    /// A platform permission newer than the table: assumed to be a real guard.
    PlatformUnknown,
    /// Declared by this app at a level any app can request.
    DeclaredWeak(ProtectionLevel),
    /// Neither declared here nor a platform permission: whichever app installs first and
    /// declares it decides its level.
    Undefined,
}

/// True for levels an ordinary app cannot obtain: signature or signatureOrSystem (any flags but
/// `appop`, which lets the user grant it), and `internal` (roles and the system only).
pub(crate) fn level_keeps_apps_out(level: ProtectionLevel) -> bool {
    const APPOP: u32 = 0x40;
    match level.base() {
        appvd_axml::manifest::ProtectionBase::Signature
        | appvd_axml::manifest::ProtectionBase::SignatureOrSystem => level.0 & APPOP == 0,
        appvd_axml::manifest::ProtectionBase::Internal => true,
        _ => false,
    }
}

/// The protection level of a platform permission.
pub(crate) fn platform_permission_level(name: &str) -> Option<ProtectionLevel> {
    platform::PLATFORM_PERMISSIONS
        .binary_search_by(|(candidate, _)| (*candidate).cmp(name))
        .ok()
        .and_then(|i| platform::PLATFORM_PERMISSIONS.get(i))
        .map(|&(_, level)| ProtectionLevel(level))
}

/// True when only system processes may send this broadcast action: a receiver that listens only
/// for such actions cannot be reached by another app, declared in the manifest or at run time.
///
/// `CLOSE_SYSTEM_DIALOGS` is not declared protected, but since Android 12 the system drops it from
/// apps (and throws for apps targeting 31+); it only tells a receiver that a system dialog closed,
/// so it is counted with the protected ones.
pub(crate) fn is_protected_broadcast(action: &str) -> bool {
    action == "android.intent.action.CLOSE_SYSTEM_DIALOGS"
        || platform::PROTECTED_BROADCASTS
            .binary_search(&action)
            .is_ok()
}

/// What `permission`, guarding one of this app's components, is worth.
pub(crate) fn classify_permission(manifest: &Manifest, permission: &str) -> Guard {
    if let Some(declared) = manifest.declared_permission(permission) {
        let level = declared.effective_protection_level();
        return if level_keeps_apps_out(level) {
            Guard::Strong
        } else {
            Guard::DeclaredWeak(level)
        };
    }
    if let Some(level) = platform_permission_level(permission) {
        return if level_keeps_apps_out(level) {
            Guard::Strong
        } else {
            Guard::PlatformWeak(level)
        };
    }
    if PREINSTALLED_SIGNATURE_PERMISSIONS.contains(&permission) {
        return Guard::Strong;
    }
    if permission.starts_with("android.permission.") {
        return Guard::PlatformUnknown;
    }
    Guard::Undefined
}

/// An exported activity, service or receiver that another app can reach: either it has no
/// permission, or its permission is a platform one any app may request.
#[derive(Debug)]
pub(crate) struct OpenComponent<'m> {
    pub component: &'m Component,
    /// How it came to be exported.
    pub cause: String,
    /// The guarding platform permission any app can request, when there is one.
    pub weak_guard: Option<(&'m str, ProtectionLevel)>,
}

impl OpenComponent<'_> {
    /// Evidence: how it is exported, what guards it, and its actions.
    pub(crate) fn evidence(&self) -> String {
        let mut parts = vec![self.cause.clone()];
        parts.push(match self.weak_guard {
            Some((name, level)) => {
                format!("android:permission=\"{name}\" ({level}: any app can request it)")
            }
            None => "no android:permission".to_owned(),
        });
        let actions = actions(self.component);
        if !actions.is_empty() {
            parts.push(format!("actions: {}", list(&actions, 4)));
        }
        parts.join("; ")
    }
}

/// The component, when it is reachable by other apps without a permission they cannot get.
/// Providers have their own logic (read and write permissions, path permissions).
pub(crate) fn open_component<'m>(
    manifest: &'m Manifest,
    component: &'m Component,
) -> Option<OpenComponent<'m>> {
    let application = manifest.application.as_ref()?;
    if component.kind == ComponentKind::Provider || !reachable(component) {
        return None;
    }
    let weak_guard = match component.effective_permission(application) {
        None => None,
        Some(permission) => match classify_permission(manifest, permission) {
            Guard::PlatformWeak(level) => Some((permission, level)),
            _ => return None,
        },
    };
    Some(OpenComponent {
        component,
        cause: export_cause(component, manifest.target_sdk()),
        weak_guard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_axml::PermissionDeclaration;

    #[test]
    fn platform_tables_are_sorted_and_unique() {
        let names: Vec<&str> = platform::PLATFORM_PERMISSIONS
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert!(
            names.windows(2).all(|w| w[0] < w[1]),
            "PLATFORM_PERMISSIONS must be sorted and unique"
        );
        assert!(
            platform::PROTECTED_BROADCASTS
                .windows(2)
                .all(|w| w[0] < w[1]),
            "PROTECTED_BROADCASTS must be sorted and unique"
        );
    }

    #[test]
    fn platform_facts() {
        assert!(is_protected_broadcast(
            "android.intent.action.BOOT_COMPLETED"
        ));
        // Anyone may send these: receivers must check the sender themselves.
        assert!(!is_protected_broadcast(
            "android.provider.Telephony.SMS_RECEIVED"
        ));
        assert!(!is_protected_broadcast(
            "android.appwidget.action.APPWIDGET_UPDATE"
        ));
        assert!(level_keeps_apps_out(
            platform_permission_level("android.permission.BIND_JOB_SERVICE").unwrap()
        ));
        assert!(!level_keeps_apps_out(
            platform_permission_level("android.permission.INTERNET").unwrap()
        ));
        // signature|appop: the user can grant it to any app.
        assert!(!level_keeps_apps_out(
            platform_permission_level("android.permission.SYSTEM_ALERT_WINDOW").unwrap()
        ));
    }

    #[test]
    fn permissions_are_classified_by_who_can_hold_them() {
        let declared = |name: &str, level: Option<u32>| PermissionDeclaration {
            name: Some(name.to_owned()),
            protection_level: level.map(ProtectionLevel),
            permission_group: None,
            line: 1,
        };
        let manifest = Manifest {
            permissions: vec![
                declared("com.a.SIGNED", Some(2)),
                declared("com.a.OPEN", None),
                declared("com.a.ASK", Some(1)),
            ],
            ..Manifest::default()
        };
        assert_eq!(
            classify_permission(&manifest, "com.a.SIGNED"),
            Guard::Strong
        );
        assert_eq!(
            classify_permission(&manifest, "com.a.OPEN"),
            Guard::DeclaredWeak(ProtectionLevel(0))
        );
        assert_eq!(
            classify_permission(&manifest, "com.a.ASK"),
            Guard::DeclaredWeak(ProtectionLevel(1))
        );
        assert_eq!(
            classify_permission(&manifest, "android.permission.BIND_JOB_SERVICE"),
            Guard::Strong
        );
        assert_eq!(
            classify_permission(&manifest, "android.permission.INTERNET"),
            Guard::PlatformWeak(ProtectionLevel(0x1000))
        );
        assert_eq!(
            classify_permission(&manifest, "com.google.android.c2dm.permission.SEND"),
            Guard::Strong
        );
        assert_eq!(
            classify_permission(&manifest, "android.permission.BIND_SOMETHING_NEW"),
            Guard::PlatformUnknown
        );
        assert_eq!(
            classify_permission(&manifest, "com.b.PARTNER"),
            Guard::Undefined
        );
    }

    /// Every manifest and res/xml rule runs on every fixture APK of the crate (including the
    /// tampered and unsigned ones of other rule groups) without panicking, and reports findings
    /// with a message, evidence and a location in a file.
    #[test]
    fn rules_hold_up_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
        let mut apks: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|rule| ["positive.apk", "negative.apk"].map(|kind| rule.path().join(kind)))
            .filter(|path| path.is_file())
            .collect();
        apks.sort();
        assert!(apks.len() >= 2 * (RULES.len() + crate::rules::resxml::RULES.len()));
        for apk in &apks {
            let Ok(app) = crate::model::AppModel::open(apk) else {
                continue;
            };
            for rule in RULES.iter().chain(crate::rules::resxml::RULES) {
                for finding in rule.run(&app) {
                    assert!(
                        !finding.message.is_empty() && !finding.evidence.is_empty(),
                        "{}: {finding:?}",
                        apk.display()
                    );
                    assert!(
                        finding.location.file.is_some(),
                        "{}: {finding:?}",
                        apk.display()
                    );
                }
            }
        }
    }

    #[test]
    fn lists_are_capped() {
        assert_eq!(list(&["a", "b", "c"], 2), "a, b and 1 more");
        assert_eq!(list(&["a"], 2), "a");
    }
}
