//! Embeds the portal samples of `snap-endpoints/tests/fixtures` (the seed
//! documents' request and response bodies, see the NOTES.md there) so that
//! `snap openapi` can show them as examples. The list is generated from the
//! directory, so a fixture added there appears without touching this crate.
//! When the directory is absent (a packaged `snap-cli` built on its own),
//! the list is empty and the document has no portal examples.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && let Ok(rel) = path.strip_prefix(root)
        {
            let key = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((key, path.clone()));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let fixtures = manifest.join("../snap-endpoints/tests/fixtures");
    let mut files = Vec::new();
    if fixtures.is_dir() {
        println!("cargo::rerun-if-changed={}", fixtures.display());
        collect(&fixtures, &fixtures, &mut files);
    }
    files.sort();
    let mut code = String::from(
        "/// The portal samples: (`provider/endpoint.kind[.variant].json`, text).\npub static SAMPLES: &[(&str, &str)] = &[\n",
    );
    for (key, path) in &files {
        let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
        code.push_str(&format!(
            "    ({key:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("samples.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
