//! The console's state: one API client whose parent session token stays here, in Rust.
//! Commands take a copy of the client for each call, so a slow call never holds the others up;
//! only logging in and out write the token back.

use std::path::PathBuf;

use tokio::sync::Mutex;
use vigie_localapi::Client;

/// Managed by Tauri for the console window.
#[derive(Debug)]
pub(crate) struct Console {
    client: Mutex<Client>,
}

impl Console {
    pub(crate) fn new(socket: PathBuf) -> Console {
        Console {
            client: Mutex::new(Client::new(socket)),
        }
    }

    /// A copy of the client, with the current session.
    pub(crate) async fn client(&self) -> Client {
        self.client.lock().await.clone()
    }

    /// Replaces the client (after login, logout or a password change).
    pub(crate) async fn replace(&self, client: Client) {
        *self.client.lock().await = client;
    }
}
