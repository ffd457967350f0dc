//! The typed view of AndroidManifest.xml.
//!
//! [`Manifest::from_document`] reads a decoded [`XmlDocument`] the way the platform's package
//! parser does: `android:` attributes by resource id (names only as a recorded fallback),
//! references resolved through the resource table, class names completed against the package,
//! SDK defaults applied, and each component's *effective* exported state computed from the
//! target SDK. Rules read these structs and never touch chunks or raw attributes.
//!
//! Optional fields keep "absent" apart from "false": `allow_backup: None` means the attribute
//! is missing (and Android's default applies), which several rules treat differently.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::android_attrs::attr;
use crate::anomaly::{Anomaly, AnomalyKind};
use crate::arsc::ResourceTable;
use crate::value::Value;
use crate::view::{Reader, ResourceLink};
use crate::xml::{Element, XmlDocument};

/// `Build.VERSION_CODES.CUR_DEVELOPMENT`: what a preview codename counts as.
pub const CUR_DEVELOPMENT: u32 = 10_000;

/// The typed manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Manifest {
    /// `package`, the application id.
    pub package: Option<String>,
    /// `android:versionCode` (low 32 bits).
    pub version_code: Option<i64>,
    /// `android:versionCodeMajor` (high 32 bits).
    pub version_code_major: Option<i64>,
    pub version_name: Option<String>,
    pub compile_sdk_version: Option<i64>,
    pub compile_sdk_version_codename: Option<String>,
    /// `platformBuildVersionCode`, written by aapt from the platform it built against.
    pub platform_build_version_code: Option<String>,
    pub platform_build_version_name: Option<String>,
    pub shared_user_id: Option<String>,
    /// `android:installLocation`: 0 auto, 1 internalOnly, 2 preferExternal.
    pub install_location: Option<i64>,
    /// Source line of `<manifest>`.
    pub line: u32,
    pub uses_sdk: UsesSdk,
    pub uses_permissions: Vec<UsesPermission>,
    pub permissions: Vec<PermissionDeclaration>,
    pub uses_features: Vec<UsesFeature>,
    pub queries: Queries,
    pub application: Option<Application>,
}

/// `<uses-sdk>`. Values stay as written; see [`Manifest::min_sdk`] and
/// [`Manifest::target_sdk`] for the levels Android derives from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct UsesSdk {
    /// Whether the element is present.
    pub present: bool,
    pub min_sdk_version: Option<SdkVersion>,
    pub target_sdk_version: Option<SdkVersion>,
    /// Ignored by Android since 2.0.1, reported for completeness.
    pub max_sdk_version: Option<i64>,
    pub line: u32,
}

/// An SDK level as written: a number, or a preview codename such as `"UpsideDownCake"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum SdkVersion {
    Level(i64),
    Codename(String),
}

impl SdkVersion {
    /// The numeric level; codenames count as [`CUR_DEVELOPMENT`].
    pub fn level(&self) -> u32 {
        match self {
            SdkVersion::Level(level) => (*level).clamp(0, i64::from(u32::MAX)) as u32,
            SdkVersion::Codename(_) => CUR_DEVELOPMENT,
        }
    }
}

/// `<uses-permission>`, `<uses-permission-sdk-23>` / `<uses-permission-sdk-m>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsesPermission {
    pub name: Option<String>,
    pub max_sdk_version: Option<i64>,
    /// Declared with `<uses-permission-sdk-23>`: only requested on API 23+.
    pub sdk_23_only: bool,
    /// `android:usesPermissionFlags` (0x10000 = neverForLocation).
    pub flags: Option<i64>,
    pub line: u32,
}

/// `<permission>`: a permission this app defines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionDeclaration {
    pub name: Option<String>,
    /// `android:protectionLevel`; `None` when absent (Android then uses `normal`).
    pub protection_level: Option<ProtectionLevel>,
    pub permission_group: Option<String>,
    pub line: u32,
}

impl PermissionDeclaration {
    /// The protection level Android applies (`normal` when the attribute is absent).
    pub fn effective_protection_level(&self) -> ProtectionLevel {
        self.protection_level.unwrap_or(ProtectionLevel(0))
    }
}

/// A permission protection level: a base level plus flags, as `PermissionInfo` stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtectionLevel(pub u32);

/// The base part of a [`ProtectionLevel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtectionBase {
    Normal,
    Dangerous,
    Signature,
    SignatureOrSystem,
    Internal,
    Other(u32),
}

const PROTECTION_FLAGS: &[(u32, &str)] = &[
    (0x10, "privileged"),
    (0x20, "development"),
    (0x40, "appop"),
    (0x80, "pre23"),
    (0x100, "installer"),
    (0x200, "verifier"),
    (0x400, "preinstalled"),
    (0x800, "setup"),
    (0x1000, "instant"),
    (0x2000, "runtime"),
    (0x4000, "oem"),
    (0x8000, "vendorPrivileged"),
    (0x10000, "textClassifier"),
    (0x20000, "wellbeing"),
    (0x40000, "documenter"),
    (0x80000, "configurator"),
    (0x100000, "incidentReportApprover"),
    (0x200000, "appPredictor"),
    (0x400000, "module"),
    (0x800000, "companion"),
    (0x1000000, "retailDemo"),
    (0x2000000, "recents"),
    (0x4000000, "role"),
    (0x8000000, "knownSigner"),
];

impl ProtectionLevel {
    pub fn base(self) -> ProtectionBase {
        match self.0 & 0xf {
            0 => ProtectionBase::Normal,
            1 => ProtectionBase::Dangerous,
            2 => ProtectionBase::Signature,
            3 => ProtectionBase::SignatureOrSystem,
            4 => ProtectionBase::Internal,
            other => ProtectionBase::Other(other),
        }
    }

    /// The names of the flags set (`privileged`, `development`, ...).
    pub fn flag_names(self) -> Vec<&'static str> {
        PROTECTION_FLAGS
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|&(_, name)| name)
            .collect()
    }

    /// True for `signature` and `signatureOrSystem` bases: only same-signer (or system) apps
    /// can hold it.
    pub fn is_signature(self) -> bool {
        matches!(
            self.base(),
            ProtectionBase::Signature | ProtectionBase::SignatureOrSystem
        )
    }
}

impl fmt::Display for ProtectionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = match self.base() {
            ProtectionBase::Normal => "normal".to_string(),
            ProtectionBase::Dangerous => "dangerous".to_string(),
            ProtectionBase::Signature => "signature".to_string(),
            ProtectionBase::SignatureOrSystem => "signatureOrSystem".to_string(),
            ProtectionBase::Internal => "internal".to_string(),
            ProtectionBase::Other(n) => format!("base{n}"),
        };
        let mut parts = vec![base];
        parts.extend(self.flag_names().into_iter().map(str::to_string));
        let unknown = self.0 & !0xf & !PROTECTION_FLAGS.iter().fold(0, |acc, (bit, _)| acc | bit);
        if unknown != 0 {
            parts.push(format!("0x{unknown:x}"));
        }
        f.write_str(&parts.join("|"))
    }
}

impl Serialize for ProtectionLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// `<uses-feature>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsesFeature {
    pub name: Option<String>,
    /// `android:required`; Android's default is true.
    pub required: Option<bool>,
    /// `android:glEsVersion` (0x00020000 = OpenGL ES 2.0).
    pub gl_es_version: Option<i64>,
    pub line: u32,
}

/// `<uses-library>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsesLibrary {
    pub name: Option<String>,
    pub required: Option<bool>,
    pub line: u32,
}

/// `<queries>` (package visibility, API 30+).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Queries {
    pub packages: Vec<String>,
    pub intents: Vec<IntentFilter>,
    pub provider_authorities: Vec<String>,
}

/// `<application>`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Application {
    /// `android:name`, completed against the package.
    pub class_name: Option<String>,
    pub label: Option<String>,
    pub debuggable: Option<bool>,
    pub allow_backup: Option<bool>,
    /// `android:fullBackupContent`: an XML resource, or a boolean (`false` disables full backup).
    pub full_backup_content: Option<ResourceOrBool>,
    pub data_extraction_rules: Option<ResourceLink>,
    pub backup_agent: Option<String>,
    pub full_backup_only: Option<bool>,
    pub uses_cleartext_traffic: Option<bool>,
    pub network_security_config: Option<ResourceLink>,
    pub request_legacy_external_storage: Option<bool>,
    pub preserve_legacy_external_storage: Option<bool>,
    pub test_only: Option<bool>,
    pub allow_task_reparenting: Option<bool>,
    /// `android:taskAffinity` as written (Android's default is the package name).
    pub task_affinity: Option<String>,
    pub extract_native_libs: Option<bool>,
    pub has_code: Option<bool>,
    pub persistent: Option<bool>,
    pub large_heap: Option<bool>,
    pub allow_clear_user_data: Option<bool>,
    pub has_fragile_user_data: Option<bool>,
    pub enabled: Option<bool>,
    pub permission: Option<String>,
    pub process: Option<String>,
    pub app_component_factory: Option<String>,
    pub line: u32,
    pub components: Vec<Component>,
    pub meta_data: Vec<MetaData>,
    pub uses_libraries: Vec<UsesLibrary>,
}

/// An attribute that is either a resource reference or a boolean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceOrBool {
    Resource(ResourceLink),
    Bool(bool),
}

/// The kind of a component element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Activity,
    ActivityAlias,
    Service,
    Receiver,
    Provider,
}

impl ComponentKind {
    /// The manifest tag.
    pub fn tag(self) -> &'static str {
        match self {
            ComponentKind::Activity => "activity",
            ComponentKind::ActivityAlias => "activity-alias",
            ComponentKind::Service => "service",
            ComponentKind::Receiver => "receiver",
            ComponentKind::Provider => "provider",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "activity" => ComponentKind::Activity,
            "activity-alias" => ComponentKind::ActivityAlias,
            "service" => ComponentKind::Service,
            "receiver" => ComponentKind::Receiver,
            "provider" => ComponentKind::Provider,
            _ => return None,
        })
    }
}

/// Why a component is (or is not) exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportReason {
    /// `android:exported` is set.
    Explicit,
    /// No `exported`, has an intent filter, target SDK below 31: exported by default.
    IntentFilter,
    /// No `exported`, has an intent filter, target SDK 31+: Android 12+ refuses to install the
    /// app; older platforms export the component.
    IntentFilterMissingExported,
    /// No `exported` and no intent filter: not exported.
    NoIntentFilter,
    /// Provider without `exported`, target SDK below 17: exported by default.
    ProviderBeforeApi17,
    /// Provider without `exported`, target SDK 17+: not exported.
    ProviderDefault,
}

/// How an activity is launched into a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LaunchMode {
    Standard,
    SingleTop,
    SingleTask,
    SingleInstance,
    SingleInstancePerTask,
    Other(i64),
}

impl LaunchMode {
    fn from_value(value: i64) -> Self {
        match value {
            0 => LaunchMode::Standard,
            1 => LaunchMode::SingleTop,
            2 => LaunchMode::SingleTask,
            3 => LaunchMode::SingleInstance,
            4 => LaunchMode::SingleInstancePerTask,
            other => LaunchMode::Other(other),
        }
    }
}

/// An activity, activity-alias, service, receiver or provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    pub kind: ComponentKind,
    /// `android:name` completed against the package (`.Main` → `com.example.Main`).
    pub class_name: Option<String>,
    /// `android:name` as written.
    pub raw_name: Option<String>,
    /// For activity-alias: the target activity, completed against the package.
    pub target_activity: Option<String>,
    pub enabled: Option<bool>,
    /// `android:exported` as written.
    pub exported: Option<bool>,
    /// Whether other apps can reach the component, by Android's rules for the target SDK.
    pub effective_exported: bool,
    pub export_reason: ExportReason,
    pub permission: Option<String>,
    pub read_permission: Option<String>,
    pub write_permission: Option<String>,
    /// Provider authorities (`android:authorities` split on `;`).
    pub authorities: Vec<String>,
    pub grant_uri_permissions: Option<bool>,
    /// `<grant-uri-permission>` children.
    pub grant_uri_permission_patterns: Vec<PathPattern>,
    /// `<path-permission>` children.
    pub path_permissions: Vec<PathPermission>,
    pub launch_mode: Option<LaunchMode>,
    pub task_affinity: Option<String>,
    pub allow_task_reparenting: Option<bool>,
    pub exclude_from_recents: Option<bool>,
    pub process: Option<String>,
    pub direct_boot_aware: Option<bool>,
    pub isolated_process: Option<bool>,
    pub foreground_service_type: Option<i64>,
    pub multiprocess: Option<bool>,
    pub syncable: Option<bool>,
    pub intent_filters: Vec<IntentFilter>,
    pub meta_data: Vec<MetaData>,
    pub line: u32,
}

impl Component {
    /// The permission that guards starting/binding the component: its own, else the
    /// application's (providers: see [`Component::effective_read_permission`]).
    pub fn effective_permission<'a>(&'a self, application: &'a Application) -> Option<&'a str> {
        self.permission
            .as_deref()
            .or(application.permission.as_deref())
    }

    /// A provider's read permission: `readPermission`, else `permission`, else the
    /// application's permission.
    pub fn effective_read_permission<'a>(
        &'a self,
        application: &'a Application,
    ) -> Option<&'a str> {
        self.read_permission
            .as_deref()
            .or(self.permission.as_deref())
            .or(application.permission.as_deref())
    }

    /// A provider's write permission, with the same fallbacks as the read permission.
    pub fn effective_write_permission<'a>(
        &'a self,
        application: &'a Application,
    ) -> Option<&'a str> {
        self.write_permission
            .as_deref()
            .or(self.permission.as_deref())
            .or(application.permission.as_deref())
    }

    /// True when an intent filter has `android.intent.action.MAIN` and
    /// `android.intent.category.LAUNCHER`.
    pub fn is_launcher(&self) -> bool {
        self.intent_filters.iter().any(|filter| {
            filter.has_action("android.intent.action.MAIN")
                && filter.has_category("android.intent.category.LAUNCHER")
        })
    }

    /// The first `<meta-data>` with this name.
    pub fn meta_data(&self, name: &str) -> Option<&MetaData> {
        self.meta_data
            .iter()
            .find(|m| m.name.as_deref() == Some(name))
    }
}

/// One path matcher of `<grant-uri-permission>` / `<path-permission>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum PathPattern {
    Path(String),
    Prefix(String),
    Pattern(String),
    Suffix(String),
    AdvancedPattern(String),
}

impl PathPattern {
    /// True for matchers that cover the whole provider (`/`, `.*`, `*`, empty prefix).
    pub fn matches_everything(&self) -> bool {
        match self {
            PathPattern::Path(p) => p == "/",
            PathPattern::Prefix(p) => p.is_empty() || p == "/",
            PathPattern::Pattern(p) | PathPattern::AdvancedPattern(p) => {
                matches!(p.as_str(), "*" | ".*" | "/.*" | "/*" | "")
            }
            PathPattern::Suffix(p) => p.is_empty(),
        }
    }
}

/// `<path-permission>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathPermission {
    pub patterns: Vec<PathPattern>,
    pub permission: Option<String>,
    pub read_permission: Option<String>,
    pub write_permission: Option<String>,
    pub line: u32,
}

/// `<intent-filter>` (or `<intent>` inside `<queries>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct IntentFilter {
    pub actions: Vec<String>,
    pub categories: Vec<String>,
    pub data: Vec<IntentData>,
    pub priority: Option<i64>,
    pub auto_verify: Option<bool>,
    pub line: u32,
}

impl IntentFilter {
    pub fn has_action(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }

    pub fn has_category(&self, category: &str) -> bool {
        self.categories.iter().any(|c| c == category)
    }

    /// True when the filter can be reached from a web browser link.
    pub fn is_browsable(&self) -> bool {
        self.has_category("android.intent.category.BROWSABLE")
    }

    /// All schemes of the filter's `<data>` elements (Android combines them across elements).
    pub fn schemes(&self) -> Vec<&str> {
        self.data
            .iter()
            .filter_map(|d| d.scheme.as_deref())
            .collect()
    }

    /// All hosts of the filter's `<data>` elements.
    pub fn hosts(&self) -> Vec<&str> {
        self.data.iter().filter_map(|d| d.host.as_deref()).collect()
    }
}

/// `<data>` inside an intent filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct IntentData {
    pub scheme: Option<String>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub path: Option<String>,
    pub path_prefix: Option<String>,
    pub path_pattern: Option<String>,
    pub path_suffix: Option<String>,
    pub path_advanced_pattern: Option<String>,
    pub mime_type: Option<String>,
    pub line: u32,
}

/// `<meta-data>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetaData {
    pub name: Option<String>,
    /// `android:value`, with references resolved to the value they name.
    pub value: Option<Value>,
    /// When `android:value` was a reference: the resource it named.
    pub value_reference: Option<ResourceLink>,
    /// `android:resource`: a resource id (e.g. the FileProvider paths XML).
    pub resource: Option<ResourceLink>,
    pub line: u32,
}

impl Manifest {
    /// Builds the typed view from a decoded manifest. `table` resolves references
    /// (`@string/…`, `@bool/…`, `@xml/…`); without it references stay unresolved.
    pub fn from_document(
        document: &XmlDocument,
        table: Option<&ResourceTable>,
    ) -> (Manifest, Vec<Anomaly>) {
        let mut reader = Reader::new(table);
        let root = &document.root;
        if root.name != "manifest" {
            reader.anomalies.add(
                AnomalyKind::UnexpectedRoot,
                Some(root.offset as usize),
                || format!("root element is <{}>, not <manifest>", root.name),
            );
        }
        let mut manifest = Manifest {
            line: root.line,
            ..Manifest::default()
        };
        manifest.package = reader
            .plain_string(root, "package")
            .filter(|p| !p.is_empty());
        if manifest.package.is_none() {
            reader.anomalies.add(
                AnomalyKind::MissingAttribute,
                Some(root.offset as usize),
                || "<manifest> has no package attribute".to_string(),
            );
        }
        manifest.version_code = reader.int(root, attr::VERSION_CODE);
        manifest.version_code_major = reader.int(root, attr::VERSION_CODE_MAJOR);
        manifest.version_name = reader.string(root, attr::VERSION_NAME);
        manifest.compile_sdk_version = reader.int(root, attr::COMPILE_SDK_VERSION);
        manifest.compile_sdk_version_codename =
            reader.string(root, attr::COMPILE_SDK_VERSION_CODENAME);
        manifest.platform_build_version_code =
            reader.plain_string(root, "platformBuildVersionCode");
        manifest.platform_build_version_name =
            reader.plain_string(root, "platformBuildVersionName");
        manifest.shared_user_id = reader.string(root, attr::SHARED_USER_ID);
        manifest.install_location = reader.int(root, attr::INSTALL_LOCATION);

        // Target SDK drives export defaults, so read <uses-sdk> before the components.
        let mut sdk_seen = false;
        for element in root.elements_named("uses-sdk") {
            if sdk_seen {
                reader.duplicate(
                    element,
                    "Android reads every <uses-sdk>; later values override earlier ones",
                );
            }
            sdk_seen = true;
            read_uses_sdk(&mut reader, element, &mut manifest.uses_sdk);
        }
        let target_sdk = manifest.target_sdk();
        let package = manifest.package.clone().unwrap_or_default();

        for element in root.elements() {
            match element.name.as_str() {
                "uses-sdk" => {}
                "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => {
                    manifest.uses_permissions.push(UsesPermission {
                        name: reader.string(element, attr::NAME),
                        max_sdk_version: reader.int(element, attr::MAX_SDK_VERSION),
                        sdk_23_only: element.name != "uses-permission",
                        flags: reader.int(element, attr::USES_PERMISSION_FLAGS),
                        line: element.line,
                    });
                }
                "permission" => manifest.permissions.push(PermissionDeclaration {
                    name: reader.string(element, attr::NAME),
                    protection_level: reader
                        .int(element, attr::PROTECTION_LEVEL)
                        .map(|level| ProtectionLevel(level as u32)),
                    permission_group: reader.string(element, attr::PERMISSION_GROUP),
                    line: element.line,
                }),
                "uses-feature" => manifest.uses_features.push(UsesFeature {
                    name: reader.string(element, attr::NAME),
                    required: reader.bool(element, attr::REQUIRED),
                    gl_es_version: reader.int(element, attr::GL_ES_VERSION),
                    line: element.line,
                }),
                "queries" => read_queries(&mut reader, element, &mut manifest.queries),
                "application" => {
                    if manifest.application.is_some() {
                        reader.duplicate(
                            element,
                            "Android reads the first <application> and skips the others",
                        );
                        continue;
                    }
                    manifest.application =
                        Some(read_application(&mut reader, element, &package, target_sdk));
                }
                _ => {}
            }
        }
        (manifest, reader.anomalies.into_vec())
    }

    /// The minimum SDK level Android derives: `minSdkVersion`, 1 when absent, and
    /// [`CUR_DEVELOPMENT`] for a codename.
    pub fn min_sdk(&self) -> u32 {
        self.uses_sdk
            .min_sdk_version
            .as_ref()
            .map_or(1, SdkVersion::level)
    }

    /// The *effective* target SDK level: `targetSdkVersion`; when absent, the minimum SDK level
    /// (and 1 with no `<uses-sdk>` at all); [`CUR_DEVELOPMENT`] for a codename.
    pub fn target_sdk(&self) -> u32 {
        match &self.uses_sdk.target_sdk_version {
            Some(version) => version.level(),
            None => self.min_sdk(),
        }
    }

    /// `versionCodeMajor << 32 | versionCode`, as `PackageInfo.getLongVersionCode`.
    pub fn long_version_code(&self) -> Option<i64> {
        let low = self.version_code? & 0xffff_ffff;
        let high = self.version_code_major.unwrap_or(0);
        Some((high << 32) | low)
    }

    /// All components of the application.
    pub fn components(&self) -> impl Iterator<Item = &Component> {
        self.application
            .iter()
            .flat_map(|app| app.components.iter())
    }

    /// The requested permission names.
    pub fn permission_names(&self) -> impl Iterator<Item = &str> {
        self.uses_permissions
            .iter()
            .filter_map(|p| p.name.as_deref())
    }

    /// The `<permission>` this app declares with this name.
    pub fn declared_permission(&self, name: &str) -> Option<&PermissionDeclaration> {
        self.permissions
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
    }
}

fn read_uses_sdk(reader: &mut Reader<'_>, element: &Element, sdk: &mut UsesSdk) {
    sdk.present = true;
    sdk.line = element.line;
    let version = |reader: &mut Reader<'_>, id: u32| -> Option<SdkVersion> {
        match reader.value(element, id)? {
            // PackageParser: a string is a codename unless it parses as a number (aapt writes
            // numbers as integers; tampered files may not).
            Value::String(text) => match text.trim().parse::<i64>() {
                Ok(level) => Some(SdkVersion::Level(level)),
                Err(_) => Some(SdkVersion::Codename(text)),
            },
            other => other.as_int().map(SdkVersion::Level),
        }
    };
    let min = version(reader, attr::MIN_SDK_VERSION);
    let target = version(reader, attr::TARGET_SDK_VERSION);
    if min.is_some() {
        sdk.min_sdk_version = min;
    }
    if target.is_some() {
        sdk.target_sdk_version = target;
    }
    if let Some(max) = reader.int(element, attr::MAX_SDK_VERSION) {
        sdk.max_sdk_version = Some(max);
    }
}

fn read_queries(reader: &mut Reader<'_>, element: &Element, queries: &mut Queries) {
    for child in element.elements() {
        match child.name.as_str() {
            "package" => {
                if let Some(name) = reader.string(child, attr::NAME) {
                    queries.packages.push(name);
                }
            }
            "intent" => queries.intents.push(read_intent_filter(reader, child)),
            "provider" => {
                if let Some(authorities) = reader.string(child, attr::AUTHORITIES) {
                    queries
                        .provider_authorities
                        .extend(split_authorities(&authorities));
                }
            }
            _ => reader.unknown_element(child, "queries"),
        }
    }
}

fn read_application(
    reader: &mut Reader<'_>,
    element: &Element,
    package: &str,
    target_sdk: u32,
) -> Application {
    let mut app = Application {
        class_name: reader
            .string(element, attr::NAME)
            .and_then(|name| class_name(package, &name)),
        label: reader.string(element, attr::LABEL),
        debuggable: reader.bool(element, attr::DEBUGGABLE),
        allow_backup: reader.bool(element, attr::ALLOW_BACKUP),
        full_backup_content: read_resource_or_bool(reader, element, attr::FULL_BACKUP_CONTENT),
        data_extraction_rules: reader.link(element, attr::DATA_EXTRACTION_RULES),
        backup_agent: reader
            .string(element, attr::BACKUP_AGENT)
            .and_then(|name| class_name(package, &name)),
        full_backup_only: reader.bool(element, attr::FULL_BACKUP_ONLY),
        uses_cleartext_traffic: reader.bool(element, attr::USES_CLEARTEXT_TRAFFIC),
        network_security_config: reader.link(element, attr::NETWORK_SECURITY_CONFIG),
        request_legacy_external_storage: reader
            .bool(element, attr::REQUEST_LEGACY_EXTERNAL_STORAGE),
        preserve_legacy_external_storage: reader
            .bool(element, attr::PRESERVE_LEGACY_EXTERNAL_STORAGE),
        test_only: reader.bool(element, attr::TEST_ONLY),
        allow_task_reparenting: reader.bool(element, attr::ALLOW_TASK_REPARENTING),
        task_affinity: reader.string(element, attr::TASK_AFFINITY),
        extract_native_libs: reader.bool(element, attr::EXTRACT_NATIVE_LIBS),
        has_code: reader.bool(element, attr::HAS_CODE),
        persistent: reader.bool(element, attr::PERSISTENT),
        large_heap: reader.bool(element, attr::LARGE_HEAP),
        allow_clear_user_data: reader.bool(element, attr::ALLOW_CLEAR_USER_DATA),
        has_fragile_user_data: reader.bool(element, attr::HAS_FRAGILE_USER_DATA),
        enabled: reader.bool(element, attr::ENABLED),
        permission: reader.string(element, attr::PERMISSION),
        process: reader.string(element, attr::PROCESS),
        app_component_factory: reader
            .string(element, attr::APP_COMPONENT_FACTORY)
            .and_then(|name| class_name(package, &name)),
        line: element.line,
        ..Application::default()
    };
    for child in element.elements() {
        if let Some(kind) = ComponentKind::from_tag(&child.name) {
            app.components
                .push(read_component(reader, child, kind, package, target_sdk));
            continue;
        }
        match child.name.as_str() {
            "meta-data" => app.meta_data.push(read_meta_data(reader, child)),
            "uses-library" => app.uses_libraries.push(UsesLibrary {
                name: reader.string(child, attr::NAME),
                required: reader.bool(child, attr::REQUIRED),
                line: child.line,
            }),
            _ => {}
        }
    }
    app
}

fn read_resource_or_bool(
    reader: &mut Reader<'_>,
    element: &Element,
    id: u32,
) -> Option<ResourceOrBool> {
    let attribute = reader.android(element, id)?;
    if let Some(target) = attribute.value.reference_id() {
        return Some(ResourceOrBool::Resource(reader.link_to(target)));
    }
    reader.bool(element, id).map(ResourceOrBool::Bool)
}

fn read_component(
    reader: &mut Reader<'_>,
    element: &Element,
    kind: ComponentKind,
    package: &str,
    target_sdk: u32,
) -> Component {
    let raw_name = reader.string(element, attr::NAME);
    let class = raw_name
        .as_deref()
        .and_then(|name| class_name(package, name));
    if class.is_none() {
        reader.anomalies.add(
            AnomalyKind::MissingAttribute,
            Some(element.offset as usize),
            || {
                format!(
                    "<{}> line {} has no usable android:name",
                    element.name, element.line
                )
            },
        );
    }
    let exported = reader.bool(element, attr::EXPORTED);
    let mut component = Component {
        kind,
        class_name: class,
        raw_name,
        target_activity: reader
            .string(element, attr::TARGET_ACTIVITY)
            .and_then(|name| class_name(package, &name)),
        enabled: reader.bool(element, attr::ENABLED),
        exported,
        effective_exported: false,
        export_reason: ExportReason::NoIntentFilter,
        permission: reader.string(element, attr::PERMISSION),
        read_permission: reader.string(element, attr::READ_PERMISSION),
        write_permission: reader.string(element, attr::WRITE_PERMISSION),
        authorities: reader
            .string(element, attr::AUTHORITIES)
            .map(|a| split_authorities(&a))
            .unwrap_or_default(),
        grant_uri_permissions: reader.bool(element, attr::GRANT_URI_PERMISSIONS),
        grant_uri_permission_patterns: Vec::new(),
        path_permissions: Vec::new(),
        launch_mode: reader
            .int(element, attr::LAUNCH_MODE)
            .map(LaunchMode::from_value),
        task_affinity: reader.string(element, attr::TASK_AFFINITY),
        allow_task_reparenting: reader.bool(element, attr::ALLOW_TASK_REPARENTING),
        exclude_from_recents: reader.bool(element, attr::EXCLUDE_FROM_RECENTS),
        process: reader.string(element, attr::PROCESS),
        direct_boot_aware: reader.bool(element, attr::DIRECT_BOOT_AWARE),
        isolated_process: reader.bool(element, attr::ISOLATED_PROCESS),
        foreground_service_type: reader.int(element, attr::FOREGROUND_SERVICE_TYPE),
        multiprocess: reader.bool(element, attr::MULTIPROCESS),
        syncable: reader.bool(element, attr::SYNCABLE),
        intent_filters: Vec::new(),
        meta_data: Vec::new(),
        line: element.line,
    };
    for child in element.elements() {
        match child.name.as_str() {
            "intent-filter" => component
                .intent_filters
                .push(read_intent_filter(reader, child)),
            "meta-data" => component.meta_data.push(read_meta_data(reader, child)),
            "grant-uri-permission" => component
                .grant_uri_permission_patterns
                .extend(read_path_patterns(reader, child)),
            "path-permission" => component.path_permissions.push(PathPermission {
                patterns: read_path_patterns(reader, child),
                permission: reader.string(child, attr::PERMISSION),
                read_permission: reader.string(child, attr::READ_PERMISSION),
                write_permission: reader.string(child, attr::WRITE_PERMISSION),
                line: child.line,
            }),
            _ => {}
        }
    }
    let (effective, reason) = effective_exported(
        kind,
        exported,
        !component.intent_filters.is_empty(),
        target_sdk,
    );
    component.effective_exported = effective;
    component.export_reason = reason;
    if reason == ExportReason::IntentFilterMissingExported {
        reader.anomalies.add(AnomalyKind::MissingExported, Some(element.offset as usize), || {
            format!(
                "<{}> line {} has an intent filter but no android:exported while targeting API {target_sdk}; Android 12+ refuses to install the app",
                element.name, element.line
            )
        });
    }
    component
}

/// Android's export rules: the explicit attribute wins; otherwise providers are exported below
/// target SDK 17 and other components are exported when they have an intent filter.
pub fn effective_exported(
    kind: ComponentKind,
    explicit: Option<bool>,
    has_intent_filter: bool,
    target_sdk: u32,
) -> (bool, ExportReason) {
    if let Some(exported) = explicit {
        return (exported, ExportReason::Explicit);
    }
    match kind {
        ComponentKind::Provider if target_sdk < 17 => (true, ExportReason::ProviderBeforeApi17),
        ComponentKind::Provider => (false, ExportReason::ProviderDefault),
        _ if has_intent_filter && target_sdk >= 31 => {
            (true, ExportReason::IntentFilterMissingExported)
        }
        _ if has_intent_filter => (true, ExportReason::IntentFilter),
        _ => (false, ExportReason::NoIntentFilter),
    }
}

fn read_intent_filter(reader: &mut Reader<'_>, element: &Element) -> IntentFilter {
    let mut filter = IntentFilter {
        priority: reader.int(element, attr::PRIORITY),
        auto_verify: reader.bool(element, attr::AUTO_VERIFY),
        line: element.line,
        ..IntentFilter::default()
    };
    for child in element.elements() {
        match child.name.as_str() {
            "action" => {
                if let Some(name) = reader.string(child, attr::NAME) {
                    filter.actions.push(name);
                }
            }
            "category" => {
                if let Some(name) = reader.string(child, attr::NAME) {
                    filter.categories.push(name);
                }
            }
            "data" => filter.data.push(IntentData {
                scheme: reader.string(child, attr::SCHEME),
                host: reader.string(child, attr::HOST),
                port: reader.string(child, attr::PORT),
                path: reader.string(child, attr::PATH),
                path_prefix: reader.string(child, attr::PATH_PREFIX),
                path_pattern: reader.string(child, attr::PATH_PATTERN),
                path_suffix: reader.string(child, attr::PATH_SUFFIX),
                path_advanced_pattern: reader.string(child, attr::PATH_ADVANCED_PATTERN),
                mime_type: reader.string(child, attr::MIME_TYPE),
                line: child.line,
            }),
            _ => {}
        }
    }
    filter
}

fn read_path_patterns(reader: &mut Reader<'_>, element: &Element) -> Vec<PathPattern> {
    let mut patterns = Vec::new();
    if let Some(path) = reader.string(element, attr::PATH) {
        patterns.push(PathPattern::Path(path));
    }
    if let Some(prefix) = reader.string(element, attr::PATH_PREFIX) {
        patterns.push(PathPattern::Prefix(prefix));
    }
    if let Some(pattern) = reader.string(element, attr::PATH_PATTERN) {
        patterns.push(PathPattern::Pattern(pattern));
    }
    if let Some(suffix) = reader.string(element, attr::PATH_SUFFIX) {
        patterns.push(PathPattern::Suffix(suffix));
    }
    if let Some(pattern) = reader.string(element, attr::PATH_ADVANCED_PATTERN) {
        patterns.push(PathPattern::AdvancedPattern(pattern));
    }
    patterns
}

fn read_meta_data(reader: &mut Reader<'_>, element: &Element) -> MetaData {
    let value_reference = reader
        .android(element, attr::VALUE)
        .and_then(|a| a.value.reference_id())
        .map(|id| reader.link_to(id));
    MetaData {
        name: reader.string(element, attr::NAME),
        value: reader.value(element, attr::VALUE),
        value_reference,
        resource: reader.link(element, attr::RESOURCE),
        line: element.line,
    }
}

fn split_authorities(authorities: &str) -> Vec<String> {
    authorities
        .split(';')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

/// Completes a component class name the way `PackageParser.buildClassName` does: `.Foo` and
/// `Foo` are relative to the package, dotted names are absolute.
pub fn class_name(package: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    if name.starts_with('.') {
        Some(format!("{package}{name}"))
    } else if !name.contains('.') {
        Some(format!("{package}.{name}"))
    } else {
        Some(name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_follow_package_parser() {
        assert_eq!(class_name("com.a", ".Main").as_deref(), Some("com.a.Main"));
        assert_eq!(class_name("com.a", "Main").as_deref(), Some("com.a.Main"));
        assert_eq!(
            class_name("com.a", "org.b.Main").as_deref(),
            Some("org.b.Main")
        );
        assert_eq!(class_name("com.a", ""), None);
    }

    #[test]
    fn export_rules_depend_on_target_sdk() {
        use ComponentKind::*;
        assert_eq!(
            effective_exported(Activity, None, true, 30),
            (true, ExportReason::IntentFilter)
        );
        assert_eq!(
            effective_exported(Activity, None, true, 31),
            (true, ExportReason::IntentFilterMissingExported)
        );
        assert_eq!(
            effective_exported(Service, None, false, 30),
            (false, ExportReason::NoIntentFilter)
        );
        assert_eq!(
            effective_exported(Receiver, Some(false), true, 30),
            (false, ExportReason::Explicit)
        );
        assert_eq!(
            effective_exported(Provider, None, false, 16),
            (true, ExportReason::ProviderBeforeApi17)
        );
        assert_eq!(
            effective_exported(Provider, None, true, 17),
            (false, ExportReason::ProviderDefault)
        );
        assert_eq!(
            effective_exported(Provider, Some(true), false, 30),
            (true, ExportReason::Explicit)
        );
    }

    #[test]
    fn protection_levels_render_names() {
        assert_eq!(ProtectionLevel(0x12).to_string(), "signature|privileged");
        assert_eq!(ProtectionLevel(0).to_string(), "normal");
        assert_eq!(ProtectionLevel(3).base(), ProtectionBase::SignatureOrSystem);
        assert!(ProtectionLevel(3).is_signature());
        assert!(!ProtectionLevel(1).is_signature());
        assert_eq!(
            ProtectionLevel(0x1_0000_0001u64 as u32).to_string(),
            "dangerous"
        );
        assert_eq!(
            ProtectionLevel(0x4000_0001).to_string(),
            "dangerous|0x40000000"
        );
    }

    #[test]
    fn path_patterns_that_cover_everything() {
        assert!(PathPattern::Path("/".into()).matches_everything());
        assert!(PathPattern::Prefix("/".into()).matches_everything());
        assert!(PathPattern::Pattern(".*".into()).matches_everything());
        assert!(!PathPattern::Prefix("/public".into()).matches_everything());
    }

    #[test]
    fn sdk_levels() {
        let mut manifest = Manifest::default();
        assert_eq!((manifest.min_sdk(), manifest.target_sdk()), (1, 1));
        manifest.uses_sdk.min_sdk_version = Some(SdkVersion::Level(21));
        assert_eq!(manifest.target_sdk(), 21);
        manifest.uses_sdk.target_sdk_version = Some(SdkVersion::Codename("S".into()));
        assert_eq!(manifest.target_sdk(), CUR_DEVELOPMENT);
        manifest.version_code = Some(5);
        manifest.version_code_major = Some(1);
        assert_eq!(manifest.long_version_code(), Some((1 << 32) | 5));
    }
}
