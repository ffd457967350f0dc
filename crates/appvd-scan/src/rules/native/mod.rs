//! Rules on native libraries (ELF facts of `lib/<abi>/*.so`).
//!
//! An app ships the same library once per ABI, built from the same sources by the same build, so
//! a weakness is reported once per library *name* with the affected ABIs in the evidence, and the
//! fingerprint keys on the name: adding an ABI or fixing one copy does not make a new finding.
//! `report_per_library` does the grouping for every rule here; each rule only says what is wrong
//! with one copy.

use std::collections::BTreeMap;

use appvd_elf::ElfFacts;

use crate::finding::{Location, Severity};
use crate::model::{AppModel, NativeLib};
use crate::rule::{Emitter, Rule};

pub mod no_fortify;
pub mod no_stack_canary;
pub mod nx_disabled;
pub mod relro;
pub mod rpath;
pub mod symbols;
pub mod text_relocations;

pub static RULES: &[&Rule] = &[
    &nx_disabled::RULE,
    &no_stack_canary::RULE,
    &text_relocations::RULE,
    &relro::RULE,
    &rpath::RULE,
    &no_fortify::RULE,
    &symbols::RULE,
];

/// What a rule found in one copy of a library.
pub(crate) struct Flaw {
    pub severity: Severity,
    /// The fact, short (`PT_GNU_STACK is RWX`).
    pub fact: String,
}

/// The decoded libraries of the app grouped by file name (name order), copies in ABI order.
pub(crate) fn libraries(app: &AppModel) -> BTreeMap<&str, Vec<(&NativeLib, &ElfFacts)>> {
    let mut out: BTreeMap<&str, Vec<(&NativeLib, &ElfFacts)>> = BTreeMap::new();
    for lib in app.native_libs() {
        if let Some(facts) = &lib.facts {
            out.entry(lib.name.as_str()).or_default().push((lib, facts));
        }
    }
    for copies in out.values_mut() {
        copies.sort_by(|a, b| a.0.abi.cmp(&b.0.abi).then_with(|| a.0.path.cmp(&b.0.path)));
    }
    out
}

/// Runs `flaw` on every copy of every library and emits one finding per library name that has at
/// least one flawed copy, at the worst severity found. `message` gets the library name and the
/// affected ABIs (`arm64-v8a, armeabi-v7a`) and returns the finding's sentence.
pub(crate) fn report_per_library(
    app: &AppModel,
    out: &mut Emitter<'_>,
    flaw: impl Fn(&ElfFacts) -> Option<Flaw>,
    message: impl Fn(&str, &str) -> String,
) {
    for (name, copies) in libraries(app) {
        let flawed: Vec<(&NativeLib, Flaw)> = copies
            .iter()
            .filter_map(|(lib, facts)| flaw(facts).map(|f| (*lib, f)))
            .collect();
        let Some(severity) = flawed.iter().map(|(_, f)| f.severity).max() else {
            continue;
        };
        let Some((first, _)) = flawed.first() else {
            continue;
        };
        let label = |lib: &NativeLib| {
            let shared_abi = copies
                .iter()
                .filter(|(other, _)| other.abi == lib.abi)
                .count()
                > 1;
            if shared_abi {
                lib.path.clone()
            } else {
                lib.abi.clone()
            }
        };
        let abis = flawed
            .iter()
            .map(|(lib, _)| label(lib))
            .collect::<Vec<_>>()
            .join(", ");
        let mut evidence: Vec<String> = flawed
            .iter()
            .map(|(lib, f)| format!("{}: {}", label(lib), f.fact))
            .collect();
        let sound: Vec<String> = copies
            .iter()
            .filter(|(lib, _)| !flawed.iter().any(|(f, _)| std::ptr::eq(*f, *lib)))
            .map(|(lib, _)| label(lib))
            .collect();
        if !sound.is_empty() {
            evidence.push(format!("not affected: {}", sound.join(", ")));
        }
        out.emit_with_severity(
            severity,
            Location::file(first.path.clone()),
            name,
            message(name, &abis),
            evidence.join("\n"),
        );
    }
}
