//! A cap on the bytes of strings one decode or lookup may materialise.
//!
//! String pools are shared: a hostile file can point thousands of attributes or entries at one
//! multi-megabyte string, and copying it for each would turn a small input into gigabytes.
//! Every operation that copies pool strings charges them to a budget proportional to its
//! input; real files stay far below it.

/// Minimum budget, whatever the input size.
const FLOOR: usize = 16 << 20;
/// Budget per input byte.
const PER_INPUT_BYTE: usize = 64;

#[derive(Debug)]
pub(crate) struct StringBudget {
    remaining: usize,
    exhausted: bool,
}

impl StringBudget {
    /// A budget for decoding (or looking values up in) an input of `len` bytes.
    pub(crate) fn for_input(len: usize) -> Self {
        StringBudget {
            remaining: len.saturating_mul(PER_INPUT_BYTE).max(FLOOR),
            exhausted: false,
        }
    }

    /// Takes `len` bytes from the budget; false (and nothing taken) when they do not fit.
    pub(crate) fn charge(&mut self, len: usize) -> bool {
        if len <= self.remaining {
            self.remaining -= len;
            true
        } else {
            self.exhausted = true;
            false
        }
    }

    /// Takes as many of `units` items of `unit_cost` bytes as fit; returns how many.
    pub(crate) fn charge_up_to(&mut self, units: usize, unit_cost: usize) -> usize {
        if unit_cost == 0 {
            return units;
        }
        let affordable = units.min(self.remaining / unit_cost);
        if affordable < units {
            self.exhausted = true;
        }
        self.remaining -= affordable * unit_cost;
        affordable
    }

    /// Whether a charge has been refused.
    pub(crate) fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// The budget's size for an input of `len` bytes.
    pub(crate) fn limit_for(len: usize) -> usize {
        len.saturating_mul(PER_INPUT_BYTE).max(FLOOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_until_exhausted() {
        let mut budget = StringBudget::for_input(0);
        assert!(budget.charge(FLOOR - 1));
        assert!(budget.charge(1));
        assert!(!budget.exhausted());
        assert!(!budget.charge(1));
        assert!(budget.exhausted());
        assert!(budget.charge(0));
        assert_eq!(StringBudget::limit_for(1 << 20), 64 << 20);
        let mut budget = StringBudget::for_input(0);
        assert_eq!(budget.charge_up_to(10, FLOOR / 4), 4);
        assert!(budget.exhausted());
        assert_eq!(budget.charge_up_to(10, 0), 10);
    }
}
