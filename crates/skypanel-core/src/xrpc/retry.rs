//! When to try a request again, and how long to wait.

use serde::{Deserialize, Serialize};

/// Retry and timeout settings of a [`Client`](super::Client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RetryPolicy {
    /// Extra attempts after the first, for idempotent calls (and for any call that was
    /// refused with 429, which the server did not carry out).
    pub max_retries: u32,
    /// First backoff delay; doubles each attempt, with jitter.
    pub base_delay_ms: u64,
    /// The longest single wait, for backoff and for a rate limit's reset alike. A 429 whose
    /// reset is further away than this fails at once with `RateLimited`.
    pub max_wait_ms: u64,
    /// Per-request timeout.
    pub timeout_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 3, base_delay_ms: 250, max_wait_ms: 30_000, timeout_ms: 20_000 }
    }
}

impl RetryPolicy {
    /// The delay before retry number `attempt` (0-based): exponential with "full jitter",
    /// so that many clients failing together do not retry together. `seed` varies the jitter.
    pub fn backoff_ms(&self, attempt: u32, seed: u64) -> u64 {
        let ceiling = self.base_delay_ms.saturating_mul(1u64 << attempt.min(16)).min(self.max_wait_ms);
        // splitmix64: cheap, deterministic for a seed, good enough to spread retries.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_add(u64::from(attempt));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // Half fixed, half random: never retry instantly.
        ceiling / 2 + z % (ceiling / 2 + 1)
    }

    /// How long to wait after a 429, from its headers; `None` if the wait would exceed
    /// `max_wait_ms`.
    pub fn rate_limit_wait_ms(
        &self,
        reset_epoch_s: Option<u64>,
        retry_after_s: Option<u64>,
        now_ms: u64,
    ) -> Option<u64> {
        let wait = match (reset_epoch_s, retry_after_s) {
            (_, Some(after)) => after.saturating_mul(1000),
            (Some(reset), None) => reset.saturating_mul(1000).saturating_sub(now_ms),
            (None, None) => self.base_delay_ms,
        };
        (wait <= self.max_wait_ms).then_some(wait.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let p = RetryPolicy { base_delay_ms: 100, max_wait_ms: 1000, ..Default::default() };
        for seed in 0..50 {
            let b0 = p.backoff_ms(0, seed);
            let b3 = p.backoff_ms(3, seed);
            assert!((50..=100).contains(&b0), "{b0}");
            assert!((400..=800).contains(&b3), "{b3}");
            assert!(p.backoff_ms(30, seed) <= 1000);
        }
        let distinct: std::collections::HashSet<u64> = (0..50).map(|s| p.backoff_ms(2, s)).collect();
        assert!(distinct.len() > 10, "jitter spreads retries");
    }

    #[test]
    fn rate_limit_waits_until_reset_but_not_forever() {
        let p = RetryPolicy { max_wait_ms: 5_000, ..Default::default() };
        assert_eq!(p.rate_limit_wait_ms(Some(1_003), None, 1_000_000), Some(3_000));
        assert_eq!(p.rate_limit_wait_ms(None, Some(2), 0), Some(2_000));
        assert_eq!(p.rate_limit_wait_ms(Some(2_000), None, 1_000_000), None, "reset too far away");
        assert_eq!(p.rate_limit_wait_ms(Some(10), None, 1_000_000), Some(1), "reset already passed");
    }
}
