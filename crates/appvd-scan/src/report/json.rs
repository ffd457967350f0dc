//! The JSON reports, as they are, pretty-printed: `ScanReport` (described by
//! `schema/scan-report.schema.json`) and `info::InfoReport` (`schema/app-info.schema.json`); a
//! test validates each against its schema.

use serde::Serialize;

/// Any report (`ScanReport`, `info::InfoReport`), pretty-printed.
pub fn render(report: &impl Serialize) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
