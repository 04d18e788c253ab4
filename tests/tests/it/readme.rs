//! The README's "Declare your own endpoint" example is the doc test in
//! `snap_core::endpoint`: the two copies must stay identical.

fn read(rel: &str) -> String {
    let path = format!("{}/../{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first ```rust block after `## Declare your own endpoint`.
fn readme_example() -> String {
    let readme = read("README.md");
    let section = readme
        .split("\n## Declare your own endpoint\n")
        .nth(1)
        .expect("README has the section");
    let start = section.find("```rust\n").expect("a rust block") + "```rust\n".len();
    let len = section[start..].find("\n```").expect("block end");
    section[start..start + len].to_owned()
}

/// The first ``` block of the `//!` docs under `# Declaring an endpoint`.
fn doc_example() -> String {
    let src = read("snap-core/src/endpoint.rs");
    let docs: Vec<&str> = src
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.strip_prefix("//!").unwrap_or(l))
        })
        .collect();
    let at = docs
        .iter()
        .position(|l| *l == "# Declaring an endpoint")
        .expect("doc heading");
    let open = at
        + docs[at..]
            .iter()
            .position(|l| *l == "```")
            .expect("block start");
    let close = open
        + 1
        + docs[open + 1..]
            .iter()
            .position(|l| *l == "```")
            .expect("block end");
    docs[open + 1..close].join("\n")
}

#[test]
fn readme_example_is_the_doc_test() {
    let readme = readme_example();
    let doc = doc_example();
    assert!(readme.contains("#[snap::request(service = 67"));
    assert_eq!(readme, doc, "README and snap_core::endpoint docs differ");
}
