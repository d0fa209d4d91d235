//! The settings document (upstream, block mode, notices, retention, the console's language) and
//! pausing protection.

use tauri::State;
use vigie_localapi::{PauseState, Settings, Versioned};

use crate::error::Result;
use crate::state::Console;

/// `GET /v1/settings`: `{etag, value}`.
#[tauri::command]
pub(crate) async fn get_settings(console: State<'_, Console>) -> Result<Versioned<Settings>> {
    Ok(console.client().await.settings().await?)
}

/// `PUT /v1/settings` with the version the page edited; a stale version is a conflict.
#[tauri::command]
pub(crate) async fn put_settings(
    console: State<'_, Console>,
    settings: Settings,
    etag: String,
) -> Result<Versioned<Settings>> {
    Ok(console
        .client()
        .await
        .put_settings(&settings, &etag)
        .await?)
}

/// `POST /v1/pause`.
#[tauri::command]
pub(crate) async fn pause(console: State<'_, Console>, minutes: u32) -> Result<PauseState> {
    Ok(console.client().await.pause(minutes).await?)
}

/// `POST /v1/resume`.
#[tauri::command]
pub(crate) async fn resume(console: State<'_, Console>) -> Result<PauseState> {
    Ok(console.client().await.resume().await?)
}
