//! TCP DNS places are shared out by account: one account's flood of connections holds at most
//! its share, and another account's query still gets in (the 700 connections held all
//! 512 places). The flood comes from `nobody`, through a thread of the test that takes that
//! account while it opens the connections, so the kernel names `nobody` as their owner.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use hickory_proto::op::Message;
use hickory_proto::rr::RecordType;

use crate::upstream::Upstream;
use crate::util::{Vigie, query_message, query_tcp};

/// More connections than the service serves at once in all.
const FLOOD: usize = 520;
/// An account's share (`TCP_MAX_PER_CLIENT` in the service).
const SHARE: usize = 64;

/// Sends one framed query on each stream, then reads what comes back on each: the answers.
fn ask_on_each(streams: &mut [TcpStream]) -> usize {
    let query = query_message("omegle.com", RecordType::A, true)
        .to_vec()
        .unwrap();
    let mut framed = (query.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(&query);
    // A refused connection may already be closed when written to: that is no answer.
    let sent: Vec<bool> = streams
        .iter_mut()
        .map(|s| s.write_all(&framed).is_ok())
        .collect();
    streams
        .iter_mut()
        .zip(sent)
        .filter(|(s, sent)| {
            let mut s: &TcpStream = s;
            // A bound for a broken service, never a measure: the service takes the
            // connections one after the other.
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            let mut len = [0u8; 2];
            if !*sent || s.read_exact(&mut len).is_err() {
                return false;
            }
            let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
            s.read_exact(&mut body).is_ok() && Message::from_vec(&body).is_ok()
        })
        .count()
}

#[test]
fn one_accounts_flood_of_tcp_connections_leaves_room_for_another_account() {
    if !rustix::process::geteuid().is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "needs root to open connections as another account",
        );
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let mut flood: Vec<TcpStream> = std::thread::scope(|s| {
        s.spawn(|| {
            let nobody = rustix::process::Uid::from_raw(65534);
            rustix::thread::set_thread_res_uid(nobody, nobody, nobody).unwrap();
            (0..FLOOD)
                .map(|_| TcpStream::connect(v.dns).expect("the kernel takes the connection"))
                .collect()
        })
        .join()
        .unwrap()
    });
    let held = ask_on_each(&mut flood);
    assert!(
        (1..=SHARE).contains(&held),
        "nobody's connections served: {held} of {FLOOD}, its share is {SHARE}"
    );
    // While nobody's connections stay open, this account's lookup over TCP is answered.
    let answer = query_tcp(v.dns, "omegle.com", RecordType::A).expect("an answer over TCP");
    assert!(!answer.answers.is_empty(), "{answer:?}");
    // And nobody's served connections still are: the share is held, not lost.
    assert_eq!(ask_on_each(&mut flood), held);
}
