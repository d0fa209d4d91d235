//! The settings document (upstream, block mode, notices, retention) and pausing protection.

use serde::Serialize;
use tauri::State;
use vigie_localapi::{PauseState, Settings};

use crate::error::Result;
use crate::state::Console;

/// The settings with the version they were read at.
#[derive(Debug, Serialize)]
pub(crate) struct Versioned {
    etag: String,
    settings: Settings,
}

/// `GET /v1/settings`.
#[tauri::command]
pub(crate) async fn get_settings(console: State<'_, Console>) -> Result<Versioned> {
    let v = console.client().await.settings().await?;
    Ok(Versioned {
        etag: v.etag,
        settings: v.value,
    })
}

/// `PUT /v1/settings` with the version the page edited; a stale version is a conflict.
#[tauri::command]
pub(crate) async fn put_settings(
    console: State<'_, Console>,
    settings: Settings,
    etag: String,
) -> Result<Versioned> {
    let v = console
        .client()
        .await
        .put_settings(&settings, &etag)
        .await?;
    Ok(Versioned {
        etag: v.etag,
        settings: v.value,
    })
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
