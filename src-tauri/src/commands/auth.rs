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
///
/// On an installed system only the computer's administrator may choose the first password (a
/// child opening the console first must not become the parent). The service says so, and the
/// console then asks for the administrator's password through polkit (`pkexec vigie password
/// set`, which the desktop shows as its usual authentication dialog) and signs in with the
/// new password. Someone who cannot give it is told to ask a parent.
#[tauri::command]
pub(crate) async fn setup(console: State<'_, Console>, password: String) -> Result<()> {
    let mut client = console.client().await;
    match client.setup(&password).await {
        Ok(_) => {}
        Err(e) => {
            let e = AppError::from(e);
            if e.i18n.as_ref().map(|m| m.id.as_str()) != Some("api-setup-needs-administrator") {
                return Err(e);
            }
            set_as_administrator(&password).await?;
            client.login(&password).await?;
        }
    }
    console.replace(client).await;
    Ok(())
}

/// `pkexec vigie password set`, the password on its standard input (never on a command line,
/// where other users could read it).
async fn set_as_administrator(password: &str) -> Result<()> {
    let refused = || {
        AppError::said(
            Kind::Invalid,
            Message::new("error-setup-needs-administrator"),
        )
    };
    let vigie = vigie_binary();
    let password = format!("{password}\n");
    let outcome = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = std::process::Command::new("pkexec")
            .arg(vigie)
            .args(["password", "set"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(password.as_bytes())?;
        }
        child.wait_with_output()
    })
    .await
    .map_err(|_| refused())?;
    match outcome {
        Ok(out) if out.status.success() => Ok(()),
        // 126: the dialog was dismissed or the password refused; 127: not authorized. Any
        // other failure (no pkexec on this computer) ends the same way for the person here.
        _ => Err(refused()),
    }
}

/// The `vigie` command: next to the console when installed together, else on the `PATH`.
fn vigie_binary() -> std::path::PathBuf {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("vigie")))
        .filter(|p| p.is_file());
    beside.unwrap_or_else(|| std::path::PathBuf::from("/usr/bin/vigie"))
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
