//! The wire rules strict clients depend on, checked with clients that share no code with Vigie:
//! `kdig` (Knot DNS, its RFC 8427 JSON output) and dnspython. The DO bit echoed on blocked,
//! special and forwarded answers over UDP and TCP; BADVERS for EDNS version 1; other classes
//! than IN refused with the question and the OPT record, never forwarded; NOTIMP for every other
//! opcode and FORMERR for a query without exactly one question, both keeping the OPT record of
//! an EDNS query (kdig cannot set an opcode or a question count, dnspython can). The same rules
//! are checked with hickory as the client in `blocking.rs`. Says why when a client is missing.

use std::net::SocketAddr;
use std::process::Command;

use serde_json::Value;

use crate::compat::installed;
use crate::upstream::Upstream;
use crate::util::{Vigie, run_with_stdin};

/// Runs kdig against `server` with `args` and JSON output; the reply as JSON.
fn kdig(server: SocketAddr, args: &[&str]) -> Value {
    let out = Command::new("kdig")
        .arg(format!("@{}", server.ip()))
        .args(["-p", &server.port().to_string(), "+json", "+retry=2"])
        .args(args)
        .output()
        .expect("kdig runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "kdig {args:?}: no JSON reply ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The OPT record of a kdig reply: (payload size, extended RCODE, version, DO), or `None`.
fn opt(reply: &Value) -> Option<(u64, u64, u64, bool)> {
    let additional = reply["additionalRRs"].as_array()?;
    let opt = additional.iter().find(|r| r["TYPE"] == 41)?;
    let ttl = opt["TTL"].as_u64()?;
    Some((
        opt["CLASS"].as_u64()?,
        ttl >> 24,
        (ttl >> 16) & 0xff,
        ttl & 0x8000 != 0,
    ))
}

fn a_of(reply: &Value) -> Vec<String> {
    reply["answerRRs"]
        .as_array()
        .map(|rrs| {
            rrs.iter()
                .filter_map(|r| r["rdataA"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn have_kdig() -> bool {
    if installed("kdig") {
        return true;
    }
    vigie_testkit::skip(
        &format!("{}:{}", file!(), line!()),
        "kdig is not installed (apt-get install knot-dnsutils)",
    );
    false
}

#[test]
fn kdig_sees_do_echoed_on_blocked_special_and_forwarded_answers() {
    if !have_kdig() {
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for (name, rcode, addresses) in [
        ("www.omegle.com", 0, vec!["127.0.0.88"]),
        ("use-application-dns.net", 3, vec![]),
        ("www.example.test", 0, vec!["192.0.2.10"]),
    ] {
        for transport in ["+notcp", "+tcp"] {
            for (flag, dnssec_ok) in [("+dnssec", true), ("+nodnssec", false)] {
                let r = kdig(v.dns, &[transport, "+edns", flag, name, "A"]);
                let what = format!("{name} {transport} {flag}");
                assert_eq!(r["RCODE"], rcode, "{what}: {r}");
                assert_eq!(a_of(&r), addresses, "{what}: {r}");
                let (_, ext, version, echoed) =
                    opt(&r).unwrap_or_else(|| panic!("{what}: OPT in the reply: {r}"));
                assert_eq!((ext, version), (0, 0), "{what}");
                assert_eq!(echoed, dnssec_ok, "{what}: DO echoed: {r}");
                assert_eq!(r["AD"], 0, "{what}: Vigie never sets AD");
            }
        }
    }
    // Without EDNS, no OPT comes back.
    let r = kdig(v.dns, &["+noedns", "www.omegle.com", "A"]);
    assert!(opt(&r).is_none(), "no OPT without EDNS: {r}");
    assert_eq!(upstream.queries_for("www.omegle.com"), 0);
}

#[test]
fn kdig_gets_badvers_for_edns_version_1() {
    if !have_kdig() {
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for name in ["www.example.test", "www.omegle.com"] {
        for flag in ["+dnssec", "+nodnssec"] {
            let r = kdig(v.dns, &["+edns=1", flag, name, "A"]);
            // BADVERS is 16: 0 in the header, 1 in the OPT's extended RCODE; version 0, Vigie's.
            assert_eq!(r["RCODE"], 0, "{name} {flag}: {r}");
            let (_, ext, version, dnssec_ok) = opt(&r).expect("OPT in a BADVERS reply");
            assert_eq!(
                (ext, version),
                (1, 0),
                "{name} {flag}: BADVERS, version 0: {r}"
            );
            assert_eq!(dnssec_ok, flag == "+dnssec", "{name} {flag}: DO echoed");
            assert_eq!(r["ANCOUNT"], 0, "{name}: no answer with BADVERS");
            assert_eq!(r["QDCOUNT"], 1, "{name}: the question is kept");
            assert_eq!(r["QNAME"], format!("{name}."));
        }
    }
    assert_eq!(upstream.queries(), 0, "a BADVERS query is not forwarded");
}

#[test]
fn kdig_sees_other_classes_refused_with_question_and_opt() {
    if !have_kdig() {
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    // kdig knows HS only by number (CLASS4).
    for (name, qtype, class, number) in [
        ("version.bind", "TXT", "CH", 3),
        ("hostname.bind", "TXT", "CH", 3),
        ("id.server", "TXT", "CH", 3),
        ("www.omegle.com", "A", "CH", 3),
        ("www.omegle.com", "A", "CLASS4", 4),
        ("www.omegle.com", "A", "ANY", 255),
        ("www.example.test", "A", "CH", 3),
        ("www.example.test", "A", "CLASS4", 4),
        ("www.example.test", "TXT", "ANY", 255),
    ] {
        for transport in ["+notcp", "+tcp"] {
            let r = kdig(v.dns, &[transport, "+edns", "-c", class, name, qtype]);
            let what = format!("{name} {qtype} {class} {transport}");
            assert_eq!(r["RCODE"], 5, "{what}: REFUSED: {r}");
            assert_eq!(r["ANCOUNT"], 0, "{what}: {r}");
            assert_eq!(r["QDCOUNT"], 1, "{what}: the question is kept");
            assert_eq!(r["QNAME"], format!("{name}."), "{what}");
            assert_eq!(r["QCLASS"], number, "{what}: in its own class");
            assert!(opt(&r).is_some(), "{what}: OPT kept: {r}");
        }
    }
    assert_eq!(upstream.queries(), 0, "no other class is forwarded");
}

/// Sends each case's query with dnspython and prints what came back as JSON. The reply's
/// opcode is read from the header and cleared before parsing, since dnspython refuses to parse
/// a message with an unassigned opcode (3, 7-15) that Vigie rightly echoes.
const DNSPYTHON: &str = r#"
import json, socket, sys
import dns.flags, dns.message, dns.name, dns.rdataclass, dns.rdatatype, dns.rrset

host, port = sys.argv[1], int(sys.argv[2])

def exchange(q):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(q.to_wire(), (host, port))
    data, _ = s.recvfrom(65535)
    opcode = (data[2] >> 3) & 0x0F
    r = dns.message.from_wire(data[:2] + bytes([data[2] & 0x87]) + data[3:])
    return {
        "id_matches": r.id == q.id,
        "opcode": opcode,
        "rcode": r.rcode(),
        "questions": [x.to_text() for x in r.question],
        "edns": r.edns,
        "do": bool(r.ednsflags & dns.flags.DO),
        "answers": len(r.answer),
    }

def query(qtype="SOA", edns=True, do=True):
    if edns:
        return dns.message.make_query("www.example.test", qtype, use_edns=0, want_dnssec=do)
    return dns.message.make_query("www.example.test", qtype, use_edns=False)

cases = {}
for opcode in range(1, 16):
    for edns, do in [(True, True), (True, False), (False, False)]:
        q = query(edns=edns, do=do)
        q.set_opcode(opcode)
        cases[f"opcode {opcode} edns {edns} do {do}"] = exchange(q)
for do in [True, False]:
    q = query("A", do=do)
    q.question.append(dns.rrset.RRset(dns.name.from_text("www.omegle.com"), dns.rdataclass.IN, dns.rdatatype.A))
    cases[f"two questions do {do}"] = exchange(q)
    q = query("A", do=do)
    q.question.clear()
    cases[f"no question do {do}"] = exchange(q)
print(json.dumps(cases))
"#;

#[test]
fn dnspython_gets_notimp_and_formerr_with_the_opt_record() {
    // apt's dnspython is for the system's python3, whichever python3 comes first in PATH.
    let python = "/usr/bin/python3";
    let has_dnspython = Command::new(python)
        .args(["-c", "import dns.message"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dnspython {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "dnspython is not installed for /usr/bin/python3 (apt-get install python3-dnspython)",
        );
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let mut cmd = Command::new(python);
    cmd.args(["-", &v.dns.ip().to_string(), &v.dns.port().to_string()]);
    let (code, out, err) = run_with_stdin(cmd, DNSPYTHON);
    assert_eq!(code, 0, "the dnspython client:\n{err}");
    let cases: Value = serde_json::from_str(&out).expect("the client's JSON");
    let cases = cases.as_object().unwrap();
    assert_eq!(cases.len(), 15 * 3 + 4);
    for (case, r) in cases {
        assert_eq!(r["id_matches"], true, "{case}: {r}");
        let edns = !case.contains("edns False");
        let dnssec_ok = case.contains("do True");
        if let Some(rest) = case.strip_prefix("opcode ") {
            let opcode: u64 = rest.split(' ').next().unwrap().parse().unwrap();
            assert_eq!(r["rcode"], 4, "{case}: NOTIMP: {r}");
            assert_eq!(r["opcode"], opcode, "{case}: the opcode is echoed");
            assert_eq!(
                r["questions"],
                serde_json::json!(["www.example.test. IN SOA"]),
                "{case}: the question is kept"
            );
        } else {
            assert_eq!(r["rcode"], 1, "{case}: FORMERR: {r}");
            assert_eq!(r["opcode"], 0, "{case}");
        }
        assert_eq!(r["answers"], 0, "{case}: {r}");
        if edns {
            assert_eq!(r["edns"], 0, "{case}: OPT kept, version 0: {r}");
            assert_eq!(r["do"], dnssec_ok, "{case}: DO echoed: {r}");
        } else {
            assert_eq!(r["edns"], -1, "{case}: no OPT without EDNS: {r}");
        }
    }
    assert_eq!(upstream.queries(), 0, "nothing of this is forwarded");
}
