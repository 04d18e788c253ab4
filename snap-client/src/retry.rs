//! When and how often a call is sent again.
//!
//! A retry resends the **same** `X-EXTERNAL-ID` and the **identical** body
//! bytes, with a fresh `X-TIMESTAMP` and a fresh signature, so that a provider
//! that already processed an earlier attempt can recognise it (see
//! [`SnapClient`](super::SnapClient)). Only failures where the outcome is
//! unknown or the provider says "try again" are retried: timeouts, connection
//! errors and the HTTP statuses in [`RetryPolicy::retry_statuses`] (by default
//! 500, 502, 503 and 504). A 4xx business answer is never retried.
//!
//! The pause before attempt `n + 1` is bounded exponential backoff with
//! "equal jitter": half of `min(max_backoff, initial_backoff * 2^(n-1))` plus
//! a random part of up to the other half, so concurrent clients do not retry
//! in lock step.

use std::any::TypeId;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use snap_core::endpoint::{Endpoint, EndpointMeta, StatusQueried};

use super::resolve::{ByStatusQuery, ConflictResolver};
use super::transport::TransportErrorKind;

/// How one endpoint (or every endpoint of a provider) is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; `1` means "never retry".
    /// Values below 1 are treated as 1.
    pub max_attempts: u32,
    /// Pause before the first retry (before jitter).
    pub initial_backoff: Duration,
    /// Upper bound of any single pause (before jitter).
    pub max_backoff: Duration,
    /// HTTP statuses whose answer is retried (the provider did not complete
    /// the request). Default: 500, 502, 503, 504.
    pub retry_statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms then 400 ms (plus jitter), at most 5 s per pause.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            retry_statuses: vec![500, 502, 503, 504],
        }
    }
}

impl RetryPolicy {
    /// A policy that sends once and never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// This policy with `attempts` attempts in all.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// This policy with the given backoff bounds.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Attempts in all (at least 1).
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// Whether an answer with this HTTP status is retried.
    pub fn retries_status(&self, status: u16) -> bool {
        self.retry_statuses.contains(&status)
    }

    /// The pause before attempt `next_attempt` (2 for the first retry), with
    /// jitter drawn from `rng`. Never longer than `max_backoff`.
    pub fn backoff(&self, next_attempt: u32, rng: &Jitter) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(31);
        let base = self
            .initial_backoff
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = base / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let extra = if half_nanos == 0 {
            0
        } else {
            rng.next() % (half_nanos + 1)
        };
        half + Duration::from_nanos(extra)
    }
}

/// Where a rule applies: one endpoint type (matched by its `TypeId`, or by
/// its [`EndpointMeta`] for type-erased calls such as `snap call`).
#[derive(Clone, Copy)]
struct EndpointKey {
    type_id: TypeId,
    meta: EndpointMeta,
}

impl EndpointKey {
    fn of<E: Endpoint + 'static>() -> Self {
        EndpointKey {
            type_id: TypeId::of::<E>(),
            meta: E::META,
        }
    }

    fn matches(&self, call: &CallKey<'_>) -> bool {
        match call.type_id {
            Some(id) => id == self.type_id,
            None => self.meta == *call.meta,
        }
    }
}

impl std::fmt::Debug for EndpointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.meta.name, self.meta.provider)
    }
}

/// The endpoint of one call, as the rules look it up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallKey<'a> {
    /// The request type, for typed calls.
    pub(crate) type_id: Option<TypeId>,
    /// Its declaration.
    pub(crate) meta: &'a EndpointMeta,
}

impl CallKey<'_> {
    pub(crate) fn of<E: Endpoint + 'static>() -> CallKey<'static> {
        CallKey {
            type_id: Some(TypeId::of::<E>()),
            meta: &E::META,
        }
    }
}

/// Retry policies per endpoint type and per provider, and the resolvers of
/// `409{SS}00` answers (see [`ConflictResolver`]), keyed by **type**: a
/// rule names the request type it applies to, so a misspelt endpoint is a
/// compile error, not a silent fallback to the default.
///
/// Lookup order for a call: its endpoint's rule, then its provider's, then
/// the default.
///
/// ```
/// use std::time::Duration;
/// use snap_client::{RetryPolicy, RetryRules};
/// use snap_core::token::AccessTokenB2bRequest;
///
/// let rules = RetryRules::new(RetryPolicy::default())
///     // token requests: one quick retry
///     .for_endpoint::<AccessTokenB2bRequest>(
///         RetryPolicy::default()
///             .with_max_attempts(2)
///             .with_backoff(Duration::from_millis(50), Duration::from_millis(50)),
///     );
/// assert_eq!(rules.policy_of::<AccessTokenB2bRequest>().attempts(), 2);
/// ```
#[derive(Clone, Default)]
pub struct RetryRules {
    /// The policy of any endpoint without an override.
    pub default: RetryPolicy,
    by_provider: Vec<(&'static str, RetryPolicy)>,
    by_endpoint: Vec<(EndpointKey, RetryPolicy)>,
    resolvers: Vec<(EndpointKey, Arc<dyn ConflictResolver>)>,
}

impl std::fmt::Debug for RetryRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryRules")
            .field("default", &self.default)
            .field("by_provider", &self.by_provider)
            .field("by_endpoint", &self.by_endpoint)
            .field(
                "resolvers",
                &self.resolvers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl RetryRules {
    /// Rules with `default` for every endpoint.
    pub fn new(default: RetryPolicy) -> Self {
        RetryRules {
            default,
            ..RetryRules::default()
        }
    }

    /// Overrides the policy of endpoint `E` (its request type).
    pub fn for_endpoint<E: Endpoint + 'static>(mut self, policy: RetryPolicy) -> Self {
        let key = EndpointKey::of::<E>();
        self.by_endpoint.retain(|(k, _)| k.type_id != key.type_id);
        self.by_endpoint.push((key, policy));
        self
    }

    /// Overrides the policy of every endpoint of `E`'s provider
    /// (`E::META.provider`: `"GoPay"` for any GoPay declaration), unless the
    /// endpoint has its own.
    pub fn for_provider_of<E: Endpoint>(mut self, policy: RetryPolicy) -> Self {
        let provider = E::META.provider;
        self.by_provider.retain(|(p, _)| *p != provider);
        self.by_provider.push((provider, policy));
        self
    }

    /// Sets the resolver that settles a `409{SS}00` answer to a retry of
    /// endpoint `E` (e.g. [`StatusQuery`](super::StatusQuery) for a
    /// hand-built query).
    pub fn resolver<E: Endpoint + 'static>(mut self, resolver: Arc<dyn ConflictResolver>) -> Self {
        let key = EndpointKey::of::<E>();
        self.resolvers.retain(|(k, _)| k.type_id != key.type_id);
        self.resolvers.push((key, resolver));
        self
    }

    /// Settles a `409{SS}00` answer to a retry of `E` with `E`'s own status
    /// query ([`StatusQueried`]): the query is built from the original request
    /// by [`StatusQueried::status_query`] and sent with the same customer
    /// token. The declarations implement the trait (Auth Payment 63 -> Auth
    /// Query 64, Virtual Account Payment 25 -> Inquiry Status 26, ...).
    pub fn status_query<E>(self) -> Self
    where
        E: StatusQueried + DeserializeOwned + Send + Sync + 'static,
        E::Query: Send + Sync + 'static,
    {
        self.resolver::<E>(Arc::new(ByStatusQuery::<E>::new()))
    }

    /// The policy in force for endpoint `E`.
    pub fn policy_of<E: Endpoint + 'static>(&self) -> &RetryPolicy {
        self.policy_for(&CallKey::of::<E>())
    }

    /// The policy in force for a call.
    pub(crate) fn policy_for(&self, call: &CallKey<'_>) -> &RetryPolicy {
        self.by_endpoint
            .iter()
            .find(|(k, _)| k.matches(call))
            .map(|(_, p)| p)
            .or_else(|| {
                self.by_provider
                    .iter()
                    .find(|(p, _)| *p == call.meta.provider)
                    .map(|(_, p)| p)
            })
            .unwrap_or(&self.default)
    }

    /// The resolver set for a call's endpoint, if any.
    pub(crate) fn resolver_for(&self, call: &CallKey<'_>) -> Option<&Arc<dyn ConflictResolver>> {
        self.resolvers
            .iter()
            .find(|(k, _)| k.matches(call))
            .map(|(_, r)| r)
    }
}

/// Where a request stands after one attempt: everything [`decide`] needs
/// besides the outcome and the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Attempt {
    /// Resends made so far that count against
    /// [`RetryPolicy::max_attempts`] (token refreshes do not).
    pub retries: u32,
    /// The attempt carried a B2B token (`Authorization`).
    pub sent_b2b_token: bool,
    /// The attempt carried a customer token (`Authorization-Customer`).
    pub sent_customer_token: bool,
    /// The B2B token was already refreshed once for this request.
    pub b2b_refreshed: bool,
    /// The customer token was already refreshed once for this request.
    pub customer_refreshed: bool,
    /// An earlier attempt may have reached the provider (it timed out, broke
    /// mid-way, or got a retryable 5xx).
    pub uncertain: bool,
    /// The request carries an `X-EXTERNAL-ID`: a `409{SS}00` to a retry
    /// means an earlier attempt was processed. False for token requests.
    pub idempotent: bool,
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// An answer: HTTP status and, where the body has a well-formed SNAP
    /// code, its 2-digit case.
    Answer {
        /// The HTTP status.
        status: u16,
        /// The case of the `responseCode` (`01` of `4017301`).
        case: Option<u8>,
    },
    /// No answer: the transport failed (see [`TransportErrorKind`]).
    Failed(TransportErrorKind),
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Next {
    /// Resend the same bytes with the same `X-EXTERNAL-ID` (fresh timestamp
    /// and signature) after the policy's backoff.
    Resend,
    /// The B2B token was refused (`401{SS}01`): refresh it and resend at
    /// once (not counted as a retry).
    RefreshB2bToken,
    /// The customer token was refused (`401{SS}02`): refresh it and resend
    /// at once (not counted as a retry).
    RefreshCustomerToken,
    /// Hand the answer to the caller (success or business answer).
    Deliver,
    /// A `409{SS}00` to a retry: an earlier attempt was processed; settle
    /// it with the endpoint's status query.
    AlreadyProcessed,
    /// No answer and no retry left (or a failure that retrying cannot fix):
    /// report it.
    GiveUp,
}

/// The one retry decision, for calls and token requests alike: a pure
/// function of where the request stands, what the last attempt came to and
/// the policy. The client's loop only carries the decision out.
///
/// | outcome | condition | next |
/// |---|---|---|
/// | answer 401, case 01 | sent a B2B token, not refreshed yet | [`Next::RefreshB2bToken`] |
/// | answer 401, case 02 | sent a customer token, not refreshed yet | [`Next::RefreshCustomerToken`] |
/// | answer, status in `retry_statuses` | retries left | [`Next::Resend`] |
/// | answer 409, case 00 | idempotent and an earlier attempt uncertain | [`Next::AlreadyProcessed`] |
/// | any other answer | | [`Next::Deliver`] |
/// | TLS handshake refused (either side) | | [`Next::GiveUp`] |
/// | timeout, connection or other failure | retries left | [`Next::Resend`] |
/// | timeout, connection or other failure | no retry left | [`Next::GiveUp`] |
pub fn decide(attempt: &Attempt, outcome: &Outcome, policy: &RetryPolicy) -> Next {
    let retry_left = attempt.retries.saturating_add(1) < policy.attempts();
    match *outcome {
        Outcome::Answer {
            status: 401,
            case: Some(1),
        } if attempt.sent_b2b_token && !attempt.b2b_refreshed => Next::RefreshB2bToken,
        Outcome::Answer {
            status: 401,
            case: Some(2),
        } if attempt.sent_customer_token && !attempt.customer_refreshed => {
            Next::RefreshCustomerToken
        }
        Outcome::Answer { status, .. } if policy.retries_status(status) && retry_left => {
            Next::Resend
        }
        Outcome::Answer {
            status: 409,
            case: Some(0),
        } if attempt.idempotent && attempt.uncertain => Next::AlreadyProcessed,
        Outcome::Answer { .. } => Next::Deliver,
        Outcome::Failed(kind) if kind.is_tls_refusal() => Next::GiveUp,
        Outcome::Failed(_) if retry_left => Next::Resend,
        Outcome::Failed(_) => Next::GiveUp,
    }
}

impl Attempt {
    /// The state for the next attempt, after `next` was decided on `outcome`.
    pub fn after(self, next: Next, outcome: &Outcome) -> Attempt {
        let mut a = self;
        match next {
            Next::Resend => {
                a.retries += 1;
                a.uncertain |= match outcome {
                    Outcome::Failed(kind) => !kind.nothing_sent(),
                    Outcome::Answer { .. } => true,
                };
            }
            Next::RefreshB2bToken => a.b2b_refreshed = true,
            Next::RefreshCustomerToken => a.customer_refreshed = true,
            Next::Deliver | Next::AlreadyProcessed | Next::GiveUp => {}
        }
        a
    }
}

/// A small xorshift64* generator for backoff jitter: not for anything
/// secret, only to spread retries of concurrent clients apart.
#[derive(Debug)]
pub struct Jitter(AtomicU64);

impl Jitter {
    /// Seeded from the clock and the address of a stack value.
    pub fn from_time() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        let local = 0u8;
        let addr = std::ptr::addr_of!(local) as usize as u64;
        Jitter::seeded(nanos ^ addr.rotate_left(32))
    }

    /// A reproducible generator (a zero seed is replaced by a constant).
    pub fn seeded(seed: u64) -> Self {
        Jitter(AtomicU64::new(if seed == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            seed
        }))
    }

    /// The next pseudo-random number.
    pub fn next(&self) -> u64 {
        let mut x = self.0.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.store(x, Ordering::Relaxed);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        let p = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        let rng = Jitter::seeded(7);
        for _ in 0..200 {
            let b2 = p.backoff(2, &rng);
            assert!(b2 >= Duration::from_millis(50) && b2 <= Duration::from_millis(100));
            let b3 = p.backoff(3, &rng);
            assert!(b3 >= Duration::from_millis(100) && b3 <= Duration::from_millis(200));
            let b9 = p.backoff(9, &rng);
            assert!(b9 >= Duration::from_millis(175) && b9 <= Duration::from_millis(350));
            let huge = p.backoff(u32::MAX, &rng);
            assert!(huge <= Duration::from_millis(350));
        }
    }

    #[test]
    fn jitter_varies() {
        let p = RetryPolicy::default();
        let rng = Jitter::seeded(42);
        let draws: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(2, &rng)).collect();
        assert!(draws.len() > 10, "jitter should spread pauses: {draws:?}");
    }

    #[test]
    fn default_statuses() {
        let p = RetryPolicy::default();
        assert!(p.retries_status(503) && p.retries_status(500));
        assert!(!p.retries_status(400) && !p.retries_status(409) && !p.retries_status(501));
    }

    /// Every row of the decision table of [`decide`], and the edges between
    /// them (retries left or not, refreshed or not, idempotent or not).
    #[test]
    fn decision_table() {
        use Next::*;
        use TransportErrorKind as K;
        let answer = |status, case| Outcome::Answer { status, case };
        let fresh = Attempt {
            idempotent: true,
            sent_b2b_token: true,
            ..Attempt::default()
        };
        let customer = Attempt {
            sent_customer_token: true,
            ..fresh
        };
        let refreshed = Attempt {
            b2b_refreshed: true,
            customer_refreshed: true,
            ..customer
        };
        let uncertain = Attempt {
            retries: 1,
            uncertain: true,
            ..fresh
        };
        let token_request = Attempt::default();
        let last = Attempt {
            retries: 2,
            uncertain: true,
            ..fresh
        };
        let three = RetryPolicy::default(); // 3 attempts, 500/502/503/504
        let once = RetryPolicy::never();
        let rows: &[(&str, Attempt, Outcome, &RetryPolicy, Next)] = &[
            // 401 case 01: refresh the B2B token once
            (
                "401xx01, token sent",
                fresh,
                answer(401, Some(1)),
                &three,
                RefreshB2bToken,
            ),
            (
                "401xx01, even with no retry left",
                last,
                answer(401, Some(1)),
                &once,
                RefreshB2bToken,
            ),
            (
                "401xx01, already refreshed",
                refreshed,
                answer(401, Some(1)),
                &three,
                Deliver,
            ),
            (
                "401xx01, no token sent (token request)",
                token_request,
                answer(401, Some(1)),
                &three,
                Deliver,
            ),
            // 401 case 02: refresh the customer token once
            (
                "401xx02, customer token sent",
                customer,
                answer(401, Some(2)),
                &three,
                RefreshCustomerToken,
            ),
            (
                "401xx02, already refreshed",
                refreshed,
                answer(401, Some(2)),
                &three,
                Deliver,
            ),
            (
                "401xx02, no customer token",
                fresh,
                answer(401, Some(2)),
                &three,
                Deliver,
            ),
            ("401xx00", fresh, answer(401, Some(0)), &three, Deliver),
            // retryable statuses
            (
                "503, retries left",
                fresh,
                answer(503, Some(1)),
                &three,
                Resend,
            ),
            (
                "500 without a code, retries left",
                fresh,
                answer(500, None),
                &three,
                Resend,
            ),
            (
                "504, last attempt",
                last,
                answer(504, None),
                &three,
                Deliver,
            ),
            (
                "503, policy never",
                fresh,
                answer(503, None),
                &once,
                Deliver,
            ),
            (
                "501 is not retried",
                fresh,
                answer(501, None),
                &three,
                Deliver,
            ),
            (
                "503 to a token request",
                token_request,
                answer(503, None),
                &three,
                Resend,
            ),
            // 409 case 00
            (
                "409xx00 to a retry",
                uncertain,
                answer(409, Some(0)),
                &three,
                AlreadyProcessed,
            ),
            (
                "409xx00 to a first attempt",
                fresh,
                answer(409, Some(0)),
                &three,
                Deliver,
            ),
            (
                "409xx00, not idempotent",
                Attempt {
                    idempotent: false,
                    ..uncertain
                },
                answer(409, Some(0)),
                &three,
                Deliver,
            ),
            (
                "409xx01 to a retry",
                uncertain,
                answer(409, Some(1)),
                &three,
                Deliver,
            ),
            // business answers and successes
            ("200", fresh, answer(200, Some(0)), &three, Deliver),
            ("404xx14", uncertain, answer(404, Some(14)), &three, Deliver),
            (
                "400 without a code",
                fresh,
                answer(400, None),
                &three,
                Deliver,
            ),
            // transport failures
            (
                "timeout, retries left",
                fresh,
                Outcome::Failed(K::Timeout),
                &three,
                Resend,
            ),
            (
                "timeout, last attempt",
                last,
                Outcome::Failed(K::Timeout),
                &three,
                GiveUp,
            ),
            (
                "connect, retries left",
                fresh,
                Outcome::Failed(K::Connect),
                &three,
                Resend,
            ),
            (
                "connect, policy never",
                fresh,
                Outcome::Failed(K::Connect),
                &once,
                GiveUp,
            ),
            (
                "other, retries left",
                token_request,
                Outcome::Failed(K::Other),
                &three,
                Resend,
            ),
            (
                "other, last attempt",
                last,
                Outcome::Failed(K::Other),
                &three,
                GiveUp,
            ),
            (
                "TLS refused by the server",
                fresh,
                Outcome::Failed(K::TlsClientRejected),
                &three,
                GiveUp,
            ),
            (
                "TLS refused by this client",
                fresh,
                Outcome::Failed(K::TlsServerRejected),
                &three,
                GiveUp,
            ),
        ];
        for (name, attempt, outcome, policy, expected) in rows {
            assert_eq!(decide(attempt, outcome, policy), *expected, "row: {name}");
        }
    }

    #[test]
    fn state_after_each_decision() {
        let a = Attempt {
            idempotent: true,
            ..Attempt::default()
        };
        let timed_out = Outcome::Failed(TransportErrorKind::Timeout);
        let refused = Outcome::Failed(TransportErrorKind::Connect);
        let unavailable = Outcome::Answer {
            status: 503,
            case: None,
        };
        // A resend counts, and an attempt that may have arrived makes a later
        // 409 mean "already processed"; a connection never made does not.
        let b = a.after(Next::Resend, &timed_out);
        assert_eq!((b.retries, b.uncertain), (1, true));
        let c = a.after(Next::Resend, &refused);
        assert_eq!((c.retries, c.uncertain), (1, false));
        let d = c.after(Next::Resend, &unavailable);
        assert_eq!((d.retries, d.uncertain), (2, true));
        // Refreshes do not count as retries.
        let e = a.after(Next::RefreshB2bToken, &unavailable);
        assert_eq!(
            (e.retries, e.b2b_refreshed, e.customer_refreshed),
            (0, true, false)
        );
        let f = e.after(Next::RefreshCustomerToken, &unavailable);
        assert!(f.customer_refreshed && f.b2b_refreshed);
        for end in [Next::Deliver, Next::AlreadyProcessed, Next::GiveUp] {
            assert_eq!(a.after(end, &timed_out), a);
        }
    }

    mod typed {
        use super::super::*;
        use serde::{Deserialize, Serialize};
        use snap_core::{SnapModel, SnapRequest};

        #[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
        #[serde(rename_all = "camelCase")]
        pub struct Answer {
            response_code: String,
        }

        #[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
        #[snap(service = 63, method = "POST", path = "/a", response = Answer, name = "A")]
        pub struct A {}

        #[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
        #[snap(service = 64, method = "POST", path = "/b", response = Answer, name = "A")]
        pub struct B {}

        #[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
        #[snap(service = 65, method = "POST", path = "/c", response = Answer, name = "C", provider = "GoPay")]
        pub struct C {}

        #[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
        #[snap(service = 66, method = "POST", path = "/d", response = Answer, name = "D", provider = "GoPay")]
        pub struct D {}

        /// Rules name types: two endpoints with the same display name are
        /// told apart, a provider rule covers its provider's other types, a
        /// type-erased call finds its rule by declaration.
        #[test]
        fn rules_are_keyed_by_type() {
            let rules = RetryRules::new(RetryPolicy::default())
                .for_endpoint::<A>(RetryPolicy::default().with_max_attempts(5))
                .for_provider_of::<C>(RetryPolicy::never())
                .for_endpoint::<D>(RetryPolicy::default().with_max_attempts(4));
            assert_eq!(rules.policy_of::<A>().attempts(), 5);
            assert_eq!(
                rules.policy_of::<B>().attempts(),
                3,
                "same name, other type"
            );
            assert_eq!(rules.policy_of::<C>().attempts(), 1, "the provider's rule");
            assert_eq!(rules.policy_of::<D>().attempts(), 4, "its own rule first");
            let erased = CallKey {
                type_id: None,
                meta: &A::META,
            };
            assert_eq!(rules.policy_for(&erased).attempts(), 5);
            assert_eq!(RetryPolicy::default().with_max_attempts(0).attempts(), 1);
            // a later rule for the same type replaces the earlier one
            let rules = rules.for_endpoint::<A>(RetryPolicy::never());
            assert_eq!(rules.policy_of::<A>().attempts(), 1);
        }
    }
}
