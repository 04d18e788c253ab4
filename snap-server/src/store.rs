//! The state a provider shares between requests (and between instances),
//! behind async traits with two implementations each: in memory (the
//! embedded default, bounded) and Redis (cargo feature `redis`, several
//! instances act as one provider).
//!
//! | trait | what | memory | Redis |
//! |---|---|---|---|
//! | [`Partners`](crate::Partners) | who may call, with which keys | [`StaticPartners`](crate::StaticPartners) | your database |
//! | [`TokenStore`](crate::tokens::TokenStore) | issued access tokens (73/74) | [`MemoryTokens`](crate::tokens::MemoryTokens) | `RedisStores` |
//! | [`IdempotencyStore`](crate::idempotency::IdempotencyStore) | X-EXTERNAL-ID records and their answers | [`MemoryIdempotency`](crate::idempotency::MemoryIdempotency) | `RedisStores` |
//! | [`RateLimiter`](crate::limits::RateLimiter) | per-partner request budget | [`MemoryRateLimiter`](crate::limits::MemoryRateLimiter) | `RedisStores` |
//! | [`RecordStore`] | generic versioned records with compare-and-set (a provider's own state: the sandbox's ledger) | [`MemoryRecords`] | `RedisStores` |
//!
//! The traits return boxed futures ([`BoxFuture`]) so that they can be used
//! as `Arc<dyn Trait>`; an implementation is an ordinary `async` block.
//!
//! # RecordStore: state of your own on the same backend
//!
//! A provider's business state (a ledger, virtual accounts, transfers) can
//! live behind [`RecordStore`]: opaque byte records under string keys, each
//! with a version, written with compare-and-set ([`RecordStore::put`] with
//! [`Expect`]) and read-modify-written with [`update`]. A stateful family
//! keeps each entity in its own record (a payment; each capture under its own
//! key), so that every operation touches a bounded number of small records,
//! whatever the entity's history. Counters ([`RecordStore::next`]) give
//! numbers unique across instances.
//!
//! ```
//! # async fn demo() -> Result<(), snap_server::store::StoreError> {
//! use std::time::Duration;
//! use snap_server::store::{Expect, MemoryRecords, RecordStore, update};
//!
//! let records = MemoryRecords::new(10_000);
//! let ttl = Some(Duration::from_secs(3600));
//! assert!(records.put("va:123", b"open".to_vec(), Expect::Absent, ttl).await?);
//! assert!(!records.put("va:123", b"open".to_vec(), Expect::Absent, ttl).await?); // taken
//! let closed = update(&records, "va:123", ttl, |old| match old {
//!     Some(b"open") => Ok(Some(b"closed".to_vec())),
//!     _ => Err("not open"),
//! }).await?;
//! assert_eq!(closed, Ok(()));
//! assert_eq!(records.get("va:123").await?.map(|r| r.value), Some(b"closed".to_vec()));
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A boxed, sendable future: what the store traits return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A store could not answer (Redis unreachable, a record that does not
/// decode, a memory store at its cap). The provider side answers
/// `500{SS}01` (or `429{SS}00` for [`StoreError::Full`]) and logs the
/// reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend failed (connection, protocol).
    #[error("store backend: {0}")]
    Backend(String),
    /// A stored record does not decode.
    #[error("store record {key}: {reason}")]
    Corrupt {
        /// The record's key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A bounded store is full for this caller.
    #[error("store full: {0}")]
    Full(String),
}

/// Milliseconds since the Unix epoch (wall clock, shared by instances).
pub fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The Jakarta day (`yyyymmdd`) of a wall-clock instant in milliseconds.
pub fn jakarta_day(unix_ms: u64) -> u32 {
    let secs = i64::try_from(unix_ms / 1000).unwrap_or(i64::MAX / 2);
    let (y, m, d) = snap_core::time::jakarta_day_of(secs);
    u32::try_from(y).unwrap_or(0) * 10_000 + u32::from(m) * 100 + u32::from(d)
}

/// Milliseconds from `unix_ms` to the next Jakarta midnight (at least 1).
pub fn millis_to_jakarta_midnight(unix_ms: u64) -> u64 {
    const DAY: u64 = 86_400_000;
    const OFFSET: u64 = 7 * 3_600_000;
    let local = unix_ms + OFFSET;
    (DAY - local % DAY).max(1)
}

/// A stored record: its bytes and version (incremented by every write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The bytes.
    pub value: Vec<u8>,
    /// The version, `>= 1`.
    pub version: u64,
}

/// The condition of a [`RecordStore::put`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Write only when no record is under the key (create).
    Absent,
    /// Write only when the record has this version (compare-and-set).
    Version(u64),
    /// Write whatever is there.
    Any,
}

/// Versioned byte records with compare-and-set: the backend of a provider's
/// own state (see the [module docs](self)). Keys are chosen by the caller;
/// an implementation may prefix them.
pub trait RecordStore: Send + Sync + 'static {
    /// The record under `key`.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Record>, StoreError>>;

    /// Writes `value` under `key` when `expect` holds; `Ok(false)` when it
    /// does not (someone else wrote first). `ttl`: the record disappears
    /// after it (`None`: kept until evicted by a bounded store).
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        expect: Expect,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Removes the record under `key`; `Ok(false)` when there was none.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// The next value of the counter `name` (1, 2, 3, ...), unique across
    /// every user of the store.
    fn next<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<u64, StoreError>>;
}

/// Read-modify-write of one record with compare-and-set, retried when
/// another writer got in between (at most 64 times). `f` sees the current
/// bytes (`None`: no record) and returns the new bytes (`Ok(None)`: leave the
/// record as it is) or a business refusal `Err(e)`, returned as `Ok(Err(e))`.
pub async fn update<S, E, F>(
    store: &S,
    key: &str,
    ttl: Option<Duration>,
    mut f: F,
) -> Result<Result<(), E>, StoreError>
where
    S: RecordStore + ?Sized,
    F: FnMut(Option<&[u8]>) -> Result<Option<Vec<u8>>, E>,
{
    for _ in 0..64 {
        let current = store.get(key).await?;
        let expect = match &current {
            Some(r) => Expect::Version(r.version),
            None => Expect::Absent,
        };
        match f(current.as_ref().map(|r| r.value.as_slice())) {
            Err(e) => return Ok(Err(e)),
            Ok(None) => return Ok(Ok(())),
            Ok(Some(new)) => {
                if store.put(key, new, expect, ttl).await? {
                    return Ok(Ok(()));
                }
            }
        }
    }
    Err(StoreError::Backend(format!(
        "record {key}: too many concurrent writers"
    )))
}

const SHARDS: usize = 16;

#[derive(Debug)]
struct Slot {
    record: Record,
    expires: Option<Instant>,
    /// Insertion order stamp, for FIFO eviction.
    stamp: u64,
}

#[derive(Debug, Default)]
struct Shard {
    map: HashMap<Arc<str>, Slot>,
    order: VecDeque<(Arc<str>, u64)>,
}

/// [`RecordStore`] in memory: sharded (16 locks, each held for one map
/// operation: writers of different keys rarely meet), bounded to `capacity`
/// records (when full, the oldest record is evicted first; expired records
/// go first of all).
#[derive(Debug)]
pub struct MemoryRecords {
    shards: Vec<Mutex<Shard>>,
    per_shard: usize,
    stamp: AtomicU64,
    counters: std::sync::RwLock<HashMap<String, Arc<AtomicU64>>>,
    hasher: std::collections::hash_map::RandomState,
    evicted: AtomicU64,
}

impl MemoryRecords {
    /// A store holding at most `capacity` records (at least 16).
    pub fn new(capacity: usize) -> Self {
        MemoryRecords {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            per_shard: capacity.div_ceil(SHARDS).max(1),
            stamp: AtomicU64::new(0),
            counters: Default::default(),
            hasher: Default::default(),
            evicted: AtomicU64::new(0),
        }
    }

    fn shard(&self, key: &str) -> std::sync::MutexGuard<'_, Shard> {
        let i = (self.hasher.hash_one(key) as usize) % SHARDS;
        // Each critical section is one map operation: never half-done.
        self.shards[i].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records held now (expired ones not yet swept included).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).map.len())
            .sum()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records evicted so far because the store was full.
    pub fn evicted(&self) -> u64 {
        self.evicted.load(Ordering::Relaxed)
    }

    fn get_now(&self, key: &str) -> Option<Record> {
        let now = Instant::now();
        let mut shard = self.shard(key);
        match shard.map.get(key) {
            Some(s) if s.expires.is_none_or(|e| e > now) => Some(s.record.clone()),
            Some(_) => {
                shard.map.remove(key);
                None
            }
            None => None,
        }
    }

    fn put_now(&self, key: &str, value: Vec<u8>, expect: Expect, ttl: Option<Duration>) -> bool {
        let now = Instant::now();
        let mut shard = self.shard(key);
        let live = shard
            .map
            .get(key)
            .filter(|s| s.expires.is_none_or(|e| e > now));
        let version = match (expect, live) {
            (Expect::Absent, Some(_)) => return false,
            (Expect::Version(v), Some(s)) if s.record.version != v => return false,
            (Expect::Version(_), None) => return false,
            (_, Some(s)) => s.record.version + 1,
            (_, None) => 1,
        };
        let fresh = live.is_none();
        let slot = Slot {
            record: Record { value, version },
            expires: ttl.map(|t| now + t),
            stamp: 0,
        };
        if !fresh && let Some(existing) = shard.map.get_mut(key) {
            // Rewritten in place: keeps its place in the eviction order.
            let stamp = existing.stamp;
            *existing = Slot { stamp, ..slot };
            return true;
        }
        let stamp = self.stamp.fetch_add(1, Ordering::Relaxed);
        let key: Arc<str> = Arc::from(key);
        shard.map.insert(key.clone(), Slot { stamp, ..slot });
        {
            shard.order.push_back((key, stamp));
            // Bounded: drop the oldest entries (expired or not) past the cap;
            // stale order entries (rewritten or removed keys) are skipped.
            while shard.map.len() > self.per_shard || shard.order.len() > 2 * self.per_shard + 16 {
                let Some((old, st)) = shard.order.pop_front() else {
                    break;
                };
                if shard.map.get(&old).is_some_and(|s| s.stamp == st) {
                    if shard.map.len() > self.per_shard {
                        shard.map.remove(&old);
                        self.evicted.fetch_add(1, Ordering::Relaxed);
                    } else {
                        shard.order.push_back((old, st));
                        break;
                    }
                }
            }
        }
        true
    }
}

impl RecordStore for MemoryRecords {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Record>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.get_now(key))))
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        expect: Expect,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(
            Ok(self.put_now(key, value, expect, ttl)),
        ))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let removed = self.shard(key).map.remove(key).is_some();
        Box::pin(std::future::ready(Ok(removed)))
    }

    fn next<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<u64, StoreError>> {
        // Read lock and one atomic on the common path.
        let found = self
            .counters
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned();
        let counter = match found {
            Some(c) => c,
            None => self
                .counters
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .entry(name.to_owned())
                .or_default()
                .clone(),
        };
        Box::pin(std::future::ready(Ok(counter
            .fetch_add(1, Ordering::Relaxed)
            + 1)))
    }
}

/// Escapes control characters (and `\`) of a value before it goes into a
/// log field, so that a client-chosen value (a `clientId` with a newline)
/// cannot forge a log line. `Display` writes the escaped text.
///
/// ```
/// use snap_server::store::Escaped;
/// assert_eq!(Escaped("a\nb\u{1b}[31m").to_string(), "a\\nb\\u{1b}[31m");
/// assert_eq!(Escaped("merchant-1").to_string(), "merchant-1");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        for c in self.0.chars() {
            if c.is_control() || c == '\\' {
                for e in c.escape_debug() {
                    f.write_char(e)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn compare_and_set_and_update() {
        block(async {
            let s = MemoryRecords::new(100);
            assert!(
                s.put("k", b"a".to_vec(), Expect::Absent, None)
                    .await
                    .unwrap()
            );
            assert!(
                !s.put("k", b"b".to_vec(), Expect::Absent, None)
                    .await
                    .unwrap()
            );
            let r = s.get("k").await.unwrap().unwrap();
            assert_eq!((r.value.as_slice(), r.version), (&b"a"[..], 1));
            assert!(
                !s.put("k", b"c".to_vec(), Expect::Version(7), None)
                    .await
                    .unwrap()
            );
            assert!(
                s.put("k", b"c".to_vec(), Expect::Version(1), None)
                    .await
                    .unwrap()
            );
            let out = update(&s, "k", None, |v| {
                assert_eq!(v, Some(&b"c"[..]));
                Ok::<_, ()>(Some(b"d".to_vec()))
            })
            .await
            .unwrap();
            assert_eq!(out, Ok(()));
            assert_eq!(s.get("k").await.unwrap().unwrap().version, 3);
            assert_eq!(s.next("n").await.unwrap(), 1);
            assert_eq!(s.next("n").await.unwrap(), 2);
            assert!(s.delete("k").await.unwrap());
            assert!(s.get("k").await.unwrap().is_none());
        });
    }

    #[test]
    fn bounded_oldest_first_and_ttl() {
        block(async {
            let s = MemoryRecords::new(32);
            for i in 0..1000 {
                s.put(&format!("k{i}"), vec![0; 10], Expect::Any, None)
                    .await
                    .unwrap();
            }
            assert!(s.len() <= 32 + SHARDS, "{}", s.len());
            assert!(s.evicted() > 900);
            assert!(s.get("k999").await.unwrap().is_some());
            assert!(s.get("k0").await.unwrap().is_none());
            s.put("t", vec![1], Expect::Any, Some(Duration::from_millis(1)))
                .await
                .unwrap();
            std::thread::sleep(Duration::from_millis(5));
            assert!(s.get("t").await.unwrap().is_none());
            assert!(s.put("t", vec![2], Expect::Absent, None).await.unwrap());
        });
    }

    #[test]
    fn jakarta_days_and_midnight() {
        // 2026-11-22T16:59:59Z is 23:59:59 in Jakarta.
        let t = 1_795_366_799_000u64;
        assert_eq!(jakarta_day(t), 20261122);
        assert_eq!(millis_to_jakarta_midnight(t), 1000);
        assert_eq!(jakarta_day(t + 1000), 20261123);
    }

    #[test]
    fn escaping() {
        assert_eq!(Escaped("x\r\ny").to_string(), "x\\r\\ny");
        assert_eq!(Escaped("a\\b").to_string(), "a\\\\b");
    }
}
