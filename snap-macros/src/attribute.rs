//! The attribute macros `#[snap::request]`, `#[snap::response]` and
//! `#[snap::model]`: they rewrite the struct into its derive form (the
//! derives, the serde attributes a SNAP declaration always needs) and leave
//! validation, metadata and every error about keys to the derives, which run
//! next on the rewritten struct.
//!
//! What is written for the user:
//! - `#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, SnapRequest|SnapModel)]`,
//!   each named through the runtime (serde through snap-core's re-export),
//!   minus the derives the user already wrote;
//! - `#[serde(crate = "<crate>::__private_vX_Y_Z::serde")]`, so the user needs
//!   no serde dependency;
//! - `#[serde(rename_all = "camelCase")]` unless a `rename_all` is written;
//! - the arguments, as the struct's `#[snap(...)]` (spans kept: errors land
//!   on the user's tokens);
//! - per field: `default` + `skip_serializing_if` on `Option`s,
//!   `skip_serializing` + `default` on `path_param` / `query` fields, the
//!   `deserialize_with` of `accept_number` / `accept_string`; never a key the
//!   field's own `#[serde(...)]` already has;
//! - `#[snap::response]`: `response_code` and `response_message` first
//!   (`Option`s with `optional_code`).

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::quote;
use syn::parse::Parser as _;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, Token, parse_quote};

use crate::ast::{self, Errors};
use crate::attr::{self, ACCEPT_HELPERS, ACCEPT_NUMBER, CRATE, OPTIONAL_CODE};
use crate::expand::{private_ident, runtime};

/// Which attribute macro runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Form {
    Request,
    Response,
    Model,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Request => "#[snap::request]",
            Form::Response => "#[snap::response]",
            Form::Model => "#[snap::model]",
        }
    }

    fn derive(self) -> &'static str {
        match self {
            Form::Request => "SnapRequest",
            Form::Response | Form::Model => "SnapModel",
        }
    }
}

/// The macro's arguments: passed on as the struct's `#[snap(...)]`, except
/// `optional_code`, which is the attribute macro's own.
#[derive(Default)]
struct Args {
    passthrough: Vec<TokenStream>,
    krate: Option<syn::Path>,
    optional_code: bool,
}

/// Splits `a = 1, b = Foo<X, Y>, c` at the top-level commas.
fn split_top_level(tokens: TokenStream) -> Vec<TokenStream> {
    let mut chunks = Vec::new();
    let mut current = TokenStream::new();
    let mut angle = 0usize;
    for tt in tokens {
        if let TokenTree::Punct(p) = &tt {
            match p.as_char() {
                ',' if angle == 0 => {
                    chunks.push(std::mem::take(&mut current));
                    continue;
                }
                '<' => angle += 1,
                '>' => angle = angle.saturating_sub(1),
                _ => {}
            }
        }
        current.extend([tt]);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn parse_args(form: Form, tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args::default();
    for chunk in split_top_level(tokens) {
        let mut iter = chunk.clone().into_iter();
        let first = iter.next();
        let rest: Vec<TokenTree> = iter.collect();
        match &first {
            Some(TokenTree::Ident(i)) if i == OPTIONAL_CODE => {
                if form != Form::Response {
                    errors.at(
                        i.span(),
                        format!(
                            "`{OPTIONAL_CODE}` belongs to #[snap::response({OPTIONAL_CODE})]: it makes the inserted `responseCode` / `responseMessage` optional"
                        ),
                    );
                } else if !rest.is_empty() {
                    errors.at(
                        i.span(),
                        format!("`{OPTIONAL_CODE}` is a flag: write `{OPTIONAL_CODE}` alone"),
                    );
                } else {
                    args.optional_code = true;
                }
                continue;
            }
            Some(TokenTree::Ident(i)) if i == CRATE => {
                // Read here for serde's path; the derive reads (and checks) it again.
                let parser = syn::meta::parser(|meta| {
                    if meta.path.is_ident(CRATE) {
                        let lit: syn::LitStr = meta.value()?.parse()?;
                        if let Ok(p) = lit.parse_with(syn::Path::parse_mod_style) {
                            args.krate = Some(p);
                        }
                    }
                    Ok(())
                });
                let _ = parser.parse2(chunk.clone());
            }
            _ => {}
        }
        args.passthrough.push(chunk);
    }
    args
}

/// `::a::b` as serde's `crate = ".."` wants it.
fn path_string(path: Option<&syn::Path>) -> String {
    let mut out = String::new();
    match path {
        Some(p) => {
            if p.leading_colon.is_some() {
                out.push_str("::");
            }
            let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            out.push_str(&segs.join("::"));
        }
        None => out.push_str("::snap_core"),
    }
    out.push_str("::");
    out.push_str(&private_ident().to_string());
    out
}

/// The last segment of every path in the struct's `#[derive(...)]`s.
fn written_derives(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut names = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        {
            names.extend(
                paths
                    .iter()
                    .filter_map(|p| p.segments.last().map(|s| s.ident.to_string())),
            );
        }
    }
    names
}

/// The error for a shape the attribute macros cannot take, at its token.
fn shape_error(form: Form, input: &DeriveInput) -> Option<syn::Error> {
    let (span, what) = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(_) => return None,
            Fields::Unit if form != Form::Model => return None,
            Fields::Unit => (input.ident.span(), "a unit struct has nothing to validate"),
            Fields::Unnamed(f) => (f.span(), "a tuple struct has no wire names"),
        },
        Data::Enum(e) => (
            e.enum_token.span(),
            "an enum is not a SNAP message: declare the request or response as a struct",
        ),
        Data::Union(u) => (u.union_token.span(), "a union is not a SNAP message"),
    };
    Some(syn::Error::new(
        span,
        format!("{} needs a struct with named fields: {what}", form.name()),
    ))
}

/// Entry for the three attribute macros.
pub fn expand(form: Form, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut input: DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let mut errors = Errors::default();
    if let Some(e) = shape_error(form, &input) {
        // The item stays as written, so that code naming it gives no
        // secondary errors about a missing type.
        errors.push(e);
        let mut out = errors.to_compile_errors();
        out.extend(item);
        return out;
    }
    let args = parse_args(form, args, &mut errors);
    let rt = runtime(args.krate.as_ref());
    let rt_string = path_string(args.krate.as_ref());

    if form == Form::Response {
        insert_code_fields(&mut input, args.optional_code, &mut errors);
    }
    if let Data::Struct(s) = &mut input.data
        && let Fields::Named(named) = &mut s.fields
    {
        for f in named.named.iter_mut() {
            field_serde(f, &rt_string);
        }
    }

    // Struct attributes, ahead of the user's own.
    let written = written_derives(&input.attrs);
    let derive_ident = syn::Ident::new(form.derive(), Span::call_site());
    let wanted: [(&str, TokenStream); 6] = [
        ("Debug", quote!(::core::fmt::Debug)),
        ("Clone", quote!(::core::clone::Clone)),
        ("PartialEq", quote!(::core::cmp::PartialEq)),
        ("Serialize", quote!(#rt::serde::Serialize)),
        ("Deserialize", quote!(#rt::serde::Deserialize)),
        (form.derive(), quote!(#rt::#derive_ident)),
    ];
    let derives: Vec<&TokenStream> = wanted
        .iter()
        .filter(|(name, _)| !written.iter().any(|w| w == name))
        .map(|(_, path)| path)
        .collect();
    let mut attrs: Vec<syn::Attribute> = Vec::new();
    if !derives.is_empty() {
        attrs.push(parse_quote!(#[derive(#(#derives),*)]));
    }
    if !attr::serde_container_has(&input.attrs, "crate") {
        let serde_path = format!("{rt_string}::serde");
        attrs.push(parse_quote!(#[serde(crate = #serde_path)]));
    }
    let has_fields = matches!(&input.data, Data::Struct(s) if matches!(s.fields, Fields::Named(_)));
    if has_fields && !attr::serde_container_has(&input.attrs, "rename_all") {
        attrs.push(parse_quote!(#[serde(rename_all = "camelCase")]));
    }
    if form == Form::Request || !args.passthrough.is_empty() {
        let keys = &args.passthrough;
        // `snap` at the attribute's own span: a missing key is reported there.
        let snap = syn::Ident::new(attr::SNAP, Span::call_site());
        attrs.push(parse_quote!(#[#snap(#(#keys),*)]));
    }
    attrs.append(&mut input.attrs);
    input.attrs = attrs;

    let mut out = errors.to_compile_errors();
    out.extend(quote!(#input));
    out
}

/// `#[snap::response]`: `response_code` and `response_message` as the first
/// two fields (a unit struct gets braces).
fn insert_code_fields(input: &mut DeriveInput, optional: bool, errors: &mut Errors) {
    let Data::Struct(s) = &mut input.data else {
        return;
    };
    if matches!(s.fields, Fields::Unit) {
        s.fields = Fields::Named(parse_quote!({}));
        s.semi_token = None;
    }
    let Fields::Named(named) = &mut s.fields else {
        return;
    };
    for f in &named.named {
        if let Some(ident) = &f.ident
            && (ident == "response_code" || ident == "response_message")
        {
            errors.at(
                ident.span(),
                format!(
                    "#[snap::response] declares `{ident}` itself (responseCode: 7 digits, responseMessage: at most 150 characters): remove this field, or declare both yourself with #[snap::model]"
                ),
            );
            return;
        }
    }
    let string = if optional {
        quote!(::core::option::Option<::std::string::String>)
    } else {
        quote!(::std::string::String)
    };
    let code: syn::Field = syn::Field::parse_named
        .parse2(quote! {
            /// `responseCode`: HTTP status, service code and case, 7 digits.
            #[snap(len = 7, digits)]
            #[serde(rename = "responseCode")]
            pub response_code: #string
        })
        .expect("a named field");
    let message: syn::Field = syn::Field::parse_named
        .parse2(quote! {
            /// `responseMessage`: the description, at most 150 characters.
            #[snap(max = 150)]
            #[serde(rename = "responseMessage")]
            pub response_message: #string
        })
        .expect("a named field");
    named.named.insert(0, message);
    named.named.insert(0, code);
}

/// The serde attributes a field's `#[snap(...)]` keys and type call for.
fn field_serde(f: &mut syn::Field, rt_string: &str) {
    // Errors in these attributes are the derive's to report.
    let mut scratch = Errors::default();
    let snap = attr::field(&f.attrs, &mut scratch);
    let serde = attr::serde_field(&f.attrs, &mut scratch);
    let option = ast::is_option(&f.ty);
    let mut keys: Vec<TokenStream> = Vec::new();
    if snap.path_param.is_some() || snap.query.is_some() {
        if !serde.skip_serializing {
            keys.push(quote!(skip_serializing));
        }
        if !serde.default {
            keys.push(quote!(default));
        }
    } else if option {
        if !serde.default {
            keys.push(quote!(default));
        }
        if !serde.skip_serializing_if && !serde.skip_serializing {
            keys.push(quote!(
                skip_serializing_if = "::core::option::Option::is_none"
            ));
        }
    }
    if serde.deserialize_with.is_none() {
        for (key, plain, opt) in ACCEPT_HELPERS {
            let (present, fits) = if *key == ACCEPT_NUMBER {
                (snap.accept_number.is_some(), ast::is_string(&f.ty))
            } else {
                (snap.accept_string.is_some(), ast::is_integer(&f.ty))
            };
            // A key on the wrong type is the derive's error; no serde noise.
            if present && fits {
                let helper = format!("{rt_string}::wire::{}", if option { opt } else { plain });
                keys.push(quote!(deserialize_with = #helper));
            }
        }
    }
    if !keys.is_empty() {
        f.attrs.push(parse_quote!(#[serde(#(#keys),*)]));
    }
}
