//! Times the decoders on real files (build with `--release`).
//!
//! ```text
//! cargo run --release --example timing -- <resources.arsc> <AndroidManifest.xml> [iterations]
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use appvd_axml::{Manifest, ResourceTable, XmlDocument};

fn time<T>(iterations: u32, mut run: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let mut last = None;
    for _ in 0..iterations {
        last = Some(run());
    }
    let elapsed = start.elapsed() / iterations.max(1);
    (elapsed, last.expect("at least one iteration"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(arsc_path), Some(manifest_path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: timing <resources.arsc> <AndroidManifest.xml> [iterations]");
        return ExitCode::from(2);
    };
    let iterations: u32 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10);
    let (Ok(arsc), Ok(manifest)) = (std::fs::read(arsc_path), std::fs::read(manifest_path)) else {
        eprintln!("cannot read the input files");
        return ExitCode::FAILURE;
    };

    let (parse, table) = time(iterations, || ResourceTable::parse(&arsc));
    let Ok((table, _)) = table else {
        eprintln!("{arsc_path}: not a resource table");
        return ExitCode::FAILURE;
    };
    let (ids_time, ids) = time(iterations, || table.resource_ids());
    let (resolve, resolved) = time(iterations.min(3), || {
        ids.iter()
            .filter(|&&id| table.default_value(id).is_some())
            .count()
    });
    let (strings, string_count) = time(iterations.min(3), || table.string_resources().len());
    println!(
        "resources.arsc {} bytes: parse {:?}, {} ids listed in {:?}, default value of all ids {:?} ({} simple), {} string values in {:?}",
        arsc.len(),
        parse,
        ids.len(),
        ids_time,
        resolve,
        resolved,
        string_count,
        strings
    );

    let (xml_parse, document) = time(iterations * 10, || XmlDocument::parse(&manifest));
    let Ok((document, _)) = document else {
        eprintln!("{manifest_path}: not binary XML");
        return ExitCode::FAILURE;
    };
    let (view, manifest_view) = time(iterations * 10, || {
        Manifest::from_document(&document, Some(&table))
    });
    let (render, text) = time(iterations * 10, || document.to_xml());
    println!(
        "AndroidManifest.xml {} bytes: parse {:?}, typed view {:?} ({} components), render {:?} ({} bytes of XML)",
        manifest.len(),
        xml_parse,
        view,
        manifest_view.0.components().count(),
        render,
        text.len()
    );
    ExitCode::SUCCESS
}
