//! The API's routes, grouped as the design lists them: status and notices (everyone), parent
//! sessions, lists, the parent's own sites and allowlist, settings, checks, attempts, pause.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use futures_util::Stream;
use time::OffsetDateTime;
use vigie_localapi as v1;
use vigie_policy::{Decision, Domain, ListFile, Origin, RawSettings, Special};

use super::auth::{Auth, LoginError};
use super::store::{self, Editable};
use super::{Api, Body, Failure, Peer, attempts, bearer, if_match};

/// Longest pause a parent can ask for, in minutes.
const MAX_PAUSE_MINUTES: u32 = 8 * 60;

pub(super) fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/notices", get(notices))
        .route("/v1/auth/setup", post(setup))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/password", post(change_password))
        .route("/v1/lists", get(lists))
        .route("/v1/lists/{id}", get(list).put(toggle_list))
        .route(
            "/v1/sites",
            get(|s, p, h| edited(s, p, h, Editable::Sites))
                .post(|s, p, h, b| add(s, p, h, b, Editable::Sites)),
        )
        .route(
            "/v1/sites/{domain}",
            axum::routing::patch(rename_site)
                .delete(|s, p, h, d| remove(s, p, h, d, Editable::Sites)),
        )
        .route(
            "/v1/allow",
            get(|s, p, h| edited(s, p, h, Editable::Allow))
                .post(|s, p, h, b| add(s, p, h, b, Editable::Allow)),
        )
        .route(
            "/v1/allow/{domain}",
            axum::routing::delete(|s, p, h, d| remove(s, p, h, d, Editable::Allow)),
        )
        .route("/v1/settings", get(settings).put(put_settings))
        .route("/v1/check", get(check))
        .route("/v1/attempts", get(attempts::page))
        .route("/v1/attempts.csv", get(attempts::csv))
        .route("/v1/attempts/summary", get(attempts::summary))
        .route("/v1/pause", post(pause))
        .route("/v1/resume", post(resume))
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

type Api_ = State<Arc<Api>>;
type Who = ConnectInfo<Peer>;

async fn not_found() -> Failure {
    Failure::not_found("no such endpoint: see docs/api.md for the list")
}

fn json_with_etag<T: serde::Serialize>(value: &T, etag: &str) -> Response {
    let mut r = axum::Json(value).into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

// ---- status and notices (everyone) ----

async fn status(State(api): Api_) -> axum::Json<v1::Status> {
    let shared = &api.shared;
    let generation = shared.current();
    let settings = &generation.policy.settings;
    let journal = api.journal.clone();
    shared.journal.settled().await;
    let open = shared.journal.open_entries();
    let attempts_today = tokio::task::spawn_blocking(move || attempts::count_today(&journal, open))
        .await
        .unwrap_or(0);
    let upstream_ok = match shared.stats.upstream_ok.load(Ordering::Relaxed) {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    let system_dns_ok = shared.probe.current().await;
    axum::Json(v1::Status {
        version: env!("CARGO_PKG_VERSION").into(),
        uptime_secs: shared.started.elapsed().as_secs(),
        listen: settings.listen.iter().map(ToString::to_string).collect(),
        upstreams: shared.upstream.load().describe(),
        upstream_ok,
        generation: generation.number,
        domains: generation.policy.matcher.len(),
        last_reload_error: shared
            .reload
            .lock()
            .expect("reload state")
            .last_error
            .clone(),
        attempts_today,
        failed_logins: api.auth.failed_logins.load(Ordering::Relaxed),
        paused_until: shared.paused_until(),
        password_set: api.auth.password_set(),
        system_dns_ok,
        journal_error: {
            let j = shared.journal.stats();
            if j.write_errors > 0 || j.dropped > 0 {
                j.last_error
            } else {
                None
            }
        },
        queries: shared.stats.queries.load(Ordering::Relaxed),
        blocked: shared.stats.blocked.load(Ordering::Relaxed),
    })
}

async fn notices(State(api): Api_) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = api.shared.journal.subscribe();
    let shared = api.shared.clone();
    let stream = futures_util::stream::unfold((rx, shared), |(mut rx, shared)| async move {
        loop {
            match rx.recv().await {
                Ok(n) => {
                    // Notices turned off in settings: the attempt is journaled all the same,
                    // only the screen stays quiet. Checked per notice so the switch applies at once.
                    if !shared.current().policy.settings.notices {
                        continue;
                    }
                    let notice = v1::Notice {
                        time: n.time,
                        site: n.site,
                        name: n.name,
                    };
                    let data = serde_json::to_string(&notice).unwrap_or_default();
                    return Some((Ok(Event::default().data(data)), (rx, shared)));
                }
                // A slow listener skips what it missed rather than holding up the others.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

// ---- parent sessions ----

fn session_reply(token: String, expires_at: OffsetDateTime) -> axum::Json<v1::Session> {
    axum::Json(v1::Session { token, expires_at })
}

async fn setup(
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

fn login_failure(e: LoginError) -> Failure {
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

async fn login(
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

async fn logout(State(api): Api_, headers: HeaderMap) -> StatusCode {
    if let Some(token) = bearer(&headers) {
        api.auth.logout(token);
    }
    StatusCode::NO_CONTENT
}

async fn change_password(
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

// ---- lists ----

fn summary(l: &vigie_policy::PolicyList) -> v1::ListSummary {
    let f = &l.file;
    v1::ListSummary {
        id: f.list.id.clone(),
        name: f.list.name.clone(),
        description: f.list.description.clone(),
        action: if f.list.action.allows() {
            "allow"
        } else {
            "block"
        }
        .into(),
        enabled: l.enabled,
        shipped: l.origin == Origin::Shipped,
        sites: f.sites.len(),
        domains: l.domains,
    }
}

fn detail(l: &vigie_policy::PolicyList) -> v1::ListDetail {
    v1::ListDetail {
        list: summary(l),
        sites: l.file.sites.iter().map(site_view).collect(),
    }
}

fn site_view(s: &vigie_policy::Site) -> v1::SiteView {
    v1::SiteView {
        name: s.name.clone(),
        domains: s.domains.iter().map(ToString::to_string).collect(),
    }
}

async fn lists(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
) -> Result<axum::Json<Vec<v1::ListSummary>>, Failure> {
    api.parent(peer, &headers)?;
    Ok(axum::Json(
        api.shared
            .current()
            .policy
            .lists
            .iter()
            .map(summary)
            .collect(),
    ))
}

async fn list(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<axum::Json<v1::ListDetail>, Failure> {
    api.parent(peer, &headers)?;
    let generation = api.shared.current();
    let l = generation
        .policy
        .list(&id)
        .ok_or_else(|| Failure::not_found(format!("no list has the id \"{}\"", short(&id))))?;
    Ok(axum::Json(detail(l)))
}

/// Cuts what a caller sent before echoing it in an error.
fn short(text: &str) -> String {
    text.chars().take(80).collect()
}

/// Reads settings.toml as the API edits it: raw, with its version.
fn read_settings(api: &Api) -> Result<(RawSettings, String), Failure> {
    let path = api.config.join(vigie_policy::SETTINGS_FILE);
    let bytes =
        store::read(&path).map_err(|e| Failure::internal(format!("{}: {e}", path.display())))?;
    let tag = store::etag(bytes.as_deref());
    let raw = match &bytes {
        None => RawSettings::default(),
        Some(b) => {
            let text = String::from_utf8_lossy(b);
            RawSettings::parse(&text, &path).map_err(|e| {
                Failure::new(
                    StatusCode::CONFLICT,
                    format!("settings.toml has a problem to fix by hand first: {e}"),
                )
            })?
        }
    };
    Ok((raw, tag))
}

/// Writes a config file and reloads; returns once the new policy is in force.
async fn apply(api: &Api, path: &std::path::Path, text: &str) -> Result<(), Failure> {
    store::write_atomic(path, text.as_bytes(), 0o644)
        .map_err(|e| Failure::internal(format!("{} could not be written: {e}", path.display())))?;
    crate::reload::reload(&api.shared, &api.config, &api.journal)
        .await
        .map(|_| ())
        .map_err(|e| Failure::new(StatusCode::CONFLICT, format!("saved, but not in force because of a problem elsewhere in the configuration: {e}")))
}

async fn toggle_list(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(body): Body<v1::ListToggle>,
) -> Result<axum::Json<v1::ListSummary>, Failure> {
    api.parent(peer, &headers)?;
    if api.shared.current().policy.list(&id).is_none() {
        return Err(Failure::not_found(format!(
            "no list has the id \"{}\"",
            short(&id)
        )));
    }
    let _guard = api.writes.lock().await;
    let (mut raw, tag) = read_settings(&api)?;
    if let Some(want) = if_match(&headers)
        && want != tag
    {
        return Err(Failure::stale(tag));
    }
    raw.lists.insert(id.clone(), body.enabled);
    apply(
        &api,
        &api.config.join(vigie_policy::SETTINGS_FILE),
        &raw.to_toml(),
    )
    .await?;
    let generation = api.shared.current();
    let l = generation
        .policy
        .list(&id)
        .ok_or_else(|| Failure::internal("the list disappeared during the change"))?;
    Ok(axum::Json(summary(l)))
}

// ---- the parent's own sites and the allowlist ----

/// Reads an editable list file (or its empty form) with its version.
fn read_editable(api: &Api, which: Editable) -> Result<(ListFile, String), Failure> {
    let path = which.path(&api.config);
    let bytes =
        store::read(&path).map_err(|e| Failure::internal(format!("{}: {e}", path.display())))?;
    let tag = store::etag(bytes.as_deref());
    let list = match bytes {
        None => which.empty(),
        Some(b) => {
            ListFile::parse(&String::from_utf8_lossy(&b), &path)
                .map_err(|e| {
                    Failure::new(
                        StatusCode::CONFLICT,
                        format!("{} has a problem to fix by hand first: {e}", path.display()),
                    )
                })?
                .list
        }
    };
    Ok((list, tag))
}

async fn edited(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    which: Editable,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let (list, tag) = read_editable(&api, which)?;
    let generation = api.shared.current();
    let enabled = generation.policy.list(which.id()).is_none_or(|l| l.enabled);
    let view = v1::ListDetail {
        list: v1::ListSummary {
            id: list.list.id.clone(),
            name: list.list.name.clone(),
            description: list.list.description.clone(),
            action: if list.list.action.allows() {
                "allow"
            } else {
                "block"
            }
            .into(),
            enabled,
            shipped: false,
            sites: list.sites.len(),
            domains: list.sites.iter().map(|s| s.domains.len()).sum(),
        },
        sites: list.sites.iter().map(site_view).collect(),
    };
    Ok(json_with_etag(&view, &tag))
}

async fn add(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(body): Body<v1::AddSite>,
    which: Editable,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let domain = Domain::parse(&body.input)
        .map_err(|e| Failure::unprocessable(e.to_string()))?
        .without_www();
    let name = match body.name.as_deref().map(str::trim) {
        Some("") => return Err(Failure::unprocessable("the site's name cannot be empty")),
        Some(n) if n.chars().count() > 100 => {
            return Err(Failure::unprocessable(
                "the site's name can have at most 100 characters",
            ));
        }
        Some(n) => n.to_string(),
        None => domain.to_unicode(),
    };
    let _guard = api.writes.lock().await;
    let (mut list, tag) = read_editable(&api, which)?;
    if let Some(want) = if_match(&headers)
        && want != tag
    {
        return Err(Failure::stale(tag));
    }
    if let Some(site) = list.sites.iter().find(|s| s.domains.contains(&domain)) {
        let added = v1::Added {
            domain: domain.to_string(),
            site: site.name.clone(),
        };
        return Ok(json_with_etag(&added, &tag));
    }
    match list.sites.iter_mut().find(|s| s.name == name) {
        Some(site) => site.domains.push(domain.clone()),
        None => list.sites.push(vigie_policy::Site {
            name: name.clone(),
            domains: vec![domain.clone()],
            sources: vec![],
            note: None,
        }),
    }
    let text = list.to_toml();
    apply(&api, &which.path(&api.config), &text).await?;
    let added = v1::Added {
        domain: domain.to_string(),
        site: name,
    };
    let mut r = json_with_etag(&added, &store::etag(Some(text.as_bytes())));
    *r.status_mut() = StatusCode::CREATED;
    Ok(r)
}

async fn remove(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(domain): Path<String>,
    which: Editable,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let domain = Domain::parse(&domain).map_err(|e| Failure::unprocessable(e.to_string()))?;
    let _guard = api.writes.lock().await;
    let (mut list, tag) = read_editable(&api, which)?;
    if let Some(want) = if_match(&headers)
        && want != tag
    {
        return Err(Failure::stale(tag));
    }
    let before: usize = list.sites.iter().map(|s| s.domains.len()).sum();
    for site in &mut list.sites {
        site.domains.retain(|d| d != &domain);
    }
    list.sites.retain(|s| !s.domains.is_empty());
    if list.sites.iter().map(|s| s.domains.len()).sum::<usize>() == before {
        return Err(Failure::not_found(format!(
            "{domain} is not in {}",
            list.list.name
        )));
    }
    let text = list.to_toml();
    apply(&api, &which.path(&api.config), &text).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&store::etag(Some(text.as_bytes()))) {
        r.headers_mut().insert(header::ETAG, v);
    }
    Ok(r)
}

async fn rename_site(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(domain): Path<String>,
    Body(body): Body<v1::RenameSite>,
) -> Result<StatusCode, Failure> {
    api.parent(peer, &headers)?;
    let domain = Domain::parse(&domain).map_err(|e| Failure::unprocessable(e.to_string()))?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Failure::unprocessable(
            "a site's name needs 1 to 100 characters",
        ));
    }
    let _guard = api.writes.lock().await;
    let (mut list, tag) = read_editable(&api, Editable::Sites)?;
    if let Some(want) = if_match(&headers)
        && want != tag
    {
        return Err(Failure::stale(tag));
    }
    let site = list
        .sites
        .iter_mut()
        .find(|s| s.domains.contains(&domain))
        .ok_or_else(|| Failure::not_found(format!("{domain} is not one of your sites")))?;
    site.name = name.to_string();
    apply(&api, &Editable::Sites.path(&api.config), &list.to_toml()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- settings ----

async fn settings(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let (raw, tag) = read_settings(&api)?;
    Ok(json_with_etag(&raw, &tag))
}

async fn put_settings(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(raw): Body<RawSettings>,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let path = api.config.join(vigie_policy::SETTINGS_FILE);
    raw.validate(&path)
        .map_err(|e| Failure::unprocessable(e.to_string()))?;
    let _guard = api.writes.lock().await;
    let (_, tag) = read_settings(&api)?;
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
    Ok(json_with_etag(&raw, &store::etag(Some(text.as_bytes()))))
}

// ---- check ----

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckQuery {
    name: String,
}

async fn check(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    query: Result<Query<CheckQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<v1::Check>, Failure> {
    api.parent(peer, &headers)?;
    let Query(q) =
        query.map_err(|e| Failure::bad(format!("{e}; use /v1/check?name=example.com")))?;
    let input = short(&q.name);
    let domain = match Domain::parse(&q.name) {
        Ok(d) => d,
        Err(e) => {
            return Ok(axum::Json(v1::Check {
                input,
                normalized: None,
                verdict: "invalid".into(),
                reason: None,
                explanation: e.to_string(),
            }));
        }
    };
    if let Some(special) = Special::of(domain.as_str()) {
        return Ok(axum::Json(v1::Check {
            input,
            normalized: Some(domain.to_string()),
            verdict: "special".into(),
            reason: None,
            explanation: format!(
                "Answered the same whatever the lists say: {}.",
                special.describe()
            ),
        }));
    }
    let generation = api.shared.current();
    let reason = |r: vigie_policy::Reason<'_>| v1::CheckReason {
        list: r.list.id.to_string(),
        site: r.site.to_string(),
        rule: r.rule.into(),
    };
    let (verdict, reason, explanation) = match generation.policy.matcher.decide(domain.as_str()) {
        Decision::Blocked(r) if r.is_brand() => (
            "blocked",
            Some(reason(r)),
            format!(
                "Blocked: it {} (list \"{}\", brand rule \"{}\"; no listed site names it).",
                r.describe(domain.as_str()),
                r.list.name,
                r.rule
            ),
        ),
        Decision::Blocked(r) => (
            "blocked",
            Some(reason(r)),
            format!(
                "Blocked: it is {} (list \"{}\", rule {}).",
                r.site, r.list.name, r.rule
            ),
        ),
        Decision::Allowed(r) => (
            "allowed",
            Some(reason(r)),
            format!(
                "Allowed by \"{}\" in {} (rule {}).",
                r.site, r.list.name, r.rule
            ),
        ),
        Decision::Unlisted => (
            "unlisted",
            None,
            "Not on any list in force: it opens normally.".to_string(),
        ),
    };
    Ok(axum::Json(v1::Check {
        input,
        normalized: Some(domain.to_string()),
        verdict: verdict.into(),
        reason,
        explanation,
    }))
}

// ---- pause ----

async fn pause(
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
    api.shared.pause_until(Some(until));
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

async fn resume(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
) -> Result<axum::Json<v1::PauseState>, Failure> {
    api.parent(peer, &headers)?;
    api.shared.pause_until(None);
    api.event(peer, "resumed", "protection back on");
    tracing::info!("protection resumed by a parent");
    Ok(axum::Json(v1::PauseState { paused_until: None }))
}
