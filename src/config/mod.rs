//! Loading, substituting and validating the config file.
//! OWNER: config helper. `load` / `validate` API is used by the CLI and tests.

pub mod model;

pub use model::*;
