//! Accounts and transfers: the state behind account creation (06),
//! balance inquiry (11), transaction history (12, 13), bank statement (14),
//! account inquiry (15/16), intrabank (17), interbank (18), RTGS (22) and
//! SKN (23) transfers and their status (36).
//!
//! Every account is at the sandbox bank. Account creation (06) opens one
//! for a customer; besides, an account number of 10-16 digits opens on
//! first use by a balance inquiry, a statement or a transfer with
//! [`OPENING_BALANCE`] (so any test account exists), while account inquiry
//! (15/16) finds only accounts that exist (`404{SS}11` otherwise). Money to
//! another bank (18, 22, 23) leaves through the interbank clearing account
//! [`CLEARING`].
//!
//! The book keeps its records in a [`RecordStore`] (see [`crate::books`]):
//! in memory, or Redis with `snap sandbox --redis`, shared by every sandbox
//! process on it. An account is one record changed by compare-and-set; a
//! transfer debits the source (refused when the balance is short), then
//! credits the beneficiary, each a compare-and-set of one account; each
//! movement is a statement line of its own. Invariants, under any
//! concurrency across instances:
//!
//! - money is conserved: once the transfers under way are done, the
//!   balances (clearing included) sum to the opening balances handed out;
//! - no balance goes below zero (`403{SS}14 Insufficient Funds`);
//! - a statement lists exactly what moved: an account's entries sum to its
//!   balance minus its opening balance;
//! - a `partnerReferenceNo` transfers once per partner (`409{SS}01`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use snap_sandbox::accounts::{Accounts, Rail, OPENING_BALANCE};
//!
//! let book = Accounts::default();
//! let t = book
//!     .transfer("merchant-1", "ref-1", "1234567890", "9876543210", 250_000_00, Rail::Intrabank, "2026-11-29T10:00:00+07:00")
//!     .await
//!     .unwrap();
//! assert_eq!(book.balance("1234567890").await.unwrap(), OPENING_BALANCE - 250_000_00);
//! assert_eq!(book.statement("9876543210").await.unwrap().len(), 1);
//! book.check_invariants().await.unwrap();
//! # let _ = t;
//! # }
//! ```

// Amounts are written in minor units grouped as rupiah_sen (`10_000_00` is
// Rp 10,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use snap_server::store::{Expect, MemoryRecords, RecordStore, StoreError};

use crate::books::{self, Claimed, part};

/// What a fresh account holds, minor units (Rp 10,000,000.00).
pub const OPENING_BALANCE: u64 = 10_000_000_00;

/// The interbank clearing account: where money to other banks goes.
pub const CLEARING: &str = "interbank-clearing";

/// RTGS carries only amounts above Rp 100,000,000 (minor units).
pub const RTGS_MINIMUM: u64 = 100_000_000_00;

/// SKN carries at most Rp 1,000,000,000 (minor units).
pub const SKN_MAXIMUM: u64 = 1_000_000_000_00;

/// How a transfer travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rail {
    /// Intrabank (17): both accounts here.
    Intrabank,
    /// Interbank / online (18).
    Interbank,
    /// RTGS (22).
    Rtgs,
    /// SKN (23).
    Skn,
}

impl Rail {
    /// The service code.
    pub fn service(self) -> u8 {
        match self {
            Rail::Intrabank => 17,
            Rail::Interbank => 18,
            Rail::Rtgs => 22,
            Rail::Skn => 23,
        }
    }
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The transfer's `referenceNo`.
    pub reference_no: String,
    /// The partner's `partnerReferenceNo` of the transfer.
    #[serde(default)]
    pub partner_reference_no: String,
    /// Credit (money in) or debit.
    pub credit: bool,
    /// Minor units.
    pub amount: u64,
    /// The other side's account.
    pub counterparty: String,
    /// When.
    pub time: String,
    /// Balance after this entry.
    pub balance_after: u64,
    /// Its number among the account's entries (1, 2, ...).
    #[serde(default)]
    pub seq: u32,
}

/// A transfer, as its status (36) reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The sandbox's `referenceNo`.
    pub reference_no: String,
    /// The partner's `partnerReferenceNo`.
    pub partner_reference_no: String,
    /// Debited account.
    pub source: String,
    /// Beneficiary account (at another bank for 18/22/23).
    pub beneficiary: String,
    /// Minor units.
    pub amount: u64,
    /// Rail.
    pub rail: Rail,
    /// When.
    pub time: String,
}

/// An account of the sandbox bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account number.
    pub account_no: String,
    /// The holder's name (`Sandbox account` for one opened on first use).
    pub name: String,
    /// The customer it was created for (06), if any.
    pub customer: Option<String>,
    /// The partner that created it (06), if any.
    pub partner: Option<String>,
    /// Balance, minor units.
    pub balance: u64,
    /// What it opened with, minor units.
    pub opening: u64,
    /// Statement lines written.
    pub entries: u32,
    /// Opened at (empty for one opened on first use).
    pub created: String,
}

/// Why a transfer or inquiry was refused; [`AccountError::case`] gives the
/// BI code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// `404{SS}11 Invalid Card/Account/Customer`.
    #[error("Invalid Account. {0}")]
    InvalidAccount(String),
    /// `403{SS}14 Insufficient Funds`.
    #[error("Insufficient Funds")]
    InsufficientFunds,
    /// `404{SS}13 Invalid Amount`.
    #[error("Invalid Amount. {0}")]
    InvalidAmount(String),
    /// `409{SS}01 Duplicate partnerReferenceNo`.
    #[error("Duplicate partnerReferenceNo. {0}")]
    Duplicate(String),
    /// `404{SS}01 Transaction Not Found`.
    #[error("Transaction Not Found. {0}")]
    NotFound(String),
    /// `403{SS}04 Activity Count Limit Exceeded`: an account's statement
    /// is full ([`MAX_ENTRIES`]).
    #[error("Activity Count Limit Exceeded. {0}")]
    TooMany(String),
    /// `500{SS}01`: the store failed (the reason is for the log).
    #[error("Internal Server Error")]
    Store(String),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        AccountError::Store(e.to_string())
    }
}

impl AccountError {
    /// `(HTTP status, case)`.
    pub fn case(&self) -> (u16, u8) {
        match self {
            AccountError::InvalidAccount(_) => (404, 11),
            AccountError::InsufficientFunds => (403, 14),
            AccountError::InvalidAmount(_) => (404, 13),
            AccountError::Duplicate(_) => (409, 1),
            AccountError::NotFound(_) => (404, 1),
            AccountError::TooMany(_) => (403, 4),
            AccountError::Store(_) => (500, 1),
        }
    }
}

/// Most statement lines one account keeps (transfers from it are refused
/// past it; the clearing account keeps counting without lines).
pub const MAX_ENTRIES: u32 = 1_000_000;

/// How many transfers [`Accounts::transfers`] lists.
const ALL_TRANSFERS: usize = 200;

/// True for an account number the sandbox opens on first use: 10-16 digits.
pub fn valid_account_no(no: &str) -> bool {
    (10..=16).contains(&no.len()) && no.bytes().all(|b| b.is_ascii_digit())
}

/// The sandbox bank's accounts and transfers, in a [`RecordStore`] (see
/// the module docs).
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn RecordStore>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Accounts")
    }
}

impl Default for Accounts {
    fn default() -> Self {
        Accounts::with_store(Arc::new(MemoryRecords::new(300_000)))
    }
}

const SEP: char = '\u{1f}';

impl Accounts {
    /// A book in `store` (Redis: shared by every sandbox on it).
    pub fn with_store(store: Arc<dyn RecordStore>) -> Self {
        Accounts { store }
    }

    fn key(no: &str) -> String {
        format!("acct:{no}")
    }

    fn entry_key(no: &str, seq: u32) -> String {
        format!("acct:entry:{}:{seq}", part(no))
    }

    fn customer_key(partner: &str, customer: &str) -> String {
        format!("acct:customer:{}:{customer}", part(partner))
    }

    fn transfer_key(partner: &str, partner_reference_no: &str) -> String {
        format!("trf:{}:{partner_reference_no}", part(partner))
    }

    fn transfer_claim(partner: &str, partner_reference_no: &str) -> String {
        format!("trf:claim:{}:{partner_reference_no}", part(partner))
    }

    fn transfer_list(partner: &str) -> String {
        format!("trf:list:{}", part(partner))
    }

    /// The account `no`, when it exists.
    pub async fn find(&self, no: &str) -> Result<Option<Account>, AccountError> {
        Ok(books::load(&*self.store, &Self::key(no)).await?)
    }

    /// Opens `no` with `account` unless it exists; true when this call
    /// opened it.
    async fn open_with(&self, account: &Account) -> Result<bool, AccountError> {
        let key = Self::key(&account.account_no);
        let bytes = books::encode(&key, account)?;
        if self
            .store
            .put(&key, bytes, Expect::Absent, books::ttl())
            .await?
        {
            books::push(&*self.store, "acct:list", &account.account_no).await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The account `no`, opened on first use (10-16 digits).
    async fn open(&self, no: &str) -> Result<Account, AccountError> {
        if let Some(a) = self.find(no).await? {
            return Ok(a);
        }
        let opening = if no == CLEARING { 0 } else { OPENING_BALANCE };
        if no != CLEARING && !valid_account_no(no) {
            return Err(AccountError::InvalidAccount(format!(
                "{no}: an account number is 10-16 digits"
            )));
        }
        let account = Account {
            account_no: no.to_owned(),
            name: "Sandbox account".to_owned(),
            customer: None,
            partner: None,
            balance: opening,
            opening,
            entries: 0,
            created: String::new(),
        };
        self.open_with(&account).await?;
        self.find(no)
            .await?
            .ok_or_else(|| AccountError::Store(format!("account {no} vanished")))
    }

    /// Account creation (06): an account with [`OPENING_BALANCE`] for
    /// `customer` of `partner` (the one it has when created before), usable
    /// by transfers, balance and history at once.
    pub async fn create(
        &self,
        partner: &str,
        customer: &str,
        name: &str,
        now: &str,
    ) -> Result<Account, AccountError> {
        let index = Self::customer_key(partner, customer);
        if let Some(a) = self.customer_account(partner, customer).await? {
            return Ok(a);
        }
        for _ in 0..64 {
            let n = self.store.next("acct:seq").await?;
            let no = format!("8{n:011}");
            let account = Account {
                account_no: no.clone(),
                name: name.to_owned(),
                customer: Some(customer.to_owned()),
                partner: Some(partner.to_owned()),
                balance: OPENING_BALANCE,
                opening: OPENING_BALANCE,
                entries: 0,
                created: now.to_owned(),
            };
            if !self.open_with(&account).await? {
                continue; // opened on first use before: another number
            }
            if self
                .store
                .put(
                    &index,
                    no.clone().into_bytes(),
                    Expect::Absent,
                    books::ttl(),
                )
                .await?
            {
                return Ok(account);
            }
            // Created at the same moment elsewhere: that one is the customer's.
            break;
        }
        self.customer_account(partner, customer)
            .await?
            .ok_or_else(|| AccountError::Store("no account number left".to_owned()))
    }

    /// The account created (06) for `customer` of `partner`, if any.
    pub async fn customer_account(
        &self,
        partner: &str,
        customer: &str,
    ) -> Result<Option<Account>, AccountError> {
        match self
            .store
            .get(&Self::customer_key(partner, customer))
            .await?
        {
            Some(r) => self.find(&String::from_utf8_lossy(&r.value)).await,
            None => Ok(None),
        }
    }

    /// Every transfer `partner` made lately (the latest 200), for the
    /// dashboard.
    pub async fn transfers(&self, partner: &str) -> Vec<Transfer> {
        let prefs = books::latest(&*self.store, &Self::transfer_list(partner), ALL_TRANSFERS)
            .await
            .unwrap_or_default();
        let mut out = Vec::new();
        for p in prefs {
            if let Ok(Some(t)) =
                books::load::<Transfer>(&*self.store, &Self::transfer_key(partner, &p)).await
            {
                out.push(t);
            }
        }
        out
    }

    /// Balance inquiry (11): the balance of `account`, opened on first use.
    pub async fn balance(&self, account: &str) -> Result<u64, AccountError> {
        Ok(self.open(account).await?.balance)
    }

    /// Moves `amount` on `no` (a debit refused when the balance is short)
    /// and writes the statement line.
    async fn post(
        &self,
        no: &str,
        credit: bool,
        amount: u64,
        line: Entry,
    ) -> Result<Entry, AccountError> {
        let moved = books::modify(&*self.store, &Self::key(no), |cur| {
            let mut a: Account =
                cur.ok_or_else(|| AccountError::InvalidAccount(format!("{no} not found")))?;
            if credit {
                a.balance = a
                    .balance
                    .checked_add(amount)
                    .ok_or_else(|| AccountError::InvalidAmount("balance overflow".to_owned()))?;
            } else {
                if a.balance < amount {
                    return Err(AccountError::InsufficientFunds);
                }
                if a.entries >= MAX_ENTRIES {
                    return Err(AccountError::TooMany(format!(
                        "{no} has {MAX_ENTRIES} statement lines"
                    )));
                }
                a.balance -= amount;
            }
            a.entries = a.entries.saturating_add(1);
            let (seq, after) = (a.entries, a.balance);
            Ok((a, (seq, after)))
        })
        .await??;
        let (_, (seq, balance_after)) = moved;
        let entry = Entry {
            seq,
            balance_after,
            ..line
        };
        books::save(&*self.store, &Self::entry_key(no, seq), &entry).await?;
        Ok(entry)
    }

    /// Moves `amount` from `source` to `beneficiary` (intrabank) or to the
    /// clearing account (other rails), once per `partner_reference_no`.
    #[allow(clippy::too_many_arguments)]
    pub async fn transfer(
        &self,
        partner: &str,
        partner_reference_no: &str,
        source: &str,
        beneficiary: &str,
        amount: u64,
        rail: Rail,
        now: &str,
    ) -> Result<Transfer, AccountError> {
        if amount == 0 {
            return Err(AccountError::InvalidAmount(
                "amount must be positive".to_owned(),
            ));
        }
        match rail {
            Rail::Rtgs if amount <= RTGS_MINIMUM => {
                return Err(AccountError::InvalidAmount(
                    "RTGS carries amounts above 100000000.00".to_owned(),
                ));
            }
            Rail::Skn if amount > SKN_MAXIMUM => {
                return Err(AccountError::InvalidAmount(
                    "SKN carries at most 1000000000.00".to_owned(),
                ));
            }
            _ => {}
        }
        let claim = Self::transfer_claim(partner, partner_reference_no);
        if let Claimed::Done { .. } = books::claim(&*self.store, &claim, 0).await? {
            return Err(AccountError::Duplicate(partner_reference_no.to_owned()));
        }
        let done = self
            .move_money(
                partner,
                partner_reference_no,
                source,
                beneficiary,
                amount,
                rail,
                now,
            )
            .await;
        match done {
            Ok(t) => {
                books::settle(&*self.store, &claim, 0, 1).await?;
                Ok(t)
            }
            Err(e) => {
                books::release(&*self.store, &claim).await;
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn move_money(
        &self,
        partner: &str,
        partner_reference_no: &str,
        source: &str,
        beneficiary: &str,
        amount: u64,
        rail: Rail,
        now: &str,
    ) -> Result<Transfer, AccountError> {
        self.open(source).await?;
        let to = match rail {
            Rail::Intrabank => {
                self.open(beneficiary).await?;
                if beneficiary == source {
                    return Err(AccountError::InvalidAccount(
                        "source and beneficiary are the same account".to_owned(),
                    ));
                }
                beneficiary.to_owned()
            }
            _ => {
                if beneficiary.is_empty() {
                    return Err(AccountError::InvalidAccount("no beneficiary".to_owned()));
                }
                self.open(CLEARING).await?;
                CLEARING.to_owned()
            }
        };
        let n = self.store.next("trf:seq").await?;
        let reference_no = format!("TRF{:02}{n:012}", rail.service());
        let line = |credit: bool, counterparty: &str| Entry {
            reference_no: reference_no.clone(),
            partner_reference_no: partner_reference_no.to_owned(),
            credit,
            amount,
            counterparty: counterparty.to_owned(),
            time: now.to_owned(),
            balance_after: 0,
            seq: 0,
        };
        self.post(source, false, amount, line(false, beneficiary))
            .await?;
        if let Err(e) = self.post(&to, true, amount, line(true, source)).await {
            // The debit stands and the credit failed (the store): say so
            // loudly, the books no longer balance.
            tracing::error!(target: "snap::server", error = %e, reference = %reference_no, "transfer debited but not credited");
            return Err(e);
        }
        let t = Transfer {
            reference_no: reference_no.clone(),
            partner_reference_no: partner_reference_no.to_owned(),
            source: source.to_owned(),
            beneficiary: beneficiary.to_owned(),
            amount,
            rail,
            time: now.to_owned(),
        };
        books::save(
            &*self.store,
            &Self::transfer_key(partner, partner_reference_no),
            &t,
        )
        .await?;
        self.store
            .put(
                &format!("trf:ref:{reference_no}"),
                format!("{partner}{SEP}{partner_reference_no}").into_bytes(),
                Expect::Any,
                books::ttl(),
            )
            .await?;
        books::push(
            &*self.store,
            &Self::transfer_list(partner),
            partner_reference_no,
        )
        .await?;
        Ok(t)
    }

    /// Status (36): a transfer by `partnerReferenceNo` or `referenceNo`.
    pub async fn status(
        &self,
        partner: &str,
        partner_reference_no: Option<&str>,
        reference_no: Option<&str>,
    ) -> Result<Transfer, AccountError> {
        let pref = match (partner_reference_no, reference_no) {
            (Some(p), _) => p.to_owned(),
            (None, Some(r)) => match self.store.get(&format!("trf:ref:{r}")).await? {
                Some(rec) => {
                    let text = String::from_utf8_lossy(&rec.value).into_owned();
                    match text.split_once(SEP) {
                        Some((p, pref)) if p == partner => pref.to_owned(),
                        _ => return Err(AccountError::NotFound(format!("referenceNo {r}"))),
                    }
                }
                None => return Err(AccountError::NotFound(format!("referenceNo {r}"))),
            },
            (None, None) => return Err(AccountError::NotFound("no reference".to_owned())),
        };
        match books::load::<Transfer>(&*self.store, &Self::transfer_key(partner, &pref)).await? {
            Some(t) if reference_no.is_none_or(|r| r == t.reference_no) => Ok(t),
            _ => Err(AccountError::NotFound(format!("partnerReferenceNo {pref}"))),
        }
    }

    /// Statement (14): the latest [`books::LIST_LIMIT`] lines of `account`
    /// (opened on first use), oldest first.
    pub async fn statement(&self, account: &str) -> Result<Vec<Entry>, AccountError> {
        let a = self.open(account).await?;
        self.lines(&a, books::LIST_LIMIT).await
    }

    async fn lines(&self, a: &Account, limit: usize) -> Result<Vec<Entry>, AccountError> {
        let first = a.entries.saturating_sub(limit as u32) + 1;
        let mut out = Vec::new();
        for seq in first..=a.entries {
            if let Some(e) =
                books::load::<Entry>(&*self.store, &Self::entry_key(&a.account_no, seq)).await?
            {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Transaction history (12) of `customer`'s account (created by 06):
    /// its account and latest lines, oldest first. A customer without an
    /// account: `404{SS}11`.
    pub async fn history(
        &self,
        partner: &str,
        customer: &str,
    ) -> Result<(Account, Vec<Entry>), AccountError> {
        let a = self
            .customer_account(partner, customer)
            .await?
            .ok_or_else(|| {
                AccountError::InvalidAccount(format!("customer {customer} has no account"))
            })?;
        let lines = self.lines(&a, books::LIST_LIMIT).await?;
        Ok((a, lines))
    }

    /// Transaction history detail (13): the transfer `partner_reference_no`
    /// of `partner` as it moved `customer`'s account (`404{SS}01` when it
    /// did not).
    pub async fn history_detail(
        &self,
        partner: &str,
        customer: &str,
        partner_reference_no: &str,
    ) -> Result<(Transfer, Entry), AccountError> {
        let (a, lines) = self.history(partner, customer).await?;
        let not_found = || {
            AccountError::NotFound(format!(
                "partnerReferenceNo {partner_reference_no} did not move account {}",
                a.account_no
            ))
        };
        let t = self
            .status(partner, Some(partner_reference_no), None)
            .await
            .map_err(|_| not_found())?;
        let line = lines
            .into_iter()
            .rev()
            .find(|e| e.reference_no == t.reference_no)
            .ok_or_else(not_found)?;
        Ok((t, line))
    }

    /// What left for other banks (the clearing account's balance).
    pub async fn balance_of_clearing(&self) -> u64 {
        match self.find(CLEARING).await {
            Ok(Some(a)) => a.balance,
            _ => 0,
        }
    }

    /// Checks, over the latest [`books::LIST_LIMIT`] accounts opened (by
    /// any instance on the store): the balances sum to the openings (money
    /// conserved; call it when no transfer is under way), and every
    /// account's lines explain its balance.
    pub async fn check_invariants(&self) -> Result<(), String> {
        let nos = books::latest(&*self.store, "acct:list", books::LIST_LIMIT)
            .await
            .map_err(|e| e.to_string())?;
        let (mut total, mut opened) = (0u128, 0u128);
        for no in nos {
            let Some(a) = self.find(&no).await.map_err(|e| e.to_string())? else {
                continue;
            };
            total += u128::from(a.balance);
            opened += u128::from(a.opening);
            let lines = self
                .lines(&a, usize::MAX)
                .await
                .map_err(|e| e.to_string())?;
            let moved: i128 = lines
                .iter()
                .map(|e| {
                    if e.credit {
                        i128::from(e.amount)
                    } else {
                        -i128::from(e.amount)
                    }
                })
                .sum();
            if i128::from(a.opening) + moved != i128::from(a.balance) {
                return Err(format!(
                    "{no}: statement moves {moved}, balance {}",
                    a.balance
                ));
            }
        }
        if total != opened {
            return Err(format!("balances sum to {total}, {opened} was opened"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-11-29T10:00:00+07:00";

    #[tokio::test]
    async fn refusals_carry_bi_codes() {
        let b = Accounts::default();
        let big = OPENING_BALANCE + 1;
        let (a1, a2) = ("1111111111", "2222222222");
        let e = b
            .transfer("p", "r1", a1, a2, big, Rail::Intrabank, NOW)
            .await;
        assert_eq!(e.unwrap_err().case(), (403, 14));
        let e = b
            .transfer("p", "r2", "12", a2, 1, Rail::Intrabank, NOW)
            .await;
        assert_eq!(e.unwrap_err().case(), (404, 11));
        b.transfer("p", "r3", a1, a2, 1, Rail::Intrabank, NOW)
            .await
            .unwrap();
        let e = b.transfer("p", "r3", a1, a2, 1, Rail::Intrabank, NOW).await;
        assert_eq!(e.unwrap_err().case(), (409, 1));
        // A refused reference is free again.
        b.transfer("p", "r1", a1, a2, 5, Rail::Intrabank, NOW)
            .await
            .unwrap();
        let e = b
            .transfer("p", "r4", a1, "BANK-X:99", 5_000_00, Rail::Rtgs, NOW)
            .await;
        assert_eq!(e.unwrap_err().case(), (404, 13));
        let e = b.status("p", Some("r9"), None).await.unwrap_err();
        assert_eq!(e.case(), (404, 1));
        let t = b.status("p", Some("r3"), None).await.unwrap();
        assert_eq!(b.status("p", None, Some(&t.reference_no)).await.unwrap(), t);
        assert!(
            b.status("other", None, Some(&t.reference_no))
                .await
                .is_err()
        );
        assert_eq!(b.transfers("p").await.len(), 2);
        b.check_invariants().await.unwrap();
    }

    #[tokio::test]
    async fn created_accounts_history_and_inquiry() {
        let b = Accounts::default();
        assert!(b.find("5555555555").await.unwrap().is_none());
        let a = b.create("p", "cust-1", "Budi", NOW).await.unwrap();
        assert_eq!(a.balance, OPENING_BALANCE);
        let again = b.create("p", "cust-1", "Budi", NOW).await.unwrap();
        assert_eq!(again.account_no, a.account_no, "one account per customer");
        assert!(b.find(&a.account_no).await.unwrap().is_some());
        let e = b.history("p", "cust-2").await.unwrap_err();
        assert_eq!(e.case(), (404, 11));
        b.transfer(
            "p",
            "h1",
            &a.account_no,
            "3333333333",
            700_00,
            Rail::Intrabank,
            NOW,
        )
        .await
        .unwrap();
        b.transfer(
            "p",
            "h2",
            "3333333333",
            &a.account_no,
            200_00,
            Rail::Intrabank,
            NOW,
        )
        .await
        .unwrap();
        let (acct, lines) = b.history("p", "cust-1").await.unwrap();
        assert_eq!(acct.balance, OPENING_BALANCE - 500_00);
        assert_eq!(
            lines
                .iter()
                .map(|e| (e.credit, e.amount))
                .collect::<Vec<_>>(),
            [(false, 700_00), (true, 200_00)]
        );
        let (t, line) = b.history_detail("p", "cust-1", "h2").await.unwrap();
        assert_eq!((t.amount, line.credit), (200_00, true));
        let e = b.history_detail("p", "cust-1", "nope").await.unwrap_err();
        assert_eq!(e.case(), (404, 1));
        b.check_invariants().await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn money_is_conserved_under_concurrency() {
        let b = Accounts::default();
        let accounts = ["1000000001", "1000000002", "1000000003", "1000000004"];
        let tasks: Vec<_> = (0..8)
            .map(|t| {
                let b = b.clone();
                tokio::spawn(async move {
                    for i in 0..60u64 {
                        let from = accounts[(t + i as usize) % 4];
                        let to = accounts[(t + i as usize + 1) % 4];
                        let rail = if i % 7 == 0 {
                            Rail::Interbank
                        } else {
                            Rail::Intrabank
                        };
                        let amount = 1_000_00 + (i * 7919) % 3_000_000_00;
                        let _ = b
                            .transfer("p", &format!("{t}-{i}"), from, to, amount, rail, NOW)
                            .await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        b.check_invariants().await.unwrap();
        let mut sum = b.balance_of_clearing().await;
        for a in accounts {
            sum += b.balance(a).await.unwrap();
        }
        assert_eq!(sum, 4 * OPENING_BALANCE);
        assert!(
            b.balance_of_clearing().await > 0,
            "some interbank transfers went through"
        );
        assert!(b.statement(accounts[0]).await.unwrap().len() > 10);
    }
}
