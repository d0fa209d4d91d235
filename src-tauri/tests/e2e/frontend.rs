//! The front end's unit tests (Vitest) run as part of `cargo test`, so the README's one test
//! command covers them too.

use std::process::Command;

#[test]
fn vitest_unit_tests_pass() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    if crate::util::which("npm").is_none() {
        return crate::util::skip("vitest_unit_tests_pass", "npm is not installed");
    }
    let out = Command::new("npm")
        .args(["test", "--silent"])
        .current_dir(&ui)
        .output()
        .expect("npm runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "vitest failed:\n{text}");
    assert!(text.contains("passed"), "no test ran:\n{text}");
}
