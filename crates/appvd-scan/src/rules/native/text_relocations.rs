use appvd_elf::Position;

use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};
use crate::rules::native::{Flaw, report_per_library};

pub static RULE: Rule = Rule {
    id: "code.native_text_relocations",
    title: "Native library not position independent",
    severity: Severity::Low,
    masvs: "MASVS-CODE-4",
    cwe: 693,
    docs: Docs {
        what: "A native library has text relocations (`DT_TEXTREL`, or `DF_TEXTREL` in `DT_FLAGS`), or is an `ET_EXEC` \
               file linked at a fixed address. Position-independent executables (PIE) and ordinary shared objects \
               without text relocations are fine. One finding per library name, listing the ABIs concerned.",
        why: "Text relocations make the loader patch the code pages after mapping them, so they must be writable and \
              executable at the same time, and the patched pages differ per process. That defeats W^X and makes code \
              injection easier; a fixed-address file also defeats ASLR for its code. Android refuses text relocations \
              in 64-bit processes and for apps targeting API 23 or later, so such a library also fails to load on \
              modern devices; where it still loads (older devices, 32-bit, low targetSdk), it carries the weakness.",
        fix: "Compile every object of the library with `-fPIC` (the NDK's default), fix hand-written assembly that uses \
              absolute addresses, and do not link with `-z notext`; check with `readelf -d libfoo.so | grep TEXTREL`.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-CODE/MASTG-TEST-0222/",
            "https://android.googlesource.com/platform/bionic/+/master/android-changes-for-ndk-developers.md",
            "https://cwe.mitre.org/data/definitions/693.html",
        ],
    },
    check,
};

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    report_per_library(
        app,
        out,
        |facts| {
            let relocations = facts.hardening.text_relocations;
            let mut found = Vec::new();
            if relocations.dt_textrel {
                found.push("DT_TEXTREL");
            }
            if relocations.df_textrel {
                found.push("DF_TEXTREL in DT_FLAGS");
            }
            if facts.hardening.position == Position::FixedExecutable {
                found.push("ET_EXEC linked at a fixed address");
            }
            (!found.is_empty()).then(|| Flaw {
                severity: Severity::Low,
                fact: found.join(", "),
            })
        },
        |name, abis| {
            format!("{name} ({abis}) is not position independent: the loader must patch its code.")
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
