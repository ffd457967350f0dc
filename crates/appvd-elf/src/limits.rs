use serde::{Deserialize, Serialize};

use crate::anomaly::{AnomalyKind, AnomalySink};

/// Caps on what one parse may collect. The defaults hold every real Android
/// library seen so far (`libil2cpp.so`, `libflutter.so`, `libmonochrome.so`)
/// while keeping memory bounded on crafted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Shortest printable run reported as a string (`strings -n`).
    pub min_string_len: usize,
    /// Longer runs are reported as consecutive pieces of at most this length.
    pub max_string_len: usize,
    /// Most strings reported.
    pub max_strings: usize,
    /// Most string bytes reported.
    pub max_string_bytes: usize,
    /// Longest symbol name, library name or path kept; longer ones are cut.
    pub max_name_len: usize,
    /// Total bytes of names (symbols, sections, libraries, paths) kept.
    pub max_name_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            min_string_len: 6,
            max_string_len: 4096,
            max_strings: 200_000,
            max_string_bytes: 16 << 20,
            max_name_len: 16 << 10,
            max_name_bytes: 32 << 20,
        }
    }
}

/// Hands out owned names while charging them to one budget, because a
/// crafted file can point thousands of symbols at the same long string.
#[derive(Debug)]
pub(crate) struct NameBudget {
    remaining: usize,
    max_len: usize,
    pub(crate) exhausted: bool,
}

impl NameBudget {
    pub(crate) fn new(limits: &Limits) -> Self {
        NameBudget {
            remaining: limits.max_name_bytes,
            max_len: limits.max_name_len,
            exhausted: false,
        }
    }

    /// `raw` as a string (lossy UTF-8), cut to `max_len` (and to the budget's
    /// own length cap). Returns an empty string once the budget is spent.
    pub(crate) fn take(&mut self, raw: &[u8], max_len: usize, sink: &mut AnomalySink) -> String {
        let cap = max_len.min(self.max_len);
        let raw = if raw.len() > cap {
            sink.note(
                AnomalyKind::NameTooLong,
                format!("a name of {} bytes was cut to {cap} bytes", raw.len()),
            );
            raw.get(..cap).unwrap_or_default()
        } else {
            raw
        };
        if raw.len() > self.remaining {
            if !self.exhausted {
                sink.note(
                    AnomalyKind::NameBudgetExhausted,
                    "the budget for names is spent: further names are left out",
                );
            }
            self.exhausted = true;
            self.remaining = 0;
            return String::new();
        }
        self.remaining -= raw.len();
        String::from_utf8_lossy(raw).into_owned()
    }

    /// The longest name kept.
    pub(crate) fn max_len(&self) -> usize {
        self.max_len
    }

    /// Like [`take`](Self::take) with the budget's own length cap.
    pub(crate) fn take_name(&mut self, raw: &[u8], sink: &mut AnomalySink) -> String {
        self.take(raw, usize::MAX, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_cuts_long_names_and_stops_when_spent() {
        let limits = Limits {
            max_name_len: 4,
            max_name_bytes: 10,
            ..Limits::default()
        };
        let mut budget = NameBudget::new(&limits);
        let mut sink = AnomalySink::default();
        assert_eq!(budget.take_name(b"abcdef", &mut sink), "abcd");
        assert_eq!(budget.take_name(b"xyz", &mut sink), "xyz");
        assert_eq!(budget.take_name(b"uvwx", &mut sink), "");
        assert!(budget.exhausted);
        assert_eq!(budget.take_name(b"", &mut sink), "");
        let kinds: Vec<_> = sink.finish().into_iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            vec![AnomalyKind::NameTooLong, AnomalyKind::NameBudgetExhausted]
        );
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let mut budget = NameBudget::new(&Limits::default());
        let mut sink = AnomalySink::default();
        assert_eq!(budget.take_name(b"a\xffb", &mut sink), "a\u{fffd}b");
    }
}
