//! Parent sessions: the first password, logging in and out, changing the password.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use vigie_localapi as v1;

use super::Body;
use super::auth::{Auth, LoginError};
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;

use super::{Api, Failure, Peer, bearer};

type Api_ = State<Arc<Api>>;
type Who = ConnectInfo<Peer>;

pub(super) fn session_reply(token: String, expires_at: OffsetDateTime) -> axum::Json<v1::Session> {
    axum::Json(v1::Session { token, expires_at })
}

pub(super) async fn setup(
    State(api): Api_,
    ConnectInfo(peer): Who,
    Body(body): Body<v1::Password>,
) -> Result<Response, Failure> {
    let _guard = api.writes.lock().await;
    if api.auth.password_set() {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "a parent password is already set: log in, or change it with the current one",
        ));
    }
    Auth::acceptable(&body.password).map_err(Failure::unprocessable)?;
    api.auth
        .set_password(&body.password)
        .map_err(Failure::internal)?;
    api.event(peer, "password-set", "first parent password chosen");
    let (token, expires) = api.auth.new_session();
    Ok((StatusCode::CREATED, session_reply(token, expires)).into_response())
}

pub(super) fn login_failure(e: LoginError) -> Failure {
    match e {
        LoginError::NoPassword => Failure::new(
            StatusCode::CONFLICT,
            "no parent password is set yet: choose one first (setup)",
        ),
        LoginError::Wrong => Failure::new(StatusCode::UNAUTHORIZED, "wrong password"),
        LoginError::Throttled(wait) => Failure::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many wrong passwords: try again in {} seconds",
                wait.as_secs() + 1
            ),
        ),
        LoginError::Storage(e) => {
            Failure::internal(format!("the password file cannot be read: {e}"))
        }
    }
}

pub(super) async fn login(
    State(api): Api_,
    ConnectInfo(peer): Who,
    Body(body): Body<v1::Password>,
) -> Result<axum::Json<v1::Session>, Failure> {
    let uid = peer.uid.unwrap_or(u32::MAX);
    let api2 = api.clone();
    // argon2 is deliberately slow: keep it off the async workers.
    let result = tokio::task::spawn_blocking(move || api2.auth.login(uid, &body.password))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?;
    let (token, expires) = result.map_err(login_failure)?;
    Ok(session_reply(token, expires))
}

pub(super) async fn logout(State(api): Api_, headers: HeaderMap) -> StatusCode {
    if let Some(token) = bearer(&headers) {
        api.auth.logout(token);
    }
    StatusCode::NO_CONTENT
}

pub(super) async fn change_password(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(body): Body<v1::ChangePassword>,
) -> Result<StatusCode, Failure> {
    api.parent(peer, &headers)?;
    Auth::acceptable(&body.new).map_err(Failure::unprocessable)?;
    let uid = peer.uid.unwrap_or(u32::MAX);
    let api2 = api.clone();
    let current = body.current.clone();
    tokio::task::spawn_blocking(move || api2.auth.check_password(uid, &current))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(login_failure)?;
    let _guard = api.writes.lock().await;
    api.auth
        .set_password(&body.new)
        .map_err(Failure::internal)?;
    api.event(peer, "password-changed", "every parent session ended");
    Ok(StatusCode::NO_CONTENT)
}
