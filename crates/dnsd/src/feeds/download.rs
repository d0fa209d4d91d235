//! One download of a feed: a conditional GET, bounded in size and time, refused when it is a
//! web page rather than a list.
//!
//! The client is built once: rustls with the `ring` provider (the one hickory already uses),
//! the system's certificate roots (read by `rustls-native-certs`, which honours
//! `SSL_CERT_FILE`, so a test can trust its own authority), gzip and brotli, no proxy from the
//! environment, and the feed host resolved through Vigie's upstreams ([`super::resolve`]).
//! The body is read chunk by chunk and given up on as soon as it passes the size bound, so a
//! server that sends gigabytes costs at most the bound.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use vigie_policy::Message;

use super::resolve::ThroughUpstream;
use crate::state::Shared;

/// Largest body kept, once decompressed.
pub(crate) const MAX_BODY: usize = 64 * 1024 * 1024;
/// How the bound is said to parents.
const MAX_BODY_WORDS: &str = "64 MiB";
/// Longest a whole download may take.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(60);
/// Longest the connection (and TLS handshake) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a check of a feed failed. Each is said to parents as a `feed-failed-*` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FeedError {
    /// The server answered something other than 200 or 304.
    Status(u16),
    /// The body is a web page.
    Html,
    /// The body blocks nothing.
    Empty,
    /// The body is over [`MAX_BODY`].
    TooBig,
    /// It took over the time bound.
    Timeout,
    /// No connection (name not found, refused, TLS refused).
    Connect,
    /// The connection broke during the body.
    Download,
    /// Vigie's feed: the signature does not match the body and the key.
    Signature,
    /// Vigie's feed: no signature was published beside it.
    SignatureMissing,
    /// Vigie's feed: not newer than the list in force (a replay of an old copy).
    Older,
    /// Not a list in Vigie's format (a `format = "vigie"` subscription, or Vigie's feed).
    NotVigieList(Message),
    /// The good copy could not be kept on disk.
    NotSaved(String),
}

impl FeedError {
    /// The words for parents, as a message of `locales/*/feeds.ftl`.
    pub(crate) fn message(&self) -> Message {
        match self {
            FeedError::Status(code) => {
                Message::new("feed-failed-status").arg("status", i64::from(*code))
            }
            FeedError::Html => Message::new("feed-failed-html"),
            FeedError::Empty => Message::new("feed-failed-empty"),
            FeedError::TooBig => Message::new("feed-failed-too-big").arg("limit", MAX_BODY_WORDS),
            FeedError::Timeout => Message::new("feed-failed-timeout"),
            FeedError::Connect => Message::new("feed-failed-connect"),
            FeedError::Download => Message::new("feed-failed-download"),
            FeedError::Signature => Message::new("feed-failed-signature"),
            FeedError::SignatureMissing => Message::new("feed-failed-signature-missing"),
            FeedError::Older => Message::new("feed-failed-older"),
            FeedError::NotVigieList(problem) => {
                Message::new("feed-failed-not-vigie-list").arg("problem", problem.clone())
            }
            FeedError::NotSaved(reason) => {
                Message::new("feed-failed-not-saved").arg("reason", reason.as_str())
            }
        }
    }
}

/// What a download brought.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// `304 Not Modified`: the copy kept is current.
    NotModified,
    /// A new body, with the versions to send back next time.
    Body {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// The versions of the copy kept, sent back so that an unchanged feed costs a 304.
#[derive(Debug, Default, Clone)]
pub(crate) struct Conditional {
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
}

/// The HTTP client of every feed download.
#[derive(Debug, Clone)]
pub(crate) struct Downloader {
    client: reqwest::Client,
}

impl Downloader {
    /// A client resolving through `shared`'s upstreams, giving up after `timeout` in all.
    pub(crate) fn new(shared: Arc<Shared>, timeout: Duration) -> anyhow::Result<Downloader> {
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        for e in &found.errors {
            tracing::debug!("a system certificate could not be read: {e}");
        }
        let (added, _) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            tracing::warn!("no system certificate authority was found: https feeds will fail");
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .dns_resolver(Arc::new(ThroughUpstream { shared }))
            .no_proxy()
            .gzip(true)
            .brotli(true)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("vigie/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Downloader { client })
    }

    /// Downloads `url`, conditionally when `known` has versions.
    pub(crate) async fn fetch(&self, url: &str, known: &Conditional) -> Result<Fetched, FeedError> {
        let mut headers = HeaderMap::new();
        if let Some(v) = known
            .etag
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_NONE_MATCH, v);
        }
        if let Some(v) = known
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_MODIFIED_SINCE, v);
        }
        let mut response = self
            .client
            .get(url)
            .headers(headers)
            .send()
            .await
            .map_err(|e| {
                tracing::info!("feed {url}: {e:?}");
                of_reqwest(&e)
            })?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if status != StatusCode::OK {
            return Err(FeedError::Status(status.as_u16()));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        if header(CONTENT_TYPE).is_some_and(|t| t.to_ascii_lowercase().starts_with("text/html")) {
            return Err(FeedError::Html);
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(FeedError::TooBig);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            tracing::info!("feed {url}: {e:?}");
            match of_reqwest(&e) {
                FeedError::Connect => FeedError::Download,
                other => other,
            }
        })? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(FeedError::TooBig);
            }
            body.extend_from_slice(&chunk);
        }
        if looks_like_html(&body) {
            return Err(FeedError::Html);
        }
        Ok(Fetched::Body {
            body,
            etag,
            last_modified,
        })
    }
}

fn of_reqwest(e: &reqwest::Error) -> FeedError {
    if e.is_timeout() {
        FeedError::Timeout
    } else if e.is_body() || e.is_decode() {
        FeedError::Download
    } else {
        FeedError::Connect
    }
}

/// Whether a body is a web page: a captive portal's login page or a site's "not found" page
/// served with 200 and a list's address.
fn looks_like_html(body: &[u8]) -> bool {
    let start = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = &start[start
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(start.len())..];
    let head: Vec<u8> = start.iter().take(16).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype") || head.starts_with(b"<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_is_said_in_plain_words_in_both_languages() {
        use vigie_i18n::Lang;
        let all = [
            (FeedError::Status(503), "the server answered 503"),
            (FeedError::Html, "the page is a web page, not a list"),
            (FeedError::Empty, "the list is empty"),
            (FeedError::TooBig, "too big (over 64 MiB)"),
            (FeedError::Timeout, "took too long"),
            (FeedError::Connect, "the server could not be reached"),
            (FeedError::Download, "the download broke off"),
            (FeedError::Signature, "signature does not match"),
            (FeedError::SignatureMissing, "the signature is missing"),
            (FeedError::Older, "older than the list in force"),
            (
                FeedError::NotVigieList(Message::new("list-error-needs-name")),
                "not a Vigie list: the list needs a name that parents will read",
            ),
            (
                FeedError::NotSaved("disk full".into()),
                "the copy could not be saved: disk full",
            ),
        ];
        for (e, english) in all {
            let m = e.message();
            assert!(Lang::En.has(&m.id) && Lang::Fr.has(&m.id), "{}", m.id);
            assert_eq!(Lang::En.render(&m), english);
            assert_ne!(Lang::Fr.render(&m), english, "{}", m.id);
        }
    }

    #[test]
    fn web_pages_are_told_from_lists() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\xEF\xBB\xBF\n  <HTML lang=en>"));
        assert!(!looks_like_html(b"# a hosts file\n0.0.0.0 a.example"));
        assert!(!looks_like_html(b"||a.example^"));
        assert!(!looks_like_html(b""));
    }
}
