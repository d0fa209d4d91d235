//! List feeds: the lists a parent subscribed to by URL (add, on/off, check now, remove) and
//! Vigie's own signed feed (on/off, a mirror). The service downloads them; these commands only
//! pass the parent's choices on and read back how the downloads go.

use tauri::State;
use vigie_localapi::{
    AddSubscription, FeedChange, Subscription, SubscriptionChange, Subscriptions, Versioned,
    VigieFeed,
};

use crate::error::Result;
use crate::state::Console;

/// `GET /v1/subscriptions`: `{etag, value}`, the version being the settings' (both live there).
#[tauri::command]
pub(crate) async fn subscriptions(console: State<'_, Console>) -> Result<Versioned<Subscriptions>> {
    Ok(console.client().await.subscriptions().await?)
}

/// `POST /v1/subscriptions` with the version the page showed, so a change made elsewhere
/// meanwhile is reported instead of silently merged. A blank name is no name: the service then
/// names the list after its host.
#[tauri::command]
pub(crate) async fn add_subscription(
    console: State<'_, Console>,
    mut subscription: AddSubscription,
    etag: Option<String>,
) -> Result<Subscription> {
    subscription.url = subscription.url.trim().to_string();
    subscription.name = subscription
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    Ok(console
        .client()
        .await
        .add_subscription(&subscription, etag.as_deref().filter(|e| !e.is_empty()))
        .await?)
}

/// `PUT /v1/subscriptions/{id}`: on or off, a new name or interval.
#[tauri::command]
pub(crate) async fn change_subscription(
    console: State<'_, Console>,
    id: String,
    change: SubscriptionChange,
) -> Result<Subscription> {
    Ok(console
        .client()
        .await
        .change_subscription(&id, &change, None)
        .await?)
}

/// `DELETE /v1/subscriptions/{id}` (the page asked the parent first).
#[tauri::command]
pub(crate) async fn remove_subscription(console: State<'_, Console>, id: String) -> Result<()> {
    Ok(console
        .client()
        .await
        .remove_subscription(&id, None)
        .await?)
}

/// `POST /v1/subscriptions/{id}/refresh`: the check runs in the background; the page reads
/// how it went from [`subscriptions`].
#[tauri::command]
pub(crate) async fn refresh_subscription(console: State<'_, Console>, id: String) -> Result<()> {
    Ok(console.client().await.refresh_subscription(&id).await?)
}

/// `PUT /v1/feed`: `{enabled}` turns Vigie's own feed on or off; `{url: "…"}` points it at a
/// mirror and `{url: null}` back to the built-in address.
#[tauri::command]
pub(crate) async fn change_feed(
    console: State<'_, Console>,
    change: FeedChange,
) -> Result<VigieFeed> {
    Ok(console.client().await.change_feed(&change, None).await?)
}
