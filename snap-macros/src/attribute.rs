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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(form: Form, args: &str, item: &str) -> String {
        let args: TokenStream = syn::parse_str(args).expect("args parse");
        let item: TokenStream = syn::parse_str(item).expect("item parses");
        let out = expand(form, args, item).to_string();
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn rt() -> String {
        format!(":: snap_core :: {}", private_ident())
    }

    #[test]
    fn request_gets_derives_serde_and_its_keys() {
        let got = run(
            Form::Request,
            r#"service = 24, method = "POST", response = Foo<A, B>, path = "/x""#,
            r#"pub struct R { #[snap(max = 4)] pub a: Option<String>, pub b: String }"#,
        );
        let rt = rt();
        assert!(
            got.contains(&format!(
                "# [derive (:: core :: fmt :: Debug , :: core :: clone :: Clone , :: core :: cmp :: PartialEq , {rt} :: serde :: Serialize , {rt} :: serde :: Deserialize , {rt} :: SnapRequest)]"
            )),
            "{got}"
        );
        let serde_crate = format!("{}::serde", rt.replace(' ', ""));
        assert!(
            got.contains(&format!("# [serde (crate = \"{serde_crate}\")]")),
            "{got}"
        );
        assert!(
            got.contains("# [serde (rename_all = \"camelCase\")]"),
            "{got}"
        );
        // The keys pass through whole, generics and all.
        assert!(
            got.contains(r#"# [snap (service = 24 , method = "POST" , response = Foo < A , B >, path = "/x")]"#),
            "{got}"
        );
        assert!(
            got.contains(r#"# [snap (max = 4)] # [serde (default , skip_serializing_if = "::core::option::Option::is_none")] pub a"#),
            "{got}"
        );
        assert!(got.contains("pub b : String"), "{got}");
        assert!(!got.contains("compile_error"), "{got}");
    }

    #[test]
    fn user_derives_and_serde_keys_are_not_repeated() {
        let got = run(
            Form::Model,
            "",
            r#"#[derive(Debug, serde::Serialize)] #[serde(rename_all = "snake_case")]
               struct M {
                   #[serde(default)] a: Option<u8>,
                   #[serde(skip_serializing_if = "x")] b: Option<u8>,
                   #[snap(accept_string)] #[serde(deserialize_with = "mine")] c: Option<u8>,
                   #[snap(accept_string)] d: Option<u8>,
                   #[snap(accept_number)] e: String,
                   #[snap(accept_number)] f: u32,
               }"#,
        );
        assert_eq!(got.matches("fmt :: Debug").count(), 0, "{got}");
        assert_eq!(got.matches("Serialize").count(), 1, "{got}");
        assert!(got.contains(":: serde :: Deserialize"), "{got}");
        assert!(!got.contains("camelCase"), "{got}");
        let head = &got[..got.find("struct M").expect("the struct")];
        assert!(
            !head.contains("# [snap ("),
            "a model without keys gets no #[snap]: {got}"
        );
        assert!(
            got.contains(r#"# [serde (default)] # [serde (skip_serializing_if = "::core::option::Option::is_none")] a"#),
            "{got}"
        );
        assert!(got.contains(r#"# [serde (default)] b"#), "{got}");
        assert!(!got.contains("accept_string_opt\")] c"), "{got}");
        let wire = format!("{}::wire", rt().replace(' ', ""));
        assert!(
            got.contains(&format!(
                r#"deserialize_with = "{wire}::accept_string_opt")] d"#
            )),
            "{got}"
        );
        assert!(
            got.contains(&format!(
                r#"# [serde (deserialize_with = "{wire}::accept_number")] e"#
            )),
            "{got}"
        );
        // On the wrong type: no serde attribute, the derive reports the key.
        assert!(got.contains("# [snap (accept_number)] f"), "{got}");
    }

    #[test]
    fn path_and_query_fields_stay_out_of_the_body() {
        let got = run(
            Form::Request,
            r#"method = "GET", path = "/x/{id}", response = R, service = 3"#,
            r#"struct G { #[snap(path_param)] id: String, #[snap(query)] q: Option<String> }"#,
        );
        assert!(
            got.contains("# [serde (skip_serializing , default)] id"),
            "{got}"
        );
        assert!(
            got.contains("# [serde (skip_serializing , default)] q"),
            "{got}"
        );
        assert!(!got.contains("skip_serializing_if"), "{got}");
    }

    #[test]
    fn response_inserts_the_code_members_first() {
        let got = run(Form::Response, "", "pub struct A { pub x: u8 }");
        let code = got
            .find("pub response_code : :: std :: string :: String")
            .expect(&got);
        let message = got.find("pub response_message").expect(&got);
        let x = got.find("pub x").expect(&got);
        assert!(code < message && message < x, "{got}");
        assert!(got.contains("# [snap (len = 7 , digits)]"), "{got}");
        assert!(
            got.contains("# [serde (rename = \"responseCode\")]"),
            "{got}"
        );

        let got = run(Form::Response, "optional_code", "pub struct T;");
        assert!(
            got.contains(
                "pub response_code : :: core :: option :: Option < :: std :: string :: String >"
            ),
            "{got}"
        );
        assert!(got.contains("skip_serializing_if"), "{got}");
        assert!(!got.contains("compile_error"), "{got}");
    }

    #[test]
    fn crate_names_serde_and_the_derives() {
        let got = run(
            Form::Model,
            r#"crate = "::snapcore""#,
            "struct M { a: String }",
        );
        let private = private_ident();
        assert!(!got.contains("snap_core"), "{got}");
        assert!(
            got.contains(&format!(":: snapcore :: {private} :: SnapModel")),
            "{got}"
        );
        assert!(
            got.contains(&format!("crate = \"::snapcore::{private}::serde\"")),
            "{got}"
        );
        assert!(got.contains(r#"# [snap (crate = "::snapcore")]"#), "{got}");
    }

    #[test]
    fn shapes_and_misplaced_keys_are_errors() {
        let got = run(Form::Model, "", "enum E { A }");
        assert!(got.contains("compile_error"), "{got}");
        assert!(got.contains("enum E { A }"), "the item stays: {got}");
        let got = run(Form::Request, "optional_code", "struct R { a: String }");
        assert!(
            got.contains("belongs to #[snap::response(optional_code)]"),
            "{got}"
        );
        let got = run(Form::Response, "", "struct R { response_message: String }");
        assert!(got.contains("declares `response_message` itself"), "{got}");
    }
}
