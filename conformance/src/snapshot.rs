//! Snapshot files: insta's `.snap` format, a metadata header between `---`
//! lines and then the content, read and written here so that the CLI and
//! `cargo insta` share the very same files.

use std::path::Path;

/// What recording a snapshot did to its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    Changed,
    Unchanged,
}

/// Writes a case's snapshot (`content`, described by `description`) to
/// `path` in insta's format, unless the file already holds that content.
pub fn write(path: &Path, description: &str, content: &str) -> Result<Written, String> {
    let before = read(path)?;
    if before.as_deref() == Some(content.trim_end_matches('\n')) {
        return Ok(Written::Unchanged);
    }
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let text = format!(
        "---\nsource: conformance record\ndescription: {}\n---\n{}\n",
        serde_json::Value::String(description.to_owned()),
        content.trim_end_matches('\n')
    );
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(if before.is_none() {
        Written::New
    } else {
        Written::Changed
    })
}

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
    use super::{read, write, Written};

    #[test]
    fn a_written_snapshot_reads_back_and_is_rewritten_only_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("api/case.snap");
        assert_eq!(
            write(&path, "A case\nx › y", "[1]\n").unwrap(),
            Written::New
        );
        assert_eq!(read(&path).unwrap().as_deref(), Some("[1]"));
        assert_eq!(write(&path, "A case", "[1]").unwrap(), Written::Unchanged);
        assert_eq!(write(&path, "A case", "[2]").unwrap(), Written::Changed);
        assert_eq!(read(&path).unwrap().as_deref(), Some("[2]"));
    }

    #[test]
    fn the_header_is_skipped() {
        let text = "---\nsource: x.rs\nexpression: rendered\n---\n[\n  1\n]\n";
        assert_eq!(super::content(text), "[\n  1\n]");
        assert_eq!(super::content("[]\n"), "[]");
    }
}
