//! What the journal keeps when a flood fills it: one summary line per client and site.
//!
//! A child who floods the resolver with blocked lookups (a script, a page asking for thousands
//! of names) must not be able to erase the record: older days are never deleted to make room
//! for today (the store refuses today's lines instead), and what no longer fits is counted here
//! and written as one summary per client and site ("and 40,000 more attempts at omegle.com from
//! this computer") into room the store keeps for summaries alone. Every summary line of a site
//! carries the same id, so readers keep the last, largest count. The table is bounded: past
//! [`MAX_SITES`] sites, the rest are counted under one "other sites" summary.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::Entry;

/// Sites with a summary of their own per client and day; the rest share "other sites". A flood
/// of a handful of sites is named site by site; one of thousands of names is one line more.
/// Summary lines must fit in the store's reserve (1/16 of the cap, at most 1 MiB), rewritten
/// every [`super::writer::SUMMARY_EVERY`] while a flood lasts.
pub(super) const MAX_SITES: usize = 16;
/// Entries whose latest count is tracked one by one per summary; past it, counts are added up.
const MAX_TRACKED: usize = 64;
/// The site name of the summary that takes what the table has no room for.
pub(super) const OTHER_SITES: &str = "(other sites)";

#[derive(Debug)]
struct Summary {
    entry: Entry,
    /// Counts added up for good (entries no longer tracked one by one).
    settled: u32,
    /// The latest count of each entry that did not fit, by entry id: an entry's first line and
    /// its closing line may both overflow, and the second carries the whole count.
    tracked: HashMap<u64, u32>,
    dirty: bool,
}

/// The day's summaries.
#[derive(Debug, Default)]
pub(super) struct Overflow {
    summaries: HashMap<(String, String), Summary>,
}

impl Overflow {
    /// Counts `entry`, a line the store refused; `new_id` names a new summary.
    pub(super) fn add(&mut self, entry: &Entry, new_id: impl FnOnce(OffsetDateTime) -> u64) {
        let mut key = (entry.client.clone(), entry.site.clone());
        if !self.summaries.contains_key(&key) && self.summaries.len() >= MAX_SITES {
            key.1 = OTHER_SITES.to_string();
        }
        let summary = self
            .summaries
            .entry(key.clone())
            .or_insert_with(|| Summary {
                entry: Entry {
                    id: new_id(entry.time),
                    time: entry.time,
                    client: key.0.clone(),
                    name: String::new(),
                    site: key.1.clone(),
                    list: entry.list.clone(),
                    rule: String::new(),
                    types: Vec::new(),
                    count: 0,
                    cname: None,
                    summary: true,
                    paused: false,
                    brand: entry.brand.clone(),
                    // A summary counts every account's attempts at the site together.
                    local: entry.local,
                    account: None,
                    program: None,
                    via: None,
                },
                settled: 0,
                tracked: HashMap::new(),
                dirty: false,
            });
        if summary.tracked.contains_key(&entry.id) || summary.tracked.len() < MAX_TRACKED {
            summary.tracked.insert(entry.id, entry.count);
        } else {
            summary.settled = summary.settled.saturating_add(entry.count);
        }
        summary.dirty = true;
    }

    /// The summaries that changed since the last call, as lines to write.
    pub(super) fn changed(&mut self) -> Vec<Entry> {
        self.summaries
            .values_mut()
            .filter(|s| s.dirty)
            .map(|s| {
                s.dirty = false;
                let mut entry = s.entry.clone();
                entry.count = s
                    .tracked
                    .values()
                    .fold(s.settled, |a, &b| a.saturating_add(b));
                entry
            })
            .collect()
    }

    /// Forgets the day's summaries (after the last lines were written, at the day's end).
    pub(super) fn clear(&mut self) {
        self.summaries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(id: u64, site: &str, count: u32) -> Entry {
        Entry {
            id,
            time: OffsetDateTime::UNIX_EPOCH,
            client: "127.0.0.1".into(),
            name: format!("www.{site}"),
            site: site.into(),
            list: "stranger-chat".into(),
            rule: site.into(),
            types: vec!["A".into()],
            count,
            cname: None,
            summary: false,
            paused: false,
            brand: None,
            local: true,
            account: None,
            program: None,
            via: None,
        }
    }

    #[test]
    fn a_summary_counts_each_entry_once_and_the_table_stays_bounded() {
        let mut o = Overflow::default();
        let mut next = 100;
        let mut id = |_| {
            next += 1;
            next
        };
        o.add(&refused(1, "omegle.com", 1), &mut id);
        // The same entry's closing line, with its whole count.
        o.add(&refused(1, "omegle.com", 40), &mut id);
        o.add(&refused(2, "omegle.com", 2), &mut id);
        let lines = o.changed();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].count, 42);
        assert!(lines[0].summary);
        assert!(o.changed().is_empty(), "nothing new");
        for i in 0..(MAX_TRACKED as u64 + 10) {
            o.add(&refused(1000 + i, "omegle.com", 1), &mut id);
        }
        assert_eq!(o.changed()[0].count, 42 + MAX_TRACKED as u32 + 10);
        for i in 0..(MAX_SITES + 5) {
            o.add(
                &refused(5000 + i as u64, &format!("s{i}.example"), 1),
                &mut id,
            );
        }
        let lines = o.changed();
        assert!(lines.len() <= MAX_SITES + 1);
        let other = lines.iter().find(|e| e.site == OTHER_SITES).unwrap();
        assert_eq!(
            other.count, 6,
            "the sites that did not fit are counted together"
        );
    }
}
