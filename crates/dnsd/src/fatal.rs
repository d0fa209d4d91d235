//! The failure that ends `vigie run`, with the exit code that names its kind (3 config, 4 bind,
//! 5 upstream, 1 other), so systemd and scripts can tell what went wrong.

/// A failure that ends the process, with the exit code that names its kind.
#[derive(Debug)]
pub(crate) struct Fatal {
    pub(crate) code: u8,
    pub(crate) error: anyhow::Error,
}

impl Fatal {
    /// Folders or configuration unusable (exit 3).
    pub(crate) fn config(error: anyhow::Error) -> Fatal {
        Fatal { code: 3, error }
    }
    /// A listen address could not be bound (exit 4).
    pub(crate) fn bind(error: anyhow::Error) -> Fatal {
        Fatal { code: 4, error }
    }
    /// No usable upstream, or a loop (exit 5).
    pub(crate) fn upstream(error: anyhow::Error) -> Fatal {
        Fatal { code: 5, error }
    }
    /// Anything else at run time (exit 1).
    pub(crate) fn runtime(error: anyhow::Error) -> Fatal {
        Fatal { code: 1, error }
    }
}
