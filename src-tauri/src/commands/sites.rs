//! The parent's own sites and the allowlist, the paste-anything preview and "Test a name".
//!
//! The preview runs `vigie-policy`'s own normalization (the same function the service applies
//! when it saves), so what the parent sees before saving is exactly what will be saved; it
//! needs no service and no session.

use serde::Serialize;
use tauri::State;
use vigie_localapi::{Added, Check, ListDetail, Versioned};
use vigie_policy::{Domain, Message};

use crate::error::Result;
use crate::state::Console;

/// `GET /v1/sites`: the list with the version it was read at, `{etag, value}`.
#[tauri::command]
pub(crate) async fn my_sites(console: State<'_, Console>) -> Result<Versioned<ListDetail>> {
    Ok(console.client().await.sites().await?)
}

/// `POST /v1/sites` with the version the page showed, so a change made elsewhere meanwhile is
/// reported instead of silently merged.
#[tauri::command]
pub(crate) async fn add_site(
    console: State<'_, Console>,
    input: String,
    name: Option<String>,
    etag: Option<String>,
) -> Result<Added> {
    let name = name.filter(|n| !n.trim().is_empty());
    let client = console.client().await;
    Ok(client
        .add_site(
            &input,
            name.as_deref(),
            etag.as_deref().filter(|e| !e.is_empty()),
        )
        .await?)
}

/// `DELETE /v1/sites/{domain}`.
#[tauri::command]
pub(crate) async fn remove_site(console: State<'_, Console>, domain: String) -> Result<()> {
    Ok(console.client().await.remove_site(&domain, None).await?)
}

/// `GET /v1/allow`: `{etag, value}`.
#[tauri::command]
pub(crate) async fn allowlist(console: State<'_, Console>) -> Result<Versioned<ListDetail>> {
    Ok(console.client().await.allowlist().await?)
}

/// `POST /v1/allow`.
#[tauri::command]
pub(crate) async fn allow(
    console: State<'_, Console>,
    input: String,
    name: Option<String>,
) -> Result<Added> {
    let name = name.filter(|n| !n.trim().is_empty());
    Ok(console
        .client()
        .await
        .allow(&input, name.as_deref())
        .await?)
}

/// `DELETE /v1/allow/{domain}`.
#[tauri::command]
pub(crate) async fn unallow(console: State<'_, Console>, domain: String) -> Result<()> {
    Ok(console.client().await.unallow(&domain).await?)
}

/// What a pasted text would be saved as, or why it would be refused.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub(crate) enum Preview {
    /// Nothing typed yet.
    Empty,
    /// It would be saved as this domain (and shown as `unicode`).
    Domain { domain: String, unicode: String },
    /// It would be refused, for this reason (in English, and as a message for the page).
    Refused { reason: String, message: Message },
}

pub(crate) fn preview(input: &str) -> Preview {
    if input.trim().is_empty() {
        return Preview::Empty;
    }
    match Domain::parse(input) {
        Ok(d) => {
            let d = d.without_www();
            Preview::Domain {
                domain: d.as_str().to_string(),
                unicode: d.to_unicode(),
            }
        }
        Err(e) => Preview::Refused {
            reason: e.to_string(),
            message: e.message(),
        },
    }
}

/// The live preview of the paste-anything input.
#[tauri::command]
pub(crate) fn preview_site(input: String) -> Preview {
    preview(&input)
}

/// `GET /v1/check`: the decision for a name and its reason.
#[tauri::command]
pub(crate) async fn check_name(console: State<'_, Console>, name: String) -> Result<Check> {
    Ok(console.client().await.check(&name).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_matches_what_the_service_saves() {
        assert_eq!(
            preview("https://www.Example-Chat.test/room"),
            Preview::Domain {
                domain: "example-chat.test".into(),
                unicode: "example-chat.test".into()
            }
        );
        assert_eq!(preview("  "), Preview::Empty);
        match preview("1.2.3.4") {
            Preview::Refused { reason, message } => {
                assert!(reason.contains("IP address"), "{reason}");
                assert_eq!(message.id, "reason-ip-address");
                assert_eq!(vigie_i18n::Lang::En.render(&message), reason);
            }
            other => panic!("{other:?}"),
        }
    }
}
