use appvd_elf::StackExecutability;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

pub static RULE: Rule = Rule {
    id: "code.native_nx_disabled",
    title: "Native library asks for an executable stack",
    severity: Severity::High,
    masvs: "MASVS-CODE-4",
    cwe: 693,
    docs: Docs {
        what: "A native library's `PT_GNU_STACK` program header has the execute flag (High), or the library has no \
               `PT_GNU_STACK` at all, which leaves the stack permission to the loader's default (Medium). One finding \
               per library name, listing the ABIs concerned.",
        why: "A non-executable stack (NX) is what turns a stack buffer overflow from \"jump to the shellcode I just \
              wrote\" into a much harder return-oriented exploit. A library marked this way asks the loader to make \
              stacks executable; loaders that honour the request do it for every thread of the process, so one \
              library weakens the whole app. The flag almost always comes from an assembly file without a \
              `.note.GNU-stack` section or from an explicit `-z execstack`, i.e. from a build nobody reviewed for \
              hardening.",
        fix: "Link with `-Wl,-z,noexecstack` (the NDK default) and add `.section .note.GNU-stack,\"\",%progbits` to \
              hand-written assembly files; check the result with `readelf -lW libfoo.so | grep GNU_STACK` (flags `RW`).",
        references: &[
            "https://mas.owasp.org/MASVS/10-MASVS-CODE/",
            "https://developer.android.com/ndk/guides/abis",
            "https://cwe.mitre.org/data/definitions/693.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    report_per_library(
        app,
        out,
        |facts| match facts.hardening.stack {
            StackExecutability::NonExecutable => None,
            StackExecutability::Executable => Some(Flaw {
                severity: Severity::High,
                fact: "PT_GNU_STACK has PF_X (RWX stack)".to_owned(),
            }),
            StackExecutability::Absent => Some(Flaw {
                severity: Severity::Medium,
                fact: "no PT_GNU_STACK (the loader's default applies)".to_owned(),
            }),
        },
        |name, abis| format!("{name} ({abis}) does not ask for a non-executable stack."),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
