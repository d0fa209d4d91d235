//! The desktop app: the parent's console window. (The notifier that runs in every user session
//! is `vigie-notifier`, a small program of its own in `crates/notifier`, so that no session holds
//! a web view all day for a tray icon.)
//!
//! The app holds no policy of its own. Every question goes to Vigie's service through
//! `vigie-localapi` over the local socket; the parent's session token lives in Rust state
//! ([`state::Console`]) and is never handed to page script.

mod commands;
mod error;
pub mod options;
mod state;

use options::Options;

/// Parses the command line and runs the console until its window is closed.
pub fn run() {
    let options = match Options::from_env() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("vigie-app: {message}");
            std::process::exit(2);
        }
    };
    console(options);
}

fn console(options: Options) {
    let app = tauri::Builder::default()
        .manage(state::Console::new(options.socket.clone()))
        .invoke_handler(tauri::generate_handler![
            commands::locale::get_locale,
            commands::locale::set_window_language,
            commands::status::status,
            commands::auth::session,
            commands::auth::setup,
            commands::auth::login,
            commands::auth::lock,
            commands::auth::change_password,
            commands::lists::lists,
            commands::lists::list_detail,
            commands::lists::set_list_enabled,
            commands::sites::my_sites,
            commands::sites::add_site,
            commands::sites::remove_site,
            commands::sites::allowlist,
            commands::sites::allow,
            commands::sites::unallow,
            commands::sites::preview_site,
            commands::sites::check_name,
            commands::feeds::subscriptions,
            commands::feeds::add_subscription,
            commands::feeds::change_subscription,
            commands::feeds::remove_subscription,
            commands::feeds::refresh_subscription,
            commands::feeds::change_feed,
            commands::activity::attempts,
            commands::activity::summary,
            commands::activity::export_csv,
            commands::settings::get_settings,
            commands::settings::put_settings,
            commands::settings::pause,
            commands::settings::resume,
        ])
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("index.html".into()),
            )
            // The session's language; the page retitles it when the parent's choice differs.
            .title(commands::locale::window_title(
                vigie_i18n::Lang::from_env().code(),
            ))
            .inner_size(1120.0, 780.0)
            .min_inner_size(760.0, 560.0)
            .build()?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("vigie-app: the window could not open: {e}");
            std::process::exit(1);
        }
    }
}
