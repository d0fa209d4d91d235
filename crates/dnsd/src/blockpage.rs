//! The block page: what a child sees when a plain-HTTP visit lands on the block address.
//!
//! It answers any host and any path with one calm page that names the site (looked up in the
//! policy in force from the `Host` header) and says what to do: talk to a parent. It has no
//! external resources (no fonts, images or scripts to fetch), is never cached (so an unblocked
//! site loads at once), and nothing listens on port 443 beside it, so HTTPS visits fail at once
//! instead of hanging.
//!
//! Its words come from `locales/*/blockpage.ftl` in the language the browser asks for first
//! (`Accept-Language`): French for `fr…`, English otherwise. The answer says which
//! (`Content-Language`) and that it depends on that header (`Vary`).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;
use vigie_i18n::{FluentValue, Lang};
use vigie_policy::{Domain, Verdict};

use crate::state::Shared;

/// Starts serving the page on `addr`; returns once it is listening.
pub(crate) async fn start(
    shared: Arc<Shared>,
    addr: SocketAddr,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot serve the block page on {addr}: {e}"))?;
    let app = Router::new().fallback(move |headers: HeaderMap| {
        let shared = shared.clone();
        async move { page(&shared, &headers) }
    });
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.changed().await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!("the block page stopped: {e}");
        }
    });
    Ok(())
}

fn page(shared: &Shared, headers: &HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| Domain::parse(h).ok());
    let generation = shared.current();
    let found = host
        .as_ref()
        .and_then(|d| match shared.verdict(&generation.policy, d.as_str()) {
            Verdict::Blocked(r) => {
                let list = generation
                    .policy
                    .list(&r.list.id)
                    .map(|l| l.file.list.name.clone());
                Some((
                    r.site.to_string(),
                    list.unwrap_or_else(|| r.list.name.clone()),
                ))
            }
            _ => None,
        });
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let html = render(
        lang,
        found
            .as_ref()
            .map(|(site, list)| (site.as_str(), list.as_str())),
    );
    let mut response = (StatusCode::FORBIDDEN, html).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The page in `lang`, for a known site (`(site, list)`) or for a visit that names none.
pub(crate) fn render(lang: Lang, found: Option<(&str, &str)>) -> String {
    // Names are escaped before they go into the messages; the messages themselves hold no markup.
    let (title, lead) = match found {
        Some((site, list)) => (
            lang.message(
                "blockpage-title-site",
                &[("site", FluentValue::from(escape(site)))],
            ),
            lang.message(
                "blockpage-lead-list",
                &[("list", FluentValue::from(escape(list)))],
            ),
        ),
        None => (lang.text("blockpage-title"), lang.text("blockpage-lead")),
    };
    let next = lang.text("blockpage-next");
    let code = lang.code();
    format!(
        r#"<!doctype html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
         background: #f3f6f4; color: #1f2d27; font: 18px/1.5 system-ui, sans-serif; }}
  main {{ max-width: 34rem; margin: 2rem; padding: 2.5rem; background: #fff; border-radius: 1rem;
          box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
  h1 {{ font-size: 1.6rem; margin: 0 0 1rem; }}
  p {{ margin: .6rem 0; }}
  .next {{ margin-top: 1.4rem; padding: 1rem 1.2rem; background: #e8f1ec; border-radius: .6rem; }}
</style>
</head>
<body>
<main>
  <h1>{title}</h1>
  <p>{lead}</p>
  <p class="next">{next}</p>
</main>
</body>
</html>
"#
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_the_site_and_says_what_to_do() {
        let html = render(Lang::En, Some(("Omegle", "Omegle and clones")));
        assert!(html.contains(r#"<html lang="en">"#));
        assert!(html.contains("<h1>Omegle is blocked on this computer</h1>"));
        assert!(html.contains("talk to a parent"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external resources"
        );
        let html = render(Lang::En, Some(("<script>x</script>", "l")));
        assert!(!html.contains("<script>"));
        assert!(render(Lang::En, None).contains("This site is blocked"));
    }

    #[test]
    fn the_page_speaks_french_to_a_french_browser() {
        let html = render(Lang::Fr, Some(("Omegle", "Omegle & co")));
        assert!(html.contains(r#"<html lang="fr">"#), "{html}");
        assert!(
            html.contains("<h1>Omegle est bloqué sur cet ordinateur</h1>"),
            "{html}"
        );
        assert!(html.contains("«\u{202F}Omegle &amp; co\u{202F}»"), "{html}");
        assert!(html.contains("parles-en à un parent"), "{html}");
        let html = render(Lang::Fr, Some(("<b>x</b>", "l")));
        assert!(!html.contains("<b>"), "{html}");
        for english in ["blocked", "parent chose", "talk to"] {
            assert!(!render(Lang::Fr, None).contains(english), "{english}");
        }
    }
}
