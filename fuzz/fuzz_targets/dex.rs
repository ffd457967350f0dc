//! Fuzzes the DEX engine end to end: container parsing, disassembly, the app class table and
//! every index, evidence windows and the shape queries.
//! Run: cargo fuzz run --sanitizer none dex -- -max_len=16384
#![no_main]

use appvd_dex::disasm::{DisasmOptions, disassemble_class};
use appvd_dex::file::ParseOptions;
use appvd_dex::{Analysis, DexFile, DexInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ParseOptions {
        verify_checksum: false,
        verify_signature: false,
    };
    if let Ok(entries) = DexFile::parse_container(data, options) {
        for dex in &entries {
            for class in dex.class_defs().take(16) {
                let _ = disassemble_class(dex, &class, &DisasmOptions::default());
            }
        }
    }
    let analysis = Analysis::new(&[DexInput {
        name: "classes.dex",
        data,
    }]);
    for (i, call) in analysis.call_sites().take(64).enumerate() {
        let _ = call.location();
        let _ = call.resolved_callee_text();
        for arg in call.args() {
            let _ = arg.describe();
        }
        // Evidence disassembles the whole caller; a few are enough to cover it.
        if i < 8 {
            let _ = call.evidence(2, 2);
        }
    }
    let _ = analysis.tls_shapes();
    let _ = analysis.unreferenced_strings();
});
