//! The day files: one JSON Lines file per UTC day, appended to, synced, kept for the retention
//! period and within the size cap. Only the writer's blocking tasks touch them.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::Date;

use super::*;

#[derive(Debug, thiserror::Error)]
pub(super) enum StoreError {
    #[error("journal size limit reached")]
    Full,
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl StoreError {
    pub(super) fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> StoreError {
        let path = path.to_path_buf();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    }
}

/// The day files on disk. Only the writer uses it, always from the blocking pool.
#[derive(Debug)]
pub(super) struct Store {
    pub(super) dir: PathBuf,
    pub(super) retention_days: u32,
    pub(super) max_bytes: u64,
    pub(super) open: Option<OpenDay>,
    /// Sizes of the day files, from the last scan plus what was appended since; keeps the size
    /// cap a sum rather than a directory listing per line.
    pub(super) sizes: BTreeMap<Date, u64>,
    pub(super) state: Arc<State>,
}

#[derive(Debug)]
pub(super) struct OpenDay {
    pub(super) date: Date,
    pub(super) file: File,
}

impl Store {
    pub(super) fn new(config: &JournalConfig, state: Arc<State>) -> Store {
        Store {
            dir: config.dir.clone(),
            retention_days: config.retention_days,
            max_bytes: config.max_bytes,
            open: None,
            sizes: BTreeMap::new(),
            state,
        }
    }

    pub(super) fn report(&self, error: StoreError) {
        match error {
            StoreError::Full => self.state.stats.refused(),
            other => self.state.stats.error(other.to_string()),
        }
    }

    pub(super) fn configure(&mut self, config: &JournalConfig) {
        if config.dir != self.dir {
            self.sync();
            self.open = None;
            self.sizes.clear();
            self.dir.clone_from(&config.dir);
        }
        self.retention_days = config.retention_days;
        self.max_bytes = config.max_bytes;
    }

    /// Creates the directory, then enforces retention and the size cap.
    pub(super) fn maintain(&mut self, today: Date) {
        if let Err(e) = create_dir(&self.dir) {
            self.report(StoreError::io("create", &self.dir)(e));
            return;
        }
        match scan(&self.dir) {
            Ok(sizes) => self.sizes = sizes,
            Err(e) => {
                self.report(StoreError::io("list", &self.dir)(e));
                return;
            }
        }
        // Deleted behind our back: writing on would go to an unlinked file and vanish.
        if let Some(open) = &self.open
            && !self.sizes.contains_key(&open.date)
        {
            self.open = None;
        }
        let keep = i64::from(self.retention_days.max(1));
        let old: Vec<Date> = self
            .sizes
            .keys()
            .copied()
            .filter(|&date| (today - date).whole_days() >= keep)
            .collect();
        for date in old {
            self.delete_day(date);
        }
        // Older days are deleted for the cap only when they alone exceed it (a parent lowered
        // it): never to make room for today, so a flood today cannot erase last week.
        self.evict(0, &[today]);
    }

    /// The most one day's ordinary lines may take before older days stop making room for it.
    pub(super) fn day_share(&self) -> u64 {
        self.max_bytes / 8
    }

    /// Deletes the oldest days other than `date` until `extra` more bytes fit under `limit`.
    fn make_room(&mut self, extra: u64, limit: u64, date: Date) {
        let candidates: Vec<Date> = self.sizes.keys().copied().filter(|d| *d != date).collect();
        for old in candidates {
            if self.total().saturating_add(extra) <= limit {
                break;
            }
            self.delete_day(old);
        }
    }

    /// Room kept for summary lines (see `overflow`) once ordinary lines are refused.
    pub(super) fn reserve(&self) -> u64 {
        (self.max_bytes / 16).min(1 << 20)
    }

    pub(super) fn total(&self) -> u64 {
        self.sizes.values().fold(0, |a, &b| a.saturating_add(b))
    }

    /// Deletes the oldest unprotected days while the unprotected days alone, plus `extra`,
    /// exceed the cap.
    pub(super) fn evict(&mut self, extra: u64, protect: &[Date]) {
        let candidates: Vec<Date> = self
            .sizes
            .keys()
            .copied()
            .filter(|d| !protect.contains(d))
            .collect();
        let unprotected = |s: &Store| {
            s.sizes
                .iter()
                .filter(|(d, _)| !protect.contains(d))
                .fold(0u64, |a, (_, &b)| a.saturating_add(b))
        };
        for date in candidates {
            if unprotected(self).saturating_add(extra) <= self.max_bytes {
                break;
            }
            self.delete_day(date);
        }
    }

    pub(super) fn delete_day(&mut self, date: Date) {
        if self.open.as_ref().is_some_and(|o| o.date == date) {
            self.open = None;
        }
        let path = match day_path(&self.dir, date) {
            Ok(path) => path,
            Err(e) => {
                self.report(StoreError::io("name", &self.dir)(e));
                return;
            }
        };
        match fs::remove_file(&path) {
            Ok(()) => {
                self.sizes.remove(&date);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.sizes.remove(&date);
            }
            Err(e) => self.report(StoreError::io("delete", &path)(e)),
        }
    }

    /// Appends one full line to `date`'s file. The line goes to the day of the attempt, not of
    /// the write, so that an update line written after midnight folds with its first line.
    /// Past the cap (less the summaries' reserve, for an ordinary line) the line is refused:
    /// no older day is deleted to make room.
    pub(super) fn append(
        &mut self,
        date: Date,
        line: &[u8],
        summary: bool,
    ) -> Result<(), StoreError> {
        let len = u64::try_from(line.len()).unwrap_or(u64::MAX);
        self.open_day(date)?;
        let limit = if summary {
            self.max_bytes
        } else {
            self.max_bytes.saturating_sub(self.reserve())
        };
        if self.total().saturating_add(len) > limit {
            // The oldest days make room for an ordinary day's lines, as a journal ages; but a
            // day past its share of the cap is a flood, and a flood never erases history.
            let size = self.sizes.get(&date).copied().unwrap_or(0);
            if summary || size.saturating_add(len) > self.day_share() {
                return Err(StoreError::Full);
            }
            self.make_room(len, limit, date);
            if self.total().saturating_add(len) > limit {
                return Err(StoreError::Full);
            }
        }
        let path = day_path(&self.dir, date).map_err(StoreError::io("name", &self.dir))?;
        let Some(open) = self.open.as_mut() else {
            return Err(StoreError::Io {
                action: "write",
                path,
                source: io::Error::other("file closed while writing"),
            });
        };
        // One write call per line: with O_APPEND a crash leaves at worst one torn last line.
        match open.file.write_all(line) {
            Ok(()) => {
                *self.sizes.entry(date).or_default() += len;
                Ok(())
            }
            Err(e) => {
                // Part of the line may be on disk; reopening repairs the missing newline.
                self.open = None;
                Err(StoreError::io("write", &path)(e))
            }
        }
    }

    pub(super) fn open_day(&mut self, date: Date) -> Result<(), StoreError> {
        if self.open.as_ref().is_some_and(|o| o.date == date) {
            return Ok(());
        }
        // Only around midnight (an update line for yesterday's attempt) do we switch back and
        // forth; make the day we leave durable.
        self.sync();
        self.open = None;
        let path = day_path(&self.dir, date).map_err(StoreError::io("name", &self.dir))?;
        let mut file = match open_append(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // The directory vanished or could not be created at start: try again.
                create_dir(&self.dir).map_err(StoreError::io("create", &self.dir))?;
                open_append(&path)
            }
            other => other,
        }
        .map_err(StoreError::io("open", &path))?;
        let mut size = file
            .metadata()
            .map_err(StoreError::io("open", &path))?
            .len();
        if size == 0 {
            // A new file: its directory entry must survive a crash too. Some file systems
            // cannot sync a directory; the file itself is still fine, so that is not an error.
            if let Ok(dir) = File::open(&self.dir) {
                let _ = dir.sync_all();
            }
        } else if !ends_with_newline(&mut file).map_err(StoreError::io("read", &path))? {
            // A torn line from a crash: end it, or our next line would be glued to it and
            // both would be lost to readers.
            file.write_all(b"\n")
                .map_err(StoreError::io("write", &path))?;
            size += 1;
        }
        self.sizes.insert(date, size);
        self.open = Some(OpenDay { date, file });
        Ok(())
    }

    pub(super) fn sync(&mut self) {
        let Some(open) = &self.open else {
            return;
        };
        if let Err(e) = open.file.sync_all() {
            let error = match day_path(&self.dir, open.date) {
                Ok(path) => StoreError::io("sync", &path)(e),
                Err(_) => StoreError::io("sync", &self.dir)(e),
            };
            self.report(error);
        }
    }
}

pub(super) fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    // Who tried which site, and when, is for parents' eyes only.
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

pub(super) fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)
}

pub(super) fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

pub(super) fn day_path(dir: &Path, date: Date) -> io::Result<PathBuf> {
    let name = date.format(DAY_FORMAT).map_err(io::Error::other)?;
    Ok(dir.join(format!("{name}.jsonl")))
}

/// `Some(date)` only for names exactly like `2025-01-31.jsonl`: every other file in the
/// directory belongs to someone else and is never read, counted or deleted.
pub(super) fn parse_day_name(name: &str) -> Option<Date> {
    let stem = name.strip_suffix(".jsonl")?;
    if stem.len() != 10 {
        return None;
    }
    let date = Date::parse(stem, DAY_FORMAT).ok()?;
    // Reject what the parser tolerates but we would never write.
    (date.format(DAY_FORMAT).ok()? == stem).then_some(date)
}

/// The regular day files in `dir` and their sizes.
pub(super) fn scan(dir: &Path) -> io::Result<BTreeMap<Date, u64>> {
    let mut days = BTreeMap::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let Some(date) = item.file_name().to_str().and_then(parse_day_name) else {
            continue;
        };
        // Not following symlinks: a link is not ours to delete or trust.
        if !item.file_type()?.is_file() {
            continue;
        }
        days.insert(date, item.metadata()?.len());
    }
    Ok(days)
}
