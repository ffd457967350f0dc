use std::collections::HashSet;

use appvd_axml::ComponentKind;
use appvd_dex::facts::{ConstValue, Origins};

use super::flow::{
    EntryPoints, FROM_INTENT, FROM_URI, MethodFlow, call_key, call_location, callee, callee_is_a,
    evidence, param_types,
};
use crate::finding::Severity;
use crate::model::AppModel;
use crate::rule::{Docs, Emitter, Rule};

pub static RULE: Rule = Rule {
    id: "code.sql_injection",
    title: "SQL built from untrusted strings",
    severity: Severity::Medium,
    masvs: "MASVS-CODE-4",
    cwe: 89,
    docs: Docs {
        what: "SQL text passed to SQLite (`rawQuery`, `execSQL`, `compileStatement`, the selection of `query`, the \
               where clause of `update`/`delete`, on `SQLiteDatabase`, `SQLiteQueryBuilder`, SQLCipher and \
               `SupportSQLiteDatabase`) is built in the same method by concatenation or `String.format` from \
               input: the extras, data or URI of the Intent a component received, the selection or sort order an \
               exported content provider was given (High), a `String` parameter of the method, or text read from \
               a `TextView`/`EditText` (Medium). Statements whose constant text is schema DDL (`CREATE`, `DROP`, \
               `ALTER`, `PRAGMA`) are left out — their variable parts are table names — as are concatenations of \
               values whose origin the method does not show (fields, results of other methods).",
        why: "Concatenated input becomes SQL: a value such as `x' OR '1'='1` widens a query to every row, \
              `UNION SELECT` reads other tables (credentials, messages), and for `execSQL` a crafted value can \
              modify or drop data. Through an exported provider or component, any installed app can send it.",
        fix: "Keep SQL text constant and pass values as bind arguments: `rawQuery(\"SELECT * FROM users WHERE \
              name = ?\", new String[] { name })`, `query(table, cols, \"name = ?\", args, …)`, or Room DAO \
              parameters. In content providers, use `SQLiteQueryBuilder` with `setStrict(true)` and a projection \
              map, and never append the caller's selection or sort order to SQL you run directly.",
        references: &[
            "https://mas.owasp.org/MASTG/tests/android/MASVS-PLATFORM/MASTG-TEST-0025/",
            "https://developer.android.com/privacy-and-security/risks/sql-injection",
            "https://cwe.mitre.org/data/definitions/89.html",
        ],
    },
    check,
};

/// Where the SQL text is among the parameters.
#[derive(Debug, Clone, Copy)]
enum SqlParam {
    /// The first `String` parameter (`rawQuery`, `execSQL`, `compileStatement`).
    FirstString,
    /// The first `String` after the column array (`query`'s selection).
    AfterColumns,
    /// The first `String` after the `ContentValues` (`update`'s where clause).
    AfterValues,
    /// The second `String` (`delete`'s where clause, after the table).
    SecondString,
}

const DATABASES: &[&str] = &[
    "Landroid/database/sqlite/SQLiteDatabase;",
    "Lnet/sqlcipher/database/SQLiteDatabase;",
    "Lnet/zetetic/database/sqlcipher/SQLiteDatabase;",
    "Landroidx/sqlite/db/SupportSQLiteDatabase;",
];

const METHODS: &[(&str, SqlParam)] = &[
    ("rawQuery", SqlParam::FirstString),
    ("rawQueryWithFactory", SqlParam::FirstString),
    ("execSQL", SqlParam::FirstString),
    ("compileStatement", SqlParam::FirstString),
    ("query", SqlParam::AfterColumns),
    ("queryWithFactory", SqlParam::AfterColumns),
    ("update", SqlParam::AfterValues),
    ("updateWithOnConflict", SqlParam::AfterValues),
    ("delete", SqlParam::SecondString),
];

const MAX_DEPTH: u8 = 5;

fn sql_position(proto: &str, rule: SqlParam) -> Option<usize> {
    let types = param_types(proto);
    let string = |t: &&str| *t == "Ljava/lang/String;";
    let after = |marker: &str| -> Option<usize> {
        let start = types.iter().position(|t| *t == marker)?;
        types
            .iter()
            .enumerate()
            .skip(start + 1)
            .find(|(_, t)| string(t))
            .map(|(i, _)| i)
    };
    match rule {
        // `SupportSQLiteDatabase.query(String)`: one String; `query(SupportSQLiteQuery)`: none.
        SqlParam::FirstString => types.iter().position(string),
        SqlParam::AfterColumns => {
            after("[Ljava/lang/String;").or_else(|| types.first().filter(|t| string(t)).map(|_| 0))
        }
        SqlParam::AfterValues => after("Landroid/content/ContentValues;"),
        SqlParam::SecondString => types
            .iter()
            .enumerate()
            .filter(|(_, t)| string(t))
            .nth(1)
            .map(|(i, _)| i),
    }
}

fn check(app: &AppModel, out: &mut Emitter<'_>) {
    let Some(dex) = app.dex() else {
        return;
    };
    let entry_points = EntryPoints::new(app, dex);
    let mut seen = HashSet::new();
    let mut sinks: Vec<(String, SqlParam)> = Vec::new();
    for database in DATABASES {
        for (name, rule) in METHODS {
            sinks.push((format!("{database}->{name}"), *rule));
        }
    }
    sinks.push((
        "Landroid/database/sqlite/SQLiteQueryBuilder;->query".to_owned(),
        SqlParam::AfterColumns,
    ));
    for (sink, rule) in &sinks {
        for call in dex.calls_to(sink) {
            let Some(target) = callee(dex, &call) else {
                continue;
            };
            let Some(position) = sql_position(&target.proto, *rule) else {
                continue;
            };
            let Some(sql) = call.param(position) else {
                continue;
            };
            if sql.value().is_constant() || sql.is_null() {
                continue;
            }
            let flow = MethodFlow::of_call(dex, &call);
            let Some((severity, source)) = classify(&flow, &entry_points, sql.value(), call.at())
            else {
                continue;
            };
            let key = call_key(dex, &call);
            if !seen.insert(key.clone()) {
                continue;
            }
            let at = call.location();
            out.emit_with_severity(
                severity,
                call_location(&call),
                &key,
                format!(
                    "{}.{} passes SQL built from {source} to {}: a crafted value changes the statement.",
                    at.java_class,
                    at.method,
                    target.short()
                ),
                evidence(&call, &format!("{}(<SQL built from {source}>)", target.short())),
            );
        }
    }
}

/// Where the untrusted part of the SQL comes from, with the severity it earns.
fn classify(
    flow: &MethodFlow<'_, '_>,
    entry_points: &EntryPoints,
    sql: ConstValue,
    sink: u32,
) -> Option<(Severity, &'static str)> {
    let derivation = flow.derive(sql, MAX_DEPTH);
    let entry = entry_points.of_method(&flow.method);
    let exposed = if entry.is_some() {
        Severity::High
    } else {
        Severity::Medium
    };
    let mut origins = derivation.origins;
    let mut user_text = false;
    if origins.has(Origins::CONCAT) && !origins.has(FROM_INTENT | FROM_URI | Origins::PARAMETER) {
        // `String.format` and builders handed to helpers keep only the fact of concatenation:
        // look at what the method concatenates.
        let (inputs, text) = concatenated_inputs(flow, sink);
        origins = origins.union(inputs);
        user_text = text;
    }
    if origins.has(FROM_INTENT) {
        return Some((exposed, "data of a received Intent"));
    }
    if origins.has(FROM_URI) && entry.is_some() {
        return Some((exposed, "parts of a URI"));
    }
    if !origins.has(Origins::CONCAT) || schema_statement(flow, sink) {
        return None;
    }
    if origins.has(Origins::PARAMETER) && string_parameter(flow, origins.parameter_index()) {
        let provider_input = entry.is_some_and(|e| e.kind == ComponentKind::Provider)
            && flow
                .method
                .key()
                .map(|k| flow.dex.app().text(k.name))
                .is_some_and(|name| {
                    matches!(
                        name.as_ref(),
                        "query" | "update" | "delete" | "insert" | "call"
                    )
                });
        return Some(if provider_input {
            (
                Severity::High,
                "the arguments of an exported content provider",
            )
        } else {
            (Severity::Medium, "a String parameter")
        });
    }
    user_text.then_some((Severity::Medium, "text typed into a view"))
}

/// Whether the method's constant SQL is schema DDL, whose variable parts are table and column names.
fn schema_statement(flow: &MethodFlow<'_, '_>, sink: u32) -> bool {
    flow.method.strings().iter().any(|(at, text)| {
        *at < sink && {
            let head = text.trim_start().to_ascii_uppercase();
            ["CREATE ", "DROP ", "ALTER ", "PRAGMA "]
                .iter()
                .any(|kw| head.starts_with(kw))
        }
    })
}

/// Whether the parameter (or, when the value mixes several, any parameter) is a reference type
/// that can carry text.
fn string_parameter(flow: &MethodFlow<'_, '_>, index: Option<u16>) -> bool {
    let Some(key) = flow.method.key() else {
        return false;
    };
    let proto = flow.dex.app().text(key.proto);
    let types = param_types(&proto);
    let texty = |t: &&str| {
        matches!(
            *t,
            "Ljava/lang/String;"
                | "Ljava/lang/CharSequence;"
                | "Ljava/lang/Object;"
                | "[Ljava/lang/String;"
        )
    };
    match index {
        Some(i) => types.get(usize::from(i)).is_some_and(texty),
        None => types.iter().any(texty),
    }
}

/// What the method concatenates or formats into strings before the sink: the origins of the
/// pieces, and whether one of them is text read from a `TextView` (an `EditText` included).
fn concatenated_inputs(flow: &MethodFlow<'_, '_>, sink: u32) -> (Origins, bool) {
    let mut origins = Origins::NONE;
    let mut user_text = false;
    for call in flow.calls.iter().filter(|c| c.at() < sink) {
        let joins = callee(flow.dex, call).is_some_and(|k| {
            matches!(
                (k.class.as_ref(), k.name.as_ref()),
                (
                    "Ljava/lang/StringBuilder;" | "Ljava/lang/StringBuffer;",
                    "append" | "<init>"
                ) | ("Ljava/lang/String;", "concat" | "format" | "join")
            )
        });
        if !joins {
            continue;
        }
        for arg in call.args() {
            let piece = flow.derive(arg.value(), MAX_DEPTH);
            origins = origins.union(piece.origins);
            user_text |= piece.calls.iter().any(|producer| {
                callee(flow.dex, producer).is_some_and(|k| k.name == "getText")
                    && callee_is_a(flow.dex, producer, "Landroid/widget/TextView;")
            });
        }
    }
    (origins, user_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures() {
        crate::testing::assert_fixtures(&RULE);
    }

    #[test]
    fn the_sql_parameter_is_found_in_every_overload() {
        let at = |proto: &str, rule| sql_position(proto, rule);
        assert_eq!(
            at(
                "(Ljava/lang/String;[Ljava/lang/String;)Landroid/database/Cursor;",
                SqlParam::FirstString
            ),
            Some(0)
        );
        assert_eq!(
            at(
                "(Landroid/database/sqlite/SQLiteDatabase$CursorFactory;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;",
                SqlParam::FirstString
            ),
            Some(1)
        );
        assert_eq!(
            at(
                "(Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;",
                SqlParam::AfterColumns
            ),
            Some(2)
        );
        assert_eq!(
            at(
                "(ZLjava/lang/String;[Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)Landroid/database/Cursor;",
                SqlParam::AfterColumns
            ),
            Some(3)
        );
        // SupportSQLiteDatabase.query(String) has no column array.
        assert_eq!(
            at(
                "(Ljava/lang/String;)Landroid/database/Cursor;",
                SqlParam::AfterColumns
            ),
            Some(0)
        );
        assert_eq!(
            at(
                "(Landroidx/sqlite/db/SupportSQLiteQuery;)Landroid/database/Cursor;",
                SqlParam::AfterColumns
            ),
            None
        );
        assert_eq!(
            at(
                "(Ljava/lang/String;Landroid/content/ContentValues;Ljava/lang/String;[Ljava/lang/String;)I",
                SqlParam::AfterValues
            ),
            Some(2)
        );
        assert_eq!(
            at(
                "(Ljava/lang/String;Ljava/lang/String;[Ljava/lang/String;)I",
                SqlParam::SecondString
            ),
            Some(1)
        );
    }
}
