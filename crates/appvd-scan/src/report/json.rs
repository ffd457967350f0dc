//! The JSON report: `ScanReport` as it is, pretty-printed. Its shape is described by
//! `schema/scan-report.schema.json`, which a test validates against.

use crate::report::ScanReport;

pub fn render(report: &ScanReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
