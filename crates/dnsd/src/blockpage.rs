//! The block page: what a child sees when a plain-HTTP visit lands on the block address.
//!
//! It answers any host and any path with one calm page that names the site (looked up in the
//! policy in force from the `Host` header) and says what to do: talk to a parent. It has no
//! external resources (no fonts, images or scripts to fetch), is never cached (so an unblocked
//! site loads at once), and nothing listens on port 443 beside it, so HTTPS visits fail at once
//! instead of hanging.
//!
//! Its words come from `locales/*/blockpage.ftl` in the language the browser asks for first
//! (`Accept-Language`): French for `fr…`, English otherwise, and so does the list's name when
//! the list has a form in that language. The answer says which (`Content-Language`) and that
//! it depends on that header (`Vary`). A site that a brand rule blocked is named by its own
//! domain, with the brand it looks like.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::watch;
use vigie_i18n::{FluentValue, Lang};
use vigie_policy::{Domain, RuleKind, Verdict};

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
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let generation = shared.current();
    let found = host
        .as_ref()
        .and_then(|d| match shared.verdict(&generation.policy, d.as_str()) {
            Verdict::Blocked(r) => {
                let list = generation
                    .policy
                    .list(&r.list.id)
                    .map_or(&r.list.name, |l| &l.file.list.name)
                    .get(lang.code())
                    .to_string();
                let site = match r.kind {
                    RuleKind::Brand { brand, .. } => Site::Brand {
                        brand: brand.to_string(),
                        domain: r.matched(d.as_str()).to_string(),
                    },
                    RuleKind::Domain => Site::Named(r.site.to_string()),
                };
                Some(Found { site, list })
            }
            _ => None,
        });
    let html = render(lang, found.as_ref());
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

/// What the page knows of a blocked visit.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) site: Site,
    /// The list's name, in the page's language where the list has it.
    pub(crate) list: String,
}

/// How the page names the site.
#[derive(Debug)]
pub(crate) enum Site {
    /// A listed site, by the name parents gave it.
    Named(String),
    /// A brand rule: the registrable domain visited and the brand it looks like.
    Brand { brand: String, domain: String },
}

/// The page in `lang`, for a known site or for a visit that names none.
pub(crate) fn render(lang: Lang, found: Option<&Found>) -> String {
    // Names are escaped before they go into the messages; the messages themselves hold no markup.
    let value = |text: &str| FluentValue::from(escape(text));
    let (title, lead) = match found {
        Some(Found {
            site: Site::Named(site),
            list,
        }) => (
            lang.message("blockpage-title-site", &[("site", value(site))]),
            lang.message("blockpage-lead-list", &[("list", value(list))]),
        ),
        Some(Found {
            site: Site::Brand { brand, domain },
            list,
        }) => (
            lang.message("blockpage-title-site", &[("site", value(domain))]),
            lang.message(
                "blockpage-lead-brand",
                &[("brand", value(brand)), ("list", value(list))],
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

    fn named(site: &str, list: &str) -> Found {
        Found {
            site: Site::Named(site.into()),
            list: list.into(),
        }
    }

    fn brand(brand: &str, domain: &str, list: &str) -> Found {
        Found {
            site: Site::Brand {
                brand: brand.into(),
                domain: domain.into(),
            },
            list: list.into(),
        }
    }

    #[test]
    fn the_page_names_the_site_and_says_what_to_do() {
        let html = render(Lang::En, Some(&named("Omegle", "Omegle and clones")));
        assert!(html.contains(r#"<html lang="en">"#));
        assert!(html.contains("<h1>Omegle is blocked on this computer</h1>"));
        assert!(html.contains("talk to a parent"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external resources"
        );
        let html = render(Lang::En, Some(&named("<script>x</script>", "l")));
        assert!(!html.contains("<script>"));
        assert!(render(Lang::En, None).contains("This site is blocked"));
    }

    #[test]
    fn the_page_speaks_french_to_a_french_browser() {
        let html = render(Lang::Fr, Some(&named("Omegle", "Omegle & co")));
        assert!(html.contains(r#"<html lang="fr">"#), "{html}");
        assert!(
            html.contains("<h1>Omegle est bloqué sur cet ordinateur</h1>"),
            "{html}"
        );
        assert!(html.contains("«\u{202F}Omegle &amp; co\u{202F}»"), "{html}");
        assert!(html.contains("parles-en à un parent"), "{html}");
        let html = render(Lang::Fr, Some(&named("<b>x</b>", "l")));
        assert!(!html.contains("<b>"), "{html}");
        for english in ["blocked", "parent chose", "talk to"] {
            assert!(!render(Lang::Fr, None).contains(english), "{english}");
        }
    }

    #[test]
    fn a_brand_block_names_the_domain_and_the_brand_in_the_readers_language() {
        let found = brand("Omegle", "omeglechat.example", "Omegle et ses clones");
        let html = render(Lang::Fr, Some(&found));
        assert!(
            html.contains("<h1>omeglechat.example est bloqué sur cet ordinateur</h1>"),
            "{html}"
        );
        assert!(html.contains("Il ressemble à Omegle"), "{html}");
        assert!(!html.contains("looks like"), "{html}");
        let found = brand("Omegle", "omeglechat.example", "Omegle and clones");
        let html = render(Lang::En, Some(&found));
        assert!(html.contains("It looks like Omegle"), "{html}");
        assert!(html.contains("“Omegle and clones”"), "{html}");
    }
}
