//! Search terms that work for Chinese as well as English, on both databases.
//!
//! Neither SQLite's `unicode61` tokenizer nor PostgreSQL's parser segments Chinese: a run of Han
//! characters would become one giant token, and searching for a word inside it would find nothing.
//! So the platform tokenizes itself, the same way for indexing and for queries: letters and digits
//! of alphabetic scripts form lowercased words; runs of CJK characters become overlapping
//! two-character tokens (漏洞利用 → 漏洞 洞利 利用), the usual bigram method of CJK search engines.
//! A query word becomes a phrase of its tokens, so 漏洞利用 matches only the adjacent sequence. Both
//! stores index the token stream as it is produced here.

/// Longest query accepted, in characters, and most terms per query.
pub const MAX_QUERY_CHARS: usize = 256;
pub const MAX_QUERY_TERMS: usize = 16;
/// Tokens longer than this are cut: no real word is longer, and it bounds index size.
const MAX_TOKEN_CHARS: usize = 64;

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FFFF) // Extensions B and later
}

/// Splits text into index tokens, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut cjk: Vec<char> = Vec::new();

    fn flush_word(word: &mut String, out: &mut Vec<String>) {
        if !word.is_empty() {
            out.push(word.chars().take(MAX_TOKEN_CHARS).collect());
            word.clear();
        }
    }
    fn flush_cjk(run: &mut Vec<char>, out: &mut Vec<String>) {
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    }

    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_word(&mut word, &mut out);
            flush_cjk(&mut cjk, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_cjk(&mut cjk, &mut out);
    out
}

/// One query term: a phrase of tokens that must appear adjacent and in order. `prefix` asks the last
/// token to match as a prefix (search as you type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub tokens: Vec<String>,
    pub prefix: bool,
}

/// A parsed query: every term must match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Parses a user's query. Whitespace separates terms, `"…"` groups words into one phrase, and the last
/// term matches as a prefix unless the query ends in a space or a closing quote. Overlong queries are
/// cut to [`MAX_QUERY_CHARS`] characters and [`MAX_QUERY_TERMS`] terms rather than refused: a search
/// box should answer.
pub fn parse_query(input: &str) -> Query {
    let input: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let mut terms = Vec::new();
    let mut rest = input.as_str();
    let ends_open = !input.ends_with(char::is_whitespace) && !input.ends_with('"');
    while !rest.is_empty() && terms.len() < MAX_QUERY_TERMS {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (chunk, after) = if let Some(quoted) = rest.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        let toks = tokens(chunk);
        if !toks.is_empty() {
            terms.push(Term {
                tokens: toks,
                prefix: false,
            });
        }
        rest = after;
    }
    if ends_open && let Some(last) = terms.last_mut() {
        // A lone CJK character matches the bigrams that start with it; a one-letter Latin prefix
        // would match half the index, so it stays exact.
        let last_token = last.tokens.last().map(String::as_str).unwrap_or("");
        let single_cjk = last_token.chars().count() == 1 && last_token.chars().all(is_cjk);
        last.prefix = last_token.chars().count() >= 2 || single_cjk;
    }
    Query { terms }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_bigrams() {
        assert_eq!(tokens("漏洞利用"), ["漏洞", "洞利", "利用"]);
        assert_eq!(tokens("洞"), ["洞"]);
        assert_eq!(
            tokens("某银行App存在SQL注入"),
            ["某银", "银行", "app", "存在", "sql", "注入"]
        );
    }

    #[test]
    fn latin_words_are_lowercased_and_split_on_punctuation() {
        assert_eq!(
            tokens("WebView RCE in com.Example.App v2.1"),
            ["webview", "rce", "in", "com", "example", "app", "v2", "1"]
        );
        assert_eq!(tokens("Über-naïve"), ["über", "naïve"]);
        assert!(tokens("  ,.;  ").is_empty());
    }

    #[test]
    fn queries_group_phrases_and_mark_prefixes() {
        let q = parse_query("\"sql injection\" 漏洞利用 web");
        assert_eq!(q.terms.len(), 3);
        assert_eq!(q.terms[0].tokens, ["sql", "injection"]);
        assert_eq!(q.terms[1].tokens, ["漏洞", "洞利", "利用"]);
        assert!(q.terms[2].prefix);
        assert!(!parse_query("web ").terms[0].prefix);
        assert!(!parse_query("w").terms[0].prefix);
        assert!(parse_query("洞").terms[0].prefix);
        assert!(parse_query("  \" ").is_empty());
    }

    #[test]
    fn queries_are_bounded() {
        let q = parse_query(&"word ".repeat(1000));
        assert_eq!(q.terms.len(), MAX_QUERY_TERMS);
        let long = tokens(&"a".repeat(10_000));
        assert_eq!(long[0].len(), MAX_TOKEN_CHARS);
    }
}
