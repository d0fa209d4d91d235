//! The attempt journal as a parent reads it, against the real service: a journal near its size
//! cap (a week of day files in the writer's own format, then a flood of blocked lookups today
//! from many loopback addresses) is read through every endpoint, and the answers are whole and
//! right while the service's resident memory stays bounded.

use std::collections::HashSet;
use std::net::UdpSocket;
use std::time::Duration;

use hickory_proto::rr::RecordType;
use time::OffsetDateTime;
use vigie_localapi::AttemptQuery;

use crate::upstream::Upstream;
use crate::util::{Vigie, query_message};

const PASSWORD: &str = "correct horse battery staple";
/// Past days written before the reads, and the size of each.
const DAYS: i64 = 7;
const DAY_BYTES: usize = 8 << 20;
/// What the reads may add to the service's resident memory, whatever the journal holds (here
/// 56 MiB of lines). Reading it whole, as the service once did, added about 120 MiB.
const READ_BOUND_KIB: u64 = 24 * 1024;
const SITES: [(&str, &str); 3] = [
    ("Omegle", "omegle.com"),
    ("OmeTV", "ome.tv"),
    ("Chatroulette", "chatroulette.com"),
];

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Writes one past day as the writer leaves it: each attempt's first line (count 1), then its
/// closing line (count 3, three types), with other attempts' lines between the two. Returns
/// how many attempts it holds.
fn write_day(dir: &std::path::Path, back: i64) -> usize {
    let day = OffsetDateTime::now_utc().date() - time::Duration::days(back);
    let start = day.midnight().assume_utc();
    let line = |n: usize, closing: bool| {
        let time = start + time::Duration::milliseconds(n as i64 * 200);
        let (site, domain) = SITES[n % SITES.len()];
        let (types, count) = if closing {
            (r#"["A","AAAA","HTTPS"]"#, 3)
        } else {
            (r#"["A"]"#, 1)
        };
        format!(
            concat!(
                r#"{{"id":{},"time":"{}","client":"127.0.0.1","name":"x{}.www.{}","site":"{}","#,
                r#""list":"stranger-chat","rule":"{}","types":{},"count":{},"local":true,"#,
                r#""account":{{"uid":{},"name":"user{}"}},"program":"firefox-esr"}}"#,
                "\n"
            ),
            time.unix_timestamp_nanos() as u64,
            time.format(&time::format_description::well_known::Rfc3339)
                .unwrap(),
            n,
            domain,
            site,
            domain,
            types,
            count,
            1000 + n % 4,
            n % 4
        )
    };
    let mut text = String::with_capacity(DAY_BYTES + 4096);
    let mut n = 0;
    // A closing line comes 50 attempts after its first line, as when many groups are open.
    while text.len() < DAY_BYTES {
        text.push_str(&line(n, false));
        if n >= 50 {
            text.push_str(&line(n - 50, true));
        }
        n += 1;
    }
    for late in n.saturating_sub(50)..n {
        text.push_str(&line(late, true));
    }
    text.push_str("{\"torn line");
    let path = dir.join(format!("{day}.jsonl"));
    std::fs::write(path, text).unwrap();
    n
}

#[test]
fn a_full_journal_is_read_whole_in_bounded_memory() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), Some("[journal]\nmax-size-mb = 64\n"), &[]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();

    // Last week, read from disk as the service finds it after a restart.
    let dir = v.data.join("journal");
    std::fs::create_dir_all(&dir).unwrap();
    let per_day: Vec<usize> = (1..=DAYS).rev().map(|back| write_day(&dir, back)).collect();
    let week: usize = per_day.iter().sum();

    // Today, a flood through the real service: blocked lookups of many names from many
    // loopback addresses, which is one client, so one attempt per site.
    let query = |name: &str, from: [u8; 4]| {
        let sock = UdpSocket::bind((std::net::Ipv4Addr::from(from), 0)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let bytes = query_message(name, RecordType::A, false).to_vec().unwrap();
        sock.send_to(&bytes, v.dns).unwrap();
        let mut buf = [0u8; 1500];
        sock.recv_from(&mut buf).expect("an answer");
    };
    for i in 0..600u32 {
        let (_, domain) = SITES[i as usize % SITES.len()];
        let from = [127, 1 + (i / 250) as u8, (i % 250) as u8, 1 + (i % 7) as u8];
        query(&format!("f{i}.{domain}"), from);
    }

    let pid = v.pid();
    let idle = status_kib(pid, "VmRSS");
    // The peak from here on: VmHWM, reset to the present resident size.
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("VmHWM can be reset");

    let today = OffsetDateTime::now_utc().date();
    let summary = rt.block_on(c.summary(30)).unwrap();
    assert_eq!(summary.days.len(), 30);
    let counts: Vec<u64> = summary.days.iter().map(|d| d.count).collect();
    let expected: Vec<u64> = std::iter::repeat_n(0, 30 - DAYS as usize - 1)
        .chain(per_day.iter().map(|&n| n as u64))
        .chain([SITES.len() as u64])
        .collect();
    assert_eq!(counts, expected, "every day of last week is there, folded");
    let total: u64 = summary.sites.iter().map(|s| s.count).sum::<u64>() + summary.other_sites;
    assert_eq!(total, week as u64 + SITES.len() as u64);
    assert_eq!(summary.sites.len(), SITES.len());
    let seeded: u64 = summary
        .accounts
        .iter()
        .filter(|a| {
            a.account
                .as_ref()
                .is_some_and(|a| (1000..1004).contains(&a.uid))
        })
        .map(|a| a.count)
        .sum();
    assert_eq!(seeded, week as u64, "{:?}", summary.accounts);

    // Paging down a day: newest first, no attempt twice, and each with its closing count.
    let oldest = today - time::Duration::days(DAYS);
    let mut query = AttemptQuery {
        from: Some(oldest.to_string()),
        to: Some(oldest.to_string()),
        limit: Some(1000),
        ..Default::default()
    };
    let mut seen = HashSet::new();
    let mut last: Option<(OffsetDateTime, u64)> = None;
    for _ in 0..3 {
        let page = rt.block_on(c.attempts(&query)).unwrap();
        assert_eq!(page.entries.len(), 1000);
        for e in &page.entries {
            assert!(seen.insert(e.id), "{} twice", e.id);
            assert!(last.is_none_or(|l| (e.time, e.id) < l), "newest first");
            last = Some((e.time, e.id));
            assert_eq!((e.count, e.types.len()), (3, 3), "{e:?}");
        }
        query.cursor = Some(page.next_cursor.expect("more pages"));
    }
    // A filter looks through the whole day: this is the day's second attempt.
    query.cursor = None;
    let filtered = rt
        .block_on(c.attempts(&AttemptQuery {
            site: Some("OmeTV".into()),
            q: Some("x1.www".into()),
            ..query.clone()
        }))
        .unwrap();
    assert!(filtered.entries.iter().all(|e| e.site == "OmeTV"));
    assert!(filtered.entries.iter().any(|e| e.name == "x1.www.ome.tv"));

    // The newest page starts with today's flood, one attempt per site, all from this computer.
    let first = rt.block_on(c.attempts(&AttemptQuery::default())).unwrap();
    assert_eq!(first.entries.len(), 100);
    let flood: Vec<_> = first
        .entries
        .iter()
        .filter(|e| e.time.date() == today)
        .collect();
    assert_eq!(flood.len(), SITES.len(), "{flood:?}");
    assert!(flood.iter().all(|e| e.client == "127.0.0.1"));
    assert_eq!(flood.iter().map(|e| e.count).sum::<u32>(), 600);

    // The whole week as CSV: every attempt once, oldest first.
    let csv = rt
        .block_on(c.attempts_csv(&AttemptQuery {
            from: Some(oldest.to_string()),
            ..Default::default()
        }))
        .unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), week + SITES.len());
    assert!(rows[0].contains("\"x0.www.omegle.com\""), "{}", rows[0]);
    assert!(rows[0].contains(",\"A AAAA HTTPS\",\"3\","), "{}", rows[0]);
    assert_eq!(
        rt.block_on(c.status()).unwrap().attempts_today,
        SITES.len() as u64
    );

    let peak = status_kib(pid, "VmHWM");
    assert!(
        peak <= idle + READ_BOUND_KIB,
        "reading a {} MiB journal took the service from {idle} KiB to a peak of {peak} KiB",
        (DAYS as usize * DAY_BYTES) >> 20
    );
}
