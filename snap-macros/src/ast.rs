//! The endpoint model: a borrowed view of the derive input with its attributes
//! parsed. Building it collects every error instead of stopping at the first.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs, SerdeField};

/// Collected errors (serde's `Ctxt`): a struct with three bad fields gives
/// three errors in one build.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        self.0.push(e);
    }

    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, msg));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All errors as `compile_error!` invocations.
    pub fn to_compile_errors(&self) -> TokenStream {
        self.0.iter().map(syn::Error::to_compile_error).collect()
    }
}

/// Which derive is running.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Request,
    Model,
}

impl Kind {
    pub fn derive_name(self) -> &'static str {
        match self {
            Kind::Request => "SnapRequest",
            Kind::Model => "SnapModel",
        }
    }
}

/// One named field.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// The name on the wire (serde's rename / rename_all applied).
    pub wire: String,
    pub attrs: FieldAttrs,
    /// Syntactically `Option<..>`: optional; anything else is mandatory.
    pub is_option: bool,
    /// `T` of an `Option<T>` field.
    pub option_inner: Option<&'a Type>,
    /// Not validated (`#[snap(skip)]` or `#[serde(skip)]`).
    pub skipped: bool,
    /// The type (or the `Option`'s `T`) is an integer, spelled as one.
    pub integer: bool,
    /// The type (or the `Option`'s `T`) is spelled `String`.
    pub string: bool,
    /// What the field's `#[serde(...)]` says.
    pub serde: SerdeField,
}

/// The derive input, parsed.
pub struct Input<'a> {
    pub kind: Kind,
    pub ident: &'a Ident,
    pub generics: &'a syn::Generics,
    pub container: ContainerAttrs,
    pub fields: Vec<Field<'a>>,
}

/// `Option<T>` written as `Option`, `std::option::Option` or `core::option::Option`.
pub fn is_option(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    if p.qself.is_some() {
        return false;
    }
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    last.ident == "Option"
        && matches!(&last.arguments, syn::PathArguments::AngleBracketed(a) if a.args.len() == 1)
}

/// The last segment's name of a plain type path without generic arguments
/// (`u32`, `std::string::String`), if it is one.
fn plain_name(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    last.arguments.is_none().then(|| last.ident.to_string())
}

/// The type, or the `T` of an `Option<T>`.
fn value_type(ty: &Type) -> &Type {
    option_inner(ty).unwrap_or(ty)
}

/// `u8`..`u64`, `i8`..`i64`, `usize`, `isize`, or an `Option` of one.
pub fn is_integer(ty: &Type) -> bool {
    plain_name(value_type(ty)).is_some_and(|n| attr::INTEGERS.contains(&n.as_str()))
}

/// `String` or `Option<String>`.
pub fn is_string(ty: &Type) -> bool {
    plain_name(value_type(ty)).is_some_and(|n| n == "String")
}

/// `T` of `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    if !is_option(ty) {
        return None;
    }
    let Type::Path(p) = ty else { return None };
    match &p.path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

impl<'a> Input<'a> {
    /// Parses the input. Returns the model even when errors were found, so
    /// that the checks can add theirs; the caller looks at `errors`.
    pub fn from_syn(kind: Kind, input: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        let container = attr::container(&input.attrs, errors);
        let rename_all = attr::serde_container(&input.attrs, errors);
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(f) => {
                    errors.at(
                        f.span(),
                        format!(
                            "{} needs a struct with named fields: a tuple struct has no wire names",
                            kind.derive_name()
                        ),
                    );
                    return None;
                }
                Fields::Unit => {
                    if kind == Kind::Model {
                        errors.at(
                            input.ident.span(),
                            "SnapModel needs a struct with named fields; a unit struct has nothing to validate",
                        );
                        return None;
                    }
                    // A request without a body (GET) may be a unit struct.
                    return Some(Input {
                        kind,
                        ident: &input.ident,
                        generics: &input.generics,
                        container,
                        fields: Vec::new(),
                    });
                }
            },
            Data::Enum(e) => {
                errors.at(
                    e.enum_token.span(),
                    format!(
                        "{} supports structs only: declare the request or response as a struct with named fields",
                        kind.derive_name()
                    ),
                );
                return None;
            }
            Data::Union(u) => {
                errors.at(
                    u.union_token.span(),
                    format!("{} supports structs only", kind.derive_name()),
                );
                return None;
            }
        };
        let mut fields = Vec::with_capacity(named.named.len());
        for f in &named.named {
            let Some(ident) = f.ident.as_ref() else {
                continue;
            };
            let attrs = attr::field(&f.attrs, errors);
            let serde = attr::serde_field(&f.attrs, errors);
            let rust_name = ident.unraw().to_string();
            let wire = match (&serde.rename, rename_all) {
                (Some(name), _) => name.clone(),
                (None, Some(rule)) => rule.apply_to_field(&rust_name),
                (None, None) => rust_name,
            };
            fields.push(Field {
                ident,
                ty: &f.ty,
                wire,
                is_option: is_option(&f.ty),
                option_inner: option_inner(&f.ty),
                skipped: attrs.skip.is_some() || serde.skip,
                integer: is_integer(&f.ty),
                string: is_string(&f.ty),
                serde,
                attrs,
            });
        }
        Some(Input {
            kind,
            ident: &input.ident,
            generics: &input.generics,
            container,
            fields,
        })
    }

    /// The human name: `name = "..."`, else the struct name without a
    /// `Request` suffix, split into words (`AuthVoidRequest` -> "Auth Void").
    pub fn display_name(&self) -> String {
        if let Some(n) = &self.container.name {
            return n.value.clone();
        }
        let ident = self.ident.unraw().to_string();
        let base = ident
            .strip_suffix("Request")
            .filter(|b| !b.is_empty())
            .unwrap_or(&ident);
        split_words(base)
    }
}

/// `AuthVoid` -> "Auth Void", `QrMPMCancel` -> "Qr MPM Cancel", `B2b2c` -> "B2b2c".
pub fn split_words(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(' ');
            }
        }
        if c != '_' {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_words;

    #[test]
    fn names_from_struct_idents() {
        assert_eq!(split_words("AuthVoid"), "Auth Void");
        assert_eq!(split_words("QrMPMCancel"), "Qr MPM Cancel");
        assert_eq!(split_words("AccessTokenB2b"), "Access Token B2b");
        assert_eq!(split_words("Void"), "Void");
    }
}
