use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

/// Unfortified imports quoted per copy.
const QUOTED: usize = 6;

pub static RULE: Rule = Rule {
    id: "code.native_no_fortify",
    title: "Native library built without FORTIFY",
    severity: Severity::Info,
    masvs: "MASVS-CODE-4",
    cwe: 120,
    docs: Docs {
        what: "A native library imports libc functions that have checked variants (`memcpy`, `strcpy`, `sprintf`, \
               `read`…) but none of the checked variants (`__memcpy_chk`, `__strcpy_chk`…): it was compiled without \
               `_FORTIFY_SOURCE`. A fortified build still imports plain `memcpy` where the compiler proved the size \
               safe, so the rule needs the complete absence of checked imports. Data-only libraries and Go, Rust or \
               Dart AOT code are not reported. One finding per library name, listing the ABIs concerned.",
        why: "With FORTIFY, calls whose destination size the compiler knows are routed through checked variants that \
              abort on overflow, which turns many buffer overflows (CWE-120) into crashes instead of memory \
              corruption. Without it those overflows go unchecked. This is defence in depth, hence Info.",
        fix: "Compile with optimisation and `-D_FORTIFY_SOURCE=2` (the NDK enables FORTIFY by default; check that the \
              build does not undefine it), and rebuild or update third-party libraries built without it.",
        references: &[
            "https://mas.owasp.org/MASVS/10-MASVS-CODE/",
            "https://android-developers.googleblog.com/2017/04/fortify-in-android.html",
            "https://cwe.mitre.org/data/definitions/120.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    report_per_library(
        app,
        out,
        |facts| {
            let fortify = &facts.hardening.fortify;
            (facts.stack_protector_applies() && fortify.lacks_fortify()).then(|| {
                let mut quoted = fortify
                    .unfortified
                    .iter()
                    .take(QUOTED)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if fortify.unfortified.len() > QUOTED {
                    quoted.push_str(&format!(" and {} more", fortify.unfortified.len() - QUOTED));
                }
                Flaw {
                    severity: Severity::Info,
                    fact: format!("imports {quoted}; no __*_chk import"),
                }
            })
        },
        |name, abis| {
            format!(
                "{name} ({abis}) was built without FORTIFY: unchecked copies into fixed-size buffers go undetected."
            )
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
