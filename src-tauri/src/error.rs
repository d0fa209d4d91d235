//! The one error type of every command, serialized for the page as `{kind, message}`. The kind
//! lets the page react (show the lock screen, the service-down banner, reload after a
//! conflict); the message is already in words for the parent.

use serde::Serialize;

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
}

impl AppError {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> AppError {
        AppError {
            kind,
            message: message.into(),
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
        let message = match (&e, kind) {
            (_, Kind::ServiceDown) => "Vigie's service is not answering, so this computer is not \
                protected right now. Restart the computer, or ask whoever installed Vigie to run \
                `sudo systemctl restart vigie`. This window reconnects by itself."
                .to_string(),
            (E::Conflict { .. }, _) => "These settings were changed elsewhere while you were \
                editing. The current version has been loaded: check it and make your change again."
                .to_string(),
            _ => e.to_string(),
        };
        AppError { kind, message }
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
        assert_eq!(AppError::from(down).kind, Kind::ServiceDown);
        let locked = vigie_localapi::Error::Api {
            status: 401,
            message: "a parent is needed".into(),
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
        let json = serde_json::to_value(AppError::new(Kind::Invalid, "no")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "invalid", "message": "no"})
        );
    }
}
