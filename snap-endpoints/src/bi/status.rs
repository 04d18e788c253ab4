//! Status resolvers: for every BI operation with a status query, the query
//! that asks what became of it ([`StatusQueried`](snap_core::endpoint::StatusQueried)).
//!
//! A client that gets no answer, or a `409` to a retry (an earlier attempt
//! got through), asks the provider instead of guessing. Each impl copies
//! the original request's identifiers into its query: its
//! `partnerReferenceNo` becomes `originalPartnerReferenceNo`, the merchant
//! identifiers and amount are copied where both tables have them, and
//! `serviceCode` is the original's service code where the query has one
//! (the portal's samples: `"17"` in 36, `"38"` in 39, `"44"` in 45, `"47"`
//! in 51, `"54"` in 55). The original `X-EXTERNAL-ID` (`originalExternalId`)
//! is not in a request body: the caller that sent it fills it in if the
//! provider wants it.
//!
//! | operation | status query |
//! |---|---|
//! | Intrabank (17), Interbank (18), RTGS (22), SKNBI (23) Transfer | Transaction Status Inquiry (36) |
//! | VA Payment (25), VA Intrabank Payment (33) | VA Inquiry Status (26) |
//! | Customer Top Up (38) | Customer Top Up Status (39) |
//! | OTC Cashout (44) | OTC Status (45) |
//! | QR MPM Generate (47), QR MPM Payment (50) | QR MPM Query (51) |
//! | Direct Debit Payment (54) | Direct Debit Status (55) |
//! | QR CPM Payment (60) | QR CPM Query (61) |
//! | Auth Payment (63), Capture (65), Void (67) | Payment Query (64), Capture Query (66), Void Query (68) |
//!
//! Not listed, because no status query of the catalogue identifies them:
//! Request for Payment (19) and the bulk transfers (20, 40) carry no
//! identifier the queries take; Transfer to Bank (43) and Apply OTT (49)
//! have no query of their own page (the non-bank Transaction Status Inquiry
//! 53 takes a `serviceCode`, but the portal ties it to no operation's
//! identifiers); refunds (58, 69, 78, 80) and cancels have none.
//!
//! ```
//! # #[cfg(feature = "transfer-credit")] {
//! use snap_core::endpoint::StatusQueried;
//! use snap_core::money::{Currency, Money};
//! use snap_endpoints::bi::trigger_transfer::IntrabankTransferRequest;
//!
//! let transfer: IntrabankTransferRequest = serde_json::from_str(r#"{
//!     "partnerReferenceNo": "2020102900000000000001",
//!     "amount": {"value": "12345678.00", "currency": "IDR"},
//!     "beneficiaryAccountNo": "888801000157508",
//!     "sourceAccountNo": "888801000157610",
//!     "transactionDate": "2019-07-03T12:08:56+07:00"
//! }"#)?;
//! let query = transfer.status_query().expect("a partner reference");
//! assert_eq!(query.service_code, "17");
//! assert_eq!(query.original_partner_reference_no.as_deref(), Some("2020102900000000000001"));
//! assert_eq!(query.amount, Some(Money::parse("12345678.00", Currency::IDR)?));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "transfer-credit")]
mod credit {
    use snap_core::endpoint::StatusQueried;
    use snap_core::money::Money;

    use crate::bi::customer_topup::{CustomerTopUpRequest, TopUpStatusRequest};
    use crate::bi::mpm::{QrMpmGenerateRequest, QrMpmPaymentRequest, QrMpmQueryRequest};
    use crate::bi::transaction_status_bank::TransferStatusRequest;
    use crate::bi::transfer_to_otc::{OtcCashoutRequest, OtcStatusRequest};
    use crate::bi::trigger_transfer::{
        InterbankTransferRequest, IntrabankTransferRequest, RtgsTransferRequest, SknTransferRequest,
    };
    use crate::bi::va::{VaIntrabankPaymentRequest, VaPaymentRequest, VaStatusRequest};

    /// Transaction Status Inquiry (36) of a transfer of service `code`.
    fn transfer_status(
        code: &str,
        partner_reference_no: &str,
        transaction_date: &str,
        amount: Option<&Money>,
    ) -> TransferStatusRequest {
        TransferStatusRequest {
            original_partner_reference_no: Some(partner_reference_no.to_owned()),
            original_reference_no: None,
            original_external_id: None,
            service_code: code.to_owned(),
            transaction_date: Some(transaction_date.to_owned()).filter(|d| !d.is_empty()),
            amount: amount.copied(),
            additional_info: None,
        }
    }

    /// `impl StatusQueried` for the transfers of the Trigger Transfer page.
    macro_rules! transfer_status_queried {
        ($($ty:ty => $code:literal),* $(,)?) => {$(
            /// Transaction Status Inquiry (36) with `serviceCode`
            #[doc = concat!("`\"", $code, "\"`,")]
            /// `originalPartnerReferenceNo`, `transactionDate` and `amount` from the transfer.
            impl StatusQueried for $ty {
                type Query = TransferStatusRequest;
                fn status_query(&self) -> Option<TransferStatusRequest> {
                    Some(transfer_status(
                        $code,
                        &self.partner_reference_no,
                        &self.transaction_date,
                        // `&Money` and `&Option<Money>` both convert.
                        Option::from(&self.amount),
                    ))
                }
            }
        )*};
    }

    transfer_status_queried! {
        IntrabankTransferRequest => "17",
        InterbankTransferRequest => "18",
        RtgsTransferRequest => "22",
        SknTransferRequest => "23",
    }

    /// VA Inquiry Status (26): the VA and the payment's `paymentRequestId`.
    impl StatusQueried for VaPaymentRequest {
        type Query = VaStatusRequest;
        fn status_query(&self) -> Option<VaStatusRequest> {
            Some(VaStatusRequest {
                partner_service_id: self.partner_service_id.clone(),
                customer_no: self.customer_no.clone(),
                virtual_account_no: self.virtual_account_no.clone(),
                inquiry_request_id: None,
                payment_request_id: Some(self.payment_request_id.clone()),
                additional_info: None,
            })
        }
    }

    /// VA Inquiry Status (26): the VA and the payment's `inquiryRequestId`.
    impl StatusQueried for VaIntrabankPaymentRequest {
        type Query = VaStatusRequest;
        fn status_query(&self) -> Option<VaStatusRequest> {
            Some(VaStatusRequest {
                partner_service_id: self.partner_service_id.clone(),
                customer_no: self.customer_no.clone(),
                virtual_account_no: self.virtual_account_no.clone(),
                inquiry_request_id: self.inquiry_request_id.clone(),
                payment_request_id: None,
                additional_info: None,
            })
        }
    }

    /// Customer Top Up Status (39), `serviceCode` `"38"`.
    impl StatusQueried for CustomerTopUpRequest {
        type Query = TopUpStatusRequest;
        fn status_query(&self) -> Option<TopUpStatusRequest> {
            Some(TopUpStatusRequest {
                original_partner_reference_no: Some(self.partner_reference_no.clone()),
                original_reference_no: None,
                original_external_id: None,
                service_code: "38".to_owned(),
                additional_info: None,
            })
        }
    }

    /// OTC Status (45), `serviceCode` `"44"`, with the customer and amount.
    impl StatusQueried for OtcCashoutRequest {
        type Query = OtcStatusRequest;
        fn status_query(&self) -> Option<OtcStatusRequest> {
            Some(OtcStatusRequest {
                original_partner_reference_no: self.partner_reference_no.clone(),
                original_reference_no: None,
                original_external_id: None,
                service_code: "44".to_owned(),
                customer_number: self.customer_number.clone(),
                transaction_date: None,
                amount: self.amount,
                additional_info: None,
            })
        }
    }

    /// QR MPM Query (51), `serviceCode` `"47"`; `None` without a
    /// `partnerReferenceNo` (O in Generate QR).
    impl StatusQueried for QrMpmGenerateRequest {
        type Query = QrMpmQueryRequest;
        fn status_query(&self) -> Option<QrMpmQueryRequest> {
            Some(QrMpmQueryRequest {
                original_reference_no: None,
                original_partner_reference_no: Some(self.partner_reference_no.clone()?),
                original_external_id: None,
                service_code: "47".to_owned(),
                merchant_id: self.merchant_id.clone(),
                sub_merchant_id: self.sub_merchant_id.clone(),
                external_store_id: None,
                additional_info: None,
            })
        }
    }

    /// QR MPM Query (51), `serviceCode` `"50"`.
    impl StatusQueried for QrMpmPaymentRequest {
        type Query = QrMpmQueryRequest;
        fn status_query(&self) -> Option<QrMpmQueryRequest> {
            Some(QrMpmQueryRequest {
                original_reference_no: None,
                original_partner_reference_no: Some(self.partner_reference_no.clone()),
                original_external_id: None,
                service_code: "50".to_owned(),
                merchant_id: self.merchant_id.clone(),
                sub_merchant_id: self.sub_merchant_id.clone(),
                external_store_id: None,
                additional_info: None,
            })
        }
    }
}

#[cfg(feature = "transfer-debit")]
mod debit {
    use snap_core::endpoint::StatusQueried;

    use crate::bi::cpm::{QrCpmPaymentRequest, QrCpmQueryRequest};
    use crate::bi::direct_debit::{DebitPaymentRequest, DebitStatusRequest};

    /// Direct Debit Status (55), `serviceCode` `"54"`, with the amount and the
    /// merchant identifiers.
    impl StatusQueried for DebitPaymentRequest {
        type Query = DebitStatusRequest;
        fn status_query(&self) -> Option<DebitStatusRequest> {
            Some(DebitStatusRequest {
                original_partner_reference_no: Some(self.partner_reference_no.clone()),
                original_reference_no: None,
                original_external_id: None,
                service_code: "54".to_owned(),
                transaction_date: None,
                amount: self.amount,
                merchant_id: self.merchant_id.clone(),
                sub_merchant_id: self.sub_merchant_id.clone(),
                external_store_id: self.external_store_id.clone(),
                additional_info: None,
            })
        }
    }

    /// QR CPM Query (61) with the merchant identifiers.
    impl StatusQueried for QrCpmPaymentRequest {
        type Query = QrCpmQueryRequest;
        fn status_query(&self) -> Option<QrCpmQueryRequest> {
            Some(QrCpmQueryRequest {
                original_reference_no: None,
                original_partner_reference_no: Some(self.partner_reference_no.clone()),
                original_external_id: None,
                merchant_id: Some(self.merchant_id.clone()),
                sub_merchant_id: self.sub_merchant_id.clone(),
                external_store_id: self.external_store_id.clone(),
                additional_info: None,
            })
        }
    }
}

mod auth {
    use snap_core::endpoint::StatusQueried;

    use crate::bi::auth::{
        AuthCaptureQueryRequest, AuthCaptureRequest, AuthPaymentRequest, AuthQueryRequest,
        AuthVoidQueryRequest, AuthVoidRequest,
    };

    /// Payment Query (64) with the merchant identifiers.
    impl StatusQueried for AuthPaymentRequest {
        type Query = AuthQueryRequest;
        fn status_query(&self) -> Option<AuthQueryRequest> {
            Some(AuthQueryRequest {
                original_partner_reference_no: Some(self.partner_reference_no.clone()),
                original_reference_no: None,
                merchant_id: Some(self.merchant_id.clone()),
                sub_merchant_id: self.sub_merchant_id.clone(),
                external_store_id: None,
                additional_info: None,
            })
        }
    }

    /// Capture Query (66): the payment's identifiers and `partnerCaptureNo`.
    impl StatusQueried for AuthCaptureRequest {
        type Query = AuthCaptureQueryRequest;
        fn status_query(&self) -> Option<AuthCaptureQueryRequest> {
            Some(AuthCaptureQueryRequest {
                original_reference_no: self.original_reference_no.clone(),
                original_partner_reference_no: Some(self.original_partner_reference_no.clone()),
                merchant_id: self.merchant_id.clone(),
                sub_merchant_id: self.sub_merchant_id.clone(),
                capture_no: None,
                partner_capture_no: self.partner_capture_no.clone(),
                additional_info: None,
            })
        }
    }

    /// Void Query (68): the payment's identifiers and `partnerVoidNo`.
    impl StatusQueried for AuthVoidRequest {
        type Query = AuthVoidQueryRequest;
        fn status_query(&self) -> Option<AuthVoidQueryRequest> {
            Some(AuthVoidQueryRequest {
                original_reference_no: self.original_reference_no.clone(),
                original_partner_reference_no: Some(self.original_partner_reference_no.clone()),
                merchant_id: self.merchant_id.clone(),
                sub_merchant_id: self.sub_merchant_id.clone(),
                void_no: None,
                partner_void_no: self.partner_void_no.clone(),
                additional_info: None,
            })
        }
    }
}
