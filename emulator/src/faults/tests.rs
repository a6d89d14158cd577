//! The faults' builders, the requests each falls on, and their counts.

use super::*;

#[test]
fn the_setters_build_what_the_text_form_says() {
    let parsed = Faults::parse(
        "rate_limit_every=3, retry_after=date:5, server_errors=503x2/10, slow_ms=250, \
         drop_every=7, html_errors, fail_jobs_every=2, token_valid_secs=30, rate_limit_per_minute=4, \
         content_policy_every=5, timeout_jobs_every=3, cancel_pending, not_entitled=firefly, \
         missing_scope=photoshop",
    )
    .unwrap();
    let built = Faults::none()
        .rate_limit_every(3)
        .retry_after(RetryAfter::HttpDate(5))
        .server_errors(ServerErrorBurst::new(503, 2, 10))
        .slow(Duration::from_millis(250))
        .drop_connection_every(7)
        .html_errors(true)
        .fail_jobs_every(2)
        .token_valid_for(Duration::from_secs(30))
        .rate_limit_per_minute(4)
        .content_policy_every(5)
        .timeout_jobs_every(3)
        .cancel_pending(true)
        .not_entitled(FaultApi::Firefly)
        .missing_scope(FaultApi::Photoshop);
    assert_eq!(parsed, built);
    assert_eq!(built.not_entitled, [FaultApi::Firefly]);
    assert_eq!(built.missing_scope, [FaultApi::Photoshop]);
    assert_eq!(
        built.server_errors.map(|b| (b.status, b.count, b.every)),
        Some((503, 2, 10))
    );
    assert_eq!(built.token_valid_for, Some(Duration::from_secs(30)));
    assert_eq!(Faults::parse("").unwrap(), Faults::none());
    assert_eq!(Faults::default(), Faults::none());
}

/// The request (or job) numbers from 1 to `last` that `fires` picks.
fn picked(last: u64, fires: impl Fn(u64) -> bool) -> Vec<u64> {
    (1..=last).filter(|n| fires(*n)).collect()
}

#[test]
fn each_fault_falls_on_the_requests_it_names() {
    let faults = Faults::none()
        .rate_limit_every(3)
        .server_errors(ServerErrorBurst::new(502, 2, 5))
        .drop_connection_every(4)
        .fail_jobs_every(2)
        .timeout_jobs_every(3)
        .content_policy_every(4);
    assert_eq!(picked(10, |n| faults.rate_limits(n)), [3, 6, 9]);
    assert_eq!(picked(12, |n| faults.drops(n)), [4, 8, 12]);
    assert_eq!(picked(7, |n| faults.fails_job(n)), [2, 4, 6]);
    assert_eq!(picked(7, |n| faults.times_out_job(n)), [3, 6]);
    assert_eq!(picked(9, |n| faults.refuses_content(n)), [4, 8]);
    let statuses: Vec<Option<u16>> = (1..=11).map(|n| faults.server_error(n)).collect();
    let (fail, pass) = (Some(502), None);
    assert_eq!(
        statuses,
        [
            fail, fail, pass, pass, pass, fail, fail, pass, pass, pass, fail
        ]
    );
}

#[test]
fn a_burst_as_long_as_its_cycle_fails_every_request() {
    for burst in [
        ServerErrorBurst::new(503, 3, 3),
        ServerErrorBurst::new(503, 3, 1),
    ] {
        assert_eq!(burst.every, 3);
        let faults = Faults::none().server_errors(burst);
        assert_eq!(picked(9, |n| faults.server_error(n).is_some()).len(), 9);
    }
}

#[test]
fn no_faults_fire_nothing() {
    let faults = Faults::none();
    let fired = picked(1000, |n| {
        faults.rate_limits(n)
            || faults.drops(n)
            || faults.fails_job(n)
            || faults.times_out_job(n)
            || faults.refuses_content(n)
            || faults.server_error(n).is_some()
    });
    assert!(fired.is_empty(), "{fired:?}");
}

#[test]
fn each_fired_fault_is_counted_under_its_own_name() {
    let counters = FaultCounters::default();
    let kinds = [
        Fired::RateLimit,
        Fired::Quota,
        Fired::ServerError,
        Fired::Slow,
        Fired::DroppedConnection,
        Fired::HtmlError,
        Fired::FailedJob,
        Fired::ExpiredToken,
        Fired::ContentPolicy,
        Fired::TimedOutJob,
        Fired::CancelPending,
        Fired::NotEntitled,
        Fired::MissingScope,
    ];
    for (times, fired) in kinds.into_iter().enumerate() {
        for _ in 0..=times {
            counters.record(fired);
        }
    }
    assert_eq!(
        counters.served(),
        FaultsServed {
            rate_limits: 1,
            quota_rejections: 2,
            server_errors: 3,
            slow_answers: 4,
            dropped_connections: 5,
            html_errors: 6,
            failed_jobs: 7,
            expired_tokens: 8,
            content_policy_refusals: 9,
            timed_out_jobs: 10,
            cancel_pending_answers: 11,
            not_entitled: 12,
            missing_scope: 13,
        }
    );
}
