//! Vigie's policy: what is blocked on this computer, and why.
//!
//! This crate is pure: no sockets, no async runtime, no global state. It turns text (what a
//! parent pastes, list files, imported third-party lists, `settings.toml`) into a validated
//! [`Policy`]: one immutable [`Matcher`] and one [`Settings`]; and it checks Vigie's signed feed
//! of its stranger-chat list ([`feed`]). The service builds a new policy whenever a file changes
//! and swaps it in whole; everything here is testable on a temp dir.

mod domain;
mod error;

pub use domain::{Domain, MAX_LABEL, MAX_NAME};
pub use error::Error;
pub use error::{Arg, Message, reasons};
mod matcher;

pub use matcher::{
    Action, Decision, ListIdx, ListMeta, Matcher, MatcherBuilder, Reason, RuleKind, SiteIdx,
};
pub mod brand;

pub use brand::{Brand, MIN_BRAND};
mod list;

pub use list::{ListFile, ListInfo, Parsed, Site};
mod text;

pub use text::{FALLBACK, Text};
pub mod feed;

pub use feed::{FeedKey, VerifiedFeed};
pub mod import;
mod settings;

pub use settings::{
    BlockMode, CacheBounds, ConsoleLanguage, DEFAULT_REFRESH, FeedFormat, FeedSettings,
    JournalBounds, MAX_FEED_URL, MAX_SUBSCRIPTION_NAME, MAX_SUBSCRIPTIONS, MIN_REFRESH, NULL_V6,
    Protocol, RawBlocking, RawCache, RawConsole, RawFeed, RawJournal, RawNotices, RawParents,
    RawSettings, RawSubscription, RawUpstream, Settings, Subscription, Upstream, check_feed_url,
    format_duration, parse_duration, subscription_id,
};
mod policy;
mod shipped;
mod special;
pub mod subscription;
mod verdict;

pub use policy::{
    LISTS_DIR, Loaded, Origin, Policy, PolicyList, SETTINGS_FILE, add_list, is_list_file,
    shipped_lists,
};
pub use shipped::SHIPPED;
pub use special::{Special, SpecialAnswer};
pub use verdict::Verdict;
