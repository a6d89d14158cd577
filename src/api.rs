//! The Adobe APIs one Firefly Services credential reaches, and what the SDK
//! knows of each before any request: its name, default endpoint and
//! published request limits.

use std::time::Duration;

use crate::limiter::RateLimit;

/// One of the Adobe APIs this SDK calls.
///
/// Every variant exists in every build; the operations of an API other than
/// Firefly are compiled only with its feature (`photoshop`, `audio-video`,
/// `indesign`, `substance3d`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Api {
    /// The Firefly API (`firefly-api.adobe.io`).
    Firefly,
    /// Photoshop API v2 (`photoshop-api.adobe.io`), feature `photoshop`.
    Photoshop,
    /// The Audio/Video API (`audio-video-api.adobe.io`), feature `audio-video`.
    AudioVideo,
    /// The InDesign API (`indesign.adobe.io`), feature `indesign`.
    InDesign,
    /// The Substance 3D API (`s3d.adobe.io`), feature `substance3d`.
    Substance3d,
}

impl Api {
    /// Every API, in a stable order.
    pub const ALL: [Api; 5] = [
        Api::Firefly,
        Api::Photoshop,
        Api::AudioVideo,
        Api::InDesign,
        Api::Substance3d,
    ];

    /// The API's name as errors and logs show it: `Firefly`, `Photoshop`,
    /// `Audio/Video`, `InDesign`, `Substance 3D`.
    pub fn name(self) -> &'static str {
        match self {
            Api::Firefly => "Firefly",
            Api::Photoshop => "Photoshop",
            Api::AudioVideo => "Audio/Video",
            Api::InDesign => "InDesign",
            Api::Substance3d => "Substance 3D",
        }
    }

    /// A short lowercase name for keys, file names and features:
    /// `firefly`, `photoshop`, `audio-video`, `indesign`, `substance3d`.
    pub fn slug(self) -> &'static str {
        match self {
            Api::Firefly => "firefly",
            Api::Photoshop => "photoshop",
            Api::AudioVideo => "audio-video",
            Api::InDesign => "indesign",
            Api::Substance3d => "substance3d",
        }
    }

    /// The production base URL.
    pub fn default_url(self) -> &'static str {
        match self {
            Api::Firefly => crate::config::DEFAULT_API_URL,
            Api::Photoshop => crate::config::DEFAULT_PHOTOSHOP_URL,
            Api::AudioVideo => crate::config::DEFAULT_AUDIO_VIDEO_URL,
            Api::InDesign => crate::config::DEFAULT_INDESIGN_URL,
            Api::Substance3d => crate::config::DEFAULT_SUBSTANCE3D_URL,
        }
    }

    /// The request limits Adobe publishes for the API, as client-side
    /// budgets ([`FireflyBuilder::adobe_rate_limits`](crate::FireflyBuilder::adobe_rate_limits)
    /// applies them all):
    ///
    /// | API | Budget |
    /// |---|---|
    /// | Firefly | 4 submissions a minute and 9,000 a day per organization |
    /// | Photoshop | 300 submissions (POST) a minute; 300 status reads (GET) every 3 seconds |
    /// | Audio/Video | per operation: voices 50 a minute, speech 10 a minute, reframe 2 a minute |
    ///
    /// Photoshop's are soft limits: Adobe may answer 429 past them. Status
    /// reads of Firefly are not counted: whether Adobe counts them is not
    /// documented.
    ///
    /// ```
    /// use adobe_firefly::Api;
    ///
    /// let photoshop = Api::Photoshop.adobe_rate_limits();
    /// assert_eq!(photoshop.len(), 2);
    /// assert_eq!(photoshop[0].requests, 300);
    /// ```
    pub fn adobe_rate_limits(self) -> Vec<RateLimit> {
        match self {
            Api::Firefly => vec![RateLimit::per_minute(4).per_day(9000).submissions_only()],
            Api::Photoshop => vec![
                RateLimit::per_minute(300).submissions_only(),
                RateLimit::new(300, Duration::from_secs(3)).polls_only(),
            ],
            // Adobe's limits are per operation (by the spec's operationId):
            // a speech job does not use up the voices' budget.
            Api::AudioVideo => vec![
                RateLimit::per_minute(50).operation("voices"),
                RateLimit::per_minute(10).operation("generate-speech"),
                RateLimit::per_minute(2).operation("generate-reframed-video"),
            ],
            // InDesign and Substance 3D publish no request limits.
            Api::InDesign | Api::Substance3d => Vec::new(),
        }
    }
}

impl std::fmt::Display for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs_are_distinct() {
        let names: std::collections::BTreeSet<_> = Api::ALL.iter().map(|api| api.name()).collect();
        let slugs: std::collections::BTreeSet<_> = Api::ALL.iter().map(|api| api.slug()).collect();
        assert_eq!(names.len(), Api::ALL.len());
        assert_eq!(slugs.len(), Api::ALL.len());
        for api in Api::ALL {
            let plain: String = api
                .name()
                .to_lowercase()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            assert_eq!(api.slug().replace('-', ""), plain);
            assert!(api.default_url().starts_with("https://"), "{api}");
        }
    }

    #[test]
    fn adobe_limits_match_the_published_numbers() {
        let firefly = Api::Firefly.adobe_rate_limits();
        assert_eq!(firefly.len(), 1);
        assert_eq!(
            (firefly[0].requests, firefly[0].per, firefly[0].per_day),
            (4, Duration::from_secs(60), Some(9000))
        );
        let photoshop = Api::Photoshop.adobe_rate_limits();
        assert_eq!(
            photoshop
                .iter()
                .map(|limit| (limit.requests, limit.per, limit.counts))
                .collect::<Vec<_>>(),
            [
                (
                    300,
                    Duration::from_secs(60),
                    crate::limiter::Counted::Submissions
                ),
                (
                    300,
                    Duration::from_secs(3),
                    crate::limiter::Counted::StatusReads
                ),
            ]
        );
        let audio_video = Api::AudioVideo.adobe_rate_limits();
        assert_eq!(
            audio_video
                .iter()
                .map(|limit| (limit.requests, limit.per, limit.operation.as_deref()))
                .collect::<Vec<_>>(),
            [
                (50, Duration::from_secs(60), Some("voices")),
                (10, Duration::from_secs(60), Some("generate-speech")),
                (2, Duration::from_secs(60), Some("generate-reframed-video")),
            ]
        );
    }
}
