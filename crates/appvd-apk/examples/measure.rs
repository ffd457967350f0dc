//! Times the work a scan does on one app: open, list, read every entry, signing facts.
//! `cargo run --release -p appvd-apk --example measure -- app.apk`

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use appvd_apk::App;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        let _ = writeln!(std::io::stderr(), "usage: measure <app>");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let app = match App::open(&path) {
        Ok(app) => app,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let opened = start.elapsed();
    let mut entries = 0usize;
    let mut bytes = 0u64;
    let mut failed = 0usize;
    for apk in app.apks() {
        for entry in apk.archive().entries() {
            entries += 1;
            match apk.archive().read(entry) {
                Ok(data) => bytes += data.len() as u64,
                Err(_) => failed += 1,
            }
        }
    }
    let read = start.elapsed();
    let certificates: usize = app
        .apks()
        .map(|apk| apk.signing().certificates().len())
        .sum();
    let signed = start.elapsed();
    let _ = writeln!(
        std::io::stdout(),
        "{}: {entries} entries, {bytes} bytes read ({failed} failed), {certificates} certificate(s), {} anomalies\n\
         open {:.1} ms, read all {:.1} ms, signing {:.1} ms, total {:.1} ms, inflated {} bytes",
        path.display(),
        app.anomalies().len(),
        opened.as_secs_f64() * 1e3,
        (read - opened).as_secs_f64() * 1e3,
        (signed - read).as_secs_f64() * 1e3,
        signed.as_secs_f64() * 1e3,
        app.budget().used(),
    );
    ExitCode::SUCCESS
}
