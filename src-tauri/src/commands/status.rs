//! Protection status: open to everyone, so the lock screen can show it too.

use tauri::State;
use vigie_localapi::Status;

use crate::error::Result;
use crate::state::Console;

/// `GET /v1/status`.
#[tauri::command]
pub(crate) async fn status(console: State<'_, Console>) -> Result<Status> {
    Ok(console.client().await.status().await?)
}
