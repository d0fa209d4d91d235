//! The command line: golden help texts and common errors, and every client subcommand against
//! the real service. Run with UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate
//! change of wording.

use std::path::PathBuf;
use std::process::Command;

use hickory_proto::rr::RecordType;

use crate::upstream::Upstream;
use crate::util::{Vigie, run_with_stdin};

const PASSWORD: &str = "correct horse battery";

fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(
        actual, expected,
        "{name} changed; if on purpose, run with UPDATE_GOLDEN=1"
    );
}

fn vigie(args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.args(args);
    run_with_stdin(cmd, "")
}

#[test]
fn help_texts_are_stable() {
    for (name, args) in [
        ("help.txt", &["--help"][..]),
        ("run-help.txt", &["run", "--help"]),
        ("sites-help.txt", &["sites", "--help"]),
        ("log-help.txt", &["log", "--help"]),
        ("pause-help.txt", &["pause", "--help"]),
        ("password-set-help.txt", &["password", "set", "--help"]),
    ] {
        let (code, out, err) = vigie(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        golden(name, &out);
    }
}

#[test]
fn common_errors_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = dir.path().to_str().unwrap();
    let (code, _, err) = vigie(&["status", "--runtime-dir", runtime]);
    assert_eq!(code, 3);
    golden("error-not-running.txt", &err.replace(runtime, "RUNTIME"));
    let (code, _, err) = vigie(&["pause", "soon", "--runtime-dir", runtime]);
    assert_eq!(code, 1);
    golden("error-bad-duration.txt", &err);
    let (code, _, err) = vigie(&["sites"]);
    assert_eq!(code, 2);
    golden("error-missing-subcommand.txt", &err);
}

#[test]
fn every_client_command_against_the_service() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let ok = |args: &[&str], stdin: &str| -> String {
        let (code, out, err) = v.cli(args, stdin, None);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        out
    };
    let pw = format!("{PASSWORD}\n");
    assert!(ok(&["status"], "").contains("No parent password is set yet"));
    assert!(ok(&["password", "set"], &pw).contains("The parent password is set."));
    let out = ok(
        &[
            "sites",
            "add",
            "https://www.Example-Chat.test/room",
            "--name",
            "Example chat",
        ],
        &pw,
    );
    assert!(
        out.contains("example-chat.test is now blocked (site \"Example chat\")"),
        "{out}"
    );
    assert_eq!(
        v.udp("example-chat.test", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );
    assert!(ok(&["sites", "list"], &pw).contains("Example chat: example-chat.test"));
    assert!(ok(&["check", "www.example-chat.test"], &pw).contains("Blocked: it is Example chat"));
    let brand = ok(&["check", "www.omegle-clone.test"], &pw);
    assert!(
        brand.contains("Blocked: it looks like Omegle: omegle-clone.test")
            && brand.contains("brand rule \"omegle\""),
        "{brand}"
    );
    let json = ok(&["check", "omegle.com", "--json"], &pw);
    assert!(json.contains("\"verdict\": \"blocked\""), "{json}");
    assert!(ok(&["sites", "remove", "example-chat.test"], &pw).contains("removed"));
    assert!(ok(&["allow", "add", "omegle.com"], &pw).contains("omegle.com is now allowed"));
    assert!(ok(&["allow", "list"], &pw).contains("omegle.com"));
    assert!(ok(&["allow", "remove", "omegle.com"], &pw).contains("removed"));
    let lists = ok(&["lists", "list"], &pw);
    assert!(lists.contains("on  stranger-chat"), "{lists}");
    assert!(ok(&["lists", "disable", "dns-bypass"], &pw).contains("is off"));
    assert!(ok(&["lists", "list"], &pw).contains("off dns-bypass"));
    assert!(ok(&["lists", "enable", "dns-bypass"], &pw).contains("is on"));
    v.udp("www.omegle.com", RecordType::A);
    let log = ok(&["log", "--since", "1d"], &pw);
    assert!(
        log.contains("Omegle") && log.contains("www.omegle.com"),
        "{log}"
    );
    let csv = ok(&["log", "--csv"], &pw);
    assert!(csv.starts_with("time,client,name"), "{csv}");
    assert!(ok(&["pause", "1h30m"], &pw).contains("paused until"));
    assert!(ok(&["status"], "").contains("PAUSED"));
    assert!(ok(&["resume"], &pw).contains("Protection is on."));
    let changed = ok(
        &["password", "set"],
        &format!("{PASSWORD}\nanother password\n"),
    );
    assert!(changed.contains("changed"), "{changed}");
    let (code, _, err) = v.cli(&["lists", "list"], &pw, None);
    assert_eq!(code, 1, "the old password no longer works");
    assert!(err.contains("wrong password"), "{err}");
    let logs = v.stderr();
    assert!(
        !logs.contains(PASSWORD) && !logs.contains("another password"),
        "no secret in the service's logs"
    );
}
