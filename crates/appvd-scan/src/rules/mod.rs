//! The rules, one file each, grouped by the facts they read: `manifest` (the decoded manifest),
//! `resxml` (res/xml files the manifest points to), `signing` (signature schemes and
//! certificates), `files` (the container's entry list and structure), `native` (ELF facts of
//! `lib/<abi>/*.so`). A rule file holds the rule's `RULE` static — metadata, documentation, check —
//! and its fixture test; each group's `mod.rs` lists its rules, and `registry` joins the lists.
//! Rule ids name what the rule is about (`tls.nsc_cleartext`), not where its facts come from.

pub mod files;
pub mod manifest;
pub mod native;
pub mod resxml;
pub mod signing;
