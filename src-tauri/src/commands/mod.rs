//! The commands the console page may call, grouped by domain. Each is a thin translation of
//! one page action into calls of `vigie-localapi`; errors become [`crate::error::AppError`].

pub(crate) mod activity;
pub(crate) mod auth;
pub(crate) mod feeds;
pub(crate) mod lists;
pub(crate) mod locale;
pub(crate) mod settings;
pub(crate) mod sites;
pub(crate) mod status;
