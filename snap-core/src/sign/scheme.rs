//! The open signing trait ([`SignatureScheme`]), its plain-data description
//! ([`SchemeInfo`]) and the type-erased handles the generic machinery works
//! with: [`SchemeRef`] (what [`EndpointMeta`](crate::endpoint::EndpointMeta)
//! records), [`Credential`] (one signer, borrowed), [`Signers`] and
//! [`Verifiers`] (owned sets, one key per scheme).

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use http::HeaderMap;

use super::{SignatureError, SigningInput};

/// What a signature scheme is, as plain `const` data: the generic code (the
/// request builder, the client, the provider side, the tools) reads this
/// instead of matching on scheme names.
///
/// Built in a `const` with [`SchemeInfo::new`] and the `with_*` methods:
///
/// ```
/// use snap_core::sign::SchemeInfo;
///
/// const INFO: SchemeInfo = SchemeInfo::new("hmac-header")
///     .with_transaction_headers()
///     .with_headers(&["X-HMAC"])
///     .with_partner_header("X-PARTNER-ID");
/// assert!(INFO.timestamp && INFO.is_signed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemeInfo {
    /// Short name, as listed by `snap endpoints` (`"symmetric"`, `"ipg"`).
    pub name: &'static str,
    /// `X-TIMESTAMP` is sent (written by the request builder) and checked by
    /// a provider (format, window); [`SigningInput::timestamp`] holds it.
    pub timestamp: bool,
    /// The SNAP transaction headers `X-PARTNER-ID`, `X-EXTERNAL-ID` and
    /// `CHANNEL-ID` are sent (and `X-TIMESTAMP`); a provider requires them
    /// and deduplicates on `X-EXTERNAL-ID`.
    pub transaction_headers: bool,
    /// The B2B access token is part of the scheme: a client fetches it
    /// (service 73) and sends it as `Authorization`, the signature covers it
    /// ([`SigningInput::access_token`]), a provider checks it (and reads it
    /// with the SNAP headers: such a scheme sends `X-TIMESTAMP` too).
    pub access_token: bool,
    /// The headers [`SignatureScheme::sign`] writes and
    /// [`SignatureScheme::verify`] reads, in their documented spelling
    /// (`X-SIGNATURE`, `KEY`); a provider requires them. Empty: the scheme
    /// signs nothing, and a provider checks no signature.
    pub headers: &'static [&'static str],
    /// The header that names the calling partner (`X-PARTNER-ID`,
    /// `X-CLIENT-KEY`), whose verifier a provider then uses. `None`: the
    /// request does not say who sent it, and a provider tries the verifier of
    /// every partner that has one for this scheme.
    pub partner_header: Option<&'static str>,
}

impl SchemeInfo {
    /// A scheme called `name` that sends nothing beyond its body: add what
    /// it uses with the `with_*` methods.
    pub const fn new(name: &'static str) -> Self {
        SchemeInfo {
            name,
            timestamp: false,
            transaction_headers: false,
            access_token: false,
            headers: &[],
            partner_header: None,
        }
    }

    /// Sends `X-TIMESTAMP` (see [`SchemeInfo::timestamp`]).
    pub const fn with_timestamp(mut self) -> Self {
        self.timestamp = true;
        self
    }

    /// Sends the SNAP transaction headers and `X-TIMESTAMP` (see
    /// [`SchemeInfo::transaction_headers`]).
    pub const fn with_transaction_headers(mut self) -> Self {
        self.timestamp = true;
        self.transaction_headers = true;
        self
    }

    /// Uses the B2B access token, and `X-TIMESTAMP` (see
    /// [`SchemeInfo::access_token`]).
    pub const fn with_access_token(mut self) -> Self {
        self.timestamp = true;
        self.access_token = true;
        self
    }

    /// The headers the scheme writes and reads (see [`SchemeInfo::headers`]).
    pub const fn with_headers(mut self, headers: &'static [&'static str]) -> Self {
        self.headers = headers;
        self
    }

    /// The header naming the calling partner (see [`SchemeInfo::partner_header`]).
    pub const fn with_partner_header(mut self, name: &'static str) -> Self {
        self.partner_header = Some(name);
        self
    }

    /// Whether the scheme signs at all (writes at least one header).
    pub const fn is_signed(&self) -> bool {
        !self.headers.is_empty()
    }
}

/// A way of signing requests: implemented by a type that names the scheme
/// (usually an empty struct), next to the declarations that use it, and named
/// in a declaration with `signature = Type` (the way `code_scheme = Type`
/// names a [`CodeScheme`](crate::endpoint::CodeScheme)).
///
/// `Signer` and `Verifier` are the key material of each side, parsed once
/// (an [`HmacKey`](super::HmacKey), a private / public RSA key, a provider's
/// API key). They are owned values so that [`Signers`] and [`Verifiers`] can
/// hold one per scheme and hand it back typed; a signer that lives elsewhere
/// (an HSM) is a `Box<dyn YourTrait>` or an `Arc`.
///
/// See the [module docs](super) for a complete custom scheme.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a signature scheme",
    label = "this type does not implement `snap_core::sign::SignatureScheme`",
    note = "write \"symmetric\", \"asymmetric\", \"token\" or \"none\", or name a type that implements `snap_core::sign::SignatureScheme`"
)]
pub trait SignatureScheme: 'static {
    /// What the scheme sends and needs.
    const INFO: SchemeInfo;
    /// The sender's key material.
    type Signer: Send + Sync + 'static;
    /// The receiver's key material.
    type Verifier: Send + Sync + 'static;

    /// Signs `input` and writes the scheme's headers ([`SchemeInfo::headers`])
    /// into `headers`. Secret header values should be marked
    /// [`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive):
    /// `Debug` output then redacts them.
    ///
    /// # Errors
    /// [`SignatureError`] for an input the scheme cannot sign.
    fn sign(
        signer: &Self::Signer,
        input: &SigningInput<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), SignatureError>;

    /// Checks a received request: `input` as received (the raw body bytes,
    /// the path as received), the scheme's headers read from `headers`.
    ///
    /// # Errors
    /// [`SignatureError::Mismatch`] when the signature does not match; any
    /// other variant for a malformed input or header.
    fn verify(
        verifier: &Self::Verifier,
        input: &SigningInput<'_>,
        headers: &HeaderMap,
    ) -> Result<(), SignatureError>;
}

type ErasedKey = dyn Any + Send + Sync;
type SignFn = fn(&ErasedKey, &SigningInput<'_>, &mut HeaderMap) -> Result<(), SignatureError>;
type VerifyFn = fn(&ErasedKey, &SigningInput<'_>, &HeaderMap) -> Result<(), SignatureError>;

/// A signature scheme known by value rather than by type: its
/// [`SchemeInfo`] and what the type-erased paths (a request built from an
/// [`EndpointMeta`](crate::endpoint::EndpointMeta), `snap call`, a provider
/// routing by metadata) need to sign and verify with it. Two handles are
/// equal when they stand for the same scheme type.
///
/// ```
/// use snap_core::sign::{SchemeRef, Symmetric};
///
/// const SYMMETRIC: SchemeRef = SchemeRef::of::<Symmetric>();
/// assert!(SYMMETRIC.is::<Symmetric>());
/// assert_eq!(SYMMETRIC.name(), "symmetric");
/// ```
#[derive(Clone, Copy)]
pub struct SchemeRef {
    info: &'static SchemeInfo,
    id: fn() -> TypeId,
    sign: SignFn,
    verify: VerifyFn,
}

/// Not reachable through the public API (a key is stored under its own
/// scheme), but an error rather than a panic.
fn wrong_key() -> SignatureError {
    SignatureError::InvalidInput {
        field: "key",
        rule: "is not the key type of this signature scheme",
    }
}

fn sign_erased<S: SignatureScheme>(
    key: &ErasedKey,
    input: &SigningInput<'_>,
    headers: &mut HeaderMap,
) -> Result<(), SignatureError> {
    let key = key.downcast_ref::<S::Signer>().ok_or_else(wrong_key)?;
    S::sign(key, input, headers)
}

fn verify_erased<S: SignatureScheme>(
    key: &ErasedKey,
    input: &SigningInput<'_>,
    headers: &HeaderMap,
) -> Result<(), SignatureError> {
    let key = key.downcast_ref::<S::Verifier>().ok_or_else(wrong_key)?;
    S::verify(key, input, headers)
}

impl SchemeRef {
    /// The handle of scheme `S` (usable in a `const`).
    pub const fn of<S: SignatureScheme>() -> Self {
        SchemeRef {
            info: &S::INFO,
            id: TypeId::of::<S>,
            sign: sign_erased::<S>,
            verify: verify_erased::<S>,
        }
    }

    /// What the scheme sends and needs.
    pub const fn info(&self) -> &'static SchemeInfo {
        self.info
    }

    /// The scheme's short name ([`SchemeInfo::name`]).
    pub const fn name(&self) -> &'static str {
        self.info.name
    }

    /// Whether this is scheme `S`.
    pub fn is<S: SignatureScheme>(&self) -> bool {
        (self.id)() == TypeId::of::<S>()
    }

    fn type_id(&self) -> TypeId {
        (self.id)()
    }
}

impl PartialEq for SchemeRef {
    fn eq(&self, other: &Self) -> bool {
        self.type_id() == other.type_id()
    }
}

impl Eq for SchemeRef {}

impl std::hash::Hash for SchemeRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.type_id().hash(state)
    }
}

impl fmt::Debug for SchemeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchemeRef({:?})", self.info.name)
    }
}

impl fmt::Display for SchemeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info.name)
    }
}

/// One signer, borrowed, with the scheme it signs for: what a
/// [`RequestContext`](crate::endpoint::RequestContext) carries. Built typed
/// ([`Credential::new`]), so a key can only be paired with its own scheme.
/// `Debug` prints the scheme only.
#[derive(Clone, Copy)]
pub struct Credential<'a> {
    scheme: SchemeRef,
    signer: &'a ErasedKey,
}

impl<'a> Credential<'a> {
    /// `signer` as the credential of scheme `S`.
    pub fn new<S: SignatureScheme>(signer: &'a S::Signer) -> Self {
        Credential {
            scheme: SchemeRef::of::<S>(),
            signer,
        }
    }

    /// The scheme this credential signs for.
    pub fn scheme(&self) -> SchemeRef {
        self.scheme
    }

    /// The signer, when this credential is of scheme `S` (lets `prepare`
    /// take a direct path for a scheme it knows).
    pub fn signer<S: SignatureScheme>(&self) -> Option<&'a S::Signer> {
        if self.scheme == SchemeRef::of::<S>() {
            self.signer.downcast_ref::<S::Signer>()
        } else {
            None
        }
    }

    /// Signs `input` with the scheme's [`SignatureScheme::sign`].
    ///
    /// # Errors
    /// As the scheme's `sign`.
    pub fn sign(
        &self,
        input: &SigningInput<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), SignatureError> {
        (self.scheme.sign)(self.signer, input, headers)
    }
}

impl fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential({}, [redacted])", self.scheme.name())
    }
}

/// Keys by scheme: at most one per scheme, shared (`Arc`) so that one key
/// can serve two schemes and clones are cheap.
#[derive(Clone, Default)]
struct KeySet {
    entries: Vec<(SchemeRef, Arc<ErasedKey>)>,
}

impl KeySet {
    fn insert(&mut self, scheme: SchemeRef, key: Arc<ErasedKey>) {
        match self.entries.iter_mut().find(|(s, _)| *s == scheme) {
            Some(entry) => entry.1 = key,
            None => self.entries.push((scheme, key)),
        }
    }

    fn get(&self, scheme: SchemeRef) -> Option<&ErasedKey> {
        self.entries
            .iter()
            .find(|(s, _)| *s == scheme)
            .map(|(_, k)| &**k)
    }

    /// `Name {symmetric: [redacted], token: [redacted]}`: scheme names,
    /// never keys.
    fn fmt(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted;
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
        write!(f, "{name} ")?;
        let mut m = f.debug_map();
        for (scheme, _) in &self.entries {
            m.entry(&format_args!("{}", scheme.name()), &Redacted);
        }
        m.finish()
    }
}

/// The signing keys of a sender, one per scheme: what a client holds. A
/// request to an endpoint is signed with the key of the endpoint's scheme
/// ([`Signers::credential`]). `Debug` prints scheme names only.
///
/// ```
/// use snap_core::sign::{HmacKey, Signers, Symmetric, Asymmetric};
/// use snap_core::endpoint::Endpoint;
///
/// let signers = Signers::new().with::<Symmetric>(HmacKey::new(b"client-secret")?);
/// assert!(signers.get::<Symmetric>().is_some());
/// assert!(signers.get::<Asymmetric>().is_none());
/// # Ok::<(), snap_core::sign::SignatureError>(())
/// ```
#[derive(Clone, Default)]
pub struct Signers {
    keys: KeySet,
}

impl Signers {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the signer of scheme `S` (replacing an earlier one). Pass the key
    /// itself, or an `Arc` of it to share one key between schemes.
    pub fn insert<S: SignatureScheme>(&mut self, signer: impl Into<Arc<S::Signer>>) {
        let key: Arc<S::Signer> = signer.into();
        self.keys.insert(SchemeRef::of::<S>(), key);
    }

    /// Builder form of [`Signers::insert`].
    pub fn with<S: SignatureScheme>(mut self, signer: impl Into<Arc<S::Signer>>) -> Self {
        self.insert::<S>(signer);
        self
    }

    /// The signer of scheme `S`, typed.
    pub fn get<S: SignatureScheme>(&self) -> Option<&S::Signer> {
        self.keys
            .get(SchemeRef::of::<S>())
            .and_then(|k| k.downcast_ref::<S::Signer>())
    }

    /// The signer of `scheme` as a [`Credential`], for a request whose
    /// scheme is known by value (`EndpointMeta::signature`).
    pub fn credential(&self, scheme: SchemeRef) -> Option<Credential<'_>> {
        self.keys
            .get(scheme)
            .map(|signer| Credential { scheme, signer })
    }

    /// Whether a signer of `scheme` is held.
    pub fn contains(&self, scheme: SchemeRef) -> bool {
        self.keys.get(scheme).is_some()
    }

    /// Whether no signer is held.
    pub fn is_empty(&self) -> bool {
        self.keys.entries.is_empty()
    }

    /// The schemes a signer is held for.
    pub fn schemes(&self) -> impl Iterator<Item = SchemeRef> + '_ {
        self.keys.entries.iter().map(|(s, _)| *s)
    }
}

impl fmt::Debug for Signers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.keys.fmt("Signers", f)
    }
}

/// The verifying keys of one sender (a partner, as a provider knows it), one
/// per scheme. `Debug` prints scheme names only.
#[derive(Clone, Default)]
pub struct Verifiers {
    keys: KeySet,
}

impl Verifiers {
    /// No keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the verifier of scheme `S` (replacing an earlier one).
    pub fn insert<S: SignatureScheme>(&mut self, verifier: impl Into<Arc<S::Verifier>>) {
        let key: Arc<S::Verifier> = verifier.into();
        self.keys.insert(SchemeRef::of::<S>(), key);
    }

    /// Builder form of [`Verifiers::insert`].
    pub fn with<S: SignatureScheme>(mut self, verifier: impl Into<Arc<S::Verifier>>) -> Self {
        self.insert::<S>(verifier);
        self
    }

    /// The verifier of scheme `S`, typed.
    pub fn get<S: SignatureScheme>(&self) -> Option<&S::Verifier> {
        self.keys
            .get(SchemeRef::of::<S>())
            .and_then(|k| k.downcast_ref::<S::Verifier>())
    }

    /// Whether a verifier of `scheme` is held.
    pub fn contains(&self, scheme: SchemeRef) -> bool {
        self.keys.get(scheme).is_some()
    }

    /// Whether no verifier is held.
    pub fn is_empty(&self) -> bool {
        self.keys.entries.is_empty()
    }

    /// The schemes a verifier is held for.
    pub fn schemes(&self) -> impl Iterator<Item = SchemeRef> + '_ {
        self.keys.entries.iter().map(|(s, _)| *s)
    }

    /// Verifies a received request with the verifier of `scheme`: `None`
    /// when none is held, else the scheme's [`SignatureScheme::verify`].
    pub fn verify(
        &self,
        scheme: SchemeRef,
        input: &SigningInput<'_>,
        headers: &HeaderMap,
    ) -> Option<Result<(), SignatureError>> {
        self.keys
            .get(scheme)
            .map(|key| (scheme.verify)(key, input, headers))
    }
}

impl fmt::Debug for Verifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.keys.fmt("Verifiers", f)
    }
}
