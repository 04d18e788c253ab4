//! snap-server used as a provider would: an axum app with its own state,
//! nested under a prefix, the ready token endpoints, served by
//! `snap_server::serve`; the Redis stores against a real `redis-server`
//! (`SNAP_TEST_REDIS_URL`, see the README's "Running the service tests").

mod axum_native;
mod connections;
#[cfg(feature = "redis")]
mod redis_stores;
mod support;
#[cfg(feature = "redis")]
mod two_instances;
