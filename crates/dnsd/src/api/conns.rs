//! Accepting API connections within bounds a local user cannot exhaust.
//!
//! The socket is open to every account, so each connection costs the caller something and the
//! service a bounded amount: at most [`MAX_PER_UID`] open connections per account (by the
//! socket's peer credentials, so one account's flood never locks out another's, the parent's),
//! [`MAX_CONNECTIONS`] in all, and [`HEADER_TIMEOUT`] to send a request's headers, so idle or
//! half-sent connections do not stay. Hyper serves each connection; axum's router answers.

use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::UnixListener;
use tokio::sync::watch;

use super::Peer;
use crate::shares::Shares;

/// Open connections one account may hold (the console, the notifier, a few CLI commands).
pub(crate) const MAX_PER_UID: usize = 32;
/// Open connections in all.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// Time to send a request's headers, the first or the next on a kept-alive connection.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `stop` turns true.
pub(crate) async fn serve(listener: UnixListener, app: Router, mut stop: watch::Receiver<bool>) {
    let open = Shares::new(MAX_PER_UID, MAX_CONNECTIONS);
    loop {
        let stream = tokio::select! {
            _ = stop.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::debug!("the API could not accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let peer = Peer {
            uid: stream.peer_cred().ok().map(|c| c.uid()),
        };
        let Some(slot) = open.take(peer.uid) else {
            // Closed at once: this account (or everyone) already holds all it may.
            drop(stream);
            continue;
        };
        let service =
            TowerToHyperService::new(app.clone().layer(axum::Extension(ConnectInfo(peer))));
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => connection.as_mut().graceful_shutdown(),
            }
        });
    }
}
