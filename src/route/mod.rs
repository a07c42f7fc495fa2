//! The routing table: which routes take an event from a source. Pure and synchronous.
//! OWNER: config/routing helper.

pub mod filter;
