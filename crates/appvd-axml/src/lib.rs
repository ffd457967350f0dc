//! Android binary XML (AXML), resources.arsc, and typed views of the manifest and res/xml files.
//!
//! # Overview
//!
//! Two decoders turn bytes into plain data, and four views turn that data into what security
//! rules ask about:
//!
//! * [`XmlDocument::parse`] decodes compiled XML (AndroidManifest.xml, `res/xml/*.xml`) into an
//!   [`Element`] tree. Attributes carry their `android:` resource id ([`Attribute::resource_id`]),
//!   which is what Android itself goes by; names may be blank or wrong in obfuscated files.
//! * [`ResourceTable::parse`] decodes resources.arsc and answers lookups by resource id:
//!   [`ResourceTable::resolve`] (every configuration's value), [`ResourceTable::default_value`],
//!   [`ResourceTable::name_of`] (`xml/network_security_config`) and
//!   [`ResourceTable::file_path`] (`res/xml/network_security_config.xml`).
//! * [`Manifest::from_document`] reads the manifest like the platform's package parser does:
//!   SDK defaults, effective target SDK, permissions, application flags (absent kept apart from
//!   false), components with class names completed and their *effective* exported state.
//! * [`NetworkSecurityConfig`], [`BackupRules`] and [`FileProviderPaths`] read the res/xml files
//!   the manifest points to ([`ResourceLink::path`] names the file to open).
//!
//! Every decoder and view returns its [`Anomaly`] list next to its result: malformed or tampered
//! input (blank attribute names, garbage chunks, wrong header sizes, truncation, bad string
//! offsets) is decoded as far as it goes and reported with a stable [`AnomalyKind::id`]. Only
//! input with nothing recoverable is an error ([`AxmlError`], [`ArscError`]).
//!
//! No decoder panics, and memory stays proportional to the input: counts and offsets are checked
//! against the data before use, element nesting is capped at [`xml::MAX_DEPTH`], anomalies at
//! [`anomaly::MAX_ANOMALIES`], and the string bytes any one decode or lookup copies out of a
//! string pool are capped at a budget proportional to the input (a hostile file can point
//! thousands of values at one huge string; `limit.decoded_strings` reports it).
//!
//! ```no_run
//! # fn demo(manifest_bytes: &[u8], arsc_bytes: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use appvd_axml::{Manifest, ResourceTable, XmlDocument};
//!
//! let (table, _table_anomalies) = ResourceTable::parse(arsc_bytes)?;
//! let (document, _xml_anomalies) = XmlDocument::parse(manifest_bytes)?;
//! let (manifest, _view_anomalies) = Manifest::from_document(&document, Some(&table));
//! let app = manifest.application.as_ref();
//! if app.and_then(|a| a.debuggable) == Some(true) {
//!     // manifest.debuggable
//! }
//! for component in manifest.components().filter(|c| c.effective_exported) {
//!     let _ = (&component.class_name, component.export_reason);
//! }
//! if let Some(path) = app.and_then(|a| a.network_security_config.as_ref()).and_then(|l| l.path.as_ref()) {
//!     // read `path` from the APK, XmlDocument::parse it, then NetworkSecurityConfig::from_document
//!     let _ = path;
//! }
//! # Ok(()) }
//! ```

mod android_attrs_table;
mod budget;
mod chunk;
mod render;
mod string_pool;
#[cfg(test)]
mod testkit;
mod view;

pub mod android_attrs;
pub mod anomaly;
pub mod arsc;
pub mod backup;
pub mod config;
pub mod file_provider;
pub mod manifest;
pub mod network_security;
pub mod value;
pub mod xml;

pub use anomaly::{Anomaly, AnomalyKind};
pub use arsc::{
    ArscError, BagItem, Entry, EntryValue, Package, ResourceName, ResourceTable, StringResource,
};
pub use backup::{BackupAction, BackupFormat, BackupRule, BackupRules, BackupScope, BackupSection};
pub use config::Config;
pub use file_provider::{FileProviderPath, FileProviderPaths, PathRoot};
pub use manifest::{
    Application, Component, ComponentKind, ExportReason, IntentData, IntentFilter, LaunchMode,
    Manifest, MetaData, PathPattern, PathPermission, PermissionDeclaration, ProtectionLevel,
    Queries, SdkVersion, UsesFeature, UsesLibrary, UsesPermission, UsesSdk,
};
pub use network_security::{
    BaseConfig, CertificateSource, Certificates, DebugOverrides, Domain, DomainConfig,
    EffectiveAnchor, EffectiveConfig, NetworkSecurityConfig, Pin, PinSet, TrustAnchors,
};
pub use value::Value;
pub use view::ResourceLink;
pub use xml::{Attribute, AxmlError, Element, NamespaceDeclaration, Node, Text, XmlDocument};
