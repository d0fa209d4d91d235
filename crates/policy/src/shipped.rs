//! The lists that ship with Vigie, compiled into the binary.
//!
//! Their TOML lives in the repository's `blocklists/` folder, where it is reviewed with its
//! sources; compiling it in means a fresh install, or `vigie run --dev` with no files at all,
//! enforces them at once. Tests check that every shipped list parses, that every domain is
//! registrable and unique, and that every site names a source.

/// `(file name, text)` of each shipped list.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "stranger-chat.toml",
        include_str!("../../../blocklists/stranger-chat.toml"),
    ),
    (
        "dns-bypass.toml",
        include_str!("../../../blocklists/dns-bypass.toml"),
    ),
];
