//! List subscriptions and Vigie's own feed: `GET/POST /v1/subscriptions`,
//! `PUT/DELETE /v1/subscriptions/{id}`, `POST /v1/subscriptions/{id}/refresh` and
//! `PUT /v1/feed`. Parents only.
//!
//! Both live in `settings.toml`, so their version is the settings' ETag and every change is a
//! settings write (atomic, then reloaded before the answer). The downloads themselves are the
//! `feeds` task's: a change here only wakes it.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vigie_localapi as v1;
use vigie_policy::subscription::VIGIE_FEED_ID;
use vigie_policy::{Message, RawSettings, RawSubscription, Settings, subscription_id};

use super::store::{self, apply, json_with_etag, read_settings};
use super::{Api, Body, Failure, Peer, if_match, short};

type Api_ = State<Arc<Api>>;
type Who = ConnectInfo<Peer>;

fn settings_path(api: &Api) -> PathBuf {
    api.config.join(vigie_policy::SETTINGS_FILE)
}

/// The settings file as it is, validated, with its version; a write with a stale `If-Match`
/// is refused before anything changes.
fn current(api: &Api, headers: &HeaderMap) -> Result<(RawSettings, Settings, String), Failure> {
    let (raw, tag) = read_settings(api)?;
    if let Some(want) = if_match(headers)
        && want != tag
    {
        return Err(Failure::stale(tag));
    }
    let settings = raw.validate(&settings_path(api)).map_err(|e| {
        Failure::said(
            StatusCode::CONFLICT,
            Message::new("api-settings-broken").arg("problem", e.message()),
        )
    })?;
    Ok((raw, settings, tag))
}

/// Validates and writes `raw`; returns the validated settings and the new version.
async fn save(api: &Api, raw: &RawSettings) -> Result<(Settings, String), Failure> {
    let path = settings_path(api);
    let settings = raw
        .validate(&path)
        .map_err(|e| Failure::policy(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    let text = raw.to_toml();
    apply(api, &path, &text).await?;
    Ok((settings, store::etag(Some(text.as_bytes()))))
}

fn unknown(id: &str) -> Failure {
    Failure::said(
        StatusCode::NOT_FOUND,
        Message::new("api-subscription-unknown").arg("id", short(id)),
    )
}

/// The index of subscription `id` in the file.
fn find(raw: &RawSettings, id: &str) -> Result<usize, Failure> {
    raw.subscription
        .iter()
        .position(|s| subscription_id(s.url.trim()) == id)
        .ok_or_else(|| unknown(id))
}

fn view(api: &Api, settings: &Settings, id: &str) -> Result<v1::Subscription, Failure> {
    let sub = settings
        .subscriptions
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| unknown(id))?;
    Ok(api.shared.feeds.subscription_view(sub))
}

pub(super) async fn list(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let (_, settings, tag) = current(&api, &HeaderMap::new())?;
    let feeds = &api.shared.feeds;
    let body = v1::Subscriptions {
        subscriptions: settings
            .subscriptions
            .iter()
            .map(|s| feeds.subscription_view(s))
            .collect(),
        vigie_feed: feeds.vigie_view(&settings),
    };
    Ok(json_with_etag(&body, &tag))
}

pub(super) async fn add(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(body): Body<v1::AddSubscription>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let _guard = api.writes.lock().await;
    let (mut raw, settings, _) = current(&api, &headers)?;
    let url = body.url.trim().to_string();
    if let Some(existing) = settings.subscriptions.iter().find(|s| s.url == url) {
        return Err(Failure::said(
            StatusCode::CONFLICT,
            Message::new("api-subscription-exists").arg("name", existing.name.as_str()),
        ));
    }
    // Without a name, the host is what a parent recognizes.
    let name = body
        .name
        .map(|n| n.trim().to_string())
        .or_else(|| {
            url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(String::from))
        })
        .unwrap_or_else(|| url.clone());
    raw.subscription.push(RawSubscription {
        name,
        url: url.clone(),
        format: body.format.unwrap_or_default(),
        refresh: body.refresh.unwrap_or_else(|| "24h".into()),
        enabled: true,
    });
    let (settings, tag) = save(&api, &raw).await?;
    let id = subscription_id(&url);
    api.shared.feeds.check_now(&id);
    let mut r = json_with_etag(&view(&api, &settings, &id)?, &tag);
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

pub(super) async fn change(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(change): Body<v1::SubscriptionChange>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let _guard = api.writes.lock().await;
    let (mut raw, _, _) = current(&api, &headers)?;
    let i = find(&raw, &id)?;
    let sub = &mut raw.subscription[i];
    let turned_on = change.enabled == Some(true) && !sub.enabled;
    if let Some(enabled) = change.enabled {
        sub.enabled = enabled;
    }
    if let Some(name) = change.name {
        sub.name = name.trim().to_string();
    }
    if let Some(refresh) = change.refresh {
        sub.refresh = refresh;
    }
    let (settings, tag) = save(&api, &raw).await?;
    if turned_on {
        api.shared.feeds.check_now(&id);
    } else {
        api.shared.feeds.wake();
    }
    Ok(json_with_etag(&view(&api, &settings, &id)?, &tag))
}

pub(super) async fn remove(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let _guard = api.writes.lock().await;
    let (mut raw, _, _) = current(&api, &headers)?;
    let i = find(&raw, &id)?;
    raw.subscription.remove(i);
    save(&api, &raw).await?;
    api.shared.feeds.forget(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) async fn refresh(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let (_, settings, _) = current(&api, &HeaderMap::new())?;
    let feeds = &api.shared.feeds;
    if id == VIGIE_FEED_ID {
        let feed = feeds.vigie_view(&settings);
        if feed.state == v1::FeedState::Off {
            return Err(Failure::said(
                StatusCode::CONFLICT,
                feed.last_error
                    .unwrap_or_else(|| Message::new("feed-off-no-build")),
            ));
        }
    } else {
        let sub = settings
            .subscriptions
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| unknown(&id))?;
        if !sub.enabled {
            return Err(Failure::said(
                StatusCode::CONFLICT,
                Message::new("api-subscription-off").arg("name", sub.name.as_str()),
            ));
        }
    }
    feeds.check_now(&id);
    Ok(StatusCode::ACCEPTED.into_response())
}

pub(super) async fn change_feed(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(change): Body<v1::FeedChange>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let _guard = api.writes.lock().await;
    let (mut raw, _, _) = current(&api, &headers)?;
    if let Some(enabled) = change.enabled {
        raw.feed.enabled = enabled;
    }
    if let Some(url) = change.url {
        raw.feed.url = url.map(|u| u.trim().to_string());
    }
    let (settings, tag) = save(&api, &raw).await?;
    let feeds = &api.shared.feeds;
    let view = feeds.vigie_view(&settings);
    if view.state != v1::FeedState::Off {
        feeds.check_now(VIGIE_FEED_ID);
    }
    Ok(json_with_etag(&view, &tag))
}
