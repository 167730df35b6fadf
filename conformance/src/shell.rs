//! Requests as shell lines that send them again with `curl`: what reports and
//! `conformance show` print. No secret and no captured credential is ever
//! written out: a secret setting is `${CONFORMANCE_<NAME>}`, read from the
//! environment, and a captured value (a login's token) is a shell variable
//! that an earlier line sets from the answer of the step that captured it.

use serde::Serialize;

use crate::model::{Capture, DigestAuth};

/// Opens a reference to a shell variable inside a request's text.
const OPEN: char = '\u{1}';
/// Closes it.
const CLOSE: char = '\u{2}';

/// The text standing for the shell variable `name` in a request being
/// built; `curl` lines show it as `${name}`.
pub fn reference(name: &str) -> String {
    format!("{OPEN}{}{CLOSE}", variable(name))
}

/// A shell variable's name for a capture's name: letters, digits and `_`.
pub fn variable(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A request as sent, kept to print a `curl` line that reproduces it.
#[derive(Debug, Clone, Serialize)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// HTTP Basic user name and password.
    pub basic: Option<(String, String)>,
    pub body: Option<String>,
    /// Headers the client would add that must not be sent (`accept`).
    pub omit: Vec<String>,
    /// HTTP Digest credentials (and overrides), answered when challenged.
    pub digest: Option<DigestAuth>,
    /// Seconds to wait before sending.
    pub wait: Option<u64>,
    /// What the step keeps of the answer for later steps.
    #[serde(skip)]
    pub captures: Vec<(String, Capture)>,
}

/// Quotes for a POSIX shell; a variable reference (see [`reference`]) is
/// left to expand, in double quotes. A reference percent-encoded in a query
/// string counts too.
pub fn quote(text: &str) -> String {
    let text = text.replace("%01", "\u{1}").replace("%02", "\u{2}");
    let single = |literal: &str| format!("'{}'", literal.replace('\'', r"'\''"));
    let mut parts = Vec::new();
    let mut rest = text.as_str();
    while let Some((start, end)) = rest.find(OPEN).and_then(|start| {
        rest[start..]
            .find(CLOSE)
            .map(|length| (start, start + length))
    }) {
        if start > 0 {
            parts.push(single(&rest[..start]));
        }
        parts.push(format!("\"${{{}}}\"", &rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(single(rest));
    }
    parts.concat()
}

/// A jq filter for a JSON pointer: `/data/0/id` is `.["data"][0]["id"]`.
fn jq_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return ".".into();
    }
    pointer
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .map(|token| match token.parse::<usize>() {
            Ok(index) => format!("[{index}]"),
            Err(_) => format!("[{}]", serde_json::Value::String(token)),
        })
        .fold(String::from("."), |path, part| path + &part)
}

/// The commands that extract a capture from a response kept in
/// `$response`: the body for a JSON capture (`curl -s`), every header block
/// for the others (`curl -s -o /dev/null -D -`; with `--digest`, the
/// challenge's block, then the answer's).
fn extraction(capture: &Capture) -> String {
    let headers = r#"printf '%s' "$response" | tr -d '\r'"#;
    match capture {
        Capture::Json(pointer) => format!(
            r#"printf '%s' "$response" | jq -r '{}'"#,
            jq_path(pointer).replace('\'', r"'\''")
        ),
        // The last block's value: the answer's, after a Digest challenge. A
        // whole URL is asked for by its path at the base URL, as the runner
        // does.
        Capture::Header(name) => format!(
            "{headers} | sed -n 's/^{}: *//Ip' | tail -n 1 | sed 's#^https\\?://[^/]*##'",
            name.to_ascii_lowercase()
        ),
        // The first challenge's.
        Capture::Challenge(parameter) => format!(
            "{headers} | sed -n 's/^www-authenticate: *Digest .*{parameter}=\"\\([^\"]*\\)\".*/\\1/Ip' | head -n 1"
        ),
    }
}

/// How a step that captures is sent: for its body when every capture is
/// JSON, else for its headers.
fn capturing(captures: &[(String, Capture)]) -> &'static str {
    if captures.iter().all(|(_, c)| matches!(c, Capture::Json(_))) {
        "-s"
    } else {
        "-s -o /dev/null -D -"
    }
}

impl SentRequest {
    /// A `curl` command that sends this request again, with `options` after
    /// `curl` (`-i` shows the answer's status and headers).
    pub fn curl_with(&self, options: &str) -> String {
        let mut command = format!("curl {options} -X {} {}", self.method, quote(&self.url));
        if let Some((user, password)) = &self.basic {
            command.push_str(&format!(" -u {}", quote(&format!("{user}:{password}"))));
        }
        if let Some(digest) = &self.digest {
            command.push_str(&format!(
                " --digest -u {}",
                quote(&format!("{}:{}", digest.user, digest.password))
            ));
        }
        for (name, value) in &self.headers {
            command.push_str(&format!(" -H {}", quote(&format!("{name}: {value}"))));
        }
        // `-H 'accept:'` keeps curl from sending its own.
        for name in &self.omit {
            command.push_str(&format!(" -H {}", quote(&format!("{name}:"))));
        }
        if let Some(body) = &self.body {
            command.push_str(&format!(" --data-raw {}", quote(body)));
        }
        command
    }

    /// The `curl` command that shows this request's answer.
    pub fn curl(&self) -> String {
        self.curl_with("-i")
    }

    /// The lines that send this request as one step of a case shown whole:
    /// a step that captures sets its variables, another shows its answer.
    pub fn lines(&self) -> String {
        if self.captures.is_empty() {
            reproduce(std::slice::from_ref(self), &[])
        } else {
            self.setup_lines().join("\n")
        }
    }

    /// The lines that send this request as an earlier step of a case: its
    /// captures become shell variables, and the answer is not shown.
    fn setup_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(seconds) = self.wait {
            lines.push(format!("sleep {seconds}"));
        }
        if self.captures.is_empty() {
            lines.push(self.curl_with("-s -o /dev/null"));
            return lines;
        }
        let options = capturing(&self.captures);
        lines.push(format!("response=$({})", self.curl_with(options)));
        for (name, capture) in &self.captures {
            // A step capturing both from its body and from its headers
            // would need two answers; no case does.
            if options != "-s" && matches!(capture, Capture::Json(_)) {
                lines.push(format!(
                    "# {} is in the body of the answer above: not captured here",
                    variable(name)
                ));
                continue;
            }
            lines.push(format!("{}=$({})", variable(name), extraction(capture)));
        }
        lines
    }
}

/// The shell lines that reproduce the last of `requests` (a case's steps up
/// to the one to show): the earlier ones are sent first, quietly, setting
/// the variables the later ones use; the last one shows its answer.
pub fn reproduce(requests: &[SentRequest], notes: &[String]) -> String {
    let mut lines: Vec<String> = notes.iter().map(|n| format!("# {n}")).collect();
    if let Some((last, earlier)) = requests.split_last() {
        for request in earlier {
            lines.extend(request.setup_lines());
        }
        if let Some(seconds) = last.wait {
            lines.push(format!("sleep {seconds}"));
        }
        lines.push(last.curl());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str) -> SentRequest {
        SentRequest {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
            basic: None,
            body: None,
            omit: Vec::new(),
            digest: None,
            wait: None,
            captures: Vec::new(),
        }
    }

    #[test]
    fn quotes_leave_references_to_expand_and_nothing_else() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME `x`"), "'$HOME `x`'");
        let token = reference("token");
        assert_eq!(quote(&format!("Bearer {token}")), "'Bearer '\"${token}\"");
        assert_eq!(quote(&token), "\"${token}\"");
        assert_eq!(
            quote(&format!("/calls/{}/note", reference("call id"))),
            "'/calls/'\"${call_id}\"'/note'"
        );
        // A reference percent-encoded in a query string.
        assert_eq!(
            quote("/x?key=%01CONFORMANCE_KEY%02&a=1"),
            "'/x?key='\"${CONFORMANCE_KEY}\"'&a=1'"
        );
    }

    #[test]
    fn a_quoted_reference_expands_in_a_shell() {
        let line = format!(
            "token=abc; printf '%s' {}",
            quote(&format!("Bearer {} it's", reference("token")))
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &line])
            .output()
            .expect("sh runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "Bearer abc it's");
    }

    #[test]
    fn pointers_become_jq_paths() {
        assert_eq!(jq_path("/access_token"), r#".["access_token"]"#);
        assert_eq!(jq_path("/data/0/id"), r#".["data"][0]["id"]"#);
        assert_eq!(jq_path("/a~1b"), r#".["a/b"]"#);
        assert_eq!(jq_path(""), ".");
    }

    #[test]
    fn a_captured_token_is_set_by_the_step_that_captures_it() {
        let mut login = request("http://h/auth/login");
        login.method = "POST".into();
        login.captures = vec![("token".into(), Capture::Json("/access_token".into()))];
        let mut me = request("http://h/me");
        me.headers = vec![(
            "authorization".into(),
            format!("Bearer {}", reference("token")),
        )];
        let script = reproduce(&[login, me], &["needs state \"x\"".into()]);
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(lines[0], "# needs state \"x\"");
        assert_eq!(
            lines[1],
            "response=$(curl -s -X POST 'http://h/auth/login')"
        );
        assert!(
            lines[2].starts_with("token=$(printf '%s' \"$response\""),
            "{script}"
        );
        assert!(
            lines[2].ends_with(r#"jq -r '.["access_token"]')"#),
            "{script}"
        );
        assert_eq!(
            lines[3],
            "curl -i -X GET 'http://h/me' -H 'authorization: Bearer '\"${token}\""
        );
    }

    #[test]
    fn the_extractions_read_a_response_as_curl_writes_it() {
        // A Digest step's headers: the challenge's block, then the answer's.
        let headers = "HTTP/1.1 401 Unauthorized\r\n\
                       WWW-Authenticate: Digest realm=\"r\", nonce=\"n0\", qop=\"auth\"\r\n\r\n\
                       HTTP/1.1 201 Created\r\nLocation: https://x.test/1.0/users/7\r\n\r\n";
        let body = "{\"data\": [{\"id\": 42}]}";
        for (capture, response, want) in [
            (Capture::Json("/data/0/id".into()), body, "42"),
            (Capture::Header("Location".into()), headers, "/1.0/users/7"),
            (Capture::Challenge("nonce".into()), headers, "n0"),
        ] {
            let script = format!("response=\"$RESPONSE\"; {}", extraction(&capture));
            let out = std::process::Command::new("sh")
                .args(["-c", &script])
                .env("RESPONSE", response)
                .output()
                .expect("sh runs");
            if matches!(capture, Capture::Json(_)) && !out.status.success() {
                // Without jq on the machine, only the shell part is checked.
                continue;
            }
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                want,
                "{capture:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
