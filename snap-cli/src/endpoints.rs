//! `snap endpoints [--json | --markdown]`: every declared endpoint, from
//! `snap_endpoints::registry()`.

use std::io::{self, Write};
use std::process::ExitCode;

use snap_core::sign::SchemeRef;
use snap_endpoints::registry::{self, EntryInfo, registry};

/// Arguments of `snap endpoints`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array of objects with keys name, provider, service,
    /// method, path, sandbox_path, signature, customer_token, direction.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print Markdown tables: the BI services by category and portal page,
    /// then the provider variants (the README's endpoint table).
    #[arg(long)]
    pub markdown: bool,
}

/// The name of a declaration's signature scheme (`symmetric`, `token`,
/// `ipg`, ...): its [`SchemeInfo::name`](snap_core::sign::SchemeInfo::name).
pub fn signature_word(s: SchemeRef) -> &'static str {
    s.name()
}

/// One element of `snap endpoints --json`, keys in this order.
#[derive(serde::Serialize)]
struct Row<'a> {
    name: &'a str,
    provider: &'a str,
    service: Option<u8>,
    method: &'a str,
    path: &'a str,
    sandbox_path: &'a str,
    signature: &'a str,
    customer_token: bool,
    direction: &'a str,
}

fn row(e: &EntryInfo) -> Row<'_> {
    Row {
        name: e.meta.name,
        provider: e.meta.provider,
        service: e.meta.service.map(|s| s.get()),
        method: e.meta.method.as_str(),
        path: e.meta.path,
        sandbox_path: &e.sandbox_path,
        signature: signature_word(e.meta.signature),
        customer_token: e.meta.customer_token,
        direction: registry::direction_label(e),
    }
}

fn write_table(out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "NAME",
        "PROVIDER",
        "SERVICE",
        "METHOD",
        "PATH",
        "SANDBOX PATH",
        "DIRECTION",
        "SIGNATURE",
    ];
    let rows: Vec<[String; 8]> = registry()
        .iter()
        .map(|e| {
            let signature = registry::signature_label(e);
            [
                e.meta.name.to_owned(),
                e.meta.provider.to_owned(),
                e.meta
                    .service
                    .map_or_else(|| "-".to_owned(), |s| format!("{:02}", s.get())),
                e.meta.method.as_str().to_owned(),
                e.meta.path.to_owned(),
                e.sandbox_path.clone(),
                registry::direction_label(e).to_owned(),
                signature,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &[&str]| -> io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &header)?;
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(out, &cells)?;
    }
    Ok(())
}

/// Runs `snap endpoints`.
pub fn run(args: Args) -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = if args.markdown {
        write!(out, "{}", registry::markdown())
    } else if args.json {
        let list: Vec<Row<'_>> = registry().iter().map(row).collect();
        serde_json::to_string_pretty(&list)
            .map_err(io::Error::other)
            .and_then(|s| writeln!(out, "{s}"))
    } else {
        write_table(&mut out)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // `snap endpoints | head`: the reader left, nothing to report.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snap endpoints: cannot write the listing: {e}");
            ExitCode::from(2)
        }
    }
}
