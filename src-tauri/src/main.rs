//! `vigie-app`: the parent's console window, or with `--tray` the notifier of a user session.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    vigie_app::run();
}
