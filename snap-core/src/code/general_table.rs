//! The general-case table, generated from `snap-core/data/response_codes.csv`
//! by `snap-core/data/gen_general_cases.py` (then rustfmt); the test
//! `code::tests::general_cases_match_the_csv` checks it against the CSV.

use super::Category;

/// The 63 general cases of the BI response-code table (HTTP status + case
/// code; the service code sits between them in a
/// [`ResponseCode`](super::ResponseCode)).
///
/// Variant names follow the message; the messages themselves are kept
/// verbatim, typos included ([`GeneralCase::RequestedOperationIsNotAllowed`]
/// says "Opearation", [`GeneralCase::OtpSentToCardholder`] says "Cardholer").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeneralCase {
    /// `200xx00` Successful
    Successful,
    /// `202xx00` Request In Progress
    RequestInProgress,
    /// `400xx00` Bad Request
    BadRequest,
    /// `400xx01` Invalid Field Format {field name}
    InvalidFieldFormat,
    /// `400xx02` Invalid Mandatory Field {field name}
    InvalidMandatoryField,
    /// `401xx00` Unauthorized. \[reason\]
    Unauthorized,
    /// `401xx01` Invalid Token (B2B)
    InvalidTokenB2b,
    /// `401xx02` Invalid Customer Token
    InvalidCustomerToken,
    /// `401xx03` Token Not Found (B2B)
    TokenNotFoundB2b,
    /// `401xx04` Customer Token Not Found
    CustomerTokenNotFound,
    /// `403xx00` Transaction Expired
    TransactionExpired,
    /// `403xx01` Feature Not Allowed \[Reason\]
    FeatureNotAllowed,
    /// `403xx02` Exceeds Transaction Amount Limit
    ExceedsTransactionAmountLimit,
    /// `403xx03` Suspected Fraud
    SuspectedFraud,
    /// `403xx04` Activity Count Limit Exceeded
    ActivityCountLimitExceeded,
    /// `403xx05` Do Not Honor
    DoNotHonor,
    /// `403xx06` Feature Not Allowed At This Time. \[reason\]
    FeatureNotAllowedAtThisTime,
    /// `403xx07` Card Blocked
    CardBlocked,
    /// `403xx08` Card Expired
    CardExpired,
    /// `403xx09` Dormant Account
    DormantAccount,
    /// `403xx10` Need To Set Token Limit
    NeedToSetTokenLimit,
    /// `403xx11` OTP Blocked
    OtpBlocked,
    /// `403xx12` OTP Lifetime Expired
    OtpLifetimeExpired,
    /// `403xx13` OTP Sent To Cardholer
    OtpSentToCardholder,
    /// `403xx14` Insufficient Funds
    InsufficientFunds,
    /// `403xx15` Transaction Not Permitted.\[reason\]
    TransactionNotPermitted,
    /// `403xx16` Suspend Transaction
    SuspendTransaction,
    /// `403xx17` Token Limit Exceeded
    TokenLimitExceeded,
    /// `403xx18` Inactive Card/Account/Customer
    InactiveCardAccountCustomer,
    /// `403xx19` Merchant Blacklisted
    MerchantBlacklisted,
    /// `403xx20` Merchant Limit Exceed
    MerchantLimitExceed,
    /// `403xx21` Set Limit Not Allowed
    SetLimitNotAllowed,
    /// `403xx22` Token Limit Invalid
    TokenLimitInvalid,
    /// `403xx23` Account Limit Exceed
    AccountLimitExceed,
    /// `404xx00` Invalid Transaction Status
    InvalidTransactionStatus,
    /// `404xx01` Transaction Not Found
    TransactionNotFound,
    /// `404xx02` Invalid Routing
    InvalidRouting,
    /// `404xx03` Bank Not Supported By Switch
    BankNotSupportedBySwitch,
    /// `404xx04` Transaction Cancelled
    TransactionCancelled,
    /// `404xx05` Merchant Is Not Registered For Card Registration Services
    MerchantIsNotRegisteredForCardRegistrationServices,
    /// `404xx06` Need To Request OTP
    NeedToRequestOtp,
    /// `404xx07` Journey Not Found
    JourneyNotFound,
    /// `404xx08` Invalid Merchant
    InvalidMerchant,
    /// `404xx09` No Issuer
    NoIssuer,
    /// `404xx10` Invalid API Transition
    InvalidApiTransition,
    /// `404xx11` Invalid Card/Account/Customer \[info\]/Virtual Account
    InvalidCardAccountCustomerVirtualAccount,
    /// `404xx12` Invalid Bill/Virtual Account \[Reason\]
    InvalidBillVirtualAccount,
    /// `404xx13` Invalid Amount
    InvalidAmount,
    /// `404xx14` Paid Bill
    PaidBill,
    /// `404xx15` Invalid OTP
    InvalidOtp,
    /// `404xx16` Partner Not Found
    PartnerNotFound,
    /// `404xx17` Invalid Terminal
    InvalidTerminal,
    /// `404xx18` Inconsistent Request
    InconsistentRequest,
    /// `404xx19` Invalid Bill/Virtual Account
    ExpiredBillVirtualAccount,
    /// `405xx00` Requested Function Is Not Supported
    RequestedFunctionIsNotSupported,
    /// `405xx01` Requested Opearation Is Not Allowed
    RequestedOperationIsNotAllowed,
    /// `409xx00` Conflict
    Conflict,
    /// `409xx01` Duplicate partnerReferenceNo
    DuplicatePartnerReferenceNo,
    /// `429xx00` Too Many Requests
    TooManyRequests,
    /// `500xx00` General Error
    GeneralError,
    /// `500xx01` Internal Server Error
    InternalServerError,
    /// `500xx02` External Server Error
    ExternalServerError,
    /// `504xx00` Timeout
    Timeout,
}

/// `(case, http, case code, message, description, category)` in CSV order.
pub(super) const TABLE: [(GeneralCase, u16, u8, &str, &str, Category); 63] = [
    (
        GeneralCase::Successful,
        200,
        0,
        "Successful",
        "Successful",
        Category::Success,
    ),
    (
        GeneralCase::RequestInProgress,
        202,
        0,
        "Request In Progress",
        "Transaction still on process",
        Category::Success,
    ),
    (
        GeneralCase::BadRequest,
        400,
        0,
        "Bad Request",
        "General request failed error, including message parsing failed.",
        Category::System,
    ),
    (
        GeneralCase::InvalidFieldFormat,
        400,
        1,
        "Invalid Field Format {field name}",
        "Invalid format",
        Category::Message,
    ),
    (
        GeneralCase::InvalidMandatoryField,
        400,
        2,
        "Invalid Mandatory Field {field name}",
        "Missing or invalid format on mandatory field",
        Category::Message,
    ),
    (
        GeneralCase::Unauthorized,
        401,
        0,
        "Unauthorized. [reason]",
        "General unauthorized error (No Interface Def, API is Invalid, Oauth Failed, Verify Client Secret Fail, Client Forbidden Access API, Unknown Client, Key not Found)",
        Category::System,
    ),
    (
        GeneralCase::InvalidTokenB2b,
        401,
        1,
        "Invalid Token (B2B)",
        "Token found in request is invalid (Access Token Not Exist, Access Token Expiry)",
        Category::System,
    ),
    (
        GeneralCase::InvalidCustomerToken,
        401,
        2,
        "Invalid Customer Token",
        "Token found in request is invalid (Access Token Not Exist, Access Token Expiry)",
        Category::System,
    ),
    (
        GeneralCase::TokenNotFoundB2b,
        401,
        3,
        "Token Not Found (B2B)",
        "Token not found in the system. This occurs on any API that requires token as input parameter",
        Category::System,
    ),
    (
        GeneralCase::CustomerTokenNotFound,
        401,
        4,
        "Customer Token Not Found",
        "Token not found in the system. This occurs on any API that requires token as input parameter",
        Category::System,
    ),
    (
        GeneralCase::TransactionExpired,
        403,
        0,
        "Transaction Expired",
        "Transaction expired",
        Category::Business,
    ),
    (
        GeneralCase::FeatureNotAllowed,
        403,
        1,
        "Feature Not Allowed [Reason]",
        "This merchant is not allowed to call Direct Debit APIs",
        Category::System,
    ),
    (
        GeneralCase::ExceedsTransactionAmountLimit,
        403,
        2,
        "Exceeds Transaction Amount Limit",
        "Exceeds Transaction Amount Limit",
        Category::Business,
    ),
    (
        GeneralCase::SuspectedFraud,
        403,
        3,
        "Suspected Fraud",
        "Suspected Fraud",
        Category::Business,
    ),
    (
        GeneralCase::ActivityCountLimitExceeded,
        403,
        4,
        "Activity Count Limit Exceeded",
        "Too many request, Exceeds Transaction Frequency Limit",
        Category::Business,
    ),
    (
        GeneralCase::DoNotHonor,
        403,
        5,
        "Do Not Honor",
        "Account or User status is abnormal",
        Category::Business,
    ),
    (
        GeneralCase::FeatureNotAllowedAtThisTime,
        403,
        6,
        "Feature Not Allowed At This Time. [reason]",
        "Cut off In Progress",
        Category::System,
    ),
    (
        GeneralCase::CardBlocked,
        403,
        7,
        "Card Blocked",
        "The payment card is blocked",
        Category::Business,
    ),
    (
        GeneralCase::CardExpired,
        403,
        8,
        "Card Expired",
        "The payment card is expired",
        Category::Business,
    ),
    (
        GeneralCase::DormantAccount,
        403,
        9,
        "Dormant Account",
        "The account is dormant",
        Category::Business,
    ),
    (
        GeneralCase::NeedToSetTokenLimit,
        403,
        10,
        "Need To Set Token Limit",
        "Need to set token limit",
        Category::Business,
    ),
    (
        GeneralCase::OtpBlocked,
        403,
        11,
        "OTP Blocked",
        "OTP has been blocked",
        Category::System,
    ),
    (
        GeneralCase::OtpLifetimeExpired,
        403,
        12,
        "OTP Lifetime Expired",
        "OTP has been expired",
        Category::System,
    ),
    (
        GeneralCase::OtpSentToCardholder,
        403,
        13,
        "OTP Sent To Cardholer",
        "initiates request OTP to the issuer",
        Category::System,
    ),
    (
        GeneralCase::InsufficientFunds,
        403,
        14,
        "Insufficient Funds",
        "Insufficient Funds",
        Category::Business,
    ),
    (
        GeneralCase::TransactionNotPermitted,
        403,
        15,
        "Transaction Not Permitted.[reason]",
        "Transaction Not Permitted",
        Category::Business,
    ),
    (
        GeneralCase::SuspendTransaction,
        403,
        16,
        "Suspend Transaction",
        "Suspend Transaction",
        Category::Business,
    ),
    (
        GeneralCase::TokenLimitExceeded,
        403,
        17,
        "Token Limit Exceeded",
        "Purchase amount exceeds the token limit set prior",
        Category::Business,
    ),
    (
        GeneralCase::InactiveCardAccountCustomer,
        403,
        18,
        "Inactive Card/Account/Customer",
        "Indicates inactive account",
        Category::Business,
    ),
    (
        GeneralCase::MerchantBlacklisted,
        403,
        19,
        "Merchant Blacklisted",
        "Merchant is suspended from calling any APIs",
        Category::Business,
    ),
    (
        GeneralCase::MerchantLimitExceed,
        403,
        20,
        "Merchant Limit Exceed",
        "Merchant aggregated purchase amount on that day exceeds the agreed limit",
        Category::Business,
    ),
    (
        GeneralCase::SetLimitNotAllowed,
        403,
        21,
        "Set Limit Not Allowed",
        "Set limit not allowed on particular token",
        Category::Business,
    ),
    (
        GeneralCase::TokenLimitInvalid,
        403,
        22,
        "Token Limit Invalid",
        "The token limit desired by the merchant is not within the agreed range between the merchant and the Issuer",
        Category::Business,
    ),
    (
        GeneralCase::AccountLimitExceed,
        403,
        23,
        "Account Limit Exceed",
        "Account aggregated purchase amount on that day exceeds the agreed limit",
        Category::Business,
    ),
    (
        GeneralCase::InvalidTransactionStatus,
        404,
        0,
        "Invalid Transaction Status",
        "Invalid transaction status",
        Category::Business,
    ),
    (
        GeneralCase::TransactionNotFound,
        404,
        1,
        "Transaction Not Found",
        "Transaction not found",
        Category::Business,
    ),
    (
        GeneralCase::InvalidRouting,
        404,
        2,
        "Invalid Routing",
        "Invalid Routing",
        Category::System,
    ),
    (
        GeneralCase::BankNotSupportedBySwitch,
        404,
        3,
        "Bank Not Supported By Switch",
        "Bank not supported by switch",
        Category::System,
    ),
    (
        GeneralCase::TransactionCancelled,
        404,
        4,
        "Transaction Cancelled",
        "Transaction is cancelled by customer",
        Category::Business,
    ),
    (
        GeneralCase::MerchantIsNotRegisteredForCardRegistrationServices,
        404,
        5,
        "Merchant Is Not Registered For Card Registration Services",
        "Merchant is not registered for Card Registration services",
        Category::Business,
    ),
    (
        GeneralCase::NeedToRequestOtp,
        404,
        6,
        "Need To Request OTP",
        "Need to request OTP",
        Category::System,
    ),
    (
        GeneralCase::JourneyNotFound,
        404,
        7,
        "Journey Not Found",
        "The journeyId cannot be found in the system",
        Category::System,
    ),
    (
        GeneralCase::InvalidMerchant,
        404,
        8,
        "Invalid Merchant",
        "Merchant does not exist or status abnormal",
        Category::Business,
    ),
    (
        GeneralCase::NoIssuer,
        404,
        9,
        "No Issuer",
        "No issuer",
        Category::Business,
    ),
    (
        GeneralCase::InvalidApiTransition,
        404,
        10,
        "Invalid API Transition",
        "Invalid API transition within a journey",
        Category::System,
    ),
    (
        GeneralCase::InvalidCardAccountCustomerVirtualAccount,
        404,
        11,
        "Invalid Card/Account/Customer [info]/Virtual Account",
        "Card information may be invalid, or the card account may be blacklisted, or Virtual Account number maybe invalid.",
        Category::Business,
    ),
    (
        GeneralCase::InvalidBillVirtualAccount,
        404,
        12,
        "Invalid Bill/Virtual Account [Reason]",
        "The bill is blocked/ suspended/not found. Virtual account is suspend/not found.",
        Category::Business,
    ),
    (
        GeneralCase::InvalidAmount,
        404,
        13,
        "Invalid Amount",
        "The amount doesn't match with what supposed to",
        Category::Business,
    ),
    (
        GeneralCase::PaidBill,
        404,
        14,
        "Paid Bill",
        "The bill has been paid",
        Category::Business,
    ),
    (
        GeneralCase::InvalidOtp,
        404,
        15,
        "Invalid OTP",
        "OTP is incorrect",
        Category::System,
    ),
    (
        GeneralCase::PartnerNotFound,
        404,
        16,
        "Partner Not Found",
        "Partner number can't be found",
        Category::Business,
    ),
    (
        GeneralCase::InvalidTerminal,
        404,
        17,
        "Invalid Terminal",
        "Terminal does not exist in the system",
        Category::Business,
    ),
    (
        GeneralCase::InconsistentRequest,
        404,
        18,
        "Inconsistent Request",
        "Inconsistent request parameter found for the same partner reference number/transaction id. It can be considered as failed in transfer debit, but it should be considered as success in transfer credit. Considered as success: Transfer credit = (i) Intrabank transfer; (ii) Interbank transfer; (iii) RTGS transfer; (iv) SKNBI transfer; Virtual account = (i) Payment VA; (ii) Payment to VA; Transfer debit = (i) Refund payment; (ii) Void. Considered as failed: Transfer credit = (i) Transfer to OTC; Transfer debit = (i) Direct debit payment; (ii) QR CPM payment; (iii) Auth payment; (iv) Capture.",
        Category::Business,
    ),
    (
        GeneralCase::ExpiredBillVirtualAccount,
        404,
        19,
        "Invalid Bill/Virtual Account",
        "The bill is expired. Virtual account is expired.",
        Category::Business,
    ),
    (
        GeneralCase::RequestedFunctionIsNotSupported,
        405,
        0,
        "Requested Function Is Not Supported",
        "Requested function is not supported",
        Category::System,
    ),
    (
        GeneralCase::RequestedOperationIsNotAllowed,
        405,
        1,
        "Requested Opearation Is Not Allowed",
        "Requested operation to cancel/refund transaction Is not allowed at this time.",
        Category::Business,
    ),
    (
        GeneralCase::Conflict,
        409,
        0,
        "Conflict",
        "Cannot use same X-EXTERNAL-ID in same day",
        Category::System,
    ),
    (
        GeneralCase::DuplicatePartnerReferenceNo,
        409,
        1,
        "Duplicate partnerReferenceNo",
        "Transaction has previously been processed indicates the same partnerReferenceNo already success",
        Category::System,
    ),
    (
        GeneralCase::TooManyRequests,
        429,
        0,
        "Too Many Requests",
        "Maximum transaction limit exceeded",
        Category::System,
    ),
    (
        GeneralCase::GeneralError,
        500,
        0,
        "General Error",
        "General Error",
        Category::System,
    ),
    (
        GeneralCase::InternalServerError,
        500,
        1,
        "Internal Server Error",
        "Unknown Internal Server Failure, Please retry the process again",
        Category::System,
    ),
    (
        GeneralCase::ExternalServerError,
        500,
        2,
        "External Server Error",
        "Backend system failure, etc",
        Category::System,
    ),
    (
        GeneralCase::Timeout,
        504,
        0,
        "Timeout",
        "timeout from the issuer",
        Category::System,
    ),
];
