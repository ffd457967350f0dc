use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

pub static RULE: Rule = Rule {
    id: "code.native_no_stack_canary",
    title: "Native library built without stack canaries",
    severity: Severity::Low,
    masvs: "MASVS-CODE-4",
    cwe: 121,
    docs: Docs {
        what: "A native library with code of its own imports neither `__stack_chk_fail` nor `__stack_chk_guard` and \
               does not define them: it was compiled without `-fstack-protector`. Libraries with no functions (data \
               only) and code produced by Go, Rust or the Dart AOT compiler, which never use canaries, are not \
               reported. One finding per library name, listing the ABIs concerned.",
        why: "A stack canary is a random value placed before the return address and checked before the function \
              returns; a linear stack buffer overflow that reaches the return address destroys it and the process \
              aborts instead of jumping where the attacker wants. Without canaries, any such overflow in code that \
              parses attacker-controlled input (images, network data, files from other apps) is directly exploitable.",
        fix: "Compile with `-fstack-protector-strong` (the NDK's default; check that the build does not pass \
              `-fno-stack-protector`), rebuild third-party libraries the same way or update them, and check with \
              `readelf --dyn-syms libfoo.so | grep __stack_chk`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-CODE/MASTG-TEST-0223/",
            "https://developer.android.com/ndk/guides/abis",
            "https://cwe.mitre.org/data/definitions/121.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    report_per_library(
        app,
        out,
        |facts| {
            (facts.stack_protector_applies() && !facts.hardening.stack_protector.present()).then(|| Flaw {
                severity: Severity::Low,
                fact: format!(
                    "no __stack_chk_fail/__stack_chk_guard import, {} exported function(s), {} bytes of code",
                    facts.code.exported_functions,
                    facts.code.executable_segment_bytes.max(facts.code.executable_section_bytes)
                ),
            })
        },
        |name, abis| format!("{name} ({abis}) was built without stack canaries."),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
