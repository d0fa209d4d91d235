//! The shipped lists (and lists dropped into the config folder): summaries, their sites, on/off.

use tauri::State;
use vigie_localapi::{ListDetail, ListSummary};

use crate::error::Result;
use crate::state::Console;

/// `GET /v1/lists`.
#[tauri::command]
pub(crate) async fn lists(console: State<'_, Console>) -> Result<Vec<ListSummary>> {
    Ok(console.client().await.lists().await?)
}

/// `GET /v1/lists/{id}`.
#[tauri::command]
pub(crate) async fn list_detail(console: State<'_, Console>, id: String) -> Result<ListDetail> {
    Ok(console.client().await.list(&id).await?)
}

/// `PUT /v1/lists/{id}`.
#[tauri::command]
pub(crate) async fn set_list_enabled(
    console: State<'_, Console>,
    id: String,
    enabled: bool,
) -> Result<ListSummary> {
    Ok(console
        .client()
        .await
        .set_list_enabled(&id, enabled)
        .await?)
}
