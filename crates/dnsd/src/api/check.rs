//! "Test a name": the verdict the resolver would give, with its reason in plain words.

use axum::extract::Query;
use vigie_localapi as v1;
use vigie_policy::{Domain, Verdict};

use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;

use super::{Api, Failure, Peer, short};

type Api_ = State<Arc<Api>>;
type Who = ConnectInfo<Peer>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckQuery {
    name: String,
}

pub(super) async fn check(
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
                verdict: v1::CheckVerdict::Invalid,
                reason: None,
                explanation: e.to_string(),
            }));
        }
    };
    let generation = api.shared.current();
    let reason = |r: vigie_policy::Reason<'_>| v1::CheckReason {
        list: r.list.id.to_string(),
        site: r.site.to_string(),
        rule: r.rule.into(),
    };
    // The resolver's own decision, pause included, so a test here says what a lookup gets now.
    let (verdict, reason, explanation) = match api
        .shared
        .verdict(&generation.policy, domain.as_str())
    {
        Verdict::Special(special) => (
            v1::CheckVerdict::Special,
            None,
            format!(
                "Answered the same whatever the lists say: {}.",
                special.describe()
            ),
        ),
        Verdict::Blocked(r) if r.is_brand() => (
            v1::CheckVerdict::Blocked,
            Some(reason(r)),
            format!(
                "Blocked: it {} (list \"{}\", brand rule \"{}\"; no listed site names it).",
                r.describe(domain.as_str()),
                r.list.name,
                r.rule
            ),
        ),
        Verdict::Blocked(r) => (
            v1::CheckVerdict::Blocked,
            Some(reason(r)),
            format!(
                "Blocked: it is {} (list \"{}\", rule {}).",
                r.site, r.list.name, r.rule
            ),
        ),
        Verdict::Allowed(r) => (
            v1::CheckVerdict::Allowed,
            Some(reason(r)),
            format!(
                "Allowed by \"{}\" in {} (rule {}).",
                r.site, r.list.name, r.rule
            ),
        ),
        Verdict::Unlisted
            if api.shared.paused() && generation.policy.verdict(domain.as_str()).is_blocked() =>
        {
            (
                v1::CheckVerdict::Paused,
                None,
                "Protection is paused: it opens until the pause ends, then it is blocked again."
                    .to_string(),
            )
        }
        Verdict::Unlisted => (
            v1::CheckVerdict::Unlisted,
            None,
            "Not on any list in force: it opens normally.".to_string(),
        ),
    };
    Ok(axum::Json(v1::Check {
        input,
        normalized: Some(domain.to_string()),
        verdict,
        reason,
        explanation,
    }))
}
