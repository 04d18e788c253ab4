//! The BI standard (ASPI SNAP Developer Site), grouped by SNAP category.

pub mod auth;
pub mod security;

pub use auth::*;
pub use security::*;
