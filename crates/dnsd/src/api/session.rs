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
    // Only the computer's administrator (root), the service's own account (`run --dev`) or a
    // listed parent may choose the first password: after `apt install`, the first person to
    // open the console could otherwise be the child.
    if !api.administrator(peer) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "ask a parent to finish setting up Vigie: the first parent password is chosen with the computer's administrator rights (sudo vigie password set)",
        ));
    }
    let _guard = api.writes.lock().await;
    if api.auth.password_set() {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "a parent password is already set: log in, or change it with the current one",
        ));
    }
    Auth::acceptable(&body.password).map_err(Failure::unprocessable)?;
    let password = body.password;
    api.hashed(move |auth| auth.set_password(&password))
        .await?
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
    let password = body.password;
    let (token, expires) = api
        .hashed(move |auth| auth.login(uid, &password))
        .await?
        .map_err(login_failure)?;
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
    let current = body.current.clone();
    api.hashed(move |auth| auth.check_password(uid, &current))
        .await?
        .map_err(login_failure)?;
    let _guard = api.writes.lock().await;
    let new = body.new;
    api.hashed(move |auth| auth.set_password(&new))
        .await?
        .map_err(Failure::internal)?;
    api.event(peer, "password-changed", "every parent session ended");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/auth/reset`: the administrator (root, or the service's own account) sets a new
/// parent password without the old one, so a forgotten or hijacked password is never a dead end.
pub(super) async fn reset(
    State(api): Api_,
    ConnectInfo(peer): Who,
    Body(body): Body<v1::Password>,
) -> Result<StatusCode, Failure> {
    if !api.root_or_service(peer) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "only the computer's administrator can reset the parent password: sudo vigie password reset",
        ));
    }
    Auth::acceptable(&body.password).map_err(Failure::unprocessable)?;
    let _guard = api.writes.lock().await;
    let password = body.password;
    api.hashed(move |auth| auth.set_password(&password))
        .await?
        .map_err(Failure::internal)?;
    api.auth.forgive();
    api.event(
        peer,
        "password-reset",
        "parent password reset by the administrator; every parent session ended",
    );
    tracing::info!("the parent password was reset by the administrator");
    Ok(StatusCode::NO_CONTENT)
}
