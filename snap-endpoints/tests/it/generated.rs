//! The generated declarations and fixtures are what the generator writes
//! today: `python3 scripts/gen-catalogue/gen.py --check` (it re-runs the
//! generator into a temporary folder and compares, byte for byte, with the
//! committed `src/bi/**` and `tests/fixtures/bi/**` files it owns).
//!
//! Needs `python3` (3.11, standard library only) and `rustfmt`: without them
//! the test prints a notice and passes, unless `SNAP_REQUIRE_SERVICES=1`.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_files_are_up_to_date() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    let script = repo.join("scripts/gen-catalogue/gen.py");
    let required = std::env::var("SNAP_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
    let have = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !have("python3") || !have("rustfmt") {
        assert!(
            !required,
            "python3 and rustfmt are needed to check the generated files"
        );
        eprintln!("skipped: python3 or rustfmt not found; generated files not checked");
        return;
    }
    let out = Command::new("python3")
        .arg(&script)
        .arg("--check")
        .current_dir(repo)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the generated files differ from a fresh run of {}:\n{}{}",
        script.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
