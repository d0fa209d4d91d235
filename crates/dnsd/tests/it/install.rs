//! `vigie install` and `vigie uninstall` against a temporary root folder that stands for `/`:
//! owners and modes, each DNS manager's files saved and restored, merged browser policies,
//! idempotence, and uninstall putting back the tree byte for byte. The real binary does the
//! work; these tests only seed the folder and look at the result.
//!
//! Writing owners needs root (CI runs as root); as another user these tests say so and skip.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use crate::util::run_with_stdin;

pub(crate) fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Runs the real `vigie` with `args`; returns (exit code, stdout, stderr).
pub(crate) fn vigie(args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.args(args);
    run_with_stdin(cmd, "")
}

/// Runs `program args` as `nobody` through setpriv.
pub(crate) fn as_nobody(program: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        program,
    ]);
    c.args(args);
    run_with_stdin(c, stdin)
}

/// Every path under `root` with its kind, mode, owner and content (or link target).
pub(crate) fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let m = std::fs::symlink_metadata(&p).unwrap();
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let owner = format!("{:o} {}:{}", m.mode() & 0o7777, m.uid(), m.gid());
        let what = if m.file_type().is_symlink() {
            format!("link → {}", std::fs::read_link(&p).unwrap().display())
        } else if m.is_dir() {
            walk(root, &p, out);
            format!("dir {owner}")
        } else {
            let bytes = std::fs::read(&p).unwrap();
            if bytes.len() > 4096 {
                // Big files (the binary): a digest is enough to tell them apart.
                use sha2::Digest;
                format!("file {owner} sha256 {:x}", sha2::Sha256::digest(&bytes))
            } else {
                format!("file {owner} {:?}", String::from_utf8_lossy(&bytes))
            }
        };
        out.insert(rel, what);
    }
}

/// Differences between two snapshots, one line each, for a readable failure.
fn diff(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> String {
    let mut lines = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => lines.push(format!("- {k}: {v}")),
            Some(w) if w != v => lines.push(format!("~ {k}: {v}\n    now {w}")),
            _ => {}
        }
    }
    for (k, v) in b {
        if !a.contains_key(k) {
            lines.push(format!("+ {k}: {v}"));
        }
    }
    lines.join("\n")
}

fn assert_same(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>, what: &str) {
    assert!(before == after, "{what}:\n{}", diff(before, after));
}

/// How DNS is managed in a seeded root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seed {
    /// A plain /etc/resolv.conf, with dhclient's hook folder.
    Plain,
    /// /etc/resolv.conf is a link to resolvconf's file.
    Resolvconf,
    /// systemd-resolved's stub link.
    Resolved,
    /// NetworkManager writing /etc/resolv.conf.
    NetworkManager,
}

fn write(root: &Path, rel: &str, text: &str, mode: u32) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A temporary root with the files a small Debian system has, DNS managed as `seed` says,
/// Firefox policies of its own and a folder Vigie writes into but must not remove.
pub(crate) fn seeded_root(seed: Seed) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(
        root,
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        0o644,
    );
    write(root, "etc/group", "root:x:0:\nnogroup:x:65534:\n", 0o644);
    write(
        root,
        "etc/shadow",
        "root:*:20000:0:99999:7:::\nnobody:*:20000:0:99999:7:::\n",
        0o640,
    );
    write(root, "etc/gshadow", "root:*::\nnogroup:*::\n", 0o640);
    // Odd spacing on purpose: uninstall must give back these very bytes, not a re-encoding.
    write(
        root,
        "etc/firefox/policies/policies.json",
        "{ \"policies\": {\"DisableTelemetry\": true,\n  \"Homepage\": {\"URL\": \"https://example.test/\"} } }\n",
        0o644,
    );
    write(root, "etc/opt/other-vendor/keep.conf", "mine\n", 0o600);
    std::fs::create_dir_all(root.join("var/lib")).unwrap();
    match seed {
        Seed::Plain => {
            write(
                root,
                "etc/resolv.conf",
                "# from DHCP\nnameserver 192.0.2.1\nnameserver 2001:db8::53\nsearch home\n",
                0o644,
            );
            std::fs::create_dir_all(root.join("etc/dhcp/dhclient-enter-hooks.d")).unwrap();
        }
        Seed::Resolvconf => {
            write(
                root,
                "run/resolvconf/resolv.conf",
                "nameserver 192.0.2.5\n",
                0o644,
            );
            std::os::unix::fs::symlink("/run/resolvconf/resolv.conf", root.join("etc/resolv.conf"))
                .unwrap();
        }
        Seed::Resolved => {
            write(
                root,
                "run/systemd/resolve/stub-resolv.conf",
                "nameserver 127.0.0.53\noptions edns0 trust-ad\n",
                0o644,
            );
            write(
                root,
                "run/systemd/resolve/resolv.conf",
                "nameserver 192.0.2.7\nnameserver 192.0.2.8\n",
                0o644,
            );
            write(
                root,
                "etc/systemd/resolved.conf",
                "[Resolve]\n#DNS=\n",
                0o644,
            );
            std::os::unix::fs::symlink(
                "../run/systemd/resolve/stub-resolv.conf",
                root.join("etc/resolv.conf"),
            )
            .unwrap();
        }
        Seed::NetworkManager => {
            write(
                root,
                "etc/NetworkManager/NetworkManager.conf",
                "[main]\nplugins=ifupdown,keyfile\n",
                0o644,
            );
            write(
                root,
                "etc/resolv.conf",
                "# Generated by NetworkManager\nnameserver 192.0.2.9\n",
                0o644,
            );
        }
    }
    dir
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel} cannot be read: {e}"))
}

fn meta(root: &Path, rel: &str) -> (u32, u32, u32) {
    let m = std::fs::symlink_metadata(root.join(rel)).unwrap();
    (m.mode() & 0o7777, m.uid(), m.gid())
}

fn vigie_ids(root: &Path) -> (u32, u32) {
    let passwd = read(root, "etc/passwd");
    let line = passwd
        .lines()
        .find(|l| l.starts_with("vigie:"))
        .unwrap_or_else(|| panic!("no vigie user in {passwd}"));
    let f: Vec<&str> = line.split(':').collect();
    assert_eq!(f[6], "/usr/sbin/nologin", "the service user cannot log in");
    (f[2].parse().unwrap(), f[3].parse().unwrap())
}

pub(crate) fn install(root: &Path, extra: &[&str]) -> String {
    let r = root.to_str().unwrap();
    let mut args = vec!["install", "--root", r];
    args.extend_from_slice(extra);
    let (code, out, err) = vigie(&args);
    assert_eq!(code, 0, "install failed:\n{out}\n{err}");
    out
}

fn uninstall(root: &Path) -> String {
    let (code, out, err) = vigie(&["uninstall", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "uninstall failed:\n{out}\n{err}");
    out
}

fn skip_unless_root() -> bool {
    if !is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "installing sets owners (root:vigie, vigie:vigie), which needs root; CI runs as root",
        );
        return true;
    }
    false
}

#[test]
fn install_and_uninstall_refuse_other_users_with_a_clear_reason() {
    if !is_root() {
        // Already another user: ask directly.
        let (code, _, err) = vigie(&["install"]);
        assert_eq!(code, 1);
        assert!(err.contains("must run as root"), "{err}");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "setpriv (util-linux) is needed to run vigie as another user",
        );
        return;
    }
    let dir = seeded_root(Seed::Plain);
    let before = snapshot(dir.path());
    let bin = env!("CARGO_BIN_EXE_vigie");
    let r = dir.path().to_str().unwrap();
    for verb in ["install", "uninstall"] {
        let (code, out, err) = as_nobody(bin, &[verb, "--root", r], "");
        assert_eq!(code, 1, "{verb} as nobody: {out}{err}");
        assert!(
            err.contains("must run as root") && err.contains(&format!("sudo vigie {verb}")),
            "{err}"
        );
    }
    assert_same(
        &before,
        &snapshot(dir.path()),
        "refused runs change nothing",
    );
}

#[test]
fn dry_run_lists_the_changes_and_makes_none() {
    let dir = seeded_root(Seed::Plain);
    let before = snapshot(dir.path());
    let (code, out, err) = vigie(&[
        "install",
        "--root",
        dir.path().to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    for line in [
        "would create the system user vigie",
        "would create folder /etc/vigie (mode 0775",
        "would write /etc/systemd/system/vigie.service",
        "would replace /etc/resolv.conf",
        "would replace /etc/firefox/policies/policies.json",
        "would write /etc/opt/chrome/policies/managed/vigie.json",
        "would write /etc/xdg/autostart/vigie-notifier.desktop",
    ] {
        assert!(out.contains(line), "no {line:?} in:\n{out}");
    }
    assert_eq!(
        out.matches("would create folder /etc/opt/chrome ").count(),
        1,
        "each folder is listed once:\n{out}"
    );
    assert_same(&before, &snapshot(dir.path()), "a dry run changes nothing");
}

#[test]
fn plain_resolv_conf_install_is_idempotent_and_uninstall_restores_every_byte() {
    if skip_unless_root() {
        return;
    }
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    let before = snapshot(root);

    let out = install(root, &["--redirect", "on"]);
    assert!(out.contains("managed by /etc/resolv.conf"), "{out}");
    let (uid, gid) = vigie_ids(root);
    assert_ne!(uid, 0);

    // Folders: config root-owned and writable only by the service's group; data the service's.
    assert_eq!(meta(root, "etc/vigie"), (0o775, 0, gid));
    assert_eq!(meta(root, "etc/vigie/lists"), (0o775, 0, gid));
    assert_eq!(meta(root, "var/lib/vigie"), (0o700, uid, gid));
    assert_eq!(meta(root, "etc/vigie/settings.toml"), (0o664, 0, gid));

    // No upstream is written: the service follows the network's servers. The ones in use
    // before are kept where the service finds them, for a computer whose DNS is set by hand.
    let settings = read(root, "etc/vigie/settings.toml");
    assert!(!settings.contains("address ="), "{settings}");
    let raw = vigie_policy::RawSettings::parse(&settings, Path::new("settings.toml")).unwrap();
    let valid = raw.validate(Path::new("settings.toml")).unwrap();
    assert!(valid.upstreams.is_empty());
    let saved = read(root, "var/lib/vigie/resolv.conf.before-vigie");
    assert!(
        saved.contains("nameserver 192.0.2.1\n") && saved.contains("nameserver 2001:db8::53\n"),
        "{saved}"
    );

    // DNS: resolv.conf points at Vigie, dhclient may not rewrite it.
    let resolv = read(root, "etc/resolv.conf");
    assert!(resolv.contains("nameserver 127.0.0.1\n"), "{resolv}");
    assert!(!resolv.contains("192.0.2.1"), "{resolv}");
    let hook = read(root, "etc/dhcp/dhclient-enter-hooks.d/vigie");
    assert!(hook.contains("make_resolv_conf() {"), "{hook}");
    assert!(!hook.contains("/etc/resolv.conf\n"), "{hook}");
    dhclient_hook_hands_the_lease_to_vigie(&hook);

    // The service: a copy of the binary in a root-owned place, and the hardened unit.
    assert_eq!(meta(root, "usr/local/bin/vigie"), (0o755, 0, 0));
    let unit = read(root, "etc/systemd/system/vigie.service");
    for line in [
        "ExecStart=/usr/local/bin/vigie run --probe-system-dns",
        "User=vigie",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE",
        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "Restart=always",
        "Type=notify",
        "WatchdogSec=30",
        "MemoryMax=256M",
        "LimitNOFILE=16384",
        "RuntimeDirectory=vigie",
        "ProtectSystem=strict",
        "ReadWritePaths=/etc/vigie",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
        "SystemCallFilter=@system-service",
    ] {
        assert!(
            unit.lines().any(|l| l == line),
            "no {line:?} in the unit:\n{unit}"
        );
    }

    // Browsers: Firefox's own policies kept and DoH locked off; Chromium-based browsers get a
    // file of their own.
    let ff: serde_json::Value =
        serde_json::from_str(&read(root, "etc/firefox/policies/policies.json")).unwrap();
    assert_eq!(ff["policies"]["DisableTelemetry"], true);
    assert_eq!(ff["policies"]["Homepage"]["URL"], "https://example.test/");
    assert_eq!(ff["policies"]["DNSOverHTTPS"]["Enabled"], false);
    assert_eq!(ff["policies"]["DNSOverHTTPS"]["Locked"], true);
    for d in [
        "etc/chromium",
        "etc/chromium-browser",
        "etc/opt/chrome",
        "etc/opt/edge",
        "etc/brave",
        "etc/opt/vivaldi",
    ] {
        let p: serde_json::Value =
            serde_json::from_str(&read(root, &format!("{d}/policies/managed/vigie.json"))).unwrap();
        assert_eq!(p["DnsOverHttpsMode"], "off", "{d}");
        assert_eq!(
            meta(root, &format!("{d}/policies/managed/vigie.json")),
            (0o644, 0, 0)
        );
    }

    // Desktop: the notifier in every session, the console in the menu.
    let auto = read(root, "etc/xdg/autostart/vigie-notifier.desktop");
    assert!(auto.contains("\nExec=vigie-notifier\n"), "{auto}");
    assert!(auto.contains("\nTryExec=vigie-notifier\n"), "{auto}");
    let console = read(root, "usr/local/share/applications/vigie.desktop");
    assert!(console.contains("\nExec=vigie-app\n"), "{console}");

    // The redirect exempts the service's own user by number.
    let rules = read(root, "usr/local/lib/vigie/redirect.nft");
    assert!(
        rules.contains(&format!("meta skuid {uid} return")),
        "{rules}"
    );
    assert!(rules.contains("udp dport 53 redirect to :53"), "{rules}");
    assert!(rules.contains("tcp dport 853 reject"), "{rules}");
    assert!(
        read(root, "etc/systemd/system/vigie-redirect.service")
            .contains("nft -f /usr/local/lib/vigie/redirect.nft")
    );

    // The ledger is root's alone.
    assert_eq!(meta(root, "var/lib/vigie-install"), (0o700, 0, 0));

    // Again: nothing changes, not even the ledger.
    let installed = snapshot(root);
    let out = install(root, &["--redirect", "on"]);
    assert!(out.contains("keep /etc/vigie/settings.toml"), "{out}");
    assert_same(
        &installed,
        &snapshot(root),
        "a second install changes nothing",
    );

    // A file other programs put in a folder Vigie created is not Vigie's to remove.
    write(
        root,
        "etc/opt/edge/policies/managed/company.json",
        "{}\n",
        0o644,
    );
    let before_with_edge = {
        let mut b = before.clone();
        let s = snapshot(root);
        for k in [
            "etc/opt/edge",
            "etc/opt/edge/policies",
            "etc/opt/edge/policies/managed",
            "etc/opt/edge/policies/managed/company.json",
        ] {
            b.insert(k.into(), s[k].clone());
        }
        b
    };
    let installed = snapshot(root);
    let (code, out, err) = vigie(&["uninstall", "--root", root.to_str().unwrap(), "--dry-run"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("would restore /etc/resolv.conf"), "{out}");
    assert!(out.contains("would remove the system user vigie"), "{out}");
    assert_same(
        &installed,
        &snapshot(root),
        "a dry run of uninstall changes nothing",
    );
    let out = uninstall(root);
    assert!(
        out.contains("keep folder /etc/opt/edge/policies/managed"),
        "{out}"
    );
    assert_same(
        &before_with_edge,
        &snapshot(root),
        "uninstall restores the tree",
    );

    let out = uninstall(root);
    assert!(out.contains("not installed"), "{out}");
}

#[test]
fn each_dns_manager_is_taken_over_and_given_back() {
    if skip_unless_root() {
        return;
    }
    for (seed, manager, upstream) in [
        (Seed::Resolved, "systemd-resolved", "192.0.2.7:53"),
        (Seed::NetworkManager, "NetworkManager", "192.0.2.9:53"),
        (Seed::Resolvconf, "/etc/resolv.conf", "192.0.2.5:53"),
    ] {
        let dir = seeded_root(seed);
        let root = dir.path();
        let before = snapshot(root);
        let out = install(root, &["--redirect", "off", "--parent", "nobody"]);
        assert!(
            out.contains(&format!("managed by {manager}")),
            "{seed:?}: {out}"
        );
        let settings = read(root, "etc/vigie/settings.toml");
        assert!(!settings.contains("address ="), "{seed:?}: {settings}");
        let saved = read(root, "var/lib/vigie/resolv.conf.before-vigie");
        assert!(
            saved.contains(&format!(
                "nameserver {}\n",
                upstream.trim_end_matches(":53")
            )),
            "{seed:?}: {saved}"
        );
        assert!(!root.join("usr/local/lib/vigie").exists(), "--redirect off");
        let valid = vigie_policy::RawSettings::parse(&settings, Path::new("settings.toml"))
            .and_then(|raw| raw.validate(Path::new("settings.toml")))
            .unwrap();
        assert_eq!(
            valid.parent_uids,
            vec![65534],
            "--parent nobody: {settings}"
        );
        match seed {
            Seed::Resolved => {
                let drop_in = read(root, "etc/systemd/resolved.conf.d/vigie.conf");
                assert!(drop_in.contains("\nDNS=127.0.0.1 ::1\n"), "{drop_in}");
                assert!(drop_in.contains("\nDomains=~.\n"), "{drop_in}");
                assert_eq!(
                    before["etc/resolv.conf"],
                    snapshot(root)["etc/resolv.conf"],
                    "the stub link stays"
                );
                assert!(saved.contains("nameserver 192.0.2.8\n"), "{saved}");
            }
            Seed::NetworkManager => {
                let drop_in = read(root, "etc/NetworkManager/conf.d/90-vigie.conf");
                // NetworkManager keeps working out each network's servers (Vigie follows
                // them) without touching /etc/resolv.conf.
                assert!(drop_in.contains("\ndns=default\n"), "{drop_in}");
                assert!(drop_in.contains("\nrc-manager=unmanaged\n"), "{drop_in}");
                assert!(read(root, "etc/resolv.conf").contains("nameserver 127.0.0.1"));
            }
            Seed::Resolvconf => {
                let m = std::fs::symlink_metadata(root.join("etc/resolv.conf")).unwrap();
                assert!(m.is_file(), "the link is replaced by a file");
                assert!(read(root, "etc/resolv.conf").contains("nameserver 127.0.0.1"));
                assert_eq!(
                    read(root, "run/resolvconf/resolv.conf"),
                    "nameserver 192.0.2.5\n",
                    "the link's target is left alone"
                );
            }
            Seed::Plain => unreachable!(),
        }
        // Installing again must not take Vigie's own address for the previous resolver.
        let again = snapshot(root);
        install(root, &["--redirect", "off"]);
        assert_same(&again, &snapshot(root), "a second install changes nothing");
        uninstall(root);
        assert_same(
            &before,
            &snapshot(root),
            &format!("{seed:?}: uninstall restores the tree"),
        );
    }
}

/// Flatpak's own folder for unmanaged extensions, as Flatpak builds of Firefox and Chromium read
/// it (an architecture folder, then the branch or version).
fn flatpak_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86" => "i386",
        other => other,
    }
}

#[test]
fn flatpak_browsers_get_the_policy_only_where_flatpak_is_installed() {
    if skip_unless_root() {
        return;
    }
    let arch = flatpak_arch();
    let firefox = format!(
        "var/lib/flatpak/extension/org.mozilla.firefox.systemconfig/{arch}/stable/policies/policies.json"
    );
    let chromium = format!(
        "var/lib/flatpak/extension/org.chromium.Chromium.Extension.system-policies/{arch}/1/policies/managed/vigie.json"
    );

    // Without Flatpak nothing is made up for it.
    let dir = seeded_root(Seed::Plain);
    install(dir.path(), &[]);
    assert!(
        !dir.path().join("var/lib/flatpak").exists(),
        "a Flatpak folder was created on a computer without Flatpak"
    );

    // With Flatpak (its folder, and a Firefox policy a parent wrote there), both browsers are
    // covered, the parent's policy is kept, and uninstall gives back every byte.
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    std::fs::create_dir_all(root.join("var/lib/flatpak/repo")).unwrap();
    write(
        root,
        &firefox,
        "{\"policies\": {\"DisableTelemetry\": true}}\n",
        0o644,
    );
    let before = snapshot(root);
    let out = install(root, &[]);
    assert!(out.contains(&format!("write /{chromium}")), "{out}");
    let ff: serde_json::Value = serde_json::from_str(&read(root, &firefox)).unwrap();
    assert_eq!(ff["policies"]["DisableTelemetry"], true);
    assert_eq!(ff["policies"]["DNSOverHTTPS"]["Enabled"], false);
    assert_eq!(ff["policies"]["DNSOverHTTPS"]["Locked"], true);
    let ch: serde_json::Value = serde_json::from_str(&read(root, &chromium)).unwrap();
    assert_eq!(ch["DnsOverHttpsMode"], "off");
    assert_eq!(meta(root, &chromium), (0o644, 0, 0));
    uninstall(root);
    assert_same(
        &before,
        &snapshot(root),
        "uninstall after a Flatpak install",
    );
}

#[test]
fn broken_firefox_policies_stop_the_install_and_lose_nothing() {
    if skip_unless_root() {
        return;
    }
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    write(
        root,
        "etc/firefox/policies/policies.json",
        "{\"policies\": {\n",
        0o644,
    );
    let before = snapshot(root);
    let (code, out, err) = vigie(&["install", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("/etc/firefox/policies/policies.json") && err.contains("not valid JSON"),
        "{err}"
    );
    assert_eq!(
        read(root, "etc/firefox/policies/policies.json"),
        "{\"policies\": {\n"
    );
    // What the install did before it stopped is in the ledger, and goes.
    uninstall(root);
    assert_same(&before, &snapshot(root), "uninstall after a failed install");

    let (code, _, err) = vigie(&[
        "install",
        "--root",
        root.to_str().unwrap(),
        "--parent",
        "nosuchuser",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--parent nosuchuser: there is no such user"),
        "{err}"
    );
    assert_same(
        &before,
        &snapshot(root),
        "a refused --parent changes nothing",
    );
}

#[test]
fn a_standard_user_cannot_change_what_install_wrote() {
    if skip_unless_root() {
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "setpriv (util-linux) is needed to act as another user",
        );
        return;
    }
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    install(root, &["--redirect", "on"]);
    let r = root.display();
    for script in [
        format!("echo 'listen = []' > {r}/etc/vigie/settings.toml"),
        format!("touch {r}/etc/vigie/lists/evil.toml"),
        format!("mv {r}/etc/vigie/settings.toml {r}/etc/vigie/gone"),
        format!("ls {r}/var/lib/vigie"),
        format!("echo nameserver 9.9.9.9 > {r}/etc/resolv.conf"),
        format!("echo '{{}}' > {r}/etc/firefox/policies/policies.json"),
        format!("rm {r}/etc/opt/chrome/policies/managed/vigie.json"),
        format!("rm {r}/etc/xdg/autostart/vigie-notifier.desktop"),
        format!("echo x > {r}/usr/local/bin/vigie"),
        format!("echo x > {r}/etc/systemd/system/vigie.service"),
    ] {
        let (code, _, err) = as_nobody("sh", &["-c", &script], "");
        assert_ne!(code, 0, "as nobody, `{script}` must fail");
        assert!(
            err.contains("Permission denied") || err.contains("Operation not permitted"),
            "`{script}`: {err}"
        );
    }
    uninstall(root);
}

#[test]
fn the_service_unit_scores_ok_with_systemd_analyze() {
    if skip_unless_root() {
        return;
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "systemd-analyze is not installed, so the unit's exposure was not scored",
        );
        return;
    }
    let dir = seeded_root(Seed::Plain);
    install(dir.path(), &["--redirect", "off"]);
    let unit = dir.path().join("etc/systemd/system/vigie.service");
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(line) = text.lines().find(|l| l.contains("Overall exposure level")) else {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            &format!(
                "systemd-analyze gave no score here: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ),
        );
        return;
    };
    println!("systemd-analyze security: {}", line.trim());
    let score: f32 = line
        .split(':')
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no number in {line:?}"));
    assert!(
        score <= 2.0,
        "exposure {score} (\"OK\" or better is at most 2.0 here): {line}"
    );
}

#[test]
fn reinstalling_applies_upstream_and_parent_and_keeps_the_other_settings() {
    if skip_unless_root() {
        return;
    }
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    let before = snapshot(root);
    install(root, &["--redirect", "off"]);
    // The parent turned a list off meanwhile.
    let path = "etc/vigie/settings.toml";
    let edited = format!("{}\n[lists]\ndns-bypass = false\n", read(root, path));
    write(root, path, &edited, 0o664);
    let out = install(
        root,
        &[
            "--redirect",
            "off",
            "--upstream",
            "192.0.2.53:53",
            "--parent",
            "nobody",
        ],
    );
    assert!(out.contains("update /etc/vigie/settings.toml"), "{out}");
    let text = read(root, path);
    let raw = vigie_policy::RawSettings::parse(&text, Path::new(path)).unwrap();
    let addresses: Vec<&str> = raw.upstream.iter().map(|u| u.address.as_str()).collect();
    assert_eq!(addresses, ["192.0.2.53:53"], "{text}");
    assert_eq!(raw.parents.uids, [65534], "{text}");
    assert_eq!(raw.lists.get("dns-bypass"), Some(&false), "kept: {text}");
    // Once more with the same flags: nothing to change.
    let out = install(
        root,
        &[
            "--redirect",
            "off",
            "--upstream",
            "192.0.2.53:53",
            "--parent",
            "nobody",
        ],
    );
    assert!(out.contains("keep /etc/vigie/settings.toml"), "{out}");
    uninstall(root);
    assert_same(&before, &snapshot(root), "uninstall restores every byte");
}

/// Runs the dhclient hook as dhclient-script would (sourced, then `make_resolv_conf` called
/// with the lease's variables), with its output file moved into a temporary folder: the
/// lease's servers must land there in resolv.conf form.
fn dhclient_hook_hands_the_lease_to_vigie(hook: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net/resolv.conf");
    let hook = hook
        .replace("/run/vigie-network/resolv.conf", file.to_str().unwrap())
        .replace(
            "/run/vigie-network",
            dir.path().join("net").to_str().unwrap(),
        );
    let script = format!(
        "{hook}\nnew_domain_name_servers='192.0.2.44 192.0.2.45'\nnew_dhcp6_name_servers='2001:db8::44'\nmake_resolv_conf\n"
    );
    let status = std::process::Command::new("sh")
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "nameserver 192.0.2.44\nnameserver 192.0.2.45\nnameserver 2001:db8::44\n"
    );
    // A lease without servers leaves the last ones in place.
    let script = format!("{hook}\nnew_domain_name_servers=''\nmake_resolv_conf\n");
    let status = std::process::Command::new("sh")
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("192.0.2.44")
    );
}
