//! The parent password and session: first-run setup, unlock, lock, change. The token the
//! service returns is kept in [`Console`]; the page only learns whether it is unlocked.

use serde::Serialize;
use tauri::State;

use crate::error::{AppError, Kind, Result};
use crate::state::Console;
use vigie_localapi::Message;

/// What the page needs to choose between first run, lock screen and console.
#[derive(Debug, Serialize)]
pub(crate) struct Session {
    /// A parent password exists.
    password_set: bool,
    /// Parent data can be read now (a live session, or this user is a parent).
    unlocked: bool,
}

/// Whether the console is unlocked; asks the service rather than trusting a flag.
#[tauri::command]
pub(crate) async fn session(console: State<'_, Console>) -> Result<Session> {
    let client = console.client().await;
    let status = client.status().await?;
    let unlocked = match client.lists().await {
        Ok(_) => true,
        Err(e) => match AppError::from(e) {
            e if e.kind == Kind::Locked => false,
            e => return Err(e),
        },
    };
    Ok(Session {
        password_set: status.password_set,
        unlocked,
    })
}

/// First run: sets the parent password and unlocks.
#[tauri::command]
pub(crate) async fn setup(console: State<'_, Console>, password: String) -> Result<()> {
    let mut client = console.client().await;
    client.setup(&password).await?;
    console.replace(client).await;
    Ok(())
}

/// Unlocks with the parent password.
#[tauri::command]
pub(crate) async fn login(console: State<'_, Console>, password: String) -> Result<()> {
    let mut client = console.client().await;
    match client.login(&password).await {
        Ok(_) => {}
        Err(e) => {
            let e = AppError::from(e);
            return Err(match e.kind {
                Kind::Locked => AppError::said(Kind::Invalid, Message::new("error-wrong-password")),
                _ => e,
            });
        }
    }
    console.replace(client).await;
    Ok(())
}

/// Ends the session. The token is forgotten even if the service cannot be told.
#[tauri::command]
pub(crate) async fn lock(console: State<'_, Console>) -> Result<()> {
    let mut client = console.client().await;
    let told = client.logout().await;
    client.set_token(None);
    console.replace(client).await;
    match told {
        Ok(()) => Ok(()),
        Err(e) => match AppError::from(e) {
            e if e.kind == Kind::Locked => Ok(()),
            e => Err(e),
        },
    }
}

/// Changes the parent password; every session ends, so the page returns to the lock screen.
#[tauri::command]
pub(crate) async fn change_password(
    console: State<'_, Console>,
    current: String,
    new: String,
) -> Result<()> {
    let mut client = console.client().await;
    match client.change_password(&current, &new).await {
        Ok(()) => {
            console.replace(client).await;
            Ok(())
        }
        Err(e) => Err(match AppError::from(e) {
            e if e.kind == Kind::Locked => {
                AppError::said(Kind::Invalid, Message::new("error-current-password-wrong"))
            }
            e => e,
        }),
    }
}
