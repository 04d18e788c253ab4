//! # snap-sandbox
//!
//! A local SNAP provider on loopback: every endpoint of `snap-endpoints`
//! behind the full provider-side checks of `snap_server` (headers,
//! tokens, timestamp window, signature over the raw bytes, X-EXTERNAL-ID
//! idempotency, validation), a stateful auth-payment [`ledger`], the
//! families' books ([`va`], [`qris`], [`accounts`], [`bindings`]; all in one
//! record store, in memory or Redis: see [`books`]), B2B2C auth codes
//! ([`auth_codes`]) and [`faults`] knobs for testing clients, and a
//! [`dashboard`] at `/` (payments per family, request log, actions). The BI
//! services no family keeps state for get a [`generic`] answer built from
//! their response declarations; with a merchant URL the sandbox sends the
//! bank's calls to the merchant ([`bank`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use snap_sandbox::{Sandbox, config::{SandboxConfig, sandbox_partner}};
//!
//! let partner = sandbox_partner("merchant-1", "client-secret", None)?;
//! let running = Sandbox::new(SandboxConfig::single(partner))?
//!     .bind("127.0.0.1:0".parse()?)
//!     .await?;
//! println!("sandbox at {}", running.base_url());
//! running.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Paths: BI endpoints at their declared path (`/v1.0/auth/payment`), every
//! other provider's under `/<provider>` (`/gopay/v1.0/auth/void`,
//! `/paydia/v1.0/auth/void`, `/ayopop/api/v2/bill/cancel`, `/ipg/reversal`);
//! the access-token endpoints also under `/gopay` and `/paydia`. With a
//! [`profile::Profile`] ([`Sandbox::with_profile`], `snap sandbox --profile
//! gopay`) only that provider is served, at its own paths.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

pub mod accounts;
mod app;
pub mod auth_codes;
pub mod bank;
pub mod bindings;
pub mod books;
pub mod config;
pub mod dashboard;
pub mod faults;
pub mod generic;
pub mod ledger;
pub mod profile;
pub mod qris;
pub mod routes;
pub mod va;

pub use app::{RunningSandbox, Sandbox, sandbox_path_of, serve};
