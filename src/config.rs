//! Typed configuration, read once from `[vars]` and secrets (or `.dev.vars`
//! under `wrangler dev`). Production is safe by default: a setting missing,
//! wrongly typed or wrong is reported, and the feature it guards stays closed;
//! the few defaults that differ in development are written here, next to the
//! production ones.

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

/// One setting as the platform holds it: absent, text (every secret, and a
/// `[vars]` string), or a value of another type (a `[vars]` number, boolean or
/// object), which is reported and never read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Absent,
    Text(String),
    /// Not text: what it is instead (`a number`, `an object`...).
    Other(&'static str),
}

impl From<Option<String>> for Setting {
    fn from(value: Option<String>) -> Self {
        value.map_or(Self::Absent, Self::Text)
    }
}

/// Who may log in to the Aircall API (`AIRCALL_LOGIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginMode {
    /// `open` (the default in development, as the original test API): any
    /// username and password. In production only when asked for, and
    /// reported as an error at start.
    Open,
    /// `registered` (the default in production): only users of the
    /// `aircall_users` table, by password.
    Registered,
}

/// A Pusher Channels app: what clients connect with (`key`), what publishers
/// name (`app_id`) and what signs subscriptions and events (`secret`). The
/// built-in server and Pusher's hosted service take the same three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PusherApp {
    pub app_id: String,
    pub key: String,
    pub secret: Secret,
}

/// Where the Aircall API's `update-call` events go (`REALTIME_BACKEND`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Realtime {
    /// `builtin` (the default): the worker's own Pusher-compatible server, a
    /// Durable Object serving `/app/{key}` and `POST /apps/{app_id}/events`.
    Builtin(PusherApp),
    /// `pusher`: Pusher's hosted service, through its HTTP API at `api`
    /// (`https://api-<cluster>.pusher.com`, or `PUSHER_HOST`).
    Hosted { app: PusherApp, api: String },
    /// `off`, or a backend without its settings: no event is published,
    /// `/pusher/auth` answers 503 and no socket is served.
    Off,
}

impl Realtime {
    /// The app subscriptions are signed for, unless realtime is off.
    pub fn app(&self) -> Option<&PusherApp> {
        match self {
            Self::Builtin(app) | Self::Hosted { app, .. } => Some(app),
            Self::Off => None,
        }
    }

    /// The app of the built-in server, when it is the backend.
    pub fn builtin(&self) -> Option<&PusherApp> {
        match self {
            Self::Builtin(app) => Some(app),
            _ => None,
        }
    }

    /// `builtin`, `pusher` or `off`, as `REALTIME_BACKEND` says it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Builtin(_) => "builtin",
            Self::Hosted { .. } => "pusher",
            Self::Off => "off",
        }
    }
}

/// The shortest `JWT_SECRET` accepted: 32 bytes, as long as the HS256 hash.
pub const JWT_SECRET_MIN_LEN: usize = 32;

/// The shortest `CONFORMANCE_STATE_TOKEN` accepted: 32 bytes.
pub const STATE_TOKEN_MIN_LEN: usize = 32;

/// The shortest `ADMIN_API_KEY` accepted: 32 bytes.
pub const ADMIN_KEY_MIN_LEN: usize = 32;

/// The shortest `XIVO_NONCE_SECRET` accepted: 32 bytes.
pub const NONCE_SECRET_MIN_LEN: usize = 32;

/// How long an Aircall session lasts by default, from the login, whatever its
/// refreshes: 7 days.
pub const DEFAULT_SESSION_MAX_AGE: u64 = 7 * 24 * 60 * 60;

/// The range `AIRCALL_SESSION_MAX_AGE` may take: from 10 minutes (one access
/// token) to 90 days.
pub const SESSION_MAX_AGE_RANGE: (u64, u64) = (10 * 60, 90 * 24 * 60 * 60);

/// Seconds a XiVO Digest nonce lasts unless `XIVO_NONCE_LIFETIME` says.
pub const DEFAULT_NONCE_LIFETIME: i64 = 300;

/// The shortest and longest nonce lifetimes `XIVO_NONCE_LIFETIME` takes (a
/// short one lets a test see a nonce go stale).
pub const NONCE_LIFETIME_RANGE: (i64, i64) = (2, 3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `ENVIRONMENT`: `development` or `production` (the default).
    pub environment: Environment,
    /// `XIVO_USERNAME` and `XIVO_PASSWORD` (secrets): the HTTP Digest (and,
    /// where [`Config::xivo_basic_auth`] allows, Basic) credentials for every
    /// `/1.0/` route. Without them the XiVO API refuses everyone.
    pub xivo: Option<Credentials>,
    /// `XIVO_BASIC_AUTH`: `on` or `off`; the default is `off` in production
    /// (reported when `on`) and `on` in development. Any other value, or one
    /// that is not text, is `off`.
    pub xivo_basic_auth: bool,
    /// `XIVO_NONCE_SECRET` (secret, at least 32 bytes): the key that signs
    /// the XiVO API's Digest nonces. Without it the key is derived from
    /// `XIVO_PASSWORD` (reported in production: `docs/xivo.md` says why).
    pub xivo_nonce_secret: Option<Secret>,
    /// `XIVO_NONCE_LIFETIME`: seconds a Digest nonce lasts (default 300).
    pub xivo_nonce_lifetime: i64,
    /// `JWT_SECRET` (secret): signs and checks the Aircall API's tokens.
    /// Without it no token is issued and none is accepted.
    pub jwt_secret: Option<Secret>,
    /// `AIRCALL_LOGIN`: `open` or `registered`; the default is `registered`
    /// in production and `open` in development.
    pub aircall_login: LoginMode,
    /// `AIRCALL_SESSION_MAX_AGE`: seconds from a login after which none of
    /// its tokens, refreshed or not, is accepted (default 7 days).
    pub aircall_session_max_age: u64,
    /// `REALTIME_BACKEND` (`builtin`, the default, `pusher` or `off`) with
    /// `PUSHER_APP_ID`, `PUSHER_KEY` and `PUSHER_SECRET` (secret), and for
    /// `pusher` `PUSHER_CLUSTER` or `PUSHER_HOST`. Without them realtime is
    /// off: no event is published and `/pusher/auth` answers 503.
    pub realtime: Realtime,
    /// `CONFORMANCE_STATE_TOKEN` (secret): in development only, and only when
    /// at least 32 bytes long, `POST /__conformance/state` loads the
    /// conformance harness's datasets for callers bearing it. Otherwise (and
    /// always in production) the route does not exist.
    pub conformance_state_token: Option<Secret>,
    /// `ADMIN_API_KEY` (secret, at least 32 bytes): the administrators' key
    /// (Upcall accounts are created with it). Without it no admin route
    /// exists.
    pub admin_api_key: Option<Secret>,
}

/// A setting that is missing or wrong, told once when the worker starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub setting: &'static str,
    pub message: String,
}

/// Reads settings by name, turning what cannot be used into problems.
struct Reader<G> {
    get: G,
    problems: Vec<Problem>,
}

impl<G: Fn(&str) -> Setting> Reader<G> {
    /// The text of `name`, trimmed (`Some(None)` when absent or empty), or
    /// `None` for a value that is not text, which is reported.
    fn given(&mut self, name: &'static str) -> Option<Option<String>> {
        match (self.get)(name) {
            Setting::Absent => Some(None),
            Setting::Text(text) => Some(Some(text.trim().to_owned()).filter(|v| !v.is_empty())),
            Setting::Other(what) => {
                self.report(name, format!("{what} where text is expected: ignored"));
                None
            }
        }
    }

    /// The text of `name`, trimmed; empty counts as absent. A value that is
    /// not text is reported and counts as absent, which closes what it guards.
    fn text(&mut self, name: &'static str) -> Option<String> {
        self.given(name).flatten()
    }

    fn report(&mut self, setting: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            setting,
            message: message.into(),
        });
    }
}

/// `REALTIME_BACKEND` and the Pusher app it needs; a backend without its
/// settings is reported and runs as `off` (closed).
fn read_realtime<G: Fn(&str) -> Setting>(read: &mut Reader<G>) -> Realtime {
    let backend = match read
        .given("REALTIME_BACKEND")
        .as_ref()
        .map(Option::as_deref)
    {
        // Wrongly typed (reported): closed.
        None => return Realtime::Off,
        Some(None | Some("builtin")) => "builtin",
        Some(Some("pusher")) => "pusher",
        Some(Some("off")) => return Realtime::Off,
        Some(Some(other)) => {
            read.report(
                "REALTIME_BACKEND",
                format!(
                    "unknown value {other:?} (builtin, pusher or off): realtime is off, no \
                     event is published and /pusher/auth answers 503"
                ),
            );
            return Realtime::Off;
        }
    };
    let app = match (
        read.text("PUSHER_APP_ID"),
        read.text("PUSHER_KEY"),
        read.text("PUSHER_SECRET"),
    ) {
        (Some(app_id), Some(key), Some(secret)) => Some(PusherApp {
            app_id,
            key,
            secret: Secret(secret),
        }),
        _ => None,
    };
    if backend == "builtin" {
        return match app {
            Some(app) => Realtime::Builtin(app),
            None => {
                read.report(
                    "PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET",
                    "not all set: the built-in realtime server (REALTIME_BACKEND=builtin) \
                     serves no socket, Aircall events are not published, and /pusher/auth \
                     answers 503",
                );
                Realtime::Off
            }
        };
    }
    let api = match (read.text("PUSHER_HOST"), read.text("PUSHER_CLUSTER")) {
        (Some(host), _) if host.contains("://") => Some(host.trim_end_matches('/').to_owned()),
        (Some(host), _) => Some(format!("https://{}", host.trim_end_matches('/'))),
        (None, Some(cluster)) => Some(format!("https://api-{cluster}.pusher.com")),
        (None, None) => None,
    };
    match (app, api) {
        (Some(app), Some(api)) => Realtime::Hosted { app, api },
        _ => {
            read.report(
                "PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_CLUSTER or PUSHER_HOST",
                "not all set: Aircall events are not published to Pusher \
                 (REALTIME_BACKEND=pusher), and /pusher/auth answers 503",
            );
            Realtime::Off
        }
    }
}

impl Config {
    /// Reads every setting through `get` (a binding's value). Empty values
    /// count as missing. Returns the problems to log beside.
    pub fn load(get: impl Fn(&str) -> Setting) -> (Self, Vec<Problem>) {
        let mut read = Reader {
            get,
            problems: Vec::new(),
        };

        let environment = match read.text("ENVIRONMENT").as_deref() {
            Some("development") => Environment::Development,
            None | Some("production") => Environment::Production,
            Some(other) => {
                read.report(
                    "ENVIRONMENT",
                    format!("unknown value {other:?}: running as production"),
                );
                Environment::Production
            }
        };
        let production = environment == Environment::Production;

        let xivo = match (read.text("XIVO_USERNAME"), read.text("XIVO_PASSWORD")) {
            (Some(username), Some(password)) => Some(Credentials { username, password }),
            _ => {
                read.report(
                    "XIVO_USERNAME, XIVO_PASSWORD",
                    "not set: every /1.0/ request is refused with 401",
                );
                None
            }
        };

        let xivo_basic_auth = match read.given("XIVO_BASIC_AUTH").as_ref().map(Option::as_deref) {
            // Wrongly typed (reported): closed, whatever the environment.
            None => false,
            Some(None) => !production,
            Some(Some("on")) => {
                if production {
                    read.report(
                        "XIVO_BASIC_AUTH",
                        "on in production: /1.0/ also takes HTTP Basic, which sends the \
                         password itself with every request",
                    );
                }
                true
            }
            Some(Some("off")) => false,
            Some(Some(other)) => {
                read.report(
                    "XIVO_BASIC_AUTH",
                    format!("unknown value {other:?}: HTTP Basic is refused (off)"),
                );
                false
            }
        };

        let xivo_nonce_secret = match read.text("XIVO_NONCE_SECRET") {
            Some(secret) if secret.len() >= NONCE_SECRET_MIN_LEN => Some(Secret(secret)),
            Some(_) => {
                read.report(
                    "XIVO_NONCE_SECRET",
                    format!(
                        "shorter than {NONCE_SECRET_MIN_LEN} bytes: ignored, so XiVO's Digest \
                         nonces are signed with a key derived from XIVO_PASSWORD"
                    ),
                );
                None
            }
            None => {
                if production && xivo.is_some() {
                    read.report(
                        "XIVO_NONCE_SECRET",
                        "not set: XiVO's Digest nonces are signed with a key derived from \
                         XIVO_PASSWORD, so anyone who asks for a challenge can test guesses of \
                         the password offline; set a random value of at least 32 bytes",
                    );
                }
                None
            }
        };

        let jwt_secret = match read.text("JWT_SECRET") {
            Some(secret) if secret.len() >= JWT_SECRET_MIN_LEN => Some(Secret(secret)),
            Some(_) => {
                read.report(
                    "JWT_SECRET",
                    format!(
                        "shorter than {JWT_SECRET_MIN_LEN} bytes: ignored, so the Aircall API \
                         issues no token and accepts none"
                    ),
                );
                None
            }
            None => {
                read.report(
                    "JWT_SECRET",
                    "not set: the Aircall API issues no token (503) and accepts none",
                );
                None
            }
        };

        let aircall_login = match read.given("AIRCALL_LOGIN").as_ref().map(Option::as_deref) {
            // Wrongly typed (reported): closed, whatever the environment.
            None => LoginMode::Registered,
            Some(None) if production => LoginMode::Registered,
            Some(None) => LoginMode::Open,
            Some(Some("open")) => {
                if production {
                    read.report(
                        "AIRCALL_LOGIN",
                        "open in production: anyone, with any password, gets tokens that read \
                         every call and write notes",
                    );
                }
                LoginMode::Open
            }
            Some(Some("registered")) => LoginMode::Registered,
            Some(Some(other)) => {
                read.report(
                    "AIRCALL_LOGIN",
                    format!("unknown value {other:?}: only registered users may log in"),
                );
                LoginMode::Registered
            }
        };

        let (shortest, longest) = NONCE_LIFETIME_RANGE;
        let xivo_nonce_lifetime = match read.text("XIVO_NONCE_LIFETIME") {
            None => DEFAULT_NONCE_LIFETIME,
            Some(text) => match text.parse::<i64>() {
                Ok(seconds) if (shortest..=longest).contains(&seconds) => seconds,
                _ => {
                    read.report(
                        "XIVO_NONCE_LIFETIME",
                        format!(
                            "{text:?} is not a number of seconds from {shortest} to {longest}: \
                             nonces last {} s",
                            DEFAULT_NONCE_LIFETIME
                        ),
                    );
                    DEFAULT_NONCE_LIFETIME
                }
            },
        };

        let (min_age, max_age) = SESSION_MAX_AGE_RANGE;
        let aircall_session_max_age = match read.text("AIRCALL_SESSION_MAX_AGE") {
            None => DEFAULT_SESSION_MAX_AGE,
            Some(text) => match text.parse::<u64>() {
                Ok(seconds) if (min_age..=max_age).contains(&seconds) => seconds,
                _ => {
                    read.report(
                        "AIRCALL_SESSION_MAX_AGE",
                        format!(
                            "{text:?} is not a number of seconds from {min_age} to {max_age}: \
                             sessions last {DEFAULT_SESSION_MAX_AGE} s"
                        ),
                    );
                    DEFAULT_SESSION_MAX_AGE
                }
            },
        };

        let realtime = read_realtime(&mut read);

        let conformance_state_token = match read.text("CONFORMANCE_STATE_TOKEN") {
            None => None,
            Some(_) if production => {
                read.report(
                    "CONFORMANCE_STATE_TOKEN",
                    "set in production: ignored, POST /__conformance/state (which replaces \
                     an API's data) is served in development only",
                );
                None
            }
            Some(token) if token.len() < STATE_TOKEN_MIN_LEN => {
                read.report(
                    "CONFORMANCE_STATE_TOKEN",
                    format!(
                        "shorter than {STATE_TOKEN_MIN_LEN} bytes: ignored, so \
                         POST /__conformance/state is not served"
                    ),
                );
                None
            }
            Some(token) => Some(Secret(token)),
        };

        let admin_api_key = match read.text("ADMIN_API_KEY") {
            None => None,
            Some(key) if key.len() < ADMIN_KEY_MIN_LEN => {
                read.report(
                    "ADMIN_API_KEY",
                    format!(
                        "shorter than {ADMIN_KEY_MIN_LEN} bytes: ignored, so no admin route \
                         (such as POST /api/v1/admin/accounts) is served"
                    ),
                );
                None
            }
            Some(key) => Some(Secret(key)),
        };

        (
            Self {
                environment,
                xivo,
                xivo_basic_auth,
                xivo_nonce_secret,
                xivo_nonce_lifetime,
                jwt_secret,
                aircall_login,
                aircall_session_max_age,
                realtime,
                conformance_state_token,
                admin_api_key,
            },
            read.problems,
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
                .into()
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
            config.realtime,
            Realtime::Builtin(PusherApp {
                app_id: "42".into(),
                key: "key".into(),
                secret: Secret("pusher-secret".into()),
            })
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn missing_secrets_in_production_are_reported_as_errors() {
        let (config, problems) = load(&[("XIVO_USERNAME", "admin"), ("XIVO_PASSWORD", "  ")]);
        assert_eq!(config.environment, Environment::Production);
        assert_eq!(config.xivo, None);
        assert_eq!(config.jwt_secret, None);
        assert_eq!(config.realtime, Realtime::Off);
        let settings: Vec<&str> = problems.iter().map(|p| p.setting).collect();
        assert_eq!(
            settings,
            [
                "XIVO_USERNAME, XIVO_PASSWORD",
                "JWT_SECRET",
                "PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET"
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
        for environment in ["development", "production"] {
            let (config, problems) =
                load(&[("ENVIRONMENT", environment), ("AIRCALL_LOGIN", "anyone")]);
            assert_eq!(config.aircall_login, LoginMode::Registered);
            assert!(problems.iter().any(|p| p.setting == "AIRCALL_LOGIN"));
            let (config, _) = load(&[
                ("ENVIRONMENT", environment),
                ("AIRCALL_LOGIN", "registered"),
            ]);
            assert_eq!(config.aircall_login, LoginMode::Registered);
        }
    }

    #[test]
    fn production_admits_registered_users_unless_open_is_asked_for_and_reported() {
        let (config, problems) = load(&[]);
        assert_eq!(config.aircall_login, LoginMode::Registered);
        assert!(!problems.iter().any(|p| p.setting == "AIRCALL_LOGIN"));

        let (config, problems) = load(&[("AIRCALL_LOGIN", "open")]);
        assert_eq!(config.aircall_login, LoginMode::Open);
        let problem = problems
            .iter()
            .find(|p| p.setting == "AIRCALL_LOGIN")
            .unwrap();
        assert_eq!(config.problem_line(problem)["level"], "error");
    }

    #[test]
    fn development_is_open_by_default_as_the_original_test_api() {
        let (config, problems) = load(&[("ENVIRONMENT", "development")]);
        assert_eq!(config.aircall_login, LoginMode::Open);
        assert!(!problems.iter().any(|p| p.setting == "AIRCALL_LOGIN"));
    }

    #[test]
    fn a_value_of_the_wrong_type_is_reported_as_such_not_as_missing() {
        let (config, problems) = Config::load(|name| match name {
            "ENVIRONMENT" => Setting::Text("development".into()),
            "AIRCALL_LOGIN" => Setting::Other("a number"),
            _ => Setting::Absent,
        });
        // Closed, not the development default.
        assert_eq!(config.aircall_login, LoginMode::Registered);
        let problem = problems
            .iter()
            .find(|p| p.setting == "AIRCALL_LOGIN")
            .unwrap();
        assert!(
            problem.message.contains("a number where text is expected"),
            "{problem:?}"
        );
    }

    #[test]
    fn sessions_last_seven_days_unless_set_within_bounds() {
        let (config, _) = load(&[]);
        assert_eq!(config.aircall_session_max_age, 7 * 24 * 3600);
        let (config, problems) = load(&[("AIRCALL_SESSION_MAX_AGE", "3600")]);
        assert_eq!(config.aircall_session_max_age, 3600);
        assert!(!problems
            .iter()
            .any(|p| p.setting == "AIRCALL_SESSION_MAX_AGE"));
        for bad in ["0", "-5", "1h", "99999999999"] {
            let (config, problems) = load(&[("AIRCALL_SESSION_MAX_AGE", bad)]);
            assert_eq!(
                config.aircall_session_max_age, DEFAULT_SESSION_MAX_AGE,
                "{bad}"
            );
            assert!(
                problems
                    .iter()
                    .any(|p| p.setting == "AIRCALL_SESSION_MAX_AGE"),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_state_token_counts_in_development_only_and_only_when_long_enough() {
        let long = "s".repeat(STATE_TOKEN_MIN_LEN);
        let (config, problems) = load(&[
            ("ENVIRONMENT", "development"),
            ("CONFORMANCE_STATE_TOKEN", long.as_str()),
        ]);
        assert_eq!(config.conformance_state_token, Some(Secret(long.clone())));
        assert!(!problems
            .iter()
            .any(|p| p.setting == "CONFORMANCE_STATE_TOKEN"));

        let short = "s".repeat(STATE_TOKEN_MIN_LEN - 1);
        for pairs in [
            vec![("CONFORMANCE_STATE_TOKEN", long.as_str())],
            vec![
                ("ENVIRONMENT", "development"),
                ("CONFORMANCE_STATE_TOKEN", short.as_str()),
            ],
        ] {
            let (config, problems) = load(&pairs);
            assert_eq!(config.conformance_state_token, None, "{pairs:?}");
            let problem = problems
                .iter()
                .find(|p| p.setting == "CONFORMANCE_STATE_TOKEN")
                .unwrap();
            assert_eq!(
                config.problem_line(problem)["setting"],
                "CONFORMANCE_STATE_TOKEN"
            );
        }
    }

    #[test]
    fn a_pusher_host_wins_over_the_cluster_and_may_carry_its_scheme() {
        let api = |pairs: &[(&str, &str)]| match load(pairs).0.realtime {
            Realtime::Hosted { api, .. } => Some(api),
            _ => None,
        };
        let mut pairs = PUSHER.to_vec();
        pairs.push(("REALTIME_BACKEND", "pusher"));
        assert_eq!(api(&pairs), Some("https://api-eu.pusher.com".into()));
        pairs.push(("PUSHER_HOST", "http://127.0.0.1:9999/"));
        assert_eq!(api(&pairs), Some("http://127.0.0.1:9999".into()));
        pairs.pop();
        pairs.push(("PUSHER_HOST", "pusher.example"));
        assert_eq!(api(&pairs), Some("https://pusher.example".into()));
    }

    #[test]
    fn the_built_in_realtime_server_is_the_default_and_needs_no_cluster() {
        let pairs = [
            ("PUSHER_APP_ID", "42"),
            ("PUSHER_KEY", "key"),
            ("PUSHER_SECRET", "pusher-secret"),
        ];
        let (config, problems) = load(&pairs);
        assert_eq!(config.realtime.name(), "builtin");
        assert_eq!(
            config.realtime.builtin().map(|a| a.key.as_str()),
            Some("key")
        );
        assert!(!problems.iter().any(|p| p.setting.contains("PUSHER")));
        let mut explicit = pairs.to_vec();
        explicit.push(("REALTIME_BACKEND", "builtin"));
        assert_eq!(load(&explicit).0.realtime, config.realtime);
    }

    #[test]
    fn the_hosted_backend_needs_a_cluster_or_host_else_realtime_is_off_and_said() {
        let pairs = [
            ("REALTIME_BACKEND", "pusher"),
            ("PUSHER_APP_ID", "42"),
            ("PUSHER_KEY", "key"),
            ("PUSHER_SECRET", "pusher-secret"),
        ];
        let (config, problems) = load(&pairs);
        assert_eq!(config.realtime, Realtime::Off);
        assert!(problems
            .iter()
            .any(|p| p.setting.ends_with("PUSHER_CLUSTER or PUSHER_HOST")));
    }

    #[test]
    fn realtime_may_be_turned_off_and_an_unknown_backend_turns_it_off_and_is_said() {
        let mut pairs = PUSHER.to_vec();
        pairs.push(("REALTIME_BACKEND", "off"));
        let (config, problems) = load(&pairs);
        assert_eq!(config.realtime, Realtime::Off);
        assert_eq!(config.realtime.app(), None);
        assert!(!problems.iter().any(|p| p.setting == "REALTIME_BACKEND"));

        let mut pairs = PUSHER.to_vec();
        pairs.push(("REALTIME_BACKEND", "Builtin"));
        let (config, problems) = load(&pairs);
        assert_eq!(config.realtime, Realtime::Off);
        assert!(problems.iter().any(|p| p.setting == "REALTIME_BACKEND"));

        // Off without any Pusher setting: nothing to report.
        let (_, problems) = load(&[("REALTIME_BACKEND", "off")]);
        assert!(!problems.iter().any(|p| p.setting.contains("PUSHER")));
    }

    #[test]
    fn an_unknown_environment_runs_as_production_and_says_so() {
        let (config, problems) = load(&[("ENVIRONMENT", "dev")]);
        assert_eq!(config.environment, Environment::Production);
        assert!(problems.iter().any(|p| p.setting == "ENVIRONMENT"));
    }

    const NONCE_SECRET: &str = "nonce-secret-0123456789abcdef-0123";

    #[test]
    fn basic_auth_for_xivo_is_on_in_development_and_off_in_production_by_default() {
        let (config, problems) = load(&[("ENVIRONMENT", "development")]);
        assert!(config.xivo_basic_auth);
        assert!(!problems.iter().any(|p| p.setting == "XIVO_BASIC_AUTH"));
        let (config, problems) = load(&[]);
        assert!(!config.xivo_basic_auth);
        assert!(!problems.iter().any(|p| p.setting == "XIVO_BASIC_AUTH"));
    }

    #[test]
    fn basic_auth_for_xivo_in_production_is_allowed_when_asked_for_and_reported() {
        let (config, problems) = load(&[("XIVO_BASIC_AUTH", "on")]);
        assert!(config.xivo_basic_auth);
        let problem = problems
            .iter()
            .find(|p| p.setting == "XIVO_BASIC_AUTH")
            .unwrap();
        assert_eq!(config.problem_line(problem)["level"], "error");

        let (config, problems) =
            load(&[("ENVIRONMENT", "development"), ("XIVO_BASIC_AUTH", "off")]);
        assert!(!config.xivo_basic_auth);
        assert!(!problems.iter().any(|p| p.setting == "XIVO_BASIC_AUTH"));
    }

    #[test]
    fn a_wrong_basic_auth_value_closes_basic_in_every_environment() {
        for environment in ["development", "production"] {
            for value in ["yes", "ON", "true", "1"] {
                let (config, problems) =
                    load(&[("ENVIRONMENT", environment), ("XIVO_BASIC_AUTH", value)]);
                assert!(!config.xivo_basic_auth, "{environment} {value}");
                assert!(problems.iter().any(|p| p.setting == "XIVO_BASIC_AUTH"));
            }
            let (config, problems) = Config::load(|name| match name {
                "ENVIRONMENT" => Setting::Text(environment.into()),
                "XIVO_BASIC_AUTH" => Setting::Other("a boolean"),
                _ => Setting::Absent,
            });
            assert!(!config.xivo_basic_auth, "{environment}");
            assert!(problems
                .iter()
                .any(|p| p.setting == "XIVO_BASIC_AUTH" && p.message.contains("a boolean")));
        }
    }

    #[test]
    fn a_nonce_lifetime_is_taken_within_its_range_else_the_default_is_kept_and_said() {
        assert_eq!(load(&[]).0.xivo_nonce_lifetime, DEFAULT_NONCE_LIFETIME);
        assert_eq!(
            load(&[("XIVO_NONCE_LIFETIME", "2")]).0.xivo_nonce_lifetime,
            2
        );
        for bad in ["1", "3601", "five", "-3"] {
            let (config, problems) = load(&[("XIVO_NONCE_LIFETIME", bad)]);
            assert_eq!(config.xivo_nonce_lifetime, DEFAULT_NONCE_LIFETIME, "{bad}");
            assert!(
                problems.iter().any(|p| p.setting == "XIVO_NONCE_LIFETIME"),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_nonce_secret_is_taken_when_long_enough_and_its_absence_reported_in_production() {
        let credentials = [("XIVO_USERNAME", "admin"), ("XIVO_PASSWORD", "secret")];
        let mut pairs = credentials.to_vec();
        pairs.push(("XIVO_NONCE_SECRET", NONCE_SECRET));
        let (config, problems) = load(&pairs);
        assert_eq!(config.xivo_nonce_secret, Some(Secret(NONCE_SECRET.into())));
        assert!(!problems.iter().any(|p| p.setting == "XIVO_NONCE_SECRET"));

        // Absent: derived from the password, which production reports.
        let (config, problems) = load(&credentials);
        assert_eq!(config.xivo_nonce_secret, None);
        let problem = problems
            .iter()
            .find(|p| p.setting == "XIVO_NONCE_SECRET")
            .unwrap();
        assert!(problem.message.contains("offline"), "{problem:?}");
        assert_eq!(config.problem_line(problem)["level"], "error");

        let mut pairs = credentials.to_vec();
        pairs.push(("ENVIRONMENT", "development"));
        let (_, problems) = load(&pairs);
        assert!(!problems.iter().any(|p| p.setting == "XIVO_NONCE_SECRET"));

        // Too short: ignored and reported, in every environment.
        for environment in ["development", "production"] {
            let mut pairs = credentials.to_vec();
            pairs.push(("ENVIRONMENT", environment));
            pairs.push(("XIVO_NONCE_SECRET", "short"));
            let (config, problems) = load(&pairs);
            assert_eq!(config.xivo_nonce_secret, None);
            assert!(problems
                .iter()
                .any(|p| p.setting == "XIVO_NONCE_SECRET" && p.message.contains("shorter")));
        }
    }

    #[test]
    fn debug_output_never_shows_a_password() {
        let mut pairs = vec![
            ("XIVO_USERNAME", "admin"),
            ("XIVO_PASSWORD", "hunter2"),
            ("XIVO_NONCE_SECRET", NONCE_SECRET),
            ("JWT_SECRET", JWT),
        ];
        pairs.extend(PUSHER);
        let (config, _) = load(&pairs);
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"));
        assert!(!debug.contains(NONCE_SECRET));
        assert!(!debug.contains(JWT));
        assert!(!debug.contains("pusher-secret"));
    }
}
