//! `vigie feed`: the real binary makes a key pair, builds the feed from the shipped list, signs
//! it and checks it; tampered, replayed, unsigned and wrongly signed feeds are refused with
//! their reason; keys and signatures go both ways with the standard `minisign` tool.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use vigie_policy::ListFile;

use crate::util::run_with_stdin;

/// Runs `vigie feed ARGS` in `dir`, with `stdin`.
fn feed(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.arg("feed").args(args).current_dir(dir);
    run_with_stdin(cmd, stdin)
}

fn ok(dir: &Path, args: &[&str], stdin: &str) -> String {
    let (code, out, err) = feed(dir, args, stdin);
    assert_eq!(code, 0, "vigie feed {args:?}: {out}{err}");
    out
}

/// The reason `vigie feed ARGS` fails with (exit code 1, one line on standard error).
fn refused(dir: &Path, args: &[&str], stdin: &str) -> String {
    let (code, out, err) = feed(dir, args, stdin);
    assert_eq!(code, 1, "vigie feed {args:?} should fail: {out}{err}");
    assert!(err.starts_with("vigie: "), "{err}");
    err
}

fn shipped_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../blocklists/stranger-chat.toml")
}

fn shipped() -> ListFile {
    ListFile::load(&shipped_path()).unwrap().list
}

#[test]
fn feed_keygen_build_sign_verify_and_what_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = shipped_path();
    let src = src.to_str().unwrap();
    let list = shipped();

    // Bare file names, relative to the current folder, as a maintainer types them.
    let out = ok(
        dir,
        &[
            "keygen",
            "--secret",
            "key.sec",
            "--public",
            "key.pub",
            "--no-password",
        ],
        "",
    );
    assert!(out.contains("VIGIE_FEED_PUBLIC_KEY=RW"), "{out}");
    let mode = std::fs::metadata(dir.join("key.sec"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let public = std::fs::read_to_string(dir.join("key.pub")).unwrap();
    assert!(public.starts_with("untrusted comment: "), "{public}");
    let secret = std::fs::read(dir.join("key.sec")).unwrap();
    // A key is never overwritten, the secret or the public one.
    for (secret_file, public_file) in [("key.sec", "new.pub"), ("new.sec", "key.pub")] {
        let err = refused(
            dir,
            &[
                "keygen",
                "--secret",
                secret_file,
                "--public",
                public_file,
                "--no-password",
            ],
            "",
        );
        assert!(err.contains("already exists"), "{err}");
    }
    assert_eq!(std::fs::read(dir.join("key.sec")).unwrap(), secret);
    assert!(!dir.join("new.sec").exists() && !dir.join("new.pub").exists());

    // Build: the default sequence is above the shipped list's, and above the last feed built.
    let out = ok(dir, &["build", src, "-o", "feed.toml"], "");
    let first = ListFile::load(&dir.join("feed.toml")).unwrap().list;
    assert!(first.sequence() > list.sequence(), "{out}");
    assert_eq!(first.sites, list.sites);
    assert_eq!(first.brands, list.brands);
    ok(dir, &["build", src, "-o", "feed.toml"], "");
    let second = ListFile::load(&dir.join("feed.toml")).unwrap().list;
    assert!(second.sequence() > first.sequence());
    let err = refused(
        dir,
        &["build", src, "-o", "x.toml", "--sequence", "2026120100"],
        "",
    );
    assert!(
        err.contains("is not higher than") && err.contains("2026120100"),
        "{err}"
    );
    let other = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../blocklists/dns-bypass.toml");
    let err = refused(dir, &["build", other.to_str().unwrap(), "-o", "x.toml"], "");
    assert!(err.contains("not Vigie's list \"stranger-chat\""), "{err}");

    // An older feed, signed and kept, then the current one.
    ok(
        dir,
        &["build", src, "-o", "old.toml", "--sequence", "2026120200"],
        "",
    );
    ok(dir, &["sign", "--secret", "key.sec", "old.toml"], "");
    ok(
        dir,
        &["build", src, "-o", "feed.toml", "--sequence", "2026120300"],
        "",
    );
    let out = ok(dir, &["sign", "--secret", "key.sec", "feed.toml"], "");
    assert!(out.contains("feed.toml.minisig"), "{out}");
    let signature = std::fs::read_to_string(dir.join("feed.toml.minisig")).unwrap();
    assert!(
        signature.contains("\ntrusted comment: vigie-feed sequence=2026120300\n"),
        "{signature}"
    );

    let out = ok(dir, &["verify", "--public", "key.pub", "feed.toml"], "");
    for line in [
        "Sequence: 2026120300".to_string(),
        format!("Sites: {}", list.sites.len()),
        format!("Domains: {}", list.domains().count()),
        format!("Brands: {}", list.brands.len()),
    ] {
        assert!(out.contains(&format!("{line}\n")), "{line} in {out}");
    }

    // A replay: the older feed, to a computer whose list is at the current one.
    let err = refused(
        dir,
        &[
            "verify",
            "--public",
            "key.pub",
            "old.toml",
            "--newer-than",
            "2026120300",
        ],
        "",
    );
    assert!(
        err.contains("sequence 2026120200 is not newer than 2026120300"),
        "{err}"
    );
    let err = refused(
        dir,
        &[
            "verify",
            "--public",
            "key.pub",
            "feed.toml",
            "--newer-than",
            "2026120300",
        ],
        "",
    );
    assert!(
        err.contains("2026120300 is not newer than 2026120300"),
        "{err}"
    );

    // One byte changed in the feed: a domain of the list.
    let body = std::fs::read_to_string(dir.join("feed.toml")).unwrap();
    std::fs::write(
        dir.join("feed.toml"),
        body.replacen("\"omegle.com\"", "\"omegle.con\"", 1),
    )
    .unwrap();
    let err = refused(dir, &["verify", "--public", "key.pub", "feed.toml"], "");
    assert!(err.contains("does not match its content"), "{err}");
    std::fs::write(dir.join("feed.toml"), &body).unwrap();

    // The signed sequence raised in the signature file: the global signature no longer checks.
    std::fs::write(
        dir.join("forged.minisig"),
        signature.replace("sequence=2026120300", "sequence=2026120399"),
    )
    .unwrap();
    let err = refused(
        dir,
        &[
            "verify",
            "--public",
            "key.pub",
            "feed.toml",
            "--signature",
            "forged.minisig",
        ],
        "",
    );
    assert!(err.contains("does not match its content"), "{err}");

    // The old feed's signature next to the new feed.
    let err = refused(
        dir,
        &[
            "verify",
            "--public",
            "key.pub",
            "feed.toml",
            "--signature",
            "old.toml.minisig",
        ],
        "",
    );
    assert!(err.contains("does not match its content"), "{err}");

    // Another key's public half.
    ok(
        dir,
        &[
            "keygen",
            "--secret",
            "b.sec",
            "--public",
            "b.pub",
            "--no-password",
        ],
        "",
    );
    let err = refused(dir, &["verify", "--public", "b.pub", "feed.toml"], "");
    assert!(
        err.contains("was signed with the key ") && err.contains("that Vigie trusts"),
        "{err}"
    );

    // No signature at all.
    std::fs::remove_file(dir.join("feed.toml.minisig")).unwrap();
    let err = refused(dir, &["verify", "--public", "key.pub", "feed.toml"], "");
    assert!(err.contains("the feed has no signature"), "{err}");

    // Signing with the public key, or signing what is not a feed.
    let err = refused(dir, &["sign", "--secret", "key.pub", "feed.toml"], "");
    assert!(err.contains("key.pub is a public key"), "{err}");
    std::fs::write(dir.join("page.html"), "<!doctype html><p>Not found</p>\n").unwrap();
    let err = refused(dir, &["sign", "--secret", "key.sec", "page.html"], "");
    assert!(err.contains("page.html:1:"), "{err}");
    let err = refused(dir, &["verify", "--public", "key.sec", "feed.toml"], "");
    assert!(err.contains("is not a minisign public key"), "{err}");
}

#[test]
fn feed_keys_with_a_password() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let err = refused(
        dir,
        &["keygen", "--secret", "k.sec", "--public", "k.pub"],
        "one\ntwo\n",
    );
    assert!(err.contains("the two passwords differ"), "{err}");
    assert!(!dir.join("k.sec").exists() && !dir.join("k.pub").exists());

    ok(
        dir,
        &["keygen", "--secret", "k.sec", "--public", "k.pub"],
        "open sesame\nopen sesame\n",
    );
    let src = shipped_path();
    ok(
        dir,
        &["build", src.to_str().unwrap(), "-o", "feed.toml"],
        "",
    );
    let err = refused(
        dir,
        &["sign", "--secret", "k.sec", "feed.toml"],
        "open says me\n",
    );
    assert!(err.contains("Wrong password"), "{err}");
    assert!(!dir.join("feed.toml.minisig").exists());
    ok(
        dir,
        &["sign", "--secret", "k.sec", "feed.toml"],
        "open sesame\n",
    );
    ok(dir, &["verify", "--public", "k.pub", "feed.toml"], "");
}

/// Runs the standard `minisign` tool in `dir`.
fn minisign(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut cmd = Command::new("minisign");
    cmd.args(args).current_dir(dir);
    run_with_stdin(cmd, stdin)
}

#[test]
fn feed_signatures_and_keys_of_the_minisign_tool() {
    let test = "feed_signatures_and_keys_of_the_minisign_tool";
    if Command::new("minisign").arg("-v").output().is_err() {
        vigie_testkit::skip(
            test,
            "the minisign tool is not installed (apt-get install minisign)",
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let src = shipped_path();
    ok(
        dir,
        &[
            "build",
            src.to_str().unwrap(),
            "-o",
            "feed.toml",
            "--sequence",
            "2026120400",
        ],
        "",
    );
    let tool = |args: &[&str], stdin: &str| {
        let (code, out, err) = minisign(dir, args, stdin);
        assert_eq!(code, 0, "minisign {args:?}: {out}{err}");
        out
    };

    // A key pair of the tool, signing as README.md says: Vigie takes it. (Without a password:
    // the tool's password-protected keys take 1 GiB of scrypt, which `vigie feed sign` reads too,
    // but far too slowly for a test in a debug build.)
    tool(&["-G", "-W", "-p", "m.pub", "-s", "m.key"], "");
    tool(
        &[
            "-S",
            "-W",
            "-s",
            "m.key",
            "-m",
            "feed.toml",
            "-t",
            "vigie-feed sequence=2026120400",
        ],
        "",
    );
    let out = ok(dir, &["verify", "--public", "m.pub", "feed.toml"], "");
    assert!(out.contains("Sequence: 2026120400"), "{out}");

    // Vigie's key pair and signature: the tool checks the signature and signs with the key.
    ok(
        dir,
        &[
            "keygen",
            "--secret",
            "v.sec",
            "--public",
            "v.pub",
            "--no-password",
        ],
        "",
    );
    ok(dir, &["sign", "--secret", "v.sec", "feed.toml"], "");
    let out = tool(&["-V", "-p", "v.pub", "-m", "feed.toml"], "");
    assert!(out.contains("vigie-feed sequence=2026120400"), "{out}");
    tool(
        &[
            "-S",
            "-s",
            "v.sec",
            "-m",
            "feed.toml",
            "-x",
            "tool.minisig",
            "-t",
            "vigie-feed sequence=2026120400",
        ],
        "",
    );
    ok(
        dir,
        &[
            "verify",
            "--public",
            "v.pub",
            "feed.toml",
            "--signature",
            "tool.minisig",
        ],
        "",
    );

    // The tool's defaults are refused with what to change: its trusted comment is a timestamp,
    // and -l is the legacy format.
    tool(
        &[
            "-S",
            "-s",
            "v.sec",
            "-m",
            "feed.toml",
            "-x",
            "plain.minisig",
        ],
        "",
    );
    let err = refused(
        dir,
        &[
            "verify",
            "--public",
            "v.pub",
            "feed.toml",
            "--signature",
            "plain.minisig",
        ],
        "",
    );
    assert!(
        err.contains("trusted comment is \"timestamp:") && err.contains("vigie-feed sequence=N"),
        "{err}"
    );
    tool(
        &[
            "-S",
            "-l",
            "-s",
            "v.sec",
            "-m",
            "feed.toml",
            "-x",
            "legacy.minisig",
            "-t",
            "vigie-feed sequence=2026120400",
        ],
        "",
    );
    let err = refused(
        dir,
        &[
            "verify",
            "--public",
            "v.pub",
            "feed.toml",
            "--signature",
            "legacy.minisig",
        ],
        "",
    );
    assert!(err.contains("legacy format"), "{err}");
}
