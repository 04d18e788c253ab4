//! JSON Schema from the declarations (`snap_core::schema`, issue 17): the
//! derive's `Validate::schema` built from `FIELDS` and the field types.

use serde_json::json;
use snap::endpoint::Validate;
use snap::schema::{ParamIn, SchemaGen, endpoint_schema};
use snap_core as snap;

/// A node of a tree: recursion through `Box`.
#[snap::model]
pub struct Node {
    #[snap(max = 8)]
    pub name: String,
    pub children: Vec<Node>,
    pub next: Option<Box<Node>>,
}

/// Extra info with an id.
#[snap::model]
pub struct Extra {
    #[snap(max = 36)]
    pub original_external_id: Option<String>,
}

/// Every rule once.
#[snap::request(service = 54, method = "POST", path = "/v1.0/things/{thingId}", response = ThingAnswer)]
pub struct ThingRequest {
    #[snap(max = 12, path_param)]
    pub thing_id: String,
    #[snap(len = 6, digits)]
    pub pin: String,
    #[snap(max = 3)]
    pub count: Option<u16>,
    #[snap(max = 64, one_of = "original")]
    pub original_reference_no: Option<String>,
    #[snap(one_of = "original", via = "original_external_id")]
    pub additional_info: Option<Extra>,
    #[snap(max = 10)]
    pub grant_type: Option<String>,
    #[snap(max = 64, required_if(field = "grant_type", value = "code"))]
    pub auth_code: Option<String>,
    pub amount: snap::money::Money,
    pub at: Option<snap::time::SnapTimestamp>,
    pub tree: Option<Node>,
    pub tags: Option<Vec<String>>,
    #[snap(skip)]
    pub opaque: Option<f64>,
    #[serde(skip)]
    pub local: Option<String>,
}

/// Answer to [`ThingRequest`].
#[snap::response]
pub struct ThingAnswer {
    #[snap(max = 64)]
    pub thing_no: String,
}

#[test]
fn a_request_with_every_rule() {
    let mut g = SchemaGen::new();
    let e = endpoint_schema::<ThingRequest>(&mut g);
    assert!(e.has_body);
    assert_eq!(e.params.len(), 1);
    assert_eq!(
        (e.params[0].name, e.params[0].location, e.params[0].required),
        ("thingId", ParamIn::Path, true)
    );
    assert_eq!(e.params[0].schema["maxLength"], 12);
    let req = g.resolve(&e.request).clone();
    let p = &req["properties"];
    assert!(p.get("thingId").is_none(), "{req}");
    assert_eq!(req["required"], json!(["pin", "amount"]));
    assert_eq!(
        p["pin"],
        json!({"type": "string", "minLength": 6, "maxLength": 6, "pattern": "^[0-9]*$"})
    );
    assert_eq!(
        p["count"],
        json!({"type": "integer", "minimum": 0, "maximum": 999})
    );
    assert_eq!(p["amount"]["$ref"], "#/components/schemas/Money");
    assert_eq!(p["at"]["format"], "date-time");
    assert_eq!(
        p["tags"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(
        p["opaque"],
        json!({}),
        "#[snap(skip)]: on the wire, no rules"
    );
    assert!(p.get("local").is_none(), "#[serde(skip)]: not on the wire");
    // one_of (one member via a nested field) and required_if.
    let all = req["allOf"].as_array().unwrap();
    assert_eq!(
        all[0],
        json!({"anyOf": [{"required": ["originalReferenceNo"]}, {"required": ["additionalInfo"]}]})
    );
    assert_eq!(
        all[1],
        json!({
            "if": {"properties": {"grantType": {"type": "string", "pattern": "^[Cc][Oo][Dd][Ee]$"}},
                   "required": ["grantType"]},
            "then": {"required": ["authCode"]},
        })
    );
    // Nested and recursive models are definitions.
    let extra = g.resolve(&p["additionalInfo"]);
    assert_eq!(extra["properties"]["originalExternalId"]["maxLength"], 36);
    let node = g.resolve(&p["tree"]).clone();
    assert_eq!(
        node["properties"]["next"], p["tree"],
        "recursion by reference"
    );
    assert_eq!(node["properties"]["children"]["items"], p["tree"]);
    // The response: responseCode / responseMessage first.
    let resp = g.resolve(&e.response);
    assert_eq!(
        resp["required"],
        json!(["responseCode", "responseMessage", "thingNo"])
    );
    assert_eq!(resp["properties"]["responseCode"]["minLength"], 7);
    assert_eq!(resp["properties"]["responseMessage"]["maxLength"], 150);
}

/// A generic model names its definition after its type arguments.
#[snap::model]
pub struct Page<T: Validate> {
    pub items: Vec<T>,
    #[snap(max = 4)]
    pub cursor: Option<String>,
}

/// A GET with a query parameter and no body.
#[snap::request(service = 3, method = "GET", path = "/v1.0/cards", response = ThingAnswer)]
pub struct CardsRequest {
    #[snap(max = 2, query)]
    pub lang: Option<String>,
}

#[test]
fn a_get_with_query_parameters_has_no_body() {
    let mut g = SchemaGen::new();
    let e = endpoint_schema::<CardsRequest>(&mut g);
    assert!(!e.has_body);
    assert_eq!(
        (e.params[0].name, e.params[0].location, e.params[0].required),
        ("lang", ParamIn::Query, false)
    );
    assert_eq!(e.params[0].schema["maxLength"], 2);
}

#[test]
fn generic_models_get_one_definition_per_instantiation() {
    let mut g = SchemaGen::new();
    let a = g.subschema::<Page<String>>();
    let b = g.subschema::<Page<Node>>();
    assert_ne!(a, b);
    assert_eq!(
        g.resolve(&a)["properties"]["items"]["items"]["type"],
        "string"
    );
    assert!(g.resolve(&b)["properties"]["items"]["items"]["$ref"].is_string());
    assert_eq!(g.subschema::<Page<String>>(), a, "built once");
    assert_eq!(
        g.subschema::<Option<Vec<u8>>>(),
        json!({"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 255}})
    );
}
