//! `quote!` only: turns a checked `Input` into the impls. No decisions here
//! beyond choosing which runtime function a rule maps to; the rules themselves
//! live in `snap_core::rules`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::{Errors, Input, Kind};
use crate::attr::Signature;
use crate::{check, fallback};

/// The private module of the runtime this macro crate was built for:
/// `__private_v` + this crate's version, `.` / `-` / `+` as `_`. snap-core of
/// the same version has it; another version fails to compile naming it.
pub fn private_ident() -> syn::Ident {
    let version = env!("CARGO_PKG_VERSION").replace(['.', '-', '+'], "_");
    format_ident!("__private_v{}", version)
}

/// The path generated code names snap-core by: `crate = ".."`, else `::snap_core`.
pub fn crate_tokens(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(p) => quote!(#p),
        None => quote!(::snap_core),
    }
}

/// The runtime: `<crate>::__private_vX_Y_Z`.
pub fn runtime(krate: Option<&syn::Path>) -> TokenStream {
    let krate = crate_tokens(krate);
    let private = private_ident();
    quote!(#krate::#private)
}

/// `tokens` with every token (inside groups too) at `span`.
fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

impl Input<'_> {
    /// The runtime, named absolutely.
    fn rt(&self) -> TokenStream {
        runtime(self.container.krate.as_ref())
    }

    /// The runtime path with every token at `span` (errors land on user tokens).
    fn rt_at(&self, span: proc_macro2::Span) -> TokenStream {
        respan(self.rt(), span)
    }
}

/// Entry for both derives: parse, check, emit; on any error, the errors plus
/// a fallback impl.
pub fn derive(kind: Kind, input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = Input::from_syn(kind, input, &mut errors);
    if let Some(parsed) = &parsed {
        check::check(parsed, &mut errors);
    }
    match parsed {
        Some(parsed) if errors.is_empty() => emit(&parsed),
        _ => {
            let mut out = errors.to_compile_errors();
            let rt = runtime(crate::attr::crate_path(&input.attrs).as_ref());
            out.extend(fallback::emit(kind, input, &rt));
            out
        }
    }
}

fn emit(input: &Input) -> TokenStream {
    let validate = validate_impl(input);
    let endpoint = match input.kind {
        Kind::Request => endpoint_impl(input),
        Kind::Model => TokenStream::new(),
    };
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications)]
        const _: () = {
            #validate
            #endpoint
        };
    }
}

/// Generics with `T: Validate` added for every type parameter.
fn validate_generics(generics: &syn::Generics, rt: &TokenStream) -> syn::Generics {
    let mut g = generics.clone();
    for param in g.type_params_mut() {
        param.bounds.push(syn::parse_quote!(#rt::Validate));
    }
    g
}

fn validate_impl(input: &Input) -> TokenStream {
    let rt = input.rt();
    let ident = input.ident;
    let generics = validate_generics(input.generics, &rt);
    let (impl_g, ty_g, where_c) = generics.split_for_impl();

    let mut body = Vec::new();
    for f in input.fields.iter().filter(|f| !f.skipped) {
        let member = f.ident;
        let wire = &f.wire;
        let a = &f.attrs;
        let mut rules = Vec::new();
        // Each rule call carries the rule key's span (tokens and field
        // access alike), so a rule on a non-string field is reported at the
        // rule's name.
        let at = |span: proc_macro2::Span| {
            let rt = input.rt_at(span);
            let mut member = member.clone();
            member.set_span(span);
            (rt, member)
        };
        if let Some(max) = &a.max {
            let n = max.value;
            let (rt, m) = at(max.span);
            rules.push(
                quote_spanned!(max.span=> #rt::rules::max(&self.#m, #n, &__snap_path, __report);),
            );
        }
        if let Some(len) = &a.len {
            let n = len.value;
            let (rt, m) = at(len.span);
            rules.push(
                quote_spanned!(len.span=> #rt::rules::len(&self.#m, #n, &__snap_path, __report);),
            );
        }
        if let Some(span) = a.digits {
            let (rt, m) = at(span);
            rules
                .push(quote_spanned!(span=> #rt::rules::digits(&self.#m, &__snap_path, __report);));
        }
        // One call per field needs `Validate`, spanned at the field's type: a
        // type without it gives one error, at the type.
        let ty_span = f.ty.span();
        let rt_ty = input.rt_at(ty_span);
        let mut member_ty = member.clone();
        member_ty.set_span(ty_span);
        let conditional = a.required_if.as_ref().map(|rif| {
            let span = rif.field.span();
            let target = rif.field.value();
            let found = input.fields.iter().find(|o| o.ident.unraw() == target.as_str());
            let mut other = found
                .map(|o| o.ident.clone())
                .unwrap_or_else(|| format_ident!("{}", target));
            other.set_span(span);
            let other_wire = found.map(|o| o.wire.clone()).unwrap_or_default();
            let value = &rif.value;
            let rt = input.rt_at(span);
            quote_spanned!(span=>
                #rt::rules::required_if(&self.#member, &__snap_path, &self.#other, #other_wire, #value, __report);
            )
        });
        let checks = if f.is_option {
            let nested = quote_spanned!(ty_span=> #rt_ty::Validate::validate_at(&self.#member_ty, &__snap_path, __report););
            quote! { #conditional #(#rules)* #nested }
        } else {
            quote_spanned! {ty_span=>
                if #rt_ty::rules::mandatory(&self.#member_ty, &__snap_path, __report) {
                    #(#rules)*
                }
            }
        };
        body.push(quote! {
            {
                let __snap_path = __path.field(#wire);
                #checks
            }
        });
    }

    // one_of groups, in first-appearance order.
    let mut groups: Vec<(String, Vec<&crate::ast::Field>)> = Vec::new();
    for f in input.fields.iter().filter(|f| !f.skipped) {
        if let Some(g) = &f.attrs.one_of {
            match groups.iter_mut().find(|(n, _)| *n == g.value()) {
                Some((_, members)) => members.push(f),
                None => groups.push((g.value(), vec![f])),
            }
        }
    }
    for (name, members) in &groups {
        let entries = members.iter().map(|f| {
            let member = f.ident;
            let wire = &f.wire;
            match (&f.attrs.via, f.option_inner) {
                (Some(via), Some(inner)) => {
                    // The member is a field of the nested type: its wire
                    // name is looked up in the nested type's FIELDS at
                    // compile time (a missing field fails to compile).
                    let span = via.span();
                    let rt = input.rt_at(span);
                    let via_ident = syn::Ident::new(&via.value(), span);
                    quote_spanned! {span=>
                        (#wire, ::core::option::Option::Some({
                            const __SNAP_WIRE: &str =
                                #rt::field_wire(<#inner as #rt::Fields>::FIELDS, #via);
                            __SNAP_WIRE
                        }), #rt::rules::is_present(
                            &self.#member.as_ref().map(|__snap_v| &__snap_v.#via_ident)
                        ))
                    }
                }
                _ => quote!((#wire, ::core::option::Option::None, #rt::rules::is_present(&self.#member))),
            }
        });
        body.push(quote! {
            #rt::rules::one_of(#name, &[#(#entries),*], __path, __report);
        });
    }

    let fields = fields_impl(input);
    let schema = schema_fn(input);
    quote! {
        #[automatically_derived]
        impl #impl_g #rt::Validate for #ident #ty_g #where_c {
            fn validate_at(&self, __path: &#rt::Path<'_>, __report: &mut #rt::Report) {
                #(#body)*
            }
            #schema
        }
        #fields
    }
}

/// `Validate::schema`: a definition named after the type, built at run time
/// by `schema::object` from `FIELDS` and each field type's own schema
/// (`#[serde(skip)]` fields are not on the wire; `#[snap(skip)]` ones are,
/// with no rules).
fn schema_fn(input: &Input) -> TokenStream {
    let rt = input.rt();
    let name = if input.generics.params.is_empty() {
        let ident = input.ident.unraw().to_string();
        quote!(::core::concat!(::core::module_path!(), "::", #ident))
    } else {
        quote!(::core::any::type_name::<Self>())
    };
    let fns = input.fields.iter().map(|f| {
        if f.serde.skip {
            quote!(::core::option::Option::None)
        } else if f.skipped {
            quote!(::core::option::Option::Some(#rt::schema::any as #rt::SchemaFn))
        } else {
            let ty = f.ty;
            quote!(::core::option::Option::Some(
                (&#rt::schema::Probe::<#ty>::new()).schema_fn()
            ))
        }
    });
    quote! {
        fn schema(__gen: &mut #rt::SchemaGen) -> #rt::JsonValue {
            #[allow(unused_imports)]
            use #rt::schema::{ViaAny as _, ViaValidate as _};
            __gen.named(#name, |__gen| {
                #rt::schema::object(__gen, <Self as #rt::Fields>::FIELDS, &[#(#fns),*])
            })
        }
    }
}

/// `Fields::FIELDS`: the declaration as data (wire names and rules).
fn fields_impl(input: &Input) -> TokenStream {
    let rt = input.rt();
    let ident = input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let opt = |v: Option<TokenStream>| match v {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    };
    let metas = input.fields.iter().map(|f| {
        let name = f.ident.unraw().to_string();
        let wire = &f.wire;
        let mandatory = !f.is_option && !f.skipped;
        let max = opt(f.attrs.max.as_ref().map(|m| {
            let n = m.value;
            quote!(#n)
        }));
        let len = opt(f.attrs.len.as_ref().map(|m| {
            let n = m.value;
            quote!(#n)
        }));
        let digits = f.attrs.digits.is_some();
        let one_of = opt(f.attrs.one_of.as_ref().map(|g| quote!(#g)));
        let required_if = opt(f.attrs.required_if.as_ref().map(|r| {
            let target = r.field.value();
            let other_wire = input
                .fields
                .iter()
                .find(|o| o.ident.unraw() == target.as_str())
                .map(|o| o.wire.clone())
                .unwrap_or_default();
            let value = &r.value;
            quote!((#other_wire, #value))
        }));
        let skipped = f.skipped;
        let accept_number = f.attrs.accept_number.is_some();
        let accept_string = f.attrs.accept_string.is_some();
        let integer = f.integer;
        let path_param = f.attrs.path_param.is_some();
        let query = f.attrs.query.is_some();
        quote! {
            #rt::FieldMeta {
                name: #name,
                wire: #wire,
                mandatory: #mandatory,
                max: #max,
                len: #len,
                digits: #digits,
                one_of: #one_of,
                required_if: #required_if,
                skipped: #skipped,
                accept_number: #accept_number,
                accept_string: #accept_string,
                integer: #integer,
                path_param: #path_param,
                query: #query,
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_g #rt::Fields for #ident #ty_g #where_c {
            const FIELDS: &'static [#rt::FieldMeta] = &[#(#metas),*];
        }
    }
}

fn endpoint_impl(input: &Input) -> TokenStream {
    let rt = input.rt();
    let ident = input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let c = &input.container;
    let name = input.display_name();
    let provider = c
        .provider
        .as_ref()
        .map(|p| p.value.clone())
        .unwrap_or_else(|| "BI".to_owned());
    let service = match &c.service {
        Some(s) => {
            let n = s.value;
            quote_spanned!(s.span=> ::core::option::Option::Some(#rt::ServiceCode::new_const(#n)))
        }
        None => quote!(::core::option::Option::None),
    };
    let method = c
        .method
        .as_ref()
        .map(|m| {
            let v = format_ident!("{}", method_variant(&m.value), span = m.span);
            quote!(#rt::Method::#v)
        })
        .unwrap_or_else(|| quote!(#rt::Method::Post));
    let path = c.path.as_ref().map(|p| p.value.clone()).unwrap_or_default();
    let signature = match &c.signature {
        Some(Signature::Type(ty)) => quote_spanned!(ty.span()=> #ty),
        Some(Signature::Builtin(b)) => {
            let ty = format_ident!("{}", b.value, span = b.span);
            quote!(#rt::#ty)
        }
        None => quote!(#rt::Symmetric),
    };
    let customer_token = c.customer_token.is_some();
    let device_id = customer_token && c.device_id.as_ref().is_none_or(|d| d.value);
    let codes = match &c.code_scheme {
        Some(p) => quote_spanned!(p.span()=> #p),
        None => quote!(#rt::Snap7),
    };
    let response = match &c.response {
        Some(ty) => quote_spanned!(ty.span()=> #ty),
        None => quote!(#rt::FallbackResponse),
    };
    let direction = {
        let (variant, span) = c
            .direction
            .as_ref()
            .map(|d| (d.value, d.span))
            .unwrap_or(("Outbound", proc_macro2::Span::call_site()));
        let v = format_ident!("{}", variant, span = span);
        quote!(#rt::Direction::#v)
    };
    let target = target_fns(input);
    quote! {
        #[automatically_derived]
        impl #impl_g #rt::Endpoint for #ident #ty_g #where_c {
            const META: #rt::EndpointMeta = #rt::EndpointMeta {
                name: #name,
                provider: #provider,
                service: #service,
                method: #method,
                path: #path,
                signature: #rt::SchemeRef::of::<#signature>(),
                customer_token: #customer_token,
                device_id: #device_id,
                code_scheme: <#codes as #rt::CodeScheme>::INFO,
                direction: #direction,
            };
            type Response = #response;
            type Codes = #codes;
            type Signature = #signature;
            #target
        }
    }
}

/// `Endpoint::target` and `Endpoint::from_target` for a declaration with
/// `path_param` / `query` fields (the trait's defaults otherwise).
fn target_fns(input: &Input) -> TokenStream {
    let params: Vec<_> = input
        .fields
        .iter()
        .filter(|f| f.attrs.path_param.is_some() || f.attrs.query.is_some())
        .collect();
    if params.is_empty() {
        return TokenStream::new();
    }
    let rt = input.rt();
    let path = input
        .container
        .path
        .as_ref()
        .map(|p| p.value.clone())
        .unwrap_or_default();
    // The path as literal pieces and parameter pushes, in order.
    let mut steps = Vec::new();
    let mut literal = String::new();
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            literal.push('/');
        }
        let param = seg
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .and_then(|name| {
                params
                    .iter()
                    .find(|f| f.attrs.path_param.is_some() && f.wire == name)
            });
        match param {
            Some(f) => {
                if !literal.is_empty() {
                    steps.push(quote!(__out.push_str(#literal);));
                    literal.clear();
                }
                let span = f
                    .attrs
                    .path_param
                    .unwrap_or_else(proc_macro2::Span::call_site);
                let rt = input.rt_at(span);
                let mut member = f.ident.clone();
                member.set_span(span);
                steps.push(
                    quote_spanned!(span=> #rt::wire::push_path_param(&mut __out, &self.#member);),
                );
            }
            None => literal.push_str(seg),
        }
    }
    if !literal.is_empty() {
        steps.push(quote!(__out.push_str(#literal);));
    }
    let pairs: Vec<_> = params
        .iter()
        .filter_map(|f| {
            let span = f.attrs.query?;
            let rt = input.rt_at(span);
            let mut member = f.ident.clone();
            member.set_span(span);
            let wire = &f.wire;
            Some(quote_spanned!(span=> #rt::wire::Query::pair(&mut __query, #wire, &self.#member);))
        })
        .collect();
    let query = if pairs.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            let mut __query = #rt::wire::Query::new(&mut __out);
            #(#pairs)*
        }
    };
    let capacity = path.len() + 16 * params.len();
    quote! {
        fn target(&self) -> #rt::Cow<'static, str> {
            let mut __out = #rt::String::with_capacity(#capacity);
            #(#steps)*
            #query
            #rt::Cow::Owned(__out)
        }

        fn from_target(
            __body: &mut #rt::JsonValue,
            __path: &str,
            __query: &str,
        ) -> ::core::result::Result<(), #rt::Violations> {
            #rt::wire::fill_target(
                <Self as #rt::Endpoint>::META.path,
                <Self as #rt::Fields>::FIELDS,
                __body,
                __path,
                __query,
            )
        }
    }
}

fn method_variant(m: &str) -> &'static str {
    match m {
        "GET" => "Get",
        "PUT" => "Put",
        "DELETE" => "Delete",
        "PATCH" => "Patch",
        _ => "Post",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(src: &str, kind: Kind) -> String {
        let input: DeriveInput = syn::parse_str(src).expect("test input parses");
        derive(kind, &input).to_string()
    }

    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `RT` in a golden text: the default runtime path.
    fn golden(s: &str) -> String {
        squash(s).replace("RT", &format!(":: snap_core :: {}", private_ident()))
    }

    #[test]
    fn private_module_is_named_after_this_crate_version() {
        let want = format!(
            "__private_v{}",
            env!("CARGO_PKG_VERSION").replace(['.', '-', '+'], "_")
        );
        assert_eq!(private_ident().to_string(), want);
        assert!(!want.contains('.'));
    }

    #[test]
    fn golden_request_expansion() {
        let got = expand(
            r#"
            #[snap(service = 67, method = "POST", path = "/v1.0/auth/void", response = R, customer_token)]
            #[serde(rename_all = "camelCase")]
            struct AuthVoidRequest {
                #[snap(max = 64)] merchant_id: String,
                #[snap(max = 64, one_of = "orig")] original_reference_no: Option<String>,
                #[snap(one_of = "orig")] #[serde(rename = "origExtId")] original_external_id: Option<String>,
            }"#,
            Kind::Request,
        );
        let want = golden(
            r#"
            # [doc (hidden)] # [allow (non_upper_case_globals , unused_qualifications)] const _ : () = {
            # [automatically_derived] impl RT :: Validate for AuthVoidRequest {
              fn validate_at (& self , __path : & RT :: Path < '_ > , __report : & mut RT :: Report) {
                { let __snap_path = __path . field ("merchantId") ;
                  if RT :: rules :: mandatory (& self . merchant_id , & __snap_path , __report) {
                    RT :: rules :: max (& self . merchant_id , 64usize , & __snap_path , __report) ; } }
                { let __snap_path = __path . field ("originalReferenceNo") ;
                  RT :: rules :: max (& self . original_reference_no , 64usize , & __snap_path , __report) ;
                  RT :: Validate :: validate_at (& self . original_reference_no , & __snap_path , __report) ; }
                { let __snap_path = __path . field ("origExtId") ;
                  RT :: Validate :: validate_at (& self . original_external_id , & __snap_path , __report) ; }
                RT :: rules :: one_of ("orig" , & [("originalReferenceNo" , :: core :: option :: Option :: None , RT :: rules :: is_present (& self . original_reference_no)) , ("origExtId" , :: core :: option :: Option :: None , RT :: rules :: is_present (& self . original_external_id))] , __path , __report) ;
              }
              fn schema (__gen : & mut RT :: SchemaGen) -> RT :: JsonValue {
                # [allow (unused_imports)] use RT :: schema :: { ViaAny as _ , ViaValidate as _ } ;
                __gen . named (:: core :: concat ! (:: core :: module_path ! () , "::" , "AuthVoidRequest") , | __gen | {
                  RT :: schema :: object (__gen , < Self as RT :: Fields > :: FIELDS , & [:: core :: option :: Option :: Some ((& RT :: schema :: Probe :: < String > :: new ()) . schema_fn ()) ,
                    :: core :: option :: Option :: Some ((& RT :: schema :: Probe :: < Option < String > > :: new ()) . schema_fn ()) ,
                    :: core :: option :: Option :: Some ((& RT :: schema :: Probe :: < Option < String > > :: new ()) . schema_fn ())]) }) } }
            # [automatically_derived] impl RT :: Fields for AuthVoidRequest {
              const FIELDS : & 'static [RT :: FieldMeta] = & [RT :: FieldMeta { name : "merchant_id" , wire : "merchantId" , mandatory : true , max : :: core :: option :: Option :: Some (64usize) , len : :: core :: option :: Option :: None , digits : false , one_of : :: core :: option :: Option :: None , required_if : :: core :: option :: Option :: None , skipped : false , accept_number : false , accept_string : false , integer : false , path_param : false , query : false , } ,
                RT :: FieldMeta { name : "original_reference_no" , wire : "originalReferenceNo" , mandatory : false , max : :: core :: option :: Option :: Some (64usize) , len : :: core :: option :: Option :: None , digits : false , one_of : :: core :: option :: Option :: Some ("orig") , required_if : :: core :: option :: Option :: None , skipped : false , accept_number : false , accept_string : false , integer : false , path_param : false , query : false , } ,
                RT :: FieldMeta { name : "original_external_id" , wire : "origExtId" , mandatory : false , max : :: core :: option :: Option :: None , len : :: core :: option :: Option :: None , digits : false , one_of : :: core :: option :: Option :: Some ("orig") , required_if : :: core :: option :: Option :: None , skipped : false , accept_number : false , accept_string : false , integer : false , path_param : false , query : false , }] ; }
            # [automatically_derived] impl RT :: Endpoint for AuthVoidRequest {
              const META : RT :: EndpointMeta = RT :: EndpointMeta {
                name : "Auth Void" , provider : "BI" ,
                service : :: core :: option :: Option :: Some (RT :: ServiceCode :: new_const (67u8)) ,
                method : RT :: Method :: Post , path : "/v1.0/auth/void" ,
                signature : RT :: SchemeRef :: of :: < RT :: Symmetric > () , customer_token : true ,
                device_id : true ,
                code_scheme : < RT :: Snap7 as RT :: CodeScheme > :: INFO ,
                direction : RT :: Direction :: Outbound , } ;
              type Response = R ; type Codes = RT :: Snap7 ;
              type Signature = RT :: Symmetric ; } } ;"#,
        );
        assert_eq!(squash(&got), want);
    }

    #[test]
    fn crate_key_names_the_runtime_everywhere() {
        let got = expand(
            r#"
            #[snap(crate = "::snapcore", service = 67, method = "POST", path = "/v1.0/auth/void", response = R)]
            struct X { #[snap(max = 4)] a: u32 }"#,
            Kind::Request,
        );
        let private = private_ident().to_string();
        assert!(!got.contains("snap_core"), "{got}");
        let uses = got.matches(&format!(":: snapcore :: {private}")).count();
        assert!(uses > 10, "{got}");
        assert!(got.contains("integer : true"), "{got}");
        // The fallback names it too.
        let got = expand(
            r#"#[snap(crate = "::snapcore", method = "FETCH")] struct Y { a: String }"#,
            Kind::Request,
        );
        assert!(got.contains("compile_error"), "{got}");
        assert!(!got.contains("snap_core"), "{got}");
        assert!(
            got.contains(&format!(":: snapcore :: {private} :: Endpoint")),
            "{got}"
        );
    }

    #[test]
    fn path_and_query_parameters_build_the_target() {
        let got = expand(
            r#"
            #[snap(service = 3, method = "GET", path = "/v1.0/x/{custId}/y", response = R)]
            #[serde(rename_all = "camelCase")]
            struct X {
                #[snap(path_param)] #[serde(skip_serializing, default)] cust_id: String,
                #[snap(query)] #[serde(skip_serializing, default)] lang: Option<String>,
            }"#,
            Kind::Request,
        );
        let want = golden(
            r#"fn target (& self) -> RT :: Cow < 'static , str > {
                let mut __out = RT :: String :: with_capacity (50usize) ;
                __out . push_str ("/v1.0/x/") ;
                RT :: wire :: push_path_param (& mut __out , & self . cust_id) ;
                __out . push_str ("/y") ;
                let mut __query = RT :: wire :: Query :: new (& mut __out) ;
                RT :: wire :: Query :: pair (& mut __query , "lang" , & self . lang) ;
                RT :: Cow :: Owned (__out) }"#,
        );
        assert!(squash(&got).contains(&want), "{got}");
        assert!(
            squash(&got).contains(&golden(
                "RT :: wire :: fill_target (< Self as RT :: Endpoint > :: META . path , < Self as RT :: Fields > :: FIELDS , __body , __path , __query ,)"
            )),
            "{got}"
        );
        assert!(got.contains("path_param : true"), "{got}");
    }

    #[test]
    fn errors_are_collected_and_a_fallback_is_emitted() {
        let got = expand(
            r#"
            #[snap(service = 100, method = "FETCH", path = "v1/x", response = R)]
            struct X { #[snap(max = 0)] a: String }"#,
            Kind::Request,
        );
        assert_eq!(got.matches("compile_error").count(), 4, "{got}");
        assert!(
            squash(&got).contains(&golden("impl RT :: Endpoint for X")),
            "{got}"
        );
        assert!(got.contains("FALLBACK"), "{got}");
    }

    #[test]
    fn model_rejects_endpoint_keys() {
        let got = expand(
            r#"#[snap(service = 1)] struct M { a: String }"#,
            Kind::Model,
        );
        assert!(got.contains("only a request"), "{got}");
        let got = expand(
            r#"#[snap(crate = "::x")] struct M { a: String }"#,
            Kind::Model,
        );
        assert!(!got.contains("compile_error"), "{got}");
    }
}
