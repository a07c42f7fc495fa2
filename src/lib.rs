//! ferry: a CloudEvents gateway. OWNER of this file: integration.

pub mod admin;
pub mod config;
pub mod metrics;
pub mod registry;
pub mod route;
pub mod runtime;
