//! How a feed's host is found: through Vigie's upstream servers, never through Vigie's own
//! policy nor the computer's resolver (which is Vigie itself once installed). A feed that lists
//! its own host (a community list that blocks the site it is published on, or a parent who
//! blocked it) must still refresh, and a pause or a broken list must not decide whether the
//! next copy arrives.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use hickory_proto::op::Query;
use hickory_proto::rr::{Name, RData, RecordType};
use reqwest::dns::{Addrs, Resolve, Resolving};

use crate::state::Shared;

/// Resolves names for the feed downloads through `Shared::upstream`.
#[derive(Debug, Clone)]
pub(crate) struct ThroughUpstream {
    pub(crate) shared: Arc<Shared>,
}

impl Resolve for ThroughUpstream {
    fn resolve(&self, name: reqwest::dns::Name) -> Resolving {
        let shared = Arc::clone(&self.shared);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = lookup(&shared, &host).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The IPv4 and IPv6 addresses of `host`, asked of the upstream servers in force (A and AAAA
/// at once). The port is the URL's: the HTTP client puts it in.
async fn lookup(
    shared: &Shared,
    host: &str,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let name = Name::from_ascii(format!("{}.", host.trim_end_matches('.')))?;
    let upstream = shared.upstream.load_full();
    let (v4, v6) = tokio::join!(
        upstream.ask(Query::query(name.clone(), RecordType::A), false),
        upstream.ask(Query::query(name, RecordType::AAAA), false),
    );
    let mut out = Vec::new();
    let mut failure = None;
    for result in [v4, v6] {
        match result {
            Ok(answer) => out.extend(answer.answers.iter().filter_map(|r| match &r.data {
                RData::A(a) => Some(SocketAddr::new(IpAddr::V4(a.0), 0)),
                RData::AAAA(a) => Some(SocketAddr::new(IpAddr::V6(a.0), 0)),
                _ => None,
            })),
            Err(e) => failure = Some(e.to_string()),
        }
    }
    if out.is_empty() {
        let why = failure.unwrap_or_else(|| "the name has no address".into());
        return Err(format!("{host} could not be looked up: {why}").into());
    }
    Ok(out)
}
