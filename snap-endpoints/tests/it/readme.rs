//! The README's endpoint table is `snap endpoints --markdown`
//! ([`registry::markdown`]): regenerate it with
//! `cargo run -p snap-cli -- endpoints --markdown` and paste it between the
//! markers when this fails.

use snap_endpoints::registry;

#[test]
fn the_readme_endpoint_table_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let begin = "<!-- snap endpoints --markdown: begin -->\n";
    let end = "<!-- snap endpoints --markdown: end -->";
    let start = readme.find(begin).expect("the begin marker") + begin.len();
    let stop = readme[start..].find(end).expect("the end marker") + start;
    let generated = registry::markdown();
    assert!(
        readme[start..stop] == generated,
        "README.md's endpoint table differs from `snap endpoints --markdown`:\n{generated}"
    );
    // Every registered endpoint is a row, grouped: 18 BI pages and the
    // providers' table.
    for e in registry::registry() {
        assert!(
            generated.contains(&format!("| {} |", e.meta.name)),
            "{}",
            e.meta.name
        );
    }
    let pages = generated
        .lines()
        .filter(|l| l.starts_with("| SC |"))
        .count();
    assert_eq!(pages, 18);
    assert_eq!(generated.matches("### ").count(), 7);
}
