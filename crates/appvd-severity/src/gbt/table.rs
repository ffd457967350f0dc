//! The five lookup tables of GB/T 30279-2020 (Annexes A–E), loaded from a TOML data file, and
//! grading with them.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    AccessPath, ExploitationCost, FixDifficulty, Grade, ImpactDegree, Indicators, Interaction,
    Level, PrivilegeRequirement, ScopeOfImpact, TriggerRequirement,
};

/// The table shipped with appvd: provisional, constructed by appvd (see the file's header).
const BUILTIN_TOML: &str = include_str!("../../data/gbt30279-2020-provisional.toml");

/// Largest table file accepted; a complete table is about 10 KiB.
pub const MAX_TABLE_LEN: usize = 1 << 20;

/// One of the standard's five grading annexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Annex {
    /// Annex A: exploitability level from AP, TR, PR, UI (48 cells).
    A,
    /// Annex B: impact level from C, I, A (27 cells).
    B,
    /// Annex C: environment level from EC, FD, SC (36 cells).
    C,
    /// Annex D: technical grade from exploitability and impact levels (9 cells).
    D,
    /// Annex E: comprehensive grade from technical grade and environment level (12 cells).
    E,
}

impl Annex {
    /// The section name in the table file.
    pub fn section(self) -> &'static str {
        match self {
            Annex::A => "exploitability",
            Annex::B => "impact",
            Annex::C => "environment",
            Annex::D => "technical",
            Annex::E => "comprehensive",
        }
    }
}

impl fmt::Display for Annex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self {
            Annex::A => 'A',
            Annex::B => 'B',
            Annex::C => 'C',
            Annex::D => 'D',
            Annex::E => 'E',
        };
        write!(f, "Annex {letter} [{}]", self.section())
    }
}

/// Why a grading-table file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableError {
    /// Larger than any table.
    #[error("the grading table is {len} bytes long; at most {max} are accepted")]
    TooLarge {
        /// Size of the input in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not TOML, or not the expected structure (a missing header field, an unknown key, a row
    /// lacking a column); the message carries the parser's line and column.
    #[error("the grading table is not a valid table file: {0}")]
    Syntax(String),
    /// A header field that must not be empty.
    #[error("the grading table's [table] {field} is empty")]
    EmptyHeader {
        /// The field name.
        field: &'static str,
    },
    /// A cell value or key that the column does not allow.
    #[error(
        "{annex}, row {row}: {value:?} is not a valid {column} (expected one of {})",
        allowed.join(", ")
    )]
    UnknownValue {
        /// The annex.
        annex: Annex,
        /// 1-based row number within the section.
        row: usize,
        /// The column name.
        column: &'static str,
        /// The value as written.
        value: String,
        /// Accepted values.
        allowed: Vec<&'static str>,
    },
    /// Two rows for the same cell.
    #[error("{annex}, row {row}: cell {cell} is given a second time")]
    DuplicateCell {
        /// The annex.
        annex: Annex,
        /// 1-based row number of the second occurrence.
        row: usize,
        /// The cell's key.
        cell: String,
    },
    /// Cells that no row gives.
    #[error("{annex} is incomplete: no row for {}", cells.join("; "))]
    MissingCells {
        /// The annex.
        annex: Annex,
        /// Keys of the missing cells.
        cells: Vec<String>,
    },
}

/// What every grading result carries so that its output can be labelled: which table
/// produced it, and whether that table is provisional.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableLabel {
    /// Table identifier.
    pub id: String,
    /// Table version.
    pub version: String,
    /// True unless the table reproduces the official annexes.
    pub provisional: bool,
}

/// A complete set of GB/T 30279-2020 grading tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradingTable {
    label: TableLabel,
    standard: String,
    note: String,
    exploitability: [Level; 48],
    impact: [Level; 27],
    environment: [Level; 36],
    technical: [Grade; 9],
    comprehensive: [Grade; 12],
}

/// The result of grading one set of indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grading {
    /// Annex A rating.
    pub exploitability_level: Level,
    /// Annex B rating.
    pub impact_level: Level,
    /// Annex D: 技术分级.
    pub technical_grade: Grade,
    /// Annex C rating; `None` when an environment indicator is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment_level: Option<Level>,
    /// Annex E: 综合分级; `None` when an environment indicator is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comprehensive_grade: Option<Grade>,
    /// The table that produced this grading.
    pub table: TableLabel,
}

impl fmt::Display for Grading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "technical grade {} {} (exploitability {}, impact {})",
            self.technical_grade.label_en(),
            self.technical_grade.label_zh(),
            self.exploitability_level.label_en(),
            self.impact_level.label_en()
        )?;
        match (self.comprehensive_grade, self.environment_level) {
            (Some(grade), Some(level)) => write!(
                f,
                "; comprehensive grade {} {} (environment {})",
                grade.label_en(),
                grade.label_zh(),
                level.label_en()
            )?,
            _ => {
                f.write_str("; comprehensive grade undetermined (environment indicators missing)")?
            }
        }
        write!(
            f,
            "; table {} version {}",
            self.table.id, self.table.version
        )?;
        if self.table.provisional {
            f.write_str(" (provisional, not the official annex values)")?;
        }
        Ok(())
    }
}

/// A cell where making one input worse lowers the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonotonicityViolation {
    /// The annex.
    pub annex: Annex,
    /// The input made worse.
    pub input: String,
    /// The cell before.
    pub cell: String,
    /// The cell with that input one step worse.
    pub worse_cell: String,
    /// The result of `cell`.
    pub result: String,
    /// The (lower) result of `worse_cell`.
    pub worse_result: String,
}

impl fmt::Display for MonotonicityViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: making {} worse ({} → {}) lowers the result from {} to {}",
            self.annex, self.input, self.cell, self.worse_cell, self.result, self.worse_result
        )
    }
}

// ---- file format ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    table: Header,
    exploitability: Section<ExploitabilityRow>,
    impact: Section<ImpactRow>,
    environment: Section<EnvironmentRow>,
    technical: Section<TechnicalRow>,
    comprehensive: Section<ComprehensiveRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: String,
    version: String,
    standard: String,
    provisional: bool,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section<R> {
    cells: Vec<R>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
struct ExploitabilityRow {
    AP: String,
    TR: String,
    PR: String,
    UI: String,
    level: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
struct ImpactRow {
    C: String,
    I: String,
    A: String,
    level: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
struct EnvironmentRow {
    EC: String,
    FD: String,
    SC: String,
    level: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TechnicalRow {
    exploitability: String,
    impact: String,
    grade: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComprehensiveRow {
    technical: String,
    environment: String,
    grade: String,
}

/// One input or output column of an annex: its name and its values as
/// (file spelling, display, rank). Inputs of Annexes A–C are written as text-form codes;
/// levels and grades as ids (or Chinese labels).
struct Column {
    name: &'static str,
    values: Vec<(&'static str, &'static str, u8)>,
}

impl Column {
    fn resolve(&self, annex: Annex, row: usize, value: &str) -> Result<usize, TableError> {
        self.values
            .iter()
            .position(|(spelling, _, _)| *spelling == value)
            .ok_or_else(|| TableError::UnknownValue {
                annex,
                row,
                column: self.name,
                value: value.to_string(),
                allowed: self
                    .values
                    .iter()
                    .map(|(spelling, _, _)| *spelling)
                    .collect(),
            })
    }
}

macro_rules! code_column {
    ($name:literal, $ty:ty) => {
        Column {
            name: $name,
            values: <$ty>::ALL
                .iter()
                .map(|v| (v.code(), v.code(), v.rank()))
                .collect(),
        }
    };
}

macro_rules! id_column {
    ($name:literal, $ty:ty) => {
        Column {
            name: $name,
            values: <$ty>::ALL
                .iter()
                .map(|v| (v.id(), v.id(), v.rank()))
                .collect(),
        }
    };
}

fn resolve_output<T: Copy>(
    annex: Annex,
    row: usize,
    column: &'static str,
    value: &str,
    all: &[T],
    from_id: fn(&str) -> Option<T>,
    id: fn(T) -> &'static str,
) -> Result<T, TableError> {
    from_id(value).ok_or_else(|| TableError::UnknownValue {
        annex,
        row,
        column,
        value: value.to_string(),
        allowed: all.iter().map(|v| id(*v)).collect(),
    })
}

/// Fills a table of `N` cells keyed by the mixed-radix index of its inputs.
struct Filler<T, const N: usize> {
    annex: Annex,
    columns: Vec<Column>,
    cells: [Option<T>; N],
}

impl<T: Copy, const N: usize> Filler<T, N> {
    fn new(annex: Annex, columns: Vec<Column>) -> Self {
        Filler {
            annex,
            columns,
            cells: [None; N],
        }
    }

    fn index(&self, digits: &[usize]) -> usize {
        self.columns
            .iter()
            .zip(digits)
            .fold(0, |acc, (c, d)| acc * c.values.len() + d)
    }

    fn key(&self, digits: &[usize]) -> String {
        let parts: Vec<String> = self
            .columns
            .iter()
            .zip(digits)
            .map(|(c, d)| format!("{}:{}", c.name, c.values.get(*d).map_or("?", |v| v.0)))
            .collect();
        parts.join("/")
    }

    fn set(&mut self, row: usize, inputs: &[&str], value: T) -> Result<(), TableError> {
        let mut digits = Vec::with_capacity(inputs.len());
        for (column, input) in self.columns.iter().zip(inputs) {
            digits.push(column.resolve(self.annex, row, input)?);
        }
        let index = self.index(&digits);
        let key = self.key(&digits);
        match self.cells.get_mut(index) {
            Some(Some(_)) => Err(TableError::DuplicateCell {
                annex: self.annex,
                row,
                cell: key,
            }),
            Some(slot) => {
                *slot = Some(value);
                Ok(())
            }
            None => Err(TableError::MissingCells {
                annex: self.annex,
                cells: vec![key],
            }),
        }
    }

    fn finish(self) -> Result<[T; N], TableError> {
        let radices: Vec<usize> = self.columns.iter().map(|c| c.values.len()).collect();
        let mut missing = Vec::new();
        for (index, cell) in self.cells.iter().enumerate() {
            if cell.is_none() {
                missing.push(self.key(&digits_of(index, &radices)));
            }
        }
        if !missing.is_empty() {
            return Err(TableError::MissingCells {
                annex: self.annex,
                cells: missing,
            });
        }
        let mut out = Vec::with_capacity(N);
        out.extend(self.cells.iter().flatten().copied());
        out.try_into().map_err(|_| TableError::MissingCells {
            annex: self.annex,
            cells: Vec::new(),
        })
    }
}

fn digits_of(mut index: usize, radices: &[usize]) -> Vec<usize> {
    let mut digits = vec![0; radices.len()];
    for (digit, radix) in digits.iter_mut().zip(radices).rev() {
        *digit = index % radix.max(&1);
        index /= radix.max(&1);
    }
    digits
}

fn exploitability_columns() -> Vec<Column> {
    vec![
        code_column!("AP", AccessPath),
        code_column!("TR", TriggerRequirement),
        code_column!("PR", PrivilegeRequirement),
        code_column!("UI", Interaction),
    ]
}

fn impact_columns() -> Vec<Column> {
    vec![
        code_column!("C", ImpactDegree),
        code_column!("I", ImpactDegree),
        code_column!("A", ImpactDegree),
    ]
}

fn environment_columns() -> Vec<Column> {
    vec![
        code_column!("EC", ExploitationCost),
        code_column!("FD", FixDifficulty),
        code_column!("SC", ScopeOfImpact),
    ]
}

fn technical_columns() -> Vec<Column> {
    vec![
        id_column!("exploitability", Level),
        id_column!("impact", Level),
    ]
}

fn comprehensive_columns() -> Vec<Column> {
    vec![
        id_column!("technical", Grade),
        id_column!("environment", Level),
    ]
}

impl GradingTable {
    /// The table shipped with appvd. It is provisional: the official annex cells are not yet
    /// available to us, so appvd constructed it (the rule is documented in the data file).
    pub fn builtin() -> &'static GradingTable {
        static BUILTIN: OnceLock<GradingTable> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The built-in file is part of the source; the tests load it, so it cannot fail.
            GradingTable::from_toml(BUILTIN_TOML)
                .unwrap_or_else(|e| panic!("built-in GB/T 30279 table is invalid: {e}"))
        })
    }

    /// The text of the built-in table file, for administrators to copy and edit.
    pub fn builtin_toml() -> &'static str {
        BUILTIN_TOML
    }

    /// Loads a table file. Refuses incomplete tables (naming every missing cell), duplicate
    /// cells, unknown values and unknown keys.
    pub fn from_toml(text: &str) -> Result<GradingTable, TableError> {
        if text.len() > MAX_TABLE_LEN {
            return Err(TableError::TooLarge {
                len: text.len(),
                max: MAX_TABLE_LEN,
            });
        }
        let file: TableFile = toml::from_str(text)
            .map_err(|e| TableError::Syntax(e.to_string().trim().to_string()))?;
        let header = file.table;
        for (field, value) in [
            ("id", &header.id),
            ("version", &header.version),
            ("standard", &header.standard),
        ] {
            if value.trim().is_empty() {
                return Err(TableError::EmptyHeader { field });
            }
        }

        let mut a = Filler::<Level, 48>::new(Annex::A, exploitability_columns());
        for (i, r) in file.exploitability.cells.iter().enumerate() {
            let level = resolve_output(
                Annex::A,
                i + 1,
                "level",
                &r.level,
                Level::ALL,
                Level::from_id,
                Level::id,
            )?;
            a.set(i + 1, &[&r.AP, &r.TR, &r.PR, &r.UI], level)?;
        }
        let mut b = Filler::<Level, 27>::new(Annex::B, impact_columns());
        for (i, r) in file.impact.cells.iter().enumerate() {
            let level = resolve_output(
                Annex::B,
                i + 1,
                "level",
                &r.level,
                Level::ALL,
                Level::from_id,
                Level::id,
            )?;
            b.set(i + 1, &[&r.C, &r.I, &r.A], level)?;
        }
        let mut c = Filler::<Level, 36>::new(Annex::C, environment_columns());
        for (i, r) in file.environment.cells.iter().enumerate() {
            let level = resolve_output(
                Annex::C,
                i + 1,
                "level",
                &r.level,
                Level::ALL,
                Level::from_id,
                Level::id,
            )?;
            c.set(i + 1, &[&r.EC, &r.FD, &r.SC], level)?;
        }
        let mut d = Filler::<Grade, 9>::new(Annex::D, technical_columns());
        for (i, r) in file.technical.cells.iter().enumerate() {
            let grade = resolve_output(
                Annex::D,
                i + 1,
                "grade",
                &r.grade,
                Grade::ALL,
                Grade::from_id,
                Grade::id,
            )?;
            let inputs = [level_id(&r.exploitability), level_id(&r.impact)];
            d.set(i + 1, &inputs, grade)?;
        }
        let mut e = Filler::<Grade, 12>::new(Annex::E, comprehensive_columns());
        for (i, r) in file.comprehensive.cells.iter().enumerate() {
            let grade = resolve_output(
                Annex::E,
                i + 1,
                "grade",
                &r.grade,
                Grade::ALL,
                Grade::from_id,
                Grade::id,
            )?;
            let inputs = [grade_id(&r.technical), level_id(&r.environment)];
            e.set(i + 1, &inputs, grade)?;
        }

        Ok(GradingTable {
            label: TableLabel {
                id: header.id,
                version: header.version,
                provisional: header.provisional,
            },
            standard: header.standard,
            note: header.note,
            exploitability: a.finish()?,
            impact: b.finish()?,
            environment: c.finish()?,
            technical: d.finish()?,
            comprehensive: e.finish()?,
        })
    }

    /// Id, version and provisional flag.
    pub fn label(&self) -> &TableLabel {
        &self.label
    }

    /// True unless the table reproduces the official annexes.
    pub fn provisional(&self) -> bool {
        self.label.provisional
    }

    /// The standard the table implements, as its header says.
    pub fn standard(&self) -> &str {
        &self.standard
    }

    /// The header's note (for the built-in table: why it is provisional).
    pub fn note(&self) -> &str {
        &self.note
    }

    /// Annex A.
    pub fn exploitability_level(
        &self,
        access_path: AccessPath,
        trigger: TriggerRequirement,
        privilege: PrivilegeRequirement,
        interaction: Interaction,
    ) -> Level {
        let index = ((access_path.index() * 2 + trigger.index()) * 3 + privilege.index()) * 2
            + interaction.index();
        self.exploitability
            .get(index)
            .copied()
            .unwrap_or(Level::High)
    }

    /// Annex B.
    pub fn impact_level(&self, c: ImpactDegree, i: ImpactDegree, a: ImpactDegree) -> Level {
        let index = (c.index() * 3 + i.index()) * 3 + a.index();
        self.impact.get(index).copied().unwrap_or(Level::High)
    }

    /// Annex C.
    pub fn environment_level(
        &self,
        cost: ExploitationCost,
        fix: FixDifficulty,
        scope: ScopeOfImpact,
    ) -> Level {
        let index = (cost.index() * 3 + fix.index()) * 4 + scope.index();
        self.environment.get(index).copied().unwrap_or(Level::High)
    }

    /// Annex D.
    pub fn technical_grade(&self, exploitability: Level, impact: Level) -> Grade {
        let index = exploitability.index() * 3 + impact.index();
        self.technical
            .get(index)
            .copied()
            .unwrap_or(Grade::Critical)
    }

    /// Annex E.
    pub fn comprehensive_grade(&self, technical: Grade, environment: Level) -> Grade {
        let index = technical.index() * 3 + environment.index();
        self.comprehensive
            .get(index)
            .copied()
            .unwrap_or(Grade::Critical)
    }

    /// Grades a set of indicators: the technical grade always, the comprehensive grade when
    /// all three environment indicators are given.
    pub fn grade(&self, indicators: &Indicators) -> Grading {
        let exploitability_level = self.exploitability_level(
            indicators.access_path,
            indicators.trigger,
            indicators.privilege,
            indicators.interaction,
        );
        let impact_level = self.impact_level(
            indicators.confidentiality,
            indicators.integrity,
            indicators.availability,
        );
        let technical_grade = self.technical_grade(exploitability_level, impact_level);
        let environment_level = match (
            indicators.exploitation_cost,
            indicators.fix_difficulty,
            indicators.scope,
        ) {
            (Some(cost), Some(fix), Some(scope)) => Some(self.environment_level(cost, fix, scope)),
            _ => None,
        };
        Grading {
            exploitability_level,
            impact_level,
            technical_grade,
            environment_level,
            comprehensive_grade: environment_level
                .map(|level| self.comprehensive_grade(technical_grade, level)),
            table: self.label.clone(),
        }
    }

    /// Every cell where making one input one step worse (e.g. access path local → adjacent,
    /// or an impact level medium → high) gives a lower level or grade. Empty for a sound table.
    pub fn monotonicity_violations(&self) -> Vec<MonotonicityViolation> {
        let mut out = Vec::new();
        let level_name = |l: Level| l.id();
        let grade_name = |g: Grade| g.id();
        check_annex(&mut out, Annex::A, &exploitability_columns(), |d| {
            let v = self
                .exploitability
                .get(cell_index(d, &[4, 2, 3, 2]))
                .copied()?;
            Some((v.rank(), level_name(v)))
        });
        check_annex(&mut out, Annex::B, &impact_columns(), |d| {
            let v = self.impact.get(cell_index(d, &[3, 3, 3])).copied()?;
            Some((v.rank(), level_name(v)))
        });
        check_annex(&mut out, Annex::C, &environment_columns(), |d| {
            let v = self.environment.get(cell_index(d, &[3, 3, 4])).copied()?;
            Some((v.rank(), level_name(v)))
        });
        check_annex(&mut out, Annex::D, &technical_columns(), |d| {
            let v = self.technical.get(cell_index(d, &[3, 3])).copied()?;
            Some((v.rank(), grade_name(v)))
        });
        check_annex(&mut out, Annex::E, &comprehensive_columns(), |d| {
            let v = self.comprehensive.get(cell_index(d, &[4, 3])).copied()?;
            Some((v.rank(), grade_name(v)))
        });
        out
    }
}

/// The id of a level written as id or Chinese label; other text is returned for the error.
fn level_id(text: &str) -> &str {
    match Level::from_id(text) {
        Some(level) => level.id(),
        None => text,
    }
}

/// The id of a grade written as id or Chinese label; other text is returned for the error.
fn grade_id(text: &str) -> &str {
    match Grade::from_id(text) {
        Some(grade) => grade.id(),
        None => text,
    }
}

fn cell_index(digits: &[usize], radices: &[usize]) -> usize {
    radices
        .iter()
        .zip(digits)
        .fold(0, |acc, (r, d)| acc * r + d)
}

/// Walks every cell of an annex and, for each input, compares it with the cell whose value of
/// that input is one rank worse.
fn check_annex(
    out: &mut Vec<MonotonicityViolation>,
    annex: Annex,
    columns: &[Column],
    lookup: impl Fn(&[usize]) -> Option<(u8, &'static str)>,
) {
    let radices: Vec<usize> = columns.iter().map(|c| c.values.len()).collect();
    let total: usize = radices.iter().product();
    let key = |digits: &[usize]| {
        let parts: Vec<String> = columns
            .iter()
            .zip(digits)
            .map(|(c, d)| format!("{}:{}", c.name, c.values.get(*d).map_or("?", |v| v.1)))
            .collect();
        parts.join("/")
    };
    for index in 0..total {
        let digits = digits_of(index, &radices);
        let Some((rank, name)) = lookup(&digits) else {
            continue;
        };
        for (position, column) in columns.iter().enumerate() {
            let Some(current) = digits.get(position).and_then(|d| column.values.get(*d)) else {
                continue;
            };
            let Some(worse) = column.values.iter().position(|v| v.2 == current.2 + 1) else {
                continue;
            };
            let mut worse_digits = digits.clone();
            if let Some(d) = worse_digits.get_mut(position) {
                *d = worse;
            }
            let Some((worse_rank, worse_name)) = lookup(&worse_digits) else {
                continue;
            };
            if worse_rank < rank {
                out.push(MonotonicityViolation {
                    annex,
                    input: column.name.to_string(),
                    cell: key(&digits),
                    worse_cell: key(&worse_digits),
                    result: name.to_string(),
                    worse_result: worse_name.to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_loads_and_is_labelled_provisional() {
        let table = GradingTable::builtin();
        assert!(table.provisional());
        assert_eq!(table.standard(), "GB/T 30279-2020");
        assert!(table.note().contains("not yet available"));
        assert!(table.note().contains("constructed by appvd"));
        assert!(table.monotonicity_violations().is_empty());
    }

    #[test]
    fn builtin_table_follows_its_documented_construction_rule() {
        // The rule stated in the data file's comments, recomputed independently.
        let table = GradingTable::builtin();
        let level = |points: u8, high: u8, medium: u8| {
            if points >= high {
                Level::High
            } else if points >= medium {
                Level::Medium
            } else {
                Level::Low
            }
        };
        for &ap in AccessPath::ALL {
            for &tr in TriggerRequirement::ALL {
                for &pr in PrivilegeRequirement::ALL {
                    for &ui in Interaction::ALL {
                        let points = ap.rank() + tr.rank() + pr.rank() + ui.rank();
                        assert_eq!(
                            table.exploitability_level(ap, tr, pr, ui),
                            level(points, 6, 4)
                        );
                    }
                }
            }
        }
        for &c in ImpactDegree::ALL {
            for &i in ImpactDegree::ALL {
                for &a in ImpactDegree::ALL {
                    let points = c.rank() + i.rank() + a.rank();
                    let severe = [c, i, a].contains(&ImpactDegree::Severe);
                    let expected = if severe && points >= 3 {
                        Level::High
                    } else if points >= 2 {
                        Level::Medium
                    } else {
                        Level::Low
                    };
                    assert_eq!(table.impact_level(c, i, a), expected, "{c:?} {i:?} {a:?}");
                }
            }
        }
        for &ec in ExploitationCost::ALL {
            for &fd in FixDifficulty::ALL {
                for &sc in ScopeOfImpact::ALL {
                    let points = ec.rank() + fd.rank() + sc.rank();
                    assert_eq!(table.environment_level(ec, fd, sc), level(points, 5, 3));
                }
            }
        }
        for &e in Level::ALL {
            for &i in Level::ALL {
                // Sum of ranks 4 → critical, 3 → high, 2 → medium, below → low.
                let expected = match e.rank() + i.rank() {
                    4 => Grade::Critical,
                    3 => Grade::High,
                    2 => Grade::Medium,
                    _ => Grade::Low,
                };
                assert_eq!(table.technical_grade(e, i), expected);
            }
        }
        for &g in Grade::ALL {
            for &env in Level::ALL {
                // Environment high raises one grade, low lowers one, medium keeps it.
                let rank = (i16::from(g.rank()) + i16::from(env.rank()) - 1).clamp(0, 3);
                let expected = Grade::ALL
                    .iter()
                    .copied()
                    .find(|x| i16::from(x.rank()) == rank);
                assert_eq!(Some(table.comprehensive_grade(g, env)), expected);
            }
        }
    }

    fn builtin_with(edit: impl Fn(&str) -> String) -> Result<GradingTable, TableError> {
        GradingTable::from_toml(&edit(GradingTable::builtin_toml()))
    }

    #[test]
    fn refuses_incomplete_tables_naming_the_cell() {
        let err = builtin_with(|t| {
            t.replacen(
                "  { AP = \"P\", TR = \"H\", PR = \"H\", UI = \"R\", level = \"low\" },\n",
                "",
                1,
            )
        });
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some("Annex A [exploitability] is incomplete: no row for AP:P/TR:H/PR:H/UI:R")
        );
        let err = builtin_with(|t| {
            t.replacen(
                "  { technical = \"critical\", environment = \"high\", grade = \"critical\" },\n",
                "",
                1,
            )
        });
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some(
                "Annex E [comprehensive] is incomplete: no row for technical:critical/environment:high"
            )
        );
    }

    #[test]
    fn refuses_unknown_values_duplicates_and_bad_structure() {
        let err = builtin_with(|t| t.replacen("AP = \"N\"", "AP = \"X\"", 1));
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some(
                "Annex A [exploitability], row 1: \"X\" is not a valid AP (expected one of N, A, L, P)"
            )
        );
        let err = builtin_with(|t| t.replacen("level = \"high\"", "level = \"severe\"", 1));
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some(
                "Annex A [exploitability], row 1: \"severe\" is not a valid level (expected one of high, medium, low)"
            )
        );
        let err = builtin_with(|t| {
            t.replacen(
                "AP = \"A\", TR = \"L\", PR = \"N\", UI = \"N\"",
                "AP = \"N\", TR = \"L\", PR = \"N\", UI = \"N\"",
                1,
            )
        });
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some(
                "Annex A [exploitability], row 13: cell AP:N/TR:L/PR:N/UI:N is given a second time"
            )
        );
        let err =
            builtin_with(|t| t.replacen("provisional = true", "provisional = true\nextra = 1", 1));
        assert!(
            matches!(err, Err(TableError::Syntax(ref m)) if m.contains("extra")),
            "{err:?}"
        );
        let err = builtin_with(|t| t.replacen("version = ", "# version = ", 1));
        assert!(
            matches!(err, Err(TableError::Syntax(ref m)) if m.contains("version")),
            "{err:?}"
        );
        let err = builtin_with(|t| {
            t.replacen("id = \"appvd-gbt30279-2020-provisional\"", "id = \" \"", 1)
        });
        assert_eq!(err, Err(TableError::EmptyHeader { field: "id" }));
        assert!(matches!(
            GradingTable::from_toml("not toml ["),
            Err(TableError::Syntax(_))
        ));
        let huge = " ".repeat(MAX_TABLE_LEN + 1);
        assert!(matches!(
            GradingTable::from_toml(&huge),
            Err(TableError::TooLarge { .. })
        ));
    }

    #[test]
    fn accepts_chinese_grade_labels_and_reports_monotonicity_violations() {
        let table = builtin_with(|t| {
            t.replacen(
                "{ exploitability = \"high\", impact = \"high\", grade = \"critical\" }",
                "{ exploitability = \"high\", impact = \"high\", grade = \"中危\" }",
                1,
            )
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let violations = table.monotonicity_violations();
        let text: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            text,
            vec![
                "Annex D [technical]: making impact worse (exploitability:high/impact:medium → \
                 exploitability:high/impact:high) lowers the result from high to medium",
                "Annex D [technical]: making exploitability worse (exploitability:medium/impact:high → \
                 exploitability:high/impact:high) lowers the result from high to medium",
            ]
        );
    }

    #[test]
    fn grading_carries_levels_grades_and_label() {
        let table = GradingTable::builtin();
        let indicators =
            Indicators::parse("GBT30279/AP:N/TR:L/PR:N/UI:N/C:S/I:S/A:N/EC:L/FD:H/SC:H")
                .unwrap_or_else(|e| panic!("{e}"));
        let grading = table.grade(&indicators);
        assert_eq!(grading.exploitability_level, Level::High);
        assert_eq!(grading.impact_level, Level::High);
        assert_eq!(grading.technical_grade, Grade::Critical);
        assert_eq!(grading.environment_level, Some(Level::High));
        assert_eq!(grading.comprehensive_grade, Some(Grade::Critical));
        assert!(grading.table.provisional);
        assert_eq!(&grading.table, table.label());
        let technical_only = Indicators {
            exploitation_cost: None,
            ..indicators
        };
        let grading = table.grade(&technical_only);
        assert_eq!(grading.comprehensive_grade, None);
        assert!(
            grading
                .to_string()
                .contains("comprehensive grade undetermined")
        );
        assert!(grading.to_string().contains("provisional"));
    }

    #[test]
    fn every_combination_of_the_ten_indicators_maps() {
        let table = GradingTable::builtin();
        let mut count = 0;
        for indicators in Indicators::all() {
            let grading = table.grade(&indicators);
            assert!(grading.comprehensive_grade.is_some());
            count += 1;
        }
        assert_eq!(count, 46_656);
    }
}
