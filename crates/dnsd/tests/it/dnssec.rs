//! A validating unbound in front of Vigie, with a zone signed at test time and served by a real
//! authoritative server (nsd), all on loopback: client → unbound (validator on, the zone's DS as
//! its only trust anchor) → `vigie run` → nsd. Allowed names and signed NXDOMAINs must validate
//! (AD set by unbound) however DO and non-DO clients interleave on Vigie's cache; a blocked name
//! in the signed zone fails validation (SERVFAIL: nothing can sign the block address, which is
//! why the README calls a validating resolver in front unsupported) while a blocked name in an
//! insecure child zone (a delegation without DS) gets the block address. Says why when nsd,
//! ldns-keygen/ldns-signzone (ldnsutils) or unbound is missing.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RecordType;

use crate::compat::{Forwarder, installed};
use crate::netns::a_records;
use crate::util::{Vigie, eventually, free_port, list_toml, query_message, udp_raw};

/// The signed zone: an allowed name, a name Vigie blocks, and an unsigned child zone (no DS).
const SIGNED: &str = "$ORIGIN signed.test.
$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A 127.0.0.1
www A 192.0.2.20
www TXT \"signed\"
blocked A 192.0.2.21
insecure NS ns.insecure
ns.insecure A 127.0.0.1
";

/// The insecure child zone, unsigned.
const INSECURE: &str = "$ORIGIN insecure.signed.test.
$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
@ NS ns
ns A 127.0.0.1
www A 192.0.2.30
blocked A 192.0.2.31
";

/// One query, with the DO bit as given; AD set in the query too, as `dig` does, so a validating
/// resolver says whether it validated (RFC 6840 §5.7). `None` when nothing answers within 3 s.
fn ask(server: SocketAddr, name: &str, qtype: RecordType, dnssec_ok: bool) -> Option<Message> {
    let mut q = query_message(name, qtype, true);
    q.metadata.authentic_data = true;
    q.edns.as_mut().unwrap().set_dnssec_ok(dnssec_ok);
    let reply = udp_raw(server, &q.to_vec().unwrap())?;
    Some(Message::from_vec(&reply).expect("a well-formed reply"))
}

fn signatures(m: &Message) -> usize {
    m.answers
        .iter()
        .chain(&m.authorities)
        .filter(|r| r.record_type() == RecordType::RRSIG)
        .count()
}

/// Runs `program args` in `dir`; its standard output, or a panic with its error output.
fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} starts: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Signs the zone with a fresh key (ECDSA P-256, one key signing everything, NSEC) and starts
/// nsd serving it and its insecure child on a free loopback port. Returns nsd, its address and
/// the zone's DS record (the trust anchor).
fn start_nsd(dir: &Path) -> (Forwarder, SocketAddr, String) {
    std::fs::write(dir.join("signed.zone"), SIGNED).unwrap();
    std::fs::write(dir.join("insecure.zone"), INSECURE).unwrap();
    let key = run(
        dir,
        "ldns-keygen",
        &["-a", "ECDSAP256SHA256", "-k", "signed.test"],
    );
    run(dir, "ldns-signzone", &["signed.zone", &key]);
    let ds = std::fs::read_to_string(dir.join(format!("{key}.ds"))).unwrap();
    let port = free_port();
    let conf = dir.join("nsd.conf");
    std::fs::write(
        &conf,
        format!(
            "server:\n  ip-address: 127.0.0.1@{port}\n  do-ip6: no\n  username: \"\"\n  chroot: \"\"\n  zonesdir: \"{d}\"\n  database: \"\"\n  zonelistfile: \"{d}/zone.list\"\n  xfrdfile: \"{d}/xfrd.state\"\n  pidfile: \"{d}/nsd.pid\"\n  logfile: \"{d}/nsd.log\"\n  server-count: 1\nremote-control:\n  control-enable: no\nzone:\n  name: \"signed.test\"\n  zonefile: \"signed.zone.signed\"\nzone:\n  name: \"insecure.signed.test\"\n  zonefile: \"insecure.zone\"\n",
            d = dir.display()
        ),
    )
    .unwrap();
    let child = Command::new("nsd")
        .args(["-d", "-c"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nsd starts");
    let nsd = Forwarder(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let ready = eventually(Duration::from_secs(10), || {
        ask(addr, "signed.test", RecordType::SOA, false)
            .is_some_and(|m| m.metadata.response_code == ResponseCode::NoError)
    });
    assert!(
        ready.is_some(),
        "nsd serves the signed zone; its log:\n{}",
        std::fs::read_to_string(dir.join("nsd.log")).unwrap_or_default()
    );
    (nsd, addr, ds.trim().to_string())
}

/// unbound with its validator on, the signed zone's DS as its only trust anchor, forwarding
/// everything to Vigie.
fn start_unbound(dir: &Path, vigie: SocketAddr, anchor: &str) -> (Forwarder, SocketAddr) {
    let port = free_port();
    let conf = dir.join("unbound.conf");
    // `.test` is answered by unbound itself (a special-use name, RFC 6761) unless told not to.
    std::fs::write(
        &conf,
        format!(
            "server:\n  interface: 127.0.0.1\n  port: {port}\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"{d}\"\n  pidfile: \"{d}/unbound.pid\"\n  use-syslog: no\n  logfile: \"{d}/unbound.log\"\n  verbosity: 1\n  val-log-level: 2\n  do-ip6: no\n  do-not-query-localhost: no\n  module-config: \"validator iterator\"\n  trust-anchor: \"{anchor}\"\n  qname-minimisation: no\n  edns-buffer-size: 1232\n  local-zone: \"test.\" nodefault\nforward-zone:\n  name: \".\"\n  forward-addr: {ip}@{vport}\n",
            d = dir.display(),
            ip = vigie.ip(),
            vport = vigie.port(),
        ),
    )
    .unwrap();
    let child = Command::new("unbound")
        .args(["-d", "-c"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("unbound starts");
    let unbound = Forwarder(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let ready = eventually(Duration::from_secs(10), || {
        ask(addr, "signed.test", RecordType::SOA, true).is_some()
    });
    assert!(ready.is_some(), "unbound answers");
    (unbound, addr)
}

#[test]
fn a_validating_unbound_in_front_validates_signed_answers_through_vigie() {
    for (program, package) in [
        ("nsd", "nsd"),
        ("ldns-keygen", "ldnsutils"),
        ("ldns-signzone", "ldnsutils"),
        ("unbound", "unbound"),
    ] {
        if !installed(program) {
            vigie_testkit::skip(
                &format!("{}:{}", file!(), line!()),
                &format!("{program} is not installed (apt-get install {package})"),
            );
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (_nsd, nsd, anchor) = start_nsd(dir.path());
    let list = list_toml(
        "test",
        "block",
        "Blocked test names",
        &["blocked.signed.test", "blocked.insecure.signed.test"],
    );
    let v = Vigie::start(nsd, None, &[("lists/test.toml", &list)]);

    // A client without DO asks first, so Vigie caches unsigned answers before the validator
    // asks for the same names with DO.
    for (name, qtype) in [
        ("www.signed.test", RecordType::A),
        ("signed.test", RecordType::DNSKEY),
        ("nothere.signed.test", RecordType::A),
        ("www.insecure.signed.test", RecordType::A),
        ("insecure.signed.test", RecordType::DS),
    ] {
        let m = ask(v.dns, name, qtype, false).expect("Vigie answers");
        assert_eq!(signatures(&m), 0, "{name} {qtype} without DO: {m:?}");
    }
    let log = dir.path().join("unbound.log");
    let (_unbound, front) = start_unbound(dir.path(), v.dns, &anchor);
    let through = |name: &str, qtype: RecordType| {
        ask(front, name, qtype, true).unwrap_or_else(|| panic!("unbound answers {name} {qtype}"))
    };
    let why = || std::fs::read_to_string(&log).unwrap_or_default();

    // Allowed names validate, and so does a signed NXDOMAIN.
    for round in 0..2 {
        let m = through("www.signed.test", RecordType::A);
        assert_eq!(
            m.metadata.response_code,
            ResponseCode::NoError,
            "round {round}: {m:?}\nunbound's log:\n{}",
            why()
        );
        assert_eq!(a_records(&m), ["192.0.2.20"], "round {round}");
        assert!(
            m.metadata.authentic_data,
            "round {round}: www.signed.test validates (AD): {m:?}\nunbound's log:\n{}",
            why()
        );
        let nx = through("nothere.signed.test", RecordType::A);
        assert_eq!(
            nx.metadata.response_code,
            ResponseCode::NXDomain,
            "round {round}: {nx:?}\nunbound's log:\n{}",
            why()
        );
        assert!(
            nx.metadata.authentic_data,
            "round {round}: the NXDOMAIN validates (AD): {nx:?}\nunbound's log:\n{}",
            why()
        );
        // The other way round: after the validator's DO queries, a client without DO gets no
        // signatures, and one with DO gets them, from Vigie's cache.
        for (name, qtype) in [
            ("www.signed.test", RecordType::A),
            ("nothere.signed.test", RecordType::A),
            ("signed.test", RecordType::DNSKEY),
        ] {
            let plain = ask(v.dns, name, qtype, false).expect("Vigie answers");
            assert_eq!(signatures(&plain), 0, "{name} {qtype} without DO");
            assert!(!plain.metadata.authentic_data, "Vigie never sets AD");
            let signed = ask(v.dns, name, qtype, true).expect("Vigie answers");
            assert!(
                signatures(&signed) > 0,
                "{name} {qtype} with DO: {signed:?}"
            );
            assert!(!signed.metadata.authentic_data, "Vigie never sets AD");
        }
    }
    // A name the validator has not seen yet, cached by Vigie for a non-DO client first.
    assert_eq!(
        a_records(&ask(v.dns, "www.signed.test", RecordType::A, false).unwrap()),
        ["192.0.2.20"]
    );
    let txt_plain = ask(v.dns, "www.signed.test", RecordType::TXT, false).unwrap();
    assert_eq!(signatures(&txt_plain), 0);
    let txt = through("www.signed.test", RecordType::TXT);
    assert_eq!(txt.metadata.response_code, ResponseCode::NoError);
    assert!(
        txt.metadata.authentic_data && !txt.answers.is_empty(),
        "TXT validates after a non-DO client cached it: {txt:?}\nunbound's log:\n{}",
        why()
    );

    // An insecure child zone: answers pass without AD, and so does the block address.
    let insecure = through("www.insecure.signed.test", RecordType::A);
    assert_eq!(a_records(&insecure), ["192.0.2.30"], "{insecure:?}");
    assert!(!insecure.metadata.authentic_data, "insecure: no AD");
    let blocked_insecure = through("blocked.insecure.signed.test", RecordType::A);
    assert_eq!(
        a_records(&blocked_insecure),
        ["127.0.0.88"],
        "a blocked name in an insecure zone gets the block address: {blocked_insecure:?}\nunbound's log:\n{}",
        why()
    );

    // A blocked name in the signed zone: the block answer carries no signature, so the
    // validator rejects it (bogus, SERVFAIL). The README says so; this notices any change.
    let blocked = through("blocked.signed.test", RecordType::A);
    assert_eq!(
        blocked.metadata.response_code,
        ResponseCode::ServFail,
        "a blocked name in a signed zone fails validation: {blocked:?}"
    );
    assert!(blocked.answers.is_empty(), "{blocked:?}");
    assert!(
        why().contains("blocked.signed.test"),
        "unbound logs the validation failure:\n{}",
        why()
    );
    // Vigie did block it (the client without a validator sees the block address).
    assert_eq!(
        a_records(&ask(v.dns, "blocked.signed.test", RecordType::A, true).unwrap()),
        ["127.0.0.88"]
    );
    // And validation goes on for allowed names afterwards.
    let after = through("www.signed.test", RecordType::A);
    assert!(after.metadata.authentic_data, "{after:?}");
}
