//! trybuild UI tests: every misuse of the derives fails to compile with an
//! error at the offending token (tests/ui/*.rs + reviewed .stderr), and the
//! declarations in tests/ui/pass compile.
//!
//! The .stderr files were reviewed with the compiler named in
//! `tests/ui/RUSTC_VERSION`; compiler messages change between versions, so on
//! another compiler the compile-fail comparison is skipped with a notice (set
//! `SNAP_UI_ANY_RUSTC=1` to run it anyway, e.g. to refresh the files with
//! `TRYBUILD=overwrite`). The passing cases run on every compiler.

use std::process::Command;

fn pinned_compiler() -> bool {
    let pinned = include_str!("../ui/RUSTC_VERSION").trim();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let installed = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if installed == pinned || std::env::var_os("SNAP_UI_ANY_RUSTC").is_some() {
        true
    } else {
        eprintln!(
            "note: UI .stderr files were reviewed with `{pinned}`, this is `{installed}`: compile-fail cases skipped"
        );
        false
    }
}

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    if pinned_compiler() {
        t.compile_fail("ui/*.rs");
    }
}
