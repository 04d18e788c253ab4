//! Macros for snap-rs: declare a SNAP endpoint once, as an annotated struct.
//! Use them through `snap_core` (`snap_core::request`, `snap_core::response`,
//! `snap_core::model`, `snap_core::SnapRequest`, `snap_core::SnapModel`),
//! which documents the keys. Generated code names the runtime only as
//! `<crate>::__private_vX_Y_Z` (this crate's version; `crate = ".."` sets
//! `<crate>`, default `::snap_core`).
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod attribute;
mod check;
mod expand;
mod fallback;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives a request's `Endpoint`, `Validate` and `Fields` impls from its
/// `#[snap(...)]` keys.
#[proc_macro_derive(SnapRequest, attributes(snap))]
pub fn derive_snap_request(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(ast::Kind::Request, &input).into()
}

/// Derives a response's or a nested object's `Validate` and `Fields` impls
/// from its field rules.
#[proc_macro_derive(SnapModel, attributes(snap))]
pub fn derive_snap_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(ast::Kind::Model, &input).into()
}

/// Declares a request: writes the derives and serde attributes, then
/// `#[derive(SnapRequest)]` reads the keys.
#[proc_macro_attribute]
pub fn request(args: TokenStream, item: TokenStream) -> TokenStream {
    attribute::expand(attribute::Form::Request, args.into(), item.into()).into()
}

/// Declares a SNAP response: a model with `responseCode` and
/// `responseMessage` first.
#[proc_macro_attribute]
pub fn response(args: TokenStream, item: TokenStream) -> TokenStream {
    attribute::expand(attribute::Form::Response, args.into(), item.into()).into()
}

/// Declares a nested object (or any message without a request's keys).
#[proc_macro_attribute]
pub fn model(args: TokenStream, item: TokenStream) -> TokenStream {
    attribute::expand(attribute::Form::Model, args.into(), item.into()).into()
}
