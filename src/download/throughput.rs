//! The minimum-rate rule of downloads, like curl's `--speed-limit` and
//! `--speed-time`: a body must bring at least `min_speed × min_speed_time`
//! bytes in each `min_speed_time` stretch of its download. Without it, a
//! storage host that drips a byte just inside the idle limit holds a
//! download for its whole total limit.
//!
//! The stretches follow one another from the start of the body: a body
//! slow from the start fails at the end of the first stretch; one that
//! slows down later, at the end of the first whole stretch after that.

use std::time::Duration;

use tokio::time::Instant;

/// The rule's state during one download.
#[derive(Debug)]
pub(super) struct MinSpeed {
    /// Bytes per second; 0 when the rule is off.
    min_speed: u64,
    window: Duration,
    /// When the current stretch started, and the bytes received by then.
    since: Instant,
    received_then: u64,
}

/// The rule was broken: the stretch brought fewer bytes than it needed.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TooSlow;

impl MinSpeed {
    /// The rule from now on, for a body of which nothing arrived yet.
    pub(super) fn starting_now(min_speed: u64, window: Duration) -> Self {
        Self {
            min_speed,
            window,
            since: Instant::now(),
            received_then: 0,
        }
    }

    /// When the current stretch ends, when the rule is on: the rate is
    /// checked then even if nothing arrives.
    pub(super) fn stretch_end(&self) -> Option<Instant> {
        (self.min_speed > 0 && !self.window.is_zero()).then(|| self.since + self.window)
    }

    /// Checks the rate at `now`, with `received` bytes in all: once a
    /// stretch is over, it must have brought its share, and the next one
    /// starts.
    pub(super) fn check(&mut self, now: Instant, received: u64) -> Result<(), TooSlow> {
        let Some(end) = self.stretch_end() else {
            return Ok(());
        };
        if now < end {
            return Ok(());
        }
        let needed = (self.min_speed as f64 * self.window.as_secs_f64()).ceil() as u64;
        if received.saturating_sub(self.received_then) < needed {
            return Err(TooSlow);
        }
        self.since = now;
        self.received_then = received;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(30);

    #[tokio::test(start_paused = true)]
    async fn each_stretch_must_bring_its_share() {
        let mut rule = MinSpeed::starting_now(1024, WINDOW);
        let start = Instant::now();
        // Before a stretch ends nothing is judged, however little came.
        assert_eq!(rule.check(start + Duration::from_secs(29), 0), Ok(()));
        // 30 KiB in the first 30 s: enough, and the next stretch starts.
        assert_eq!(rule.check(start + WINDOW, 30 * 1024), Ok(()));
        assert_eq!(rule.stretch_end(), Some(start + 2 * WINDOW));
        // One byte short in the second.
        assert_eq!(rule.check(start + 2 * WINDOW, 60 * 1024 - 1), Err(TooSlow));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_rate_turns_the_rule_off() {
        let mut rule = MinSpeed::starting_now(0, WINDOW);
        assert_eq!(rule.stretch_end(), None);
        assert_eq!(rule.check(Instant::now() + 100 * WINDOW, 0), Ok(()));
    }
}
