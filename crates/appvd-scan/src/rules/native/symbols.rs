use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

pub static RULE: Rule = Rule {
    id: "resilience.native_symbols",
    title: "Native library not stripped",
    severity: Severity::Low,
    masvs: "MASVS-RESILIENCE-3",
    cwe: 215,
    docs: Docs {
        what: "A native library keeps its static symbol table (`.symtab` with function symbols) or DWARF debug \
               sections (`.debug_*`). Exported dynamic symbols (needed for JNI and linking) and the compressed \
               MiniDebugInfo (`.gnu_debugdata`, kept on purpose for crash unwinding) are not reported, nor is a \
               `.symtab` that holds no function. One finding per library name, listing the ABIs concerned.",
        why: "Symbols name every internal function (including the ones that check licences, integrity or root status, \
              or handle keys), and debug information adds types, source paths and line numbers. That turns reverse \
              engineering from reading anonymous machine code into reading an annotated program, and tells an \
              attacker exactly which function to hook or patch. Release builds are normally stripped, so unstripped \
              libraries also suggest a debug build was shipped.",
        fix: "Ship the stripped libraries the Android Gradle plugin produces (`stripDebugDebugSymbols`/`packaging { \
              jniLibs { keepDebugSymbols } }` must not include release libraries), or run `llvm-strip \
              --strip-unneeded`; keep the unstripped copies for symbolising crash reports instead of shipping them.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-RESILIENCE/MASTG-TEST-0040/",
            "https://developer.android.com/studio/build/shrink-code#native-crash-support",
            "https://cwe.mitre.org/data/definitions/215.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    report_per_library(
        app,
        out,
        |facts| {
            let mut found = Vec::new();
            if let Some(symtab) = facts.symbols.symtab.filter(|t| t.defined_functions > 0) {
                found.push(format!(
                    ".symtab with {} entries ({} functions)",
                    symtab.entries, symtab.defined_functions
                ));
            }
            if facts.sections.debug_info {
                let debug: Vec<&str> = facts
                    .sections
                    .names()
                    .filter(|n| n.starts_with(".debug_") || n.starts_with(".zdebug_"))
                    .take(4)
                    .collect();
                found.push(format!("debug sections {}", debug.join(", ")));
            }
            (!found.is_empty()).then(|| Flaw {
                severity: Severity::Low,
                fact: found.join("; "),
            })
        },
        |name, abis| {
            format!("{name} ({abis}) ships its symbol table, naming every internal function.")
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
