//! The API's router: every endpoint and the file that serves it. Each resource has its file:
//! [`status`] (status, everyone), [`notices`] (the notice stream, each their own), [`session`] (parent sessions), [`lists`] (shipped
//! lists, the parent's own sites, the allowlist), [`settings`] (settings and pause), [`subscriptions`] (lists by URL and Vigie's feed), [`check`]
//! ("test a name") and [`attempts`].

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

use super::store::Editable;
use super::{
    Api, Failure, attempts, check, lists, notices, session, settings, status, subscriptions,
};

pub(super) fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/status", get(status::status))
        .route("/v1/notices", get(notices::notices))
        .route("/v1/auth/setup", post(session::setup))
        .route("/v1/auth/login", post(session::login))
        .route("/v1/auth/logout", post(session::logout))
        .route("/v1/auth/password", post(session::change_password))
        .route("/v1/auth/reset", post(session::reset))
        .route("/v1/lists", get(lists::lists))
        .route("/v1/lists/{id}", get(lists::list).put(lists::toggle_list))
        .route(
            "/v1/sites",
            get(|s, p, h| lists::edited(s, p, h, Editable::Sites))
                .post(|s, p, h, b| lists::add(s, p, h, b, Editable::Sites)),
        )
        .route(
            "/v1/sites/{domain}",
            axum::routing::patch(lists::rename_site)
                .delete(|s, p, h, d| lists::remove(s, p, h, d, Editable::Sites)),
        )
        .route(
            "/v1/allow",
            get(|s, p, h| lists::edited(s, p, h, Editable::Allow))
                .post(|s, p, h, b| lists::add(s, p, h, b, Editable::Allow)),
        )
        .route(
            "/v1/allow/{domain}",
            axum::routing::delete(|s, p, h, d| lists::remove(s, p, h, d, Editable::Allow)),
        )
        .route(
            "/v1/settings",
            get(settings::settings).put(settings::put_settings),
        )
        .route(
            "/v1/subscriptions",
            get(subscriptions::list).post(subscriptions::add),
        )
        .route(
            "/v1/subscriptions/{id}",
            put(subscriptions::change).delete(subscriptions::remove),
        )
        .route(
            "/v1/subscriptions/{id}/refresh",
            post(subscriptions::refresh),
        )
        .route("/v1/feed", put(subscriptions::change_feed))
        .route("/v1/check", get(check::check))
        .route("/v1/attempts", get(attempts::page))
        .route("/v1/attempts.csv", get(attempts::csv))
        .route("/v1/attempts/summary", get(attempts::summary))
        .route("/v1/pause", post(settings::pause))
        .route("/v1/resume", post(settings::resume))
        .route(
            "/v1/{*rest}",
            put(not_found)
                .get(not_found)
                .post(not_found)
                .delete(not_found),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(super::MAX_BODY))
        .with_state(api)
}

async fn not_found() -> Failure {
    Failure::not_found("no such endpoint: see docs/api.md for the list")
}
