//! Fixture loading and JSON edits shared by the test modules.

use serde_json::Value;

/// The bytes of `tests/fixtures/<file>`.
pub fn bytes(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// The fixture parsed as JSON.
pub fn value(file: &str) -> Value {
    serde_json::from_slice(&bytes(file)).unwrap_or_else(|e| panic!("fixture {file} is JSON: {e}"))
}

/// A documented difference between a sample and what the declaration writes
/// back (the sample's spelling is read through a serde alias, or a member is
/// not in the document's table).
#[derive(Debug, Clone, Copy)]
pub enum Edit {
    /// Member `from` of the object at `parent` (dotted, `""` = root) is
    /// written back as `to`.
    Rename {
        parent: &'static str,
        from: &'static str,
        to: &'static str,
    },
    /// Member `key` of the object at `parent` is not declared and dropped.
    Drop {
        parent: &'static str,
        key: &'static str,
    },
}

fn object_at<'a>(root: &'a mut Value, parent: &str) -> &'a mut serde_json::Map<String, Value> {
    let mut cur = root;
    for seg in parent.split('.').filter(|s| !s.is_empty()) {
        cur = cur
            .get_mut(seg)
            .unwrap_or_else(|| panic!("no member {seg} on the way to {parent}"));
    }
    cur.as_object_mut()
        .unwrap_or_else(|| panic!("{parent} is not an object"))
}

/// Applies the documented edits: the value a declaration writes back.
pub fn apply(mut v: Value, edits: &[Edit]) -> Value {
    for e in edits {
        match *e {
            Edit::Rename { parent, from, to } => {
                let obj = object_at(&mut v, parent);
                let moved = obj
                    .remove(from)
                    .unwrap_or_else(|| panic!("edit: no member {from} in {parent:?}"));
                obj.insert(to.to_owned(), moved);
            }
            Edit::Drop { parent, key } => {
                object_at(&mut v, parent)
                    .remove(key)
                    .unwrap_or_else(|| panic!("edit: no member {key} in {parent:?}"));
            }
        }
    }
    v
}

/// Splits `a.b.c` into the parent object's path and the last member.
fn split(path: &str) -> (&str, &str) {
    match path.rsplit_once('.') {
        Some((parent, last)) => (parent, last),
        None => ("", path),
    }
}

/// Removes the member at a dotted path; panics when it is not there (a test
/// table naming a member the fixture lacks is a broken test).
pub fn remove(v: &mut Value, path: &str) {
    let (parent, last) = split(path);
    object_at(v, parent)
        .remove(last)
        .unwrap_or_else(|| panic!("remove: no member {path}"));
}

/// Sets (or inserts) the member at a dotted path.
pub fn set(v: &mut Value, path: &str, new: Value) {
    let (parent, last) = split(path);
    object_at(v, parent).insert(last.to_owned(), new);
}

/// The member at a dotted path, if any.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, seg| cur.get(seg))
}
