//! The clock for time that must pass while the computer sleeps.
//!
//! `Instant` (CLOCK_MONOTONIC) stops during suspend on Linux, so a deadline measured with it
//! moves back by every night the laptop was closed: an 8-hour parent session would outlast 8
//! hours, a 30-minute pause would last the evening. The wall clock does not stop, but jumps
//! whenever someone sets it, and a child can set a computer's firmware clock. CLOCK_BOOTTIME
//! does neither: it counts from boot, sleep included, and only the kernel moves it.

use std::time::Duration;

/// Time since boot, sleep included.
pub(crate) fn since_boot() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_time_goes_forward() {
        let a = since_boot();
        std::thread::sleep(Duration::from_millis(5));
        let b = since_boot();
        assert!(b > a && b - a >= Duration::from_millis(5));
    }
}
