//! The one door through which `vigie install` touches the computer, and the ledger that lets
//! `vigie uninstall` take every change back.
//!
//! Every change goes through [`System`]: a file written, a folder created, a user added, a command
//! whose effect must be undone. Before the first change to a path, what was there (bytes, mode,
//! owner, or a symbolic link's target, or nothing) is saved in the ledger, and the ledger is saved
//! to disk after every entry, so an install that stops half-way can still be undone. Undoing
//! replays the ledger backwards. Nothing else in the installer writes to the disk, which is what
//! makes "uninstall restores the tree byte for byte" something a test can check.
//!
//! All paths are absolute paths of the installed system, resolved under a root folder: `/` for
//! the real computer, a temporary folder for tests (`--root`). Commands that act on the running
//! system (systemctl, nft) only run when the root is `/`; under another root they are reported
//! and skipped. The ledger lives in `/var/lib/vigie-install` (root only, mode 0700): not in
//! Vigie's data folder, which the service's own user can write, since uninstall writes what the
//! ledger says into `/etc` as root.

use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::files::write_atomic;

/// Where the ledger is kept, under the root.
pub(crate) const LEDGER_DIR: &str = "/var/lib/vigie-install";
const LEDGER_FILE: &str = "ledger.json";

/// Mode and owner of a file or folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub(crate) mode: u32,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

impl Meta {
    pub(crate) fn root(mode: u32) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
        }
    }
    fn of(m: &std::fs::Metadata) -> Meta {
        Meta {
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
        }
    }
}

/// What a path held before Vigie first changed it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
enum Saved {
    Absent,
    File { bytes: Vec<u8>, meta: Meta },
    Symlink { target: PathBuf },
}

/// One change, with what undoing it needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
enum Entry {
    /// A file written (or replaced): put `before` back.
    File { path: String, before: Saved },
    /// A folder created (`before` is `None`) or whose mode/owner changed. An `owned` folder is
    /// Vigie's own and goes with everything in it; any other folder Vigie created goes only if
    /// it is empty, so files another program put there later survive.
    Dir {
        path: String,
        before: Option<Meta>,
        owned: bool,
    },
    /// A system user created.
    User { name: String },
    /// A command to run when undoing (on the running system only).
    Undo { command: Vec<String> },
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Ledger {
    /// Folders created to hold the ledger itself, removed last if empty.
    created_for_ledger: Vec<String>,
    entries: Vec<Entry>,
}

/// The computer as the installer sees it.
#[derive(Debug)]
pub(crate) struct System {
    root: PathBuf,
    dry_run: bool,
    ledger: Ledger,
    loaded: bool,
    /// In a dry run, the paths already reported, so each is said once.
    planned: std::collections::HashSet<String>,
}

impl System {
    /// Opens the system under `root`, with the ledger of a previous install if there is one.
    pub(crate) fn open(root: &Path, dry_run: bool) -> Result<System> {
        let mut sys = System {
            root: root.to_path_buf(),
            dry_run,
            ledger: Ledger::default(),
            loaded: false,
            planned: Default::default(),
        };
        let path = sys.ledger_path();
        match std::fs::read(&path) {
            Ok(bytes) => {
                sys.ledger = serde_json::from_slice(&bytes).with_context(|| {
                    format!(
                        "{} is damaged, so what was there before Vigie cannot be restored automatically",
                        path.display()
                    )
                })?;
                sys.loaded = true;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
        Ok(sys)
    }

    /// Whether a previous install left a ledger.
    pub(crate) fn installed(&self) -> bool {
        self.loaded
    }

    /// Whether this is the running computer (root `/`), where services can be started.
    pub(crate) fn live(&self) -> bool {
        self.root == Path::new("/")
    }

    /// `abs` (an absolute path of the installed system) under the root.
    pub(crate) fn path(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    fn ledger_path(&self) -> PathBuf {
        self.path(LEDGER_DIR).join(LEDGER_FILE)
    }

    fn say(&self, what: &str) {
        if self.dry_run {
            println!("  would {what}");
        } else {
            println!("  {what}");
        }
    }

    fn save(&mut self) -> Result<()> {
        if self.dry_run {
            return Ok(());
        }
        if !self.loaded {
            let dir = self.path(LEDGER_DIR);
            let mut missing = Vec::new();
            let mut p = dir.as_path();
            while !p.exists() {
                missing.push(p.to_path_buf());
                match p.parent() {
                    Some(parent) => p = parent,
                    None => break,
                }
            }
            for d in missing.iter().rev() {
                std::fs::create_dir(d).with_context(|| format!("cannot create {}", d.display()))?;
                self.ledger
                    .created_for_ledger
                    .push(d.to_string_lossy().into_owned());
            }
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
            self.loaded = true;
        }
        let json = serde_json::to_vec_pretty(&self.ledger)?;
        let path = self.ledger_path();
        write_atomic(&path, &json, 0o600)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    fn recorded_file(&self, abs: &str) -> Option<&Saved> {
        self.ledger.entries.iter().find_map(|e| match e {
            Entry::File { path, before } if path == abs => Some(before),
            _ => None,
        })
    }

    fn recorded_dir(&self, abs: &str) -> bool {
        self.ledger
            .entries
            .iter()
            .any(|e| matches!(e, Entry::Dir { path, .. } if path == abs))
    }

    fn record(&mut self, entry: Entry) -> Result<()> {
        self.ledger.entries.push(entry);
        self.save()
    }

    /// Saves what `abs` holds now, unless it was saved before (the first state is the one that
    /// uninstall restores, however many times install runs).
    pub(crate) fn remember(&mut self, abs: &str) -> Result<()> {
        if self.recorded_file(abs).is_some() {
            return Ok(());
        }
        let p = self.path(abs);
        let before = match std::fs::symlink_metadata(&p) {
            Err(e) if e.kind() == ErrorKind::NotFound => Saved::Absent,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", p.display())),
            Ok(m) if m.file_type().is_symlink() => Saved::Symlink {
                target: std::fs::read_link(&p)?,
            },
            Ok(m) if m.is_file() => Saved::File {
                bytes: std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?,
                meta: Meta::of(&m),
            },
            Ok(_) => bail!("{} is not a file; move it away first", p.display()),
        };
        self.record(Entry::File {
            path: abs.into(),
            before,
        })
    }

    /// The bytes `abs` held before Vigie changed it (or now, if Vigie never did). A symbolic
    /// link is followed inside the root.
    pub(crate) fn original(&self, abs: &str) -> Result<Option<Vec<u8>>> {
        match self.recorded_file(abs) {
            Some(Saved::Absent) => Ok(None),
            Some(Saved::File { bytes, .. }) => Ok(Some(bytes.clone())),
            Some(Saved::Symlink { target }) => self.read_following(abs, Some(target.clone())),
            None => self.read_following(abs, None),
        }
    }

    /// Reads `abs`, following symbolic links within the root (an absolute target means a path of
    /// the installed system, not of the machine running the installer).
    pub(crate) fn read_following(
        &self,
        abs: &str,
        mut target: Option<PathBuf>,
    ) -> Result<Option<Vec<u8>>> {
        let mut current = PathBuf::from(abs);
        for _ in 0..16 {
            let link = match target.take() {
                Some(t) => Some(t),
                None => match std::fs::symlink_metadata(self.path(&current.to_string_lossy())) {
                    Ok(m) if m.file_type().is_symlink() => {
                        Some(std::fs::read_link(self.path(&current.to_string_lossy()))?)
                    }
                    Ok(_) => None,
                    Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(e.into()),
                },
            };
            match link {
                Some(t) if t.is_absolute() => current = t,
                Some(t) => {
                    current = current.parent().unwrap_or(Path::new("/")).join(t);
                }
                None => {
                    let p = self.path(&current.to_string_lossy());
                    return match std::fs::read(&p) {
                        Ok(b) => Ok(Some(b)),
                        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                        Err(e) => Err(e).with_context(|| format!("cannot read {}", p.display())),
                    };
                }
            }
        }
        bail!("{abs}: too many symbolic links")
    }

    /// The target of `abs` if it was a symbolic link before Vigie changed it (or is one now, if
    /// Vigie never did).
    pub(crate) fn original_link(&self, abs: &str) -> Option<PathBuf> {
        match self.recorded_file(abs) {
            Some(Saved::Symlink { target }) => Some(target.clone()),
            Some(_) => None,
            None => self.link_target(abs),
        }
    }

    /// The target of `abs` if it is a symbolic link now.
    pub(crate) fn link_target(&self, abs: &str) -> Option<PathBuf> {
        std::fs::read_link(self.path(abs)).ok()
    }

    /// Makes sure folder `abs` exists; with `meta`, with that mode and owner. Missing parents
    /// are created (root, 0755). `owned` folders are Vigie's and are removed whole on uninstall.
    pub(crate) fn dir(&mut self, abs: &str, meta: Option<Meta>, owned: bool) -> Result<()> {
        let mut chain = Vec::new();
        let mut p = Path::new(abs);
        while let Some(parent) = p.parent() {
            chain.push(p.to_string_lossy().into_owned());
            p = parent;
        }
        chain.reverse();
        let last = chain.len().saturating_sub(1);
        for (i, d) in chain.iter().enumerate() {
            let is_target = i == last;
            let want = if is_target { meta } else { None };
            let real = self.path(d);
            match std::fs::symlink_metadata(&real) {
                Ok(m) if m.is_dir() => {
                    if let Some(want) = want
                        && Meta::of(&m) != want
                    {
                        if !self.recorded_dir(d) {
                            self.record(Entry::Dir {
                                path: d.clone(),
                                before: Some(Meta::of(&m)),
                                owned: false,
                            })?;
                        }
                        self.say(&format!("set {d} to {}", describe(want)));
                        if !self.dry_run {
                            apply_meta(&real, want)?;
                        }
                    }
                }
                Ok(_) => bail!("{} is in the way: it should be a folder", real.display()),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    let want = want.unwrap_or(Meta::root(0o755));
                    if self.dry_run && !self.planned.insert(d.clone()) {
                        continue;
                    }
                    self.say(&format!("create folder {d} ({})", describe(want)));
                    if self.dry_run {
                        continue;
                    }
                    self.record(Entry::Dir {
                        path: d.clone(),
                        before: None,
                        owned: owned && is_target,
                    })?;
                    std::fs::create_dir(&real)
                        .with_context(|| format!("cannot create {}", real.display()))?;
                    apply_meta(&real, want)?;
                }
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", real.display())),
            }
        }
        Ok(())
    }

    /// Writes `bytes` to `abs` atomically with `meta`, saving what was there first. A symbolic
    /// link at `abs` is replaced by the file (and comes back on uninstall).
    pub(crate) fn write(&mut self, abs: &str, bytes: &[u8], meta: Meta) -> Result<()> {
        let real = self.path(abs);
        let parent = Path::new(abs)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| "/".into());
        self.dir(&parent, None, false)?;
        let same = match std::fs::symlink_metadata(&real) {
            Ok(m) if m.is_file() => {
                Meta::of(&m) == meta && std::fs::read(&real).ok().as_deref() == Some(bytes)
            }
            _ => false,
        };
        if same {
            return Ok(());
        }
        let verb = if std::fs::symlink_metadata(&real).is_ok() {
            "replace"
        } else {
            "write"
        };
        self.say(&format!("{verb} {abs} ({})", describe(meta)));
        if self.dry_run {
            return Ok(());
        }
        self.remember(abs)?;
        write_atomic(&real, bytes, meta.mode)
            .with_context(|| format!("cannot write {}", real.display()))?;
        apply_meta(&real, meta)
    }

    /// Writes `abs` only if nothing is there (a parent's settings are never overwritten).
    pub(crate) fn write_new(&mut self, abs: &str, bytes: &[u8], meta: Meta) -> Result<bool> {
        if std::fs::symlink_metadata(self.path(abs)).is_ok() {
            return Ok(false);
        }
        self.write(abs, bytes, meta)?;
        Ok(true)
    }

    /// Creates the system user `name` (a group of the same name, no login, no home made) unless
    /// it exists; returns its uid and gid.
    pub(crate) fn system_user(&mut self, name: &str, home: &str) -> Result<(u32, u32)> {
        if let Some(ids) = self.user_ids(name)? {
            return Ok(ids);
        }
        self.say(&format!("create the system user {name}"));
        if self.dry_run {
            // Numbers for the plan only; nothing is created.
            return Ok((999, 999));
        }
        // useradd leaves backups of the files it edits and a lock file; userdel takes the user
        // out again but not those, so they are saved here and restored after it.
        for f in [
            "/etc/passwd-",
            "/etc/group-",
            "/etc/shadow-",
            "/etc/gshadow-",
            "/etc/.pwd.lock",
        ] {
            self.remember(f)?;
        }
        let mut cmd = Command::new("useradd");
        if !self.live() {
            cmd.arg("--root").arg(&self.root);
        }
        cmd.args([
            "--system",
            "--user-group",
            "--home-dir",
            home,
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "--comment",
            "Vigie filtering DNS resolver",
            name,
        ]);
        run(cmd)?;
        self.record(Entry::User { name: name.into() })?;
        self.user_ids(name)?
            .with_context(|| format!("useradd did not create the user {name}"))
    }

    /// The uid and gid of `name` in the root's `/etc/passwd`.
    pub(crate) fn user_ids(&self, name: &str) -> Result<Option<(u32, u32)>> {
        let p = self.path("/etc/passwd");
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", p.display())),
        };
        Ok(text.lines().find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            (f.len() >= 4 && f[0] == name)
                .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
                .flatten()
        }))
    }

    fn group_exists(&self, name: &str) -> Result<bool> {
        let p = self.path("/etc/group");
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", p.display())),
        };
        Ok(text.lines().any(|l| l.split(':').next() == Some(name)))
    }

    /// Runs `command` on the running system (skipped under another root), recording `undo` to
    /// run when uninstalling. Returns whether it ran.
    pub(crate) fn act(&mut self, command: &[&str], undo: Option<&[&str]>) -> Result<bool> {
        let shown = command.join(" ");
        if !self.live() {
            println!("  skip `{shown}` (not the running system)");
            return Ok(false);
        }
        if !systemd_running() && command.first() == Some(&"systemctl") {
            println!("  skip `{shown}` (systemd is not running here)");
            return Ok(false);
        }
        self.say(&format!("run `{shown}`"));
        if self.dry_run {
            return Ok(false);
        }
        if let Some(undo) = undo {
            self.on_undo(undo)?;
        }
        let mut cmd = Command::new(command[0]);
        cmd.args(&command[1..]);
        run(cmd)?;
        Ok(true)
    }

    /// Records a command that uninstall runs at this point of the way back (after undoing
    /// everything recorded later). Recorded once.
    pub(crate) fn on_undo(&mut self, command: &[&str]) -> Result<()> {
        if !self.live() || self.dry_run {
            return Ok(());
        }
        let command: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        let known = self
            .ledger
            .entries
            .iter()
            .any(|e| matches!(e, Entry::Undo { command: c } if *c == command));
        if known {
            return Ok(());
        }
        self.record(Entry::Undo { command })
    }

    /// Takes back every recorded change, newest first, then removes the ledger. Carries on past
    /// a failing step (reporting it) so that as much as possible is restored.
    pub(crate) fn undo_all(&mut self) -> Result<()> {
        let mut failures = Vec::new();
        while let Some(entry) = self.ledger.entries.last().cloned() {
            if let Err(e) = self.undo(&entry) {
                failures.push(format!("{e:#}"));
            }
            if self.dry_run {
                self.ledger.entries.pop();
                continue;
            }
            self.ledger.entries.pop();
            self.save()?;
        }
        if self.dry_run {
            return Ok(());
        }
        if !failures.is_empty() {
            bail!(
                "some changes could not be taken back (the ledger {} is kept):\n  {}",
                self.ledger_path().display(),
                failures.join("\n  ")
            );
        }
        let dir = self.path(LEDGER_DIR);
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove {}", dir.display()))?;
        for d in self.ledger.created_for_ledger.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        Ok(())
    }

    fn undo(&mut self, entry: &Entry) -> Result<()> {
        match entry {
            Entry::File { path, before } => {
                let real = self.path(path);
                match before {
                    Saved::Absent => {
                        if std::fs::symlink_metadata(&real).is_ok() {
                            self.say(&format!("remove {path}"));
                            if !self.dry_run {
                                std::fs::remove_file(&real)
                                    .with_context(|| format!("cannot remove {}", real.display()))?;
                            }
                        }
                    }
                    Saved::File { bytes, meta } => {
                        self.say(&format!("restore {path}"));
                        if !self.dry_run {
                            if std::fs::symlink_metadata(&real).is_ok_and(|m| m.is_symlink()) {
                                std::fs::remove_file(&real)?;
                            }
                            write_atomic(&real, bytes, meta.mode)
                                .with_context(|| format!("cannot restore {}", real.display()))?;
                            apply_meta(&real, *meta)?;
                        }
                    }
                    Saved::Symlink { target } => {
                        self.say(&format!("restore {path} → {}", target.display()));
                        if !self.dry_run {
                            match std::fs::remove_file(&real) {
                                Ok(()) => {}
                                Err(e) if e.kind() == ErrorKind::NotFound => {}
                                Err(e) => return Err(e.into()),
                            }
                            std::os::unix::fs::symlink(target, &real)
                                .with_context(|| format!("cannot restore {}", real.display()))?;
                        }
                    }
                }
            }
            Entry::Dir {
                path,
                before,
                owned,
            } => {
                let real = self.path(path);
                match before {
                    Some(meta) => {
                        self.say(&format!("set {path} back to {}", describe(*meta)));
                        if !self.dry_run {
                            apply_meta(&real, *meta)?;
                        }
                    }
                    None if *owned => {
                        self.say(&format!("remove folder {path} and what it holds"));
                        if !self.dry_run {
                            match std::fs::remove_dir_all(&real) {
                                Ok(()) => {}
                                Err(e) if e.kind() == ErrorKind::NotFound => {}
                                Err(e) => {
                                    return Err(e).with_context(|| {
                                        format!("cannot remove {}", real.display())
                                    });
                                }
                            }
                        }
                    }
                    None => {
                        let empty = std::fs::read_dir(&real).is_ok_and(|mut d| d.next().is_none());
                        if empty {
                            self.say(&format!("remove folder {path}"));
                            if !self.dry_run {
                                std::fs::remove_dir(&real)?;
                            }
                        } else if real.exists() {
                            println!("  keep folder {path}: other programs put files in it");
                        }
                    }
                }
            }
            Entry::User { name } => {
                if self.user_ids(name)?.is_some() {
                    self.say(&format!("remove the system user {name}"));
                    if !self.dry_run {
                        let mut cmd = Command::new("userdel");
                        if !self.live() {
                            cmd.arg("--root").arg(&self.root);
                        }
                        cmd.arg(name);
                        run(cmd)?;
                    }
                }
                // userdel removes the user's own group only where login.defs says
                // USERGROUPS_ENAB; useradd made it, so it goes too.
                if !self.dry_run && self.group_exists(name)? {
                    let mut cmd = Command::new("groupdel");
                    if !self.live() {
                        cmd.arg("--root").arg(&self.root);
                    }
                    cmd.arg(name);
                    run(cmd)?;
                }
            }
            Entry::Undo { command } => {
                if self.live() && (command[0] != "systemctl" || systemd_running()) {
                    self.say(&format!("run `{}`", command.join(" ")));
                    if !self.dry_run {
                        let mut cmd = Command::new(&command[0]);
                        cmd.args(&command[1..]);
                        run(cmd)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Whether systemd manages this computer right now.
pub(crate) fn systemd_running() -> bool {
    Path::new("/run/systemd/system").is_dir()
}

fn run(mut cmd: Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {shown}"))?;
    if !out.status.success() {
        bail!(
            "{shown} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn apply_meta(path: &Path, meta: Meta) -> Result<()> {
    std::os::unix::fs::lchown(path, Some(meta.uid), Some(meta.gid))
        .with_context(|| format!("cannot set the owner of {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(meta.mode))
        .with_context(|| format!("cannot set the mode of {}", path.display()))
}

fn describe(meta: Meta) -> String {
    format!("mode {:04o}, owner {}:{}", meta.mode, meta.uid, meta.gid)
}
