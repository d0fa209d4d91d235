//! From a socket's inode to the program that holds it, through `/proc`, and from a uid to the
//! account's names.
//!
//! The kernel does not say which process owns a socket; the only way is to look through the
//! open files of processes (`/proc/PID/fd`) for `socket:[INODE]`, as `ss -p` does. That is
//! the costly part of naming a sender, so it is bounded: processes of the socket's own account
//! are looked at first, the processes found last time for that account before any other, and
//! the walk stops at a deadline. Reading another account's `/proc/PID/fd` needs the right to
//! inspect its processes; where the service has none (the installed service, see
//! docs/attribution.md), the program is simply not told.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Instant;

/// The process holding the socket `inode`, among those of `uid` first, looking at `hints`
/// (processes found before) first of all; `None` when not found by `deadline`.
pub(crate) fn holder(inode: u32, uid: u32, hints: &[u32], deadline: Instant) -> Option<u32> {
    let target = format!("socket:[{inode}]");
    for &pid in hints {
        if holds(pid, &target) {
            return Some(pid);
        }
    }
    let mut others = Vec::new();
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        if Instant::now() >= deadline {
            return None;
        }
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if hints.contains(&pid) {
            continue;
        }
        // A process that made itself undumpable shows as root's; it is looked at last.
        match entry.metadata() {
            Ok(m) if m.uid() == uid => {
                if holds(pid, &target) {
                    return Some(pid);
                }
            }
            Ok(_) => others.push(pid),
            Err(_) => {}
        }
    }
    for pid in others {
        if Instant::now() >= deadline {
            return None;
        }
        if holds(pid, &target) {
            return Some(pid);
        }
    }
    None
}

/// Whether process `pid` has `target` (`socket:[INODE]`) among its open files.
fn holds(pid: u32, target: &str) -> bool {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten()
        .any(|fd| fs::read_link(fd.path()).is_ok_and(|link| link.as_os_str() == target))
}

/// The program's name: its executable's file name (`firefox-esr`), or the kernel's short
/// name for it (`comm`, 15 bytes at most) where the executable cannot be read.
pub(crate) fn program(pid: u32) -> Option<String> {
    let exe = fs::read_link(format!("/proc/{pid}/exe"))
        .ok()
        .and_then(|exe| {
            let name = exe.file_name()?.to_str()?.to_owned();
            // A program replaced on disk while it runs (an upgrade) still names itself.
            Some(name.trim_end_matches(" (deleted)").to_owned())
        });
    exe.or_else(|| {
        let comm =
            fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("comm")).ok()?;
        let comm = comm.trim_end();
        (!comm.is_empty()).then(|| comm.to_owned())
    })
}

/// An account's login name and, where its password entry has one, the person's name (the
/// first field of GECOS: `Léa Martin,,,` → `Léa Martin`). Through the system's user database
/// (NSS), so accounts from LDAP or systemd-homed are named too.
pub(crate) fn account_names(uid: u32) -> Option<(String, Option<String>)> {
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)).ok()??;
    let full = user
        .gecos
        .to_str()
        .ok()
        .and_then(|g| g.split(',').next())
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned);
    Some((user.name, full))
}
