//! The journal's settings, as the service's validated settings give them.

use std::path::Path;

use super::JournalConfig;

/// The journal's settings from the service's.
pub(crate) fn journal_config(dir: &Path, s: &vigie_policy::Settings) -> JournalConfig {
    JournalConfig {
        dir: dir.to_path_buf(),
        retention_days: s.journal.retention_days,
        max_bytes: s.journal.max_bytes,
        merge_window: s.journal.merge_window,
    }
}
