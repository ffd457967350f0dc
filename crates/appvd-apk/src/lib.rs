//! Reads Android application containers the way Android does, and reports what is odd.
//!
//! The model, from the bytes up:
//!
//! * [`ZipArchive`] is a lenient ZIP reader over [`SharedBytes`] (a memory map or an owned
//!   buffer). It trusts the central directory, as Android does, lists every [`Entry`],
//!   and records each deviation (mismatching local headers, bogus methods, fake
//!   encryption flags, duplicates, junk, overlaps, odd names...) as an [`Anomaly`] with a
//!   stable [`AnomalyKind`] id. Entry data is read on demand; inflating goes through an
//!   [`InflateBudget`] shared by everything one app opens, with caps on total bytes,
//!   bytes per entry and compression ratio.
//! * [`App`] is one logical application: a plain APK, a set of split APKs, an XAPK or an
//!   APKS bundle, exposed as a base [`Apk`] plus split [`Apk`]s.
//! * [`Apk::signing`] gives the [`SigningInfo`]: v1 JAR signature facts, the APK Signing
//!   Block with its v2, v3 and v3.1 signers, structural cross-checks, and the signer
//!   [`Certificate`]s with the facts rules need (subject, validity, key size, signature
//!   algorithm, fingerprints, debug certificate). Signatures and digests are **not**
//!   verified cryptographically; the structure is.
//! * [`listing`] classifies entry names (DEX, native libraries, key stores, packer
//!   markers) so rules can work from the file list without reading entries.
//!
//! Only hopeless input is an error ([`OpenError`]); reading one entry can fail with a
//! [`ReadError`] (and records the matching anomaly).
//!
//! ```no_run
//! let app = appvd_apk::App::open(std::path::Path::new("app.apk"))?;
//! let base = app.base();
//! for entry in base.archive().entries() {
//!     println!("{} {} bytes", entry.name, entry.uncompressed_size);
//! }
//! let manifest = base.archive().read_by_name("AndroidManifest.xml")?;
//! let signing = base.signing();
//! for cert in signing.certificates() {
//!     println!("{} {}", cert.subject, cert.sha256_fingerprint);
//! }
//! # let _ = manifest;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod anomaly;
mod budget;
mod bundle;
mod bytes;
mod cert;
mod error;
mod le;
pub mod listing;
pub mod signing;
mod zip;

pub use anomaly::{Anomaly, AnomalyKind, MAX_ANOMALIES_PER_KIND};
pub use budget::{BudgetCap, InflateBudget, InflateLimits};
pub use bundle::{Apk, App, BundleKind, XapkManifest};
pub use bytes::SharedBytes;
pub use cert::{Certificate, CertificateError, KeyAlgorithm};
pub use error::{OpenError, ReadError};
pub use signing::SigningInfo;
pub use zip::{ArchiveLayout, CompressionMethod, Entry, ZipArchive};
