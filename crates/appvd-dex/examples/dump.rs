//! Disassembles classes of a DEX file the way `baksmali d` lays them out.
//!
//! `cargo run -p appvd-dex --example dump -- FILE [CLASS_DESCRIPTOR] [--out DIR]`

use appvd_dex::DexFile;
use appvd_dex::disasm::{DisasmOptions, disassemble_class};
use std::io::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        return Err("usage: dump FILE [CLASS] [--out DIR]".into());
    };
    let out_dir = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let wanted = args.get(1).filter(|a| !a.starts_with("--")).cloned();
    let bytes = std::fs::read(path)?;
    let dex = DexFile::parse(&bytes)?;
    let options = DisasmOptions::default();
    let mut stdout = std::io::stdout().lock();
    for anomaly in dex.anomalies() {
        writeln!(std::io::stderr(), "{anomaly}")?;
    }
    for class in dex.class_defs() {
        let descriptor = dex.type_lossy(class.class).into_owned();
        if wanted.as_ref().is_some_and(|w| *w != descriptor) {
            continue;
        }
        let text = disassemble_class(&dex, &class, &options);
        match &out_dir {
            Some(dir) => {
                let relative = descriptor.trim_start_matches('L').trim_end_matches(';');
                let path = std::path::Path::new(dir).join(format!("{relative}.smali"));
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, text)?;
            }
            None => stdout.write_all(text.as_bytes())?,
        }
    }
    Ok(())
}
