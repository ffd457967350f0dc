//! The inflate budget shared by every archive of one app.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Caps on decompression for one app (base APK, splits and container together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InflateLimits {
    /// Total bytes all entries of the app may inflate to.
    pub max_total_bytes: u64,
    /// Bytes one entry may inflate to.
    pub max_entry_bytes: u64,
    /// Highest output/input ratio tolerated once an entry's output passes
    /// [`ratio_grace_bytes`](Self::ratio_grace_bytes). Deflate cannot exceed about 1032:1,
    /// so real data stays far below the default while zip bombs sit near the maximum.
    pub max_ratio: u64,
    /// Output size below which the ratio is not checked (small all-zero files are common).
    pub ratio_grace_bytes: u64,
}

impl Default for InflateLimits {
    fn default() -> Self {
        InflateLimits {
            max_total_bytes: 4 << 30,
            max_entry_bytes: 512 << 20,
            max_ratio: 500,
            ratio_grace_bytes: 4 << 20,
        }
    }
}

/// Which cap an inflate hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetCap {
    /// [`InflateLimits::max_total_bytes`].
    TotalBytes,
    /// [`InflateLimits::max_entry_bytes`].
    EntryBytes,
    /// [`InflateLimits::max_ratio`].
    Ratio,
}

impl fmt::Display for BudgetCap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BudgetCap::TotalBytes => "total inflated bytes",
            BudgetCap::EntryBytes => "per-entry inflated bytes",
            BudgetCap::Ratio => "compression ratio",
        })
    }
}

/// A shared, thread-safe account of inflated bytes. Clones share one account, so give
/// every archive of an app a clone of the same budget.
#[derive(Clone)]
pub struct InflateBudget {
    inner: Arc<BudgetInner>,
}

struct BudgetInner {
    limits: InflateLimits,
    used: AtomicU64,
}

impl InflateBudget {
    /// A fresh budget with these limits.
    pub fn new(limits: InflateLimits) -> Self {
        InflateBudget {
            inner: Arc::new(BudgetInner {
                limits,
                used: AtomicU64::new(0),
            }),
        }
    }

    /// The limits this budget enforces.
    pub fn limits(&self) -> InflateLimits {
        self.inner.limits
    }

    /// Bytes inflated so far by all holders.
    pub fn used(&self) -> u64 {
        self.inner.used.load(Ordering::Relaxed)
    }

    /// Bytes still available.
    pub fn remaining(&self) -> u64 {
        self.inner
            .limits
            .max_total_bytes
            .saturating_sub(self.used())
    }

    /// Charges `bytes`, or leaves the account untouched and reports the total cap.
    pub(crate) fn charge(&self, bytes: u64) -> Result<(), BudgetCap> {
        let max = self.inner.limits.max_total_bytes;
        self.inner
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(bytes).filter(|total| *total <= max)
            })
            .map(|_| ())
            .map_err(|_| BudgetCap::TotalBytes)
    }
}

impl Default for InflateBudget {
    fn default() -> Self {
        InflateBudget::new(InflateLimits::default())
    }
}

impl fmt::Debug for InflateBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InflateBudget")
            .field("limits", &self.inner.limits)
            .field("used", &self.used())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_account() {
        let budget = InflateBudget::new(InflateLimits {
            max_total_bytes: 100,
            ..Default::default()
        });
        let other = budget.clone();
        assert_eq!(budget.charge(60), Ok(()));
        assert_eq!(other.charge(50), Err(BudgetCap::TotalBytes));
        assert_eq!(other.used(), 60);
        assert_eq!(other.charge(40), Ok(()));
        assert_eq!(budget.remaining(), 0);
        assert_eq!(budget.charge(u64::MAX), Err(BudgetCap::TotalBytes));
    }
}
