//! Rendering the domain's search tokens for each backend: FTS5 rows and MATCH expressions for
//! SQLite, `tsvector` / `tsquery` literals for PostgreSQL.
//!
//! The tokens come from `appvd_domain::search` and contain only letters and digits, so quoting them
//! cannot change the meaning of an expression; the expressions travel as bound parameters anyway.

use appvd_domain::case::Case;
use appvd_domain::search::{Query, tokens};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A case's index entries for both backends.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchDocs {
    pub internal_tokens: String,
    pub public_tokens: String,
    pub internal_tsvector: String,
    pub public_tsvector: String,
}

pub(crate) fn search_docs(case: &Case) -> SearchDocs {
    let mut internal = tokens(&case.internal_search_text());
    internal.extend(tokens(&case.id.to_string()));
    let public = if case.state.is_public() {
        let mut t = tokens(&case.public_search_text());
        t.extend(tokens(&case.id.to_string()));
        t
    } else {
        Vec::new()
    };
    SearchDocs {
        internal_tokens: internal.join(" "),
        public_tokens: public.join(" "),
        internal_tsvector: tsvector_literal(&internal),
        public_tsvector: tsvector_literal(&public),
    }
}

/// PostgreSQL keeps at most 256 positions per lexeme and positions up to 16383.
const MAX_POSITIONS_PER_LEXEME: usize = 256;
const MAX_POSITION: usize = 16_383;

/// `'lexeme':1,5 'other':2` — a tsvector with positions, so phrase queries (`<->`) work.
pub(crate) fn tsvector_literal(tokens: &[String]) -> String {
    let mut positions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in tokens.iter().enumerate() {
        let p = positions.entry(t.as_str()).or_default();
        if p.len() < MAX_POSITIONS_PER_LEXEME {
            p.push((i + 1).min(MAX_POSITION));
        }
    }
    let mut out = String::new();
    for (lexeme, pos) in positions {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "'{}':", quote_lexeme(lexeme));
        let mut last = 0;
        let mut first = true;
        for p in pos {
            // Clamped positions repeat; PostgreSQL wants them distinct.
            if p == last {
                continue;
            }
            if !first {
                out.push(',');
            }
            let _ = write!(out, "{p}");
            last = p;
            first = false;
        }
    }
    out
}

fn quote_lexeme(lexeme: &str) -> String {
    lexeme.replace('\\', "\\\\").replace('\'', "''")
}

/// `'a' <-> 'b' & 'c':*` for PostgreSQL.
pub(crate) fn tsquery_literal(query: &Query) -> String {
    query
        .terms
        .iter()
        .map(|term| {
            let n = term.tokens.len();
            let parts: Vec<String> = term
                .tokens
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let star = if term.prefix && i + 1 == n { ":*" } else { "" };
                    format!("'{}'{star}", quote_lexeme(t))
                })
                .collect();
            if parts.len() > 1 {
                format!("({})", parts.join(" <-> "))
            } else {
                parts.join("")
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// `public : ("a b" AND "c"*)` for SQLite FTS5, restricted to one column.
pub(crate) fn fts5_expression(column: &str, query: &Query) -> String {
    let terms: Vec<String> = query
        .terms
        .iter()
        .map(|term| {
            let phrase = term.tokens.join(" ").replace('"', "\"\"");
            if term.prefix {
                format!("\"{phrase}\"*")
            } else {
                format!("\"{phrase}\"")
            }
        })
        .collect();
    format!("{column} : ({})", terms.join(" AND "))
}

/// `'a' | 'b'` — any of the tokens, for PostgreSQL.
pub(crate) fn tsquery_any(tokens: &[&String]) -> String {
    tokens
        .iter()
        .map(|t| format!("'{}'", quote_lexeme(t)))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `internal : ("a" OR "b")` — any of the tokens, for SQLite FTS5.
pub(crate) fn fts5_any(column: &str, tokens: &[&String]) -> String {
    let terms: Vec<String> = tokens
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    format!("{column} : ({})", terms.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use appvd_domain::search::parse_query;

    #[test]
    fn tsvector_groups_positions() {
        let t: Vec<String> = ["漏洞", "洞利", "漏洞"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(tsvector_literal(&t), "'洞利':2 '漏洞':1,3");
        assert_eq!(tsvector_literal(&[]), "");
    }

    #[test]
    fn queries_render_for_both_backends() {
        let q = parse_query("漏洞利用 webv");
        assert_eq!(
            tsquery_literal(&q),
            "('漏洞' <-> '洞利' <-> '利用') & 'webv':*"
        );
        assert_eq!(
            fts5_expression("public", &q),
            "public : (\"漏洞 洞利 利用\" AND \"webv\"*)"
        );
    }
}
