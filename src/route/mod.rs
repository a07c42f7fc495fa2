//! The routing table: which routes take an event from a source. Pure and synchronous.

pub mod filter;
pub mod table;

pub use filter::Filter;
pub use table::{Route, RoutingTable};
