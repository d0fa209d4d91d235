//! When each feed is checked: at its refresh interval while it works, and after growing waits
//! while it fails (1 min, 5 min, 30 min, then the refresh interval), so that a server that is
//! briefly down is tried again soon and one that is gone for good is not hammered.

use std::time::Duration;

/// Waits after the first, second and third failure in a row; later ones wait the refresh
/// interval.
const RETRIES: [Duration; 3] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
];

/// How often Vigie's own feed is checked: a new clone added to the project's list reaches
/// every computer within a day, even one that is on only a few hours a day.
pub(crate) const VIGIE_FEED_REFRESH: Duration = Duration::from_secs(6 * 3600);

/// The feeds' timing: as designed, or every wait replaced (`vigie run --feed-interval`, for
/// tests that cannot wait an hour).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// Replaces every refresh interval and every retry wait.
    pub(crate) every: Option<Duration>,
    /// Longest one download may take.
    pub(crate) timeout: Duration,
}

impl Timing {
    /// The wait after a check that worked.
    pub(crate) fn after_success(&self, refresh: Duration) -> Duration {
        self.every.unwrap_or(refresh)
    }

    /// The wait after the `failures`-th failure in a row (1 for the first).
    pub(crate) fn after_failure(&self, failures: u32, refresh: Duration) -> Duration {
        if let Some(every) = self.every {
            return every;
        }
        let i = failures.saturating_sub(1) as usize;
        RETRIES.get(i).copied().unwrap_or(refresh).min(refresh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_wait_longer_and_longer_then_the_refresh_interval() {
        let t = Timing {
            every: None,
            timeout: Duration::from_secs(60),
        };
        let day = Duration::from_secs(86_400);
        let waits: Vec<u64> = (1..=5).map(|n| t.after_failure(n, day).as_secs()).collect();
        assert_eq!(waits, [60, 300, 1800, 86_400, 86_400]);
        assert_eq!(t.after_success(day), day);
        // Never longer than the interval itself.
        let hour = Duration::from_secs(3600);
        assert_eq!(t.after_failure(3, hour), Duration::from_secs(1800));
        assert_eq!(t.after_failure(4, hour), hour);
        let fast = Timing {
            every: Some(Duration::from_secs(1)),
            ..t
        };
        assert_eq!(fast.after_failure(1, day), Duration::from_secs(1));
        assert_eq!(fast.after_success(day), Duration::from_secs(1));
    }
}
