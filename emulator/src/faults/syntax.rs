//! The text form of [`Faults`], as `FIREFLY_EMULATOR_FAULTS` (and the
//! CLI's `--faults`) hold it: comma-separated `name=value` items, or just
//! `name` for a flag. One table describes every item; [`Faults::parse`]
//! reads it, `Display` writes it, and parse errors list its names, so the
//! three cannot disagree.

use std::{fmt, time::Duration};

use super::{FaultApi, Faults, RetryAfter, ServerErrorBurst};

/// One item of the text form.
struct Item {
    /// The name before `=`.
    name: &'static str,
    /// What goes after `=`, as error messages show it; empty for a flag.
    value: &'static str,
    /// Sets the fault from the text after `=`; `Err` says what was expected.
    set: fn(&mut Faults, &str) -> Result<(), &'static str>,
    /// The text after `=` for the current setting (empty for a flag that is
    /// on); `None` when the fault is at its default.
    get: fn(&Faults) -> Option<String>,
}

/// Every fault, in the order `Display` writes them.
const ITEMS: &[Item] = &[
    Item {
        name: "rate_limit_every",
        value: "N",
        set: |faults, value| {
            faults.rate_limit_every = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.rate_limit_every.map(|n| n.to_string()),
    },
    Item {
        name: "retry_after",
        value: "SECONDS|date:SECONDS",
        set: |faults, value| {
            faults.retry_after = match value.strip_prefix("date:") {
                Some(secs) => RetryAfter::HttpDate(positive(secs)?.into()),
                None => RetryAfter::Seconds(positive(value)?.into()),
            };
            Ok(())
        },
        get: |faults| match faults.retry_after {
            retry_after if retry_after == Faults::none().retry_after => None,
            RetryAfter::Seconds(secs) => Some(secs.to_string()),
            RetryAfter::HttpDate(secs) => Some(format!("date:{secs}")),
        },
    },
    Item {
        name: "server_errors",
        value: "STATUSxCOUNT/EVERY",
        set: |faults, value| {
            const SHAPE: &str = "expected STATUSxCOUNT/EVERY";
            let (burst, every) = value.split_once('/').ok_or(SHAPE)?;
            let (status, count) = burst.split_once('x').ok_or(SHAPE)?;
            let status = status
                .parse::<u16>()
                .ok()
                .filter(|s| (500..600).contains(s))
                .ok_or("the status must be 5xx")?;
            let (count, every) = (positive(count)?, positive(every)?);
            faults.server_errors = Some(ServerErrorBurst::new(status, count, every));
            Ok(())
        },
        get: |faults| {
            let burst = faults.server_errors?;
            Some(format!("{}x{}/{}", burst.status, burst.count, burst.every))
        },
    },
    Item {
        name: "slow_ms",
        value: "MILLISECONDS",
        set: |faults, value| {
            faults.slow = Some(Duration::from_millis(positive(value)?.into()));
            Ok(())
        },
        get: |faults| faults.slow.map(|delay| delay.as_millis().to_string()),
    },
    Item {
        name: "drop_every",
        value: "N",
        set: |faults, value| {
            faults.drop_connection_every = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.drop_connection_every.map(|n| n.to_string()),
    },
    Item {
        name: "html_errors",
        value: "",
        set: |faults, _| {
            faults.html_errors = true;
            Ok(())
        },
        get: |faults| faults.html_errors.then(String::new),
    },
    Item {
        name: "fail_jobs_every",
        value: "N",
        set: |faults, value| {
            faults.fail_jobs_every = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.fail_jobs_every.map(|n| n.to_string()),
    },
    Item {
        name: "partial_success_every",
        value: "N",
        set: |faults, value| {
            faults.partial_success_every = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.partial_success_every.map(|n| n.to_string()),
    },
    Item {
        name: "token_valid_secs",
        value: "SECONDS",
        set: |faults, value| {
            faults.token_valid_for = Some(Duration::from_secs(positive(value)?.into()));
            Ok(())
        },
        get: |faults| faults.token_valid_for.map(|t| t.as_secs().to_string()),
    },
    Item {
        name: "ims_slow_ms",
        value: "MILLISECONDS",
        set: |faults, value| {
            faults.ims_slow = Some(Duration::from_millis(positive(value)?.into()));
            Ok(())
        },
        get: |faults| faults.ims_slow.map(|delay| delay.as_millis().to_string()),
    },
    Item {
        name: "rate_limit_per_minute",
        value: "N",
        set: |faults, value| {
            faults.rate_limit_per_minute = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.rate_limit_per_minute.map(|n| n.to_string()),
    },
    Item {
        name: "quota_window_ms",
        value: "MILLISECONDS",
        set: |faults, value| {
            faults.quota_window = Duration::from_millis(positive(value)?.into());
            Ok(())
        },
        get: |faults| {
            (faults.quota_window != Faults::none().quota_window)
                .then(|| faults.quota_window.as_millis().to_string())
        },
    },
    Item {
        name: "quota_submissions_only",
        value: "",
        set: |faults, _| {
            faults.quota_submissions_only = true;
            Ok(())
        },
        get: |faults| faults.quota_submissions_only.then(String::new),
    },
    Item {
        name: "content_policy_every",
        value: "N",
        set: |faults, value| {
            faults.content_policy_every = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.content_policy_every.map(|n| n.to_string()),
    },
    Item {
        name: "timeout_jobs_every",
        value: "N",
        set: |faults, value| {
            faults.timeout_jobs_every = Some(positive(value)?);
            Ok(())
        },
        get: |faults| faults.timeout_jobs_every.map(|n| n.to_string()),
    },
    Item {
        name: "cancel_pending",
        value: "",
        set: |faults, _| {
            faults.cancel_pending = true;
            Ok(())
        },
        get: |faults| faults.cancel_pending.then(String::new),
    },
    Item {
        name: "not_entitled",
        value: "API[+API]",
        set: |faults, value| {
            faults.not_entitled = apis(value)?;
            Ok(())
        },
        get: |faults| write_apis(&faults.not_entitled),
    },
    Item {
        name: "missing_scope",
        value: "API[+API]",
        set: |faults, value| {
            faults.missing_scope = apis(value)?;
            Ok(())
        },
        get: |faults| write_apis(&faults.missing_scope),
    },
];

/// API names (`FaultApi::name`) joined by `+`, as a sorted set.
fn apis(value: &str) -> Result<Vec<FaultApi>, &'static str> {
    const EXPECTED: &str =
        "expected API names joined by +: firefly, photoshop, audio-video, indesign, substance3d";
    let mut set = Vec::new();
    for name in value.split('+') {
        let api = FaultApi::ALL
            .into_iter()
            .find(|api| api.name() == name.trim())
            .ok_or(EXPECTED)?;
        if let Err(at) = set.binary_search(&api) {
            set.insert(at, api);
        }
    }
    Ok(set)
}

/// The text of a set of APIs; `None` when empty (the fault is off).
fn write_apis(apis: &[FaultApi]) -> Option<String> {
    (!apis.is_empty()).then(|| {
        apis.iter()
            .map(|api| api.name())
            .collect::<Vec<_>>()
            .join("+")
    })
}

/// A number from 1 up.
fn positive(value: &str) -> Result<u32, &'static str> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or("expected a positive number")
}

/// Every item as it is written, for the message refusing an unknown one.
fn valid_faults() -> String {
    let forms: Vec<String> = ITEMS
        .iter()
        .map(|item| match item.value {
            "" => item.name.to_owned(),
            value => format!("{}={value}", item.name),
        })
        .collect();
    forms.join(", ")
}

/// Reads the text form; later items win over earlier ones.
pub(super) fn parse(spec: &str) -> Result<Faults, String> {
    let mut faults = Faults::none();
    for text in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, value) = text.split_once('=').unwrap_or((text, ""));
        let Some(item) = ITEMS.iter().find(|item| item.name == name) else {
            return Err(format!(
                "unknown fault `{name}`; valid faults: {}",
                valid_faults()
            ));
        };
        (item.set)(&mut faults, value).map_err(|expected| format!("`{text}`: {expected}"))?;
    }
    Ok(faults)
}

/// The `FIREFLY_EMULATOR_FAULTS` form, which [`Faults::parse`] reads back
/// (durations in whole milliseconds or seconds); empty for no faults.
impl fmt::Display for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut separator = "";
        for item in ITEMS {
            let Some(value) = (item.get)(self) else {
                continue;
            };
            f.write_str(separator)?;
            f.write_str(item.name)?;
            if !item.value.is_empty() {
                write!(f, "={value}")?;
            }
            separator = ",";
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::{option, prelude::*};

    /// One setting of each fault, in table order.
    const EXAMPLES: &[&str] = &[
        "rate_limit_every=3",
        "retry_after=date:5",
        "server_errors=503x2/10",
        "slow_ms=250",
        "drop_every=7",
        "html_errors",
        "fail_jobs_every=2",
        "partial_success_every=2",
        "token_valid_secs=30",
        "ims_slow_ms=500",
        "rate_limit_per_minute=4",
        "quota_window_ms=1500",
        "quota_submissions_only",
        "content_policy_every=3",
        "timeout_jobs_every=2",
        "cancel_pending",
        "not_entitled=photoshop",
        "missing_scope=firefly+photoshop",
    ];

    #[test]
    fn every_fault_reads_back_as_written() {
        let names: Vec<&str> = EXAMPLES
            .iter()
            .map(|e| e.split('=').next().unwrap())
            .collect();
        let table: Vec<&str> = ITEMS.iter().map(|item| item.name).collect();
        assert_eq!(names, table, "one example per fault, in table order");
        for example in EXAMPLES.iter().chain(&["retry_after=9"]) {
            let faults = Faults::parse(example).unwrap();
            assert_ne!(faults, Faults::none(), "`{example}` set nothing");
            assert_eq!(faults.to_string(), *example);
        }
        // Together, each item sets its own fault and no other.
        let all = EXAMPLES.join(",");
        assert_eq!(Faults::parse(&all).unwrap().to_string(), all);
        assert_eq!(Faults::none().to_string(), "");
    }

    #[test]
    fn unknown_faults_are_refused_with_every_valid_name() {
        let error = Faults::parse("rate_limit_every=3, explode=1").unwrap_err();
        assert!(
            error.starts_with(
                "unknown fault `explode`; valid faults: rate_limit_every=N, \
                 retry_after=SECONDS|date:SECONDS, server_errors=STATUSxCOUNT/EVERY,"
            ),
            "{error}"
        );
        for item in ITEMS {
            assert!(
                error.contains(item.name),
                "{} missing from: {error}",
                item.name
            );
        }
        assert!(
            error.contains(", html_errors,"),
            "a flag takes no value: {error}"
        );
    }

    #[test]
    fn bad_values_say_what_was_expected() {
        for (spec, error) in [
            (
                "rate_limit_every=0",
                "`rate_limit_every=0`: expected a positive number",
            ),
            ("slow_ms", "`slow_ms`: expected a positive number"),
            (
                "retry_after=date:",
                "`retry_after=date:`: expected a positive number",
            ),
            (
                "server_errors=404x1/2",
                "`server_errors=404x1/2`: the status must be 5xx",
            ),
            (
                "server_errors=503x2",
                "`server_errors=503x2`: expected STATUSxCOUNT/EVERY",
            ),
            (
                "server_errors=503x0/2",
                "`server_errors=503x0/2`: expected a positive number",
            ),
            (
                "not_entitled=lightroom",
                "`not_entitled=lightroom`: expected API names joined by +: firefly, photoshop, audio-video, indesign, substance3d",
            ),
            (
                "missing_scope",
                "`missing_scope`: expected API names joined by +: firefly, photoshop, audio-video, indesign, substance3d",
            ),
        ] {
            assert_eq!(Faults::parse(spec).unwrap_err(), error);
        }
    }

    #[test]
    fn api_sets_are_written_sorted_and_once() {
        let faults = Faults::parse("not_entitled=photoshop+firefly+photoshop").unwrap();
        assert_eq!(
            faults.not_entitled,
            [FaultApi::Firefly, FaultApi::Photoshop]
        );
        assert_eq!(faults.to_string(), "not_entitled=firefly+photoshop");
        assert_eq!(
            Faults::parse("missing_scope=photoshop").unwrap(),
            Faults::none().missing_scope(FaultApi::Photoshop)
        );
        // Later items win, as for every other fault.
        let later = Faults::parse("not_entitled=firefly,not_entitled=photoshop").unwrap();
        assert_eq!(later.not_entitled, [FaultApi::Photoshop]);
    }

    #[test]
    fn the_readme_lists_every_fault() {
        let readme = include_str!("../../README.md");
        for item in ITEMS {
            assert!(readme.contains(&format!("`{}", item.name)), "{}", item.name);
        }
    }

    fn any_faults() -> impl Strategy<Value = Faults> {
        let n = || option::of(1..=u32::MAX);
        let retry_after = prop_oneof![
            (1..=u32::MAX).prop_map(|s| RetryAfter::Seconds(s.into())),
            (1..=u32::MAX).prop_map(|s| RetryAfter::HttpDate(s.into())),
        ];
        let burst = (500..600u16, 1..1000u32, 0..1000u32)
            .prop_map(|(status, count, extra)| ServerErrorBurst::new(status, count, count + extra));
        (
            (n(), option::of(retry_after), option::of(burst)),
            (n(), n(), any::<bool>()),
            (n(), n(), n()),
            (n(), n(), any::<bool>()),
            (any::<[bool; 2]>(), any::<[bool; 2]>()),
        )
            .prop_map(
                |(
                    (rate, retry, burst),
                    (slow, drop, html),
                    (fail, token, quota),
                    (policy, timeout, cancel_pending),
                    (entitled, scoped),
                )| {
                    let mut faults = Faults::none()
                        .html_errors(html)
                        .cancel_pending(cancel_pending);
                    if let Some(n) = policy {
                        faults = faults.content_policy_every(n);
                    }
                    if let Some(n) = timeout {
                        faults = faults.timeout_jobs_every(n);
                    }
                    if let Some(n) = rate {
                        faults = faults.rate_limit_every(n);
                    }
                    if let Some(retry) = retry {
                        faults = faults.retry_after(retry);
                    }
                    if let Some(burst) = burst {
                        faults = faults.server_errors(burst);
                    }
                    if let Some(ms) = slow {
                        faults = faults.slow(Duration::from_millis(ms.into()));
                    }
                    if let Some(n) = drop {
                        faults = faults.drop_connection_every(n);
                    }
                    if let Some(n) = fail {
                        faults = faults.fail_jobs_every(n);
                    }
                    if let Some(secs) = token {
                        faults = faults.token_valid_for(Duration::from_secs(secs.into()));
                    }
                    if let Some(n) = quota {
                        faults = faults.rate_limit_per_minute(n);
                    }
                    for (api, (entitled, scoped)) in FaultApi::ALL
                        .into_iter()
                        .zip(entitled.into_iter().zip(scoped))
                    {
                        if entitled {
                            faults = faults.not_entitled(api);
                        }
                        if scoped {
                            faults = faults.missing_scope(api);
                        }
                    }
                    faults
                },
            )
    }

    proptest! {
        #[test]
        fn any_faults_survive_display_and_parse(faults in any_faults()) {
            prop_assert_eq!(Faults::parse(&faults.to_string()), Ok(faults));
        }

        #[test]
        fn whatever_parses_is_written_back_the_same(spec in "[a-z_=0-9x/:,+ ]{0,60}") {
            if let Ok(faults) = Faults::parse(&spec) {
                prop_assert_eq!(Faults::parse(&faults.to_string()), Ok(faults));
            }
        }
    }
}
