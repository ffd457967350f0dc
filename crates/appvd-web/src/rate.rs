//! In-memory rate limits (login attempts, intake). Each server process counts on its own, which is
//! enough against brute force: an attacker spread over N processes gets N times the budget, still
//! tiny. Fixed windows keep the memory per key to two integers.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys tracked before old windows are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
        }
    }
}

impl RateLimiter {
    /// Counts one hit on `key`; `Err(retry_after)` when more than `limit` hits fell in the current
    /// window of length `window`.
    pub fn hit(&self, key: &str, limit: u32, window: Duration) -> Result<(), Duration> {
        let now = Instant::now();
        let Ok(mut map) = self.windows.lock() else {
            return Ok(());
        };
        if map.len() > SWEEP_AT {
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = map.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > limit {
            Err(window.saturating_sub(now.duration_since(entry.0)))
        } else {
            Ok(())
        }
    }

    /// Forgets `key` (a successful login clears its failures).
    pub fn clear(&self, key: &str) {
        if let Ok(mut map) = self.windows.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_then_resets() {
        let r = RateLimiter::default();
        for _ in 0..3 {
            assert!(r.hit("k", 3, Duration::from_secs(60)).is_ok());
        }
        assert!(r.hit("k", 3, Duration::from_secs(60)).is_err());
        assert!(r.hit("other", 3, Duration::from_secs(60)).is_ok());
        r.clear("k");
        assert!(r.hit("k", 3, Duration::from_secs(60)).is_ok());
        assert!(r.hit("w", 1, Duration::from_millis(1)).is_ok());
        std::thread::sleep(Duration::from_millis(3));
        assert!(
            r.hit("w", 1, Duration::from_millis(1)).is_ok(),
            "a new window starts"
        );
    }
}
