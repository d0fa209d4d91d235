//! Who tried, and who is told, against the real service: an attempt names the account and the
//! program whose socket sent the query, and each account's notice stream carries only its own
//! attempts, with an alert for a parent.

use std::io::{BufRead, BufReader, Write};
use std::net::UdpSocket;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use hickory_proto::rr::RecordType;
use vigie_localapi::{Attempt, AttemptQuery, Client, Notice, NoticeKind};

use crate::upstream::Upstream;
use crate::util::{Vigie, query_message};

const PASSWORD: &str = "correct horse battery";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The test binary's own name, as the service should name the program.
fn program() -> String {
    let exe = std::env::current_exe().unwrap();
    exe.file_name().unwrap().to_str().unwrap().to_owned()
}

/// Asks `name` from `sock` and waits for the answer.
fn ask(sock: &UdpSocket, v: &Vigie, name: &str) {
    sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let q = query_message(name, RecordType::A, true);
    sock.send_to(&q.to_vec().unwrap(), v.dns).unwrap();
    let mut buf = [0u8; 4096];
    sock.recv_from(&mut buf).expect("an answer");
}

/// A notice stream read straight off the socket, so that it can be opened by a thread running
/// as another account (the peer credentials are the connecting thread's).
struct Stream {
    lines: BufReader<UnixStream>,
}

impl Stream {
    fn open(v: &Vigie) -> Stream {
        let mut s = UnixStream::connect(v.runtime.join(vigie_localapi::SOCKET_NAME)).unwrap();
        s.write_all(b"GET /v1/notices HTTP/1.1\r\nHost: vigie\r\n\r\n")
            .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut lines = BufReader::new(s);
        let mut status = String::new();
        lines.read_line(&mut status).unwrap();
        assert!(status.contains(" 200 "), "{status}");
        Stream { lines }
    }

    /// Whether a notice comes within `wait` (status events aside).
    fn quiet_for(&mut self, wait: Duration) -> bool {
        self.lines.get_ref().set_read_timeout(Some(wait)).unwrap();
        let mut line = String::new();
        let mut status = false;
        let quiet = loop {
            line.clear();
            match self.lines.read_line(&mut line) {
                Ok(0) => break true,
                Ok(_) if line.starts_with("event: status") => status = true,
                Ok(_) if line.starts_with("data:") && !std::mem::take(&mut status) => break false,
                Ok(_) => continue,
                Err(_) => break true,
            }
        };
        self.lines
            .get_ref()
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        quiet
    }

    /// The next notice, within 5 s; status events (`event: status`) are passed over.
    fn next(&mut self) -> Notice {
        let mut line = String::new();
        let mut status = false;
        loop {
            line.clear();
            let n = self
                .lines
                .read_line(&mut line)
                .expect("an event within 5 s");
            assert!(n > 0, "the stream ended");
            if line.starts_with("event: status") {
                status = true;
            } else if let Some(data) = line.trim_end().strip_prefix("data:")
                && !std::mem::take(&mut status)
            {
                return serde_json::from_str(data.trim()).unwrap();
            }
        }
    }
}

/// The attempts of the last day, newest first.
fn attempts(rt: &tokio::runtime::Runtime, c: &Client) -> Vec<Attempt> {
    rt.block_on(c.attempts(&AttemptQuery::default()))
        .unwrap()
        .entries
}

#[test]
fn an_attempt_names_the_account_and_program_that_asked() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = rt();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    let uid = rustix::process::getuid().as_raw();
    let mut mine = Stream::open(&v);

    // A socket that closes as soon as it has its answer, the way a resolver library's does.
    v.udp("www.omegle.com", RecordType::A);
    v.tcp("ome.tv", RecordType::A);
    let notice = mine.next();
    assert_eq!(
        (notice.site.as_str(), notice.kind),
        ("Omegle", NoticeKind::Blocked)
    );
    assert_eq!(mine.next().site, "OmeTV");

    let entries = attempts(&rt, &c);
    assert_eq!(entries.len(), 2, "{entries:?}");
    for a in &entries {
        let account = a
            .account
            .as_ref()
            .unwrap_or_else(|| panic!("no account: {a:?}"));
        assert_eq!(account.uid, uid, "{a:?}");
        assert!(a.local, "{a:?}");
        assert_eq!(a.program.as_deref(), Some(program().as_str()), "{a:?}");
        assert_eq!(a.via, None);
    }
    // The filter by account, and the same words in the CSV export.
    let only = rt
        .block_on(c.attempts(&AttemptQuery {
            account: Some(uid.to_string()),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(only.entries.len(), 2);
    let none = rt
        .block_on(c.attempts(&AttemptQuery {
            account: Some("this-computer".into()),
            ..Default::default()
        }))
        .unwrap();
    assert!(none.entries.is_empty(), "{none:?}");
    let csv = rt
        .block_on(c.attempts_csv(&AttemptQuery::default()))
        .unwrap();
    assert!(
        csv.starts_with(
            "time,client,name,site,list,rule,types,count,cname,uid,account,program,via\n"
        ),
        "{csv}"
    );
    assert!(csv.contains(&format!("\"{uid}\",")), "{csv}");
    assert!(csv.contains(&format!("\"{}\"", program())), "{csv}");
}

#[test]
fn each_account_hears_only_of_its_own_attempts_and_a_parent_is_alerted_once() {
    if !rustix::process::geteuid().is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "needs root to send a query and open a stream as another account",
        );
        return;
    }
    let upstream = Upstream::start();
    // Short groups, so that the child's second try is a second attempt.
    let v = Vigie::start(
        upstream.addr(),
        Some("[journal]\nmerge-window-secs = 1\n"),
        &[],
    );
    let rt = rt();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    // The service runs as root: root's stream is a parent's.
    let mut parent = Stream::open(&v);
    // A thread of this process becomes `nobody` (the kernel's credentials are per thread) just
    // long enough to create a socket and open a stream; both keep the account they were made by.
    let (child_dns, mut child) = std::thread::scope(|s| {
        s.spawn(|| {
            let nobody = rustix::process::Uid::from_raw(65534);
            rustix::thread::set_thread_res_uid(nobody, nobody, nobody).unwrap();
            (UdpSocket::bind("127.0.0.1:0").unwrap(), Stream::open(&v))
        })
        .join()
        .unwrap()
    });
    let parent_dns = UdpSocket::bind("127.0.0.1:0").unwrap();

    ask(&child_dns, &v, "www.omegle.com");
    ask(&parent_dns, &v, "chatroulette.com");
    // A second try after the group closed: a second notice for the child, no second alert.
    std::thread::sleep(Duration::from_millis(2500));
    ask(&child_dns, &v, "omegle.com");
    ask(&parent_dns, &v, "ome.tv");
    ask(&child_dns, &v, "chatrandom.com");

    let seen = |s: &mut Stream, n: usize| -> Vec<(NoticeKind, String, Option<String>)> {
        (0..n)
            .map(|_| {
                let e = s.next();
                (e.kind, e.site, e.account)
            })
            .collect()
    };
    let alert = |site: &str| {
        (
            NoticeKind::Alert,
            site.to_owned(),
            Some("nobody".to_owned()),
        )
    };
    let notice = |site: &str| (NoticeKind::Blocked, site.to_owned(), None);
    // Events are compared as sets: attempts are journaled by more than one thread, so two of
    // them close together may reach a stream in either order.
    let mut got = seen(&mut child, 3);
    got.sort_by_key(|e| format!("{e:?}"));
    let mut want = vec![notice("Omegle"), notice("Omegle"), notice("Chatrandom")];
    want.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(got, want);
    // The child's second Omegle try was made before its Chatrandom one, so a second Omegle
    // alert would be among these four, in place of another.
    let mut got = seen(&mut parent, 4);
    let mut want = vec![
        alert("Omegle"),
        notice("Chatroulette"),
        notice("OmeTV"),
        alert("Chatrandom"),
    ];
    got.sort_by_key(|e| format!("{e:?}"));
    want.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(got, want);
    assert!(
        parent.quiet_for(Duration::from_secs(1)),
        "no second alert for Omegle within ten minutes"
    );

    let entries = attempts(&rt, &c);
    let by = |site: &str| -> Vec<u32> {
        entries
            .iter()
            .filter(|a| a.site == site)
            .map(|a| a.account.as_ref().map_or(u32::MAX, |a| a.uid))
            .collect()
    };
    assert_eq!(by("Omegle"), [65534, 65534], "{entries:?}");
    assert_eq!(by("Chatroulette"), [0], "{entries:?}");
    let child_attempt = entries.iter().find(|a| a.site == "Chatrandom").unwrap();
    assert_eq!(child_attempt.account.as_ref().unwrap().name, "nobody");
    assert_eq!(child_attempt.program.as_deref(), Some(program().as_str()));
}
