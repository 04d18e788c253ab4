//! X-EXTERNAL-ID reuse: one answer per partner, per ID, per Jakarta day.
//!
//! SNAP forbids reusing an `X-EXTERNAL-ID` on the same day (`409{SS}00
//! Conflict`), while GoPay documents a retry with the same ID and the same
//! body as safe. Both readings are served: the same ID with the **same**
//! request (method, path, minified body and customer) gets the original
//! answer again, byte for byte (an idempotent replay); the same ID with a
//! **different** request is a conflict.
//!
//! A record lives for the rest of its Jakarta day plus a grace window
//! ([`IdempotencyPolicy::grace`], default 1 hour): a retry that crosses
//! midnight still replays; a *different* request with yesterday's ID is new.
//!
//! A retry that arrives while the original is still being processed waits
//! for its answer ([`Claim::InFlight`]), also on another instance (the Redis
//! store polls, bounded by [`IdempotencyPolicy::wait_limit`]). When the
//! original is abandoned before it answered (its [`Ticket`] is dropped
//! without [`Ticket::complete`], or its instance died and the lease
//! [`IdempotencyPolicy::lease`] ran out), the reservation is released and a
//! retry starts afresh.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::store::{BoxFuture, StoreError, jakarta_day, millis_to_jakarta_midnight};

/// What identifies "the same request": SHA-256 over method, path, the
/// minified body and the customer (a customer token's owner; another
/// customer's retry is another request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Fingerprint of a request. `body` should be the minified body, so that
    /// a retry that only differs in insignificant whitespace still matches.
    pub fn of(method: &str, path: &str, body: &[u8]) -> Self {
        Self::with_customer(method, path, body, None)
    }

    /// [`Fingerprint::of`] for a request made on behalf of `customer`.
    pub fn with_customer(method: &str, path: &str, body: &[u8], customer: Option<&str>) -> Self {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update([0]);
        h.update(path.as_bytes());
        h.update([0]);
        if let Some(c) = customer {
            h.update(c.as_bytes());
        }
        h.update([0]);
        h.update(body);
        Fingerprint(h.finalize().into())
    }
}

/// A stored answer, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// HTTP status.
    pub status: u16,
    /// The body sent.
    pub body: axum::body::Bytes,
}

/// Knobs of an X-EXTERNAL-ID store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdempotencyPolicy {
    /// How long after the Jakarta midnight that ends its day a record is
    /// still replayed (default 1 hour).
    pub grace: Duration,
    /// In memory: most records kept per partner (default 100,000); past it
    /// the partner's oldest record is forgotten.
    pub max_per_partner: usize,
    /// How long a claim without an answer holds the ID (default 60 s): a
    /// crashed instance's claims run out after it.
    pub lease: Duration,
    /// How long a retry waits for an original still running (default 30 s);
    /// then it is answered `409{SS}00`.
    pub wait_limit: Duration,
}

impl Default for IdempotencyPolicy {
    fn default() -> Self {
        IdempotencyPolicy {
            grace: Duration::from_secs(3600),
            max_per_partner: 100_000,
            lease: Duration::from_secs(60),
            wait_limit: Duration::from_secs(30),
        }
    }
}

impl IdempotencyPolicy {
    /// Wall-clock expiry (ms) of a record made at `now_ms`.
    pub fn expires_at(&self, now_ms: u64) -> u64 {
        now_ms + millis_to_jakarta_midnight(now_ms) + self.grace_ms()
    }

    fn grace_ms(&self) -> u64 {
        u64::try_from(self.grace.as_millis()).unwrap_or(u64::MAX / 4)
    }
}

/// The outcome of [`IdempotencyStore::claim`].
#[derive(Debug)]
pub enum Claim {
    /// First sight of this ID: process the request, then
    /// [`Ticket::complete`] with the answer.
    New(Ticket),
    /// Seen with the same request and answered: send this again.
    Replay(Arc<StoredAnswer>),
    /// Seen with the same request, still being processed: wait for it.
    InFlight(Waiter),
    /// Seen today with a different request: answer `409{SS}00`.
    Conflict,
}

/// The holder's side of a claimed ID, implemented by each store.
pub trait Reservation: Send + 'static {
    /// Stores the answer for replays.
    fn complete(
        self: Box<Self>,
        answer: Arc<StoredAnswer>,
    ) -> BoxFuture<'static, Result<(), StoreError>>;
    /// Gives the ID up without an answer (the request was abandoned).
    fn release(self: Box<Self>);
}

/// The right (and duty) to answer a claimed ID. Dropping it without
/// [`Ticket::complete`] releases the reservation.
pub struct Ticket {
    inner: Option<Box<dyn Reservation>>,
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ticket")
    }
}

impl Ticket {
    /// A ticket over a store's reservation.
    pub fn new(reservation: impl Reservation) -> Self {
        Ticket {
            inner: Some(Box::new(reservation)),
        }
    }

    /// Records the answer: later retries with the same request replay it.
    ///
    /// # Errors
    /// The store could not keep it (the answer is still sent; a retry then
    /// runs the request again once the lease is over).
    pub async fn complete(mut self, answer: StoredAnswer) -> Result<Arc<StoredAnswer>, StoreError> {
        let answer = Arc::new(answer);
        if let Some(r) = self.inner.take() {
            r.complete(answer.clone()).await?;
        }
        Ok(answer)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(r) = self.inner.take() {
            r.release();
        }
    }
}

/// Waits for the answer of an in-flight request with the same ID and body.
pub struct Waiter {
    fut: BoxFuture<'static, Option<Arc<StoredAnswer>>>,
}

impl std::fmt::Debug for Waiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Waiter")
    }
}

impl Waiter {
    /// A waiter resolving to the original's answer, or `None` when it was
    /// abandoned (claim again).
    pub fn new(fut: BoxFuture<'static, Option<Arc<StoredAnswer>>>) -> Self {
        Waiter { fut }
    }

    /// The original's answer, or `None` when it was abandoned (claim again).
    pub async fn wait(self) -> Option<Arc<StoredAnswer>> {
        self.fut.await
    }
}

/// Where a provider keeps X-EXTERNAL-ID records.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Claims `external_id` of `partner` at wall-clock `now_ms` for a
    /// request with `fingerprint`. Atomic: of two claims of one ID, one
    /// gets [`Claim::New`].
    fn claim<'a>(
        &'a self,
        partner: &'a str,
        external_id: &'a str,
        fingerprint: Fingerprint,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<Claim, StoreError>>;
}

// ------------------------------------------------------------------ memory

#[derive(Debug)]
enum State {
    InFlight {
        done: watch::Receiver<Option<Arc<StoredAnswer>>>,
    },
    Done(Arc<StoredAnswer>),
}

#[derive(Debug)]
struct Entry {
    fingerprint: Fingerprint,
    day: u32,
    expires_ms: u64,
    generation: u64,
    state: State,
}

#[derive(Debug, Default)]
struct Book {
    map: HashMap<Arc<str>, Entry>,
    /// Insertion order (expiry order too): `(id, generation)`.
    order: VecDeque<(Arc<str>, u64)>,
    evicted: u64,
}

#[derive(Debug, Default)]
struct Inner {
    books: RwLock<HashMap<Arc<str>, Arc<Mutex<Book>>>>,
    generation: std::sync::atomic::AtomicU64,
}

/// The in-memory store: one book (and one lock) per partner, records kept
/// for their Jakarta day plus the grace window, at most
/// [`IdempotencyPolicy::max_per_partner`] per partner (the oldest is
/// forgotten first). Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct MemoryIdempotency {
    inner: Arc<Inner>,
    policy: IdempotencyPolicy,
}

/// What a [`MemoryIdempotency`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryStats {
    /// Records held.
    pub records: usize,
    /// Records forgotten because a partner was at its cap.
    pub evicted: u64,
    /// Heap and inline bytes of the records, estimated from their sizes
    /// (key, fingerprint, answer body, map and queue slots).
    pub approx_bytes: usize,
}

fn lock(book: &Mutex<Book>) -> std::sync::MutexGuard<'_, Book> {
    // Every critical section leaves the book consistent.
    book.lock().unwrap_or_else(|p| p.into_inner())
}

struct MemoryReservation {
    book: Arc<Mutex<Book>>,
    key: Arc<str>,
    generation: u64,
    tx: watch::Sender<Option<Arc<StoredAnswer>>>,
}

impl Reservation for MemoryReservation {
    fn complete(
        self: Box<Self>,
        answer: Arc<StoredAnswer>,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        {
            let mut book = lock(&self.book);
            if let Some(e) = book.map.get_mut(&self.key)
                && e.generation == self.generation
                && matches!(e.state, State::InFlight { .. })
            {
                e.state = State::Done(answer.clone());
            }
        }
        self.tx.send_replace(Some(answer));
        Box::pin(std::future::ready(Ok(())))
    }

    fn release(self: Box<Self>) {
        let mut book = lock(&self.book);
        if book.map.get(&self.key).is_some_and(|e| {
            e.generation == self.generation && matches!(e.state, State::InFlight { .. })
        }) {
            book.map.remove(&self.key);
        }
        // Waiters see the sender go away and claim again.
    }
}

impl MemoryIdempotency {
    /// An empty store with the default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with `policy`.
    pub fn with_policy(policy: IdempotencyPolicy) -> Self {
        MemoryIdempotency {
            inner: Arc::default(),
            policy,
        }
    }

    fn book(&self, partner: &str) -> Arc<Mutex<Book>> {
        if let Some(b) = self
            .inner
            .books
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(partner)
        {
            return b.clone();
        }
        let mut books = self.inner.books.write().unwrap_or_else(|p| p.into_inner());
        books.entry(Arc::from(partner)).or_default().clone()
    }

    /// Claims synchronously (what [`IdempotencyStore::claim`] does).
    pub fn claim_now(
        &self,
        partner: &str,
        external_id: &str,
        fingerprint: Fingerprint,
        now_ms: u64,
    ) -> Claim {
        let today = jakarta_day(now_ms);
        let book_arc = self.book(partner);
        let mut book = lock(&book_arc);
        // Expired records first (insertion order is expiry order).
        while let Some((id, generation)) = book.order.front().cloned() {
            let expired = match book.map.get(&id) {
                Some(e) => e.expires_ms <= now_ms,
                None => true,
            };
            if !expired {
                break;
            }
            book.order.pop_front();
            if book
                .map
                .get(&id)
                .is_some_and(|e| e.expires_ms <= now_ms && e.generation == generation)
            {
                book.map.remove(&id);
            }
        }
        if let Some(e) = book.map.get(external_id) {
            if e.fingerprint == fingerprint {
                return match &e.state {
                    State::Done(a) => Claim::Replay(a.clone()),
                    State::InFlight { done, .. } => {
                        let mut rx = done.clone();
                        Claim::InFlight(Waiter::new(Box::pin(async move {
                            match rx.wait_for(Option::is_some).await {
                                Ok(v) => v.clone(),
                                Err(_) => None,
                            }
                        })))
                    }
                };
            }
            // Another request: a conflict today; yesterday's answered ID
            // (kept for the grace window) is free again.
            if !(e.day < today && matches!(e.state, State::Done(_))) {
                return Claim::Conflict;
            }
            book.map.remove(external_id);
        }
        // The per-partner cap: the oldest records go first.
        while book.map.len() >= self.policy.max_per_partner.max(1) {
            let Some((id, generation)) = book.order.pop_front() else {
                break;
            };
            if book
                .map
                .get(&id)
                .is_some_and(|e| e.generation == generation)
            {
                book.map.remove(&id);
                book.evicted += 1;
            }
        }
        let generation = self
            .inner
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let (tx, rx) = watch::channel(None);
        let key: Arc<str> = Arc::from(external_id);
        book.map.insert(
            key.clone(),
            Entry {
                fingerprint,
                day: today,
                expires_ms: self.policy.expires_at(now_ms),
                generation,
                state: State::InFlight { done: rx },
            },
        );
        book.order.push_back((key.clone(), generation));
        drop(book);
        Claim::New(Ticket::new(MemoryReservation {
            book: book_arc,
            key,
            generation,
            tx,
        }))
    }

    /// Records held, evictions, estimated bytes.
    pub fn stats(&self) -> MemoryStats {
        let books = self.inner.books.read().unwrap_or_else(|p| p.into_inner());
        let mut s = MemoryStats {
            records: 0,
            evicted: 0,
            approx_bytes: 0,
        };
        // One map slot (key + entry + hash control byte), one queue slot,
        // the key's Arc allocation, the answer's Arc + body.
        let slot = std::mem::size_of::<(Arc<str>, Entry)>() + 1;
        let queue = std::mem::size_of::<(Arc<str>, u64)>();
        for b in books.values() {
            let b = lock(b);
            s.records += b.map.len();
            s.evicted += b.evicted;
            for (k, e) in &b.map {
                s.approx_bytes += slot + queue + 16 + k.len();
                if let State::Done(a) = &e.state {
                    s.approx_bytes += 16 + std::mem::size_of::<StoredAnswer>() + a.body.len();
                }
            }
        }
        s
    }

    /// Number of remembered IDs (in flight or answered).
    pub fn len(&self) -> usize {
        self.stats().records
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl IdempotencyStore for MemoryIdempotency {
    fn claim<'a>(
        &'a self,
        partner: &'a str,
        external_id: &'a str,
        fingerprint: Fingerprint,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(std::future::ready(Ok(self.claim_now(
            partner,
            external_id,
            fingerprint,
            now_ms,
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> StoredAnswer {
        StoredAnswer {
            status: 200,
            body: axum::body::Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// 2026-11-22T10:00:00+07:00.
    const T: u64 = 1_795_316_400_000;
    const HOUR: u64 = 3_600_000;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn same_request_replays_different_conflicts() {
        block(async {
            let s = MemoryIdempotency::new();
            let f = Fingerprint::of("POST", "/v1.0/auth/payment", b"{\"a\":1}");
            let g = Fingerprint::of("POST", "/v1.0/auth/payment", b"{\"a\":2}");
            let Claim::New(t) = s.claim_now("p", "ext", f, T) else {
                panic!("first claim")
            };
            assert!(matches!(s.claim_now("p", "ext", g, T), Claim::Conflict));
            t.complete(answer("first")).await.unwrap();
            match s.claim_now("p", "ext", f, T) {
                Claim::Replay(a) => assert_eq!(&a.body[..], b"first"),
                other => panic!("expected a replay, got {other:?}"),
            }
            assert!(matches!(s.claim_now("p", "ext", g, T), Claim::Conflict));
            // Another partner: independent.
            assert!(matches!(s.claim_now("q", "ext", g, T), Claim::New(_)));
            // Another customer is another request.
            let c1 = Fingerprint::with_customer("POST", "/x", b"{}", Some("c1"));
            let c2 = Fingerprint::with_customer("POST", "/x", b"{}", Some("c2"));
            let Claim::New(t) = s.claim_now("p", "cust", c1, T) else {
                panic!()
            };
            t.complete(answer("c1")).await.unwrap();
            assert!(matches!(s.claim_now("p", "cust", c2, T), Claim::Conflict));
        });
    }

    #[test]
    fn a_retry_across_midnight_replays_and_the_day_after_is_new() {
        block(async {
            let s = MemoryIdempotency::new();
            let f = Fingerprint::of("POST", "/x", b"{}");
            let g = Fingerprint::of("POST", "/x", b"{\"b\":1}");
            // 23:59:30 Jakarta.
            let late = T + 14 * HOUR - 30_000;
            let Claim::New(t) = s.claim_now("p", "ext", f, late) else {
                panic!()
            };
            t.complete(answer("night")).await.unwrap();
            // 00:00:30 the next day: the same request replays ...
            let next = late + 60_000;
            assert!(matches!(s.claim_now("p", "ext", f, next), Claim::Replay(_)));
            // ... another request with the ID is new (unique per day).
            assert!(matches!(s.claim_now("p", "ext", g, next), Claim::New(_)));
            // After the grace window everything of the old day is gone.
            let s = MemoryIdempotency::new();
            if let Claim::New(t) = s.claim_now("p", "old", f, late) {
                t.complete(answer("x")).await.unwrap();
            }
            assert_eq!(s.len(), 1);
            assert!(matches!(
                s.claim_now("p", "fresh", f, late + 2 * HOUR),
                Claim::New(_)
            ));
            assert!(matches!(
                s.claim_now("p", "old", f, late + 2 * HOUR),
                Claim::New(_)
            ));
        });
    }

    #[test]
    fn abandoned_ticket_releases_the_id() {
        let s = MemoryIdempotency::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        let Claim::New(t) = s.claim_now("p", "ext", f, T) else {
            panic!("first claim")
        };
        drop(t);
        assert!(matches!(s.claim_now("p", "ext", f, T), Claim::New(_)));
    }

    #[test]
    fn the_per_partner_cap_bounds_memory() {
        block(async {
            let policy = IdempotencyPolicy {
                max_per_partner: 100,
                ..IdempotencyPolicy::default()
            };
            let s = MemoryIdempotency::with_policy(policy);
            for i in 0..1000 {
                let f = Fingerprint::of("POST", "/x", format!("{i}").as_bytes());
                if let Claim::New(t) = s.claim_now("p", &format!("id-{i}"), f, T) {
                    t.complete(answer("{\"responseCode\":\"2006300\"}"))
                        .await
                        .unwrap();
                }
            }
            let st = s.stats();
            assert_eq!(st.records, 100);
            assert_eq!(st.evicted, 900);
            assert!(
                st.approx_bytes > 100 * 64 && st.approx_bytes < 100 * 1024,
                "{st:?}"
            );
            // Another partner is not affected by p's volume.
            let f = Fingerprint::of("POST", "/x", b"0");
            assert!(matches!(s.claim_now("q", "id-0", f, T), Claim::New(_)));
        });
    }

    #[tokio::test(flavor = "current_thread")]
    async fn in_flight_retry_waits_for_the_answer() {
        let s = MemoryIdempotency::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        let Claim::New(t) = s.claim_now("p", "ext", f, T) else {
            panic!("first claim")
        };
        let Claim::InFlight(w) = s.claim_now("p", "ext", f, T) else {
            panic!("second claim should wait")
        };
        let waiting = tokio::spawn(w.wait());
        t.complete(answer("done")).await.unwrap();
        let got = waiting.await.expect("join").expect("answer");
        assert_eq!(&got.body[..], b"done");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn waiter_of_abandoned_request_gets_none() {
        let s = MemoryIdempotency::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        let Claim::New(t) = s.claim_now("p", "ext", f, T) else {
            panic!("first claim")
        };
        let Claim::InFlight(w) = s.claim_now("p", "ext", f, T) else {
            panic!("second claim should wait")
        };
        drop(t);
        assert!(w.wait().await.is_none());
        assert!(matches!(s.claim_now("p", "ext", f, T), Claim::New(_)));
    }
}
