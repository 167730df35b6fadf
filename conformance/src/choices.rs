//! Citations of the project's recorded choices: a case's `choices` name
//! `docs/<api>.md#<anchor>`, a file of the repository and the GitHub-style
//! slug of one of its headings, so that whoever has the repository can follow
//! every citation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::APIS;
use crate::source::Source;

/// The GitHub-style anchor of a heading's text: lower case, each space a
/// `-`, every character other than a letter, a digit, `-` and `_` left out.
/// "Refresh tokens rotate: D1, one conditional INSERT" becomes
/// `refresh-tokens-rotate-d1-one-conditional-insert`.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The text of an ATX heading line (`## Text`, up to three spaces of
/// indentation, an optional closing run of `#`), or `None` for another line.
fn heading_text(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let line = &line[indent..];
    let level = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &line[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let text = rest.trim();
    // A closing sequence is a run of `#` after a space (or the whole text).
    let without_closing = text.trim_end_matches('#');
    if without_closing.is_empty() {
        return Some("");
    }
    if without_closing.len() < text.len() && without_closing.ends_with([' ', '\t']) {
        return Some(without_closing.trim_end());
    }
    Some(text)
}

/// A heading's text as GitHub renders it: a link `[text](target)` counts by
/// its text.
fn rendered(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after
            .find("](")
            .and_then(|close| after[close + 2..].find(')').map(|end| (close, end)));
        match link {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[close + 2 + end + 1..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The opening of a fenced code block: its character and length.
fn fence(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let mark = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.len() - trimmed.trim_start_matches(mark).len();
    (length >= 3).then_some((mark, length))
}

/// Every anchor of a Markdown text, in order: one per ATX heading outside
/// fenced code blocks. A slug met again gets `-1`, `-2`, ... as on GitHub.
pub fn anchors(markdown: &str) -> Vec<String> {
    headings(markdown)
        .into_iter()
        .map(|(anchor, _)| anchor)
        .collect()
}

/// Every heading of a Markdown text, in order, as its anchor and its text as
/// rendered.
pub fn headings(markdown: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut occurrences: BTreeMap<String, usize> = BTreeMap::new();
    let mut open_fence: Option<(char, usize)> = None;
    for line in markdown.lines() {
        if let Some((mark, length)) = open_fence {
            if let Some((closing, closing_length)) = fence(line) {
                let bare = line.trim().trim_start_matches(mark).is_empty();
                if closing == mark && closing_length >= length && bare {
                    open_fence = None;
                }
            }
            continue;
        }
        if let Some(opening) = fence(line) {
            open_fence = Some(opening);
            continue;
        }
        let Some(text) = heading_text(line) else {
            continue;
        };
        let shown = rendered(text);
        let original = slug(&shown);
        let mut anchor = original.clone();
        while occurrences.contains_key(&anchor) {
            let count = occurrences.entry(original.clone()).or_insert(0);
            *count += 1;
            anchor = format!("{original}-{count}");
        }
        occurrences.insert(anchor.clone(), 0);
        found.push((anchor, shown));
    }
    found
}

/// The repository a fixtures folder belongs to: the folder's parent.
pub fn repository_of(fixtures: &Path) -> PathBuf {
    std::fs::canonicalize(fixtures)
        .ok()
        .and_then(|root| root.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| fixtures.join(".."))
}

/// The choice documents of one fixtures source, each read once.
#[derive(Debug)]
pub struct ChoiceDocs {
    source: Source,
    /// `docs/<api>.md` → its anchors and their headings' text, or why it
    /// cannot be read.
    read: BTreeMap<String, Result<BTreeMap<String, String>, String>>,
}

impl ChoiceDocs {
    /// The choice documents the cases of `source` cite.
    pub fn new(source: Source) -> Self {
        Self {
            source,
            read: BTreeMap::new(),
        }
    }

    fn anchors_of(&mut self, file: &str) -> &Result<BTreeMap<String, String>, String> {
        let source = &self.source;
        self.read
            .entry(file.to_owned())
            .or_insert_with(|| match source.read_doc(file) {
                Ok(Some(text)) => Ok(headings(&text).into_iter().collect()),
                Ok(None) => Err(format!(
                    "{file} does not exist (looked for {})",
                    source.describe_doc(file)
                )),
                Err(e) => Err(format!("{file} cannot be read: {e}")),
            })
    }

    /// The text of the heading a valid citation names.
    pub fn title(&mut self, choice: &str) -> Option<String> {
        let (file, anchor) = choice.split_once('#')?;
        match self.anchors_of(file) {
            Ok(known) => known.get(anchor).cloned(),
            Err(_) => None,
        }
    }

    /// What is wrong with one citation, if anything.
    pub fn problem(&mut self, choice: &str) -> Option<String> {
        let form = || {
            let apis: Vec<&str> = APIS.iter().map(|(api, _)| *api).collect();
            Some(format!(
                "citation {choice:?} is not of the form docs/<api>.md#<anchor> \
                 (<api> one of {}, <anchor> the slug of one of its headings)",
                apis.join(", ")
            ))
        };
        let Some((file, anchor)) = choice.split_once('#') else {
            return form();
        };
        let api = file
            .strip_prefix("docs/")
            .and_then(|name| name.strip_suffix(".md"));
        if !api.is_some_and(|api| APIS.iter().any(|(known, _)| *known == api))
            || anchor.is_empty()
            || slug(anchor) != anchor
        {
            return form();
        }
        match self.anchors_of(file) {
            Err(e) => Some(format!("citation {choice:?}: {e}")),
            Ok(known) if known.contains_key(anchor) => None,
            Ok(_) => Some(format!(
                "citation {choice:?}: no heading of {file} has the anchor {anchor:?}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_github_style() {
        assert_eq!(
            slug("Refresh tokens rotate: D1, one conditional INSERT"),
            "refresh-tokens-rotate-d1-one-conditional-insert"
        );
        assert_eq!(
            slug("Negotiation order: 415, then 406, then 401"),
            "negotiation-order-415-then-406-then-401"
        );
        assert_eq!(
            slug("`page[size]` and page_number"),
            "pagesize-and-page_number"
        );
        assert_eq!(slug("Statut : créé"), "statut--créé");
    }

    #[test]
    fn anchors_skip_code_blocks_and_number_repeats() {
        let markdown = "# Title\n\
                        ## Errors ##\n\
                        ```sh\n\
                        # a shell comment\n\
                        ```\n\
                        ### Errors\n\
                        #NoSpace\n\
                        \x20   # indented code\n\
                        ## See [the guide](https://example.com/guide)\n\
                        ~~~~\n\
                        ## inside\n\
                        ~~~\n\
                        ~~~~\n\
                        ## Errors\n";
        assert_eq!(
            anchors(markdown),
            ["title", "errors", "errors-1", "see-the-guide", "errors-2"]
        );
    }

    #[test]
    fn citations_are_checked_against_the_headings() {
        let dir = tempfile::tempdir().unwrap();
        let repository = dir.path().to_path_buf();
        std::fs::create_dir_all(repository.join("docs")).unwrap();
        std::fs::create_dir_all(repository.join("fixtures")).unwrap();
        std::fs::write(
            repository.join("docs/xivo.md"),
            "# XiVO\n## Agents and queues\n",
        )
        .unwrap();
        let mut docs = ChoiceDocs::new(Source::Folder(repository.join("fixtures")));

        assert_eq!(docs.problem("docs/xivo.md#agents-and-queues"), None);
        assert_eq!(
            docs.title("docs/xivo.md#agents-and-queues").as_deref(),
            Some("Agents and queues")
        );
        for wrong in [
            "reference/xivo.md#routes",
            "docs/xivo.md",
            "docs/xivo.md#",
            "docs/xivo.md#Agents",
            "docs/platform.md#workers",
            "./docs/xivo.md#agents-and-queues",
        ] {
            let problem = docs.problem(wrong).unwrap();
            assert!(problem.contains("is not of the form"), "{problem}");
        }
        let missing = docs.problem("docs/upcall.md#errors").unwrap();
        assert!(
            missing.contains("docs/upcall.md does not exist"),
            "{missing}"
        );
        let unknown = docs.problem("docs/xivo.md#routes").unwrap();
        assert!(
            unknown.contains("no heading of docs/xivo.md has the anchor \"routes\""),
            "{unknown}"
        );
    }
}
