//! Snapshot files: insta's `.snap` format, a metadata header between `---`
//! lines and then the content, read here so that the CLI and `cargo insta`
//! share the very same files.

use std::path::Path;

/// The content of a snapshot file, without its header; `None` if there is no
/// such file.
pub fn read(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(content(&text).to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The content part of a snapshot file's text.
pub fn content(text: &str) -> &str {
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n").map(|end| &rest[end + 5..]))
        .unwrap_or(text);
    body.trim_end_matches('\n')
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_header_is_skipped() {
        let text = "---\nsource: x.rs\nexpression: rendered\n---\n[\n  1\n]\n";
        assert_eq!(super::content(text), "[\n  1\n]");
        assert_eq!(super::content("[]\n"), "[]");
    }
}
