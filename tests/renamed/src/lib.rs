//! Declarations compiled against snap-core renamed to `snapcore` (see this
//! crate's `Cargo.toml`): with `crate = "::snapcore"`, the attribute macros
//! and the derives name the runtime only through that path, and the crate
//! needs no serde dependency of its own.
#![forbid(unsafe_code)]

use snapcore as snap;

/// A request in the attribute form, with every kind of generated code:
/// rules on strings and integers, an accepted second form, a path parameter
/// and a query parameter.
#[snap::request(crate = "::snapcore", service = 3, method = "GET",
                path = "/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}",
                response = CardInquiryResponse)]
pub struct CardInquiryRequest {
    /// Path parameter.
    #[snap(max = 18, path_param)]
    pub cust_id_merchant: String,
    /// Query parameter.
    #[snap(max = 2, query)]
    pub lang: Option<String>,
}

/// Answer to [`CardInquiryRequest`].
#[snap::response(crate = "::snapcore")]
pub struct CardInquiryResponse {
    /// A nested model.
    pub account: Option<Account>,
    /// An integer with a digit rule, accepted as a string too.
    #[snap(max = 4, accept_string)]
    pub channel_code: Option<u32>,
    /// A string accepted as a number too.
    #[snap(max = 20, accept_number)]
    pub customer_no: Option<String>,
}

/// A nested model.
#[snap::model(crate = "::snapcore")]
pub struct Account {
    /// A group of two.
    #[snap(max = 16, one_of = "id")]
    pub account_id: Option<String>,
    /// The other member.
    #[snap(max = 16, one_of = "id")]
    pub card_no: Option<String>,
}

/// The bare derive, renamed too (no serde involved).
#[derive(snapcore::SnapModel)]
#[snap(crate = "::snapcore")]
pub struct Plain {
    /// A rule.
    #[snap(len = 2, digits)]
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use snap::endpoint::{Endpoint, Validate};

    #[test]
    fn renamed_runtime_works_end_to_end() {
        let req = CardInquiryRequest {
            cust_id_merchant: "C 1".into(),
            lang: Some("id".into()),
        };
        assert!(req.validate().is_ok());
        assert_eq!(
            req.target(),
            "/v1.0/registration-card-inquiry/custIdMerchant/C%201?lang=id"
        );
        assert_eq!(CardInquiryRequest::META.service.map(|s| s.get()), Some(3));

        let body = br#"{"responseCode":"2000300","responseMessage":"OK","channelCode":"6011","customerNo":62812,"account":{}}"#;
        let answer: CardInquiryResponse = serde_json::from_slice(body).unwrap();
        assert_eq!(answer.channel_code, Some(6011));
        assert_eq!(answer.customer_no.as_deref(), Some("62812"));
        let v = answer.validate().unwrap_err();
        assert_eq!(v.primary().path, "account.accountId");

        let plain = Plain { code: "1".into() };
        assert_eq!(plain.validate().unwrap_err().len(), 1);
    }
}
