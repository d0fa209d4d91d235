//! The files the API edits and their versions; they are written through `crate::files`.
//!
//! The version (ETag) of a file is a hash of its bytes, so hand edits change it exactly like API
//! edits do, and two editors can never overwrite each other unknowingly.

use std::path::{Path, PathBuf};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigie_policy::RawSettings;

use super::{Api, Failure};

use sha2::{Digest, Sha256};
use vigie_policy::{Action, ListFile, ListInfo, Text};

/// The version of a file's content (`"absent"` for no file), quoted as HTTP wants.
pub(crate) fn etag(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "\"absent\"".into(),
        Some(b) => {
            let digest = Sha256::digest(b);
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            format!("\"{hex}\"")
        }
    }
}

/// Reads settings.toml as the API edits it: raw, with its version.
pub(super) fn read_settings(api: &Api) -> Result<(RawSettings, String), Failure> {
    let path = api.config.join(vigie_policy::SETTINGS_FILE);
    let bytes = crate::files::read(&path)
        .map_err(|e| Failure::internal(format!("{}: {e}", path.display())))?;
    let tag = etag(bytes.as_deref());
    let raw = match &bytes {
        None => RawSettings::default(),
        Some(b) => {
            let text = String::from_utf8_lossy(b);
            RawSettings::parse(&text, &path).map_err(|e| {
                Failure::said(
                    StatusCode::CONFLICT,
                    vigie_policy::Message::new("api-settings-broken").arg("problem", e.message()),
                )
            })?
        }
    };
    Ok((raw, tag))
}

/// Writes a config file and reloads; returns once the new policy is in force.
pub(super) async fn apply(api: &Api, path: &std::path::Path, text: &str) -> Result<(), Failure> {
    crate::files::write_atomic(path, text.as_bytes(), 0o644)
        .map_err(|e| Failure::internal(format!("{} could not be written: {e}", path.display())))?;
    crate::reload::reload(&api.shared, &api.config, &api.journal)
        .await
        .map(|_| ())
        .map_err(|e| {
            let problem = api
                .shared
                .reload
                .lock()
                .expect("reload state")
                .last_error_message
                .clone()
                .map_or(vigie_policy::Arg::Text(e), vigie_policy::Arg::Message);
            Failure::said(
                StatusCode::CONFLICT,
                vigie_policy::Message::new("api-saved-not-in-force").arg("problem", problem),
            )
        })
}

/// A JSON body with its version in the ETag header.
pub(super) fn json_with_etag<T: serde::Serialize>(value: &T, etag: &str) -> Response {
    let mut r = axum::Json(value).into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// The two list files the API edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Editable {
    /// The parent's own blocked sites.
    Sites,
    /// The allowlist.
    Allow,
}

impl Editable {
    pub(crate) fn id(self) -> &'static str {
        match self {
            Editable::Sites => "my-sites",
            Editable::Allow => "allowed",
        }
    }

    pub(crate) fn path(self, config: &Path) -> PathBuf {
        config
            .join(vigie_policy::LISTS_DIR)
            .join(format!("{}.toml", self.id()))
    }

    /// The list as it starts out, before the parent adds anything.
    pub(crate) fn empty(self) -> ListFile {
        // In French too: the block page names the list to a child in the browser's language.
        let (name, description, action) = match self {
            Editable::Sites => (
                Text::plain("My blocked sites").with("fr", "Mes sites bloqués"),
                Text::plain("Sites a parent added on this computer.")
                    .with("fr", "Les sites qu’un parent a ajoutés sur cet ordinateur."),
                Action::Block,
            ),
            Editable::Allow => (
                Text::plain("Allowed sites").with("fr", "Sites autorisés"),
                Text::plain(
                    "Sites a parent allowed on this computer, even when a list blocks them.",
                )
                .with(
                    "fr",
                    "Les sites qu’un parent a autorisés sur cet ordinateur, même quand une liste les bloque.",
                ),
                Action::Allow,
            ),
        };
        ListFile {
            list: ListInfo {
                id: self.id().into(),
                name,
                description,
                category: "parent".into(),
                enabled_by_default: true,
                action,
                sequence: None,
            },
            brands: Vec::new(),
            sites: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_content() {
        assert_eq!(etag(None), "\"absent\"");
        assert_eq!(etag(Some(b"a")), etag(Some(b"a")));
        assert_ne!(etag(Some(b"a")), etag(Some(b"b")));
    }
}
