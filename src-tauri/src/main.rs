//! `vigie-app`: the parent's console window.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    vigie_app::run();
}
