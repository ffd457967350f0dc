//! Severity scoring for appvd: CVSS 3.0, 3.1 and 4.0 vectors, and the GB/T 30279-2020
//! technical and comprehensive grades.
//!
//! # CVSS
//!
//! [`Cvss`] is a parsed vector of either generation: [`Cvss::V3`] holds a [`Cvss3`] (3.0 or
//! 3.1, with base, temporal and environmental groups), [`Cvss::V4`] a [`Cvss4`] (base, threat,
//! environmental and supplemental groups). Metric values are typed enums in [`metrics`]; a
//! metric that is "Not Defined" (`X`) is `None`. Parsing ([`Cvss::parse`], [`FromStr`]) checks
//! the vector against its declared version and reports every kind of mistake as a
//! [`CvssError`] whose message names the metric or segment at fault. Scores are [`Score`]s,
//! exact tenths, so `9.8` is never printed as `9.799999`; [`Severity`] is the FIRST
//! qualitative band. `Display` and serde give the canonical vector string.
//!
//! ```
//! use appvd_severity::{Cvss, Severity};
//! let cvss: Cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".parse()?;
//! assert_eq!(cvss.base_score().to_string(), "9.8");
//! assert_eq!(cvss.severity(), Severity::Critical);
//! # Ok::<(), appvd_severity::CvssError>(())
//! ```
//!
//! # GB/T 30279-2020
//!
//! [`gbt::Indicators`] are the standard's ten grading indicators (four of exploitability,
//! three of impact, three of environment), with a compact text form
//! (`GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H`). A [`gbt::GradingTable`] holds
//! the standard's lookup tables (Annexes A–E) loaded from TOML; [`gbt::GradingTable::grade`]
//! turns indicators into a [`gbt::Grading`]: exploitability, impact and environment levels,
//! the technical grade and the comprehensive grade ([`gbt::Grade`]: 超危/高危/中危/低危),
//! labelled with the table's id, version and provisional flag. The built-in table is a
//! provisional one constructed by appvd, because the official annex cells are not yet
//! available to us; an administrator can load the official one with
//! [`gbt::GradingTable::from_toml`]. [`gbt::prefill_from_cvss`] suggests indicators from a
//! CVSS vector (non-normative).

mod cvss;
pub mod gbt;
mod score;

pub use cvss::metrics;
pub use cvss::{
    Base3, Base4, Cvss, Cvss3, Cvss3Version, Cvss4, CvssError, CvssSummary, CvssVersion,
    Environmental3, Environmental4, MAX_VECTOR_LEN, MacroVector, Nomenclature, Supplemental4,
    Temporal3, Threat4,
};
pub use score::{Score, Severity};

#[cfg(doc)]
use std::str::FromStr;
