use appvd_elf::Relro;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

pub static RULE: Rule = Rule {
    id: "code.native_relro",
    title: "Native library without full RELRO",
    severity: Severity::Low,
    masvs: "MASVS-CODE-4",
    cwe: 693,
    docs: Docs {
        what: "A native library has no `PT_GNU_RELRO` segment (no RELRO, Low), or has one but was linked without \
               immediate binding (`DF_BIND_NOW`/`DF_1_NOW`), i.e. partial RELRO (Info). RELRO is read from the program \
               headers and the dynamic section, as checksec does, not from section names. One finding per library \
               name, listing the ABIs concerned.",
        why: "After relocation, RELRO makes the global offset table and other relocated pointers read-only, so a memory \
              corruption bug cannot redirect calls by overwriting a GOT entry. Without RELRO all of them stay \
              writable. With partial RELRO the linker leaves the PLT's GOT outside the protected region; Android's \
              loader binds everything at load time anyway, but that part of the table stays writable.",
        fix: "Link with `-Wl,-z,relro -Wl,-z,now` (the NDK's defaults); check with `readelf -lW libfoo.so | grep \
              GNU_RELRO` and `readelf -d libfoo.so | grep -E 'BIND_NOW|FLAGS'`.",
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
        |facts| match facts.hardening.relro {
            Relro::Full => None,
            Relro::Partial => Some(Flaw {
                severity: Severity::Info,
                fact: "partial RELRO: PT_GNU_RELRO without BIND_NOW".to_owned(),
            }),
            Relro::None => Some(Flaw {
                severity: Severity::Low,
                fact: "no PT_GNU_RELRO".to_owned(),
            }),
        },
        |name, abis| format!("{name} ({abis}) leaves relocated pointers writable (no full RELRO)."),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&super::RULE);
    }
}
