//! At most one notice per site per interval: a browser retrying, or a child clicking again and
//! again, gets one calm notification, not a flood.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Remembers when each site was last shown.
#[derive(Debug)]
pub(crate) struct Throttle {
    every: Duration,
    shown: HashMap<String, Instant>,
}

impl Throttle {
    /// One notice per site per `every`.
    pub(crate) fn new(every: Duration) -> Throttle {
        Throttle {
            every,
            shown: HashMap::new(),
        }
    }

    /// Whether a notice for `site` may be shown at `now`; if so, it counts as shown.
    pub(crate) fn allow(&mut self, site: &str, now: Instant) -> bool {
        // Forget sites shown long ago so the map stays small over weeks of uptime.
        let every = self.every;
        self.shown
            .retain(|_, at| now.saturating_duration_since(*at) < every);
        if self.shown.contains_key(site) {
            return false;
        }
        self.shown.insert(site.to_string(), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_per_site_per_minute() {
        let mut t = Throttle::new(Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(t.allow("Omegle", t0));
        assert!(!t.allow("Omegle", t0 + Duration::from_secs(59)));
        assert!(t.allow("OmeTV", t0 + Duration::from_secs(1)));
        assert!(t.allow("Omegle", t0 + Duration::from_secs(60)));
        assert!(!t.allow("Omegle", t0 + Duration::from_secs(61)));
    }
}
