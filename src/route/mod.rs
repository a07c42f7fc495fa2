//! The routing table: which routes take an event from a source. Pure and synchronous.
//!
//! - [`filter`]: the Subscriptions API filter dialects and how they match.
//! - [`parse`]: building and checking a filter from the config's generic tree.
//! - [`table`]: the compiled routes and the lookup the runtime does per event.

pub mod filter;
pub mod parse;
pub mod table;

pub use filter::Filter;
pub use parse::parse_filter;
pub use table::{Route, RoutingTable};
