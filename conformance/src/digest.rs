//! HTTP Digest access authentication (RFC 7616) as a client speaks it: the
//! challenges of a 401's `WWW-Authenticate` headers, the one to answer
//! (SHA-256 when offered, else MD5; `qop=auth`), and the `Authorization`
//! header that answers it.

use md5::Md5;
use sha2::{Digest as _, Sha256};

/// One `Digest` challenge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    /// As the server spells it (`MD5` when it names none).
    pub algorithm: String,
    /// The qop values offered.
    pub qop: Vec<String>,
    /// The request's nonce was genuine but expired.
    pub stale: bool,
}

/// Reads every challenge of every header value: `scheme param=value, ...`,
/// several challenges in one value or one per header. Only `Digest` ones
/// are kept.
pub fn challenges<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut found = Vec::new();
    for value in values {
        let mut current: Option<Challenge> = None;
        for item in items(value) {
            match item {
                Item::Scheme(scheme) => {
                    found.extend(current.take());
                    current = scheme.eq_ignore_ascii_case("digest").then(|| Challenge {
                        algorithm: "MD5".into(),
                        ..Challenge::default()
                    });
                }
                Item::Param(name, value) => {
                    let Some(challenge) = current.as_mut() else {
                        continue;
                    };
                    match name.to_ascii_lowercase().as_str() {
                        "realm" => challenge.realm = value,
                        "nonce" => challenge.nonce = value,
                        "opaque" => challenge.opaque = Some(value),
                        "algorithm" => challenge.algorithm = value,
                        "qop" => {
                            challenge.qop = value.split(',').map(|q| q.trim().to_owned()).collect()
                        }
                        "stale" => challenge.stale = value.eq_ignore_ascii_case("true"),
                        _ => {}
                    }
                }
            }
        }
        found.extend(current);
    }
    found
}

enum Item {
    Scheme(String),
    Param(String, String),
}

/// The schemes and parameters of a header value, in order.
fn items(value: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut token = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == ',' || c == '=' {
                break;
            }
            token.push(c);
            chars.next();
        }
        if token.is_empty() {
            if chars.next().is_none() {
                return out;
            }
            continue;
        }
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            out.push(Item::Scheme(token));
            continue;
        }
        chars.next();
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push(Item::Param(token, value));
    }
}

/// The challenge to answer: SHA-256 before MD5, `qop=auth` offered.
pub fn choose(challenges: &[Challenge]) -> Option<&Challenge> {
    let offers_auth = |c: &&Challenge| c.qop.iter().any(|q| q == "auth");
    ["SHA-256", "MD5"].iter().find_map(|algorithm| {
        challenges
            .iter()
            .filter(offers_auth)
            .find(|c| c.algorithm.eq_ignore_ascii_case(algorithm))
    })
}

fn hash(algorithm: &str, text: &str) -> String {
    if algorithm.eq_ignore_ascii_case("SHA-256") {
        hex(&Sha256::digest(text.as_bytes()))
    } else {
        hex(&Md5::digest(text.as_bytes()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What an answer says, beside the challenge's realm, opaque and algorithm.
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub method: &'a str,
    /// The request target, path and query.
    pub uri: &'a str,
    pub nonce: &'a str,
    pub cnonce: &'a str,
    /// The nonce count, 1 for a nonce's first use.
    pub count: u32,
}

/// The `Authorization` header answering `challenge`.
pub fn authorization(challenge: &Challenge, answer: &Answer) -> String {
    let algorithm = &challenge.algorithm;
    let nc = format!("{:08x}", answer.count);
    let ha1 = hash(
        algorithm,
        &format!("{}:{}:{}", answer.user, challenge.realm, answer.password),
    );
    let ha2 = hash(algorithm, &format!("{}:{}", answer.method, answer.uri));
    let response = hash(
        algorithm,
        &format!("{ha1}:{}:{nc}:{}:auth:{ha2}", answer.nonce, answer.cnonce),
    );
    let quote = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    let mut header = format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm={algorithm}, \
         qop=auth, nc={nc}, cnonce=\"{}\", response=\"{response}\"",
        quote(answer.user),
        quote(&challenge.realm),
        quote(answer.nonce),
        quote(answer.uri),
        quote(answer.cnonce),
    );
    if let Some(opaque) = &challenge.opaque {
        header.push_str(&format!(", opaque=\"{}\"", quote(opaque)));
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_from_one_value_or_several() {
        let found = challenges([
            r#"Digest realm="XiVO REST API", qop="auth", algorithm=SHA-256, nonce="n1", opaque="o", stale=true, Digest realm="XiVO REST API", qop="auth,auth-int", algorithm=MD5, nonce="n1", opaque="o""#,
            r#"Basic realm="XiVO REST API", charset="UTF-8""#,
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].algorithm, "SHA-256");
        assert!(found[0].stale);
        assert_eq!(found[1].qop, ["auth", "auth-int"]);
        assert_eq!(choose(&found).unwrap().algorithm, "SHA-256");
        let md5_only = challenges([r#"Digest realm="r", nonce="n", qop="auth""#]);
        assert_eq!(choose(&md5_only).unwrap().algorithm, "MD5");
        assert!(choose(&challenges([r#"Digest realm="r", nonce="n""#])).is_none());
    }

    #[test]
    fn the_answer_is_rfc_7616s_example() {
        // RFC 7616, section 3.9.1 (SHA-256 and MD5, qop=auth).
        let answer = Answer {
            user: "Mufasa",
            password: "Circle of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            count: 1,
        };
        let mut challenge = Challenge {
            realm: "http-auth@example.org".into(),
            nonce: answer.nonce.into(),
            opaque: Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS".into()),
            algorithm: "SHA-256".into(),
            qop: vec!["auth".into()],
            stale: false,
        };
        assert!(authorization(&challenge, &answer).contains(
            "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""
        ));
        challenge.algorithm = "MD5".into();
        assert!(authorization(&challenge, &answer)
            .contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""));
    }
}
