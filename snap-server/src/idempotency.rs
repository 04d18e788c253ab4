//! X-EXTERNAL-ID reuse: one answer per partner, per Jakarta day, per ID.
//!
//! SNAP forbids reusing an `X-EXTERNAL-ID` on the same day (`409{SS}00
//! Conflict`), while GoPay documents a retry with the same ID and the same
//! body as safe. Both readings are served: the same ID with the **same**
//! request (method, path and minified body) gets the original answer again,
//! byte for byte (an idempotent replay); the same ID with a **different**
//! request is a conflict.
//!
//! A retry that arrives while the original is still being processed waits for
//! its answer ([`Claim::InFlight`]). When the original is abandoned before it
//! answered (its [`Ticket`] is dropped without [`Ticket::complete`]), the
//! reservation is released and a retry starts afresh.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use tokio::sync::watch;

/// What identifies "the same request": SHA-256 over method, path and the
/// minified body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Fingerprint of a request. `body` should be the minified body, so that
    /// a retry that only differs in insignificant whitespace still matches.
    pub fn of(method: &str, path: &str, body: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update([0]);
        h.update(path.as_bytes());
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
    /// The `Content-Type` sent.
    pub content_type: String,
    /// The body sent.
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    partner: String,
    day: u32,
    external_id: String,
}

#[derive(Debug)]
enum Entry {
    InFlight {
        fingerprint: Fingerprint,
        generation: u64,
        done: watch::Receiver<Option<Arc<StoredAnswer>>>,
    },
    Done {
        fingerprint: Fingerprint,
        answer: Arc<StoredAnswer>,
    },
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    generation: u64,
    newest_day: u32,
}

/// The in-memory store, keyed by partner, Jakarta day
/// ([`SnapTimestamp::day_key`](snap_core::time::SnapTimestamp::day_key),
/// `yyyymmdd`) and X-EXTERNAL-ID. When a new day starts, the entries of the
/// days before are dropped: uniqueness is per day.
#[derive(Debug, Default, Clone)]
pub struct IdempotencyStore {
    inner: Arc<Mutex<Inner>>,
}

/// The outcome of [`IdempotencyStore::claim`].
#[derive(Debug)]
pub enum Claim {
    /// First sight of this ID today: process the request, then
    /// [`Ticket::complete`] with the answer.
    New(Ticket),
    /// Seen with the same request and answered: send this again.
    Replay(Arc<StoredAnswer>),
    /// Seen with the same request, still being processed: wait for it.
    InFlight(Waiter),
    /// Seen today with a different request: answer `409{SS}00`.
    Conflict,
}

/// The right (and duty) to answer a claimed ID. Dropping it without
/// [`Ticket::complete`] releases the reservation.
#[derive(Debug)]
pub struct Ticket {
    store: IdempotencyStore,
    key: Option<Key>,
    generation: u64,
    fingerprint: Fingerprint,
    tx: watch::Sender<Option<Arc<StoredAnswer>>>,
}

impl Ticket {
    /// Records the answer: later retries with the same request replay it.
    pub fn complete(mut self, answer: StoredAnswer) -> Arc<StoredAnswer> {
        let answer = Arc::new(answer);
        if let Some(key) = self.key.take() {
            let mut inner = self.store.lock();
            let ours = matches!(inner.entries.get(&key),
                Some(Entry::InFlight { generation, .. }) if *generation == self.generation);
            if ours {
                inner.entries.insert(
                    key,
                    Entry::Done {
                        fingerprint: self.fingerprint,
                        answer: answer.clone(),
                    },
                );
            }
        }
        self.tx.send_replace(Some(answer.clone()));
        answer
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut inner = self.store.lock();
            let ours = matches!(inner.entries.get(&key),
                Some(Entry::InFlight { generation, .. }) if *generation == self.generation);
            if ours {
                inner.entries.remove(&key);
            }
        }
        // Waiters see the sender go away and claim again.
    }
}

/// Waits for the answer of an in-flight request with the same ID and body.
#[derive(Debug)]
pub struct Waiter {
    rx: watch::Receiver<Option<Arc<StoredAnswer>>>,
}

impl Waiter {
    /// The original's answer, or `None` when it was abandoned (claim again).
    pub async fn wait(mut self) -> Option<Arc<StoredAnswer>> {
        match self.rx.wait_for(Option::is_some).await {
            Ok(v) => v.clone(),
            Err(_) => None,
        }
    }
}

impl IdempotencyStore {
    /// An empty store.
    pub fn new() -> Self {
        IdempotencyStore::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every critical section leaves the map consistent, so a poisoned
        // lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Claims `external_id` of `partner` on Jakarta day `day` (`yyyymmdd`,
    /// [`SnapTimestamp::day_key`](snap_core::time::SnapTimestamp::day_key)) for a
    /// request with `fingerprint`.
    pub fn claim(
        &self,
        partner: &str,
        day: u32,
        external_id: &str,
        fingerprint: Fingerprint,
    ) -> Claim {
        let key = Key {
            partner: partner.to_owned(),
            day,
            external_id: external_id.to_owned(),
        };
        let mut inner = self.lock();
        if day > inner.newest_day {
            inner.newest_day = day;
            inner.entries.retain(|k, _| k.day >= day);
        }
        match inner.entries.get(&key) {
            Some(Entry::Done {
                fingerprint: f,
                answer,
            }) => {
                if *f == fingerprint {
                    Claim::Replay(answer.clone())
                } else {
                    Claim::Conflict
                }
            }
            Some(Entry::InFlight {
                fingerprint: f,
                done,
                ..
            }) => {
                if *f == fingerprint {
                    Claim::InFlight(Waiter { rx: done.clone() })
                } else {
                    Claim::Conflict
                }
            }
            None => {
                inner.generation += 1;
                let generation = inner.generation;
                let (tx, rx) = watch::channel(None);
                inner.entries.insert(
                    key.clone(),
                    Entry::InFlight {
                        fingerprint,
                        generation,
                        done: rx,
                    },
                );
                Claim::New(Ticket {
                    store: self.clone(),
                    key: Some(key),
                    generation,
                    fingerprint,
                    tx,
                })
            }
        }
    }

    /// Number of remembered IDs (in flight or answered).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> StoredAnswer {
        StoredAnswer {
            status: 200,
            content_type: "application/json".into(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn same_request_replays_different_conflicts() {
        let s = IdempotencyStore::new();
        let f = Fingerprint::of("POST", "/v1.0/auth/payment", b"{\"a\":1}");
        let g = Fingerprint::of("POST", "/v1.0/auth/payment", b"{\"a\":2}");
        let Claim::New(t) = s.claim("p", 20261122, "ext", f) else {
            panic!("first claim")
        };
        assert!(matches!(s.claim("p", 20261122, "ext", g), Claim::Conflict));
        t.complete(answer("first"));
        match s.claim("p", 20261122, "ext", f) {
            Claim::Replay(a) => assert_eq!(a.body, b"first"),
            other => panic!("expected a replay, got {other:?}"),
        }
        assert!(matches!(s.claim("p", 20261122, "ext", g), Claim::Conflict));
        // Another partner, another day: independent.
        assert!(matches!(s.claim("q", 20261122, "ext", g), Claim::New(_)));
        assert!(matches!(s.claim("p", 20261123, "ext", g), Claim::New(_)));
    }

    #[test]
    fn abandoned_ticket_releases_the_id() {
        let s = IdempotencyStore::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        let Claim::New(t) = s.claim("p", 20261122, "ext", f) else {
            panic!("first claim")
        };
        drop(t);
        assert!(matches!(s.claim("p", 20261122, "ext", f), Claim::New(_)));
    }

    #[test]
    fn a_new_day_forgets_the_old_ones() {
        let s = IdempotencyStore::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        if let Claim::New(t) = s.claim("p", 20261130, "a", f) {
            t.complete(answer("x"));
        }
        if let Claim::New(t) = s.claim("p", 20261130, "b", f) {
            t.complete(answer("x"));
        }
        assert_eq!(s.len(), 2);
        // Across a month boundary: the next day is 20261201.
        assert!(matches!(s.claim("p", 20261201, "a", f), Claim::New(_)));
        assert_eq!(
            s.len(),
            0,
            "the ticket was dropped and the old day forgotten"
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn in_flight_retry_waits_for_the_answer() {
        let s = IdempotencyStore::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        let Claim::New(t) = s.claim("p", 20261122, "ext", f) else {
            panic!("first claim")
        };
        let Claim::InFlight(w) = s.claim("p", 20261122, "ext", f) else {
            panic!("second claim should wait")
        };
        let waiting = tokio::spawn(w.wait());
        t.complete(answer("done"));
        let got = waiting.await.expect("join").expect("answer");
        assert_eq!(got.body, b"done");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn waiter_of_abandoned_request_gets_none() {
        let s = IdempotencyStore::new();
        let f = Fingerprint::of("POST", "/x", b"{}");
        let Claim::New(t) = s.claim("p", 20261122, "ext", f) else {
            panic!("first claim")
        };
        let Claim::InFlight(w) = s.claim("p", 20261122, "ext", f) else {
            panic!("second claim should wait")
        };
        drop(t);
        assert!(w.wait().await.is_none());
        assert!(matches!(s.claim("p", 20261122, "ext", f), Claim::New(_)));
    }
}
