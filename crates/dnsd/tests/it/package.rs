//! The Debian package on a booted Debian: `packaging/deb-check.sh` boots a debootstrapped tree
//! with systemd-nspawn (private network), installs the package built by
//! `packaging/build-deb.sh`, opens graphical sessions for a parent and two children, has a child
//! open a blocked site and checks the notices on each session's bus, opens the console from its
//! menu entry, then purges the package and compares the file tree with the one before.
//!
//! Needs root, debootstrap, systemd-nspawn and the package in `target/debian/` (`.ci/run`
//! builds it before the tests); says which is missing when skipped. The bootstrapped tree is
//! kept under `/var/tmp/vigie-deb-check` and reused.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::install::is_root;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The newest `vigie_*.deb` in `target/debian/`.
fn package() -> Option<PathBuf> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
        .join("debian");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("vigie_") && n.ends_with(".deb"))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}

#[test]
fn the_package_installs_works_for_each_account_and_purges_clean() {
    let here = format!("{}:{}", file!(), line!());
    if !is_root() {
        vigie_testkit::skip(&here, "booting a container needs root (CI runs as root)");
        return;
    }
    for tool in ["debootstrap", "systemd-nspawn"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map_or(true, |o| !o.status.success())
        {
            vigie_testkit::skip(
                &here,
                &format!("{tool} is not installed (apt-get install debootstrap systemd-container)"),
            );
            return;
        }
    }
    let Some(deb) = package() else {
        vigie_testkit::skip(
            &here,
            "no package in target/debian/: build it first with `bash packaging/build-deb.sh`",
        );
        return;
    };
    let work = Path::new("/var/tmp/vigie-deb-check");
    let out = Command::new("bash")
        .arg(workspace().join("packaging/deb-check.sh"))
        .arg(&deb)
        .arg(work)
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    // The screenshot of the console and each session's notices, kept with the test output.
    let shots = workspace().join("target/screenshots");
    let _ = std::fs::create_dir_all(&shots);
    let _ = std::fs::copy(work.join("console.xwd"), shots.join("package-console.xwd"));
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with("FAIL:")).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(out.status.success(), "deb-check.sh failed");
    for expected in [
        "ok: service running",
        "ok: the child's notice, in French, on the child's bus",
        "ok: no notice on another child's bus",
        "ok: the parent's alert names the child's account",
        "ok: the console window is open",
        "ok: tree as before (contents)",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
}
