//! Builds the front end (`../ui`, Vite) when its sources or the translations (`../locales`) are
//! newer than `ui/dist`, then runs
//! Tauri's build step, which embeds `ui/dist` and turns the capability files into the access
//! control list. Every app command is listed here so that it gets an `allow-…` permission and
//! nothing reaches the page unless `capabilities/` grants it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The commands the console window may call (see `capabilities/console.json`).
const COMMANDS: &[&str] = &[
    "get_locale",
    "set_window_language",
    "status",
    "session",
    "setup",
    "login",
    "lock",
    "change_password",
    "lists",
    "list_detail",
    "set_list_enabled",
    "my_sites",
    "add_site",
    "remove_site",
    "allowlist",
    "allow",
    "unallow",
    "preview_site",
    "check_name",
    "subscriptions",
    "add_subscription",
    "change_subscription",
    "remove_subscription",
    "refresh_subscription",
    "change_feed",
    "attempts",
    "summary",
    "export_csv",
    "get_settings",
    "put_settings",
    "pause",
    "resume",
];

fn main() {
    let ui = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../ui");
    for watched in [
        "src",
        "index.html",
        "package.json",
        "vite.config.ts",
        "tsconfig.json",
        "dist",
    ] {
        println!("cargo:rerun-if-changed={}", ui.join(watched).display());
    }
    // The page compiles the .ftl files in, so a changed translation rebuilds it.
    let locales = ui.join("../locales");
    println!("cargo:rerun-if-changed={}", locales.display());
    build_ui(&ui);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("Tauri's build step");
}

/// Runs `npm run build` in `ui/` unless `ui/dist` is newer than every source file.
fn build_ui(ui: &Path) {
    let built = modified(&ui.join("dist/index.html"));
    let newest_source = [
        "src",
        "index.html",
        "package.json",
        "vite.config.ts",
        "tsconfig.json",
    ]
    .iter()
    .filter_map(|p| newest(&ui.join(p)))
    .chain(newest(&ui.join("../locales")))
    .max();
    if let (Some(built), Some(source)) = (built, newest_source)
        && built >= source
    {
        return;
    }
    if !ui.join("node_modules").exists() {
        run(ui, &["install", "--no-audit", "--no-fund"]);
    }
    run(ui, &["run", "build"]);
}

fn run(ui: &Path, args: &[&str]) {
    let status = Command::new("npm").args(args).current_dir(ui).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("`npm {}` in ui/ failed ({s})", args.join(" ")),
        Err(e) => panic!(
            "the desktop app's front end needs Node.js and npm to build (`npm {}` in ui/ could not start: {e})",
            args.join(" ")
        ),
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file, or of any file under a folder.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| newest(&e.path()))
        .max()
}
