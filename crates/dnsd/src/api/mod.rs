//! The local API: HTTP/1.1 + JSON under `/v1` on a Unix socket, the way tailscaled and dockerd
//! serve theirs. Without a TCP port no web page can reach it, so there is no CSRF or DNS
//! rebinding to defend against; the child is the one adversary, sitting at the same computer.
//!
//! Every local user may connect (the socket is 0666): status and the notice stream are open to
//! all, because the child's own desktop shows the notices. Everything else needs a parent:
//! either the calling user is listed in `[parents] uids` (the kernel's peer credentials say who
//! is calling; nobody can fake them) or the request carries a session token from a login with
//! the parent password. The server enforces this on every route; nothing relies on the client.
//!
//! Edits are applied by writing the config files atomically and reloading at once, so the answer
//! returns when the new policy is in force, and a parent's hand edits of the same files go
//! through the same path. Each editable resource has an ETag; a write carrying a stale
//! `If-Match` gets 412 with the current version instead of overwriting someone's change.

mod attempts;
pub(crate) mod auth;
mod check;
mod conns;
mod lists;
mod notices;
mod routes;
mod session;
mod settings;
mod status;
pub(crate) mod store;
mod subscriptions;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::UnixListener;
use tokio::sync::watch;
use vigie_i18n::Lang;
use vigie_localapi::{ApiError, Message, TOKEN_HEADER};

use crate::state::Shared;
use auth::Auth;

/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024;

/// What the API's handlers share.
#[derive(Debug)]
pub(crate) struct Api {
    pub(crate) shared: Arc<Shared>,
    pub(crate) auth: Auth,
    pub(crate) config: PathBuf,
    pub(crate) journal: PathBuf,
    events: PathBuf,
    /// Edits go one at a time: read, check the version, write, reload.
    pub(crate) writes: tokio::sync::Mutex<()>,
    /// What the installed redirect check last found (`active`, `restored`, `failed`).
    pub(crate) redirect_state: PathBuf,
    /// One password hash at a time, on one thread (see [`Api::hashed`]).
    pub(crate) hash_lane: tokio::sync::Mutex<std::sync::mpsc::Sender<HashJob>>,
    /// When each parent was last alerted about each site.
    pub(crate) alerts: notices::Alerts,
}

/// Who is calling, from the socket's peer credentials.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer {
    pub(crate) uid: Option<u32>,
}

/// A refusal: status, reason (in English, and as a message when there is one), and the
/// current version for 412.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    reason: String,
    message: Option<Message>,
    etag: Option<String>,
}

impl Failure {
    /// A refusal in English words. When they are the words of a message of `locales/en`
    /// (`api-*`, or a policy file's problem), that message goes along, so the console can
    /// show them in the parent's language.
    pub(crate) fn new(status: StatusCode, reason: impl Into<String>) -> Failure {
        let reason = reason.into();
        Failure {
            status,
            message: recognized(&reason),
            reason,
            etag: None,
        }
    }
    /// A refusal in the words of a message of `locales/`: English in `error`, the id and
    /// arguments in `message`.
    pub(crate) fn said(status: StatusCode, message: Message) -> Failure {
        Failure {
            status,
            reason: Lang::En.render(&message),
            message: Some(message),
            etag: None,
        }
    }
    /// A name or a file the policy refused: its words and its message.
    pub(crate) fn policy(status: StatusCode, error: &vigie_policy::Error) -> Failure {
        Failure {
            status,
            reason: error.to_string(),
            message: Some(error.message()),
            etag: None,
        }
    }
    /// A pasted name that cannot be a site: 422 with the policy's reason.
    pub(crate) fn refused(error: &vigie_policy::Error) -> Failure {
        Failure::policy(StatusCode::UNPROCESSABLE_ENTITY, error)
    }
    pub(crate) fn bad(reason: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, reason)
    }
    pub(crate) fn unprocessable(reason: impl Into<String>) -> Failure {
        Failure::new(StatusCode::UNPROCESSABLE_ENTITY, reason)
    }
    pub(crate) fn not_found(reason: impl Into<String>) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, reason)
    }
    pub(crate) fn internal(reason: impl Into<String>) -> Failure {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, reason)
    }
    pub(crate) fn stale(current: String) -> Failure {
        Failure {
            etag: Some(current),
            ..Failure::said(StatusCode::PRECONDITION_FAILED, Message::new("api-stale"))
        }
    }
}

/// The message that wrote `reason`: an `api-*` message, or a problem of a file named by its
/// full path (`file-error-*`), with a reason or problem inside it read back too.
fn recognized(reason: &str) -> Option<Message> {
    let mut message = vigie_i18n::recognize(reason, &["api-"]).or_else(|| {
        vigie_i18n::recognize(reason, &["file-error-setting", "file-error-at"]).filter(|m| {
            matches!(m.args.get("file"), Some(vigie_localapi::Arg::Text(f)) if f.starts_with('/'))
        })
    })?;
    for name in ["reason", "problem"] {
        if let Some(vigie_localapi::Arg::Text(inner)) = message.args.get(name) {
            let deeper = match vigie_policy::reasons::recognize(inner) {
                vigie_localapi::Arg::Message(m) => Some(m),
                _ => vigie_i18n::recognize(inner, &["reason-", "file-error-setting"]),
            };
            if let Some(m) = deeper {
                message
                    .args
                    .insert(name.into(), vigie_localapi::Arg::Message(m));
            }
        }
    }
    Some(message)
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = ApiError {
            error: self.reason,
            message: self.message,
        };
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(tag) = self.etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
            r.headers_mut().insert(header::ETAG, tag);
        }
        r
    }
}

/// A JSON body whose every rejection (bad JSON, unknown field, too large, wrong type) is a 4xx
/// with the parser's own words, which name the field or the position.
#[derive(Debug)]
pub(crate) struct Body<T>(pub(crate) T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => {
                let status = rejection.status();
                let mut reason = rejection.body_text();
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    reason = format!("the request is larger than {MAX_BODY} bytes");
                }
                Err(Failure::new(status, reason))
            }
        }
    }
}

/// A password check for the hashing thread.
pub(crate) type HashJob = Box<dyn FnOnce() + Send>;

/// Starts the thread that runs every password check; it ends when the API is dropped.
fn hashing_thread() -> std::sync::mpsc::Sender<HashJob> {
    let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
    let spawned = std::thread::Builder::new()
        .name("password-check".into())
        .spawn(move || {
            for job in rx {
                job();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("the password-check thread could not start: {e}");
    }
    tx
}

impl Api {
    /// Whether the caller is root or the service's own account (the one `run --dev` runs as).
    pub(crate) fn root_or_service(&self, peer: Peer) -> bool {
        peer.uid
            .is_some_and(|uid| uid == 0 || uid == rustix::process::geteuid().as_raw())
    }

    /// Whether the caller may choose the first parent password: root, the service's account or
    /// a listed parent.
    pub(crate) fn administrator(&self, peer: Peer) -> bool {
        self.root_or_service(peer)
            || peer.uid.is_some_and(|uid| {
                self.shared
                    .current()
                    .policy
                    .settings
                    .parent_uids
                    .contains(&uid)
            })
    }

    /// Runs a password check on the service's one hashing thread, one at a time: argon2 costs
    /// ~19 MiB and tens of milliseconds per hash, so parallel guesses must neither multiply the
    /// memory nor slip past the throttle, which the check reads and updates while it holds the
    /// lane. One thread, rather than the blocking pool, so that the allocator reuses the same
    /// memory for every hash instead of keeping a copy per pool thread.
    pub(crate) async fn hashed<T: Send + 'static>(
        self: &Arc<Self>,
        check: impl FnOnce(&Auth) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        let lane = self.hash_lane.lock().await;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let api = Arc::clone(self);
        let job: HashJob = Box::new(move || {
            let _ = tx.send(check(&api.auth));
        });
        lane.send(job)
            .map_err(|_| Failure::internal("the password checker stopped"))?;
        rx.await
            .map_err(|_| Failure::internal("the password check failed"))
    }

    /// Refuses the request unless it comes from a parent.
    pub(crate) fn parent(&self, peer: Peer, headers: &HeaderMap) -> Result<(), Failure> {
        if let Some(uid) = peer.uid
            && self
                .shared
                .current()
                .policy
                .settings
                .parent_uids
                .contains(&uid)
        {
            return Ok(());
        }
        match bearer(headers) {
            Some(token) if self.auth.valid(token) => Ok(()),
            Some(_) => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "the parent session has ended (it expired, or someone logged out or changed the password): log in again",
            )),
            None => Err(Failure::new(
                StatusCode::UNAUTHORIZED,
                "this needs a parent: log in with the parent password first",
            )),
        }
    }

    /// Appends one line to the service's event log (pauses, password changes), for parents.
    pub(crate) fn event(&self, peer: Peer, event: &str, detail: &str) {
        let line = serde_json::json!({
            "time": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "event": event,
            "uid": peer.uid,
            "detail": detail,
        });
        let result = (|| {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            if let Some(dir) = self.events.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .mode(0o600)
                .open(&self.events)?;
            writeln!(f, "{line}")
        })();
        if let Err(e) = result {
            tracing::warn!(
                "the event log {} could not be written: {e}",
                self.events.display()
            );
        }
    }
}

/// The token of an `authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(TOKEN_HEADER)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The `If-Match` version of a request, if any.
pub(crate) fn if_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}

/// Binds the socket at `path`: any local user may connect; the server decides what each may do.
/// A socket left by a crashed instance is replaced; one with a live service behind it is not.
pub(crate) async fn bind(path: &Path) -> Result<UnixListener> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    if path.exists() {
        if tokio::net::UnixStream::connect(path).await.is_ok() {
            bail!(
                "another Vigie service already answers at {}",
                path.display()
            );
        }
        std::fs::remove_file(path)
            .with_context(|| format!("cannot replace the stale socket {}", path.display()))?;
    }
    let listener = UnixListener::bind(path)
        .with_context(|| format!("cannot create the API socket {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))
        .with_context(|| format!("cannot open {} to local users", path.display()))?;
    Ok(listener)
}

/// Serves the API on `listener` until `stop` turns true.
pub(crate) fn serve(
    shared: Arc<Shared>,
    listener: UnixListener,
    socket: PathBuf,
    config: PathBuf,
    data: &Path,
    journal: PathBuf,
    stop: watch::Receiver<bool>,
) {
    let api = Arc::new(Api {
        shared,
        auth: Auth::new(data.join("parent-password")),
        config,
        journal,
        events: data.join("events.jsonl"),
        writes: tokio::sync::Mutex::new(()),
        hash_lane: tokio::sync::Mutex::new(hashing_thread()),
        alerts: Default::default(),
        redirect_state: socket
            .parent()
            .unwrap_or(Path::new("/run/vigie"))
            .join("redirect.state"),
    });
    let app = routes::router(api);
    tokio::spawn(async move {
        conns::serve(listener, app, stop).await;
        let _ = std::fs::remove_file(&socket);
    });
}

/// Cuts what a caller sent before echoing it in an error.
pub(crate) fn short(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_refusals_carry_the_message_that_wrote_them() {
        let f = Failure::new(StatusCode::UNAUTHORIZED, "wrong password");
        assert_eq!(f.message, Some(Message::new("api-wrong-password")));
        let f = Failure::unprocessable("the password needs at least 8 characters");
        let m = f.message.expect("a message");
        assert_eq!(m.id, "api-password-too-short");
        assert_eq!(Lang::En.render(&m), f.reason);
        assert!(Lang::Fr.render(&m).contains('8'));
        // A settings problem, as `PUT /v1/settings` words it.
        let e = vigie_policy::RawSettings::parse(
            "listen = [\"here\"]\n",
            Path::new("/etc/vigie/settings.toml"),
        )
        .unwrap()
        .validate(Path::new("/etc/vigie/settings.toml"))
        .unwrap_err();
        let f = Failure::unprocessable(e.to_string());
        let m = f.message.expect("a message");
        assert_eq!(m, e.message());
        assert!(
            Lang::Fr
                .render(&m)
                .contains("n’est pas une adresse avec un port")
        );
        let f = Failure::bad("Failed to deserialize the JSON body: expected value at line 1");
        assert_eq!(f.message, None);
    }
}
