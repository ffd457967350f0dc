//! Prints what appvd-apk sees in an APK, XAPK or APKS as JSON:
//! `cargo run -p appvd-apk --example inspect -- app.apk [split.apk ...]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use appvd_apk::App;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let opened = match paths.as_slice() {
        [] => {
            let _ = writeln!(
                std::io::stderr(),
                "usage: inspect <app.apk|app.xapk|app.apks> [split.apk ...]"
            );
            return ExitCode::from(2);
        }
        [one] => App::open(one),
        many => App::open_split_set(many),
    };
    let app = match opened {
        Ok(app) => app,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let apks: Vec<_> = app
        .apks()
        .map(|apk| {
            serde_json::json!({
                "name": apk.name(),
                "layout": apk.archive().layout(),
                "entries": apk.archive().entries(),
                "signing": apk.signing(),
            })
        })
        .collect();
    let report = serde_json::json!({
        "kind": app.kind(),
        "apks": apks,
        "obb_files": app.obb_files(),
        "xapk_manifest": app.xapk_manifest(),
        "anomalies": app.anomalies(),
        "inflated_bytes": app.budget().used(),
    });
    let _ = writeln!(
        std::io::stdout(),
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    ExitCode::SUCCESS
}
