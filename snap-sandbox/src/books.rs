//! What the sandbox's books (VA, QRIS, accounts, bindings) share: their
//! records live in a [`RecordStore`] (in memory, or Redis with `snap sandbox
//! --redis`, so that every sandbox process on it keeps one set of books),
//! written as the ledger writes its own:
//!
//! - an entity (a VA, a QR, an account) is one small JSON record changed by
//!   compare-and-set ([`snap_server::store::update`]): two instances never
//!   both win a change made from the same version;
//! - what happens to it (a payment, a refund, a statement line) is a record
//!   of its own, numbered by the sequence the entity's compare-and-set
//!   handed out, so that an operation touches a fixed number of small
//!   records whatever the entity's history;
//! - an operation named by the caller (a `paymentRequestId`, a
//!   `partnerRefundNo`) is claimed first: the claim record is created
//!   only if absent, so the same name is carried out once across
//!   instances, and a second caller with it waits for the first one's
//!   outcome;
//! - listings (the dashboard, VA report, statements) read bounded
//!   append-only lists, newest first.
//!
//! Every record expires [`RETENTION`] after its last change; the in-memory
//! store is bounded (the oldest records go first).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use snap_server::store::{Expect, RecordStore, StoreError, update};

/// How long a book keeps a record after its last change (7 days).
pub const RETENTION: Duration = Duration::from_secs(7 * 86_400);

/// The most entries a listing reads (newest first).
pub const LIST_LIMIT: usize = 1_000;

pub(crate) fn ttl() -> Option<Duration> {
    Some(RETENTION)
}

/// `{len}:{text}`: key parts that cannot run into each other.
pub(crate) fn part(s: &str) -> String {
    format!("{}:{s}", s.len())
}

pub(crate) fn encode<T: Serialize>(key: &str, v: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|e| StoreError::Corrupt {
        key: key.to_owned(),
        reason: e.to_string(),
    })
}

pub(crate) fn decode<T: for<'de> Deserialize<'de>>(
    key: &str,
    bytes: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        key: key.to_owned(),
        reason: e.to_string(),
    })
}

/// The JSON record under `key`, decoded.
pub(crate) async fn load<T: for<'de> Deserialize<'de>>(
    store: &dyn RecordStore,
    key: &str,
) -> Result<Option<T>, StoreError> {
    match store.get(key).await? {
        Some(r) => decode(key, &r.value).map(Some),
        None => Ok(None),
    }
}

/// Writes `v` under `key` whatever is there.
pub(crate) async fn save<T: Serialize>(
    store: &dyn RecordStore,
    key: &str,
    v: &T,
) -> Result<(), StoreError> {
    store.put(key, encode(key, v)?, Expect::Any, ttl()).await?;
    Ok(())
}

/// Read-modify-write of the JSON record under `key` with compare-and-set
/// (retried when another writer got in between): `f` sees the current
/// value (`None`: no record) and returns the new one and an output, or a
/// business refusal. Returns the output and the value written.
pub(crate) async fn modify<T, O, E>(
    store: &dyn RecordStore,
    key: &str,
    mut f: impl FnMut(Option<T>) -> Result<(T, O), E>,
) -> Result<Result<(T, O), E>, StoreError>
where
    T: Serialize + for<'de> Deserialize<'de>,
{
    let mut out: Option<(T, O)> = None;
    let mut fail: Option<StoreError> = None;
    let r = update(store, key, ttl(), |old| {
        let current = match old.map(|b| decode::<T>(key, b)).transpose() {
            Ok(c) => c,
            Err(e) => {
                fail = Some(e);
                return Ok(None);
            }
        };
        let (new, o) = f(current)?;
        match encode(key, &new) {
            Ok(bytes) => {
                out = Some((new, o));
                Ok(Some(bytes))
            }
            Err(e) => {
                fail = Some(e);
                Ok(None)
            }
        }
    })
    .await?;
    if let Some(e) = fail {
        return Err(e);
    }
    match r {
        Err(e) => Ok(Err(e)),
        Ok(()) => match out {
            Some(v) => Ok(Ok(v)),
            None => Err(StoreError::Backend(format!("record {key}: not written"))),
        },
    }
}

/// Appends `value` to the list `name` (shared by every instance on the
/// store). Entries are numbered by a store counter; the list's length
/// record only grows.
pub(crate) async fn push(
    store: &dyn RecordStore,
    name: &str,
    value: &str,
) -> Result<(), StoreError> {
    let n = store.next(&format!("{name}:seq")).await?;
    store
        .put(
            &format!("{name}:{n}"),
            value.as_bytes().to_vec(),
            Expect::Any,
            ttl(),
        )
        .await?;
    let len_key = format!("{name}:n");
    let _ = update(store, &len_key, ttl(), |old| {
        let cur = old
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0);
        if cur >= n {
            Ok::<_, ()>(None)
        } else {
            Ok(Some(n.to_string().into_bytes()))
        }
    })
    .await?;
    Ok(())
}

/// The latest `limit` (at most [`LIST_LIMIT`]) entries of the list `name`,
/// newest first (entries still being written or expired are skipped).
pub(crate) async fn latest(
    store: &dyn RecordStore,
    name: &str,
    limit: usize,
) -> Result<Vec<String>, StoreError> {
    let len = match store.get(&format!("{name}:n")).await? {
        Some(r) => std::str::from_utf8(&r.value)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0),
        None => 0,
    };
    let limit = limit.min(LIST_LIMIT) as u64;
    let mut out = Vec::new();
    let mut i = len;
    while i > 0 && (out.len() as u64) < limit && len - i < 2 * limit {
        if let Some(r) = store.get(&format!("{name}:{i}")).await? {
            out.push(String::from_utf8_lossy(&r.value).into_owned());
        }
        i -= 1;
    }
    Ok(out)
}

#[derive(Debug, Serialize, Deserialize)]
struct ClaimRecord {
    /// What the operation is for (an amount, a digest of its request).
    what: u64,
    /// The sequence number the operation got; 0 while it is under way.
    seq: u64,
}

/// The outcome of [`claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claimed {
    /// This caller carries the operation out; it must [`settle`] or
    /// [`release`] the claim.
    Fresh,
    /// The operation was carried out before: `what` it was for and the
    /// sequence number it got.
    Done { what: u64, seq: u64 },
}

/// Claims the operation named by `key` (for `what`): created only when
/// absent, so that of several callers (on any instance) one carries it
/// out; the others wait (up to two seconds) for its outcome.
pub(crate) async fn claim(
    store: &dyn RecordStore,
    key: &str,
    what: u64,
) -> Result<Claimed, StoreError> {
    let fresh = encode(key, &ClaimRecord { what, seq: 0 })?;
    for _ in 0..400 {
        if store.put(key, fresh.clone(), Expect::Absent, ttl()).await? {
            return Ok(Claimed::Fresh);
        }
        match load::<ClaimRecord>(store, key).await? {
            None => continue,
            Some(c) if c.seq > 0 => {
                return Ok(Claimed::Done {
                    what: c.what,
                    seq: c.seq,
                });
            }
            Some(c) if c.what != what => {
                // Under way with another content: the caller refuses
                // without waiting.
                return Ok(Claimed::Done {
                    what: c.what,
                    seq: 0,
                });
            }
            Some(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
    Err(StoreError::Backend(format!(
        "operation {key} is still under way"
    )))
}

/// Records that the claimed operation got `seq`.
pub(crate) async fn settle(
    store: &dyn RecordStore,
    key: &str,
    what: u64,
    seq: u64,
) -> Result<(), StoreError> {
    save(store, key, &ClaimRecord { what, seq }).await
}

/// Gives a claim up (the operation was refused): the name is free again.
pub(crate) async fn release(store: &dyn RecordStore, key: &str) {
    let _ = store.delete(key).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use snap_server::store::MemoryRecords;

    #[tokio::test]
    async fn lists_and_claims() {
        let s = MemoryRecords::new(1000);
        for i in 0..5 {
            push(&s, "l", &format!("v{i}")).await.unwrap();
        }
        assert_eq!(latest(&s, "l", 3).await.unwrap(), ["v4", "v3", "v2"]);
        assert!(latest(&s, "empty", 3).await.unwrap().is_empty());
        assert_eq!(claim(&s, "c", 7).await.unwrap(), Claimed::Fresh);
        settle(&s, "c", 7, 3).await.unwrap();
        assert_eq!(
            claim(&s, "c", 7).await.unwrap(),
            Claimed::Done { what: 7, seq: 3 }
        );
        assert_eq!(claim(&s, "d", 1).await.unwrap(), Claimed::Fresh);
        assert_eq!(
            claim(&s, "d", 2).await.unwrap(),
            Claimed::Done { what: 1, seq: 0 }
        );
        release(&s, "d").await;
        assert_eq!(claim(&s, "d", 2).await.unwrap(), Claimed::Fresh);
        let r: Result<(u32, ()), &str> = modify(&s, "m", |old: Option<u32>| {
            Ok::<_, &str>((old.unwrap_or(0) + 1, ()))
        })
        .await
        .unwrap();
        assert_eq!(r.unwrap().0, 1);
        let r = modify(&s, "m", |_: Option<u32>| Err::<(u32, ()), _>("no"))
            .await
            .unwrap();
        assert_eq!(r.unwrap_err(), "no");
    }
}
