//! Registered users of the Aircall API (`AIRCALL_LOGIN=registered`): writes
//! the SQL that adds a user to a file, and measures what a login's hashing
//! costs.
//!
//! ```sh
//! cargo run --release --example aircall_password -- add USERNAME FILE
//! cargo run --release --example aircall_password -- bench
//! ```
//!
//! `add` reads the password from standard input (its first line), never from
//! the command line, where other users of the machine and the shell's history
//! would see it; it writes an `INSERT` (with a fresh salt) to `FILE`, to run
//! with `wrangler d1 execute DB --remote --file FILE`. `bench` verifies a
//! password 200 times at the current cost and prints the median and the 95th
//! percentile, in milliseconds.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use switchboard::aircall::passwords;

fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password (shown as typed; pipe it in to hide it): ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn add(username: &str, file: &str) -> Result<(), String> {
    let password = read_password()?;
    let salt = uuid::Uuid::new_v4();
    let sql = passwords::upsert_user_sql(username, &password, salt.as_bytes())?;
    std::fs::write(file, sql).map_err(|e| format!("writing {file}: {e}"))?;
    eprintln!("wrote {file}; apply it with: npx wrangler d1 execute DB --remote --file {file}");
    Ok(())
}

fn bench() {
    let stored = passwords::hash("correct horse battery staple", b"0123456789abcdef");
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let start = Instant::now();
            let ok = passwords::verify("correct horse battery staple", &stored);
            assert!(ok);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "pbkdf2-sha256, {} iterations: median {:.2} ms, p95 {:.2} ms per verification (200 runs)",
        passwords::ITERATIONS,
        times[times.len() / 2],
        times[times.len() * 95 / 100]
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["add", username, file] => add(username, file),
        ["bench"] => {
            bench();
            Ok(())
        }
        _ => Err(
            "usage: aircall_password add USERNAME FILE (password on standard input) \
                  | aircall_password bench"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
