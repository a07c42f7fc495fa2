//! ferry: a CloudEvents gateway. OWNER of this file: integration.

pub mod config;
pub mod registry;
pub mod route;
pub mod runtime;
