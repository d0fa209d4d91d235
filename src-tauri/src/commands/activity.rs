//! The attempt log: pages, the 30-day summary, and CSV export to the Downloads folder (the
//! page itself has no file system access).

use std::path::PathBuf;

use tauri::State;
use vigie_localapi::{AttemptQuery, AttemptsPage, Summary};

use crate::error::{AppError, Kind, Result};
use crate::state::Console;

/// The page's filters with its empty fields dropped: a cleared search box means no filter.
fn without_blanks(f: AttemptQuery) -> AttemptQuery {
    let some = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    AttemptQuery {
        from: some(f.from),
        to: some(f.to),
        site: some(f.site),
        q: some(f.q),
        account: some(f.account),
        limit: f.limit,
        cursor: some(f.cursor),
    }
}

/// `GET /v1/attempts`.
#[tauri::command]
pub(crate) async fn attempts(
    console: State<'_, Console>,
    filter: AttemptQuery,
) -> Result<AttemptsPage> {
    Ok(console
        .client()
        .await
        .attempts(&without_blanks(filter))
        .await?)
}

/// `GET /v1/attempts/summary`.
#[tauri::command]
pub(crate) async fn summary(console: State<'_, Console>, days: u32) -> Result<Summary> {
    Ok(console.client().await.summary(days).await?)
}

/// Saves every attempt matching `filter` as CSV in the Downloads folder; returns the path.
#[tauri::command]
pub(crate) async fn export_csv(
    console: State<'_, Console>,
    filter: AttemptQuery,
) -> Result<String> {
    let mut query = without_blanks(filter);
    query.cursor = None;
    query.limit = None;
    let csv = console.client().await.attempts_csv(&query).await?;
    let folder = export_folder();
    let today = time::OffsetDateTime::now_utc().date();
    let path = folder.join(format!("vigie-attempts-{today}.csv"));
    let tmp = folder.join(format!(".vigie-attempts-{today}.csv.tmp"));
    let write = std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(&tmp, csv))
        .and_then(|()| std::fs::rename(&tmp, &path));
    write.map_err(|e| {
        AppError::said(
            Kind::Failed,
            vigie_localapi::Message::new("error-export-failed")
                .arg("folder", folder.display().to_string())
                .arg("reason", e.to_string()),
        )
    })?;
    Ok(path.display().to_string())
}

fn export_folder() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.download_dir()
                .map(PathBuf::from)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(std::env::temp_dir)
}
