//! Where the fixtures are read from: the copy embedded in the binary when it
//! was built (the repository's `fixtures/` and `docs/`), or a folder given
//! at run time. Paths are relative to the fixtures folder, `/`-separated.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../fixtures");
static DOCS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../docs");

/// A fixtures folder, and the `docs/` its cases cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The fixtures and docs built into the binary.
    Embedded,
    /// A folder on disk; the docs are `docs/` beside it (the folder's
    /// repository).
    Folder(PathBuf),
}

impl Source {
    /// How a file of the source is named in messages.
    pub fn describe(&self, relative: &str) -> String {
        match self {
            Self::Embedded => format!("fixtures/{relative} (built in)"),
            Self::Folder(root) => root.join(relative).display().to_string(),
        }
    }

    /// The text of a file, `None` if there is no such file.
    pub fn read(&self, relative: &str) -> Result<Option<String>, String> {
        match self {
            Self::Embedded => embedded_text(&FIXTURES, relative),
            Self::Folder(root) => read_file(&root.join(relative)),
        }
    }

    /// The names of the files of a folder with this extension, sorted.
    pub fn files(&self, folder: &str, extension: &str) -> Result<Vec<String>, String> {
        let mut names: Vec<String> = match self {
            Self::Embedded => FIXTURES
                .get_dir(folder)
                .map(|dir| {
                    dir.files()
                        .filter_map(|f| f.path().file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default(),
            Self::Folder(root) => {
                let dir = root.join(folder);
                if !dir.is_dir() {
                    return Ok(Vec::new());
                }
                std::fs::read_dir(&dir)
                    .map_err(|e| format!("{}: {e}", dir.display()))?
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|path| path.is_file())
                    .filter_map(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .collect()
            }
        };
        names.retain(|name| {
            Path::new(name)
                .extension()
                .is_some_and(|ext| ext == extension)
        });
        names.sort();
        Ok(names)
    }

    /// A choice document, `docs/<api>.md`, the cases of this source cite.
    pub fn read_doc(&self, file: &str) -> Result<Option<String>, String> {
        match self {
            Self::Embedded => embedded_text(&DOCS, file.strip_prefix("docs/").unwrap_or(file)),
            Self::Folder(root) => read_file(&crate::choices::repository_of(root).join(file)),
        }
    }

    /// Where a choice document is looked for, for messages.
    pub fn describe_doc(&self, file: &str) -> String {
        match self {
            Self::Embedded => format!("{file} (built in)"),
            Self::Folder(root) => crate::choices::repository_of(root)
                .join(file)
                .display()
                .to_string(),
        }
    }
}

fn embedded_text(dir: &Dir<'static>, relative: &str) -> Result<Option<String>, String> {
    dir.get_file(relative)
        .map(|file| {
            file.contents_utf8()
                .map(str::to_owned)
                .ok_or_else(|| format!("fixtures/{relative} (built in) is not UTF-8"))
        })
        .transpose()
}

fn read_file(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn the_embedded_copy_holds_every_case_and_its_docs() {
        let cases = Source::Embedded.files("aircall", "toml").unwrap();
        assert!(cases.contains(&"auth_login.toml".to_owned()), "{cases:?}");
        let folder = Source::Folder(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures").into());
        assert_eq!(folder.files("aircall", "toml").unwrap(), cases);
        assert_eq!(
            Source::Embedded.read("settings.toml").unwrap(),
            folder.read("settings.toml").unwrap()
        );
        assert!(Source::Embedded
            .read_doc("docs/aircall.md")
            .unwrap()
            .is_some_and(|text| text.starts_with('#')));
        assert_eq!(Source::Embedded.read("no/such.toml").unwrap(), None);
    }
}
