//! Loading a fixtures folder: the cases, settings, endpoints, datasets and
//! expected failures, checked together (with the choices the cases cite, in
//! the repository's `docs/`) so that a broken fixture is a clear harness
//! error, never a confusing failure later.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::choices::ChoiceDocs;
use crate::clock;
use crate::model::{Auth, Capture, Case, DocumentEndpoints, Setting, Step, APIS};
use crate::redact::Template;
use crate::source::Source;
use crate::vars;

/// Everything under a fixtures folder.
#[derive(Debug, Clone)]
pub struct Fixtures {
    /// Where the files are read from.
    pub source: Source,
    /// A folder of snapshots of one's own (`<api>/<case>.snap`), read and
    /// written instead of the fixtures' own.
    pub snapshots: Option<PathBuf>,
    /// Sorted by id.
    pub cases: Vec<Case>,
    pub settings: IndexMap<String, Setting>,
    /// Document file name → its endpoints.
    pub endpoints: IndexMap<String, DocumentEndpoints>,
    /// Dataset names (files `datasets/<name>.json`).
    pub datasets: BTreeSet<String>,
    /// Every section the cases cite (`docs/<api>.md#<anchor>`) → its
    /// heading's text.
    pub titles: std::collections::BTreeMap<String, String>,
}

/// Cases known not to pass against one implementation, and why: case ids or
/// `<api>/*`, as in `fixtures/expected-failures.toml`.
#[derive(Debug, Clone, Default)]
pub struct ExpectedFailures(IndexMap<String, String>);

impl ExpectedFailures {
    /// Why this case is expected to fail, if it is.
    pub fn reason(&self, case_id: &str) -> Option<&str> {
        let api = case_id.split('/').next().unwrap_or_default();
        self.0
            .get(case_id)
            .or_else(|| self.0.get(&format!("{api}/*")))
            .map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(source: &Source, file: &str) -> Result<T, String> {
    let text = source
        .read(file)?
        .ok_or_else(|| format!("{}: no such file", source.describe(file)))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", source.describe(file)))
}

fn stem(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Fixtures {
    /// Loads and checks the fixtures folder `root`; the error lists every
    /// problem found. The choices cases cite are looked up in `docs/` beside
    /// `root` (the repository of `fixtures/`).
    pub fn load(root: &Path) -> Result<Self, Vec<String>> {
        Self::load_from(Source::Folder(root.to_owned()))
    }

    /// The fixtures built into the binary, checked like a folder's.
    pub fn embedded() -> Result<Self, Vec<String>> {
        Self::load_from(Source::Embedded)
    }

    /// Loads and checks every file of a source.
    pub fn load_from(source: Source) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut note = |result: Result<(), String>| {
            if let Err(e) = result {
                errors.push(e);
            }
        };

        let settings: IndexMap<String, Setting> = parse_toml(&source, "settings.toml")
            .unwrap_or_else(|e| {
                note(Err(e));
                IndexMap::new()
            });
        let endpoints: IndexMap<String, DocumentEndpoints> = parse_toml(&source, "endpoints.toml")
            .unwrap_or_else(|e| {
                note(Err(e));
                IndexMap::new()
            });
        let datasets: BTreeSet<String> = source
            .files("datasets", "json")
            .unwrap_or_else(|e| {
                note(Err(e));
                Vec::new()
            })
            .iter()
            .map(|p| stem(p))
            .collect();

        let mut cases = Vec::new();
        for (api, _) in APIS {
            let names = source.files(api, "toml").unwrap_or_else(|e| {
                note(Err(e));
                Vec::new()
            });
            for name in names {
                match parse_toml::<Case>(&source, &format!("{api}/{name}")) {
                    Ok(mut case) => {
                        case.api = api.to_owned();
                        case.id = format!("{api}/{}", stem(&name));
                        cases.push(case);
                    }
                    Err(e) => note(Err(e)),
                }
            }
        }
        cases.sort_by(|a, b| a.id.cmp(&b.id));

        let mut docs = ChoiceDocs::new(source.clone());
        let fixtures = Self {
            source,
            snapshots: None,
            cases,
            settings,
            endpoints,
            datasets,
            titles: Default::default(),
        };
        let mut fixtures = fixtures;
        for case in &fixtures.cases {
            let cited = case
                .choices
                .iter()
                .chain(&case.reference)
                .filter_map(|c| docs.problem(c));
            for problem in fixtures.check(case).into_iter().chain(cited) {
                errors.push(format!("{}: {problem}", case.id));
            }
        }
        let titles = fixtures
            .cases
            .iter()
            .flat_map(|case| case.choices.iter().chain(&case.reference))
            .filter_map(|cite| docs.title(cite).map(|title| (cite.clone(), title)))
            .collect();
        fixtures.titles = titles;
        if errors.is_empty() {
            Ok(fixtures)
        } else {
            Err(errors)
        }
    }

    /// Reads a list of expected failures; every entry must name a case.
    pub fn expected_failures(&self, path: &Path) -> Result<ExpectedFailures, Vec<String>> {
        let text =
            std::fs::read_to_string(path).map_err(|e| vec![format!("{}: {e}", path.display())])?;
        let list: IndexMap<String, String> =
            toml::from_str(&text).map_err(|e| vec![format!("{}: {e}", path.display())])?;
        let unknown: Vec<String> = list
            .keys()
            .filter(|pattern| match pattern.strip_suffix("/*") {
                Some(api) => !APIS.iter().any(|(a, _)| *a == api),
                None => !self.cases.iter().any(|c| &c.id == *pattern),
            })
            .map(|pattern| format!("{}: {pattern:?} names no case", path.display()))
            .collect();
        if unknown.is_empty() {
            Ok(ExpectedFailures(list))
        } else {
            Err(unknown)
        }
    }

    /// The same fixtures, with snapshots read from (and recorded into)
    /// `folder` instead: `<folder>/<api>/<case>.snap`.
    pub fn with_snapshots(mut self, folder: PathBuf) -> Self {
        self.snapshots = Some(folder);
        self
    }

    /// The folder of an API's snapshots, on disk (a relative path naming
    /// the built-in copy when the fixtures are built in).
    pub fn snapshot_dir(&self, api: &str) -> PathBuf {
        match (&self.snapshots, &self.source) {
            (Some(folder), _) => folder.join(api),
            (None, Source::Folder(root)) => root.join(api).join("snapshots"),
            (None, Source::Embedded) => Path::new("fixtures").join(api).join("snapshots"),
        }
    }

    /// The file a case's snapshot is kept in, within its API's folder.
    pub fn snapshot_name(case: &Case) -> String {
        format!("{}.snap", case.id.rsplit('/').next().unwrap_or_default())
    }

    /// The stored snapshot of a case (the content of its `.snap` file,
    /// without insta's header), `None` if it has none.
    pub fn snapshot(&self, case: &Case) -> Result<Option<String>, String> {
        let name = Self::snapshot_name(case);
        let text = match (&self.snapshots, &self.source) {
            (None, Source::Embedded) => self
                .source
                .read(&format!("{}/snapshots/{name}", case.api))?,
            _ => {
                let path = self.snapshot_dir(&case.api).join(&name);
                match std::fs::read_to_string(&path) {
                    Ok(text) => Some(text),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => return Err(format!("{}: {e}", path.display())),
                }
            }
        };
        Ok(text.map(|t| crate::snapshot::content(&t).to_owned()))
    }

    /// The text of a dataset file, as written (variables not replaced).
    pub fn dataset(&self, name: &str) -> Result<String, String> {
        let file = format!("datasets/{name}.json");
        self.source
            .read(&file)?
            .ok_or_else(|| format!("{}: no such dataset", self.source.describe(&file)))
    }

    /// Every problem of one case.
    fn check(&self, case: &Case) -> Vec<String> {
        let mut problems = Vec::new();
        let name = case.id.rsplit('/').next().unwrap_or_default();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problems.push("a case's file name uses only a-z, 0-9 and _".to_owned());
        }
        match self.endpoints.get(&case.document) {
            None => problems.push(format!(
                "document {:?} is not in endpoints.toml",
                case.document
            )),
            Some(listed) => {
                if listed.api != case.api {
                    problems.push(format!(
                        "document {:?} belongs to API {:?}",
                        case.document, listed.api
                    ));
                }
                if !listed.endpoints.contains(&case.endpoint) {
                    problems.push(format!(
                        "endpoint {:?} is not listed for {} in endpoints.toml",
                        case.endpoint, case.document
                    ));
                }
            }
        }
        if case.tags.first() != Some(&case.api) {
            problems.push(format!("the first tag must be the API, {:?}", case.api));
        }
        let effects = case
            .tags
            .iter()
            .filter(|t| *t == "reads" || *t == "mutates")
            .count();
        if effects != 1
            || !matches!(
                case.tags.last().map(String::as_str),
                Some("reads" | "mutates")
            )
        {
            problems.push("the last tag must be exactly one of reads and mutates".to_owned());
        }
        if case.tags.len() < 3 {
            problems
                .push("tags name the API, at least one resource, then reads or mutates".to_owned());
        }
        if let Some(state) = &case.state {
            if !self.datasets.contains(state) {
                problems.push(format!("state {state:?} has no datasets/{state}.json"));
            }
        }
        if case.steps.is_empty() {
            problems.push("a case has at least one step".to_owned());
        }
        let mut known: BTreeSet<String> = self.settings.keys().cloned().collect();
        for (i, step) in case.steps.iter().enumerate() {
            for problem in check_step(step, &known) {
                problems.push(format!("step {}: {problem}", i + 1));
            }
            known.extend(step.capture.keys().cloned());
        }
        problems
    }
}

/// Every text of a step that may hold variables.
pub fn step_texts(step: &Step) -> Vec<&str> {
    let mut texts = vec![step.path.as_str()];
    texts.extend(step.query.values().map(String::as_str));
    texts.extend(step.headers.values().map(String::as_str));
    match &step.auth {
        Some(Auth::Basic(user, password)) => texts.extend([user.as_str(), password.as_str()]),
        Some(Auth::Bearer(token)) => texts.push(token),
        Some(Auth::Digest(digest)) => {
            texts.extend([digest.user.as_str(), digest.password.as_str()]);
            texts.extend(
                [&digest.nonce, &digest.uri, &digest.method]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
        }
        None => {}
    }
    texts.extend(step.json.as_deref());
    texts.extend(step.body.as_deref());
    texts.extend(step.wait.as_deref());
    if let Some(form) = &step.form {
        texts.extend(form.values().map(String::as_str));
    }
    texts
}

fn check_step(step: &Step, known: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    if !METHODS.contains(&step.method.as_str()) {
        problems.push(format!(
            "method {:?} is not one of {}",
            step.method,
            METHODS.join(", ")
        ));
    }
    // A path is a path, or a captured one (a Location header).
    if !(step.path.starts_with('/') || step.path.starts_with("{{")) || step.path.contains('?') {
        problems.push(
            "the path starts with / (or is a variable) and has no query (use `query`)".to_owned(),
        );
    }
    let bodies = [
        step.json.is_some(),
        step.body.is_some(),
        step.form.is_some(),
    ];
    if bodies.iter().filter(|b| **b).count() > 1 {
        problems.push("at most one of json, body and form".to_owned());
    }
    for text in step_texts(step) {
        for name in vars::names(text) {
            if clock::is_expression(name) {
                if let Err(reason) = clock::offset(name) {
                    problems.push(format!("{{{{{name}}}}} {reason}"));
                }
            } else if !known.contains(name) {
                problems.push(format!(
                    "{{{{{name}}}}} is neither a setting nor captured by an earlier step"
                ));
            }
        }
    }
    // Variables stand for strings or numbers: with each replaced by 0 (and
    // each instant by one) the text must be JSON.
    let zeros: IndexMap<String, String> =
        known.iter().map(|k| (k.clone(), "0".to_owned())).collect();
    if let Some(json) = &step.json {
        if let Ok(text) = vars::substitute(json, &zeros, chrono::DateTime::UNIX_EPOCH) {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                problems.push(format!("json is not JSON: {e}"));
            }
        }
    }
    if let Some(shown) = &step.documented {
        if shown.status.is_none() && shown.headers.is_empty() && shown.body.is_none() {
            problems.push(
                "documented shows nothing: give its status, headers or body, or leave it out"
                    .to_owned(),
            );
        }
    }
    if let Some(body) = step.documented.as_ref().and_then(|d| d.body.as_ref()) {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(body) {
            problems.push(format!("documented.body is not JSON: {e}"));
        }
    }
    for (name, capture) in &step.capture {
        if let Capture::Challenge(parameter) = capture {
            if !["nonce", "realm", "opaque", "algorithm"].contains(&parameter.as_str()) {
                problems.push(format!(
                    "capture {name:?}: a challenge's nonce, realm, opaque or algorithm, not {parameter:?}"
                ));
            }
        }
    }
    if let Some(wait) = &step.wait {
        if !wait.contains("{{") && wait.trim().parse::<u64>().is_err() {
            problems.push(format!("wait {wait:?} is a whole number of seconds"));
        }
    }
    for name in &step.omit_headers {
        if name != "accept" {
            problems.push(format!(
                "omit_headers {name:?}: only \"accept\", the one header the client adds, can be left out"
            ));
        }
        if step.headers.keys().any(|h| h.eq_ignore_ascii_case(name)) {
            problems.push(format!("omit_headers {name:?}: the step's headers give it"));
        }
    }
    for (location, template) in &step.redact {
        if !(location.is_empty() || location.starts_with('/') || location.starts_with("header:")) {
            problems.push(format!(
                "redact key {location:?} is a JSON pointer (\"\" for the whole body) or header:<name>"
            ));
        }
        if let Some(header) = location.strip_prefix("header:") {
            if !step
                .headers_kept
                .iter()
                .any(|h| h.eq_ignore_ascii_case(header))
            {
                problems.push(format!(
                    "redact {location:?}: that header is not in headers_kept"
                ));
            }
        }
        if let Err(e) = Template::parse(template) {
            problems.push(format!("redact {location:?}: {e}"));
        }
    }
    for (name, capture) in &step.capture {
        if let Capture::Json(pointer) = capture {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                problems.push(format!("capture {name}: {pointer:?} is not a JSON pointer"));
            }
        }
    }
    problems
}
