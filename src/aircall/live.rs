//! The live page: `GET /aircall/live` logs in, lists calls and shows the
//! `update-call` events of `private-aircall` as they arrive through the
//! built-in realtime server, using pusher-js; `GET /aircall/live/live.js` is
//! its script. pusher-js itself (npm's `dist/web/pusher.min.js`) is a static
//! asset of the Workers host, at [`PUSHER_JS_PATH`] (no CDN).

use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::StatusCode;

use crate::http::Ctx;

/// Where the page loads pusher-js from: the Workers entry serves it from the
/// `ASSETS` binding (`wrangler.toml`'s `[assets]`).
pub const PUSHER_JS_PATH: &str = "/aircall/live/pusher.min.js";

const PAGE: &str = include_str!("live/page.html");
const SCRIPT: &str = include_str!("live/live.js");

/// Scripts from this origin only (pusher-js and the page's own), sockets and
/// requests to this origin only.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
                      connect-src 'self'; base-uri 'none'; form-action 'none'";

/// `text` made safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// `GET /aircall/live`: the page, with the app key clients connect with and
/// the realtime backend (`builtin`, `pusher` or `off`; the page follows the
/// built-in server only).
pub async fn page(ctx: Ctx) -> Response {
    let key = ctx
        .config
        .realtime
        .app()
        .map(|app| app.key.as_str())
        .unwrap_or_default();
    let html = PAGE
        .replace("{{KEY}}", &attribute(key))
        .replace("{{BACKEND}}", ctx.config.realtime.name());
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
            (CONTENT_SECURITY_POLICY, POLICY),
        ],
        html,
    )
        .into_response()
}

/// `GET /aircall/live/live.js`: the page's script.
pub async fn script() -> Response {
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_escaped() {
        assert_eq!(attribute(r#"a"<b>&'"#), "a&quot;&lt;b&gt;&amp;&#39;");
    }
}
