//! The fixture model: cases and their steps, as written in `fixtures/<api>/*.toml`
//! (the format is documented in `fixtures/README.md`).

use indexmap::IndexMap;
use serde::Deserialize;

/// The APIs, by the name of their fixtures folder, and their documents.
pub const APIS: [(&str, &str); 4] = [
    ("aircall", "aircall-api.md"),
    ("callpower", "callpower-api.md"),
    ("upcall", "upcall-api.md"),
    ("xivo", "xivo-restapi.rst"),
];

/// One case: an ordered list of requests taken from a document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// `<api>/<file stem>`, set by the loader.
    #[serde(skip)]
    pub id: String,
    /// The API folder the case lives in, set by the loader.
    #[serde(skip)]
    pub api: String,
    pub title: String,
    pub document: String,
    pub endpoint: String,
    #[serde(default)]
    pub section: Option<String>,
    /// The project's recorded choices the case relies on, each
    /// `docs/<api>.md#<anchor>` (checked by the loader).
    #[serde(default)]
    pub choices: Vec<String>,
    /// Where the case's expectations follow the original system's
    /// behaviour (the document being silent), the sections of
    /// `docs/<api>.md` that record it, cited like `choices`.
    #[serde(default)]
    pub reference: Vec<String>,
    pub tags: Vec<String>,
    #[serde(default)]
    pub state: Option<String>,
    pub steps: Vec<Step>,
}

impl Case {
    /// Where the case comes from: `aircall-api.md › POST /calls/:id/note`.
    pub fn provenance(&self) -> String {
        let place = self.section.as_deref().unwrap_or(&self.endpoint);
        format!("{} › {place}", self.document)
    }

    pub fn mutates(&self) -> bool {
        self.tags.iter().any(|t| t == "mutates")
    }
}

/// One request, what to keep of its answer, and what the document shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub query: IndexMap<String, String>,
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    #[serde(default)]
    pub auth: Option<Auth>,
    #[serde(default)]
    pub json: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub form: Option<IndexMap<String, String>>,
    #[serde(default)]
    pub capture: IndexMap<String, Capture>,
    /// Seconds to wait before the step is sent (text, so that a setting
    /// can give it: `"{{xivo_nonce_lifetime}}"`).
    #[serde(default)]
    pub wait: Option<String>,
    /// Headers the HTTP client would add by itself that this step must not
    /// send (`["accept"]`: a request without an `Accept` header).
    #[serde(default)]
    pub omit_headers: Vec<String>,
    #[serde(default = "default_headers_kept")]
    pub headers_kept: Vec<String>,
    #[serde(default)]
    pub redact: IndexMap<String, String>,
    #[serde(default)]
    pub documented: Option<Documented>,
}

fn default_headers_kept() -> Vec<String> {
    vec!["content-type".to_owned()]
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum Auth {
    /// HTTP Basic: user name and password.
    Basic(String, String),
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// HTTP Digest (RFC 7616): the runner asks without credentials first,
    /// answers the 401's challenge, and asks once more if the server says
    /// the nonce was stale.
    Digest(DigestAuth),
}

/// A Digest answer: the credentials, and what a failure case may answer
/// instead of what the challenge and the request say.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DigestAuth {
    pub user: String,
    pub password: String,
    /// The nonce to answer with (a forged or an expired one).
    #[serde(default)]
    pub nonce: Option<String>,
    /// The request target the response is computed for (another URI).
    #[serde(default)]
    pub uri: Option<String>,
    /// The method the response is computed for (another method).
    #[serde(default)]
    pub method: Option<String>,
}

/// Where a captured value comes from.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum Capture {
    /// A JSON pointer into the response body.
    Json(String),
    /// A response header.
    Header(String),
    /// A parameter of the `Digest` challenge of a 401 (`nonce`, `opaque`).
    Challenge(String),
}

/// What the document shows for a request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Documented {
    /// The status the document gives, if it gives one (some documents show
    /// answers without their status codes).
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// JSON text, with `"...": "..."` and `"..."` marking what the document elides.
    #[serde(default)]
    pub body: Option<String>,
}

/// A run variable, as `fixtures/settings.toml` declares it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub description: String,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub secret: bool,
}

/// One document's endpoints, as `fixtures/endpoints.toml` lists them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentEndpoints {
    pub api: String,
    pub endpoints: Vec<String>,
}
