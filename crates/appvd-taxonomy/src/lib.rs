//! Static taxonomies that appvd's scanner, case records and web UI refer to.
//!
//! - [`Cwe`]: CWE ids with their official short names ([`cwe`], [`cwe_by_label`]): every id
//!   the scanner's rules name, the CWE Top 25 of 2024 ([`CWE_TOP_25_2024`]) and the weaknesses
//!   common in mobile apps.
//! - [`MasvsControl`]: the 24 OWASP MASVS v2 controls, grouped by [`MasvsCategory`], each with
//!   a one-sentence summary in English and Chinese ([`masvs_control`]).
//! - [`GbtCategory`]: the GB/T 30279-2020 classification tree with stable codes, parent
//!   pointers, Chinese and English names, and a mapping from leaves to CWE ids
//!   ([`gbt_category`], [`gbt_children`], [`gbt_categories_for_cwe`]). Below the four
//!   top-level classes the tree is reconstructed and versioned ([`GBT_TREE_VERSION`]).
//!
//! Everything is `'static` data; lookups allocate nothing.

mod cwe;
mod gbt;
mod masvs;

pub use cwe::{CWE_NAMES_VERSION, CWE_TOP_25_2024, Cwe, CweKind, cwe, cwe_by_label, cwes};
pub use gbt::{
    GBT_TREE_VERSION, GbtCategory, gbt_categories, gbt_categories_for_cwe, gbt_category,
    gbt_children,
};
pub use masvs::{MasvsCategory, MasvsControl, masvs_control, masvs_controls};
