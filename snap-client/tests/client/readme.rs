//! The README's "Call a provider" example is the `snap_client` module
//! doc test (which rustdoc compiles): this keeps the two copies identical.

#[test]
fn readme_call_example_is_the_client_module_doc_test() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let section = readme
        .find("## Call a provider\n")
        .expect("README has the section");
    let open = "```rust,no_run\n";
    let start = section + readme[section..].find(open).expect("a rust block") + open.len();
    let end = start + readme[start..].find("```\n").unwrap();
    let block = &readme[start..end];
    let src = std::fs::read_to_string(format!("{root}/snap-client/src/lib.rs")).unwrap();
    let doc: String = src
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(block.lines().count() > 20);
    assert!(
        doc.contains(&format!("```no_run\n{block}```\n")),
        "README block differs from the client module doc test:\n{block}"
    );
}
