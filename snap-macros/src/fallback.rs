//! On error: stub impls next to the `compile_error!`s, so that code using the
//! type (calling `validate()`, `prepare::<T>`) does not drown the real error
//! in "trait not implemented" noise.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::Kind;

pub fn emit(kind: Kind, input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let (impl_g, ty_g, where_c) = input.generics.split_for_impl();
    let endpoint = match kind {
        Kind::Request => quote! {
            #[automatically_derived]
            impl #impl_g ::snap_core::__private::Endpoint for #ident #ty_g #where_c {
                const META: ::snap_core::__private::EndpointMeta =
                    ::snap_core::__private::EndpointMeta::FALLBACK;
                type Response = ::snap_core::__private::FallbackResponse;
                type Codes = ::snap_core::__private::Snap7;
                type Signature = ::snap_core::__private::Unsigned;
            }
        },
        Kind::Model => TokenStream::new(),
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl #impl_g ::snap_core::__private::Validate for #ident #ty_g #where_c {
                fn validate_at(
                    &self,
                    _path: &::snap_core::__private::Path<'_>,
                    _report: &mut ::snap_core::__private::Report,
                ) {
                }
            }
            #[automatically_derived]
            impl #impl_g ::snap_core::__private::Fields for #ident #ty_g #where_c {
                const FIELDS: &'static [::snap_core::__private::FieldMeta] = &[];
            }
            #endpoint
        };
    }
}
