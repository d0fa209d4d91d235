//! The one error type of every command, serialized for the page as `{kind, message, i18n?}`.
//! The kind lets the page react (show the lock screen, the service-down banner, reload after a
//! conflict); the message is already in words for the parent (English for the service's own
//! refusals); `i18n`, when the service gave one, is the same words as a message id and
//! arguments, which the page writes in the console's language.

use serde::Serialize;
use vigie_localapi::Message;

/// What kind of failure, for the page to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    /// The service does not answer: show the banner and keep retrying.
    ServiceDown,
    /// A parent is needed (no session, or it ended): show the lock screen.
    Locked,
    /// Too many wrong passwords: wait.
    Wait,
    /// The input was refused; the message says why.
    Invalid,
    /// Someone else changed this since it was loaded: reload and say so.
    Conflict,
    /// Anything else.
    Failed,
}

/// A command's failure.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{message}")]
pub(crate) struct AppError {
    pub(crate) kind: Kind,
    pub(crate) message: String,
    /// The service's words as a message of `locales/`, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) i18n: Option<Message>,
}

impl AppError {
    /// A failure in the words of a message of `locales/`: English in `message`, the id and
    /// arguments in `i18n` for the page.
    pub(crate) fn said(kind: Kind, message: Message) -> AppError {
        AppError {
            kind,
            message: vigie_i18n::Lang::En.render(&message),
            i18n: Some(message),
        }
    }
}

impl From<vigie_localapi::Error> for AppError {
    fn from(e: vigie_localapi::Error) -> AppError {
        use vigie_localapi::Error as E;
        let kind = match &e {
            E::NotRunning { .. } | E::Http(_) => Kind::ServiceDown,
            E::Conflict { .. } => Kind::Conflict,
            E::Api { status: 401, .. } => Kind::Locked,
            E::Api { status: 429, .. } => Kind::Wait,
            E::Api {
                status: 400 | 404 | 409 | 413 | 422 | 428,
                ..
            } => Kind::Invalid,
            _ => Kind::Failed,
        };
        match (&e, kind) {
            (_, Kind::ServiceDown) => AppError::said(kind, Message::new("error-service-down")),
            (E::Conflict { .. }, _) => AppError::said(kind, Message::new("error-conflict")),
            _ => AppError {
                kind,
                message: e.to_string(),
                i18n: e.i18n().cloned(),
            },
        }
    }
}

/// What every command returns.
pub(crate) type Result<T> = std::result::Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_map_to_kinds_the_page_acts_on() {
        let down = vigie_localapi::Error::NotRunning {
            socket: "/nowhere".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        let down = AppError::from(down);
        assert_eq!(down.kind, Kind::ServiceDown);
        assert!(down.message.starts_with("Vigie's service is not answering"));
        assert_eq!(down.i18n, Some(Message::new("error-service-down")));
        let locked = vigie_localapi::Error::Api {
            status: 401,
            message: "a parent is needed".into(),
            i18n: None,
        };
        let e = AppError::from(locked);
        assert_eq!(
            (e.kind, e.message.as_str()),
            (Kind::Locked, "a parent is needed")
        );
        let stale = vigie_localapi::Error::Conflict {
            current: "\"x\"".into(),
            message: "stale".into(),
        };
        assert_eq!(AppError::from(stale).kind, Kind::Conflict);
        let json = serde_json::to_value(AppError {
            kind: Kind::Invalid,
            message: "no".into(),
            i18n: None,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid", "message": "no"})
        );
    }

    #[test]
    fn the_services_message_reaches_the_page() {
        let refused = vigie_localapi::Error::Api {
            status: 422,
            message: "\"1.2.3.4\" is an IP address…".into(),
            i18n: Some(Message::new("reason-ip-address").arg("name", "1.2.3.4")),
        };
        let json = serde_json::to_value(AppError::from(refused)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "invalid",
                "message": "\"1.2.3.4\" is an IP address…",
                "i18n": {"id": "reason-ip-address", "args": {"name": "1.2.3.4"}}
            })
        );
    }
}
