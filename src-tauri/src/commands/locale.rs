//! The session's language for the console page: the same rule as the notifier's, from the
//! process environment (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`); and the window's title in
//! the language the page shows.

use vigie_i18n::Lang;

/// `fr` for a French session, `en` otherwise.
#[tauri::command]
pub(crate) fn get_locale() -> String {
    Lang::from_env().code().to_string()
}

/// The window's title (`app-window-title`) in `lang` (`fr` or `en`; anything else is English).
/// The page names a language, never the text, so it cannot write an arbitrary title.
pub(crate) fn window_title(lang: &str) -> String {
    Lang::from_tag(lang).text("app-window-title")
}

/// Titles the console window in the language the page now shows.
#[tauri::command]
pub(crate) fn set_window_language(window: tauri::WebviewWindow, lang: String) {
    if let Err(e) = window.set_title(&window_title(&lang)) {
        eprintln!("vigie-app: the window's title could not change: {e}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_title_follows_the_language() {
        assert_eq!(super::window_title("fr"), "Vigie — console des parents");
        assert_eq!(super::window_title("en"), "Vigie — parent console");
        assert_eq!(super::window_title("<b>"), "Vigie — parent console");
    }
}
