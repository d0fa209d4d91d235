//! Accepting API connections within bounds a local user cannot exhaust.
//!
//! The socket is open to every account, so each connection costs the caller something and the
//! service a bounded amount: at most [`MAX_PER_UID`] open connections per account (by the
//! socket's peer credentials, so one account's flood never locks out another's, the parent's),
//! [`MAX_CONNECTIONS`] in all, and [`HEADER_TIMEOUT`] to send a request's headers, so idle or
//! half-sent connections do not stay. Hyper serves each connection; axum's router answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::UnixListener;
use tokio::sync::watch;

use super::Peer;

/// Open connections one account may hold (the console, the notifier, a few CLI commands).
pub(crate) const MAX_PER_UID: usize = 32;
/// Open connections in all.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// Time to send a request's headers, the first or the next on a kept-alive connection.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Open connections per account.
#[derive(Debug, Default)]
struct Open {
    by_uid: HashMap<Option<u32>, usize>,
    total: usize,
}

/// A connection's place, given back when it closes.
struct Slot {
    open: Arc<Mutex<Open>>,
    uid: Option<u32>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total -= 1;
        if let Some(n) = open.by_uid.get_mut(&self.uid) {
            *n -= 1;
            if *n == 0 {
                open.by_uid.remove(&self.uid);
            }
        }
    }
}

fn take_slot(open: &Arc<Mutex<Open>>, uid: Option<u32>) -> Option<Slot> {
    let mut o = open.lock().unwrap_or_else(|e| e.into_inner());
    let mine = o.by_uid.get(&uid).copied().unwrap_or(0);
    if mine >= MAX_PER_UID || o.total >= MAX_CONNECTIONS {
        return None;
    }
    o.total += 1;
    *o.by_uid.entry(uid).or_default() += 1;
    Some(Slot {
        open: Arc::clone(open),
        uid,
    })
}

/// Serves `app` on `listener` until `stop` turns true.
pub(crate) async fn serve(listener: UnixListener, app: Router, mut stop: watch::Receiver<bool>) {
    let open = Arc::new(Mutex::new(Open::default()));
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
        let Some(slot) = take_slot(&open, peer.uid) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_account_has_its_own_share_and_slots_come_back() {
        let open = Arc::new(Mutex::new(Open::default()));
        let child: Vec<Slot> = (0..MAX_PER_UID)
            .map(|_| take_slot(&open, Some(1000)).unwrap())
            .collect();
        assert!(
            take_slot(&open, Some(1000)).is_none(),
            "the child's share is full"
        );
        let parent = take_slot(&open, Some(1001));
        assert!(parent.is_some(), "another account still connects");
        drop(child);
        assert!(
            take_slot(&open, Some(1000)).is_some(),
            "closed slots come back"
        );
        drop(parent);
        assert_eq!(open.lock().unwrap().total, 0);
    }
}
