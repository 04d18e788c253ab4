//! The load benchmark runs end to end: both servers answer every signed
//! request as expected. Counts only; no timing decides anything here.

use std::time::Duration;

use snap_bench::load::{LoadConfig, Target, proc_status_kb, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_drives_both_targets_without_errors() {
    let report = run(LoadConfig {
        clients: 2,
        duration: Duration::from_millis(700),
        warmup: Duration::from_millis(100),
        rounds: 2,
        max_requests: 300,
        targets: vec![Target::Bare, Target::Sandbox],
        rss_interval: Duration::from_millis(50),
        redis: None,
    })
    .await
    .expect("set-up");
    assert_eq!(report.targets.len(), 2);
    for t in &report.targets {
        assert_eq!(t.errors, 0, "{:?}: {:?}", t.target, t.first_errors);
        assert!(t.ok > 0, "{:?} answered nothing", t.target);
        // the count cap holds: at most max_requests per target and round
        assert!(t.ok <= 2 * 300, "{:?}: {}", t.target, t.ok);
        assert_eq!(t.latencies_us.len() as u64, t.ok);
        assert!(t.latencies_us.windows(2).all(|w| w[0] <= w[1]), "sorted");
    }
    assert!(report.ratio().is_some());
    let md = report.to_markdown();
    assert!(
        md.contains("| sandbox |") && md.contains("| bare |"),
        "{md}"
    );
    if proc_status_kb("VmRSS") > 0 {
        assert!(report.vm_hwm_kb > 0);
        assert!(!report.rss_series(Target::Sandbox).is_empty());
    }
}
