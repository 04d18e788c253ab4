#!/usr/bin/env python3
"""Generate snap-rs endpoint declarations and JSON fixtures from the SNAP catalogue.

Reads (read-only):
  <catalogue>/services.json, <catalogue>/fields/NN.json
  <portal>/*.md                                (sample bodies)
  <crate>/src/bi/<page>.rs (hand-written page modules: reserved type names),
  <crate>/tests/fixtures/bi/*.json (hand-written fixtures of the seed documents)
Writes, into the snap-endpoints crate (or a crate-shaped --out folder):
  src/bi/<page>.rs (pages without hand-written declarations),
  src/bi/<page>/generated.rs (pages with some), src/bi/list.rs (every BI request type),
  tests/fixtures/bi/NN_<name>.{request,response}.json, tests/fixtures/bi/expected.json,
  tests/fixtures/NOTES-bi.md
`--check` writes nothing and exits 1 when the committed files differ from a fresh run.

Python 3.11, standard library only. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------
# Static knowledge: names, modules, pages
# --------------------------------------------------------------------------------------

DEFAULT_SKIP = [31, 57, 63, 64, 65, 66, 67, 68, 69, 73, 74, 77]

# service -> (type prefix, short human name). Prefixes of the 12 hand-written services
# match their existing type names (DeleteVaRequest, DebitCancelRequest, ...).
SHORT = {
    1: ("CardBind", "Card Registration"),
    2: ("CardBindLimit", "Card Registration Set Limit"),
    3: ("CardBindInquiry", "Card Registration Inquiry"),
    4: ("OtpVerification", "Verify OTP"),
    5: ("CardUnbind", "Card Registration Unbinding"),
    6: ("AccountCreation", "Account Creation"),
    7: ("AccountBinding", "Account Binding"),
    8: ("AccountBindingInquiry", "Account Binding Inquiry"),
    9: ("AccountUnbinding", "Account Unbinding"),
    10: ("GetAuthCode", "Get OAuth URL"),
    11: ("BalanceInquiry", "Balance Inquiry"),
    12: ("TransactionHistoryList", "Transaction History List"),
    13: ("TransactionHistoryDetail", "Transaction History Detail"),
    14: ("BankStatement", "Bank Statement"),
    15: ("InternalAccountInquiry", "Internal Account Inquiry"),
    16: ("ExternalAccountInquiry", "External Account Inquiry"),
    17: ("IntrabankTransfer", "Intrabank Transfer"),
    18: ("InterbankTransfer", "Interbank Transfer"),
    19: ("RequestForPayment", "Request for Payment"),
    20: ("InterbankBulkTransfer", "Interbank Bulk Transfer"),
    21: ("InterbankBulkNotify", "Interbank Bulk Transfer Notification"),
    22: ("RtgsTransfer", "RTGS Transfer"),
    23: ("SknTransfer", "SKNBI Transfer"),
    24: ("VaInquiry", "VA Inquiry"),
    25: ("VaPayment", "VA Payment"),
    26: ("VaStatus", "VA Inquiry Status"),
    27: ("CreateVa", "Create VA"),
    28: ("UpdateVa", "Update VA"),
    29: ("UpdateVaStatus", "Update VA Status"),
    30: ("InquiryVa", "Inquiry VA"),
    31: ("DeleteVa", "Delete VA"),
    32: ("VaIntrabankInquiry", "VA Intrabank Inquiry"),
    33: ("VaIntrabankPayment", "VA Intrabank Payment"),
    34: ("VaIntrabankNotify", "VA Intrabank Payment Notification"),
    35: ("VaReport", "VA Report"),
    36: ("TransferStatus", "Transfer Status Inquiry"),
    37: ("TopUpAccountInquiry", "Top Up Account Inquiry"),
    38: ("CustomerTopUp", "Customer Top Up"),
    39: ("TopUpStatus", "Customer Top Up Status"),
    40: ("BulkCashIn", "Bulk Cash In"),
    41: ("BulkCashInNotify", "Bulk Cash In Notification"),
    42: ("BankAccountInquiry", "Transfer to Bank Account Inquiry"),
    43: ("TransferToBank", "Transfer to Bank"),
    44: ("OtcCashout", "OTC Cashout"),
    45: ("OtcStatus", "OTC Status"),
    46: ("OtcCancel", "OTC Cancel"),
    47: ("QrMpmGenerate", "QR MPM Generate"),
    48: ("QrMpmDecode", "QR MPM Decode"),
    49: ("QrMpmApplyOtt", "QR MPM Apply OTT"),
    50: ("QrMpmPayment", "QR MPM Payment"),
    51: ("QrMpmQuery", "QR MPM Query"),
    52: ("QrMpmNotify", "QR MPM Notification"),
    53: ("QrMpmStatus", "QR MPM Status"),
    54: ("DebitPayment", "Direct Debit Payment"),
    55: ("DebitStatus", "Direct Debit Status"),
    56: ("DebitNotify", "Direct Debit Notification"),
    57: ("DebitCancel", "Direct Debit Cancel"),
    58: ("DebitRefund", "Direct Debit Refund"),
    59: ("QrCpmGenerate", "QR CPM Generate"),
    60: ("QrCpmPayment", "QR CPM Payment"),
    61: ("QrCpmQuery", "QR CPM Query"),
    62: ("QrCpmCancel", "QR CPM Cancel"),
    63: ("AuthPayment", "Auth Payment"),
    64: ("AuthQuery", "Auth Payment Query"),
    65: ("AuthCapture", "Auth Capture"),
    66: ("AuthCaptureQuery", "Auth Capture Query"),
    67: ("AuthVoid", "Auth Void"),
    68: ("AuthVoidQuery", "Auth Void Query"),
    69: ("AuthRefund", "Auth Refund"),
    70: ("FastEmandate", "BI-FAST e-Mandate Registration"),
    71: ("FastDebitPayment", "BI-FAST Direct Debit Payment"),
    72: ("FastDebitNotify", "BI-FAST Direct Debit Notification"),
    73: ("AccessTokenB2b", "Access Token B2B"),
    74: ("AccessTokenB2b2c", "Access Token B2B2C"),
    75: ("SknNotify", "SKNBI Notification"),
    76: ("RtgsNotify", "RTGS Notification"),
    77: ("QrMpmCancel", "QR MPM Cancel"),
    78: ("QrMpmRefund", "QR MPM Refund"),
    79: ("QrCpmNotify", "QR CPM Notification"),
    80: ("QrCpmRefund", "QR CPM Refund"),
    81: ("Otp", "OTP"),
}

# portal page slug -> (module, page title for doc comments, portal capture file)
PAGES = {
    "registrasi": ("registration", "Registrasi", "registrasi.md"),
    "informasi-saldo": ("balance", "Informasi Saldo", "informasi-saldo.md"),
    "riwayat-transaksi": ("history", "Riwayat Transaksi", "riwayat-transaksi.md"),
    "account-inquiry": ("account_inquiry", "Transfer Kredit / Account Inquiry", "account-inquiry.md"),
    "trigger-transfer": ("trigger_transfer", "Transfer Kredit / Trigger Transfer", "trigger-transfer.md"),
    "virtual-account": ("va", "Transfer Kredit / Virtual Account", "virtual-account.md"),
    "transaction-status-inquiry-bank": (
        "transaction_status_bank",
        "Transfer Kredit / Transaction Status Inquiry (Bank)",
        "transaction-status-inquiry-bank.md",
    ),
    "transaction-status-inquiry": (
        "transaction_status",
        "Transfer Kredit / Transaction Status Inquiry (Non-Bank)",
        "transaction-status-inquiry.md",
    ),
    "customer-top-up": ("customer_topup", "Transfer Kredit / Customer Top Up", "customer-top-up.md"),
    "bulk-cashin": ("bulk_cashin", "Transfer Kredit / Bulk Cashin", "bulk-cashin.md"),
    "transfer-to-bank": ("transfer_to_bank", "Transfer Kredit / Transfer To Bank", "transfer-to-bank.md"),
    "transfer-to-otc": ("transfer_to_otc", "Transfer Kredit / Transfer To OTC", "transfer-to-otc.md"),
    "mpm": ("mpm", "Transfer Kredit / MPM", "mpm.md"),
    "direct-debit": ("direct_debit", "Transfer Debit / Direct Debit", "direct-debit.md"),
    "direct-debit-bi-fast": (
        "direct_debit_bi_fast",
        "Transfer Debit / Direct Debit BI-FAST",
        "direct-debit-bi-fast.md",
    ),
    "cpm": ("cpm", "Transfer Debit / CPM", "cpm.md"),
    "auth-payment": ("auth", "Transfer Debit / Auth Payment", "auth-payment.md"),
    "keamanan": ("security", "Keamanan", "keamanan.md"),
}

# generated module -> hand-written file it will be merged into (its type names are reserved)
EXISTING_FILE = {
    "va": "va.rs",
    "direct_debit": "direct_debit.rs",
    "mpm": "mpm.rs",
    "auth": "auth.rs",
    "security": "security.rs",
}

# Wire-type drift documented by the catalogue README section 2 (and the SYNTAX.md example
# for channelCode): these keys get accept_number / accept_string wherever they occur.
README_DRIFT_NUMBER_IN_STRING = {"paymentType", "customerNo"}
README_DRIFT_STRING_IN_INT = {
    "channelCode",
    "billReferenceNo",
    "pageSize",
    "pageNumber",
    "merchantPAN",
    "numberOfEntries",
    "customerMonthlyInLimit",
}

# Wire names of secrets (tokens, OTPs, card data, keys, passApp): declared as
# `snap_core::secret::SecretString`, whose Debug and Display print `[redacted]`.
SECRET_KEYS = {
    "accessToken", "refreshToken", "authCode", "bankCardToken", "cardToken", "chargeToken",
    "linkageToken", "accountToken", "merchantToken", "userAccessToken", "token", "tokenId",
    "otp", "passApp", "cardData", "bankCardNo", "cardPan", "expiryDate", "apiKey",
}

RUST_KEYWORDS = {
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
}
# Wire names whose natural Rust name differs from the naive snake_case.
RUST_NAME_OVERRIDE = {"bulkid": "bulk_id", "virtualAccountdata": "virtual_account_data",
                      "type": "kind"}

INT_TYPES = {"Number", "Numeric", "numeric", "Integer", "int"}
MONEY_VALUE_LENS = {"16,2", "17,2"}

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def snake(wire: str) -> str:
    if wire in RUST_NAME_OVERRIDE:
        return RUST_NAME_OVERRIDE[wire]
    s = wire.strip()
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z_]", "_", s).lower()
    if s in RUST_KEYWORDS:
        s += "_"
    return s


def serde_camel(snake_name: str) -> str:
    """What serde's rename_all = "camelCase" produces for a field name."""
    out = []
    cap = False
    for ch in snake_name:
        if ch == "_":
            cap = True
        elif cap:
            out.append(ch.upper())
            cap = False
        else:
            out.append(ch)
    return "".join(out)


def pascal(snake_name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in snake_name.split("_") if p)


def singular(wire: str) -> str:
    if wire.endswith("ies"):
        return wire[:-3] + "y"
    if wire.endswith("s") and not wire.endswith("ss"):
        return wire[:-1]
    return wire


def clean_desc(text: str, limit: int = 100) -> str:
    t = re.sub(r"\[from portal type definition [^\]]*\]", "", text or "")
    t = t.replace("\u00a0", " ").replace("\ufffd", "'")
    t = re.sub(r"\s+", " ", t).strip()
    t = t.replace("[", "(").replace("]", ")").replace("<", "‹").replace(">", "›")
    t = t.replace("`", "'")
    # first sentence
    for m in re.finditer(r"\.(?:\s+|(?=[A-Z]))", t):
        if m.start() >= 12:
            t = t[: m.start()]
            break
    t = t.rstrip(". ")
    if len(t) > limit:
        cut = t[:limit].rsplit(" ", 1)[0]
        t = cut.rstrip(",;:") + " …"
    return t


def wrap_doc(text: str, indent: str = "", width: int = 96) -> list[str]:
    lines = []
    for para in text.split("\n"):
        if not para.strip():
            lines.append(f"{indent}///")
            continue
        words = para.split(" ")
        cur = ""
        for w in words:
            if cur and len(indent) + 4 + len(cur) + 1 + len(w) > width:
                lines.append(f"{indent}/// {cur}")
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        if cur:
            lines.append(f"{indent}/// {cur}")
    return lines


def rust_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Table tree
# --------------------------------------------------------------------------------------


@dataclass
class Node:
    wire: str
    is_array: bool = False
    row: dict | None = None
    children: dict = field(default_factory=dict)  # wire -> Node
    table_name: str = ""
    notes: list = field(default_factory=list)


def build_tree(rows: list[dict]) -> Node:
    root = Node(wire="")
    for row in rows:
        segs = row["name"].split(".")
        cur = root
        prefix = []
        for i, seg in enumerate(segs):
            arr = seg.endswith("[]")
            w = seg[:-2] if arr else seg
            prefix.append(seg)
            if w not in cur.children:
                cur.children[w] = Node(wire=w, is_array=arr, table_name=".".join(prefix))
            nxt = cur.children[w]
            if arr:
                nxt.is_array = True
            if i == len(segs) - 1:
                if nxt.row is None:
                    nxt.row = row
                else:  # duplicate row
                    a, b = nxt.row, row
                    la = a["max_len"] if isinstance(a["max_len"], int) else 0
                    lb = b["max_len"] if isinstance(b["max_len"], int) else 0
                    keep = dict(a if la >= lb else b)
                    nxt.notes.append(
                        f"The table lists `{row['name']}` twice (String({a['max_len']}) "
                        f"\"{clean_desc(a['description'], 40)}\" and String({b['max_len']}) "
                        f"\"{clean_desc(b['description'], 40)}\"); the longer limit is kept so "
                        "that neither reading rejects a valid value."
                    )
                    nxt.row = keep
            cur = nxt
    return root


# --------------------------------------------------------------------------------------
# Field specs
# --------------------------------------------------------------------------------------


@dataclass
class FSpec:
    wire: str
    rust: str
    optional: bool
    kind: str  # string int bool money map struct vec_string vec_value
    is_array: bool = False
    int_ty: str = ""
    max: int | None = None
    len: int | None = None
    digits: bool = False
    accept_number: bool = False
    accept_string: bool = False
    one_of: str | None = None
    required_if: tuple | None = None
    path_param: bool = False
    query: bool = False
    doc: str = ""
    child: "SSpec | None" = None
    table_path: str = ""
    alias: str | None = None
    secret: bool = False


@dataclass
class SSpec:
    hint: str  # own wire name (for naming)
    parent_hint: str
    fields: list
    service: int
    notes: list = field(default_factory=list)
    name: str = ""  # assigned later
    sig: tuple = ()


class Ctx:
    def __init__(self, service: int, side: str, drift: dict):
        self.service = service
        self.side = side
        self.drift = drift  # table path -> set of sample json types
        self.decisions: list[str] = []


def json_type(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null"


def mand_word(m):
    return {"M": "M", "O": "O", "C": "C"}.get(m, "M/O missing in the table, treated as O")


def leaf_spec(node: Node, ctx: Ctx) -> FSpec:
    row = node.row or {}
    wire = node.wire
    ty = row.get("type") or "String"
    ml = row.get("max_len")
    mand = row.get("mandatory")
    flags = " ".join(row.get("flags", []))
    sample_types = ctx.drift.get(node.table_name, set())
    notes = []
    fs = FSpec(wire=wire, rust=snake(wire), optional=(mand != "M"), kind="string",
               table_path=node.table_name)

    if node.is_array:
        if ty == "Array of String":
            fs.kind = "vec_string"
            if isinstance(ml, int):
                notes.append(f"each element at most {ml} characters (not checked: no per-element rule key)")
        else:
            fs.kind = "vec_value"
            notes.append(f"typed `{ty}` with no member rows: elements kept as raw JSON")
        fs.is_array = False  # the Vec is the kind itself
    elif ty in ("Object",) and not isinstance(ml, int) and ml != "16,2":
        fs.kind = "map"
    elif ty == "Encrypted Object":
        fs.kind = "string"
        notes.append("an AES-256 encrypted string on the wire (its plaintext members are the "
                     "table's child rows, see the plaintext model below)")
    elif ty in ("Object", "List") and isinstance(ml, int):
        fs.kind = "string"
        fs.max = ml
        notes.append(f"the table types it `{ty}`({ml}) but it is a scalar string (catalogue flag)")
    elif ty == "Boolean":
        fs.kind = "bool"
    elif ty in ("Date", "Datetime"):
        fs.kind = "string"
        fs.max = ml if isinstance(ml, int) else 25
    elif ty == "decimal" or (ty in INT_TYPES and isinstance(ml, str)):
        fs.kind = "string"
        fs.accept_number = True
        notes.append(f"table: {ty}({ml}), a decimal amount; kept as a string (no length rule: the "
                     "precision reading is ambiguous), a JSON number is accepted")
    elif ty in INT_TYPES:
        if ctx.service == 35 and wire == "partnerServiceId":
            fs.kind = "string"
            fs.len = 8
            notes.append("the table types it `Number`; it is the 8-character left-space-padded "
                         "String everywhere else and the sample sends a string: kept a String")
        elif ctx.service == 6 and wire == "apiKey":
            fs.kind = "string"
            notes.append("the table types it `Numeric` (no length) but the sample value "
                         "\"AB12-CD34-EFGHIJ567890\" is not a number: kept a String")
        else:
            fs.kind = "int"
            fs.int_ty = "u32" if isinstance(ml, int) and ml <= 9 else "u64"
            if isinstance(ml, int):
                fs.max = ml
    else:
        # String / string / StringNumber / unknown
        fs.kind = "string"
        if ty not in ("String", "string"):
            notes.append(f"the table types it `{ty}`; read as String")
        if row.get("len"):
            fs.len = row["len"]
        elif isinstance(ml, int):
            fs.max = ml
        elif ml == "unlimited":
            notes.append("max length: unlimited")
        elif isinstance(ml, str):
            notes.append(f"length printed as {ml}; no length rule")

    # digits / enum status codes
    desc = row.get("description", "")
    if fs.kind == "string" and re.match(r"\s*00\s*-\s*Success", desc) and ml == 2:
        fs.len, fs.max, fs.digits = 2, None, True
        notes.append("a two-digit status code")
    if fs.kind == "string" and wire == "customerNo" and "digits" in desc:
        fs.digits = True

    # wire drift
    if fs.kind == "string" and ("number" in sample_types or wire in README_DRIFT_NUMBER_IN_STRING
                                or "bare JSON number" in flags):
        if not fs.accept_number:
            fs.accept_number = True
            why = "the sample sends a JSON number" if ("number" in sample_types or "bare JSON number" in flags) \
                else "providers send a JSON number (catalogue README §2)"
            notes.append(f"a JSON number is accepted too: {why}")
    if fs.kind == "int" and ("string" in sample_types or wire in README_DRIFT_STRING_IN_INT
                             or "sample sends a JSON string" in flags):
        fs.accept_string = True
        why = "the sample sends a JSON string" if ("string" in sample_types or "sample sends a JSON string" in flags) \
            else "providers send a JSON string (catalogue README §2)"
        notes.append(f"a JSON string of digits is accepted too: {why}")

    if fs.kind == "string" and wire in SECRET_KEYS:
        assert not fs.accept_number, f"{ctx.service} {wire}: a secret with accept_number"
        fs.secret = True
        notes.append("a secret: `SecretString`, redacted in Debug and logs")

    fs.doc = field_doc(row, fs, notes + node.notes)
    return fs


def field_doc(row: dict, fs: FSpec, notes: list) -> str:
    raw = row.get("description", "") if row else ""
    mand = row.get("mandatory") if row else None
    if mand == "C":
        cond = conditional_text(raw)
        k = re.sub(r"\s+", " ", raw).find(cond)
        if k > 5:
            raw = re.sub(r"\s+", " ", raw)[:k]
    d = clean_desc(raw)
    if not d:
        d = {"additionalInfo": "Additional information"}.get(fs.wire, f"`{fs.wire}`")
    ty = row.get("type") if row else None
    ml = row.get("max_len") if row else None
    size = ""
    if fs.len:
        size = f", len {fs.len}"
    elif isinstance(ml, int):
        size = f", {ml}"
    elif isinstance(ml, str):
        size = f", {ml}"
    text = f"{d}{'' if d.endswith('…') else '.'} {mand_word(mand)}{size}."
    if mand == "C":
        cond = conditional_text(row.get("description", ""))
        if fs.one_of:
            text += f" Conditional: one of the group `{fs.one_of}` must be present."
        elif fs.required_if:
            text += f" Conditional: mandatory if `{fs.required_if[0]}` = `{fs.required_if[1]}`."
        else:
            text += f" Conditional: {cond}."
    for n in notes:
        text += f" {n[0].upper()}{n[1:]}" + ("" if n.endswith(".") else ".")
    return text


def conditional_text(desc: str) -> str:
    d = re.sub(r"\s+", " ", desc or "").replace("\ufffd", "'")
    m = re.search(r"((?:Must be|must be|Mandatory if|mandatory if|Mandatory for|To be filled|Harus|\bIf\b|\bif\b|Filled if)[^.]*)", d)
    t = m.group(1) if m else "the table marks it C without stating the condition"
    t = t.replace("`", "'").replace("[", "(").replace("]", ")")
    if len(t) > 120:
        t = t[:120].rsplit(" ", 1)[0] + " …"
    return t.strip().rstrip(".")


def is_money(node: Node) -> bool:
    if set(node.children) != {"value", "currency"}:
        return False
    v = node.children["value"].row or {}
    return v.get("max_len") in MONEY_VALUE_LENS and not node.is_array


def container_spec(node: Node, ctx: Ctx, parent_hint: str) -> FSpec:
    row = node.row or {}
    mand = row.get("mandatory")
    notes = list(node.notes)
    wire = node.wire
    fs = FSpec(wire=wire, rust=snake(wire), optional=(mand != "M"), kind="struct",
               is_array=node.is_array, table_path=node.table_name)
    ty = row.get("type")
    if not row:
        notes.append("no table row for this container (implied by its members' names): treated as O")
    if ty == "Encrypted Object":
        # On the wire a string; emit the plaintext as a model anyway.
        fs.kind = "string"
        fs.secret = wire in SECRET_KEYS
        fs.doc = field_doc(row, fs, ["an AES-256 encrypted string on the wire (Security standard "
                                     "2.1.9); its plaintext JSON is the model "
                                     f"`{SHORT[ctx.service][0]}{pascal(snake(wire))}Plain`"]
                           + (["a secret: `SecretString`, redacted in Debug and logs"]
                              if fs.secret else []))
        plain = struct_spec(node, ctx, parent_hint, hint_override=wire + "Plain")
        ctx.extra_models.append(plain)
        return fs
    if is_money(node):
        fs.kind = "money"
        val = node.children["value"].row
        cur = node.children["currency"].row
        if val.get("mandatory") != "M" or cur.get("mandatory") != "M":
            notes.append("value/currency are not both M in the table; Money requires both")
        if ty and ty not in ("Object",):
            notes.append(f"the table types it `{ty}`; the sample and sibling tables use one object")
        d = clean_desc(row.get("description", "")) or f"`{wire}`"
        fs.doc = f"{d}{'' if d.endswith('…') else '.'} {mand_word(mand)} (its value/currency M; value {val.get('max_len')})."
        for n in notes:
            fs.doc += f" {n[0].upper()}{n[1:]}" + ("" if n.endswith(".") else ".")
        return fs
    if ty and node.is_array is False and ty.startswith("Array"):
        notes.append(f"the table types it `{ty}`; the sample is a single object")
    if ty and ty not in ("Object", "Objects", "Array of Objects", "Array of Object", "Array of object",
                         "Array", "Array of", "List", "DebitAndCreditEntries", "List< SourceOfFund >"):
        notes.append(f"the table types it `{ty}` but lists member rows: a nested object")
    fs.child = struct_spec(node, ctx, parent_hint)
    d = clean_desc(row.get("description", "")) if row else ""
    if not d:
        d = f"`{wire}`"
    text = f"{d}{'' if d.endswith('…') else '.'} {mand_word(mand)}."
    if mand == "C":
        text += f" Conditional: {conditional_text(row.get('description', ''))}."
    for n in notes:
        text += f" {n[0].upper()}{n[1:]}" + ("" if n.endswith(".") else ".")
    fs.doc = text
    return fs


# Table-vs-sample spellings the catalogue documents (README §4 "Field names"): the table's
# name stays the wire name, the sample's spelling is accepted on input as a serde alias.
ALIASES = {
    (24, "request", "trxDateInit"): "txnDateInit",
    (6, "request", "deviceInfo.manufacturer"): "manufacture",
    (17, "response", "sourceAccountNo"): "sourceAccount",
    (32, "response", "virtualAccountData"): "virtualAccountdata",
    (40, "response", "bulkid"): "bulkId",
    (42, "request", "CustomerNumber"): "customerNumber",
    (64, "response", "originalPartnerReferenceNo"): "originalpartnerReferenceNo",
}


def node_spec(node: Node, ctx: Ctx, parent_hint: str) -> FSpec:
    fs = container_spec(node, ctx, parent_hint) if node.children else leaf_spec(node, ctx)
    alias = ALIASES.get((ctx.service, ctx.side, node.table_name))
    if alias:
        fs.alias = alias
        fs.doc += (f" The page's sample spells it `{alias}`: accepted on input (serde alias), "
                   "written as the table's spelling.")
    return fs


def struct_spec(node: Node, ctx: Ctx, parent_hint: str, hint_override: str | None = None) -> SSpec:
    hint = hint_override or node.wire
    fields = [node_spec(ch, ctx, hint) for ch in node.children.values()]
    s = SSpec(hint=hint, parent_hint=parent_hint, fields=fields, service=ctx.service)
    apply_groups(s, ctx)
    return s


# Conditional rules that the descriptions state clearly.
ONE_OF = {
    # 14: "bankCardToken: must be filled if accountNo is null" / "accountNo: must be filled if
    # bankCardToken is null" -> at least one of the two.
    (14, "request", ""): ("account", ["bankCardToken", "accountNo"]),
    # 47: "If qrContent is null, then qrUrl or qrImage must be filled" -> at least one of three.
    (47, "response", ""): ("qr", ["qrContent", "qrUrl", "qrImage"]),
}
REQUIRED_IF = {
    (74, "request", "authCode"): ("grant_type", "AUTHORIZATION_CODE"),
    (74, "request", "refreshToken"): ("grant_type", "REFRESH_TOKEN"),
}


def apply_groups(s: SSpec, ctx: Ctx):
    top = s.parent_hint == "" and s.hint == ""
    for (svc, side, where), (group, members) in ONE_OF.items():
        if svc == ctx.service and side == ctx.side and top:
            for f in s.fields:
                if f.wire in members:
                    f.one_of = group
                    f.doc = re.sub(r" Conditional: [^.]*(\.[^.A-Z][^.]*)*\.", "", f.doc)
                    f.doc += (f" Conditional: one of {', '.join('`'+m+'`' for m in members)} "
                              f"must be present (one_of = \"{group}\").")
    for (svc, side, wire), (rf, val) in REQUIRED_IF.items():
        if svc == ctx.service and side == ctx.side and top:
            for f in s.fields:
                if f.wire == wire:
                    f.required_if = (rf, val)


# --------------------------------------------------------------------------------------
# Samples
# --------------------------------------------------------------------------------------

SAMPLE_FIXES = {
    # (portal file, first body line text fragment) -> list of (old, new, why)
    47: {
        "response": [(
            '"qrUrl":"https"://qrurl?img=12345,',
            '"qrUrl":"https://qrurl?img=12345",',
            'moved a misplaced quote: `"qrUrl":"https"://qrurl?img=12345,` -> '
            '`"qrUrl":"https://qrurl?img=12345",`',
        )]
    },
    49: {
        "response": [(
            "}]\n     \"additionalInfo\"",
            "}],\n     \"additionalInfo\"",
            "added the missing `,` after the `userResources` array",
        )]
    },
    6: {
        "request": [(
            '"seamlessSign" "URLEncode(BASE64(sigin( "{',
            '"seamlessSign": "URLEncode(BASE64(sigin( {',
            'added the missing `:` after `"seamlessSign"` and removed the unescaped `"` before `{`',
        ), (
            '}}" )))",',
            '}} )))",',
            'removed the unescaped `"` after the inner `}}` (the value stays the pseudo-code text '
            '`URLEncode(BASE64(sigin( {...} )))`)',
        )]
    },
}


@dataclass
class Sample:
    service: int
    side: str
    file: str
    start: int  # 1-based line of first body line
    end: int
    raw: str
    text: str  # after fixes
    edits: list
    data: object = None
    duplicates: list = field(default_factory=list)  # keys sent twice in one object


def load_json(text: str) -> tuple:
    """The parsed JSON (the last of duplicate members wins, as in Python) and the
    duplicate keys (serde_json refuses them)."""
    dups = []  # (key, id of the object that holds it twice)

    def pairs(items):
        seen = {}
        for k, v in items:
            if k in seen:
                dups.append((k, id(seen)))
            seen[k] = v
        return seen

    data = json.loads(text, object_pairs_hook=pairs)
    return data, [(k, dup_path(data, obj)) for k, obj in dups]


def dup_path(data, obj_id: int, path: str = "") -> str:
    """The wire path of the object `obj_id` inside `data` ("" for the root):
    where parse_request reports a member sent twice."""
    if id(data) == obj_id:
        return path
    if isinstance(data, dict):
        for k, v in data.items():
            found = dup_path(v, obj_id, f"{path}.{k}" if path else k)
            if found is not None:
                return found
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found = dup_path(v, obj_id, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def extract_samples(portal: Path, services: dict) -> dict:
    """(service, side) -> Sample."""
    out = {}
    path_to_svc = {}
    for s in services.values():
        path_to_svc[s["path"].split("/v1.0/", 1)[1]] = s["service"]
    for slug, (_mod, _title, fname) in PAGES.items():
        fp = portal / fname
        lines = fp.read_text(encoding="utf-8").split("\n")
        in_block = False
        current_svc = None
        i = 0
        blocks = []
        while i < len(lines):
            l = lines[i]
            if l.startswith("```"):
                if not in_block:
                    in_block, start = True, i + 1
                else:
                    in_block = False
                    blocks.append((start, i))  # [start, i) 0-based block content
            i += 1
        for (bs, be) in blocks:
            blk = lines[bs:be]
            first = blk[0] if blk else ""
            m = re.match(r"(GET|POST|PUT|DELETE)\s+\S*?/v1(?:\.0)?/(\S+?)(?:HTTP/\S+)?(?:\s|$)", first)
            if m:
                p = m.group(2).split("?")[0]
                svc = None
                if slug == "keamanan":
                    svc = {"access-token/b2b": 73, "access-token/b2b2c": 74}.get(p)
                elif p == "registration-card-inquiry" and slug == "registrasi":
                    svc = 2  # copy error in the snippet (services.json path_in_portal_snippet)
                elif p.startswith("registration-card-inquiry/custIdMerchant"):
                    svc = 3
                elif p == "otc/cashout/cancel":
                    svc = 46
                else:
                    svc = path_to_svc.get(p)
                if svc is None:
                    continue  # e.g. Keamanan signature utilities
                current_svc = svc
                side = "request"
            else:
                if current_svc is None:
                    continue
                side = "response"
            j = next((k for k, x in enumerate(blk) if x.strip().startswith(("{", "["))), None)
            if j is None:
                continue
            # trim trailing blank lines
            k = len(blk)
            while k > j and not blk[k - 1].strip():
                k -= 1
            raw = "\n".join(blk[j:k]) + "\n"
            svc = current_svc
            if (svc, side) in out:
                continue
            text, edits = raw, []
            for old, new, why in SAMPLE_FIXES.get(svc, {}).get(side, []):
                if old in text:
                    text = text.replace(old, new, 1)
                    edits.append(why)
            s = Sample(svc, side, fname, bs + j + 1, bs + k, raw, text, edits)
            try:
                s.data, s.duplicates = load_json(text)
            except json.JSONDecodeError as e:
                s.edits.append(f"STILL INVALID JSON: {e}")
            out[(svc, side)] = s
            if side == "response":
                current_svc = None
    return out


def sample_types(node_tree: Node, data) -> dict:
    """table path -> set of JSON types seen in the sample (leaf rows only)."""
    seen: dict = {}

    def walk(node: Node, value):
        for w, ch in node.children.items():
            if not isinstance(value, dict) or w not in value:
                continue
            v = value[w]
            vals = v if (ch.is_array and isinstance(v, list)) else [v]
            for x in vals:
                if not ch.children:
                    seen.setdefault(ch.table_name, set()).add(json_type(x))
                else:
                    walk(ch, x)

    walk(node_tree, data)
    return seen


# --------------------------------------------------------------------------------------
# Validation of samples against the specs (expected.json)
# --------------------------------------------------------------------------------------

MONEY_RE = re.compile(r"\d+\.\d\d")


def validate(struct: SSpec, data, path: str, viol: list, unknown: list, top_response=False):
    if not isinstance(data, dict):
        viol.append({"path": path or "$", "rule": "format", "detail": "expected a JSON object"})
        return
    known = {f.wire for f in struct.fields} | {f.alias for f in struct.fields if f.alias}
    if top_response:
        known |= {"responseCode", "responseMessage"}
        rc = data.get("responseCode")
        p = "responseCode"
        if rc is None or rc == "":
            viol.append({"path": p, "rule": "missing"})
        elif not isinstance(rc, str):
            viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(rc)}, expected a string"})
        else:
            if len(rc) != 7:
                viol.append({"path": p, "rule": "len", "detail": f"{len(rc)} characters, len 7"})
            if not rc.isdigit() or not rc.isascii():
                viol.append({"path": p, "rule": "digits"})
        rm = data.get("responseMessage")
        if rm is None or rm == "":
            viol.append({"path": "responseMessage", "rule": "missing"})
        elif not isinstance(rm, str):
            viol.append({"path": "responseMessage", "rule": "format"})
        elif len(rm) > 150:
            viol.append({"path": "responseMessage", "rule": "max", "detail": f"{len(rm)} > 150"})
    for k in data:
        if k not in known:
            unknown.append(f"{path}.{k}" if path else k)
    for f in struct.fields:
        if f.path_param or f.query:
            continue
        key = f.wire if (f.wire in data or not f.alias or f.alias not in data) else f.alias
        p = f"{path}.{f.wire}" if path else f.wire
        present = key in data and data[key] is not None and data[key] != ""
        if not present:
            if not f.optional:
                viol.append({"path": p, "rule": "missing"})
            continue
        v = data[key]
        check_value(f, v, p, viol, unknown)


def check_value(f: FSpec, v, p: str, viol: list, unknown: list):
    if f.kind == "struct":
        if f.is_array:
            if not isinstance(v, list):
                viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(v)}, expected an array"})
                return
            for i, x in enumerate(v):
                validate(f.child, x, f"{p}[{i}]", viol, unknown)
        else:
            validate(f.child, v, p, viol, unknown)
        return
    if f.kind == "money":
        if not isinstance(v, dict):
            viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(v)}, expected a money object"})
            return
        for k in v:
            if k not in ("value", "currency"):
                unknown.append(f"{p}.{k}")
        val, cur = v.get("value"), v.get("currency")
        if val is None or val == "":
            viol.append({"path": f"{p}.value", "rule": "missing"})
        elif isinstance(val, str):
            digits = val.replace(".", "")
            if not (MONEY_RE.fullmatch(val) and len(digits) <= 16):
                viol.append({"path": f"{p}.value", "rule": "format", "detail": f"money value {val!r}"})
        elif isinstance(val, (int, float)) and not isinstance(val, bool):
            pass  # Money accepts exact JSON numbers (see snap_core::money docs)
        else:
            viol.append({"path": f"{p}.value", "rule": "format"})
        if cur is None or cur == "":
            viol.append({"path": f"{p}.currency", "rule": "missing"})
        elif not (isinstance(cur, str) and re.fullmatch(r"[A-Z]{3}", cur)):
            viol.append({"path": f"{p}.currency", "rule": "format", "detail": f"currency {cur!r}"})
        return
    if f.kind == "map":
        if not isinstance(v, dict):
            viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(v)}, expected an object"})
        return
    if f.kind == "vec_string":
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            viol.append({"path": p, "rule": "format", "detail": "expected an array of strings"})
        return
    if f.kind == "vec_value":
        if not isinstance(v, list):
            viol.append({"path": p, "rule": "format", "detail": "expected an array"})
        return
    if f.kind == "bool":
        if not isinstance(v, bool):
            viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(v)}, expected a boolean"})
        return
    if f.kind == "int":
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(v)}, expected an integer"})
            return
        if isinstance(v, str):
            if not f.accept_string:
                viol.append({"path": p, "rule": "format", "detail": "JSON string, expected an integer"})
                return
            if not re.fullmatch(r"\d+", v):
                viol.append({"path": p, "rule": "format", "detail": f"{v!r} is not a string of digits"})
                return
            n = str(int(v))
        else:
            if v < 0:
                viol.append({"path": p, "rule": "format", "detail": "negative"})
                return
            n = str(v)
        bound = 2**32 - 1 if f.int_ty == "u32" else 2**64 - 1
        if int(n) > bound:
            viol.append({"path": p, "rule": "format", "detail": f"out of range for {f.int_ty}"})
            return
        if f.max is not None and len(n) > f.max:
            viol.append({"path": p, "rule": "max", "detail": f"{len(n)} digits > {f.max}"})
        if f.len is not None and len(n) != f.len:
            viol.append({"path": p, "rule": "len", "detail": f"{len(n)} digits != {f.len}"})
        return
    # string
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        viol.append({"path": p, "rule": "format", "detail": f"JSON {json_type(v)}, expected a string"})
        return
    if not isinstance(v, str):
        if not f.accept_number:
            viol.append({"path": p, "rule": "format", "detail": f"JSON number, expected a string"})
            return
        v = json.dumps(v)
    if v == "":
        return
    n = len(v)
    if f.max is not None and n > f.max:
        viol.append({"path": p, "rule": "max", "detail": f"{n} characters > {f.max}"})
    if f.len is not None and n != f.len:
        viol.append({"path": p, "rule": "len", "detail": f"{n} characters != {f.len}"})
    if f.digits and not (v.isascii() and v.isdigit()):
        viol.append({"path": p, "rule": "digits", "detail": repr(v)})


# --------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------


@dataclass
class Service:
    n: int
    meta: dict
    fields: dict
    module: str
    page_title: str
    page_file: str
    prefix: str
    name: str
    method: str = ""
    path: str = ""
    direction: str = "outbound"
    customer_token: bool = False
    doc: list = field(default_factory=list)
    req: SSpec | None = None
    resp: SSpec | None = None
    extra_models: list = field(default_factory=list)


def plan_service(meta: dict, fields: dict, samples: dict) -> Service:
    n = meta["service"]
    slug = meta["source"]["standard_page"].rstrip("/").rsplit("/", 1)[1]
    module, title, pfile = PAGES[slug]
    prefix, name = SHORT[n]
    svc = Service(n, meta, fields, module, title, pfile, prefix, name)
    doc = []
    std_name = re.sub(r"^API ", "", meta["name"]).replace(" - ", " – ")
    doc.append(f"{std_name} — SNAP service {n:02d} (BI {title} page).")

    # method
    method = meta["method"]
    snip_m = meta.get("method_in_portal_snippet")
    if snip_m and snip_m != method:
        doc.append(
            f"Method: the page's overview table says {method}, but its code snippet sends "
            f"{snip_m} with a JSON body; {snip_m} is declared (catalogue README §4"
            + ("; GoPay and Paydia use POST" if 63 <= n <= 69 else "") + ")."
        )
        method = snip_m
    if n == 31:
        doc.append("Method: DELETE with a JSON body, as the overview and the snippet both say "
                   "(Midtrans and ifortepay use POST; DOKU uses DELETE).")
    if n in (28, 29):
        doc.append("Method: PUT (overview and snippet agree).")
    svc.method = method

    # path
    path = meta["path"]
    snip_p = meta.get("path_in_portal_snippet")
    if n == 3:
        path = "/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}"
        doc.append("Path: `custIdMerchant` is a path parameter (table: \"Parameter Type: Path "
                   "param\"); the snippet's shape is `.../registration-card-inquiry/custIdMerchant/"
                   "{value}` (KORIE builds the same). GET without a body: signed with the "
                   "empty-body hash.")
    elif n == 2:
        doc.append("Path: the overview's `registration/card-bind-limit`; the snippet's request line "
                   "`registration-card-inquiry` is a copy error from service 03.")
    elif n == 46:
        doc.append("Path: the overview's `emoney/otc-cancel` (consistent with its siblings "
                   "`emoney/otc-cashout`, `emoney/otc-status`); the snippet's request line says "
                   "`otc/cashout/cancel`. Unresolved on the portal.")
    elif n == 22:
        doc.append("Path: the snippet's request line has a typo (`transfer-rtgsHTTP/1.2`); the "
                   "overview's `transfer-rtgs` is used.")
    elif n == 10:
        doc.append("GET with query parameters: the table is headed \"Request Body\" but the page "
                   "builds `get-auth-code?state=..&scopes=..&redirectUrl=..`; every field is a "
                   "`query` field.")
    elif snip_p:
        doc.append(f"Path: the snippet says `{snip_p}`; the overview's path is used.")
    svc.path = path

    # direction
    kind = meta.get("kind") or ""
    if "inbound" in kind or "notification" in kind:
        svc.direction = "inbound"
        if "inbound" in kind:
            doc.append("Direction: inbound — the bank/PJP calls the partner that issued the VA; "
                       "the partner serves it.")
        else:
            doc.append("Direction: inbound — a notification the service provider sends to the "
                       "partner's endpoint.")

    # b2b2c
    b = meta.get("b2b2c")
    if b is True:
        svc.customer_token = True
        doc.append(f"B2B2C: {meta.get('b2b2c_basis', '').strip()}")
    elif b is None:
        g = meta.get("b2b2c_guess", "")
        guess = guess_b2b2c(n, g)
        svc.customer_token = guess
        doc.append(f"B2B2C: {'declared' if guess else 'not declared'} — a GUESS (the catalogue has "
                   f"no evidence either way): {g.strip()}. Basis: {meta.get('b2b2c_basis', '').strip()}")

    for d in fields.get("disagreements", []):
        # Plain text in rustdoc: no HTML tags, no link brackets.
        d = d.replace("<", "‹").replace(">", "›").replace("[", "\\[").replace("]", "\\]")
        doc.append(f"Catalogue note: {d}")
    svc.doc = doc

    # trees & specs
    for side in ("request", "response"):
        rows = fields.get(side) or []
        if side == "response":
            rows = [r for r in rows if r["name"] not in ("responseCode", "responseMessage")]
        tree = build_tree(rows)
        smp = samples.get((n, side))
        drift = sample_types(tree, smp.data) if smp and smp.data is not None else {}
        ctx = Ctx(n, side, drift)
        ctx.extra_models = svc.extra_models
        s = struct_spec(tree, ctx, "", hint_override="")
        s.hint = ""
        s.parent_hint = ""
        apply_groups(s, ctx)
        if side == "request":
            if n == 3:
                for f in s.fields:
                    if f.wire == "custIdMerchant":
                        f.path_param = True
            if n == 10:
                for f in s.fields:
                    f.query = True
            svc.req = s
        else:
            svc.resp = s
    return svc


def guess_b2b2c(n: int, g: str) -> bool:
    g = g.lower()
    if "48/49/50 b2b2c" in g:
        return n in (48, 49, 50)
    if "59 b2b2c" in g:
        return n == 59
    if g.startswith("guess: true"):
        return True
    if g.startswith("guess: false for 55/56/57"):
        return False  # 58 is "provider-dependent": not declared
    return False


# --------------------------------------------------------------------------------------
# Naming and sharing of nested structs, per module
# --------------------------------------------------------------------------------------


def field_sig(f: FSpec):
    return (f.rust, f.wire, f.optional, f.kind, f.is_array, f.int_ty, f.max, f.len, f.digits,
            f.accept_number, f.accept_string, f.one_of, f.required_if, f.secret,
            f.child.sig if f.child else None)


def all_structs(s: SSpec, out: list):
    for f in s.fields:
        if f.child:
            all_structs(f.child, out)
    out.append(s)


def name_module(services: list, reserved: set):
    nested = []  # post-order (children first)
    for svc in services:
        for top in (svc.req, svc.resp):
            lst = []
            all_structs(top, lst)
            for st in lst[:-1]:
                nested.append((svc, st))
        for em in svc.extra_models:
            lst = []
            all_structs(em, lst)
            for st in lst:
                nested.append((svc, st))
    # signatures (post-order guarantees children first)
    for svc, st in nested:
        st.sig = (tuple(field_sig(f) for f in st.fields),)
    groups: dict = {}
    for svc, st in nested:
        groups.setdefault(st.sig, []).append((svc, st))
    taken = set(reserved)
    for svc in services:
        taken.add(f"{svc.prefix}Request")
        taken.add(f"{svc.prefix}Response")
    # shared groups first (neutral names)
    order = sorted(groups.values(), key=lambda g: -len({s.n for s, _ in g}))
    for grp in order:
        svc0, st0 = grp[0]
        own = pascal(snake(singular(st0.hint)))
        multi = len(grp) > 1
        cand = own if (multi and own not in taken) else None
        if cand is None:
            cand = f"{svc0.prefix}{own}"
            if cand in taken:
                cand = f"{svc0.prefix}{pascal(snake(singular(st0.parent_hint)))}{own}"
            k = 2
            base = cand
            while cand in taken:
                cand = f"{base}{k}"
                k += 1
        taken.add(cand)
        for _, st in grp:
            st.name = cand


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def rust_type(f: FSpec) -> str:
    if f.kind == "string":
        t = "SecretString" if f.secret else "String"
    elif f.kind == "int":
        t = f.int_ty
    elif f.kind == "bool":
        t = "bool"
    elif f.kind == "money":
        t = "Money"
    elif f.kind == "map":
        t = "serde_json::Map<String, serde_json::Value>"
    elif f.kind == "vec_string":
        t = "Vec<String>"
    elif f.kind == "vec_value":
        t = "Vec<serde_json::Value>"
    elif f.kind == "struct":
        t = f.child.name
        if f.is_array:
            t = f"Vec<{t}>"
    else:
        raise ValueError(f.kind)
    return f"Option<{t}>" if f.optional else t


def snap_attr(f: FSpec) -> str | None:
    keys = []
    if f.path_param:
        keys.append("path_param")
    if f.query:
        keys.append("query")
    if f.len is not None:
        keys.append(f"len = {f.len}")
    elif f.max is not None:
        keys.append(f"max = {f.max}")
    if f.digits:
        keys.append("digits")
    if f.accept_number:
        keys.append("accept_number")
    if f.accept_string:
        keys.append("accept_string")
    if f.one_of:
        keys.append(f"one_of = {rust_str(f.one_of)}")
    if f.required_if:
        keys.append(f"required_if(field = {rust_str(f.required_if[0])}, value = {rust_str(f.required_if[1])})")
    if not keys:
        return None
    return f"#[snap({', '.join(keys)})]"


def render_fields(st: SSpec, indent="    ") -> list[str]:
    out = []
    for f in st.fields:
        out += wrap_doc(f.doc, indent)
        a = snap_attr(f)
        if a:
            out.append(indent + a)
        serde_keys = []
        if serde_camel(f.rust) != f.wire:
            serde_keys.append(f"rename = {rust_str(f.wire)}")
        if f.alias:
            serde_keys.append(f"alias = {rust_str(f.alias)}")
        if serde_keys:
            out.append(f"{indent}#[serde({', '.join(serde_keys)})]")
        out.append(f"{indent}pub {f.rust}: {rust_type(f)},")
    return out


def render_service(svc: Service) -> list[str]:
    out = []
    doc = []
    for i, d in enumerate(svc.doc):
        if i == 1:
            doc.append("")
        doc.append(d)
    out += wrap_doc("\n".join(doc))
    keys = [f"service = {svc.n}", f"method = {rust_str(svc.method)}", f"path = {rust_str(svc.path)}",
            f"response = {svc.prefix}Response", f"name = {rust_str(svc.name)}"]
    if svc.direction == "inbound":
        keys.append('direction = "inbound"')
    if svc.customer_token:
        keys.append("customer_token")
    out.append("#[snap::request(")
    for i, k in enumerate(keys):
        out.append(f"    {k}{',' if i < len(keys) - 1 else ''}")
    out.append(")]")
    out.append(f"pub struct {svc.prefix}Request {{")
    out += render_fields(svc.req)
    out.append("}")
    out.append("")
    out += wrap_doc(f"Answer to [`{svc.prefix}Request`] (service {svc.n:02d}).")
    out.append("#[snap::response]")
    out.append(f"pub struct {svc.prefix}Response {{")
    out += render_fields(svc.resp)
    out.append("}")
    out.append("")
    return out


GENERATED_MARK = "GENERATED by `scripts/gen-catalogue/gen.py`"


def render_module(module: str, title: str, services: list, existing: str | None) -> str:
    out = []
    ns = ", ".join(f"{s.n:02d}" for s in services)
    if existing:
        out.append(f"//! The generated declarations of the page \"{title}\": SNAP services {ns},")
        out.append(f"//! re-exported by [`super`] (`bi::{module}`) next to its hand-written ones.")
    else:
        out.append(f"//! BI standard, page \"{title}\" (ASPI SNAP Developer Site):")
        out.append(f"//! SNAP services {ns}.")
    out.append(f"//! <{services[0].meta['source']['standard_page']}>")
    out.append("//!")
    out.append(f"//! {GENERATED_MARK} from `tests/catalogue/services.json`")
    out.append("//! and `tests/catalogue/fields/NN.json`; do not edit by hand: fix the generator and")
    out.append("//! re-run it (`python3 scripts/gen-catalogue/gen.py`).")
    out.append("")
    out.append("use snap_core as snap;")
    imports = []
    if any(uses_kind(s, lambda f: f.kind == "money") for s in services):
        imports.append("use snap::money::Money;")
    if any(uses_kind(s, lambda f: f.secret) for s in services):
        imports.append("use snap::secret::SecretString;")
    if imports:
        out.append("")
        out += imports
    out.append("")
    emitted = set()
    for svc in services:
        out += render_service(svc)
    # nested models, in first-use order
    for svc in services:
        lst = []
        for top in (svc.req, svc.resp):
            all_structs(top, lst)
            lst.pop()  # the top struct itself
        for em in svc.extra_models:
            all_structs(em, lst)
        for st in lst:
            if st.name in emitted:
                continue
            emitted.add(st.name)
            users = sorted({s.n for s in services if struct_used_by(s, st.name)})
            where = ", ".join(f"{u:02d}" for u in users)
            if st.hint.endswith("Plain"):
                out += wrap_doc(f"Plaintext of the encrypted `{st.hint[:-5]}` of service {svc.n:02d}: "
                                "serialize, encrypt (AES-256, Security standard 2.1.9), send the "
                                "result as the string field.")
            else:
                out += wrap_doc(f"`{st.hint}` (service{'s' if len(users) > 1 else ''} {where}).")
            out.append("#[snap::model]")
            out.append(f"pub struct {st.name} {{")
            out += render_fields(st)
            out.append("}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def uses_kind(svc: Service, pred) -> bool:
    lst = []
    for top in (svc.req, svc.resp):
        all_structs(top, lst)
    for em in svc.extra_models:
        all_structs(em, lst)
    return any(pred(f) for st in lst for f in st.fields)


def struct_used_by(svc: Service, name: str) -> bool:
    lst = []
    for top in (svc.req, svc.resp):
        all_structs(top, lst)
    for em in svc.extra_models:
        all_structs(em, lst)
    return any(st.name == name for st in lst)


def count(svc: Service):
    lst = []
    for top in (svc.req, svc.resp):
        all_structs(top, lst)
    for em in svc.extra_models:
        all_structs(em, lst)
    return lst


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def existing_struct_names(path: Path) -> set:
    if not path.exists():
        return set()
    return set(re.findall(r"pub struct (\w+)", path.read_text(encoding="utf-8")))


REPO = Path(__file__).resolve().parents[2]

# Samples the hand-written tests already hold (seed documents / Keamanan), by (service, side).
SEED_COVER = {
    (63, "request"): "auth_payment.request.json", (63, "response"): "auth_payment.response.json",
    (64, "request"): "auth_query.request.json", (64, "response"): "auth_query.response.json",
    (65, "request"): "auth_capture.request.json", (65, "response"): "auth_capture.response.json",
    (66, "request"): "auth_capture_query.request.json",
    (66, "response"): "auth_capture_query.response.json",
    (67, "request"): "auth_void.request.json", (67, "response"): "auth_void.response.json",
    (68, "request"): "auth_void_query.request.json", (68, "response"): "auth_void_query.response.json",
    (69, "request"): "auth_refund.request.json", (69, "response"): "auth_refund.response.json",
    (73, "request"): "access_token_b2b.request.json", (73, "response"): "access_token_b2b.response.json",
    (74, "request"): "access_token_b2b2c.request.json",
}

# Where the hand-written request types of the skipped services live (module, type).
HAND_WRITTEN_MODULE = {31: "va", 57: "direct_debit", 77: "mpm", 73: "security", 74: "security"}


def owned_files(root: Path) -> set:
    """Files of a crate-shaped folder that the generator owns (relative paths)."""
    out = set()
    bi = root / "src" / "bi"
    if bi.exists():
        for f in bi.rglob("*.rs"):
            if f.suffix == ".rs" and GENERATED_MARK in f.read_text(encoding="utf-8")[:600]:
                out.add(f.relative_to(root))
    fx = root / "tests" / "fixtures" / "bi"
    if fx.exists():
        for f in fx.iterdir():
            if re.fullmatch(r"\d\d_\w+\.(request|response)\.json", f.name) or f.name == "expected.json":
                out.add(f.relative_to(root))
    notes = root / "tests" / "fixtures" / "NOTES-bi.md"
    if notes.exists():
        out.add(notes.relative_to(root))
    return out


def reserialize_edits(st: SSpec, data, path: list, edits: list, top_response=False):
    """What a declaration writes back differently from the sample `data` (see expected.json)."""
    if not isinstance(data, dict):
        return
    known = {f.wire for f in st.fields if not (f.path_param or f.query)}
    if top_response:
        known |= {"responseCode", "responseMessage"}
    aliases = {f.alias: f for f in st.fields if f.alias}
    for k, v in data.items():
        if k in known:
            continue
        if k in aliases and aliases[k].wire not in data:
            edits.append({"at": path, "edit": "rename", "from": k, "to": aliases[k].wire})
        else:
            edits.append({"at": path, "edit": "drop", "key": k})
    for f in st.fields:
        if f.path_param or f.query:
            continue
        key = f.wire if f.wire in data else (f.alias if f.alias in data else None)
        if key is None:
            continue
        v = data[key]
        here = path + [f.wire]
        if v is None:
            if f.optional:
                edits.append({"at": path, "edit": "drop", "key": f.wire})
            continue
        if f.kind == "struct":
            items = list(enumerate(v)) if (f.is_array and isinstance(v, list)) else [(None, v)]
            for i, x in items:
                reserialize_edits(f.child, x, here + ([i] if i is not None else []), edits)
        elif f.kind == "string" and f.accept_number and isinstance(v, (int, float)) \
                and not isinstance(v, bool):
            assert isinstance(v, int), f"{here}: a float sample value"
            edits.append({"at": here, "edit": "to_string"})
        elif f.kind == "int" and f.accept_string and isinstance(v, str):
            edits.append({"at": here, "edit": "to_number"})
        elif f.kind == "money" and isinstance(v, dict) and not isinstance(v.get("value"), str):
            raise SystemExit(f"{here}: a money value that is not a string: extend the generator")


# The cargo feature of each category (snap-endpoints/Cargo.toml, all on by default): the
# generated services compile only with it. Security (73/74) is hand-written and always on.
CATEGORY_FEATURE = {
    "Registration": "registration",
    "Balance Inquiry": "balance",
    "Transaction History": "history",
    "Transfer Credit": "transfer-credit",
    "Transfer Debit": "transfer-debit",
    "Security": None,
}


def render_list(services: dict, emitted: dict) -> str:
    """src/bi/list.rs: every BI request type, by service code."""
    out = [
        "//! Every BI service's request type, by service code (01-81): what the registry",
        "//! lists.",
        "//!",
        f"//! {GENERATED_MARK} from `tests/catalogue/services.json`;",
        "//! do not edit by hand.",
        "",
        "/// Calls `$m!` with `[cfg] module::RequestType` (relative to `crate::bi`) of every",
        "/// BI service, in service-code order: a generated service is compiled with its",
        "/// category's feature, a hand-written one always (`all()`).",
        "macro_rules! bi_requests {",
        "    ($m:ident) => {",
        "        $m! {",
    ]
    for n in sorted(services):
        svc = services[n]
        module = emitted.get(n) or HAND_WRITTEN_MODULE.get(n) or svc.module
        feature = CATEGORY_FEATURE[svc.meta["category"]] if n in emitted else None
        cfg = f'feature = "{feature}"' if feature else "all()"
        out.append(f"            [{cfg}] {module}::{svc.prefix}Request, // {n:02d} {svc.name}")
    out += ["        }", "    };", "}", "", "pub(crate) use bi_requests;", ""]
    # Pages, grouped by category in the standard's order, each by its first service.
    categories = ["Registration", "Balance Inquiry", "Transaction History", "Transfer Credit",
                  "Transfer Debit", "Security"]
    pages = {}
    for n in sorted(services):
        svc = services[n]
        module = emitted.get(n) or HAND_WRITTEN_MODULE.get(n) or svc.module
        cat = svc.meta["category"]
        assert cat in categories, cat
        pages.setdefault(module, (categories.index(cat), n, cat, svc.meta["subgroup"]))
    out += [
        "/// The portal pages, one module each: `(module, category, page)`, grouped by",
        "/// category in the standard's order, each category's pages by their first service.",
        "pub(crate) const PAGES: &[(&str, &str, &str)] = &[",
    ]
    for module, (_, _, cat, page) in sorted(pages.items(), key=lambda kv: kv[1][:2]):
        out.append(f"    ({rust_str(module)}, {rust_str(cat)}, {rust_str(page)}),")
    out += ["];", ""]
    return "\n".join(out)


def generate(args, root: Path) -> dict:
    """Writes every generated file into the crate-shaped folder `root`; returns the stats."""
    cat = Path(args.catalogue)
    portal = Path(args.portal)
    crate = Path(args.crate)
    skip = {int(x) for x in args.skip.split(",") if x.strip()}
    only = {int(x) for x in args.only.split(",") if x.strip()}

    metas = {m["service"]: m for m in json.loads((cat / "services.json").read_text())}
    fields = {n: json.loads((cat / "fields" / f"{n:02d}.json").read_text()) for n in metas}
    samples = extract_samples(portal, metas)

    services = {n: plan_service(metas[n], fields[n], samples) for n in sorted(metas)}
    emit = [s for n, s in services.items() if n not in skip and (not only or n in only)]

    # ---- Rust
    src = root / "src" / "bi"
    src.mkdir(parents=True, exist_ok=True)
    modules: dict = {}
    for s in emit:
        modules.setdefault(s.module, []).append(s)
    stats = {"services": len(emit), "structs": 0, "fields": 0}
    rust_files = []
    for mod, svcs in modules.items():
        ex = EXISTING_FILE.get(mod)
        reserved = existing_struct_names(crate / "src" / "bi" / ex) if ex else set()
        reserved |= {"Money", "SecretString"}
        name_module(svcs, reserved)
        text = render_module(mod, svcs[0].page_title, svcs, ex)
        if ex:
            (src / mod).mkdir(exist_ok=True)
            target = src / mod / "generated.rs"
        else:
            target = src / f"{mod}.rs"
        target.write_text(text, encoding="utf-8")
        rust_files.append(target)
        seen = set()
        for s in svcs:
            for st in count(s):
                if st.name and st.name in seen:
                    continue
                seen.add(st.name)
                stats["structs"] += 1
                stats["fields"] += len(st.fields)
    listing = src / "list.rs"
    listing.write_text(render_list(services, {s.n: s.module for s in emit}), encoding="utf-8")
    rust_files.append(listing)

    if not args.no_rustfmt:
        if not shutil.which("rustfmt"):
            raise SystemExit("rustfmt not found (pass --no-rustfmt to skip formatting)")
        r = subprocess.run(["rustfmt", "--edition", "2024", *map(str, rust_files)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit("rustfmt FAILED")

    # ---- Fixtures
    fx = root / "tests" / "fixtures" / "bi"
    fx.mkdir(parents=True, exist_ok=True)
    seed_dir = crate / "tests" / "fixtures" / "bi"
    notes = ["# BI portal sample fixtures", "",
             f"{GENERATED_MARK.replace('GENERATED', 'Generated')} (do not edit by hand). "
             "Each `bi/NN_*.json` fixture is the JSON body of a "
             "\"Sample Request\" / \"Sample Response\" code snippet of the ASPI SNAP Developer Site "
             "capture (`tests/catalogue/aspi-portal/*.md`), copied byte for byte (trailing blank lines "
             "dropped, one final newline) unless an edit is listed. Samples the seed documents "
             "already gave (Auth Payment 63-69, access tokens 73/74) are the hand-written fixtures "
             "of `NOTES.md`, checked here too.", "",
             "Expected results (`bi/expected.json`, which `tests/it/portal.rs` reads) are computed "
             "from the catalogue tables with the rules the generated declarations carry. Rules: "
             "`missing` (a mandatory field absent, null or \"\"), `max`/`len` (characters; digits for "
             "integers), `digits`, `format` (wrong JSON type not covered by accept_number/"
             "accept_string, bad money value/currency). `responseCode` (len 7, digits) and "
             "`responseMessage` (max 150) are the fields `#[snap::response]` adds. A `format` "
             "violation is a serde refusal: deserializing the sample fails there (`parse_fails: true`).",
             "",
             "Re-serialization (`reserialize` in expected.json) differs from the sample exactly where "
             "listed: a number read by an `accept_number` field is written as a string (`to_string`), "
             "a string read by an `accept_string` field as a number (`to_number`), a key read "
             "through a serde alias is written with the table's spelling (`rename`), and keys not in "
             "the table, or optional members sent as `null`, are left out (`drop`).", ""]
    expected = []
    n_fix = 0
    for n in sorted(services):
        svc = services[n]
        for side in ("request", "response"):
            smp = samples.get((n, side))
            if smp is None:
                if side == "request" and n in (3, 10):
                    notes.append(f"## {n:02d} {svc.name} — request\n\nNo body: GET "
                                 + ("with the path parameter `custIdMerchant`" if n == 3 else
                                    "with query parameters") + ". No fixture.\n")
                else:
                    notes.append(f"## {n:02d} {svc.name} — {side}\n\nNo sample on the page. No fixture.\n")
                continue
            seed = SEED_COVER.get((n, side))
            seed_note = ""
            data = smp.data
            duplicates = smp.duplicates
            if seed and (seed_dir / seed).exists():
                seed_text = (seed_dir / seed).read_text(encoding="utf-8")
                if seed_text.strip() == smp.text.strip():
                    how = "byte-identical to the portal body"
                elif smp.data is not None and json.loads(seed_text) == smp.data:
                    how = "same JSON as the portal body, whitespace differs"
                else:
                    how = "DIFFERENT JSON from the portal body (the seed document's sample)"
                seed_note = f"Held by the hand-written fixture `bi/{seed}` ({how}); checked as that file."
                fname = seed
                data, duplicates = load_json(seed_text)
            else:
                fname = f"{n:02d}_{snake(svc.prefix)}.{side}.json"
                (fx / fname).write_text(smp.text, encoding="utf-8")
                n_fix += 1
            viol, unknown, edits = [], [], []
            top = svc.req if side == "request" else svc.resp
            if data is not None:
                validate(top, data, "", viol, unknown, top_response=(side == "response"))
            if duplicates and not viol:
                # serde_json refuses a member sent twice; parse_request reports it
                # at the object that holds it.
                viol.append({"path": duplicates[0][1] or "", "rule": "format",
                             "detail": "member sent twice: " + ", ".join(f"`{d}`" for d, _ in duplicates)})
            parse_fails = any(v["rule"] == "format" for v in viol)
            if data is not None and not parse_fails:
                reserialize_edits(top, data, [], edits, top_response=(side == "response"))
            expected.append({
                "file": f"bi/{fname}", "service": n, "type": side,
                "expected_violations": [{"path": v["path"], "rule": v["rule"]} for v in viol],
                "unknown_keys": unknown,
                "parse_fails": parse_fails,
                "reserialize": edits,
            })
            notes.append(f"## {n:02d} {svc.name} — {side}: `bi/{fname}`\n")
            notes.append(f"Source: `aspi-portal/{smp.file}` lines {smp.start}-{smp.end}." +
                         (f" {seed_note}" if seed_note else ""))
            if smp.edits and not seed_note:
                notes.append("Edits (the sample is not valid JSON as printed):")
                for e in smp.edits:
                    notes.append(f"- {e}")
            elif not seed_note:
                notes.append("Edits: none.")
            if viol:
                notes.append("Defects against the table (what validation must report):")
                for v in viol:
                    notes.append(f"- `{v['path']}`: {v['rule']}" + (f" ({v['detail']})" if v.get("detail") else ""))
            else:
                notes.append("Validates clean.")
            if unknown:
                notes.append("Keys not in the table (ignored): " + ", ".join(f"`{u}`" for u in unknown))
            if edits:
                notes.append("Written back differently: " + "; ".join(describe_edit(e) for e in edits) + ".")
            notes.append("")
    (root / "tests" / "fixtures" / "NOTES-bi.md").write_text("\n".join(notes).rstrip() + "\n",
                                                             encoding="utf-8")
    (fx / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    stats["fixtures"] = n_fix
    stats["modules"] = len(modules)
    return stats


def describe_edit(e: dict) -> str:
    at = ".".join(str(x) if isinstance(x, str) else f"[{x}]" for x in e["at"]).replace(".[", "[")
    if e["edit"] == "rename":
        return f"`{(at + '.') if at else ''}{e['from']}` as `{e['to']}`"
    if e["edit"] == "drop":
        return f"`{(at + '.') if at else ''}{e['key']}` left out"
    return f"`{at}` {'as a string' if e['edit'] == 'to_string' else 'as a number'}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    crate_default = REPO / "snap-endpoints"
    ap.add_argument("--catalogue", default=str(crate_default / "tests" / "catalogue"),
                    help="folder holding services.json and fields/ (default: the crate's test copy)")
    ap.add_argument("--portal", default=str(crate_default / "tests" / "catalogue" / "aspi-portal"),
                    help="the portal capture (sample bodies)")
    ap.add_argument("--crate", default=str(crate_default),
                    help="the snap-endpoints crate: hand-written bi/ modules and fixtures are read "
                         "from it, and (without --out) the generated files are written into it")
    ap.add_argument("--out", default="", help="write into this crate-shaped folder instead")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 when the crate's generated files differ from a fresh run")
    ap.add_argument("--skip", default=",".join(map(str, DEFAULT_SKIP)),
                    help="comma-separated service codes whose Rust is not emitted (default: the 12 "
                         "hand-written ones); with --out, --skip '' emits all 81")
    ap.add_argument("--only", default="", help="comma-separated service codes to emit (with --out)")
    ap.add_argument("--no-rustfmt", action="store_true", help="do not run rustfmt on the output")
    args = ap.parse_args(argv)
    if (args.only or args.skip != ",".join(map(str, DEFAULT_SKIP))) and not args.out:
        ap.error("--skip / --only change what is emitted: use them with --out")

    crate = Path(args.crate)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        stats = generate(args, fresh)
        new = owned_files(fresh)
        if args.out:
            out = Path(args.out)
            for rel in sorted(new):
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(fresh / rel, out / rel)
            print(json.dumps(stats))
            return 0
        old = owned_files(crate)
        changed = sorted(str(r) for r in new if not (crate / r).exists()
                         or not filecmp.cmp(fresh / r, crate / r, shallow=False))
        stale = sorted(str(r) for r in old - new)
        if args.check:
            if changed or stale:
                print("generated files are out of date; run python3 scripts/gen-catalogue/gen.py",
                      file=sys.stderr)
                for r in changed:
                    print(f"  differs: {r}", file=sys.stderr)
                for r in stale:
                    print(f"  stale:   {r}", file=sys.stderr)
                return 1
            print(json.dumps({**stats, "up_to_date": True}))
            return 0
        for rel in new:
            (crate / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fresh / rel, crate / rel)
        for rel in stale:
            (crate / rel).unlink()
        print(json.dumps({**stats, "changed": len(changed), "removed": len(stale)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
