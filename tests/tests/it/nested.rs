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
            members: vec!["originalReferenceNo", "originalExternalId"]
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
