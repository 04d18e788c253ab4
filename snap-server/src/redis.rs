//! The Redis stores (feature `redis`): several provider instances over one
//! `redis-server` act as one provider.
//!
//! [`RedisStores`] implements [`TokenStore`], [`IdempotencyStore`],
//! [`RateLimiter`] and [`RecordStore`] over one auto-reconnecting connection
//! (the `redis` crate's `ConnectionManager`, multiplexed). Every key starts
//! with a prefix (default `snap:`) and carries a TTL:
//!
//! | key | value | TTL |
//! |---|---|---|
//! | `{prefix}tok:{kind}:{sha256(token)}` | partner, customer, expiry (ms) | lifetime + 10 min (so that an expired token reads as expired, not unknown) |
//! | `{prefix}tokidx:{kind}:{sha256(partner)}` | sorted set of a partner's live tokens (the cap), scored issue ms × 1000 + sequence | the lifetime |
//! | `{prefix}tokidx:{kind}:{sha256(partner)}:seq` | the sequence that orders tokens issued in one millisecond | the lifetime |
//! | `{prefix}tokreplay:{replay key}` | the tokens a token request got (its replays get them again) | the B2B lifetime, at most a day |
//! | `{prefix}xid:{sha256(partner, X-EXTERNAL-ID)}` | in flight: fingerprint, day, owner; answered: fingerprint, day, status, body | in flight: the lease (60 s); answered: the rest of the Jakarta day + grace |
//! | `{prefix}rl:{sha256(partner)}:{window}` | request count of a window | two windows |
//! | `{prefix}rec:{key}` | version (16 hex digits) + bytes | the caller's |
//! | `{prefix}seq:{name}` | counter | none |
//!
//! Atomicity: an X-EXTERNAL-ID is claimed with one `SET key value NX PX
//! lease`; its answer replaces the claim only while the claim is still the
//! claimer's (a Lua compare-and-set), and so does a release. A retry that
//! finds the claim of another instance polls it (every 20 ms, bounded by the
//! wait limit) until the answer is there, then replays those exact bytes;
//! when the claim disappears (released, or its instance died and the lease
//! ran out) the retry claims anew. Token issuing, the partner cap and the
//! replay record are one Lua script; a refresh token is consumed by one.
//! Records are compare-and-set by a Lua script on their version.
//!
//! Tokens themselves are never stored: keys carry their SHA-256.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use sha2::{Digest, Sha256};

use crate::ProviderConfig;
use crate::idempotency::{
    Claim, Fingerprint, IdempotencyPolicy, IdempotencyStore, Reservation, StoredAnswer, Ticket,
    Waiter,
};
use crate::limits::{RateLimit, RateLimiter};
use crate::store::{BoxFuture, Expect, Record, RecordStore, StoreError, jakarta_day, unix_millis};
use crate::tokens::{
    B2bGrant, CustomerGrant, CustomerTokens, IssuedToken, RefreshError, ReplayKey, TokenLifetimes,
    TokenPolicy, TokenProblem, TokenStore, hex, random_token, token_digest,
};

const SEP: char = '\u{1f}';
/// How long an expired token still reads as expired (not unknown).
const EXPIRED_GRACE_MS: u64 = 600_000;
/// How often a retry polls the original's claim on another instance.
const POLL: Duration = Duration::from_millis(20);

fn backend(e: redis::RedisError) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX / 4).max(1)
}

/// Tokens, X-EXTERNAL-ID records, rate limits and records in Redis. Cheap to
/// clone (one shared multiplexed connection).
#[derive(Clone)]
pub struct RedisStores {
    conn: ConnectionManager,
    prefix: Arc<str>,
    tokens: TokenPolicy,
    idempotency: IdempotencyPolicy,
    rate: Option<RateLimit>,
}

impl std::fmt::Debug for RedisStores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStores")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

const ISSUE: &str = r"
if ARGV[1] ~= '' and ARGV[7] ~= 'force' then
  local r = redis.call('GET', ARGV[1])
  if r then return r end
end
local i = 8
while i <= #ARGV do
  local tk, zk, member, val, px, minscore = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5]
  redis.call('SET', tk, val, 'PX', px)
  -- score: issue time (ms) * 1000 + a per-partner sequence, so tokens
  -- issued in the same millisecond keep their order and the cap retires
  -- the oldest (with the time alone, ties fall to the member's bytes).
  local seq = redis.call('INCR', zk .. ':seq') % 1000
  redis.call('PEXPIRE', zk .. ':seq', px)
  redis.call('ZREMRANGEBYSCORE', zk, '-inf', '(' .. (tonumber(minscore) * 1000))
  redis.call('ZADD', zk, tonumber(ARGV[4]) * 1000 + seq, member)
  redis.call('PEXPIRE', zk, px)
  local n = redis.call('ZCARD', zk)
  local cap = tonumber(ARGV[5])
  if n > cap then
    local old = redis.call('ZPOPMIN', zk, n - cap)
    for j = 1, #old, 2 do redis.call('DEL', ARGV[6] .. old[j]) end
  end
  i = i + 6
end
if ARGV[1] ~= '' then redis.call('SET', ARGV[1], ARGV[2], 'PX', ARGV[3]) end
return false
";

const CONSUME: &str = r"
local v = redis.call('GET', KEYS[1])
if not v then return false end
if string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. '\31' then redis.call('DEL', KEYS[1]) end
return v
";

const EXPIRE_ALL: &str = r"
local n = 0
for _, zk in ipairs(KEYS) do
  local members = redis.call('ZRANGE', zk, 0, -1)
  for _, m in ipairs(members) do
    local k = ARGV[1] .. m
    local v = redis.call('GET', k)
    if v then
      local a = string.find(v, '\31', 1, true)
      local b = a and string.find(v, '\31', a + 1, true)
      if b and tonumber(string.sub(v, b + 1)) > tonumber(ARGV[2]) then
        redis.call('SET', k, string.sub(v, 1, b) .. ARGV[2], 'KEEPTTL')
        n = n + 1
      end
    end
  end
end
return n
";

/// Replace `KEYS[1]` by `ARGV[2]` (with TTL `ARGV[3]` ms) only while it
/// holds `ARGV[1]`; `ARGV[2] == ''` deletes it.
const SWAP: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
  return 1
end
return 0
";

/// Records: `ARGV[1]` mode (`v` version, `a` any), `ARGV[2]` expected
/// version (16 hex), `ARGV[3]` payload, `ARGV[4]` TTL ms (`0`: none).
const RECORD_PUT: &str = r"
local cur = redis.call('GET', KEYS[1])
local ver = 0
if cur then ver = tonumber(string.sub(cur, 1, 16), 16) end
if ARGV[1] == 'v' then
  if not cur or string.sub(cur, 1, 16) ~= ARGV[2] then return 0 end
end
local new = string.format('%016x', ver + 1) .. ARGV[3]
if tonumber(ARGV[4]) > 0 then redis.call('SET', KEYS[1], new, 'PX', ARGV[4]) else redis.call('SET', KEYS[1], new) end
return 1
";

fn script(cell: &'static std::sync::OnceLock<redis::Script>, text: &str) -> &'static redis::Script {
    cell.get_or_init(|| redis::Script::new(text))
}

macro_rules! scripts {
    ($($f:ident = $text:ident;)*) => {$(
        fn $f() -> &'static redis::Script {
            static CELL: std::sync::OnceLock<redis::Script> = std::sync::OnceLock::new();
            script(&CELL, $text)
        }
    )*};
}

scripts! {
    issue_script = ISSUE;
    consume_script = CONSUME;
    expire_all_script = EXPIRE_ALL;
    swap_script = SWAP;
    record_put_script = RECORD_PUT;
}

impl RedisStores {
    /// Connects to `url` (`redis://HOST:PORT/`), keys prefixed with
    /// `prefix` (e.g. `snap:`), token lifetimes and caps, X-EXTERNAL-ID
    /// policy and rate limit from `config`.
    ///
    /// # Errors
    /// The URL does not parse, or the server cannot be reached.
    pub async fn connect(
        url: &str,
        prefix: &str,
        config: &ProviderConfig,
    ) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(backend)?;
        let manager = redis::aio::ConnectionManagerConfig::new()
            .set_number_of_retries(2)
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(5)));
        let conn = tokio::time::timeout(
            Duration::from_secs(10),
            client.get_connection_manager_with_config(manager),
        )
        .await
        .map_err(|_| StoreError::Backend(format!("no answer from {url} within 10 s")))?
        .map_err(backend)?;
        let mut s = RedisStores {
            conn,
            prefix: Arc::from(prefix),
            tokens: config.token_policy(),
            idempotency: config.idempotency(),
            rate: config.rate_limit(),
        };
        let pong: String = redis::cmd("PING")
            .query_async(&mut s.conn)
            .await
            .map_err(backend)?;
        if pong != "PONG" {
            return Err(StoreError::Backend(format!("PING answered {pong:?}")));
        }
        Ok(s)
    }

    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    fn key(&self, rest: &str) -> String {
        format!("{}{rest}", self.prefix)
    }

    fn lifetime(&self, kind: &str) -> Duration {
        let l = self.tokens.lifetimes;
        match kind {
            "b2b" => l.b2b,
            "cust" => l.customer,
            _ => l.refresh,
        }
    }

    /// One token's arguments for [`ISSUE`].
    fn token_args(
        &self,
        kind: &str,
        token: &str,
        partner: &str,
        customer: &str,
        now: u64,
    ) -> [String; 6] {
        let digest = token_digest(token);
        let life = ms(self.lifetime(kind));
        [
            self.key(&format!("tok:{kind}:{digest}")),
            self.key(&format!("tokidx:{kind}:{}", token_digest(partner))),
            format!("{kind}:{digest}"),
            format!("{partner}{SEP}{customer}{SEP}{}", now + life),
            (life + EXPIRED_GRACE_MS).to_string(),
            now.saturating_sub(life).to_string(),
        ]
    }

    /// Issues `tokens` (kind, token, customer) with the partner cap; with a
    /// `replay` key seen before, returns that request's value instead
    /// (unless `force`).
    async fn issue(
        &self,
        partner: &str,
        replay: Option<ReplayKey>,
        tokens: &[(&str, &str, &str)],
        replay_value: &str,
        force: bool,
    ) -> Result<Option<String>, StoreError> {
        let now = unix_millis();
        let mut inv = issue_script().prepare_invoke();
        let replay_key = replay
            .map(|k| self.key(&format!("tokreplay:{}", k.hex())))
            .unwrap_or_default();
        let replay_px = ms(self.tokens.lifetimes.b2b.min(Duration::from_secs(86_400)));
        inv.arg(&replay_key)
            .arg(replay_value)
            .arg(replay_px)
            .arg(now)
            .arg(self.tokens.max_live_per_partner)
            .arg(self.key("tok:"))
            .arg(if force { "force" } else { "" });
        for (kind, token, customer) in tokens {
            for a in self.token_args(kind, token, partner, customer, now) {
                inv.arg(a);
            }
        }
        inv.invoke_async(&mut self.conn()).await.map_err(backend)
    }

    async fn check_token(
        &self,
        kind: &str,
        token: &str,
    ) -> Result<Result<(String, String), TokenProblem>, StoreError> {
        let k = self.key(&format!("tok:{kind}:{}", token_digest(token)));
        let v: Option<String> = redis::cmd("GET")
            .arg(&k)
            .query_async(&mut self.conn())
            .await
            .map_err(backend)?;
        Ok(decode_token(v.as_deref()))
    }

    fn customer_tokens(&self, access: String, refresh: String, customer: &str) -> CustomerTokens {
        let l = self.tokens.lifetimes;
        CustomerTokens {
            access: IssuedToken {
                token: access,
                expires_in: l.customer,
            },
            refresh: IssuedToken {
                token: refresh,
                expires_in: l.refresh,
            },
            customer: customer.to_owned(),
        }
    }

    async fn mint_customer(
        &self,
        partner: &str,
        customer: &str,
        replay: Option<ReplayKey>,
    ) -> Result<CustomerTokens, StoreError> {
        let access = random_token();
        let refresh = random_token();
        let value = format!("{access}{SEP}{refresh}{SEP}{customer}");
        let mut got = self
            .issue(
                partner,
                replay,
                &[("cust", &access, customer), ("ref", &refresh, customer)],
                &value,
                false,
            )
            .await?;
        // A replay whose tokens were expired since (sandbox helper): mint.
        if let Some(v) = &got
            && let Some(a) = v.split(SEP).next()
            && self.check_token("cust", a).await?.is_err()
        {
            got = self
                .issue(
                    partner,
                    replay,
                    &[("cust", &access, customer), ("ref", &refresh, customer)],
                    &value,
                    true,
                )
                .await?;
        }
        match got {
            None => Ok(self.customer_tokens(access, refresh, customer)),
            Some(v) => {
                let mut it = v.split(SEP);
                let (a, r, c) = (it.next(), it.next(), it.next());
                match (a, r, c) {
                    (Some(a), Some(r), Some(c)) => {
                        Ok(self.customer_tokens(a.to_owned(), r.to_owned(), c))
                    }
                    _ => Err(StoreError::Corrupt {
                        key: "tokreplay".into(),
                        reason: "not customer tokens".into(),
                    }),
                }
            }
        }
    }

    fn xid_key(&self, partner: &str, external_id: &str) -> String {
        let mut h = Sha256::new();
        h.update(partner.as_bytes());
        h.update([0]);
        h.update(external_id.as_bytes());
        self.key(&format!("xid:{}", hex(&h.finalize())))
    }
}

/// `partner SEP customer SEP expires_ms` -> (partner, customer).
fn decode_token(v: Option<&str>) -> Result<(String, String), TokenProblem> {
    let v = v.ok_or(TokenProblem::Unknown)?;
    let mut it = v.split(SEP);
    let (Some(p), Some(c), Some(e)) = (it.next(), it.next(), it.next()) else {
        return Err(TokenProblem::Unknown);
    };
    let expires: u64 = e.parse().map_err(|_| TokenProblem::Unknown)?;
    if unix_millis() >= expires {
        return Err(TokenProblem::Expired);
    }
    Ok((p.to_owned(), c.to_owned()))
}

impl TokenStore for RedisStores {
    fn lifetimes(&self) -> TokenLifetimes {
        self.tokens.lifetimes
    }

    fn issue_b2b<'a>(
        &'a self,
        partner: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<IssuedToken, StoreError>> {
        Box::pin(async move {
            let token = random_token();
            let mut got = self
                .issue(partner, replay, &[("b2b", &token, "")], &token, false)
                .await?;
            // A replay whose token was expired since (sandbox helper): mint.
            if let Some(t) = &got
                && self.check_token("b2b", t).await?.is_err()
            {
                got = self
                    .issue(partner, replay, &[("b2b", &token, "")], &token, true)
                    .await?;
            }
            Ok(IssuedToken {
                token: got.unwrap_or(token),
                expires_in: self.tokens.lifetimes.b2b,
            })
        })
    }

    fn check_b2b<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<B2bGrant, TokenProblem>, StoreError>> {
        Box::pin(async move {
            Ok(self
                .check_token("b2b", token)
                .await?
                .map(|(partner, _)| B2bGrant { partner }))
        })
    }

    fn issue_customer<'a>(
        &'a self,
        partner: &'a str,
        customer: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, StoreError>> {
        Box::pin(self.mint_customer(partner, customer, replay))
    }

    fn refresh_customer<'a>(
        &'a self,
        partner: &'a str,
        refresh: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, RefreshError>> {
        Box::pin(async move {
            if let Some(k) = replay {
                let v: Option<String> = redis::cmd("GET")
                    .arg(self.key(&format!("tokreplay:{}", k.hex())))
                    .query_async(&mut self.conn())
                    .await
                    .map_err(backend)?;
                if let Some(v) = v {
                    let mut it = v.split(SEP);
                    if let (Some(a), Some(r), Some(c)) = (it.next(), it.next(), it.next()) {
                        return Ok(self.customer_tokens(a.to_owned(), r.to_owned(), c));
                    }
                }
            }
            let k = self.key(&format!("tok:ref:{}", token_digest(refresh)));
            let v: Option<String> = consume_script()
                .key(&k)
                .arg(partner)
                .invoke_async(&mut self.conn())
                .await
                .map_err(backend)?;
            let (p, customer) = decode_token(v.as_deref())?;
            if p != partner {
                return Err(TokenProblem::WrongPartner.into());
            }
            Ok(self.mint_customer(partner, &customer, replay).await?)
        })
    }

    fn check_customer<'a>(
        &'a self,
        partner: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<CustomerGrant, TokenProblem>, StoreError>> {
        Box::pin(async move {
            Ok(self.check_token("cust", token).await?.and_then(|(p, c)| {
                if p == partner {
                    Ok(CustomerGrant {
                        partner: p,
                        customer: c,
                    })
                } else {
                    Err(TokenProblem::WrongPartner)
                }
            }))
        })
    }

    fn expire_partner<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<usize, StoreError>> {
        Box::pin(async move {
            let ph = token_digest(partner);
            let mut inv = expire_all_script().prepare_invoke();
            for kind in ["b2b", "cust", "ref"] {
                inv.key(self.key(&format!("tokidx:{kind}:{ph}")));
            }
            inv.arg(self.key("tok:")).arg(unix_millis());
            let n: usize = inv.invoke_async(&mut self.conn()).await.map_err(backend)?;
            Ok(n)
        })
    }
}

// ------------------------------------------------------------ X-EXTERNAL-ID

/// A stored X-EXTERNAL-ID record.
enum XidState {
    InFlight,
    Done { status: u16, body: Vec<u8> },
}

struct Xid {
    fingerprint: [u8; 32],
    day: u32,
    state: XidState,
}

fn encode_in_flight(fp: &Fingerprint, day: u32, owner: &str) -> Vec<u8> {
    format!("I{SEP}{}{SEP}{day}{SEP}{owner}", hex(&fp.0)).into_bytes()
}

fn encode_done(fp: &[u8; 32], day: u32, answer: &StoredAnswer) -> Vec<u8> {
    let mut v = format!("D{SEP}{}{SEP}{day}{SEP}{}{SEP}", hex(fp), answer.status).into_bytes();
    v.extend_from_slice(&answer.body);
    v
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn decode_xid(v: &[u8]) -> Option<Xid> {
    let sep = SEP as u8;
    let mut fields = v.splitn(5, |b| *b == sep);
    let tag = fields.next()?;
    let fp = unhex32(std::str::from_utf8(fields.next()?).ok()?)?;
    let day: u32 = std::str::from_utf8(fields.next()?).ok()?.parse().ok()?;
    let state = match tag {
        b"I" => XidState::InFlight,
        b"D" => {
            let status: u16 = std::str::from_utf8(fields.next()?).ok()?.parse().ok()?;
            XidState::Done {
                status,
                body: fields.next().unwrap_or_default().to_vec(),
            }
        }
        _ => return None,
    };
    Some(Xid {
        fingerprint: fp,
        day,
        state,
    })
}

struct RedisReservation {
    stores: RedisStores,
    key: String,
    claim: Vec<u8>,
    fingerprint: [u8; 32],
    day: u32,
}

impl RedisReservation {
    async fn swap(&self, new: &[u8], ttl_ms: u64) -> Result<(), StoreError> {
        let _: i64 = swap_script()
            .key(&self.key)
            .arg(&self.claim[..])
            .arg(new)
            .arg(ttl_ms)
            .invoke_async(&mut self.stores.conn())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

impl Reservation for RedisReservation {
    fn complete(
        self: Box<Self>,
        answer: Arc<StoredAnswer>,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            let now = unix_millis();
            let ttl = self
                .stores
                .idempotency
                .expires_at(now)
                .saturating_sub(now)
                .max(1);
            let done = encode_done(&self.fingerprint, self.day, &answer);
            self.swap(&done, ttl).await
        })
    }

    fn release(self: Box<Self>) {
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                if let Err(e) = self.swap(b"", 1).await {
                    tracing::warn!(target: "snap::server", error = %e, "X-EXTERNAL-ID claim not released; its lease will run out");
                }
            });
        }
    }
}

impl IdempotencyStore for RedisStores {
    fn claim<'a>(
        &'a self,
        partner: &'a str,
        external_id: &'a str,
        fingerprint: Fingerprint,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move {
            let key = self.xid_key(partner, external_id);
            let today = jakarta_day(now_ms);
            let owner = random_token();
            let claim = encode_in_flight(&fingerprint, today, &owner);
            let lease = ms(self.idempotency.lease);
            let reservation = |claim: Vec<u8>| {
                Claim::New(Ticket::new(RedisReservation {
                    stores: self.clone(),
                    key: key.clone(),
                    claim,
                    fingerprint: fingerprint.0,
                    day: today,
                }))
            };
            for _ in 0..8 {
                let set: Option<String> = redis::cmd("SET")
                    .arg(&key)
                    .arg(&claim[..])
                    .arg("NX")
                    .arg("PX")
                    .arg(lease)
                    .query_async(&mut self.conn())
                    .await
                    .map_err(backend)?;
                if set.is_some() {
                    return Ok(reservation(claim));
                }
                let seen: Option<Vec<u8>> = redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut self.conn())
                    .await
                    .map_err(backend)?;
                let Some(seen) = seen else { continue };
                let Some(x) = decode_xid(&seen) else {
                    return Err(StoreError::Corrupt {
                        key,
                        reason: "not an X-EXTERNAL-ID record".into(),
                    });
                };
                if x.fingerprint == fingerprint.0 {
                    return Ok(match x.state {
                        XidState::Done { status, body } => Claim::Replay(Arc::new(StoredAnswer {
                            status,
                            body: body.into(),
                        })),
                        XidState::InFlight => Claim::InFlight(self.waiter(key.clone(), seen)),
                    });
                }
                if x.day < today && matches!(x.state, XidState::Done { .. }) {
                    // Yesterday's answered ID, kept for the grace window: free
                    // for another request today.
                    let swapped: i64 = swap_script()
                        .key(&key)
                        .arg(&seen[..])
                        .arg(&claim[..])
                        .arg(lease)
                        .invoke_async(&mut self.conn())
                        .await
                        .map_err(backend)?;
                    if swapped == 1 {
                        return Ok(reservation(claim));
                    }
                    continue;
                }
                return Ok(Claim::Conflict);
            }
            Err(StoreError::Backend(
                "X-EXTERNAL-ID claim kept changing under us".into(),
            ))
        })
    }
}

impl RedisStores {
    /// Polls an in-flight claim until it is answered (its bytes), released
    /// or replaced (`None`), bounded by the wait limit.
    fn waiter(&self, key: String, claim: Vec<u8>) -> Waiter {
        let stores = self.clone();
        let limit = self.idempotency.wait_limit;
        Waiter::new(Box::pin(async move {
            let deadline = tokio::time::Instant::now() + limit;
            while tokio::time::Instant::now() < deadline {
                tokio::time::sleep(POLL).await;
                let seen: Option<Vec<u8>> = match redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut stores.conn())
                    .await
                {
                    Ok(v) => v,
                    Err(_) => continue,
                };
                match seen {
                    None => return None,
                    Some(v) if v == claim => continue,
                    Some(v) => {
                        return match decode_xid(&v) {
                            Some(Xid {
                                state: XidState::Done { status, body },
                                ..
                            }) => Some(Arc::new(StoredAnswer {
                                status,
                                body: body.into(),
                            })),
                            _ => None,
                        };
                    }
                }
            }
            None
        }))
    }
}

impl RateLimiter for RedisStores {
    fn admit<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let Some(limit) = self.rate else {
                return Ok(true);
            };
            let per = ms(limit.per);
            let window = unix_millis() / per;
            let key = self.key(&format!("rl:{}:{window}", token_digest(partner)));
            let (count,): (u64,) = redis::pipe()
                .atomic()
                .cmd("INCR")
                .arg(&key)
                .cmd("PEXPIRE")
                .arg(&key)
                .arg(per * 2)
                .ignore()
                .query_async(&mut self.conn())
                .await
                .map_err(backend)?;
            Ok(count <= u64::from(limit.requests))
        })
    }
}

impl RecordStore for RedisStores {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Record>, StoreError>> {
        Box::pin(async move {
            let k = self.key(&format!("rec:{key}"));
            let v: Option<Vec<u8>> = redis::cmd("GET")
                .arg(&k)
                .query_async(&mut self.conn())
                .await
                .map_err(backend)?;
            let Some(v) = v else { return Ok(None) };
            let version = v
                .get(..16)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .ok_or_else(|| StoreError::Corrupt {
                    key: key.to_owned(),
                    reason: "no version".into(),
                })?;
            Ok(Some(Record {
                value: v[16..].to_vec(),
                version,
            }))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        expect: Expect,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let k = self.key(&format!("rec:{key}"));
            let ttl_ms = ttl.map(ms).unwrap_or(0);
            if expect == Expect::Absent {
                let mut payload = format!("{:016x}", 1u64).into_bytes();
                payload.extend_from_slice(&value);
                let mut cmd = redis::cmd("SET");
                cmd.arg(&k).arg(payload).arg("NX");
                if ttl_ms > 0 {
                    cmd.arg("PX").arg(ttl_ms);
                }
                let set: Option<String> =
                    cmd.query_async(&mut self.conn()).await.map_err(backend)?;
                return Ok(set.is_some());
            }
            let (mode, version) = match expect {
                Expect::Version(v) => ("v", format!("{v:016x}")),
                _ => ("a", String::new()),
            };
            let done: i64 = record_put_script()
                .key(&k)
                .arg(mode)
                .arg(version)
                .arg(value)
                .arg(ttl_ms)
                .invoke_async(&mut self.conn())
                .await
                .map_err(backend)?;
            Ok(done == 1)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let n: i64 = redis::cmd("DEL")
                .arg(self.key(&format!("rec:{key}")))
                .query_async(&mut self.conn())
                .await
                .map_err(backend)?;
            Ok(n > 0)
        })
    }

    fn next<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(async move {
            let n: u64 = redis::cmd("INCR")
                .arg(self.key(&format!("seq:{name}")))
                .query_async(&mut self.conn())
                .await
                .map_err(backend)?;
            Ok(n)
        })
    }
}
