//! Exponential backoff with jitter for transient sink failures.

use std::time::Duration;

use rand::Rng;

use crate::config::RetryConfig;

/// A sink's `retry = { ... }`, ready to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in total, the first included; never below 1.
    pub attempts: u32,
    pub initial: Duration,
    pub max: Duration,
}

impl From<RetryConfig> for RetryPolicy {
    fn from(c: RetryConfig) -> Self {
        Self {
            // Zero attempts would mean "never send", which no one means.
            attempts: c.attempts.max(1),
            initial: Duration::from_millis(c.initial_backoff_ms),
            max: Duration::from_millis(c.max_backoff_ms.max(c.initial_backoff_ms)),
        }
    }
}

impl RetryPolicy {
    /// True when a copy that has had `tries` tries may have another.
    pub fn may_retry(&self, tries: u32) -> bool {
        tries < self.attempts
    }

    /// The wait before retry number `retry` (1 for the second try).
    ///
    /// The base is `min(max, initial * 2^(retry-1))`; "equal jitter" then picks
    /// uniformly from its upper half, so retries of many copies that failed
    /// together spread out without the backoff collapsing towards zero. A peer's
    /// `retry_after` hint is honoured as a floor, capped at `max` so a peer
    /// cannot stall a copy beyond the configured bound.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let base = self.base(retry);
        let half = base / 2;
        let jitter = rand::rng().random_range(Duration::ZERO..=half);
        let floor = retry_after.unwrap_or(Duration::ZERO).min(self.max);
        (base - half + jitter).max(floor)
    }

    fn base(&self, retry: u32) -> Duration {
        // 2^31 already overflows any useful backoff; saturate instead of wrapping.
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryConfig {
            attempts: 5,
            initial_backoff_ms: 100,
            max_backoff_ms: 1_000,
        }
        .into()
    }

    #[test]
    fn base_doubles_up_to_the_cap() {
        let p = policy();
        let ms = |n| p.base(n).as_millis();
        assert_eq!(
            [ms(1), ms(2), ms(3), ms(4), ms(5)],
            [100, 200, 400, 800, 1000]
        );
        assert_eq!(p.base(200), Duration::from_millis(1000));
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let p = policy();
        for _ in 0..200 {
            let d = p.delay(3, None);
            assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        }
    }

    #[test]
    fn retry_after_is_a_floor_capped_at_max() {
        let p = policy();
        let hint = Some(Duration::from_millis(700));
        assert!(p.delay(1, hint) >= Duration::from_millis(700));
        let huge = Some(Duration::from_secs(3600));
        assert_eq!(p.delay(1, huge), Duration::from_millis(1000));
    }

    #[test]
    fn attempts_count_the_first_try() {
        let p = policy();
        assert!(p.may_retry(4));
        assert!(!p.may_retry(5));
        let zero = RetryPolicy::from(RetryConfig {
            attempts: 0,
            ..RetryConfig::default()
        });
        assert_eq!(zero.attempts, 1);
    }
}
