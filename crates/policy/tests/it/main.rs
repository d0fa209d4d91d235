//! Integration tests of the policy crate, one binary: the shipped lists, loading a config
//! directory, and properties of normalization and matching.

mod brand;
mod feeds;
mod load;
mod popular;
mod props;
mod shipped;
mod util;
