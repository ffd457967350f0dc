//! `appvd cvss` and `appvd grade`: the severity calculators on the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use appvd_severity::gbt::{GradingTable, Indicators, prefill_from_cvss};
use appvd_severity::{Cvss, Score, Severity};

use crate::support::{fail, say};

#[derive(Debug, clap::Args)]
pub struct CvssArgs {
    /// A CVSS 3.0, 3.1 or 4.0 vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
    vector: String,
    /// Print a JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// GB/T 30279 indicators, e.g. GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H
    #[arg(required_unless_present = "from_cvss")]
    indicators: Option<String>,
    /// Suggest the indicators from a CVSS vector first (non-normative pre-fill).
    #[arg(long, conflicts_with = "indicators")]
    from_cvss: Option<String>,
    /// Grading table (TOML) to use instead of the built-in provisional one.
    #[arg(long)]
    table: Option<PathBuf>,
    /// Print a JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Exit code for input the command cannot use (a bad vector, bad indicators).
const BAD_INPUT: u8 = 2;

#[derive(serde::Serialize)]
struct CvssOutput {
    version: String,
    vector: String,
    /// For 4.0, the score of every metric the vector gives (CVSS-B, -BT, -BE or -BTE).
    base_score: Score,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    temporal_score: Option<Score>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environmental_score: Option<Score>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nomenclature: Option<String>,
}

pub fn cvss(args: &CvssArgs) -> anyhow::Result<ExitCode> {
    let cvss = match Cvss::parse(&args.vector) {
        Ok(c) => c,
        Err(e) => {
            fail(&format!("invalid CVSS vector: {e}"));
            return Ok(ExitCode::from(BAD_INPUT));
        }
    };
    let out = match &cvss {
        Cvss::V3(v) => CvssOutput {
            version: cvss.version().to_string(),
            vector: cvss.to_string(),
            base_score: v.base_score(),
            severity: v.base_score().severity(),
            temporal_score: Some(v.temporal_score()),
            environmental_score: Some(v.environmental_score()),
            nomenclature: None,
        },
        Cvss::V4(v) => CvssOutput {
            version: cvss.version().to_string(),
            vector: cvss.to_string(),
            base_score: v.score(),
            severity: v.score().severity(),
            temporal_score: None,
            environmental_score: None,
            nomenclature: Some(v.nomenclature().to_string()),
        },
    };
    if args.json {
        say(&serde_json::to_string(&out)?);
    } else {
        say(&format!("CVSS {}  {}", out.version, out.vector));
        let label = out
            .nomenclature
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        say(&format!(
            "base score{label}: {} {}",
            out.base_score, out.severity
        ));
        if let (Some(t), Some(e)) = (out.temporal_score, out.environmental_score) {
            say(&format!("temporal score: {} {}", t, t.severity()));
            say(&format!("environmental score: {} {}", e, e.severity()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn grade(args: &GradeArgs) -> anyhow::Result<ExitCode> {
    let loaded;
    let table: &GradingTable = match &args.table {
        None => GradingTable::builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            match GradingTable::from_toml(&text) {
                Ok(t) => {
                    loaded = t;
                    &loaded
                }
                Err(e) => {
                    fail(&format!(
                        "{} is not a usable grading table: {e}",
                        path.display()
                    ));
                    return Ok(ExitCode::from(BAD_INPUT));
                }
            }
        }
    };
    let (indicators, prefilled) = match (&args.indicators, &args.from_cvss) {
        (Some(text), _) => match Indicators::parse(text) {
            Ok(i) => (i, false),
            Err(e) => {
                fail(&format!("invalid GB/T 30279 indicators: {e}"));
                return Ok(ExitCode::from(BAD_INPUT));
            }
        },
        (None, Some(vector)) => match Cvss::parse(vector) {
            Ok(c) => (prefill_from_cvss(&c), true),
            Err(e) => {
                fail(&format!("invalid CVSS vector: {e}"));
                return Ok(ExitCode::from(BAD_INPUT));
            }
        },
        (None, None) => unreachable_args()?,
    };
    let grading = table.grade(&indicators);
    if args.json {
        let value = serde_json::json!({
            "indicators": indicators.to_string(),
            "prefilled_from_cvss": prefilled,
            "grading": grading,
        });
        say(&serde_json::to_string(&value)?);
    } else {
        if prefilled {
            say(
                "indicators suggested from the CVSS vector (non-normative; an analyst must confirm them):",
            );
        }
        say(&indicators.to_string());
        say(&format!(
            "technical grade: {} {}",
            grading.technical_grade.label_zh(),
            grading.technical_grade.label_en()
        ));
        match grading.comprehensive_grade {
            Some(g) => say(&format!(
                "comprehensive grade: {} {}",
                g.label_zh(),
                g.label_en()
            )),
            None => say(
                "comprehensive grade: undetermined (give EC, FD and SC, the environment indicators)",
            ),
        }
        let provisional = if grading.table.provisional {
            " — PROVISIONAL table, not the official annex values"
        } else {
            ""
        };
        say(&format!(
            "table: {} version {}{provisional}",
            grading.table.id, grading.table.version
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// clap guarantees one of the two inputs; this keeps the function total without a panic.
fn unreachable_args<T>() -> anyhow::Result<T> {
    anyhow::bail!("give the indicators or --from-cvss")
}
