//! The journal's unit tests, against real day files in a temporary directory.

use super::read::*;
use super::store::*;
use super::*;
use std::fs;
use std::future::Future;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const WINDOW: Duration = Duration::from_millis(200);
pub(crate) const LONG_WINDOW: Duration = Duration::from_secs(600);

pub(crate) fn config(dir: &Path, merge_window: Duration) -> JournalConfig {
    JournalConfig {
        dir: dir.to_path_buf(),
        retention_days: 90,
        max_bytes: 64 << 20,
        merge_window,
    }
}

fn attempt(client: &str, site: &str, qtype: &str) -> Attempt {
    Attempt::new(
        client.parse().expect("test IP"),
        format!("www.{site}"),
        site.into(),
        "stranger-chat".into(),
        site,
        qtype.parse().expect("test record type"),
        None,
    )
}

fn entry(id: u64, count: u32, types: &[&str]) -> Entry {
    Entry {
        id,
        time: OffsetDateTime::now_utc(),
        client: "192.168.1.20".to_owned(),
        name: "www.omegle.com".to_owned(),
        site: "omegle.com".to_owned(),
        list: "stranger-chat".to_owned(),
        rule: "omegle.com".to_owned(),
        types: types.iter().map(|t| (*t).to_owned()).collect(),
        count,
        cname: None,
        summary: false,
        paused: false,
        brand: None,
        local: false,
        account: None,
        program: None,
        via: None,
    }
}

fn json_line(entry: &Entry) -> String {
    let mut line = serde_json::to_string(entry).expect("encode");
    line.push('\n');
    line
}

fn day_file(dir: &Path, date: Date) -> PathBuf {
    day_path(dir, date).expect("day path")
}

fn days_ago(n: i64) -> Date {
    today() - time::Duration::days(n)
}

fn read_all(dir: &Path) -> ReadResult {
    read_entries(dir, Date::MIN, Date::MAX).expect("read journal")
}

/// Every line of every day file, oldest day first.
fn raw_lines(dir: &Path) -> Vec<String> {
    let Ok(days) = scan(dir) else {
        return Vec::new();
    };
    days.keys()
        .flat_map(|&d| {
            let text = fs::read_to_string(day_file(dir, d)).expect("read day file");
            text.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect()
}

/// Polls instead of sleeping a fixed time: fast when the writer is, and still bounded.
async fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..300 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    done()
}

async fn with_timeout<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), fut)
        .await
        .expect("timed out")
}

#[tokio::test]
async fn merges_one_clients_queries_for_one_site_into_one_entry() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    for qtype in ["A", "AAAA", "HTTPS"] {
        journal.record(attempt("192.168.1.20", "omegle.com", qtype));
    }
    assert!(wait_for(|| journal.open_entries().first().is_some_and(|e| e.count == 3)).await);
    // The first line is written at once, before the window closes.
    let first = read_all(tmp.path());
    assert_eq!(first.entries.len(), 1);
    assert_eq!(first.entries[0].count, 1);

    with_timeout(journal.shutdown()).await;
    let read = read_all(tmp.path());
    assert_eq!(read.skipped_lines, 0);
    assert_eq!(read.entries.len(), 1);
    let e = &read.entries[0];
    assert_eq!(e.count, 3);
    assert_eq!(e.types, ["A", "AAAA", "HTTPS"]);
    assert_eq!(e.client, "192.168.1.20");
    assert_eq!(e.name, "www.omegle.com");
    assert_eq!(
        raw_lines(tmp.path()).len(),
        2,
        "first line plus one update line"
    );
    let stats = journal.stats();
    assert_eq!(stats.entries_written, 1);
    assert_eq!(stats.merged, 2);
    assert_eq!(stats.write_errors, 0);
}

#[tokio::test]
async fn other_client_or_other_site_is_another_entry() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    journal.record(attempt("192.168.1.21", "omegle.com", "A"));
    journal.record(attempt("192.168.1.20", "chatroulette.com", "A"));
    journal.record(attempt("fe80::1", "omegle.com", "AAAA"));
    with_timeout(journal.shutdown()).await;

    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 4);
    assert!(read.entries.iter().all(|e| e.count == 1));
    let mut ids: Vec<u64> = read.entries.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "ids are unique");
    assert_eq!(
        raw_lines(tmp.path()).len(),
        4,
        "no update lines for single queries"
    );
}

#[tokio::test]
async fn a_query_after_the_window_starts_a_new_entry() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    tokio::time::sleep(WINDOW + Duration::from_millis(100)).await;
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    with_timeout(journal.shutdown()).await;

    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 2);
    assert!(read.entries.iter().all(|e| e.count == 1));
    assert_ne!(read.entries[0].id, read.entries[1].id);
    assert!(read.entries[0].time > read.entries[1].time, "newest first");
    assert_eq!(journal.stats().merged, 0);
}

#[tokio::test]
async fn the_window_counts_from_the_first_query_not_the_last() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), WINDOW));
    // Queries every 80 ms: a sliding window would merge them all into one entry.
    for _ in 0..5 {
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        tokio::time::sleep(Duration::from_millis(80)).await;
    }
    with_timeout(journal.shutdown()).await;
    let read = read_all(tmp.path());
    assert!(read.entries.len() >= 2, "got {:?}", read.entries);
    assert_eq!(read.entries.iter().map(|e| e.count).sum::<u32>(), 5);
}

#[tokio::test]
async fn one_notice_per_group() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    let mut notices = journal.subscribe();
    for qtype in ["A", "AAAA", "HTTPS", "A"] {
        journal.record(attempt("192.168.1.20", "omegle.com", qtype));
    }
    journal.record(attempt("192.168.1.20", "chatroulette.com", "A"));
    with_timeout(journal.shutdown()).await;

    let first = notices.try_recv().expect("first notice");
    let second = notices.try_recv().expect("second notice");
    assert_eq!(first.site, "omegle.com");
    assert_eq!(first.name, "www.omegle.com");
    assert_eq!(second.site, "chatroulette.com");
    assert!(
        matches!(
            notices.try_recv(),
            Err(broadcast::error::TryRecvError::Empty)
        ),
        "no notice for merged queries"
    );
    // Another device's attempt: nobody on this computer asked, so no session gets it as its own.
    assert!(!first.local && first.account.is_none(), "{first:?}");
}

#[tokio::test]
async fn window_close_appends_the_update_line_without_shutdown() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    journal.record(attempt("192.168.1.20", "omegle.com", "AAAA"));
    assert!(wait_for(|| raw_lines(tmp.path()).len() == 2).await);
    assert!(wait_for(|| journal.open_entries().is_empty()).await);
    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.entries[0].count, 2);
    assert_eq!(read.entries[0].types, ["A", "AAAA"]);
    with_timeout(journal.shutdown()).await;
    assert_eq!(
        raw_lines(tmp.path()).len(),
        2,
        "shutdown adds nothing once closed"
    );
}

#[test]
fn read_folds_lines_by_id_last_wins() {
    let tmp = TempDir::new().unwrap();
    let mut first = entry(7, 1, &["A"]);
    first.cname = Some("cdn.omegle.com".to_owned());
    let mut update = first.clone();
    update.count = 4;
    update.types = vec!["A".into(), "HTTPS".into()];
    let other = entry(8, 1, &["AAAA"]);
    let text = [json_line(&first), json_line(&other), json_line(&update)].concat();
    fs::write(day_file(tmp.path(), today()), text).unwrap();

    let read = read_entries(tmp.path(), today(), today()).unwrap();
    assert_eq!(read.skipped_lines, 0);
    assert_eq!(read.entries.len(), 2);
    let folded = read.entries.iter().find(|e| e.id == 7).unwrap();
    assert_eq!(folded, &update);
    // cname is omitted, not null, when absent, and still reads back.
    assert!(!json_line(&other).contains("cname"));
    assert_eq!(read.entries.iter().find(|e| e.id == 8), Some(&other));
}

#[test]
fn read_only_looks_at_the_requested_days() {
    let tmp = TempDir::new().unwrap();
    let mut old = entry(1, 1, &["A"]);
    old.time -= time::Duration::days(3);
    fs::write(day_file(tmp.path(), days_ago(3)), json_line(&old)).unwrap();
    fs::write(
        day_file(tmp.path(), today()),
        json_line(&entry(2, 1, &["A"])),
    )
    .unwrap();

    let today_only = read_entries(tmp.path(), today(), today()).unwrap();
    assert_eq!(today_only.entries.len(), 1);
    assert_eq!(today_only.entries[0].id, 2);
    let both = read_entries(tmp.path(), days_ago(3), today()).unwrap();
    assert_eq!(
        both.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        [2, 1]
    );
    let reversed = read_entries(tmp.path(), today(), days_ago(3)).unwrap();
    assert!(reversed.entries.is_empty());
}

#[test]
fn missing_dir_reads_as_empty() {
    let tmp = TempDir::new().unwrap();
    let read = read_entries(&tmp.path().join("nope"), Date::MIN, Date::MAX).unwrap();
    assert!(read.entries.is_empty());
    assert_eq!(read.skipped_lines, 0);
}

#[tokio::test]
async fn torn_last_line_is_skipped_counted_and_not_glued_to_the_next() {
    let tmp = TempDir::new().unwrap();
    let whole = json_line(&entry(1, 1, &["A"]));
    let torn = json_line(&entry(2, 1, &["A"]));
    let torn = &torn[..torn.len() / 2];
    fs::write(day_file(tmp.path(), today()), format!("{whole}{torn}")).unwrap();

    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.entries[0].id, 1);
    assert_eq!(read.skipped_lines, 1);

    // The writer must end the torn line before appending, or its own line would be lost.
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    with_timeout(journal.shutdown()).await;
    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 2);
    assert_eq!(read.skipped_lines, 1);
}

#[test]
fn corrupt_middle_lines_are_skipped() {
    let tmp = TempDir::new().unwrap();
    let mut bytes = json_line(&entry(1, 1, &["A"])).into_bytes();
    bytes.extend_from_slice(b"{\"id\": 9, \"garbage\n");
    bytes.extend_from_slice(b"\xff\xfe not utf-8\n");
    bytes.extend_from_slice(b"\n");
    bytes.extend_from_slice(json_line(&entry(2, 1, &["A"])).as_bytes());
    fs::write(day_file(tmp.path(), today()), bytes).unwrap();

    let read = read_all(tmp.path());
    let mut ids: Vec<u64> = read.entries.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2]);
    assert_eq!(read.skipped_lines, 2, "the blank line is not counted");
}

#[tokio::test]
async fn retention_deletes_old_days_and_nothing_else() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let old = day_file(dir, days_ago(31));
    let kept = day_file(dir, days_ago(29));
    fs::write(&old, "x\n").unwrap();
    fs::write(&kept, "x\n").unwrap();
    let foreign = [
        "notes.txt",
        "1999-01-01.jsonl.bak",
        "old.jsonl",
        "1999-1-1.jsonl",
        "x1999-01-01.jsonl",
    ];
    for name in foreign {
        fs::write(dir.join(name), "x\n").unwrap();
    }
    fs::create_dir(dir.join("1999-01-02.jsonl")).unwrap();

    let mut cfg = config(dir, LONG_WINDOW);
    cfg.retention_days = 30;
    let journal = Journal::start(cfg);
    with_timeout(journal.shutdown()).await;

    assert!(!old.exists(), "31 days old with 30 days kept");
    assert!(kept.exists());
    for name in foreign {
        assert!(dir.join(name).exists(), "{name} is not ours");
    }
    assert!(dir.join("1999-01-02.jsonl").is_dir());
    assert_eq!(journal.stats().write_errors, 0);
}

#[tokio::test]
async fn reconfigure_applies_a_shorter_retention() {
    let tmp = TempDir::new().unwrap();
    let old = day_file(tmp.path(), days_ago(40));
    fs::write(&old, "x\n").unwrap();
    let mut cfg = config(tmp.path(), LONG_WINDOW);
    cfg.retention_days = 3650;
    let journal = Journal::start(cfg.clone());
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    // The start-up pass runs before the first attempt is handled.
    assert!(wait_for(|| journal.stats().entries_written == 1).await);
    assert!(old.exists());

    cfg.retention_days = 30;
    journal.reconfigure(cfg);
    assert!(wait_for(|| !old.exists()).await);
    with_timeout(journal.shutdown()).await;
}

#[tokio::test]
async fn size_cap_deletes_the_oldest_days_first() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let kb = "x".repeat(999) + "\n";
    let (d3, d2, d1) = (
        day_file(dir, days_ago(3)),
        day_file(dir, days_ago(2)),
        day_file(dir, days_ago(1)),
    );
    for path in [&d3, &d2, &d1] {
        fs::write(path, &kb).unwrap();
    }
    let mut cfg = config(dir, LONG_WINDOW);
    cfg.max_bytes = 2100;
    let journal = Journal::start(cfg);
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    with_timeout(journal.shutdown()).await;

    // Start-up: 3000 > 2100, so the oldest went. The new line (over 100 bytes) then did not
    // fit next to the two remaining days, so the next oldest went too: an ordinary day's lines
    // take the oldest day's place, as a journal ages (a flood's do not: see below).
    assert!(!d3.exists());
    assert!(!d2.exists());
    assert!(d1.exists());
    assert_eq!(read_all(dir).entries.len(), 1);
    let stats = journal.stats();
    assert_eq!(stats.entries_written, 1);
    assert_eq!(stats.dropped, 0);
}

#[tokio::test]
async fn today_alone_over_the_cap_stops_new_lines() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let yesterday = day_file(dir, days_ago(1));
    let today_file = day_file(dir, today());
    fs::write(&yesterday, "y\n").unwrap();
    fs::write(&today_file, "x".repeat(2999) + "\n").unwrap();
    let mut cfg = config(dir, LONG_WINDOW);
    cfg.max_bytes = 2500;
    let journal = Journal::start(cfg);
    let mut notices = journal.subscribe();
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    with_timeout(journal.shutdown()).await;

    assert!(yesterday.exists(), "older days are never deleted for today");
    assert_eq!(
        fs::metadata(&today_file).unwrap().len(),
        3000,
        "nothing appended"
    );
    let stats = journal.stats();
    assert!(stats.dropped >= 1);
    assert_eq!(stats.entries_written, 0);
    assert_eq!(stats.last_error.as_deref(), Some(SIZE_LIMIT_MESSAGE));
    // The child is still told why the site did not load.
    assert!(notices.try_recv().is_ok());
}

#[tokio::test]
async fn unwritable_dir_counts_errors_and_record_still_returns() {
    // A path under a regular file cannot be created even by root, unlike a chmod.
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, "").unwrap();
    let journal = Journal::start(config(&file.join("journal"), LONG_WINDOW));
    let mut notices = journal.subscribe();
    // record() only queues (try_send), so this loop cannot wait on the broken disk.
    for i in 0..1000 {
        journal.record(attempt("192.168.1.20", &format!("site{i}.example"), "A"));
    }
    assert!(wait_for(|| journal.stats().write_errors > 1).await);
    let stats = journal.stats();
    assert!(stats.last_error.is_some_and(|e| e.contains("not-a-dir")));
    assert_eq!(stats.entries_written, 0);
    // 1000 notices overflow the channel, so "lagged" counts as notices having been sent.
    assert!(
        !matches!(
            notices.try_recv(),
            Err(tokio::sync::broadcast::error::TryRecvError::Empty)
        ),
        "notices do not depend on the disk"
    );
    with_timeout(journal.shutdown()).await;
}

#[cfg(unix)]
#[tokio::test]
async fn read_only_dir_counts_errors() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("journal");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
    let probe = dir.join("probe");
    if fs::write(&probe, "").is_ok() {
        let _ = fs::remove_file(&probe);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        eprintln!(
            "read_only_dir_counts_errors: skipped, a 0500 directory is still writable here \
             (running as root or with CAP_DAC_OVERRIDE); \
             unwritable_dir_counts_errors_and_record_still_returns covers the error path"
        );
        return;
    }
    let journal = Journal::start(config(&dir, LONG_WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    let failed = wait_for(|| journal.stats().write_errors > 0).await;
    with_timeout(journal.shutdown()).await;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    assert!(failed);
    assert!(journal.stats().last_error.is_some());
}

#[tokio::test]
async fn shutdown_writes_the_final_count_of_open_groups() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    for qtype in ["A", "AAAA", "HTTPS", "HTTPS", "A"] {
        journal.record(attempt("192.168.1.20", "omegle.com", qtype));
    }
    with_timeout(journal.shutdown()).await;
    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.entries[0].count, 5);
    assert_eq!(read.entries[0].types, ["A", "AAAA", "HTTPS"]);
    assert!(journal.open_entries().is_empty());

    // After shutdown: counted, not journaled, and no hang.
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    assert_eq!(journal.stats().dropped, 1);
    with_timeout(journal.shutdown()).await;
}

#[tokio::test]
async fn open_entries_shows_open_groups_with_current_counts() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    journal.record(attempt("192.168.1.20", "omegle.com", "AAAA"));
    journal.record(attempt("192.168.1.21", "chatroulette.com", "A"));
    assert!(
        wait_for(|| {
            let open = journal.open_entries();
            open.len() == 2 && open.iter().map(|e| e.count).sum::<u32>() == 3
        })
        .await
    );
    let open = journal.open_entries();
    assert!(open[0].time >= open[1].time, "newest first");
    let omegle = open.iter().find(|e| e.site == "omegle.com").unwrap();
    assert_eq!(omegle.types, ["A", "AAAA"]);
    with_timeout(journal.shutdown()).await;
    assert!(journal.open_entries().is_empty());
}

#[tokio::test]
async fn settled_waits_for_every_attempt_recorded_before_it() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    // The first attempt sets the writer gathering; the next ones arrive while it pauses.
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    tokio::task::yield_now().await;
    journal.record(attempt("192.168.1.20", "omegle.com", "AAAA"));
    journal.record(attempt("192.168.1.21", "chatroulette.com", "A"));
    with_timeout(journal.settled()).await;
    let open = journal.open_entries();
    assert_eq!(open.len(), 2, "{open:?}");
    assert_eq!(open.iter().map(|e| e.count).sum::<u32>(), 3);
    with_timeout(journal.shutdown()).await;
    // After shutdown there is no writer: settling gives up rather than hang.
    with_timeout(journal.settled()).await;
}

#[tokio::test]
async fn full_queue_drops_and_shutdown_journals_what_was_queued() {
    let tmp = TempDir::new().unwrap();
    let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
    // Single-threaded test runtime: the writer cannot run until we yield, so the queue
    // fills exactly.
    let extra = 500;
    for _ in 0..QUEUE_CAPACITY + extra {
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    }
    assert_eq!(journal.stats().dropped, extra as u64);
    with_timeout(journal.shutdown()).await;
    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.entries[0].count as usize, QUEUE_CAPACITY);
}

#[tokio::test]
async fn ids_stay_unique_across_restarts() {
    let tmp = TempDir::new().unwrap();
    for _ in 0..2 {
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        with_timeout(journal.shutdown()).await;
    }
    let read = read_all(tmp.path());
    assert_eq!(read.entries.len(), 2);
    assert_ne!(read.entries[0].id, read.entries[1].id);
}

#[tokio::test]
async fn creates_missing_dir_private() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("a").join("journal");
    let journal = Journal::start(config(&dir, LONG_WINDOW));
    journal.record(attempt("192.168.1.20", "omegle.com", "A"));
    with_timeout(journal.shutdown()).await;
    assert_eq!(read_all(&dir).entries.len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&day_file(&dir, today())), 0o600);
    }
}

#[test]
fn day_names_are_strict() {
    assert_eq!(
        parse_day_name("2025-01-31.jsonl"),
        Some(time::macros::date!(2025 - 01 - 31))
    );
    for name in [
        "2025-1-31.jsonl",
        "2025-01-32.jsonl",
        "2025-01-31.json",
        "2025-01-31.jsonl.bak",
        "+2025-01-31.jsonl",
        "notes.txt",
    ] {
        assert_eq!(parse_day_name(name), None, "{name}");
    }
}

/// A flood of blocked lookups for thousands of sites, far more than the cap holds: last week
/// stays, what did not fit is summed up per site, and the open groups stay bounded.
#[tokio::test]
async fn a_flood_is_summed_up_and_last_week_stays() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let last_week = day_file(dir, days_ago(7));
    let old = entry(7, 3, &["A"]);
    fs::write(&last_week, json_line(&old)).unwrap();
    let mut cfg = config(dir, LONG_WINDOW);
    cfg.max_bytes = 64 * 1024;
    let journal = Journal::start(cfg);
    for i in 0..(super::writer::MAX_OPEN_GROUPS + 3000) {
        let site = format!("s{i}.example");
        journal.record(attempt("127.0.0.1", &site, "A"));
        if i % 1000 == 0 {
            journal.settled().await;
        }
    }
    with_timeout(journal.shutdown()).await;
    let read = read_all(dir);
    assert!(
        read.entries.iter().any(|e| e.id == old.id),
        "last week is still there"
    );
    let summaries: Vec<&Entry> = read.entries.iter().filter(|e| e.summary).collect();
    assert!(!summaries.is_empty(), "what did not fit is summed up");
    let written: u64 = read
        .entries
        .iter()
        .filter(|e| e.id != old.id)
        .map(|e| u64::from(e.count))
        .sum();
    assert_eq!(
        written,
        (super::writer::MAX_OPEN_GROUPS + 3000) as u64,
        "every attempt is counted, in an entry or a summary"
    );
    assert!(fs::metadata(day_file(dir, today())).unwrap().len() <= 64 * 1024);
}

/// Every entry of today's file, in the order the streaming reader hands them on.
fn stream_today(dir: &Path, open: Vec<Entry>) -> (Vec<Entry>, usize) {
    let mut entries = Vec::new();
    let skipped = each_entry(dir, today(), today(), Order::Oldest, open, |e| {
        entries.push(e);
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    (entries, skipped)
}

#[test]
fn the_streaming_reader_folds_lines_far_apart_and_summaries_rewritten_all_day() {
    let tmp = TempDir::new().unwrap();
    let mut text = String::new();
    // Each entry's closing line comes as late as the writer may write it: after the first
    // lines of every group opened meanwhile and the closing lines of every group opened before.
    let gap = 2 * writer::MAX_OPEN_GROUPS as u64;
    let n = gap * 2;
    let mut summary = entry(1, 10, &[]);
    summary.summary = true;
    text.push_str(&json_line(&summary));
    for i in 0..n {
        text.push_str(&json_line(&entry(100 + i, 1, &["A"])));
        if i >= gap {
            text.push_str(&json_line(&entry(100 + i - gap, 3, &["A", "AAAA"])));
        }
    }
    for i in n - gap..n {
        text.push_str(&json_line(&entry(100 + i, 3, &["A", "AAAA"])));
    }
    // The flood's summary again at the end of the day, with its count then.
    summary.count = 40_000;
    text.push_str(&json_line(&summary));
    fs::write(day_file(tmp.path(), today()), text).unwrap();

    let (entries, skipped) = stream_today(tmp.path(), Vec::new());
    assert_eq!(skipped, 0);
    assert_eq!(entries.len() as u64, n + 1);
    let ids: Vec<u64> = entries.iter().map(|e| e.id).collect();
    let mut expected: Vec<u64> = (100..100 + n).collect();
    expected.push(1);
    assert_eq!(ids, expected, "in the order journaled, the summary last");
    assert!(entries[..n as usize].iter().all(|e| e.count == 3));
    assert_eq!(entries[n as usize].count, 40_000);
}

#[test]
fn the_streaming_reader_skips_overlong_lines_and_folds_in_open_groups() {
    let tmp = TempDir::new().unwrap();
    let mut text = json_line(&entry(1, 1, &["A"]));
    // A line far longer than the writer writes, then a megabyte with no line end at all: read
    // past, never held.
    text.push_str(&format!(
        "{{\"id\":2,\"name\":\"{}\"}}\n",
        "a".repeat(100_000)
    ));
    text.push_str(&json_line(&entry(3, 1, &["A"])));
    text.push_str(&"b".repeat(1 << 20));
    fs::write(day_file(tmp.path(), today()), text).unwrap();

    // Entry 3 is still open with a larger count; entry 9 is open but never reached the disk.
    let (entries, skipped) = stream_today(
        tmp.path(),
        vec![entry(3, 5, &["A", "AAAA"]), entry(9, 2, &["A"])],
    );
    assert_eq!(skipped, 2);
    let got: Vec<(u64, u32)> = entries.iter().map(|e| (e.id, e.count)).collect();
    assert_eq!(got, [(1, 1), (3, 5), (9, 2)]);
}
