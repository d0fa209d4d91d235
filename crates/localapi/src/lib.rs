//! Vigie's local API: the types of every request and response, and a client.
//!
//! The service serves this API as HTTP/1.1 + JSON under `/v1` on a local socket (a Unix domain
//! socket on Linux; a named pipe on Windows can implement the same client later). No TCP port
//! means no web page can reach it. The command line and the desktop app both go through
//! [`Client`]; neither talks to the service any other way.

mod client;
mod paths;
pub mod types;

use std::path::PathBuf;

pub use client::{AttemptQuery, Client, Notices, StreamEvent, Versioned, encode};
pub use paths::{
    INSTALLED_RUNTIME_DIR, dev_runtime_dir, runtime_dir, socket_from_args, socket_path,
};
pub use types::*;
/// The settings document of `GET/PUT /v1/settings`: the same model as `settings.toml`.
pub use vigie_policy::RawSettings as Settings;

/// What can go wrong when talking to the service.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing listens on the socket: the service is not running (or not here).
    #[error(
        "Vigie's service is not running (nothing answers at {}): start it with `vigie run --dev`, or `sudo systemctl start vigie` once installed",
        socket.display()
    )]
    NotRunning {
        /// The socket tried.
        socket: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP exchange failed.
    #[error("talking to Vigie's service failed: {0}")]
    Http(#[from] hyper::Error),
    /// A request could not be built (a header value the caller gave is not valid).
    #[error("the request to Vigie's service could not be built: {0}")]
    Request(#[from] hyper::http::Error),
    /// The notice stream broke.
    #[error("the notice stream from Vigie's service broke: {0}")]
    Stream(#[source] eventsource_stream::EventStreamError<hyper::Error>),
    /// The service refused the request, with its reason.
    #[error("{message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The service's reason (English).
        message: String,
        /// The same reason as a message id and arguments, when the service gave one.
        i18n: Option<Message>,
    },
    /// Someone else changed the resource since it was read.
    #[error("{message}")]
    Conflict {
        /// The version in force now.
        current: String,
        /// The service's words.
        message: String,
    },
    /// The answer was not what this client understands.
    #[error("unexpected answer from Vigie's service to {what}: {source}")]
    Decode {
        /// The endpoint (or stream) whose answer did not decode.
        what: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No home folder to find the dev service's runtime folder in.
    #[error("no home folder was found for the dev service's files; pass --runtime-dir")]
    NoHome,
    /// A desktop program's command line is not `[--dev | --runtime-dir DIR]`; the text ends with
    /// the usage line.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The service's reason as a message id and arguments, when it gave one.
    pub fn i18n(&self) -> Option<&Message> {
        match self {
            Error::Api { i18n, .. } => i18n.as_ref(),
            _ => None,
        }
    }

    /// The HTTP status, for API refusals.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Conflict { .. } => Some(412),
            _ => None,
        }
    }
}
