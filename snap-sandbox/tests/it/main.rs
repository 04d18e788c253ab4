//! Integration tests of the sandbox over real HTTP on 127.0.0.1: every
//! provider-side check, every endpoint, the ledger under concurrency, the
//! fault knobs, the notification verifier.
#![forbid(unsafe_code)]

mod books;
mod checks;
mod client;
mod concurrency;
mod config_file;
mod dashboard;
mod families;
mod fault_injection;
mod faults;
mod fuzz_replay;
mod generic;
mod header_table;
mod ledger_flow;
mod merchant_calls;
mod midtrans;
mod notify;
mod one_parser;
mod one_provider;
mod profiles;
mod provider;
mod security;
mod support;
mod tokens;
mod variants;
