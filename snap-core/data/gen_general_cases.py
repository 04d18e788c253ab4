# One-off generator of snap-core/src/code/general_table.rs from
# snap-core/data/response_codes.csv (a copy of shared/reference/response_codes.csv).
# Run from the repository root: python3 snap-core/data/gen_general_cases.py
# The test code::tests::general_cases_match_the_csv checks the committed output.
import csv, re
rows = list(csv.DictReader(open('snap-core/data/response_codes.csv')))
assert len(rows) == 63
override = {
 ('404','19'): 'ExpiredBillVirtualAccount',
 ('405','01'): 'RequestedOperationIsNotAllowed',
 ('403','13'): 'OtpSentToCardholder',
}
def ident(msg):
    m = re.sub(r'\[[^\]]*\]|\{[^}]*\}', ' ', msg)
    words = re.split(r'[^A-Za-z0-9]+', m)
    out = ''
    for w in words:
        if not w: continue
        if w.isupper() and len(w) > 1: w = w.capitalize()  # OTP -> Otp, API -> Api, B2B -> B2b
        out += w[0].upper() + w[1:]
    return out
names = []
for r in rows:
    n = override.get((r['http'], r['case'])) or ident(r['message'])
    names.append(n)
assert len(set(names)) == 63, [n for n in names if names.count(n) > 1]
def lit(s):
    return '"' + s.replace('\\','\\\\').replace('"','\\"') + '"'
out = []
out.append('//! The general-case table, generated from `snap-core/data/response_codes.csv`\n//! by `snap-core/data/gen_general_cases.py` (then rustfmt); the test\n//! `code::tests::general_cases_match_the_csv` checks it against the CSV.\n\nuse super::Category;\n\n')
out.append('/// The 63 general cases of the BI response-code table (HTTP status + case\n/// code; the service code sits between them in a\n/// [`ResponseCode`](super::ResponseCode)).\n///\n/// Variant names follow the message; the messages themselves are kept\n/// verbatim, typos included ([`GeneralCase::RequestedOperationIsNotAllowed`]\n/// says "Opearation", [`GeneralCase::OtpSentToCardholder`] says "Cardholer").\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum GeneralCase {\n')
for r, n in zip(rows, names):
    dm = r["message"].replace("[", "\\[").replace("]", "\\]")
    out.append(f'    /// `{r["http"]}xx{r["case"]}` {dm}\n    {n},\n')
out.append('}\n\n')
out.append('/// `(case, http, case code, message, description, category)` in CSV order.\npub(super) const TABLE: [(GeneralCase, u16, u8, &str, &str, Category); 63] = [\n')
for r, n in zip(rows, names):
    out.append(f'    (GeneralCase::{n}, {int(r["http"])}, {int(r["case"])}, {lit(r["message"])}, {lit(r["description"])}, Category::{r["category"]}),\n')
out.append('];\n')
open('snap-core/src/code/general_table.rs','w').write(''.join(out))
print('\n'.join(names))
