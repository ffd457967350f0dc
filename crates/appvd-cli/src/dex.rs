//! `appvd dex dump`: a class or method as smali, in the layout `baksmali` prints, straight from a
//! `.dex` file or from every `classes*.dex` of an APK, XAPK or APKS. A debugging aid for rule
//! authors and for analysts checking a finding's evidence.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use appvd_apk::SharedBytes;
use appvd_dex::DexFile;
use appvd_dex::class::ClassDef;
use appvd_dex::disasm::{DisasmOptions, disassemble_class, disassemble_methods};
use appvd_dex::file::ParseOptions;

use crate::support::say;

#[derive(Debug, clap::Subcommand)]
pub enum DexCommand {
    /// Print a class (or some of its methods) as smali; without --class, list the classes.
    Dump(DumpArgs),
}

#[derive(Debug, clap::Args)]
pub struct DumpArgs {
    /// A .dex file, or an APK, XAPK or APKS (every classes*.dex is searched, in load order).
    file: PathBuf,
    /// The class: a Java name (com.acme.Foo) or a descriptor (Lcom/acme/Foo;).
    #[arg(long)]
    class: Option<String>,
    /// Only the methods with this name (every overload).
    #[arg(long, requires = "class")]
    method: Option<String>,
    /// Leave out .line, .local, .param names and the other debug directives.
    #[arg(long)]
    no_debug_info: bool,
    /// Print a `#@addr` comment (code address in 16-bit units) before each instruction.
    #[arg(long)]
    code_offsets: bool,
}

/// A DEX image and the name it is shown under (`classes2.dex`, `split_x.apk!classes.dex`).
struct DexImage {
    name: String,
    bytes: SharedBytes,
}

pub fn run(command: &DexCommand) -> anyhow::Result<ExitCode> {
    match command {
        DexCommand::Dump(args) => dump(args),
    }
}

fn dump(args: &DumpArgs) -> anyhow::Result<ExitCode> {
    let images = load(&args.file)?;
    let mut files = Vec::with_capacity(images.len());
    for image in &images {
        let entries = DexFile::parse_container(image.bytes.as_ref(), ParseOptions::default())
            .with_context(|| format!("{}: not a readable DEX file", image.name))?;
        files.extend(entries.into_iter().map(|dex| (image.name.as_str(), dex)));
    }
    let Some(wanted) = &args.class else {
        let many = files.len() > 1;
        for (name, dex) in &files {
            for class in dex.class_defs() {
                let descriptor = dex.type_lossy(class.class);
                if many {
                    say(&format!("{descriptor}\t{name}"));
                } else {
                    say(&descriptor);
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    };
    // The runtime loads the first definition in multidex order; so does this.
    let Some((dex, class)) = files
        .iter()
        .find_map(|(_, dex)| dex.find_class(wanted).map(|class| (dex, class)))
    else {
        bail!(
            "{} defines no class {wanted}{}",
            args.file.display(),
            suggestions(&files, wanted)
        );
    };
    let options = DisasmOptions {
        debug_info: !args.no_debug_info,
        code_offsets: args.code_offsets,
        ..DisasmOptions::default()
    };
    let text = match &args.method {
        None => disassemble_class(dex, &class, &options),
        Some(method) => {
            let text = disassemble_methods(dex, &class, method, &options);
            if text.is_empty() {
                bail!(
                    "{wanted} has no method {method}; its methods: {}",
                    method_names(dex, &class).join(", ")
                );
            }
            text
        }
    };
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// The DEX images of a file: the file itself when it starts with the DEX magic, else every
/// `classes*.dex` of the app's APKs, base first, each in multidex order.
fn load(path: &Path) -> anyhow::Result<Vec<DexImage>> {
    let bytes =
        SharedBytes::map_file(path).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.as_ref().starts_with(b"dex\n") {
        return Ok(vec![DexImage {
            name: path.display().to_string(),
            bytes,
        }]);
    }
    let app = appvd_apk::App::open(path).with_context(|| {
        format!(
            "{} is neither a DEX file nor a readable app",
            path.display()
        )
    })?;
    let mut images = Vec::new();
    for apk in app.apks() {
        let mut entries: Vec<(u32, &appvd_apk::Entry)> = apk
            .archive()
            .entries()
            .iter()
            .filter_map(|e| appvd_apk::listing::dex_number(&e.name).map(|n| (n, e)))
            .collect();
        entries.sort_by_key(|(n, _)| *n);
        for (_, entry) in entries {
            let name = if std::ptr::eq(apk, app.base()) {
                entry.name.clone()
            } else {
                format!("{}!{}", apk.name(), entry.name)
            };
            let bytes = apk
                .archive()
                .read_shared(entry)
                .with_context(|| format!("cannot read {name}"))?;
            images.push(DexImage { name, bytes });
        }
    }
    if images.is_empty() {
        bail!("{} has no classes*.dex", path.display());
    }
    Ok(images)
}

/// Up to five defined classes whose descriptor contains the simple name asked for.
fn suggestions(files: &[(&str, DexFile<'_>)], wanted: &str) -> String {
    let simple = wanted
        .trim_end_matches(';')
        .rsplit(['.', '/'])
        .next()
        .unwrap_or(wanted)
        .to_lowercase();
    if simple.is_empty() {
        return String::new();
    }
    let mut found: Vec<String> = files
        .iter()
        .flat_map(|(_, dex)| {
            dex.class_defs()
                .map(|class| dex.type_lossy(class.class).into_owned())
        })
        .filter(|descriptor| descriptor.to_lowercase().contains(&simple))
        .take(5)
        .collect();
    found.dedup();
    if found.is_empty() {
        String::new()
    } else {
        format!("; similar: {}", found.join(", "))
    }
}

fn method_names(dex: &DexFile<'_>, class: &ClassDef) -> Vec<String> {
    let (data, _) = dex.class_data(class);
    let mut names: Vec<String> = data
        .methods()
        .filter_map(|m| dex.method_id(m.method).ok())
        .map(|id| dex.string_lossy(id.name).into_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}
