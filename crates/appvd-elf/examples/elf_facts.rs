//! Prints the facts and anomalies of ELF files as JSON, or with `--summary`
//! one line per file with the parse time:
//! `cargo run -p appvd-elf --example elf_facts -- [--summary] lib/arm64-v8a/libfoo.so ...`.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool prints

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    let mut summary = false;
    for path in std::env::args().skip(1) {
        if path == "--summary" {
            summary = true;
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                status = ExitCode::FAILURE;
                continue;
            }
        };
        let started = Instant::now();
        let parsed = appvd_elf::ElfFacts::parse(&bytes);
        let elapsed = started.elapsed();
        match parsed {
            Ok((facts, anomalies)) if summary => println!(
                "{path}: {} bytes in {:.1} ms; {} exports, {} imports, {} strings ({} bytes, cap {:?}), \
                 {} sections, {} anomalies",
                bytes.len(),
                elapsed.as_secs_f64() * 1000.0,
                facts.symbols.exported.len(),
                facts.symbols.imported.len(),
                facts.strings.strings.len(),
                facts.strings.total_bytes,
                facts.strings.cap_hit,
                facts.sections.list.len(),
                anomalies.len(),
            ),
            Ok((facts, anomalies)) => {
                let report =
                    serde_json::json!({ "path": path, "facts": facts, "anomalies": anomalies });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            }
            Err(error) => {
                eprintln!("{path}: {error}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
