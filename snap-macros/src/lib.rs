//! Derive macros for snap-rs: declare a SNAP endpoint once, as an annotated
//! struct. Use them through `snap_core` (`snap_core::SnapRequest`,
//! `snap_core::SnapModel`); the generated code names `::snap_core::__private`.
//!
//! The attribute vocabulary is documented in snap-core's `endpoint` module and
//! in the README ("Declare your own endpoint").
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod check;
mod expand;
mod fallback;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Declares a request: `#[snap(service = .., method = "..", path = "..", response = ..)]`
/// plus field rules. Implements `Endpoint` and `Validate`.
#[proc_macro_derive(SnapRequest, attributes(snap))]
pub fn derive_snap_request(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(ast::Kind::Request, &input).into()
}

/// Declares a response or a nested object: field rules only. Implements `Validate`.
#[proc_macro_derive(SnapModel, attributes(snap))]
pub fn derive_snap_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(ast::Kind::Model, &input).into()
}
