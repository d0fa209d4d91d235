//! What the notifier says, in the session's language: the notice for a blocked attempt and the
//! protection state of the tray. Every word comes from `locales/*/notice.ftl` through
//! `vigie-i18n`; this module only chooses the message and its arguments.

use vigie_i18n::Lang;
use vigie_localapi::{Notice, NoticeKind, ProtectionState, Status};

/// The notification's title.
pub(crate) fn title(lang: Lang) -> String {
    lang.text("notice-title")
}

/// The notification's title and body for a notice: the child's "blocked" notice, or a parent's
/// alert about someone else on this computer (the service decides which each session gets).
pub(crate) fn notification(lang: Lang, notice: &Notice) -> (String, String) {
    match notice.kind {
        NoticeKind::Blocked => (title(lang), body(lang, notice)),
        NoticeKind::Alert => (
            lang.text("alert-title"),
            alert_body(lang, &notice.site, notice.account.as_deref()),
        ),
    }
}

/// The notice's body: the site by its name, or, when a brand rule blocked it, the name looked up
/// and the brand it looks like (never the English label the service keeps in `site`).
pub(crate) fn body(lang: Lang, notice: &Notice) -> String {
    if let Some(brand) = &notice.brand {
        return lang.message(
            "notice-body-brand",
            &[
                ("name", notice.name.as_str().into()),
                ("brand", brand.as_str().into()),
            ],
        );
    }
    if notice.site.trim().is_empty() {
        return lang.text("notice-body-unnamed");
    }
    lang.message("notice-body", &[("site", notice.site.as_str().into())])
}

/// A parent's alert: who on this computer tried which site (`None`: the account cannot be told).
pub(crate) fn alert_body(lang: Lang, site: &str, account: Option<&str>) -> String {
    match account {
        Some(account) => lang.message(
            "alert-body",
            &[("site", site.into()), ("account", account.into())],
        ),
        None => lang.message("alert-body-unknown", &[("site", site.into())]),
    }
}

/// What the tray shows about protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// No status yet (the first answer is on its way).
    Checking,
    NotRunning,
    Paused,
    NotReaching,
    Protected,
}

impl State {
    /// From the service's status, or its absence.
    pub(crate) fn of(status: Option<&Status>) -> State {
        match status {
            None => State::NotRunning,
            // `paused`, not `paused_until`: the end of a pause is shown to parents only, and
            // the notifier runs in the child's session too.
            Some(s) => State::protection(s.paused, s.system_dns_ok),
        }
    }

    /// From a status event of the notice stream.
    pub(crate) fn of_protection(state: &ProtectionState) -> State {
        State::protection(state.paused, state.system_dns_ok)
    }

    fn protection(paused: bool, system_dns_ok: Option<bool>) -> State {
        if paused {
            State::Paused
        } else if system_dns_ok == Some(false) {
            State::NotReaching
        } else {
            State::Protected
        }
    }

    /// The state line of the menu.
    pub(crate) fn describe(self, lang: Lang) -> String {
        lang.text(match self {
            State::Checking => "tray-checking",
            State::NotRunning => "tray-not-running",
            State::Paused => "tray-paused",
            State::NotReaching => "tray-not-reaching",
            State::Protected => "tray-protected",
        })
    }

    /// The tooltip: the app's name and the state.
    pub(crate) fn tooltip(self, lang: Lang) -> String {
        lang.message(
            "tray-tooltip-state",
            &[("state", self.describe(lang).into())],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(site: &str, name: &str, brand: Option<&str>) -> Notice {
        Notice {
            time: time::OffsetDateTime::UNIX_EPOCH,
            site: site.into(),
            name: name.into(),
            brand: brand.map(Into::into),
            kind: NoticeKind::Blocked,
            account: None,
        }
    }

    #[test]
    fn the_words_the_child_reads() {
        assert_eq!(
            body(Lang::En, &notice("Omegle", "omegle.com", None)),
            "Omegle is blocked on this computer. If you need it, talk to a parent."
        );
        assert_eq!(title(Lang::En), "This site is blocked");
        assert_eq!(
            State::of(None).describe(Lang::En),
            "Vigie is not running: this computer is not protected"
        );
        assert_eq!(
            State::Protected.tooltip(Lang::En),
            "Vigie — This computer is protected"
        );
    }

    #[test]
    fn the_words_the_child_reads_in_french() {
        assert_eq!(title(Lang::Fr), "Ce site est bloqué");
        assert_eq!(
            body(Lang::Fr, &notice("Omegle", "omegle.com", None)),
            "Omegle est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            body(Lang::Fr, &notice("", "omegle.com", None)),
            "Ce site est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            State::Protected.describe(Lang::Fr),
            "Cet ordinateur est protégé"
        );
    }

    #[test]
    fn a_brand_block_tells_the_child_which_site_it_looks_like_in_their_language() {
        let n = notice(
            "looks like Omegle",
            "www.omeglechat.example",
            Some("Omegle"),
        );
        assert_eq!(
            body(Lang::Fr, &n),
            "www.omeglechat.example ressemble à Omegle, alors il est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            body(Lang::En, &n),
            "www.omeglechat.example looks like Omegle, so it is blocked on this computer. If you need it, talk to a parent."
        );
    }

    #[test]
    fn the_words_a_parent_reads_in_an_alert() {
        let alert = Notice {
            kind: NoticeKind::Alert,
            account: Some("Léa".into()),
            ..notice("Omegle", "omegle.com", None)
        };
        let (title, body) = notification(Lang::En, &alert);
        assert_eq!(
            body,
            "Someone on this computer tried Omegle — Léa's account"
        );
        assert!(!title.is_empty());
        assert_eq!(
            alert_body(Lang::Fr, "Omegle", Some("Léa")),
            "Quelqu’un sur cet ordinateur a essayé Omegle — compte de Léa"
        );
        assert!(alert_body(Lang::En, "Omegle", None).contains("cannot be told"));
        assert!(alert_body(Lang::Fr, "Omegle", None).contains("on ne peut pas savoir"));
    }
}
