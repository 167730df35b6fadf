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

/// A secret value that never shows in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Who may log in to the Aircall API (`AIRCALL_LOGIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMode {
    /// `open` (the default, as the original): any username and password.
    Open,
    /// `registered`: only users of the `aircall_users` table, by password.
    Registered,
}

/// The Pusher Channels app the Aircall API publishes to and signs for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pusher {
    pub app_id: String,
    pub key: String,
    pub secret: Secret,
    /// Where the HTTP API is: `https://api-<cluster>.pusher.com`, or
    /// `PUSHER_HOST` (a host name, or a URL with its scheme).
    pub base_url: String,
}

/// The shortest `JWT_SECRET` accepted: 32 bytes, as long as the HS256 hash.
pub const JWT_SECRET_MIN_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `ENVIRONMENT`: `development` or `production` (the default).
    pub environment: Environment,
    /// `XIVO_USERNAME` and `XIVO_PASSWORD` (secrets): HTTP Basic credentials
    /// for every `/1.0/` route. Without them the XiVO API refuses everyone.
    pub xivo: Option<Credentials>,
    /// `JWT_SECRET` (secret): signs and checks the Aircall API's tokens.
    /// Without it no token is issued and none is accepted.
    pub jwt_secret: Option<Secret>,
    /// `AIRCALL_LOGIN`: `open` (the default) or `registered`.
    pub aircall_login: LoginMode,
    /// `PUSHER_APP_ID`, `PUSHER_KEY`, `PUSHER_SECRET` (secret) and
    /// `PUSHER_CLUSTER` or `PUSHER_HOST`. Without them no event is published
    /// and `/pusher/auth` answers 503.
    pub pusher: Option<Pusher>,
    /// `CONFORMANCE_STATE_TOKEN` (secret): when set, `POST /__conformance/state`
    /// loads the conformance harness's datasets for callers bearing it. Unset
    /// (the default, and the rule in production) the route does not exist.
    pub conformance_state_token: Option<Secret>,
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

        let jwt_secret = match get("JWT_SECRET") {
            Some(secret) if secret.len() >= JWT_SECRET_MIN_LEN => Some(Secret(secret)),
            Some(_) => {
                problems.push(Problem {
                    setting: "JWT_SECRET",
                    message: format!(
                        "shorter than {JWT_SECRET_MIN_LEN} bytes: ignored, so the Aircall API \
                         issues no token and accepts none"
                    ),
                });
                None
            }
            None => {
                problems.push(Problem {
                    setting: "JWT_SECRET",
                    message: "not set: the Aircall API issues no token (503) and accepts none"
                        .into(),
                });
                None
            }
        };

        let aircall_login = match get("AIRCALL_LOGIN").as_deref() {
            None | Some("open") => LoginMode::Open,
            Some("registered") => LoginMode::Registered,
            Some(other) => {
                problems.push(Problem {
                    setting: "AIRCALL_LOGIN",
                    message: format!("unknown value {other:?}: only registered users may log in"),
                });
                LoginMode::Registered
            }
        };

        let base_url = match (get("PUSHER_HOST"), get("PUSHER_CLUSTER")) {
            (Some(host), _) if host.contains("://") => Some(host.trim_end_matches('/').to_owned()),
            (Some(host), _) => Some(format!("https://{}", host.trim_end_matches('/'))),
            (None, Some(cluster)) => Some(format!("https://api-{cluster}.pusher.com")),
            (None, None) => None,
        };
        let pusher = match (
            get("PUSHER_APP_ID"),
            get("PUSHER_KEY"),
            get("PUSHER_SECRET"),
            base_url,
        ) {
            (Some(app_id), Some(key), Some(secret), Some(base_url)) => Some(Pusher {
                app_id,
                key,
                secret: Secret(secret),
                base_url,
            }),
            _ => {
                problems.push(Problem {
                    setting:
                        "PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_CLUSTER or PUSHER_HOST",
                    message: "not all set: Aircall events are not published, and /pusher/auth \
                              answers 503"
                        .into(),
                });
                None
            }
        };

        (
            Self {
                environment,
                xivo,
                jwt_secret,
                aircall_login,
                pusher,
                conformance_state_token: get("CONFORMANCE_STATE_TOKEN").map(Secret),
            },
            problems,
        )
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

    const JWT: &str = "0123456789abcdef0123456789abcdef";

    const PUSHER: [(&str, &str); 4] = [
        ("PUSHER_APP_ID", "42"),
        ("PUSHER_KEY", "key"),
        ("PUSHER_SECRET", "pusher-secret"),
        ("PUSHER_CLUSTER", "eu"),
    ];

    #[test]
    fn a_complete_development_configuration_has_no_problems() {
        let mut pairs = vec![
            ("ENVIRONMENT", "development"),
            ("XIVO_USERNAME", "admin"),
            ("XIVO_PASSWORD", "secret"),
            ("JWT_SECRET", JWT),
        ];
        pairs.extend(PUSHER);
        let (config, problems) = load(&pairs);
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.xivo.map(|c| c.username), Some("admin".into()));
        assert_eq!(config.jwt_secret, Some(Secret(JWT.into())));
        assert_eq!(config.aircall_login, LoginMode::Open);
        assert_eq!(
            config.pusher.map(|p| p.base_url),
            Some("https://api-eu.pusher.com".into())
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn missing_secrets_in_production_are_reported_as_errors() {
        let (config, problems) = load(&[("XIVO_USERNAME", "admin"), ("XIVO_PASSWORD", "  ")]);
        assert_eq!(config.environment, Environment::Production);
        assert_eq!(config.xivo, None);
        assert_eq!(config.jwt_secret, None);
        assert_eq!(config.pusher, None);
        let settings: Vec<&str> = problems.iter().map(|p| p.setting).collect();
        assert_eq!(
            settings,
            [
                "XIVO_USERNAME, XIVO_PASSWORD",
                "JWT_SECRET",
                "PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_CLUSTER or PUSHER_HOST"
            ]
        );
        let line = config.problem_line(&problems[0]);
        assert_eq!(line["level"], "error");
        assert_eq!(line["setting"], "XIVO_USERNAME, XIVO_PASSWORD");
    }

    #[test]
    fn a_short_jwt_secret_is_refused_and_reported() {
        let (config, problems) = load(&[("JWT_SECRET", "short")]);
        assert_eq!(config.jwt_secret, None);
        assert!(problems
            .iter()
            .any(|p| p.setting == "JWT_SECRET" && p.message.contains("shorter")));
    }

    #[test]
    fn an_unknown_login_mode_admits_registered_users_only() {
        let (config, problems) = load(&[("AIRCALL_LOGIN", "anyone")]);
        assert_eq!(config.aircall_login, LoginMode::Registered);
        assert!(problems.iter().any(|p| p.setting == "AIRCALL_LOGIN"));
        let (config, _) = load(&[("AIRCALL_LOGIN", "registered")]);
        assert_eq!(config.aircall_login, LoginMode::Registered);
    }

    #[test]
    fn a_pusher_host_wins_over_the_cluster_and_may_carry_its_scheme() {
        let mut pairs = PUSHER.to_vec();
        pairs.push(("PUSHER_HOST", "http://127.0.0.1:9999/"));
        let (config, _) = load(&pairs);
        assert_eq!(
            config.pusher.map(|p| p.base_url),
            Some("http://127.0.0.1:9999".into())
        );
        let mut pairs = PUSHER.to_vec();
        pairs.push(("PUSHER_HOST", "pusher.example"));
        let (config, _) = load(&pairs);
        assert_eq!(
            config.pusher.map(|p| p.base_url),
            Some("https://pusher.example".into())
        );
    }

    #[test]
    fn an_unknown_environment_runs_as_production_and_says_so() {
        let (config, problems) = load(&[("ENVIRONMENT", "dev")]);
        assert_eq!(config.environment, Environment::Production);
        assert!(problems.iter().any(|p| p.setting == "ENVIRONMENT"));
    }

    #[test]
    fn debug_output_never_shows_a_password() {
        let mut pairs = vec![
            ("XIVO_USERNAME", "admin"),
            ("XIVO_PASSWORD", "hunter2"),
            ("JWT_SECRET", JWT),
        ];
        pairs.extend(PUSHER);
        let (config, _) = load(&pairs);
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"));
        assert!(!debug.contains(JWT));
        assert!(!debug.contains("pusher-secret"));
    }
}
