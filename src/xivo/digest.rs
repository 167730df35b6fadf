//! HTTP Digest authentication (RFC 7616) for the XiVO API, as the original
//! served it: `qop=auth`, algorithms `SHA-256` and `MD5` (their `-sess`
//! variants and `auth-int` are refused), one realm.
//!
//! Nonces are stateless, so that any Workers isolate can check a nonce another
//! one issued: `base64url(issued_at ‖ random ‖ tag)`, where `issued_at` is 8
//! bytes (big-endian seconds since the epoch), `random` 16 bytes, and `tag`
//! the first 16 bytes of `HMAC-SHA256(key, issued_at ‖ random ‖ realm)`. The
//! key is `HMAC-SHA256(XIVO_NONCE_SECRET, label)`, or, without that secret,
//! `HMAC-SHA256(XIVO_PASSWORD, label)`. A nonce lasts [`NONCE_LIFETIME`]
//! seconds. Replays of a state-changing request are refused by the guard
//! (`negotiation.rs`), which remembers `(nonce, nc)` pairs in D1.
//! `docs/xivo.md` ("Authentication: HTTP Basic") is the reference.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use http::HeaderValue;
use md5::Md5;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq;

use crate::config::{Config, Credentials};
use crate::http::same_secret;

/// The realm of every challenge; a response for another one is refused.
pub const REALM: &str = "XiVO REST API";

/// How long a nonce may be used, in seconds from its issue, unless
/// `XIVO_NONCE_LIFETIME` says. An older one, genuine, gets a 401 with
/// `stale=true`, on which clients retry at once.
pub const NONCE_LIFETIME: i64 = crate::config::DEFAULT_NONCE_LIFETIME;

/// How far in the future a genuine nonce's time may be (another isolate's
/// clock a little ahead) and still count; further, it is stale.
pub const NONCE_CLOCK_SKEW: i64 = 30;

/// The `opaque` of every challenge (base64url of `switchboard/xivo`), which
/// clients send back unchanged: any other value is refused.
pub const OPAQUE: &str = "c3dpdGNoYm9hcmQveGl2bw";

/// The fixed label the nonce key is derived with.
pub const NONCE_KEY_LABEL: &[u8] = b"switchboard/xivo/digest-nonce/v1";

/// The Basic challenge, sent last where Basic is allowed.
pub const BASIC_CHALLENGE: &str = "Basic realm=\"XiVO REST API\", charset=\"UTF-8\"";

/// The longest `Authorization` header read: longer is refused unread.
pub const MAX_AUTHORIZATION_LEN: usize = 4096;

/// The most parameters read in one `Authorization` header.
const MAX_PARAMS: usize = 16;

const TIME_LEN: usize = 8;
const RANDOM_LEN: usize = 16;
const TAG_LEN: usize = 16;
const NONCE_LEN: usize = TIME_LEN + RANDOM_LEN + TAG_LEN;
/// The length of a nonce in base64url without padding: 54 characters.
const NONCE_TEXT_LEN: usize = (NONCE_LEN * 4).div_ceil(3);

/// The hash functions offered, in the order of the challenges (preferred
/// first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Md5,
}

impl Algorithm {
    pub const OFFERED: [Self; 2] = [Self::Sha256, Self::Md5];

    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA-256",
            Self::Md5 => "MD5",
        }
    }

    /// The algorithm a client names (without regard to case); an absent
    /// `algorithm` means MD5 (RFC 7616, section 3.3).
    fn named(name: Option<&str>) -> Option<Self> {
        let Some(name) = name else {
            return Some(Self::Md5);
        };
        Self::OFFERED
            .into_iter()
            .find(|algorithm| algorithm.name().eq_ignore_ascii_case(name))
    }

    /// `H(data)` in lowercase hex.
    fn hash(self, data: &str) -> String {
        match self {
            Self::Sha256 => hex::encode(Sha256::digest(data.as_bytes())),
            Self::Md5 => hex::encode(Md5::digest(data.as_bytes())),
        }
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac.finalize().into_bytes().into())
}

/// The key that signs nonces, and how long they last. Every isolate derives
/// the same one from the configuration, so any of them checks what another
/// issued.
#[derive(Clone)]
pub struct NonceKey {
    key: [u8; 32],
    /// Seconds a nonce lasts.
    lifetime: i64,
}

impl NonceKey {
    /// `HMAC-SHA256(secret, NONCE_KEY_LABEL)`, nonces lasting
    /// [`NONCE_LIFETIME`].
    pub fn new(secret: &[u8]) -> Option<Self> {
        hmac(secret, &[NONCE_KEY_LABEL]).map(|key| Self {
            key,
            lifetime: NONCE_LIFETIME,
        })
    }

    /// From `XIVO_NONCE_SECRET`, else from `XIVO_PASSWORD` (so changing the
    /// password invalidates the nonces issued), else (no credentials: nothing
    /// is accepted anyway) from the empty string.
    pub fn for_config(config: &Config) -> Option<Self> {
        let secret = config
            .xivo_nonce_secret
            .as_ref()
            .map(|secret| secret.0.as_str())
            .or_else(|| config.xivo.as_ref().map(|c| c.password.as_str()))
            .unwrap_or_default();
        Self::new(secret.as_bytes()).map(|key| Self {
            lifetime: config.xivo_nonce_lifetime,
            ..key
        })
    }

    fn tag(&self, time: &[u8; TIME_LEN], random: &[u8; RANDOM_LEN]) -> Option<[u8; TAG_LEN]> {
        let mac = hmac(&self.key, &[time, random, REALM.as_bytes()])?;
        mac.first_chunk::<TAG_LEN>().copied()
    }
}

/// A nonce issued at `now` (seconds since the epoch) from `random`.
pub fn issue_nonce(key: &NonceKey, now: i64, random: &[u8; RANDOM_LEN]) -> Option<String> {
    let time = u64::try_from(now).unwrap_or(0).to_be_bytes();
    let tag = key.tag(&time, random)?;
    let mut bytes = Vec::with_capacity(NONCE_LEN);
    bytes.extend_from_slice(&time);
    bytes.extend_from_slice(random);
    bytes.extend_from_slice(&tag);
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// What a nonce given back is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceState {
    /// Genuine and within its lifetime.
    Fresh { issued_at: i64 },
    /// Genuine, but too old (or too far in the future).
    Stale,
    /// Not one this server issued: malformed, or its tag does not match.
    Forged,
}

/// Checks a nonce's tag (in constant time), then its age at `now`.
pub fn check_nonce(key: &NonceKey, nonce: &str, now: i64) -> NonceState {
    if nonce.len() != NONCE_TEXT_LEN {
        return NonceState::Forged;
    }
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(nonce) else {
        return NonceState::Forged;
    };
    let Some((time, rest)) = bytes.split_first_chunk::<TIME_LEN>() else {
        return NonceState::Forged;
    };
    let Some((random, tag)) = rest.split_first_chunk::<RANDOM_LEN>() else {
        return NonceState::Forged;
    };
    let Some(expected) = key.tag(time, random) else {
        return NonceState::Forged;
    };
    if tag.len() != TAG_LEN || !bool::from(expected.ct_eq(tag)) {
        return NonceState::Forged;
    }
    let issued_at = i64::try_from(u64::from_be_bytes(*time)).unwrap_or(i64::MAX);
    let age = now.saturating_sub(issued_at);
    if (-NONCE_CLOCK_SKEW..=key.lifetime).contains(&age) {
        NonceState::Fresh { issued_at }
    } else {
        NonceState::Stale
    }
}

/// The `WWW-Authenticate` values of a 401: one Digest challenge per offered
/// algorithm, all with the same nonce (issued at `now` from `random`),
/// opaque, realm and qop, then Basic's where `basic` is allowed.
pub fn challenges(
    key: &NonceKey,
    now: i64,
    random: &[u8; RANDOM_LEN],
    stale: bool,
    basic: bool,
) -> Vec<HeaderValue> {
    let mut values = Vec::with_capacity(Algorithm::OFFERED.len() + 1);
    if let Some(nonce) = issue_nonce(key, now, random) {
        let stale = if stale { ", stale=true" } else { "" };
        values.extend(Algorithm::OFFERED.into_iter().map(|algorithm| {
            format!(
                "Digest realm=\"{REALM}\", qop=\"auth\", algorithm={}, nonce=\"{nonce}\", \
                 opaque=\"{OPAQUE}\"{stale}",
                algorithm.name()
            )
        }));
    }
    if basic {
        values.push(BASIC_CHALLENGE.to_owned());
    }
    values
        .into_iter()
        .filter_map(|value| HeaderValue::try_from(value).ok())
        .collect()
}

/// Why an `Authorization` header's parameters could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    TooLong,
    Syntax,
    Duplicate,
    TooMany,
    Encoding,
}

fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// Splits `input` after its leading bytes that satisfy `keep`.
fn split_while(input: &[u8], keep: impl Fn(u8) -> bool) -> (&[u8], &[u8]) {
    let end = input
        .iter()
        .position(|&byte| !keep(byte))
        .unwrap_or(input.len());
    input.split_at_checked(end).unwrap_or((input, &[]))
}

fn skip_ows(input: &[u8]) -> &[u8] {
    split_while(input, is_ows).1
}

/// A quoted-string's content (quoted pairs unescaped) and what follows its
/// closing quote; `input` starts after the opening one.
fn quoted_string(input: &[u8]) -> Result<(Vec<u8>, &[u8]), ParseError> {
    let mut content = Vec::new();
    let mut bytes = input.iter().enumerate();
    while let Some((at, &byte)) = bytes.next() {
        match byte {
            b'"' => return Ok((content, input.get(at + 1..).unwrap_or_default())),
            b'\\' => match bytes.next() {
                Some((_, &escaped)) if escaped == b'\t' || (escaped >= 0x20 && escaped != 0x7f) => {
                    content.push(escaped);
                }
                _ => return Err(ParseError::Syntax),
            },
            b'\t' | 0x20..=0x7e | 0x80..=0xff => content.push(byte),
            _ => return Err(ParseError::Syntax),
        }
    }
    // No closing quote.
    Err(ParseError::Syntax)
}

/// The parameters of a Digest `Authorization` header (what follows the
/// scheme), as RFC 9110's `#auth-param`: `name = token / quoted-string`,
/// separated by commas. Names are lowercased; a name given twice, a value
/// that is not UTF-8, a header over [`MAX_AUTHORIZATION_LEN`] bytes or with
/// more than 16 parameters is an error, never a guess.
pub fn parse_params(input: &[u8]) -> Result<Vec<(String, String)>, ParseError> {
    if input.len() > MAX_AUTHORIZATION_LEN {
        return Err(ParseError::TooLong);
    }
    let mut params: Vec<(String, String)> = Vec::new();
    let mut rest = input;
    loop {
        // Empty list elements (`a=1, , b=2`) are allowed, as in any list.
        rest = split_while(rest, |byte| is_ows(byte) || byte == b',').1;
        if rest.is_empty() {
            return Ok(params);
        }
        let (name, after) = split_while(rest, is_tchar);
        if name.is_empty() {
            return Err(ParseError::Syntax);
        }
        let after = skip_ows(after)
            .strip_prefix(b"=")
            .ok_or(ParseError::Syntax)?;
        let after = skip_ows(after);
        let (value, after) = match after.strip_prefix(b"\"") {
            Some(quoted) => quoted_string(quoted)?,
            None => {
                let (token, after) = split_while(after, is_tchar);
                if token.is_empty() {
                    return Err(ParseError::Syntax);
                }
                (token.to_vec(), after)
            }
        };
        rest = skip_ows(after);
        if rest.first().is_some_and(|&byte| byte != b',') {
            return Err(ParseError::Syntax);
        }
        let name = String::from_utf8(name.to_ascii_lowercase()).map_err(|_| ParseError::Syntax)?;
        let value = String::from_utf8(value).map_err(|_| ParseError::Encoding)?;
        if params.iter().any(|(known, _)| *known == name) {
            return Err(ParseError::Duplicate);
        }
        if params.len() == MAX_PARAMS {
            return Err(ParseError::TooMany);
        }
        params.push((name, value));
    }
}

/// The parameters of `Authorization: Digest <params>`, if that is the scheme
/// (matched without regard to case).
pub fn digest_params(value: &[u8]) -> Option<&[u8]> {
    let value = skip_ows(value);
    let (scheme, rest) = split_while(value, is_tchar);
    (scheme.eq_ignore_ascii_case(b"Digest") && rest.first().copied().is_some_and(is_ows))
        .then_some(rest)
}

/// A request target as a WHATWG URL parser (the Workers runtime's) leaves it:
/// in the path, controls, space, `"`, `<`, `>`, `` ` ``, `{`, `}` and bytes
/// over 0x7E percent-encoded; in the query, controls, space, `"`, `<`, `>`,
/// `'` and bytes over 0x7E. A client that sends `?name=O'Brien` hashes that,
/// while the worker sees `?name=O%27Brien`: the same target.
fn as_parsed(uri: &str) -> String {
    let (path, query) = match uri.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (uri, None),
    };
    let escape = |text: &str, set: &[u8], out: &mut String| {
        for &byte in text.as_bytes() {
            if byte <= 0x20 || byte > 0x7e || set.contains(&byte) {
                out.push_str(&format!("%{byte:02X}"));
            } else {
                out.push(char::from(byte));
            }
        }
    };
    let mut out = String::with_capacity(uri.len());
    escape(path, b"\"<>`{}", &mut out);
    if let Some(query) = query {
        out.push('?');
        escape(query, b"\"<>'", &mut out);
    }
    out
}

/// What a client answered to a challenge, every required parameter present.
struct Answer<'a> {
    username: &'a str,
    realm: &'a str,
    nonce: &'a str,
    uri: &'a str,
    response: &'a str,
    opaque: &'a str,
    cnonce: &'a str,
    nc_text: &'a str,
    nc: u32,
    algorithm: Algorithm,
}

fn answer(params: &[(String, String)]) -> Option<Answer<'_>> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    };
    let algorithm = Algorithm::named(get("algorithm"))?;
    if get("qop")? != "auth" {
        return None;
    }
    // Only plain user names: userhash is not offered.
    if get("userhash").is_some_and(|value| !value.eq_ignore_ascii_case("false")) {
        return None;
    }
    let nc_text = get("nc")?;
    if nc_text.len() != 8 || !nc_text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    let nc = u32::from_str_radix(nc_text, 16).ok()?;
    let cnonce = get("cnonce").filter(|cnonce| !cnonce.is_empty())?;
    Some(Answer {
        username: get("username")?,
        realm: get("realm")?,
        nonce: get("nonce")?,
        uri: get("uri")?,
        response: get("response")?,
        opaque: get("opaque")?,
        cnonce,
        nc_text,
        nc,
        algorithm,
    })
}

/// A nonce used with a nonce count, to be remembered until the nonce expires
/// (replay protection of state-changing requests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceUse {
    pub nonce: String,
    pub nc: u32,
    /// When the nonce stops being accepted: from then on the pair can go.
    pub expires_at: i64,
}

/// The outcome of a Digest `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Right credentials, for this method and URI, with a fresh nonce.
    Accepted(NonceUse),
    /// Right credentials, but the nonce (genuine) is too old: 401 with
    /// `stale=true`.
    Stale,
    /// Anything else: 401.
    Refused,
}

/// One request, as the response must have been computed for.
pub struct Target<'a> {
    pub method: &'a str,
    /// The request target: path and query, as received.
    pub uri: &'a str,
    /// Seconds since the epoch.
    pub now: i64,
}

/// Checks Digest parameters against the credentials, for `target`.
pub fn verify(
    credentials: &Credentials,
    key: &NonceKey,
    params: &[u8],
    target: &Target<'_>,
) -> Verdict {
    let Ok(params) = parse_params(params) else {
        return Verdict::Refused;
    };
    let Some(answer) = answer(&params) else {
        return Verdict::Refused;
    };
    let same_target = answer.uri == target.uri || as_parsed(answer.uri) == target.uri;
    if answer.realm != REALM || answer.opaque != OPAQUE || !same_target {
        return Verdict::Refused;
    }
    let state = check_nonce(key, answer.nonce, target.now);
    if state == NonceState::Forged {
        return Verdict::Refused;
    }
    let hash = |data: &str| answer.algorithm.hash(data);
    let ha1 = hash(&format!(
        "{}:{REALM}:{}",
        credentials.username, credentials.password
    ));
    // The URI as the client hashed it (the same target, perhaps less escaped).
    let ha2 = hash(&format!("{}:{}", target.method, answer.uri));
    let expected = hash(&format!(
        "{ha1}:{}:{}:{}:auth:{ha2}",
        answer.nonce, answer.nc_text, answer.cnonce
    ));
    // Both compared, always: the time taken tells neither which was wrong.
    let user_ok = same_secret(answer.username, &credentials.username);
    let response_ok = same_secret(&answer.response.to_ascii_lowercase(), &expected);
    if !(user_ok & response_ok) {
        return Verdict::Refused;
    }
    match state {
        NonceState::Fresh { issued_at } => Verdict::Accepted(NonceUse {
            nonce: answer.nonce.to_owned(),
            nc: answer.nc,
            expires_at: issued_at.saturating_add(key.lifetime),
        }),
        NonceState::Stale => Verdict::Stale,
        NonceState::Forged => Verdict::Refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(input: &str) -> Result<Vec<(String, String)>, ParseError> {
        parse_params(input.as_bytes())
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn tokens_and_quoted_strings_are_read() {
        assert_eq!(
            params(r#"username="Mufasa", realm="a, b", nc=00000001, qop=auth"#),
            Ok(pairs(&[
                ("username", "Mufasa"),
                ("realm", "a, b"),
                ("nc", "00000001"),
                ("qop", "auth"),
            ]))
        );
    }

    #[test]
    fn whitespace_empty_elements_and_case_of_names_are_tolerated() {
        assert_eq!(
            params(" , Username = \"x\" ,,\tREALM=\"y\" ,"),
            Ok(pairs(&[("username", "x"), ("realm", "y")]))
        );
        assert_eq!(params(""), Ok(Vec::new()));
    }

    #[test]
    fn quoted_pairs_are_unescaped() {
        assert_eq!(
            params(r#"username="a\"b\\c""#),
            Ok(pairs(&[("username", "a\"b\\c")]))
        );
    }

    #[test]
    fn unbalanced_quotes_and_bad_syntax_are_refused() {
        for input in [
            r#"username="abc"#,
            r#"username="abc\"#,
            r#"username=abc""#,
            r#"username"#,
            r#"username="#,
            r#"=abc"#,
            r#"username="a" realm="b""#,
            r#"username=a b"#,
            r#"user name="a""#,
            "username=\"a\u{1}\"",
            r#"username=(a)"#,
        ] {
            assert_eq!(params(input), Err(ParseError::Syntax), "{input}");
        }
    }

    #[test]
    fn duplicate_names_are_refused_whatever_their_case() {
        assert_eq!(
            params(r#"nonce="a", NONCE="a""#),
            Err(ParseError::Duplicate)
        );
    }

    #[test]
    fn huge_headers_and_too_many_parameters_are_refused() {
        let huge = format!("username=\"{}\"", "a".repeat(MAX_AUTHORIZATION_LEN));
        assert_eq!(params(&huge), Err(ParseError::TooLong));
        let many: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("p{i}=v")).collect();
        assert_eq!(params(&many.join(", ")), Err(ParseError::TooMany));
        let enough: Vec<String> = (0..MAX_PARAMS).map(|i| format!("p{i}=v")).collect();
        assert_eq!(params(&enough.join(", ")).map(|p| p.len()), Ok(MAX_PARAMS));
    }

    #[test]
    fn values_that_are_not_utf8_are_refused() {
        assert_eq!(
            parse_params(b"username=\"\xff\xfe\""),
            Err(ParseError::Encoding)
        );
        assert_eq!(
            parse_params("username=\"zoë\"".as_bytes()),
            Ok(pairs(&[("username", "zoë")]))
        );
    }

    #[test]
    fn the_digest_scheme_is_matched_without_regard_to_case() {
        assert_eq!(digest_params(b"Digest a=b"), Some(&b" a=b"[..]));
        assert_eq!(digest_params(b"  dIgEsT\ta=b"), Some(&b"\ta=b"[..]));
        assert_eq!(digest_params(b"Digest"), None);
        assert_eq!(digest_params(b"Digesta=b"), None);
        assert_eq!(digest_params(b"Basic YTpi"), None);
    }

    fn key() -> NonceKey {
        NonceKey::new(b"a test key of thirty-two bytes!!").unwrap()
    }

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn nonces_are_54_base64url_characters_and_check_until_they_expire() {
        let nonce = issue_nonce(&key(), NOW, &[7; 16]).unwrap();
        assert_eq!(nonce.len(), 54);
        assert!(nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let fresh = NonceState::Fresh { issued_at: NOW };
        assert_eq!(check_nonce(&key(), &nonce, NOW), fresh);
        assert_eq!(check_nonce(&key(), &nonce, NOW + NONCE_LIFETIME), fresh);
        assert_eq!(
            check_nonce(&key(), &nonce, NOW + NONCE_LIFETIME + 1),
            NonceState::Stale
        );
        assert_eq!(check_nonce(&key(), &nonce, NOW - NONCE_CLOCK_SKEW), fresh);
        assert_eq!(
            check_nonce(&key(), &nonce, NOW - NONCE_CLOCK_SKEW - 1),
            NonceState::Stale
        );
    }

    #[test]
    fn nonces_of_another_key_or_tampered_are_forged() {
        let nonce = issue_nonce(&key(), NOW, &[7; 16]).unwrap();
        let other = NonceKey::new(b"another key").unwrap();
        assert_eq!(check_nonce(&other, &nonce, NOW), NonceState::Forged);
        let mut bytes = URL_SAFE_NO_PAD.decode(&nonce).unwrap();
        for at in [0, 7, 8, 23, 24, 39] {
            bytes[at] ^= 1;
            let tampered = URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(check_nonce(&key(), &tampered, NOW), NonceState::Forged);
            bytes[at] ^= 1;
        }
        for garbage in [
            "",
            "abc",
            &"A".repeat(54),
            &nonce[..53],
            &format!("{nonce}A"),
        ] {
            assert_eq!(check_nonce(&key(), garbage, NOW), NonceState::Forged);
        }
    }

    #[test]
    fn challenges_share_one_nonce_and_list_sha256_first() {
        let values = challenges(&key(), NOW, &[1; 16], false, true);
        let texts: Vec<&str> = values.iter().map(|v| v.to_str().unwrap()).collect();
        let nonce = issue_nonce(&key(), NOW, &[1; 16]).unwrap();
        assert_eq!(
            texts,
            [
                format!(
                    "Digest realm=\"XiVO REST API\", qop=\"auth\", algorithm=SHA-256, \
                     nonce=\"{nonce}\", opaque=\"{OPAQUE}\""
                ),
                format!(
                    "Digest realm=\"XiVO REST API\", qop=\"auth\", algorithm=MD5, \
                     nonce=\"{nonce}\", opaque=\"{OPAQUE}\""
                ),
                BASIC_CHALLENGE.to_owned(),
            ]
        );
        let stale = challenges(&key(), NOW, &[1; 16], true, false);
        assert_eq!(stale.len(), 2);
        assert!(stale
            .iter()
            .all(|v| v.to_str().unwrap().ends_with(", stale=true")));
    }

    #[test]
    fn the_opaque_is_base64url_of_its_label() {
        assert_eq!(URL_SAFE_NO_PAD.encode("switchboard/xivo"), OPAQUE);
    }

    /// RFC 7616, section 3.9.1: the example's responses, both algorithms.
    #[test]
    fn the_rfc_examples_are_reproduced() {
        let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        for (algorithm, expected) in [
            (Algorithm::Md5, "8ca523f5e9506fed4657c9700eebdbec"),
            (
                Algorithm::Sha256,
                "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
            ),
        ] {
            let h = |data: &str| algorithm.hash(data);
            let ha1 = h("Mufasa:http-auth@example.org:Circle of Life");
            let ha2 = h("GET:/dir/index.html");
            let response = h(&format!("{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}"));
            assert_eq!(response, expected, "{algorithm:?}");
        }
    }

    fn credentials() -> Credentials {
        Credentials {
            username: "admin".into(),
            password: "secret".into(),
        }
    }

    fn header(algorithm: Algorithm, nonce: &str, method: &str, uri: &str) -> String {
        let h = |data: &str| algorithm.hash(data);
        let ha1 = h(&format!("admin:{REALM}:secret"));
        let ha2 = h(&format!("{method}:{uri}"));
        let response = h(&format!("{ha1}:{nonce}:0000000a:xyz:auth:{ha2}"));
        format!(
            "username=\"admin\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{uri}\", \
             algorithm={}, qop=auth, nc=0000000a, cnonce=\"xyz\", response=\"{response}\", \
             opaque=\"{OPAQUE}\"",
            algorithm.name()
        )
    }

    #[test]
    fn targets_are_escaped_as_a_url_parser_does() {
        assert_eq!(
            as_parsed("/1.0/users/?lastname=O'Brien"),
            "/1.0/users/?lastname=O%27Brien"
        );
        assert_eq!(
            as_parsed("/a b\"<>`{}|^[]'é/?q=a b\"<>`{}|^[]'é&x=%zz"),
            "/a%20b%22%3C%3E%60%7B%7D|^[]'%C3%A9/?q=a%20b%22%3C%3E`{}|^[]%27%C3%A9&x=%zz"
        );
        for unchanged in ["/1.0/CallCenter/agents/", "/x?a=1&b=%27", "/x?", "/"] {
            assert_eq!(as_parsed(unchanged), unchanged);
        }
    }

    #[test]
    fn an_answer_for_the_target_less_escaped_is_accepted() {
        let nonce = issue_nonce(&key(), NOW, &[3; 16]).unwrap();
        let target = Target {
            method: "GET",
            uri: "/1.0/users/?lastname=O%27Brien",
            now: NOW,
        };
        let given = header(
            Algorithm::Sha256,
            &nonce,
            "GET",
            "/1.0/users/?lastname=O'Brien",
        );
        assert!(matches!(
            verify(&credentials(), &key(), given.as_bytes(), &target),
            Verdict::Accepted(_)
        ));
        // Not the other way round: the worker never sees less than the parser
        // escapes.
        let target = Target {
            uri: "/1.0/users/?lastname=O'Brien",
            ..target
        };
        let given = header(
            Algorithm::Sha256,
            &nonce,
            "GET",
            "/1.0/users/?lastname=O%27Brien",
        );
        assert_eq!(
            verify(&credentials(), &key(), given.as_bytes(), &target),
            Verdict::Refused
        );
    }

    #[test]
    fn a_right_answer_is_accepted_with_its_nonce_count() {
        let nonce = issue_nonce(&key(), NOW, &[3; 16]).unwrap();
        let target = Target {
            method: "GET",
            uri: "/1.0/x?y=1",
            now: NOW + 10,
        };
        for algorithm in Algorithm::OFFERED {
            let given = header(algorithm, &nonce, "GET", "/1.0/x?y=1");
            assert_eq!(
                verify(&credentials(), &key(), given.as_bytes(), &target),
                Verdict::Accepted(NonceUse {
                    nonce: nonce.clone(),
                    nc: 10,
                    expires_at: NOW + NONCE_LIFETIME,
                })
            );
        }
        let stale = Target {
            now: NOW + NONCE_LIFETIME + 1,
            ..target
        };
        let given = header(Algorithm::Md5, &nonce, "GET", "/1.0/x?y=1");
        assert_eq!(
            verify(&credentials(), &key(), given.as_bytes(), &stale),
            Verdict::Stale
        );
    }

    #[test]
    fn an_answer_for_another_request_is_refused() {
        let nonce = issue_nonce(&key(), NOW, &[3; 16]).unwrap();
        let target = Target {
            method: "GET",
            uri: "/1.0/x",
            now: NOW,
        };
        for given in [
            header(Algorithm::Sha256, &nonce, "POST", "/1.0/x"),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/y"),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/x").replace("admin", "root"),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/x").replace("SHA-256", "MD5-sess"),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/x").replace("qop=auth", "qop=auth-int"),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/x").replace("0000000a", "a"),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/x").replace("xyz", ""),
            header(Algorithm::Sha256, &nonce, "GET", "/1.0/x") + ", userhash=true",
        ] {
            assert_eq!(
                verify(&credentials(), &key(), given.as_bytes(), &target),
                Verdict::Refused,
                "{given}"
            );
        }
    }
}
