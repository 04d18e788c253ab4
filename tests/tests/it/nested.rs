//! Nested objects, lists and conditional rules: wire paths all the way down.

use serde::{Deserialize, Serialize};
use snap_core::endpoint::Validate;
use snap_core::rules::Rule;
use snap_core::{SnapModel, SnapRequest};

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Price {
    #[snap(max = 19)]
    value: String,
    #[snap(len = 3)]
    currency: String,
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[snap(max = 8)]
    goods_id: String,
    price: Price,
    #[snap(digits)]
    quantity: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
struct Empty {}

#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 63, method = "POST", path = "/v1.0/auth/payment", response = Empty)]
#[serde(rename_all = "camelCase")]
struct Payment {
    items: Vec<Item>,
    #[snap(max = 64, one_of = "original")]
    original_reference_no: Option<String>,
    #[snap(max = 36, one_of = "original")]
    original_external_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 74, method = "POST", path = "/v1.0/access-token/b2b2c", response = Empty, signature = "token")]
#[serde(rename_all = "camelCase")]
struct TokenB2b2c {
    grant_type: String,
    #[snap(
        max = 256,
        required_if(field = "grant_type", value = "AUTHORIZATION_CODE")
    )]
    auth_code: Option<String>,
    #[snap(max = 512, required_if(field = "grant_type", value = "REFRESH_TOKEN"))]
    refresh_token: Option<String>,
}

fn item(id: &str, value: &str, currency: &str, qty: Option<&str>) -> Item {
    Item {
        goods_id: id.into(),
        price: Price {
            value: value.into(),
            currency: currency.into(),
        },
        quantity: qty.map(Into::into),
    }
}

#[test]
fn list_elements_and_nested_members_have_indexed_wire_paths() {
    let p = Payment {
        items: vec![
            item("ok", "10000.00", "IDR", Some("2")),
            item("123456789", "", "IDRX", Some("2x")),
        ],
        original_reference_no: Some("x".into()),
        original_external_id: None,
    };
    let v = p.validate().unwrap_err();
    let got: Vec<(String, Rule)> = v.iter().map(|v| (v.path.clone(), v.rule.clone())).collect();
    assert_eq!(
        got,
        vec![
            (
                "items[1].goodsId".into(),
                Rule::MaxChars { max: 8, actual: 9 }
            ),
            ("items[1].price.value".into(), Rule::Missing),
            (
                "items[1].price.currency".into(),
                Rule::LenChars { len: 3, actual: 4 }
            ),
            ("items[1].quantity".into(), Rule::Digits),
        ]
    );
}

#[test]
fn one_of_group_needs_one_present_member() {
    let mut p = Payment {
        items: vec![],
        original_reference_no: None,
        original_external_id: None,
    };
    let v = p.validate().unwrap_err();
    assert_eq!(v.len(), 1);
    let first = v.iter().next().unwrap();
    assert_eq!(first.path, "originalReferenceNo");
    assert_eq!(
        first.rule,
        Rule::OneOf {
            group: "original",
            members: vec![
                "originalReferenceNo".to_owned(),
                "originalExternalId".to_owned()
            ]
        }
    );
    assert!(first.rule.is_missing());
    // An empty string does not count as present.
    p.original_external_id = Some(String::new());
    assert!(p.validate().is_err());
    p.original_external_id = Some("E1".into());
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn required_if_follows_the_other_fields_value_case_insensitively() {
    let t = |grant: &str, code: Option<&str>, refresh: Option<&str>| TokenB2b2c {
        grant_type: grant.into(),
        auth_code: code.map(Into::into),
        refresh_token: refresh.map(Into::into),
    };
    let v = t("AUTHORIZATION_CODE", None, None).validate().unwrap_err();
    assert_eq!(
        v.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(),
        ["authCode"]
    );
    assert_eq!(
        v.iter().next().unwrap().rule,
        Rule::RequiredIf {
            field: "grantType",
            value: "AUTHORIZATION_CODE"
        }
    );
    // BI's own sample sends the lower-case value.
    assert!(t("authorization_code", None, None).validate().is_err());
    assert_eq!(
        t("authorization_code", Some("abc"), None).validate(),
        Ok(())
    );
    let v = t("REFRESH_TOKEN", None, None).validate().unwrap_err();
    assert_eq!(v.iter().next().unwrap().path, "refreshToken");
    assert_eq!(t("client_credentials", None, None).validate(), Ok(()));
}

/// GoPay Pre-Auth Void 67: "either `originalReferenceNo` or
/// `additionalInfo.originalExternalId`": a `one_of` member one level down.
#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct GoPayInfo {
    #[snap(max = 36)]
    original_external_id: Option<String>,
    channel: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 67, method = "POST", path = "/v1.0/auth/void", response = Empty, provider = "GoPay")]
#[serde(rename_all = "camelCase")]
struct GoPayVoid {
    #[snap(max = 64, one_of = "original")]
    original_reference_no: Option<String>,
    #[snap(one_of = "original", via = "original_external_id")]
    additional_info: Option<GoPayInfo>,
}

#[test]
fn one_of_reaches_one_level_down_with_via() {
    let info = |id: Option<&str>| GoPayInfo {
        original_external_id: id.map(Into::into),
        channel: None,
    };
    let v = |r: Option<&str>, i: Option<GoPayInfo>| {
        GoPayVoid {
            original_reference_no: r.map(Into::into),
            additional_info: i,
        }
        .validate()
    };
    assert_eq!(v(Some("R1"), None), Ok(()));
    assert_eq!(v(None, Some(info(Some("E1")))), Ok(()));
    // additionalInfo present without the member does not count.
    for absent in [None, Some(info(None)), Some(info(Some("")))] {
        let err = v(None, absent).unwrap_err();
        let first = err.iter().next().unwrap();
        assert_eq!(first.path, "originalReferenceNo");
        assert_eq!(
            first.rule,
            Rule::OneOf {
                group: "original",
                members: vec![
                    "originalReferenceNo".to_owned(),
                    "additionalInfo.originalExternalId".to_owned()
                ]
            }
        );
    }
    // Nested rules still apply to the member.
    let err = v(None, Some(info(Some(&"9".repeat(37))))).unwrap_err();
    assert_eq!(
        err.iter().next().unwrap().path,
        "additionalInfo.originalExternalId"
    );
}

#[test]
fn fields_describe_the_declaration_as_data() {
    use snap_core::endpoint::{FieldMeta, Fields};
    assert_eq!(
        TokenB2b2c::FIELDS[1],
        FieldMeta {
            name: "auth_code",
            wire: "authCode",
            mandatory: false,
            max: Some(256),
            len: None,
            digits: false,
            one_of: None,
            required_if: Some(("grantType", "AUTHORIZATION_CODE")),
            skipped: false,
            accept_number: false,
            accept_string: false,
            integer: false,
            path_param: false,
            query: false,
        }
    );
    assert!(TokenB2b2c::FIELDS[0].mandatory);
    assert_eq!(
        Price::FIELDS.iter().map(|f| f.wire).collect::<Vec<_>>(),
        ["value", "currency"]
    );
    assert_eq!(Price::FIELDS[1].len, Some(3));
    assert_eq!(
        GoPayInfo::wire_name("original_external_id"),
        Some("originalExternalId")
    );
    assert_eq!(GoPayInfo::wire_name("nope"), None);
}
