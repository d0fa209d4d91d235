//! "Test a name": the verdict the resolver would give, with its reason in plain words (English,
//! and as a message of `locales/*/status.ftl` for the console).

use axum::extract::Query;
use vigie_i18n::Lang;
use vigie_localapi::{self as v1, Message};
use vigie_policy::{Domain, RuleKind, Verdict};

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
                message: Some(e.message()),
            }));
        }
    };
    let generation = api.shared.current();
    let reason = |r: vigie_policy::Reason<'_>| v1::CheckReason {
        list: r.list.id.to_string(),
        site: r.site.to_string(),
        rule: r.rule.into(),
    };
    let said = |id: &str, r: &vigie_policy::Reason<'_>| {
        Message::new(id)
            .arg("site", r.site.to_string())
            .arg("list", &r.list.name)
            .arg("rule", r.rule.to_string())
    };
    // The resolver's own decision, pause included, so a test here says what a lookup gets now.
    let (verdict, reason, message) = match api.shared.verdict(&generation.policy, domain.as_str()) {
        Verdict::Special(special) => (
            v1::CheckVerdict::Special,
            None,
            Message::new("check-special").arg("what", Message::new(special.message_id())),
        ),
        Verdict::Blocked(
            r @ vigie_policy::Reason {
                kind: RuleKind::Brand { brand, .. },
                ..
            },
        ) => (
            v1::CheckVerdict::Blocked,
            Some(reason(r)),
            // The brand's own name: the sentence around it is in the reader's language.
            Message::new("check-brand")
                .arg("brand", brand)
                .arg("domain", r.matched(domain.as_str()).to_string())
                .arg("list", &r.list.name)
                .arg("rule", r.rule.to_string()),
        ),
        Verdict::Blocked(r) => (
            v1::CheckVerdict::Blocked,
            Some(reason(r)),
            said("check-blocked", &r),
        ),
        Verdict::Allowed(r) => (
            v1::CheckVerdict::Allowed,
            Some(reason(r)),
            said("check-allowed", &r),
        ),
        Verdict::Unlisted
            if api.shared.paused() && generation.policy.verdict(domain.as_str()).is_blocked() =>
        {
            (v1::CheckVerdict::Paused, None, Message::new("check-paused"))
        }
        Verdict::Unlisted => (
            v1::CheckVerdict::Unlisted,
            None,
            Message::new("check-unlisted"),
        ),
    };
    let explanation = Lang::En.render(&message);
    Ok(axum::Json(v1::Check {
        input,
        normalized: Some(domain.to_string()),
        verdict,
        reason,
        explanation,
        message: Some(message),
    }))
}
