//! Loading, substituting and validating the config file.
//!
//! [`load`] reads a file (format by extension), substitutes `${VAR}` from the
//! environment ([`substitute`]), parses it into a generic tree and validates it
//! table by table ([`validate`](validate::validate)), returning either the
//! [`Config`] or every problem at once as [`ConfigErrors`].
//!
//! - [`model`]: the typed config the rest of ferry uses.
//! - [`load`](mod@load): formats and parsing; [`substitute`](mod@substitute):
//!   variables.
//! - [`validate`](mod@validate): per-table parsing; `check`: cross-references and
//!   bounds.
//! - [`deserialize`]: typed parsing of one table with readable messages;
//!   [`suggest`]: "did you mean" for misspelt names.
//! - [`error`]: [`Problem`] and [`ConfigErrors`].

mod check;
pub mod deserialize;
pub mod error;
pub mod load;
pub mod model;
pub mod substitute;
pub mod suggest;
pub mod validate;

#[cfg(test)]
mod validate_tests;

pub use error::{ConfigErrors, Problem};
pub use load::{load, load_str, load_str_with, Format};
pub use model::*;
pub use validate::validate;
