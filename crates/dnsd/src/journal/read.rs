//! Reading the day files back for parents: lines folded by id (the last line wins), torn or
//! corrupt lines skipped and counted, newest first.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use time::Date;

use super::store::{day_path, scan};
use super::*;

/// What [`read_entries`] found.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadResult {
    /// Folded by id, newest first.
    pub(crate) entries: Vec<Entry>,
    /// Torn or corrupt lines that were ignored.
    pub(crate) skipped_lines: usize,
}

pub(super) fn sort_newest_first(entries: &mut [Entry]) {
    entries.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
}

/// Reads the UTC days `from..=to` (inclusive), folding lines by id, last line wins. Torn or
/// corrupt lines are skipped and counted, never an error: the journal must stay readable after
/// a crash or a hand edit. A missing directory or day reads as empty. Blocking I/O: call it
/// from the blocking pool.
pub(crate) fn read_entries(dir: &Path, from: Date, to: Date) -> io::Result<ReadResult> {
    let days = match scan(dir) {
        Ok(days) => days,
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    let mut folded: HashMap<u64, Entry> = HashMap::new();
    let mut skipped_lines = 0;
    if from <= to {
        for &date in days.range(from..=to).map(|(date, _)| date) {
            let file = match File::open(day_path(dir, date)?) {
                Ok(file) => file,
                // Deleted by retention between listing and opening.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            skipped_lines += read_day(file, &mut folded)?;
        }
    }
    let mut entries: Vec<Entry> = folded.into_values().collect();
    sort_newest_first(&mut entries);
    Ok(ReadResult {
        entries,
        skipped_lines,
    })
}

/// Folds one day file into `folded`; returns how many lines were skipped.
pub(super) fn read_day(file: File, folded: &mut HashMap<u64, Entry>) -> io::Result<usize> {
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut skipped = 0;
    loop {
        line.clear();
        // Bytes, not `lines()`: invalid UTF-8 in one line must not make the whole day unreadable.
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(skipped);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) => {
                folded.insert(entry.id, entry);
            }
            Err(_) => skipped += 1,
        }
    }
}
