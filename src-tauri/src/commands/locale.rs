//! The session's language for the console page: the same rule as the notifier's, from the
//! process environment (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`).

use vigie_i18n::Lang;

/// `fr` for a French session, `en` otherwise.
#[tauri::command]
pub(crate) fn get_locale() -> String {
    Lang::from_env().code().to_string()
}
