//! The client of the local API: HTTP/1.1 over the service's Unix socket.
//!
//! One connection per request keeps the client simple and stateless; the socket is local, so a
//! connection costs microseconds. A parent session token, once set, is sent with every request
//! and never printed (`Client`'s `Debug` hides it).

use std::path::{Path, PathBuf};
use std::pin::Pin;

use eventsource_stream::Eventsource;
use futures_util::{Stream, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tokio::net::UnixStream;

use crate::types::*;
use crate::{Error, Settings};

/// A value with the version (ETag) it was read at, to send back with a write. It serializes as
/// `{"etag": "...", "value": ...}` (the desktop app hands it to its page as it is).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Versioned<T> {
    /// The ETag, for `If-Match`.
    pub etag: String,
    /// The value.
    pub value: T,
}

/// Filters of `GET /v1/attempts`: sent by the client, read by the service's route and by the
/// desktop app's command.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttemptQuery {
    /// First day, `YYYY-MM-DD` (default: 30 days ago).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: today).
    pub to: Option<String>,
    /// Only this site.
    pub site: Option<String>,
    /// Only attempts whose name or site contains this text.
    pub q: Option<String>,
    /// Only attempts of this account: a uid, or `this-computer` for those whose account
    /// cannot be told.
    pub account: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u32>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl AttemptQuery {
    fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={}", encode(&v)));
            }
        };
        add("from", self.from.clone());
        add("to", self.to.clone());
        add("site", self.site.clone());
        add("q", self.q.clone());
        add("account", self.account.clone());
        add("limit", self.limit.map(|l| l.to_string()));
        add("cursor", self.cursor.clone());
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Everything but RFC 3986's unreserved characters is encoded in a path segment or query value.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path segment or query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

/// A raw answer.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    etag: Option<String>,
    body: Bytes,
}

/// The local API client.
#[derive(Clone)]
pub struct Client {
    socket: PathBuf,
    token: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("socket", &self.socket)
            .field("token", &self.token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl Client {
    /// A client of the service listening on `socket`.
    pub fn new(socket: impl Into<PathBuf>) -> Client {
        Client {
            socket: socket.into(),
            token: None,
        }
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Uses this parent session token from now on.
    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        if_match: Option<&str>,
    ) -> Result<Reply, Error> {
        let stream =
            UnixStream::connect(&self.socket)
                .await
                .map_err(|source| Error::NotRunning {
                    socket: self.socket.clone(),
                    source,
                })?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "vigie");
        if let Some(token) = &self.token {
            request = request.header(TOKEN_HEADER, format!("Bearer {token}"));
        }
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
        let response = sender.send_request(request).await?;
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Reply { status, etag, body })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl serde::Serialize>,
        if_match: Option<&str>,
    ) -> Result<Versioned<T>, Error> {
        let body = body.map(|b| serde_json::to_vec(b).expect("request bodies serialize"));
        let reply = self.send(method, path, body, if_match).await?;
        let reply = check(reply)?;
        let value = if reply.body.is_empty() {
            serde_json::from_slice(b"null")
        } else {
            serde_json::from_slice(&reply.body)
        }
        .map_err(|e| Error::Decode {
            what: path.to_string(),
            source: Box::new(e),
        })?;
        Ok(Versioned {
            etag: reply.etag.unwrap_or_default(),
            value,
        })
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        Ok(self
            .call::<T>(Method::GET, path, None::<&()>, None)
            .await?
            .value)
    }

    /// `GET /v1/status` (open to everyone).
    pub async fn status(&self) -> Result<Status, Error> {
        self.get("/v1/status").await
    }

    /// `POST /v1/auth/setup`: sets the first parent password and starts a session.
    pub async fn setup(&mut self, password: &str) -> Result<Session, Error> {
        let body = Password {
            password: password.into(),
        };
        let s: Session = self
            .call(Method::POST, "/v1/auth/setup", Some(&body), None)
            .await?
            .value;
        self.token = Some(s.token.clone());
        Ok(s)
    }

    /// `POST /v1/auth/login`: starts a parent session and uses it from now on.
    pub async fn login(&mut self, password: &str) -> Result<Session, Error> {
        let body = Password {
            password: password.into(),
        };
        let s: Session = self
            .call(Method::POST, "/v1/auth/login", Some(&body), None)
            .await?
            .value;
        self.token = Some(s.token.clone());
        Ok(s)
    }

    /// `POST /v1/auth/logout`.
    pub async fn logout(&mut self) -> Result<(), Error> {
        self.call::<()>(Method::POST, "/v1/auth/logout", None::<&()>, None)
            .await?;
        self.token = None;
        Ok(())
    }

    /// `POST /v1/auth/password`: every session, this one included, ends.
    pub async fn change_password(&mut self, current: &str, new: &str) -> Result<(), Error> {
        let body = ChangePassword {
            current: current.into(),
            new: new.into(),
        };
        self.call::<()>(Method::POST, "/v1/auth/password", Some(&body), None)
            .await?;
        self.token = None;
        Ok(())
    }

    /// `POST /v1/auth/reset`: the administrator sets a new parent password without the old one.
    pub async fn reset_password(&self, new: &str) -> Result<(), Error> {
        let body = Password {
            password: new.into(),
        };
        self.call::<()>(Method::POST, "/v1/auth/reset", Some(&body), None)
            .await?;
        Ok(())
    }

    /// `GET /v1/lists`.
    pub async fn lists(&self) -> Result<Vec<ListSummary>, Error> {
        self.get("/v1/lists").await
    }

    /// `GET /v1/lists/{id}`.
    pub async fn list(&self, id: &str) -> Result<ListDetail, Error> {
        self.get(&format!("/v1/lists/{}", encode(id))).await
    }

    /// `PUT /v1/lists/{id}`: turns a list on or off.
    pub async fn set_list_enabled(&self, id: &str, enabled: bool) -> Result<ListSummary, Error> {
        let path = format!("/v1/lists/{}", encode(id));
        Ok(self
            .call(Method::PUT, &path, Some(&ListToggle { enabled }), None)
            .await?
            .value)
    }

    /// `GET /v1/sites`: the parent's own sites, with their version.
    pub async fn sites(&self) -> Result<Versioned<ListDetail>, Error> {
        self.call(Method::GET, "/v1/sites", None::<&()>, None).await
    }

    /// `POST /v1/sites`: blocks anything a parent pastes.
    pub async fn add_site(
        &self,
        input: &str,
        name: Option<&str>,
        if_match: Option<&str>,
    ) -> Result<Added, Error> {
        let body = AddSite {
            input: input.into(),
            name: name.map(String::from),
        };
        Ok(self
            .call(Method::POST, "/v1/sites", Some(&body), if_match)
            .await?
            .value)
    }

    /// `PATCH /v1/sites/{domain}`: renames the site holding `domain`.
    pub async fn rename_site(&self, domain: &str, name: &str) -> Result<(), Error> {
        let path = format!("/v1/sites/{}", encode(domain));
        let body = RenameSite { name: name.into() };
        self.call::<()>(Method::PATCH, &path, Some(&body), None)
            .await
            .map(|_| ())
    }

    /// `DELETE /v1/sites/{domain}`.
    pub async fn remove_site(&self, domain: &str, if_match: Option<&str>) -> Result<(), Error> {
        let path = format!("/v1/sites/{}", encode(domain));
        self.call::<()>(Method::DELETE, &path, None::<&()>, if_match)
            .await
            .map(|_| ())
    }

    /// `GET /v1/allow`: the allowlist, with its version.
    pub async fn allowlist(&self) -> Result<Versioned<ListDetail>, Error> {
        self.call(Method::GET, "/v1/allow", None::<&()>, None).await
    }

    /// `POST /v1/allow`.
    pub async fn allow(&self, input: &str, name: Option<&str>) -> Result<Added, Error> {
        let body = AddSite {
            input: input.into(),
            name: name.map(String::from),
        };
        Ok(self
            .call(Method::POST, "/v1/allow", Some(&body), None)
            .await?
            .value)
    }

    /// `DELETE /v1/allow/{domain}`.
    pub async fn unallow(&self, domain: &str) -> Result<(), Error> {
        let path = format!("/v1/allow/{}", encode(domain));
        self.call::<()>(Method::DELETE, &path, None::<&()>, None)
            .await
            .map(|_| ())
    }

    /// `GET /v1/subscriptions`: the list subscriptions and Vigie's own feed, with the version
    /// of the settings they are kept in.
    pub async fn subscriptions(&self) -> Result<Versioned<Subscriptions>, Error> {
        self.call(Method::GET, "/v1/subscriptions", None::<&()>, None)
            .await
    }

    /// `POST /v1/subscriptions`: subscribes to a list by URL; its first download starts at once.
    pub async fn add_subscription(
        &self,
        body: &AddSubscription,
        if_match: Option<&str>,
    ) -> Result<Subscription, Error> {
        Ok(self
            .call(Method::POST, "/v1/subscriptions", Some(body), if_match)
            .await?
            .value)
    }

    /// `PUT /v1/subscriptions/{id}`: turns a subscription on or off, renames it or changes how
    /// often it is checked.
    pub async fn change_subscription(
        &self,
        id: &str,
        change: &SubscriptionChange,
        if_match: Option<&str>,
    ) -> Result<Subscription, Error> {
        let path = format!("/v1/subscriptions/{}", encode(id));
        Ok(self
            .call(Method::PUT, &path, Some(change), if_match)
            .await?
            .value)
    }

    /// `DELETE /v1/subscriptions/{id}`: also forgets its downloaded copy.
    pub async fn remove_subscription(&self, id: &str, if_match: Option<&str>) -> Result<(), Error> {
        let path = format!("/v1/subscriptions/{}", encode(id));
        self.call::<()>(Method::DELETE, &path, None::<&()>, if_match)
            .await
            .map(|_| ())
    }

    /// `POST /v1/subscriptions/{id}/refresh`: checks it now (in the background; answers 202).
    pub async fn refresh_subscription(&self, id: &str) -> Result<(), Error> {
        let path = format!("/v1/subscriptions/{}/refresh", encode(id));
        self.call::<()>(Method::POST, &path, None::<&()>, None)
            .await
            .map(|_| ())
    }

    /// `PUT /v1/feed`: turns Vigie's own feed on or off, or points it at a mirror.
    pub async fn change_feed(
        &self,
        change: &FeedChange,
        if_match: Option<&str>,
    ) -> Result<VigieFeed, Error> {
        Ok(self
            .call(Method::PUT, "/v1/feed", Some(change), if_match)
            .await?
            .value)
    }

    /// `GET /v1/settings`.
    pub async fn settings(&self) -> Result<Versioned<Settings>, Error> {
        self.call(Method::GET, "/v1/settings", None::<&()>, None)
            .await
    }

    /// `PUT /v1/settings`, which needs the version it edits.
    pub async fn put_settings(
        &self,
        settings: &Settings,
        etag: &str,
    ) -> Result<Versioned<Settings>, Error> {
        self.call(Method::PUT, "/v1/settings", Some(settings), Some(etag))
            .await
    }

    /// `GET /v1/check?name=`.
    pub async fn check(&self, name: &str) -> Result<Check, Error> {
        self.get(&format!("/v1/check?name={}", encode(name))).await
    }

    /// `GET /v1/attempts`.
    pub async fn attempts(&self, query: &AttemptQuery) -> Result<AttemptsPage, Error> {
        self.get(&format!("/v1/attempts{}", query.to_query())).await
    }

    /// `GET /v1/attempts.csv`: the same filters, every page, as CSV.
    pub async fn attempts_csv(&self, query: &AttemptQuery) -> Result<String, Error> {
        let reply = self
            .send(
                Method::GET,
                &format!("/v1/attempts.csv{}", query.to_query()),
                None,
                None,
            )
            .await?;
        let reply = check(reply)?;
        String::from_utf8(reply.body.to_vec()).map_err(|e| Error::Decode {
            what: "/v1/attempts.csv".into(),
            source: Box::new(e),
        })
    }

    /// `GET /v1/attempts/summary?days=`.
    pub async fn summary(&self, days: u32) -> Result<Summary, Error> {
        self.get(&format!("/v1/attempts/summary?days={days}")).await
    }

    /// `POST /v1/pause`.
    pub async fn pause(&self, minutes: u32) -> Result<PauseState, Error> {
        Ok(self
            .call(
                Method::POST,
                "/v1/pause",
                Some(&PauseRequest { minutes }),
                None,
            )
            .await?
            .value)
    }

    /// `POST /v1/resume`.
    pub async fn resume(&self) -> Result<PauseState, Error> {
        Ok(self
            .call(Method::POST, "/v1/resume", None::<&()>, None)
            .await?
            .value)
    }

    /// `GET /v1/notices`: a stream of notices, one per attempt, as they happen.
    pub async fn notices(&self) -> Result<Notices, Error> {
        let stream =
            UnixStream::connect(&self.socket)
                .await
                .map_err(|source| Error::NotRunning {
                    socket: self.socket.clone(),
                    source,
                })?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let request = Request::builder()
            .uri("/v1/notices")
            .header("host", "vigie")
            .header("accept", "text/event-stream")
            .body(Full::new(Bytes::new()))?;
        let response = sender.send_request(request).await?;
        if !response.status().is_success() {
            return Err(Error::Api {
                status: response.status().as_u16(),
                message: "notices refused".into(),
                i18n: None,
            });
        }
        let events = response.into_body().into_data_stream().eventsource();
        Ok(Notices {
            events: Box::pin(events),
        })
    }
}

type Events = dyn Stream<
        Item = Result<
            eventsource_stream::Event,
            eventsource_stream::EventStreamError<hyper::Error>,
        >,
    > + Send;

/// A live stream of notices. Its server-sent events are parsed by `eventsource-stream`, which
/// handles CRLF line ends, multi-line data and a character split across two reads.
pub struct Notices {
    events: Pin<Box<Events>>,
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notices").finish_non_exhaustive()
    }
}

/// One event of the notice stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// An attempt (the default event).
    Notice(Notice),
    /// Protection changed (`event: status`); the first event of every stream.
    Status(ProtectionState),
}

impl Notices {
    /// The next notice; `None` when the service closed the stream. Status events are passed
    /// over (see [`Notices::next_event`]).
    pub async fn next(&mut self) -> Option<Result<Notice, Error>> {
        loop {
            match self.next_event().await? {
                Ok(StreamEvent::Notice(notice)) => return Some(Ok(notice)),
                Ok(StreamEvent::Status(_)) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// The next notice or status change; `None` when the service closed the stream.
    pub async fn next_event(&mut self) -> Option<Result<StreamEvent, Error>> {
        loop {
            let event = match self.events.next().await? {
                Ok(event) => event,
                Err(e) => return Some(Err(Error::Stream(e))),
            };
            if event.data.is_empty() {
                continue; // a comment, such as an older service's keep-alive
            }
            let decode = |e| Error::Decode {
                what: "/v1/notices".into(),
                source: Box::new(e),
            };
            return Some(match event.event.as_str() {
                "status" => serde_json::from_str(&event.data)
                    .map(StreamEvent::Status)
                    .map_err(decode),
                _ => serde_json::from_str(&event.data)
                    .map(StreamEvent::Notice)
                    .map_err(decode),
            });
        }
    }
}

fn check(reply: Reply) -> Result<Reply, Error> {
    if reply.status.is_success() {
        return Ok(reply);
    }
    let (message, i18n) = serde_json::from_slice::<ApiError>(&reply.body)
        .map(|e| (e.error, e.message))
        .unwrap_or_else(|_| (String::from_utf8_lossy(&reply.body).into_owned(), None));
    if reply.status == StatusCode::PRECONDITION_FAILED {
        return Err(Error::Conflict {
            current: reply.etag.unwrap_or_default(),
            message,
        });
    }
    Err(Error::Api {
        status: reply.status.as_u16(),
        message,
        i18n,
    })
}
