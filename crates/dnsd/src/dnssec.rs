//! Whether a validating systemd-resolved sits in front of Vigie.
//!
//! A validating resolver rejects every block answer (nothing can sign the synthesized
//! 127.0.0.88), so the install sets `DNSSEC=no` for systemd-resolved. A later drop-in, or a
//! global `DNSSEC=yes`, silently turns every block into "validation failed": no block page, no
//! notice, and the child's browser shows a network error. This module works out resolved's
//! effective `DNSSEC=` from its configuration files, the way resolved reads them, so status can
//! say so in words.
//!
//! resolved reads `/etc/systemd/resolved.conf`, then every `*.conf` drop-in of
//! `resolved.conf.d/` under `/etc/systemd`, `/run/systemd`, `/usr/local/lib/systemd` and
//! `/usr/lib/systemd`, in the order of their file names (a file in `/etc` hides one of the same
//! name further down); the last `DNSSEC=` of a `[Resolve]` section wins. A link's own setting
//! (systemd-networkd's `DNSSEC=` for one network) is not read here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Vigie's drop-in for systemd-resolved: present when the install handed resolved to Vigie.
const VIGIE_DROP_IN: &str = "etc/systemd/resolved.conf.d/vigie.conf";
const MAIN: &str = "etc/systemd/resolved.conf";
/// Drop-in folders, the first hiding the later ones for a file of the same name.
const DROP_IN_DIRS: [&str; 4] = [
    "etc/systemd/resolved.conf.d",
    "run/systemd/resolved.conf.d",
    "usr/local/lib/systemd/resolved.conf.d",
    "usr/lib/systemd/resolved.conf.d",
];

/// resolved's effective `DNSSEC=` when it validates (`yes`, `allow-downgrade`, as written),
/// `None` when it does not or when Vigie did not hand it over (no drop-in of Vigie's).
pub(crate) fn validating_resolved(root: &Path) -> Option<String> {
    if !root.join(VIGIE_DROP_IN).is_file() {
        return None;
    }
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in DROP_IN_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".conf") {
                files.entry(name).or_insert_with(|| entry.path());
            }
        }
    }
    let mut value: Option<String> = None;
    for path in std::iter::once(root.join(MAIN)).chain(files.into_values()) {
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Some(v) = last_dnssec(&text)
        {
            value = Some(v);
        }
    }
    value.filter(|v| {
        !matches!(
            v.to_ascii_lowercase().as_str(),
            "no" | "false" | "0" | "off" | ""
        )
    })
}

/// The last `DNSSEC=` of the `[Resolve]` sections of one file.
fn last_dnssec(text: &str) -> Option<String> {
    let mut in_resolve = false;
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            in_resolve = line == "[Resolve]";
            continue;
        }
        if in_resolve
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "DNSSEC"
        {
            found = Some(value.trim().to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_last_dnssec_setting_wins_in_resolveds_own_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Not handed to Vigie: nothing to say.
        write(root, MAIN, "[Resolve]\nDNSSEC=yes\n");
        assert_eq!(validating_resolved(root), None);

        write(root, VIGIE_DROP_IN, "[Resolve]\nDNS=127.0.0.1\nDNSSEC=no\n");
        assert_eq!(
            validating_resolved(root),
            None,
            "Vigie's drop-in comes after the main file"
        );

        // A drop-in named before Vigie's does not win; one named after does.
        write(
            root,
            "usr/lib/systemd/resolved.conf.d/10-vendor.conf",
            "[Resolve]\nDNSSEC=yes\n",
        );
        assert_eq!(validating_resolved(root), None);
        write(
            root,
            "run/systemd/resolved.conf.d/zz-admin.conf",
            "[Resolve]\n# DNSSEC=no\nDNSSEC=allow-downgrade\n",
        );
        assert_eq!(
            validating_resolved(root).as_deref(),
            Some("allow-downgrade")
        );

        // The same name in /etc hides the one in /run; another section does not count.
        write(
            root,
            "etc/systemd/resolved.conf.d/zz-admin.conf",
            "[Other]\nDNSSEC=yes\n[Resolve]\nDNSSEC=false\n",
        );
        assert_eq!(validating_resolved(root), None);
    }
}
