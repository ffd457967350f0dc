//! Decodes one file and prints it; used for debugging and for the differential checks in
//! `tests/fixtures/scripts/differential.py`.
//!
//! ```text
//! cargo run --example dump -- xml      <file.axml> [table.arsc]   # XML text
//! cargo run --example dump -- xml-json <file.axml>                # element tree, JSON
//! cargo run --example dump -- arsc     <resources.arsc>           # value listing
//! cargo run --example dump -- arsc-json <resources.arsc>          # every entry as JSON lines
//! cargo run --example dump -- manifest <AndroidManifest.xml> [table.arsc]   # typed view, JSON
//! cargo run --example dump -- nsc|backup|paths <file.xml> [table.arsc]      # typed view, JSON
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;

use appvd_axml::{
    BackupRules, FileProviderPaths, Manifest, NetworkSecurityConfig, ResourceTable, XmlDocument,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: dump <xml|arsc|arsc-json|manifest|nsc|backup|paths> <file> [resources.arsc]"
        );
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let table = match args.get(2).map(std::fs::read) {
        Some(Ok(arsc)) => match ResourceTable::parse(&arsc) {
            Ok((table, _)) => Some(table),
            Err(error) => {
                eprintln!("table: {error}");
                return ExitCode::FAILURE;
            }
        },
        Some(Err(error)) => {
            eprintln!("table: {error}");
            return ExitCode::FAILURE;
        }
        None => None,
    };
    match run(mode, &bytes, table.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{path}: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    mode: &str,
    bytes: &[u8],
    table: Option<&ResourceTable>,
) -> Result<(), Box<dyn std::error::Error>> {
    if mode == "arsc" || mode == "arsc-json" {
        let (table, anomalies) = ResourceTable::parse(bytes)?;
        if mode == "arsc" {
            emit(&table.dump());
        } else {
            let mut out = String::new();
            for id in table.resource_ids() {
                for entry in table.entries(id) {
                    out.push_str(&serde_json::to_string(&entry)?);
                    out.push('\n');
                }
            }
            emit(&out);
        }
        for anomaly in anomalies {
            eprintln!("anomaly: {anomaly}");
        }
        return Ok(());
    }
    let (document, anomalies) = XmlDocument::parse(bytes)?;
    for anomaly in anomalies {
        eprintln!("anomaly: {anomaly}");
    }
    let (json, view_anomalies) = match mode {
        "xml" => {
            emit(&table.map_or_else(|| document.to_xml(), |t| document.to_xml_with(t)));
            return Ok(());
        }
        "xml-json" => {
            let mut tree = serde_json::to_value(&document)?;
            add_known_names(&mut tree);
            (serde_json::to_string_pretty(&tree)?, Vec::new())
        }
        "manifest" => {
            let (view, anomalies) = Manifest::from_document(&document, table);
            (serde_json::to_string_pretty(&view)?, anomalies)
        }
        "nsc" => {
            let (view, anomalies) = NetworkSecurityConfig::from_document(&document, table);
            (serde_json::to_string_pretty(&view)?, anomalies)
        }
        "backup" => {
            let (view, anomalies) = BackupRules::from_document(&document, table);
            (serde_json::to_string_pretty(&view)?, anomalies)
        }
        "paths" => {
            let (view, anomalies) = FileProviderPaths::from_document(&document, table);
            (serde_json::to_string_pretty(&view)?, anomalies)
        }
        other => return Err(format!("unknown mode {other}").into()),
    };
    emit(&format!("{json}\n"));
    for anomaly in view_anomalies {
        eprintln!("view anomaly: {anomaly}");
    }
    Ok(())
}

/// Writes to stdout, ignoring a closed pipe (`dump ... | head`).
fn emit(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Adds `known_name` (the public name of the resource id) to every attribute of a serialised
/// tree, for comparison with tools that print names from ids.
fn add_known_names(node: &mut serde_json::Value) {
    match node {
        serde_json::Value::Object(map) => {
            if let (Some(id), Some(_)) = (
                map.get("resource_id").and_then(serde_json::Value::as_u64),
                map.get("value"),
            ) && let Some(name) = u32::try_from(id)
                .ok()
                .and_then(appvd_axml::android_attrs::name_of)
            {
                map.insert("known_name".into(), serde_json::Value::String(name.into()));
            }
            map.values_mut().for_each(add_known_names);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(add_known_names),
        _ => {}
    }
}
