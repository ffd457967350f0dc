//! Builds every index for the DEX files given on the command line and prints timings and
//! counts, and optionally the call sites of one method with their constant arguments.
//!
//! ```text
//! cargo run --release -p appvd-dex --example analyze -- classes*.dex [--calls 'Lx;->m(..)V'] [--app-only]
//! ```

use appvd_dex::app::multidex_order;
use appvd_dex::facts::ConstValue;
use appvd_dex::{Analysis, App, DexInput};
use std::io::Write as _;
use std::mem::size_of;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let query = args
        .iter()
        .position(|a| a == "--calls")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let mut paths: Vec<&String> = args
        .iter()
        .filter(|a| a.ends_with(".dex") || std::path::Path::new(a).is_file())
        .collect();
    paths.retain(|p| Some(*p) != query.as_ref());
    paths.sort_by_key(|p| multidex_order(p));
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            Ok((
                p.rsplit('/').next().unwrap_or(p).to_string(),
                std::fs::read(p)?,
            ))
        })
        .collect::<std::io::Result<_>>()?;
    let total: usize = files.iter().map(|(_, d)| d.len()).sum();
    let inputs: Vec<DexInput<'_>> = files
        .iter()
        .map(|(n, d)| DexInput { name: n, data: d })
        .collect();
    let mut out = std::io::stdout().lock();

    let start = Instant::now();
    let app = App::new(&inputs);
    let opened = start.elapsed();
    writeln!(
        out,
        "{} dex files, {:.1} MB",
        files.len(),
        total as f64 / 1e6
    )?;
    writeln!(
        out,
        "open + class table: {:.1} ms ({} symbols interned)",
        opened.as_secs_f64() * 1e3,
        app.symbols().len()
    )?;
    if args.iter().any(|a| a == "--app-only") {
        return Ok(());
    }
    let analysis = Analysis::from_app(app);
    let built = start.elapsed();
    writeln!(
        out,
        "all indexes:        {:.1} ms",
        built.as_secs_f64() * 1e3
    )?;
    let index = analysis.index();
    let values: Vec<ConstValue> = index
        .call_sites()
        .iter()
        .flat_map(|c| index.args(c))
        .collect();
    let unknown = values
        .iter()
        .filter(|v| matches!(v, ConstValue::Unknown(_)))
        .count();
    writeln!(
        out,
        "{} classes, {} methods, {} call sites ({} argument values, {} unknown, {} bytes each), {} string refs, {} field accesses, {} anomalies",
        analysis.app().classes().len(),
        analysis.app().methods().len(),
        index.call_sites().len(),
        values.len(),
        unknown,
        size_of::<ConstValue>(),
        index.string_refs().len(),
        index.field_accesses().len(),
        analysis.anomalies().count()
    )?;
    let t = Instant::now();
    let webview = analysis
        .calls_to("Landroid/webkit/WebView;->loadUrl(Ljava/lang/String;)V")
        .len();
    let cipher = analysis
        .calls_to("Ljavax/crypto/Cipher;->getInstance")
        .len();
    let prefs = analysis
        .calls_to("Landroid/content/Context;->getSharedPreferences")
        .len();
    let shapes = analysis.tls_shapes().len();
    writeln!(
        out,
        "queries: WebView.loadUrl {webview}, Cipher.getInstance {cipher}, Context.getSharedPreferences {prefs}, TLS shapes {shapes} in {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    )?;
    if let Some(query) = query {
        for call in analysis.calls_to(&query) {
            let args: Vec<String> = call.args().iter().map(|a| a.describe()).collect();
            writeln!(
                out,
                "{}  {}({})",
                call.location(),
                call.callee_text(),
                args.join(", ")
            )?;
        }
    }
    Ok(())
}
