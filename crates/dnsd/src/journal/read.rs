//! Reading the day files back for parents, streaming: lines folded by id (the last line wins),
//! torn or corrupt lines skipped and counted, in bounded memory whatever the journal holds.
//!
//! A full journal is tens of megabytes of lines, and a flood fills it; reading it whole into
//! memory to fold it cost the service hundreds of megabytes each time a parent opened the log.
//! So a day file is read line by line, and an entry is handed on once no later line can change
//! it. That point is known from how the writer writes: an entry's lines are its first line, when
//! its group opens, and its closing line, when the group's merge window ends. Between the two,
//! the writer writes only the first lines of groups opened meanwhile and the closing lines of
//! groups opened before, each at most [`MAX_OPEN_GROUPS`]; so an entry whose first line is more
//! than [`FOLD_LINES`] lines back is final. Until then only where its latest line is kept (a few
//! bytes), and the line is read again when the entry is handed on. Summaries (see `overflow`)
//! are rewritten all day long; there are few of them, so they are kept whole and handed on at
//! the end of their day.

use std::collections::hash_map::Entry as Slot;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::Path;

use time::Date;

use super::store::{day_path, scan};
use super::writer::MAX_OPEN_GROUPS;
use super::*;

/// Lines after an entry's first line within which its later lines come (see the module's
/// header): twice the most groups open at once, with room to spare for summaries.
pub(super) const FOLD_LINES: u64 = 4 * MAX_OPEN_GROUPS as u64;
/// The writer's lines are well under a kilobyte; a longer one is not the writer's, and a file
/// without line ends must not be read into memory whole.
const MAX_LINE: usize = 64 * 1024;
/// Summaries kept whole per day: the writer writes at most 16 sites and one "other sites" per
/// client; past this (a hand-edited file), later ones are read as ordinary entries.
const MAX_SUMMARIES: usize = 1024;

/// What [`read_entries`] found.
#[cfg(test)]
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

/// Every entry of the UTC days `from..=to`, folded, newest first. For tests: it holds them all.
#[cfg(test)]
pub(crate) fn read_entries(dir: &Path, from: Date, to: Date) -> io::Result<ReadResult> {
    let mut entries = Vec::new();
    let skipped_lines = each_entry(dir, from, to, Order::Oldest, Vec::new(), |e| {
        entries.push(e);
        ControlFlow::Continue(())
    })?;
    sort_newest_first(&mut entries);
    Ok(ReadResult {
        entries,
        skipped_lines,
    })
}

/// Which day comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Oldest,
    Newest,
}

/// Hands each entry of the UTC days `from..=to` (inclusive) to `f`, one day after the other in
/// `order`, each day's entries in the order they were journaled; `f` may stop early. `open`
/// are the groups still open in memory (see [`Journal::open_entries`]): one replaces its lines
/// on disk, and one not on disk (its line was refused) comes at the end of its day. Returns
/// how many lines were skipped: torn or corrupt lines are never an error, the journal must stay
/// readable after a crash or a hand edit. A missing directory or day reads as empty. Blocking
/// I/O: call it from the blocking pool.
pub(crate) fn each_entry(
    dir: &Path,
    from: Date,
    to: Date,
    order: Order,
    open: Vec<Entry>,
    mut f: impl FnMut(Entry) -> ControlFlow<()>,
) -> io::Result<usize> {
    if from > to {
        return Ok(0);
    }
    let files = match scan(dir) {
        Ok(days) => days,
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    let mut open_by_day: BTreeMap<Date, HashMap<u64, Entry>> = BTreeMap::new();
    for entry in open {
        let date = entry.time.date();
        if (from..=to).contains(&date) {
            open_by_day.entry(date).or_default().insert(entry.id, entry);
        }
    }
    let days: BTreeSet<Date> = files
        .range(from..=to)
        .map(|(d, _)| *d)
        .chain(open_by_day.keys().copied())
        .collect();
    let days: Vec<Date> = match order {
        Order::Oldest => days.into_iter().collect(),
        Order::Newest => days.into_iter().rev().collect(),
    };
    let mut skipped = 0;
    for date in days {
        let mut open = open_by_day.remove(&date).unwrap_or_default();
        if files.contains_key(&date) {
            let path = day_path(dir, date)?;
            match DayEntries::open(&path) {
                Ok(mut day) => {
                    for entry in day.by_ref() {
                        let entry = entry?;
                        let entry = open.remove(&entry.id).unwrap_or(entry);
                        if f(entry).is_break() {
                            return Ok(skipped + day.skipped);
                        }
                    }
                    skipped += day.skipped;
                }
                // Deleted by retention between listing and opening.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        let mut left: Vec<Entry> = open.into_values().collect();
        left.sort_by_key(|e| e.id);
        for entry in left {
            if f(entry).is_break() {
                return Ok(skipped);
            }
        }
    }
    Ok(skipped)
}

/// Just enough of a line to fold it.
#[derive(serde::Deserialize)]
struct Head {
    id: u64,
    #[serde(default)]
    summary: bool,
}

/// Where an entry's latest line is.
#[derive(Debug, Clone, Copy)]
struct Latest {
    /// The line number of its first line.
    first: u64,
    offset: u64,
    len: usize,
}

/// One day file's entries, folded, in the order of their first lines.
#[derive(Debug)]
pub(crate) struct DayEntries {
    lines: BufReader<File>,
    /// A second handle, to read an entry's latest line again when it is handed on.
    again: File,
    offset: u64,
    line_no: u64,
    latest: HashMap<u64, Latest>,
    /// Ids by first line, oldest first.
    queue: VecDeque<u64>,
    summaries: HashMap<u64, Entry>,
    done: bool,
    line: Vec<u8>,
    /// Torn or corrupt lines that were ignored.
    pub(crate) skipped: usize,
}

impl DayEntries {
    pub(crate) fn open(path: &Path) -> io::Result<DayEntries> {
        Ok(DayEntries {
            lines: BufReader::with_capacity(64 * 1024, File::open(path)?),
            again: File::open(path)?,
            offset: 0,
            line_no: 0,
            latest: HashMap::new(),
            queue: VecDeque::new(),
            summaries: HashMap::new(),
            done: false,
            line: Vec::new(),
            skipped: 0,
        })
    }

    /// Reads the next line into `self.line`, at most [`MAX_LINE`] bytes of it; `None` at the end.
    /// Returns the line's offset and whether it fit.
    fn next_line(&mut self) -> io::Result<Option<(u64, bool)>> {
        self.line.clear();
        let start = self.offset;
        let mut fits = true;
        let mut any = false;
        loop {
            let buf = self.lines.fill_buf()?;
            if buf.is_empty() {
                return Ok(any.then_some((start, fits)));
            }
            any = true;
            let (chunk, end) = match buf.iter().position(|&b| b == b'\n') {
                Some(at) => (&buf[..=at], true),
                None => (buf, false),
            };
            let n = chunk.len();
            if fits && self.line.len() + n <= MAX_LINE {
                self.line.extend_from_slice(chunk);
            } else {
                fits = false;
                self.line.clear();
            }
            self.lines.consume(n);
            self.offset += n as u64;
            if end {
                return Ok(Some((start, fits)));
            }
        }
    }

    /// Reads the next line and notes it; `false` at the end of the file.
    fn take_line(&mut self) -> io::Result<bool> {
        let Some((offset, fits)) = self.next_line()? else {
            return Ok(false);
        };
        self.line_no += 1;
        if !fits {
            self.skipped += 1;
            return Ok(true);
        }
        // Bytes, not text: invalid UTF-8 in one line must not make the whole day unreadable.
        if self.line.iter().all(u8::is_ascii_whitespace) {
            return Ok(true);
        }
        let Ok(head) = serde_json::from_slice::<Head>(&self.line) else {
            self.skipped += 1;
            return Ok(true);
        };
        if head.summary
            && (self.summaries.len() < MAX_SUMMARIES || self.summaries.contains_key(&head.id))
        {
            match serde_json::from_slice::<Entry>(&self.line) {
                Ok(entry) => {
                    self.summaries.insert(head.id, entry);
                }
                Err(_) => self.skipped += 1,
            }
            return Ok(true);
        }
        let latest = Latest {
            first: self.line_no,
            offset,
            len: self.line.len(),
        };
        match self.latest.entry(head.id) {
            Slot::Occupied(mut slot) => {
                let first = slot.get().first;
                slot.insert(Latest { first, ..latest });
            }
            Slot::Vacant(slot) => {
                slot.insert(latest);
                self.queue.push_back(head.id);
            }
        }
        Ok(true)
    }

    /// The entry of `id` from its latest line, read again; `None` if that line is not an entry
    /// (its head parsed, the rest did not).
    fn finish(&mut self, id: u64) -> io::Result<Option<Entry>> {
        let Some(latest) = self.latest.remove(&id) else {
            return Ok(None);
        };
        self.line.resize(latest.len, 0);
        self.again.seek(SeekFrom::Start(latest.offset))?;
        self.again.read_exact(&mut self.line)?;
        match serde_json::from_slice::<Entry>(&self.line) {
            Ok(entry) if entry.id == id => Ok(Some(entry)),
            _ => {
                self.skipped += 1;
                Ok(None)
            }
        }
    }

    fn step(&mut self) -> io::Result<Option<Entry>> {
        loop {
            if let Some(&id) = self.queue.front() {
                let first = self.latest.get(&id).map_or(0, |l| l.first);
                if self.done || self.line_no.saturating_sub(first) > FOLD_LINES {
                    self.queue.pop_front();
                    match self.finish(id)? {
                        Some(entry) => return Ok(Some(entry)),
                        None => continue,
                    }
                }
            }
            if self.done {
                // The day's summaries, last: their counts are final only at the end of the day.
                let Some(&id) = self.summaries.keys().min() else {
                    return Ok(None);
                };
                return Ok(self.summaries.remove(&id));
            }
            if !self.take_line()? {
                self.done = true;
            }
        }
    }
}

impl Iterator for DayEntries {
    type Item = io::Result<Entry>;

    fn next(&mut self) -> Option<io::Result<Entry>> {
        self.step().transpose()
    }
}
