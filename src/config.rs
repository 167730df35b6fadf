//! Typed configuration, read once from `[vars]` and secrets (or `.dev.vars`
//! under `wrangler dev`). Defaults for development live in `.dev.vars`, never
//! here: a setting missing in production is reported, and the feature it
//! guards stays closed.

use serde_json::json;

/// Where the worker runs. Anything but `development` counts as production, so
/// a typo never opens a development behaviour in production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// A user name and password pair, as configured.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `ENVIRONMENT`: `development` or `production` (the default).
    pub environment: Environment,
    /// `XIVO_USERNAME` and `XIVO_PASSWORD` (secrets): HTTP Basic credentials
    /// for every `/1.0/` route. Without them the XiVO API refuses everyone.
    pub xivo: Option<Credentials>,
}

/// A setting that is missing or wrong, told once when the worker starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub setting: &'static str,
    pub message: String,
}

impl Config {
    /// Reads every setting through `get` (a binding's value, or `None`).
    /// Empty values count as missing. Returns the problems to log beside.
    pub fn load(get: impl Fn(&str) -> Option<String>) -> (Self, Vec<Problem>) {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut problems = Vec::new();

        let environment = match get("ENVIRONMENT").as_deref() {
            Some("development") => Environment::Development,
            None | Some("production") => Environment::Production,
            Some(other) => {
                problems.push(Problem {
                    setting: "ENVIRONMENT",
                    message: format!("unknown value {other:?}: running as production"),
                });
                Environment::Production
            }
        };

        let xivo = match (get("XIVO_USERNAME"), get("XIVO_PASSWORD")) {
            (Some(username), Some(password)) => Some(Credentials { username, password }),
            _ => {
                problems.push(Problem {
                    setting: "XIVO_USERNAME, XIVO_PASSWORD",
                    message: "not set: every /1.0/ request is refused with 401".into(),
                });
                None
            }
        };

        (Self { environment, xivo }, problems)
    }

    /// The log line for a problem: an error in production, a warning in
    /// development.
    pub fn problem_line(&self, problem: &Problem) -> serde_json::Value {
        let level = match self.environment {
            Environment::Production => "error",
            Environment::Development => "warn",
        };
        json!({
            "level": level,
            "event": "config",
            "setting": problem.setting,
            "message": problem.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> (Config, Vec<Problem>) {
        Config::load(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn a_complete_development_configuration_has_no_problems() {
        let (config, problems) = load(&[
            ("ENVIRONMENT", "development"),
            ("XIVO_USERNAME", "admin"),
            ("XIVO_PASSWORD", "secret"),
        ]);
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.xivo.map(|c| c.username), Some("admin".into()));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn missing_secrets_in_production_are_reported_as_errors() {
        let (config, problems) = load(&[("XIVO_USERNAME", "admin"), ("XIVO_PASSWORD", "  ")]);
        assert_eq!(config.environment, Environment::Production);
        assert_eq!(config.xivo, None);
        assert_eq!(problems.len(), 1);
        let line = config.problem_line(&problems[0]);
        assert_eq!(line["level"], "error");
        assert_eq!(line["setting"], "XIVO_USERNAME, XIVO_PASSWORD");
    }

    #[test]
    fn an_unknown_environment_runs_as_production_and_says_so() {
        let (config, problems) = load(&[("ENVIRONMENT", "dev")]);
        assert_eq!(config.environment, Environment::Production);
        assert!(problems.iter().any(|p| p.setting == "ENVIRONMENT"));
    }

    #[test]
    fn debug_output_never_shows_a_password() {
        let (config, _) = load(&[("XIVO_USERNAME", "admin"), ("XIVO_PASSWORD", "hunter2")]);
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
