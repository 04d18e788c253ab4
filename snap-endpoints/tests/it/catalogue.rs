//! Every BI service against the catalogue's own tables
//! (`tests/catalogue/services.json`, `tests/catalogue/fields/NN.json`, parsed
//! from the portal): method, path, B2B2C and direction of each declaration;
//! and per request and response table row, through the registry's
//! type-erased validators:
//!
//! - a mandatory (M) row left out -> exactly `Missing` at its wire path
//!   (`virtualAccountData.billDetails[0].billCode`);
//! - a row with a length filled to exactly its length -> clean;
//! - one character (or digit) more -> exactly one length violation there.
//!
//! The valid body each case starts from is the portal's sample (its
//! documented defects repaired), or, for the two GET requests without a
//! body (03, 10), one built from the table. Parents a row needs and the base
//! lacks are built from the table's mandatory rows.
//!
//! The rules are read from the tables, not from the declarations: a
//! declaration that drifts from its table fails here, unless the drift is a
//! documented judgement call listed in [`KNOWN`].

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};
use snap_core::endpoint::{Direction, Method, RequestError};
use snap_core::rules::{Rule, Violation};
use snap_endpoints::registry::{self, Body, EntryInfo};

use crate::common;

#[derive(Debug, Deserialize)]
struct Service {
    service: u8,
    name: String,
    method: String,
    path: String,
    b2b2c: Option<bool>,
    kind: Option<String>,
    method_in_portal_snippet: Option<String>,
}

#[derive(Debug, Deserialize, Clone)]
struct Row {
    name: String,
    #[serde(rename = "type")]
    ty: Option<String>,
    max_len: Value,
    mandatory: Option<String>,
    #[serde(default)]
    description: String,
    len: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct Fields {
    request: Option<Vec<Row>>,
    response: Option<Vec<Row>>,
}

/// Rows whose declaration differs from the table on purpose: (service,
/// side, row, test, why). Besides these, two kinds of rows are not length
/// cases: the `value` / `currency` of a money object ([`Money`] checks its
/// own form: 16,2 digits, an ISO 4217 code), and a table row typed "Array of
/// String" (49's `userResources[]`: the element length is not checked, as
/// no field key applies a rule to the elements of a `Vec<String>`).
///
/// [`Money`]: snap_core::money::Money
const KNOWN: &[(u8, &str, &str, &str, &str)] = &[
    (57, "response", "cancelTime", "length", TIMESTAMP),
    (57, "response", "transactionDate", "length", TIMESTAMP),
    (77, "response", "cancelTime", "length", TIMESTAMP),
    (77, "response", "transactionDate", "length", TIMESTAMP),
    (63, "response", "paidTime", "length", TIMESTAMP),
    (64, "response", "paidTime", "length", TIMESTAMP),
    (65, "response", "captureTime", "length", TIMESTAMP),
    (66, "response", "captureTime", "length", TIMESTAMP),
    (67, "response", "voidTime", "length", TIMESTAMP),
    (68, "response", "voidTime", "length", TIMESTAMP),
    (69, "response", "refundTime", "length", TIMESTAMP),
    (49, "request", "userResources[]", "length", ELEMENTS),
    (49, "response", "userResources[]", "length", ELEMENTS),
];

/// Why a hand-written time is not a length case.
const TIMESTAMP: &str = "a `SnapTimestamp` (hand-written declarations): it must be an \
    ISO-8601 time, which a string of 25 digits is not; a valid time with a fraction of \
    seconds may be longer than 25 characters and is accepted";

/// Why an array of strings is not a length case.
const ELEMENTS: &str = "`Vec<String>`: no field key applies a length to the elements";

fn read(path: &str) -> Value {
    let file = format!("{}/tests/catalogue/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn services() -> Vec<Service> {
    serde_json::from_value(read("services.json")).expect("services.json")
}

fn fields(service: u8) -> Fields {
    serde_json::from_value(read(&format!("fields/{service:02}.json"))).expect("fields")
}

fn entry(service: u8) -> &'static EntryInfo {
    registry::find(&format!("BI:{service}")).expect("registered")
}

#[test]
fn method_path_b2b2c_and_direction_follow_the_catalogue() {
    let all = services();
    assert_eq!(all.len(), 81);
    for s in &all {
        let e = entry(s.service);
        let meta = &e.meta;
        // Where the overview and the snippet disagree (35, 63-69: GET in the
        // overview, a JSON body POSTed in every snippet) the snippet wins.
        let method = s.method_in_portal_snippet.as_deref().unwrap_or(&s.method);
        assert_eq!(meta.method.as_str(), method, "{:02} {}", s.service, s.name);
        // 03 carries its path parameter (`custIdMerchant`) as a segment.
        let path = if s.service == 3 {
            format!("{}/custIdMerchant/{{custIdMerchant}}", s.path)
        } else {
            s.path.clone()
        };
        assert_eq!(meta.path, path, "{:02} {}", s.service, s.name);
        // B2B2C where the catalogue says so; its labelled guesses are the
        // declarations' choice (documented on each).
        if let Some(b2b2c) = s.b2b2c {
            assert_eq!(meta.customer_token, b2b2c, "{:02} {}", s.service, s.name);
        }
        let inbound = s
            .kind
            .as_deref()
            .is_some_and(|k| k.starts_with("inbound") || k.starts_with("notification"));
        let direction = if inbound {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        assert_eq!(meta.direction, direction, "{:02} {}", s.service, s.name);
    }
    // The methods the standard uses, beyond POST.
    let method = |n: u8| entry(n).meta.method;
    assert_eq!(method(3), Method::Get);
    assert_eq!(method(10), Method::Get);
    assert_eq!(method(28), Method::Put);
    assert_eq!(method(29), Method::Put);
    assert_eq!(method(31), Method::Delete);
}

// ---------------------------------------------------------------------------
// The table as a tree, and values built from it
// ---------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Node {
    row: Option<Row>,
    array: bool,
    children: BTreeMap<String, Node>,
    order: Vec<String>,
}

fn tree(rows: &[Row]) -> Node {
    let mut root = Node::default();
    for row in rows {
        let mut cur = &mut root;
        let segs: Vec<&str> = row.name.split('.').collect();
        for (i, seg) in segs.iter().enumerate() {
            let (name, array) = match seg.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (*seg, false),
            };
            if !cur.children.contains_key(name) {
                cur.order.push(name.to_owned());
            }
            let next = cur.children.entry(name.to_owned()).or_default();
            next.array |= array;
            // A row listed twice (33's referenceNo: 64 and 15) keeps the longer
            // limit, as the declaration does.
            let longer = next.row.as_ref().is_none_or(|r| {
                row.max_len.as_u64().unwrap_or(0) > r.max_len.as_u64().unwrap_or(0)
            });
            if i + 1 == segs.len() && longer {
                next.row = Some(row.clone());
            }
            cur = next;
        }
    }
    root
}

const INT_TYPES: &[&str] = &["Number", "Numeric", "numeric", "Integer", "int"];

fn int_len(row: &Row) -> Option<usize> {
    row.len.or_else(|| row.max_len.as_u64().map(|n| n as usize))
}

fn is_int(row: &Row) -> bool {
    row.ty.as_deref().is_some_and(|t| INT_TYPES.contains(&t)) && row.max_len.is_u64()
}

fn is_mandatory(row: Option<&Row>) -> bool {
    row.is_some_and(|r| r.mandatory.as_deref() == Some("M"))
}

/// A valid value for a leaf row.
fn leaf(row: &Row) -> Value {
    let ty = row.ty.as_deref().unwrap_or("String");
    if let Some(len) = row.len {
        return Value::from("1".repeat(len));
    }
    if is_int(row) {
        return Value::from(1);
    }
    match ty {
        "Boolean" => Value::Bool(true),
        "Date" | "Datetime" => Value::from("2020-12-23T09:19:47+07:00"),
        "Array of String" => Value::Array(vec![Value::from("1")]),
        "Object" if !row.max_len.is_u64() => Value::Object(Map::new()),
        _ if row.max_len == 2 && row.description.trim_start().starts_with("00") => {
            Value::from("00")
        }
        _ => Value::from("1"),
    }
}

/// A valid value for `node`: a leaf, a money object, or an object of its
/// mandatory members (one element for an array).
fn synth(node: &Node) -> Value {
    let value = synth_one(node);
    if node.array && !node.children.is_empty() {
        Value::Array(vec![value])
    } else {
        value
    }
}

/// [`synth`] for one element of an array.
fn synth_one(node: &Node) -> Value {
    if node.children.is_empty() {
        node.row.as_ref().map_or(Value::from("1"), leaf)
    } else if node.children.len() == 2
        && node.children.contains_key("value")
        && node.children.contains_key("currency")
    {
        serde_json::json!({"value": "1.00", "currency": "IDR"})
    } else {
        let mut object = Map::new();
        for name in &node.order {
            let child = &node.children[name];
            if is_mandatory(child.row.as_ref()) {
                object.insert(name.clone(), synth(child));
            }
        }
        Value::Object(object)
    }
}

/// The wire path of a row, `[]` as the first element: `a.b[0].c`.
fn wire_path(row: &str) -> String {
    row.replace("[]", "[0]")
}

/// The value at a row's path, creating what is missing on the way from the
/// table (objects, one-element arrays).
fn slot<'a>(body: &'a mut Value, root: &Node, row: &str) -> Option<&'a mut Value> {
    let segs: Vec<&str> = row.split('.').collect();
    let mut cur = body;
    let mut node = root;
    for (i, seg) in segs.iter().enumerate() {
        let name = seg.strip_suffix("[]").unwrap_or(seg);
        node = node.children.get(name)?;
        let last = i + 1 == segs.len();
        let object = cur.as_object_mut()?;
        if !object.contains_key(name) {
            if last {
                object.insert(name.to_owned(), Value::Null);
            } else {
                object.insert(name.to_owned(), synth(node));
            }
        }
        cur = object.get_mut(name)?;
        if seg.ends_with("[]") && !last {
            let array = cur.as_array_mut()?;
            if array.is_empty() {
                array.push(synth_one(node));
            }
            cur = array.get_mut(0)?;
        }
    }
    Some(cur)
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Request,
    Response,
}

fn validate(entry: &EntryInfo, side: Side, body: &Value) -> Result<(), Vec<Violation>> {
    let bytes = body.to_string();
    let result = match side {
        Side::Request => entry.validate(bytes.as_bytes()),
        Side::Response => entry.validate_response(bytes.as_bytes()),
    };
    match result {
        Ok(()) => Ok(()),
        Err(RequestError::Invalid(v)) => Err(v.into_vec()),
        Err(other) => panic!("{}: {other}", entry.meta.name),
    }
}

fn is_length_rule(rule: &Rule) -> bool {
    matches!(
        rule,
        Rule::MaxChars { .. }
            | Rule::MaxDigits { .. }
            | Rule::LenChars { .. }
            | Rule::LenDigits { .. }
    )
}

/// The sample (or a table-built body for 03/10's requests), with the
/// documented defects repaired: a bad length refilled from the table, a
/// numeric `responseCode` written as a string.
fn base(service: u8, side: Side, root: &Node, rows: &[Row], entry: &EntryInfo) -> Value {
    let expected: Vec<Value> =
        serde_json::from_value(common::value("bi/expected.json")).expect("expected.json");
    let want = if side == Side::Request {
        "request"
    } else {
        "response"
    };
    let file = expected
        .iter()
        .find(|e| e["service"] == service && e["type"] == want);
    let mut body = match file {
        Some(e) => {
            let mut sample = common::value(e["file"].as_str().expect("a file name"));
            if let Some(code) = sample.get("responseCode").and_then(Value::as_u64) {
                sample["responseCode"] = Value::from(code.to_string());
            }
            // In the declaration's spelling (aliases renamed, undeclared keys
            // and a member sent twice gone), so that a row's member is one key.
            let which = match side {
                Side::Request => Body::Request,
                Side::Response => Body::Response,
            };
            entry
                .reserialize(which, sample.to_string().as_bytes())
                .unwrap_or_else(|e| panic!("{service:02} {want}: {e}"))
        }
        None => synth(root),
    };
    if let Err(violations) = validate(entry, side, &body) {
        for v in violations {
            let at = first_elements(&v.path);
            let row = rows.iter().find(|r| wire_path(&r.name) == at);
            match (row, is_length_rule(&v.rule)) {
                (Some(row), true) => {
                    let len = int_len(row).expect("a length");
                    *slot(&mut body, root, &row.name).expect("present") =
                        Value::from("1".repeat(len));
                }
                _ => panic!("{service:02} {want}: cannot repair the base: {v:?}"),
            }
        }
    }
    body
}

/// Runs every row case of one table; returns the failures.
fn check_table(service: u8, side: Side, rows: &[Row], cases: &mut usize) -> Vec<String> {
    let entry = entry(service);
    let root = tree(rows);
    let base = base(service, side, &root, rows, entry);
    let mut failures = Vec::new();
    let label = |row: &str| format!("{service:02} {side:?} {row}");
    if let Err(v) = validate(entry, side, &base) {
        return vec![format!("{}: the base is not valid: {v:?}", label(""))];
    }
    let known = |row: &str, test: &str| {
        KNOWN.iter().any(|(s, sd, r, t, _)| {
            *s == service && *sd == format!("{side:?}").to_lowercase() && *r == row && *t == test
        })
    };
    for row in rows {
        // A row that is itself an array (`userResources[]`) is the array.
        let name = row.name.strip_suffix("[]").unwrap_or(&row.name);
        let path = wire_path(name);
        // Mandatory: left out -> Missing there, nothing else.
        if row.mandatory.as_deref() == Some("M") && !known(&row.name, "missing") {
            let mut body = base.clone();
            if slot(&mut body, &root, name).is_some() {
                let (parent, last) = match path.rsplit_once('.') {
                    Some((p, l)) => (Some(p.to_owned()), l.to_owned()),
                    None => (None, path.clone()),
                };
                let object = match &parent {
                    Some(p) => pointer(&mut body, p),
                    None => Some(&mut body),
                };
                if let Some(Value::Object(o)) = object {
                    o.remove(&last);
                }
                *cases += 1;
                let want = vec![Violation {
                    path: path.clone(),
                    rule: Rule::Missing,
                }];
                match validate(entry, side, &body) {
                    Err(got) if got == want => {}
                    other => failures.push(format!("{}: left out -> {other:?}", label(&row.name))),
                }
            }
        }
        // Lengths: exactly full -> clean; one more -> a length violation.
        // Of a row listed twice, the one the tree kept (the longer limit).
        let kept = row_node(&root, &row.name).and_then(|n| n.row.as_ref());
        if kept.is_some_and(|k| k.max_len != row.max_len) {
            continue;
        }
        let Some(len) = int_len(row) else { continue };
        let children = row_node(&root, &row.name).is_some_and(|n| !n.children.is_empty());
        if children || known(&row.name, "length") || in_money(&root, &row.name) {
            continue;
        }
        let number = {
            let mut probe = base.clone();
            slot(&mut probe, &root, &row.name).is_some_and(|v| v.is_number())
                || (is_int(row) && base_value(&base, &path).is_none())
        };
        if number && len > 19 {
            continue;
        }
        for (n, clean) in [(len, true), (len + 1, false)] {
            let value = if number {
                // n nines fits; 10^len has len + 1 digits and still fits a u32 for len 9.
                let text = if clean {
                    "9".repeat(n)
                } else {
                    format!("1{}", "0".repeat(n - 1))
                };
                Value::from(text.parse::<u64>().expect("fits a u64"))
            } else {
                Value::from("1".repeat(n))
            };
            let mut body = base.clone();
            match slot(&mut body, &root, &row.name) {
                Some(v) => *v = value,
                None => continue,
            }
            *cases += 1;
            match (validate(entry, side, &body), clean) {
                (Ok(()), true) => {}
                (Err(got), false)
                    if got.len() == 1 && got[0].path == path && is_length_rule(&got[0].rule) => {}
                (got, _) => failures.push(format!(
                    "{}: {n} {} -> {got:?}",
                    label(&row.name),
                    if number { "digits" } else { "characters" }
                )),
            }
        }
    }
    failures
}

/// `a[3].b` -> `a[0].b`.
fn first_elements(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[0");
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// A `value` or `currency` row of a money object.
fn in_money(root: &Node, row: &str) -> bool {
    let Some((parent, last)) = row.rsplit_once('.') else {
        return false;
    };
    (last == "value" || last == "currency")
        && row_node(root, parent).is_some_and(|n| {
            n.children.len() == 2
                && n.children.contains_key("value")
                && n.children.contains_key("currency")
        })
}

fn row_node<'a>(root: &'a Node, row: &str) -> Option<&'a Node> {
    row.split('.').try_fold(root, |n, seg| {
        n.children.get(seg.strip_suffix("[]").unwrap_or(seg))
    })
}

fn base_value<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(body, |cur, seg| match seg.split_once('[') {
            Some((name, _)) => cur.get(name)?.get(0),
            None => cur.get(seg),
        })
}

fn pointer<'a>(body: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    path.split('.')
        .try_fold(body, |cur, seg| match seg.split_once('[') {
            Some((name, _)) => cur.get_mut(name)?.get_mut(0),
            None => cur.get_mut(seg),
        })
}

#[test]
fn every_table_row_is_declared_with_its_rules() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for s in services() {
        let f = fields(s.service);
        for (side, rows) in [(Side::Request, &f.request), (Side::Response, &f.response)] {
            if let Some(rows) = rows {
                failures.extend(check_table(s.service, side, rows, &mut cases));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases > 3000, "{cases} cases");
}
