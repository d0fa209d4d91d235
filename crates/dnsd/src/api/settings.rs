//! Settings and the pause.

use axum::http::StatusCode;
use axum::response::Response;
use time::OffsetDateTime;
use vigie_localapi as v1;
use vigie_policy::{Message, RawSettings};

use super::store::{self, apply, json_with_etag, read_settings};
use super::{Body, if_match};
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;

use super::{Api, Failure, Peer};

type Api_ = State<Arc<Api>>;
type Who = ConnectInfo<Peer>;

/// Longest pause a parent can ask for, in minutes.
const MAX_PAUSE_MINUTES: u32 = 8 * 60;

pub(super) async fn settings(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let (raw, tag) = read_settings(&api)?;
    Ok(json_with_etag(&raw, &tag))
}

pub(super) async fn put_settings(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(raw): Body<RawSettings>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let path = api.config.join(vigie_policy::SETTINGS_FILE);
    let settings = raw
        .validate(&path)
        .map_err(|e| Failure::unprocessable(e.to_string()))?;
    refuse_unusable_upstreams(&api, &settings.upstreams)?;
    let _guard = api.writes.lock().await;
    let (current, tag) = read_settings(&api)?;
    // Who is a parent decides who needs no password at all, so a parent session (which a child
    // may have watched being opened) cannot change it: only the computer's administrator can.
    let parents_changed = raw.parents != current.parents;
    if parents_changed && !api.root_or_service(peer) {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "who is a parent is changed only with the computer's administrator rights (sudo vigie install --parent USER); nothing was saved",
        ));
    }
    match if_match(&headers) {
        None => {
            return Err(Failure::new(
                StatusCode::PRECONDITION_REQUIRED,
                "send the version you edit in If-Match (the ETag of GET /v1/settings), so no change is overwritten unseen",
            ));
        }
        Some(want) if want != tag => return Err(Failure::stale(tag)),
        Some(_) => {}
    }
    let text = raw.to_toml();
    apply(&api, &path, &text).await?;
    if parents_changed {
        api.event(
            peer,
            "parents-changed",
            &format!(
                "accounts that need no password: {:?} (were {:?})",
                raw.parents.uids, current.parents.uids
            ),
        );
    }
    Ok(json_with_etag(&raw, &store::etag(Some(text.as_bytes()))))
}

pub(super) async fn pause(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(body): Body<v1::PauseRequest>,
) -> Result<axum::Json<v1::PauseState>, Failure> {
    api.parent(peer, &headers)?;
    if body.minutes == 0 || body.minutes > MAX_PAUSE_MINUTES {
        return Err(Failure::unprocessable(format!(
            "a pause lasts 1 to {MAX_PAUSE_MINUTES} minutes ({} hours); asked: {}",
            MAX_PAUSE_MINUTES / 60,
            body.minutes
        )));
    }
    // Whole seconds: what status reports later is exactly what this answer says.
    let until = OffsetDateTime::now_utc().unix_timestamp() + i64::from(body.minutes) * 60;
    let until =
        OffsetDateTime::from_unix_timestamp(until).map_err(|e| Failure::internal(e.to_string()))?;
    api.shared.pause(Some((
        std::time::Duration::from_secs(u64::from(body.minutes) * 60),
        until,
    )));
    api.event(
        peer,
        "paused",
        &format!("protection paused for {} minutes", body.minutes),
    );
    tracing::info!(minutes = body.minutes, "protection paused by a parent");
    Ok(axum::Json(v1::PauseState {
        paused_until: Some(until),
    }))
}

pub(super) async fn resume(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
) -> Result<axum::Json<v1::PauseState>, Failure> {
    api.parent(peer, &headers)?;
    api.shared.pause(None);
    api.event(peer, "resumed", "protection back on");
    tracing::info!("protection resumed by a parent");
    Ok(axum::Json(v1::PauseState { paused_until: None }))
}

/// A choice of upstream that cannot work is refused, never stored: one of Vigie's own
/// addresses (lookups would go round in a loop), or systemd-resolved's stub, which sends every
/// lookup back to Vigie once Vigie is installed.
fn refuse_unusable_upstreams(
    api: &Api,
    upstreams: &[vigie_policy::Upstream],
) -> Result<(), Failure> {
    let listen = api.shared.current().policy.settings.listen.clone();
    for u in upstreams {
        let address = u.address.to_string();
        if crate::dns::upstream::is_self(u.address, &listen) || u.address.ip().is_unspecified() {
            return Err(Failure::said(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::new("api-upstream-loop").arg("address", address),
            ));
        }
        if is_resolved_stub(u.address.ip()) {
            return Err(Failure::said(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::new("api-upstream-stub").arg("address", address),
            ));
        }
    }
    Ok(())
}

/// systemd-resolved's stub addresses (127.0.0.53, and 127.0.0.54 for its proxy mode).
fn is_resolved_stub(ip: std::net::IpAddr) -> bool {
    matches!(ip, std::net::IpAddr::V4(v4) if v4.octets()[..3] == [127, 0, 0] && matches!(v4.octets()[3], 53 | 54))
}
