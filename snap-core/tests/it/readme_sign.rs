//! The README's "Signing example" is the `snap_core::sign` module doc test
//! (which rustdoc runs): this keeps the two copies identical.

#[test]
fn readme_signing_example_is_the_sign_module_doc_test() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let start = readme
        .find("## Signing example\n\n```rust\n")
        .expect("section with a rust block")
        + "## Signing example\n\n```rust\n".len();
    let end = start + readme[start..].find("```\n").unwrap();
    let block = &readme[start..end];
    let src = std::fs::read_to_string(format!("{root}/snap-core/src/sign.rs")).unwrap();
    let doc: String = src
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .filter(|l| !l.starts_with("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(block.lines().count() > 5);
    assert!(
        doc.contains(&format!("```\n{block}```\n")),
        "README block differs from the doc test:\n{block}"
    );
}
