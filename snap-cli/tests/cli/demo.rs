//! `snap demo`, run as the built binary: the whole flow against the
//! in-process sandbox, exit 0 only when every step is as expected.

use std::process::Command;

#[test]
fn demo_runs_every_step_as_expected() {
    let out = Command::new(env!("CARGO_BIN_EXE_snap"))
        .arg("demo")
        .output()
        .expect("the snap binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // The summary line: "N/N steps answered as expected ...; ledger invariants: hold".
    let summary = stdout
        .lines()
        .find(|l| l.contains("steps answered as expected"))
        .expect("summary line");
    let counts: Vec<&str> = summary
        .split_whitespace()
        .next()
        .unwrap()
        .split('/')
        .collect();
    assert_eq!(counts[0], counts[1], "{summary}");
    assert!(counts[0].parse::<u32>().unwrap() >= 36, "{summary}");
    assert!(summary.ends_with("ledger invariants: hold"), "{summary}");
    // The table names every step's endpoint, code and decoded message.
    for needle in [
        "Access Token B2B",
        "2007300",
        "Auth Payment",
        "2006300",
        "Auth Capture Query",
        "4096500",
        "Conflict",
        "4046913",
        "Invalid Amount",
        "GoPay Pre-Auth Void",
        // The VA, direct debit and QRIS families.
        "Create VA",
        "4042514",
        "Paid Bill",
        "VA Inquiry Status",
        "Direct Debit Payment",
        "4045813",
        "QR MPM Generate",
        "QR MPM Refund",
        "2005700",
        "2007700",
        "2003100",
        "Paydia Auth Void",
        "Ayopop Bill Cancel",
        "600",
        "IPG VA Reversal",
        "SUCCESS",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in\n{stdout}");
    }
    assert!(!stdout.contains("FAIL"), "{stdout}");
}
