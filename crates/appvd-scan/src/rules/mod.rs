//! The rules, one file each, grouped by the facts they read: `manifest` (the decoded manifest),
//! `resxml` (res/xml files the manifest points to), `signing` (signature schemes and
//! certificates), `files` (the container's entry list and structure), `native` (ELF facts of
//! `lib/<abi>/*.so`), `code_data`, `code_platform` and `code_flow` (DEX bytecode: values reaching
//! storage and crypto APIs, platform API misuse, data flow within methods), `secrets` (hard-coded
//! credentials anywhere in the app). A rule file holds the rule's `RULE` static — metadata,
//! documentation, check — and its fixture test; each group's `mod.rs` lists its rules, and
//! `registry` joins the lists. Rule ids name what the rule is about (`tls.nsc_cleartext`), not
//! where its facts come from.

pub mod code_data;
pub mod code_flow;
pub mod code_platform;
pub mod files;
pub mod manifest;
pub mod native;
pub mod resxml;
pub mod secrets;
pub mod signing;

use crate::finding::Location;

/// The finding location of a fact found in DEX code: the dex file, the dotted class name, the method
/// as `name(descriptor)`, the source line when the debug info has it, and the code offset.
pub fn code_location(at: &appvd_dex::Location) -> Location {
    Location {
        file: Some(at.dex.clone()),
        component: None,
        class: Some(at.java_class.clone()),
        method: (!at.method.is_empty()).then(|| format!("{}{}", at.method, at.method_descriptor)),
        line: at.line,
        offset: at.offset.map(u64::from),
    }
}
