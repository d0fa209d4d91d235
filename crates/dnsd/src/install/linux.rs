//! The Linux back end of the installer: a systemd service run by its own user, DNS handed to
//! Vigie through whichever of systemd-resolved, NetworkManager or `/etc/resolv.conf` manages it,
//! browser policies, desktop entries, and an nftables redirect.
//!
//! Files Vigie owns are written whole. Files shared with others are touched as little as
//! possible: browser policies go in a file of their own where the browser reads a folder
//! (Chromium and its kin), and are merged into the one file Firefox reads.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use vigie_policy::{Protocol, RawSettings, RawUpstream};

use super::dns::{self, Dns};
use super::system::{Meta, System};
use super::{Account, Platform, USER};

pub(crate) const CONFIG: &str = "/etc/vigie";
pub(crate) const DATA: &str = "/var/lib/vigie";
/// Where the service finds the servers used before Vigie (`dns::network` reads it).
const SAVED_RESOLVERS: &str = crate::dns::network::SAVED_FILE;
pub(crate) const UNIT: &str = "/etc/systemd/system/vigie.service";
pub(crate) const REDIRECT_UNIT: &str = "/etc/systemd/system/vigie-redirect.service";
/// The timer that puts the redirect table back when something removed it (`nft flush ruleset`,
/// which Debian's own nftables.service runs on every restart), and its oneshot service.
pub(crate) const REDIRECT_CHECK_TIMER: &str = "/etc/systemd/system/vigie-redirect-check.timer";
pub(crate) const REDIRECT_CHECK_UNIT: &str = "/etc/systemd/system/vigie-redirect-check.service";
pub(crate) const FIREFOX_POLICIES: &str = "/etc/firefox/policies/policies.json";
/// Folders where Chromium-based browsers read managed policies, one JSON file each: Debian's
/// Chromium, Ubuntu's (`chromium-browser`, its deb and its snap), Google Chrome, Microsoft Edge,
/// Brave and Vivaldi. Opera publishes no policy support on Linux, so nothing is written for it;
/// the redirect and the blocked resolver names and addresses still apply to it.
pub(crate) const CHROMIUM_POLICY_DIRS: [&str; 6] = [
    "/etc/chromium/policies/managed",
    "/etc/chromium-browser/policies/managed",
    "/etc/opt/chrome/policies/managed",
    "/etc/opt/edge/policies/managed",
    "/etc/brave/policies/managed",
    "/etc/opt/vivaldi/policies/managed",
];
/// Where a system-wide Flatpak installation keeps unmanaged extensions. A Flatpak browser cannot
/// see `/etc`, and reads policies from an extension under this folder instead.
pub(crate) const FLATPAK_EXTENSIONS: &str = "/var/lib/flatpak/extension";
pub(crate) const AUTOSTART: &str = "/etc/xdg/autostart/vigie-notifier.desktop";

/// Linux, with systemd.
#[derive(Debug)]
pub(crate) struct Linux {
    /// `/usr` when this binary was installed by the package, `/usr/local` otherwise.
    prefix: &'static str,
    exe: PathBuf,
}

impl Linux {
    pub(crate) fn new(_sys: &System) -> Result<Linux> {
        let exe = std::env::current_exe()
            .and_then(|p| p.canonicalize())
            .context("cannot tell where this program is")?;
        let prefix = if exe == Path::new("/usr/bin/vigie") {
            "/usr"
        } else {
            "/usr/local"
        };
        Ok(Linux { prefix, exe })
    }

    fn binary(&self) -> String {
        format!("{}/bin/vigie", self.prefix)
    }

    fn rules(&self) -> String {
        format!("{}/lib/vigie/redirect.nft", self.prefix)
    }

    fn console_entry(&self) -> String {
        format!("{}/share/applications/vigie.desktop", self.prefix)
    }
}

impl Platform for Linux {
    fn check(&self, sys: &System) -> Result<()> {
        // Pointing DNS at a service that nothing starts would leave the computer without DNS.
        if sys.live() && !super::system::systemd_running() {
            bail!(
                "systemd is not running on this computer, so Vigie's service could not be started and kept running; nothing was changed. Vigie can still be tried with `vigie run --dev`"
            );
        }
        Ok(())
    }

    fn service_account(&self, sys: &mut System) -> Result<Account> {
        let (uid, gid) = sys.system_user(USER, DATA)?;
        Ok(Account { uid, gid })
    }

    fn folders(&self, sys: &mut System, a: Account) -> Result<()> {
        // The service writes the parent's edits here (temporary file + rename), so its group may
        // write the folder; nobody else may.
        let config = Meta {
            mode: 0o775,
            uid: 0,
            gid: a.gid,
        };
        sys.dir(CONFIG, Some(config), true)?;
        sys.dir(&format!("{CONFIG}/lists"), Some(config), true)?;
        sys.dir(
            DATA,
            Some(Meta {
                mode: 0o700,
                uid: a.uid,
                gid: a.gid,
            }),
            true,
        )
    }

    fn settings(
        &self,
        sys: &mut System,
        a: Account,
        upstreams: &[SocketAddr],
        explicit_upstreams: bool,
        parents: &[u32],
    ) -> Result<()> {
        let path = format!("{CONFIG}/settings.toml");
        let mut text = String::from(
            "# Vigie's settings: see the README for every field. Edits apply within a second.\n",
        );
        if explicit_upstreams {
            text.push_str(
                "#\n# Lookups that are not blocked are forwarded to these resolvers (`vigie install\n\
                 # --upstream`); the network's own servers are asked only when they all fail.\n",
            );
            for u in upstreams {
                text.push_str(&format!("[[upstream]]\naddress = \"{u}\"\n"));
            }
        } else {
            text.push_str(
                "#\n# No [[upstream]]: lookups that are not blocked go to the DNS servers of the network\n\
                 # this computer is on, followed from network to network. Add one to always use it.\n",
            );
        }
        if !parents.is_empty() {
            let uids: Vec<String> = parents.iter().map(u32::to_string).collect();
            text.push_str(&format!(
                "\n# These users act as parents without the password (`vigie install --parent`).\n\
                 [parents]\nuids = [{}]\n",
                uids.join(", ")
            ));
        }
        let meta = Meta {
            mode: 0o664,
            uid: 0,
            gid: a.gid,
        };
        if sys.write_new(&path, text.as_bytes(), meta)? {
            return Ok(());
        }
        if !explicit_upstreams && parents.is_empty() {
            println!("  keep {path} (already there)");
            return Ok(());
        }
        // Reinstalling with --upstream or --parent: those change, nothing else does.
        let existing = std::fs::read_to_string(sys.path(&path))
            .with_context(|| format!("cannot read {path}"))?;
        let mut raw = RawSettings::parse(&existing, &sys.path(&path))
            .map_err(|e| anyhow!("{path} has a problem to fix first: {e}"))?;
        if explicit_upstreams {
            raw.upstream = upstreams
                .iter()
                .map(|u| RawUpstream {
                    address: u.to_string(),
                    protocol: Protocol::Udp,
                    server_name: None,
                    path: None,
                })
                .collect();
        }
        for uid in parents {
            if !raw.parents.uids.contains(uid) {
                raw.parents.uids.push(*uid);
            }
        }
        let updated = format!(
            "# Vigie's settings: see the README for every field. Edits apply within a second.\n{}",
            raw.to_toml()
        );
        if updated == existing {
            println!("  keep {path} (already as asked)");
            return Ok(());
        }
        println!("  update {path} (--upstream / --parent; the other settings are kept)");
        sys.write(&path, updated.as_bytes(), meta)
    }

    fn service(&self, sys: &mut System, _a: Account) -> Result<()> {
        let binary = self.binary();
        if sys.path(&binary) != self.exe {
            let bytes = std::fs::read(&self.exe)
                .with_context(|| format!("cannot read {}", self.exe.display()))?;
            sys.write(&binary, &bytes, Meta::root(0o755))?;
        }
        sys.on_undo(&["systemctl", "daemon-reload"])?;
        sys.write(UNIT, service_unit(&binary).as_bytes(), Meta::root(0o644))?;
        sys.act(&["systemctl", "daemon-reload"], None)?;
        sys.act(
            &["systemctl", "enable", "vigie.service"],
            Some(&["systemctl", "disable", "--now", "vigie.service"]),
        )?;
        // A restart, not a start: installing again (an upgrade) must run the new binary.
        if sys.act(&["systemctl", "restart", "vigie.service"], None)? {
            wait_for_service(&sys.path("/run/vigie/api.sock"))?;
        }
        Ok(())
    }

    fn take_over_dns(&self, sys: &mut System) -> Result<()> {
        let manager = dns::detect(sys)?;
        println!(
            "  DNS on this computer is managed by {}",
            manager.describe()
        );
        let file = Meta::root(0o644);
        // The servers in use now, kept for the service: where no network manager tells it the
        // network's servers (DNS written by hand), these stay the network's servers.
        let previous = dns::previous_resolvers(sys, manager)?;
        if previous.is_empty() {
            println!("  no DNS server is in use now: Vigie uses the network's once it has some");
        } else {
            let lines: String = previous
                .iter()
                .map(|ip| format!("nameserver {ip}\n"))
                .collect();
            sys.write(
                SAVED_RESOLVERS,
                format!(
                    "# Written by Vigie: the DNS servers this computer used before Vigie.\n{lines}"
                )
                .as_bytes(),
                file,
            )?;
        }
        match manager {
            Dns::Resolved => {
                let restart = ["systemctl", "try-restart", "systemd-resolved.service"];
                sys.on_undo(&restart)?;
                sys.write(
                    dns::RESOLVED_DROP_IN,
                    dns::resolved_drop_in().as_bytes(),
                    file,
                )?;
                sys.act(&restart, None)?;
            }
            Dns::NetworkManager => {
                let reload = [
                    "systemctl",
                    "try-reload-or-restart",
                    "NetworkManager.service",
                ];
                sys.on_undo(&reload)?;
                sys.write(dns::NM_DROP_IN, dns::nm_drop_in().as_bytes(), file)?;
                sys.write(dns::RESOLV_CONF, dns::resolv_conf().as_bytes(), file)?;
                sys.act(&reload, None)?;
            }
            Dns::Plain => {
                sys.write(dns::RESOLV_CONF, dns::resolv_conf().as_bytes(), file)?;
                if sys.path(dns::DHCLIENT_HOOKS).is_dir() {
                    sys.write(dns::DHCLIENT_HOOK, dns::dhclient_hook().as_bytes(), file)?;
                }
            }
        }
        Ok(())
    }

    fn browser_policies(&self, sys: &mut System) -> Result<()> {
        let current = sys.read_following(FIREFOX_POLICIES, None)?;
        let merged = firefox_policies(current.as_deref())
            .with_context(|| format!("cannot add Vigie's policy to {FIREFOX_POLICIES}"))?;
        sys.write(FIREFOX_POLICIES, merged.as_bytes(), Meta::root(0o644))?;
        for dir in CHROMIUM_POLICY_DIRS {
            sys.write(
                &format!("{dir}/vigie.json"),
                chromium_policy().as_bytes(),
                Meta::root(0o644),
            )?;
        }
        // Only where Flatpak is installed: installing it needs the administrator, who can run
        // `vigie install` again afterwards.
        if sys
            .path(FLATPAK_EXTENSIONS)
            .parent()
            .is_some_and(Path::is_dir)
        {
            let (firefox, chromium) = flatpak_policy_files();
            let current = sys.read_following(&firefox, None)?;
            let merged = firefox_policies(current.as_deref())
                .with_context(|| format!("cannot add Vigie's policy to {firefox}"))?;
            sys.write(&firefox, merged.as_bytes(), Meta::root(0o644))?;
            sys.write(&chromium, chromium_policy().as_bytes(), Meta::root(0o644))?;
        }
        Ok(())
    }

    fn desktop_entries(&self, sys: &mut System) -> Result<()> {
        sys.write(AUTOSTART, notifier_entry().as_bytes(), Meta::root(0o644))?;
        sys.write(
            &self.console_entry(),
            console_entry().as_bytes(),
            Meta::root(0o644),
        )
    }

    fn redirect_available(&self, sys: &System) -> bool {
        ["/usr/sbin/nft", "/sbin/nft"]
            .iter()
            .any(|p| sys.path(p).exists())
    }

    fn redirect_dns(&self, sys: &mut System, a: Account) -> Result<()> {
        let rules = self.rules();
        let dir = format!("{}/lib/vigie", self.prefix);
        sys.dir(&dir, Some(Meta::root(0o755)), true)?;
        sys.write(&rules, redirect_rules(a.uid).as_bytes(), Meta::root(0o644))?;
        sys.write(
            REDIRECT_UNIT,
            redirect_unit(&rules).as_bytes(),
            Meta::root(0o644),
        )?;
        sys.act(&["systemctl", "daemon-reload"], None)?;
        sys.act(
            &["systemctl", "enable", "vigie-redirect.service"],
            Some(&["systemctl", "disable", "--now", "vigie-redirect.service"]),
        )?;
        sys.act(&["systemctl", "restart", "vigie-redirect.service"], None)?;
        sys.write(
            REDIRECT_CHECK_UNIT,
            redirect_check_unit(&rules).as_bytes(),
            Meta::root(0o644),
        )?;
        sys.write(
            REDIRECT_CHECK_TIMER,
            REDIRECT_CHECK_TIMER_TEXT.as_bytes(),
            Meta::root(0o644),
        )?;
        sys.act(&["systemctl", "daemon-reload"], None)?;
        sys.act(
            &["systemctl", "enable", "--now", "vigie-redirect-check.timer"],
            Some(&[
                "systemctl",
                "disable",
                "--now",
                "vigie-redirect-check.timer",
            ]),
        )?;
        Ok(())
    }
}

/// Waits until the service's API socket answers; a service that does not start must not get
/// the computer's DNS.
fn wait_for_service(socket: &Path) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::os::unix::net::UnixStream::connect(socket).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!(
        "the Vigie service did not start within 20 s (see `journalctl -u vigie`); this computer's DNS was left as it was. `sudo vigie uninstall` takes back what was done"
    )
}

/// The systemd unit. The service needs to bind port 53 and the block page's port 80 on
/// loopback, write its journal and the parent's edits, and reach the upstream resolvers:
/// everything else is taken away.
pub(crate) fn service_unit(binary: &str) -> String {
    format!(
        "# Written by `vigie install`; `vigie uninstall` removes it.
[Unit]
Description=Vigie filtering DNS resolver (parental control)
After=network-pre.target
Before=network.target nss-lookup.target
Wants=nss-lookup.target

[Service]
# The service says when it is ready (every listener bound, the API serving), and its DNS threads
# and runtime say they are still answering: one that hangs without crashing stops the pings and
# is restarted (see watchdog.rs).
Type=notify
NotifyAccess=main
WatchdogSec=30
ExecStart={binary} run --probe-system-dns
User=vigie
Group=vigie
Restart=always
RestartSec=1
# Bounds a flood cannot pass: memory (a password check takes ~19 MiB, one at a time) and open
# files (API connections, forwarded queries). Big freed blocks go back to the system (see
# give_big_blocks_back in main.rs).
MemoryMax=256M
LimitNOFILE=16384
Environment=MALLOC_MMAP_THRESHOLD_=131072
RuntimeDirectory=vigie
RuntimeDirectoryMode=0755
StateDirectory=vigie
StateDirectoryMode=0700
ReadWritePaths=/etc/vigie
UMask=0077

AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateMounts=yes
PrivateDevices=yes
DevicePolicy=closed
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
# AF_NETLINK: the kernel's socket diagnostics say which account sent a blocked query
# (docs/attribution.md); an unprivileged request, the same `ss` makes.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
KeyringMode=private
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
"
    )
}

/// The oneshot unit that loads the redirect rules, after the distribution's own nftables rules
/// (which begin with `flush ruleset`).
pub(crate) fn redirect_unit(rules: &str) -> String {
    format!(
        "# Written by `vigie install`; `vigie uninstall` removes it.
[Unit]
Description=Vigie: send every program's DNS to Vigie
After=nftables.service vigie.service
Wants=vigie.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/nft -f {rules}
ExecStop=/usr/sbin/nft delete table inet vigie

[Install]
WantedBy=multi-user.target
"
    )
}

/// Every 30 seconds: the redirect table is put back if it is gone.
pub(crate) const REDIRECT_CHECK_TIMER_TEXT: &str =
    "# Written by `vigie install`; `vigie uninstall` removes it.
[Unit]
Description=Vigie: keep every program's DNS going to Vigie

[Timer]
OnBootSec=30s
OnUnitActiveSec=30s
AccuracySec=5s

[Install]
WantedBy=timers.target
";

/// Loads the redirect rules again when the table is missing (and only then), and leaves what it
/// found in `/run/vigie/redirect.state` (`active`, `restored` or `failed`) for status. The state
/// goes through a pipe so that the table is put back even when the service, and so its runtime
/// folder, is not there.
pub(crate) fn redirect_check_unit(rules: &str) -> String {
    format!(
        "# Written by `vigie install`; `vigie uninstall` removes it.
[Unit]
Description=Vigie: put the DNS redirect back if it was removed
After=vigie-redirect.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'if /usr/sbin/nft list table inet vigie >/dev/null 2>&1; then echo active; elif /usr/sbin/nft -f {rules}; then echo restored; else echo failed; fi | tee /run/vigie/redirect.state >/dev/null 2>&1 || true'
"
    )
}

/// The public resolvers' addresses (`blocklists/resolver-addresses.toml`), refused to everyone
/// but Vigie, so that DNS over HTTPS by address (`https://1.1.1.1/dns-query`), DNSCrypt or DNS on
/// any other port cannot go around it.
const RESOLVER_ADDRESSES: &str = include_str!("../../../../blocklists/resolver-addresses.toml");

#[derive(serde::Deserialize)]
struct ResolverAddresses {
    provider: Vec<Provider>,
}

#[derive(serde::Deserialize)]
struct Provider {
    #[allow(
        dead_code,
        reason = "the file documents each provider; the rules need only the addresses"
    )]
    name: String,
    addresses: Vec<IpAddr>,
    #[allow(dead_code, reason = "where each address was published, for reviewers")]
    sources: Vec<String>,
}

/// The public resolvers' addresses, IPv4 then IPv6.
pub(crate) fn resolver_addresses() -> (Vec<IpAddr>, Vec<IpAddr>) {
    let list: ResolverAddresses = toml::from_str(RESOLVER_ADDRESSES)
        .expect("the shipped resolver addresses are tested to parse");
    let all: Vec<IpAddr> = list
        .provider
        .into_iter()
        .flat_map(|p| p.addresses)
        .collect();
    all.into_iter().partition(IpAddr::is_ipv4)
}

/// nftables rules: DNS that any program but Vigie sends anywhere is answered by Vigie; DNS over
/// TLS or QUIC (port 853) is refused at once, so the program falls back to plain DNS; every
/// connection to a public resolver's address is refused, whatever the port (DNS over HTTPS by
/// address, DNSCrypt, OpenDNS's 443 and 5353); and DNS that still carries another server's
/// address after the redirect (a flow opened before the table was loaded) is refused too.
pub(crate) fn redirect_rules(vigie_uid: u32) -> String {
    let (v4, v6) = resolver_addresses();
    let join = |a: &[IpAddr]| {
        a.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "#!/usr/sbin/nft -f
# Written by `vigie install`; `vigie uninstall` removes it. Vigie's own lookups (user vigie,
# uid {vigie_uid}) go out unchanged; everyone else's DNS goes to Vigie.
table inet vigie
delete table inet vigie
table inet vigie {{
	set resolvers4 {{
		type ipv4_addr
		elements = {{ {v4} }}
	}}
	set resolvers6 {{
		type ipv6_addr
		elements = {{ {v6} }}
	}}
	chain to_vigie {{
		type nat hook output priority -100; policy accept;
		meta skuid {vigie_uid} return
		udp dport 53 redirect to :53
		tcp dport 53 redirect to :53
	}}
	chain no_dot {{
		type filter hook output priority filter; policy accept;
		meta skuid {vigie_uid} return
		tcp dport 853 reject with tcp reset
		udp dport 853 reject
		ip daddr @resolvers4 meta l4proto tcp reject with tcp reset
		ip daddr @resolvers4 reject
		ip6 daddr @resolvers6 meta l4proto tcp reject with tcp reset
		ip6 daddr @resolvers6 reject
		udp dport 53 ip daddr != 127.0.0.0/8 reject
		tcp dport 53 ip daddr != 127.0.0.0/8 reject with tcp reset
		udp dport 53 ip6 daddr != ::1 reject
		tcp dport 53 ip6 daddr != ::1 reject with tcp reset
	}}
}}
",
        v4 = join(&v4),
        v6 = join(&v6),
    )
}

/// Firefox reads one policies file: Vigie's policy is merged into it, the rest kept.
pub(crate) fn firefox_policies(current: Option<&[u8]>) -> Result<String> {
    let mut doc: serde_json::Value = match current {
        None => serde_json::json!({}),
        Some(b) if b.iter().all(u8::is_ascii_whitespace) => serde_json::json!({}),
        Some(b) => serde_json::from_slice(b).context("it is not valid JSON; fix or remove it")?,
    };
    let Some(root) = doc.as_object_mut() else {
        bail!("it does not hold a JSON object");
    };
    let policies = root
        .entry("policies")
        .or_insert_with(|| serde_json::json!({}));
    let Some(policies) = policies.as_object_mut() else {
        bail!("its \"policies\" is not a JSON object");
    };
    policies.insert(
        "DNSOverHTTPS".into(),
        serde_json::json!({ "Enabled": false, "Locked": true }),
    );
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    Ok(text)
}

/// The policy files of the Flatpak builds of Firefox and Chromium, as their packagers document
/// them: Firefox reads the `org.mozilla.firefox.systemconfig` extension (branch `stable`),
/// Chromium the `org.chromium.Chromium.Extension` point (version 1). Both are named after
/// Flatpak's architecture.
pub(crate) fn flatpak_policy_files() -> (String, String) {
    let arch = match std::env::consts::ARCH {
        "x86" => "i386",
        other => other,
    };
    (
        format!(
            "{FLATPAK_EXTENSIONS}/org.mozilla.firefox.systemconfig/{arch}/stable/policies/policies.json"
        ),
        format!(
            "{FLATPAK_EXTENSIONS}/org.chromium.Chromium.Extension.system-policies/{arch}/1/policies/managed/vigie.json"
        ),
    )
}

/// Chromium, Chrome, Edge, Brave and Vivaldi: secure DNS off, and the setting greyed out.
pub(crate) fn chromium_policy() -> String {
    "{\n  \"DnsOverHttpsMode\": \"off\"\n}\n".into()
}

fn notifier_entry() -> String {
    "[Desktop Entry]
Type=Application
Name=Vigie notices
Comment=Says when a site blocked on this computer was opened
Exec=vigie-notifier
TryExec=vigie-notifier
Icon=vigie
NoDisplay=true
Terminal=false
X-GNOME-Autostart-enabled=true
"
    .into()
}

fn console_entry() -> String {
    "[Desktop Entry]
Type=Application
Name=Vigie
GenericName=Parental control
Comment=Blocked sites, attempts and settings (parent password needed)
Exec=vigie-app
TryExec=vigie-app
Icon=vigie
Terminal=false
Categories=Settings;Security;
"
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firefox_merge_keeps_other_policies_and_refuses_garbage() {
        let merged = firefox_policies(Some(
            br#"{"policies":{"DisableTelemetry":true,"DNSOverHTTPS":{"Enabled":true}}}"#,
        ))
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&merged).unwrap();
        assert_eq!(v["policies"]["DisableTelemetry"], true);
        assert_eq!(v["policies"]["DNSOverHTTPS"]["Enabled"], false);
        assert_eq!(v["policies"]["DNSOverHTTPS"]["Locked"], true);
        let err = firefox_policies(Some(b"{not json")).unwrap_err();
        assert!(format!("{err:#}").contains("not valid JSON"), "{err:#}");
        assert!(firefox_policies(Some(b"[1]")).is_err());
    }

    #[test]
    fn every_resolver_address_parses_and_is_a_public_one() {
        let list: ResolverAddresses = toml::from_str(RESOLVER_ADDRESSES).unwrap();
        for p in &list.provider {
            assert!(
                !p.addresses.is_empty() && !p.sources.is_empty(),
                "{}",
                p.name
            );
            for a in &p.addresses {
                let private = match a {
                    IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
                    IpAddr::V6(v6) => v6.is_loopback() || v6.is_unicast_link_local(),
                };
                assert!(!private, "{a} of {} is not a public resolver", p.name);
            }
        }
        let (v4, v6) = resolver_addresses();
        assert!(v4.contains(&"1.1.1.1".parse().unwrap()));
        assert!(v6.contains(&"2001:4860:4860::8888".parse().unwrap()));
        let rules = redirect_rules(999);
        assert!(rules.contains("ip daddr @resolvers4 reject"), "{rules}");
        assert!(rules.contains("8.8.8.8"), "{rules}");
        assert!(rules.contains("meta skuid 999 return"), "{rules}");
    }
}
