//! On error: stub impls next to the `compile_error!`s, so that code using the
//! type (calling `validate()`, `prepare::<T>`) does not drown the real error
//! in "trait not implemented" noise.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::Kind;

/// The stand-in impls, naming the runtime `rt` (`<crate>::__private_vX_Y_Z`).
pub fn emit(kind: Kind, input: &DeriveInput, rt: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let endpoint = match kind {
        Kind::Request => quote! {
            #[automatically_derived]
            impl #impl_g #rt::Endpoint for #ident #ty_g #where_c {
                const META: #rt::EndpointMeta = #rt::EndpointMeta::FALLBACK;
                type Response = #rt::FallbackResponse;
                type Codes = #rt::Snap7;
                type Signature = #rt::Unsigned;
            }
        },
        Kind::Model => TokenStream::new(),
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl #impl_g #rt::Validate for #ident #ty_g #where_c {
                fn validate_at(
                    &self,
                    _path: &#rt::Path<'_>,
                    _report: &mut #rt::Report,
                ) {
                }
            }
            #[automatically_derived]
            impl #impl_g #rt::Fields for #ident #ty_g #where_c {
                const FIELDS: &'static [#rt::FieldMeta] = &[];
            }
            #endpoint
        };
    }
}
