//! What the notifier says, in the session's language: the notice for a blocked attempt and the
//! protection state of the tray. Every word comes from `locales/*/notice.ftl` through
//! `vigie-i18n`; this module only chooses the message and its arguments.

use vigie_i18n::Lang;
use vigie_localapi::Status;

/// The notification's title.
pub(crate) fn title(lang: Lang) -> String {
    lang.text("notice-title")
}

/// The notification's body for a site.
pub(crate) fn body(lang: Lang, site: &str) -> String {
    if site.trim().is_empty() {
        return lang.text("notice-body-unnamed");
    }
    lang.message("notice-body", &[("site", site.into())])
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
            Some(s) if s.paused => State::Paused,
            Some(s) if s.system_dns_ok == Some(false) => State::NotReaching,
            Some(_) => State::Protected,
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

    #[test]
    fn the_words_the_child_reads() {
        assert_eq!(
            body(Lang::En, "Omegle"),
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
            body(Lang::Fr, "Omegle"),
            "Omegle est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            body(Lang::Fr, ""),
            "Ce site est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            State::Protected.describe(Lang::Fr),
            "Cet ordinateur est protégé"
        );
    }
}
