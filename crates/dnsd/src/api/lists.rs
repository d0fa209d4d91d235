//! The lists: the shipped ones (on or off), the parent's own sites and the allowlist.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigie_localapi as v1;
use vigie_localapi::Message;
use vigie_policy::{Domain, ListFile, Origin};

use super::store::{self, Editable, apply, json_with_etag, read_settings};
use super::{Body, if_match};
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;

use super::{Api, Failure, Peer, short};

type Api_ = State<Arc<Api>>;
type Who = ConnectInfo<Peer>;

/// Longest name of a parent's site, in characters.
const MAX_SITE_NAME: usize = 100;

fn no_list(id: &str) -> Failure {
    Failure::said(
        StatusCode::NOT_FOUND,
        Message::new("api-no-list").arg("id", short(id)),
    )
}

/// The one way a list becomes a summary, for shipped lists and the parent's own files alike.
fn summary_of(file: &ListFile, enabled: bool, shipped: bool, domains: usize) -> v1::ListSummary {
    v1::ListSummary {
        id: file.list.id.clone(),
        name: file.list.name.english().to_string(),
        name_translations: file.list.name.translations().clone(),
        description: file.list.description.english().to_string(),
        description_translations: file.list.description.translations().clone(),
        action: if file.list.action.allows() {
            v1::ListAction::Allow
        } else {
            v1::ListAction::Block
        },
        enabled,
        shipped,
        sites: file.sites.len(),
        domains,
    }
}

/// A list of the policy in force.
pub(super) fn summary(l: &vigie_policy::PolicyList) -> v1::ListSummary {
    summary_of(&l.file, l.enabled, l.origin == Origin::Shipped, l.domains)
}

pub(super) fn detail(l: &vigie_policy::PolicyList) -> v1::ListDetail {
    v1::ListDetail {
        list: summary(l),
        sites: l.file.sites.iter().map(site_view).collect(),
    }
}

pub(super) fn site_view(s: &vigie_policy::Site) -> v1::SiteView {
    v1::SiteView {
        name: s.name.clone(),
        domains: s.domains.iter().map(ToString::to_string).collect(),
        note: s.note.as_ref().map(|n| n.english().to_string()),
        note_translations: s
            .note
            .as_ref()
            .map(|n| n.translations().clone())
            .unwrap_or_default(),
    }
}

pub(super) async fn lists(
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

pub(super) async fn list(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<axum::Json<v1::ListDetail>, Failure> {
    api.parent(peer, &headers)?;
    let generation = api.shared.current();
    let l = generation.policy.list(&id).ok_or_else(|| no_list(&id))?;
    Ok(axum::Json(detail(l)))
}

pub(super) async fn toggle_list(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(body): Body<v1::ListToggle>,
) -> Result<axum::Json<v1::ListSummary>, Failure> {
    api.parent(peer, &headers)?;
    if api.shared.current().policy.list(&id).is_none() {
        return Err(no_list(&id));
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
    let l = generation.policy.list(&id).ok_or_else(|| {
        Failure::said(
            StatusCode::INTERNAL_SERVER_ERROR,
            Message::new("api-list-disappeared"),
        )
    })?;
    Ok(axum::Json(summary(l)))
}

/// Reads an editable list file (or its empty form) with its version.
pub(super) fn read_editable(api: &Api, which: Editable) -> Result<(ListFile, String), Failure> {
    let path = which.path(&api.config);
    let bytes = crate::files::read(&path)
        .map_err(|e| Failure::internal(format!("{}: {e}", path.display())))?;
    let tag = store::etag(bytes.as_deref());
    let list = match bytes {
        None => which.empty(),
        Some(b) => {
            ListFile::parse(&String::from_utf8_lossy(&b), &path)
                .map_err(|e| {
                    Failure::said(
                        StatusCode::CONFLICT,
                        Message::new("api-file-broken")
                            .arg("path", path.display().to_string())
                            .arg("problem", e.message()),
                    )
                })?
                .list
        }
    };
    Ok((list, tag))
}

pub(super) async fn edited(
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
        list: summary_of(
            &list,
            enabled,
            false,
            list.sites.iter().map(|s| s.domains.len()).sum(),
        ),
        sites: list.sites.iter().map(site_view).collect(),
    };
    Ok(json_with_etag(&view, &tag))
}

pub(super) async fn add(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Body(body): Body<v1::AddSite>,
    which: Editable,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let domain = Domain::parse(&body.input)
        .map_err(|e| Failure::refused(&e))?
        .without_www();
    let name = match body.name.as_deref().map(str::trim) {
        Some("") => {
            return Err(Failure::said(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::new("api-site-name-empty"),
            ));
        }
        Some(n) if n.chars().count() > MAX_SITE_NAME => {
            return Err(Failure::said(
                StatusCode::UNPROCESSABLE_ENTITY,
                Message::new("api-site-name-too-long").arg("max", MAX_SITE_NAME),
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

pub(super) async fn remove(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(domain): Path<String>,
    which: Editable,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let domain = Domain::parse(&domain).map_err(|e| Failure::refused(&e))?;
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
        return Err(Failure::said(
            StatusCode::NOT_FOUND,
            Message::new("api-not-in-list")
                .arg("domain", domain.to_string())
                .arg("list", list.list.name.english()),
        ));
    }
    let text = list.to_toml();
    apply(&api, &which.path(&api.config), &text).await?;
    let mut r = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&store::etag(Some(text.as_bytes()))) {
        r.headers_mut().insert(header::ETAG, v);
    }
    Ok(r)
}

pub(super) async fn rename_site(
    State(api): Api_,
    ConnectInfo(peer): Who,
    headers: HeaderMap,
    Path(domain): Path<String>,
    Body(body): Body<v1::RenameSite>,
) -> Result<StatusCode, Failure> {
    api.parent(peer, &headers)?;
    let domain = Domain::parse(&domain).map_err(|e| Failure::refused(&e))?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > MAX_SITE_NAME {
        return Err(Failure::said(
            StatusCode::UNPROCESSABLE_ENTITY,
            Message::new("api-site-name-length").arg("max", MAX_SITE_NAME),
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
        .ok_or_else(|| {
            Failure::said(
                StatusCode::NOT_FOUND,
                Message::new("api-not-your-site").arg("domain", domain.to_string()),
            )
        })?;
    site.name = name.to_string();
    apply(&api, &Editable::Sites.path(&api.config), &list.to_toml()).await?;
    Ok(StatusCode::NO_CONTENT)
}
