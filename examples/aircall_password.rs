//! Registered users of the Aircall API (`AIRCALL_LOGIN=registered`): makes
//! the SQL that adds a user, and measures what a login's hashing costs.
//!
//! ```sh
//! cargo run --release --example aircall_password -- add USERNAME PASSWORD
//! cargo run --release --example aircall_password -- bench
//! ```
//!
//! `add` prints an `INSERT` (with a fresh salt) to run with
//! `wrangler d1 execute DB --remote --command "..."`; `bench` verifies a
//! password 200 times at the current cost and prints the median and the 95th
//! percentile, in milliseconds.

use std::time::Instant;

use switchboard::aircall::passwords;

fn add(username: &str, password: &str) {
    let salt = uuid::Uuid::new_v4();
    let hash = passwords::hash(password, salt.as_bytes());
    let username = username.replace('\'', "''");
    println!(
        "INSERT INTO aircall_users (username, password_hash) VALUES ('{username}', '{hash}') \
         ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash;"
    );
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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["add", username, password] => add(username, password),
        ["bench"] => bench(),
        _ => {
            eprintln!("usage: aircall_password add USERNAME PASSWORD | aircall_password bench");
            std::process::exit(2);
        }
    }
}
