//! The HTML report: one self-contained page (inline style and script, nothing
//! fetched) for the JSON report of a run. The header, the summary per API and
//! every case are rendered here, so the page reads without JavaScript; the
//! script only filters, searches and copies. The report is read defensively:
//! a missing or odd field is shown as absent, never a panic.

use std::fmt::{self, Display, Write as _};

use indexmap::IndexMap;
use serde_json::Value;

/// An outcome as the page names and orders it.
struct Outcome {
    /// The verdict in the JSON report.
    key: &'static str,
    /// What the page calls it.
    label: &'static str,
    /// Whether it needs someone's attention: such cases come first, opened.
    problem: bool,
}

/// Every known outcome, in the order of the summary's columns.
const OUTCOMES: [Outcome; 7] = [
    Outcome {
        key: "pass",
        label: "Pass",
        problem: false,
    },
    Outcome {
        key: "fail",
        label: "Fail",
        problem: true,
    },
    Outcome {
        key: "harness_error",
        label: "Harness error",
        problem: true,
    },
    Outcome {
        key: "unexpected_pass",
        label: "Unexpected pass",
        problem: true,
    },
    Outcome {
        key: "missing_snapshot",
        label: "No snapshot",
        problem: true,
    },
    Outcome {
        key: "expected_failure",
        label: "Expected failure",
        problem: false,
    },
    Outcome {
        key: "skipped",
        label: "Skipped",
        problem: false,
    },
];

/// The page's name for a verdict (an unknown verdict is shown as it is).
fn label(verdict: &str) -> &str {
    OUTCOMES
        .iter()
        .find(|o| o.key == verdict)
        .map_or(verdict, |o| o.label)
}

/// Whether a verdict needs attention; an unknown one does, to be seen.
fn is_problem(verdict: &str) -> bool {
    OUTCOMES
        .iter()
        .find(|o| o.key == verdict)
        .is_none_or(|o| o.problem)
}

/// Text escaped for HTML content and for quoted attribute values.
struct Esc<'a>(&'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = 0;
        for (at, c) in self.0.char_indices() {
            let entity = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[rest..at])?;
            f.write_str(entity)?;
            rest = at + c.len_utf8();
        }
        f.write_str(&self.0[rest..])
    }
}

/// A verdict made safe for a class name: `v-<token>`.
fn token(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// A field as text: strings as they are, numbers and booleans written out,
/// arrays and objects as compact JSON; `None` when absent or null.
fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A field as text, `None` also when it is empty.
fn nonempty(value: &Value, key: &str) -> Option<String> {
    text(value, key).filter(|s| !s.trim().is_empty())
}

/// A JSON value pretty-printed, as the difference table shows it.
fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The report's JSON for the page's script: `<`, `>` and `&` (which JSON
/// has only inside strings) written as `\u` escapes, so no value can close
/// the script element.
fn embedded_json(report: &Value) -> String {
    let mut out = String::new();
    for c in report.to_string().chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// A duration in milliseconds, for people.
fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let seconds = (ms / 1000.0).round() as u64;
        format!("{} min {} s", seconds / 60, seconds % 60)
    }
}

/// An RFC 3339 instant, for people: `2026-12-02 03:00:00 UTC`; any other
/// text as it is.
fn instant(text: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(at) if at.offset().local_minus_utc() == 0 => {
            at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        }
        Ok(at) => at.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        Err(_) => text.to_owned(),
    }
}

/// One case of the report, with what the page needs read out of it.
struct CaseView<'a> {
    raw: &'a Value,
    /// Its place in the report, for element ids.
    index: usize,
    id: String,
    api: String,
    title: String,
    verdict: String,
    duration_ms: Option<f64>,
}

impl<'a> CaseView<'a> {
    fn read(index: usize, raw: &'a Value) -> Self {
        let id = nonempty(raw, "id").unwrap_or_else(|| format!("case {}", index + 1));
        let api = nonempty(raw, "api")
            .or_else(|| {
                id.split_once('/')
                    .map(|(api, _)| api.to_owned())
                    .filter(|a| !a.is_empty())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        Self {
            raw,
            index,
            title: nonempty(raw, "title").unwrap_or_default(),
            verdict: nonempty(raw, "verdict").unwrap_or_else(|| "unknown".to_owned()),
            duration_ms: raw.get("duration_ms").and_then(Value::as_f64),
            id,
            api,
        }
    }

    /// The problems, each as an object (a bare string becomes its message).
    fn problems(&self) -> Vec<Value> {
        let Some(list) = self.raw.get("problems").and_then(Value::as_array) else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|p| match p {
                Value::Object(_) => Some(p.clone()),
                Value::String(s) => Some(serde_json::json!({ "message": s })),
                Value::Null => None,
                other => Some(serde_json::json!({ "message": other.to_string() })),
            })
            .collect()
    }
}

/// A located difference (shown in the table), as opposed to the other problems.
fn is_difference(problem: &Value) -> bool {
    match problem.get("problem").and_then(Value::as_str) {
        Some(kind) => kind == "differs",
        None => problem.get("path").is_some() && problem.get("against").is_some(),
    }
}

/// The counts of a run: per API (in order of appearance) and per verdict.
struct Tally {
    per_api: IndexMap<String, IndexMap<String, usize>>,
    all: IndexMap<String, usize>,
    /// The summary's columns: the known outcomes, then any unknown verdict.
    columns: Vec<String>,
    cases: usize,
}

impl Tally {
    fn of(cases: &[CaseView]) -> Self {
        let mut per_api: IndexMap<String, IndexMap<String, usize>> = IndexMap::new();
        let mut all: IndexMap<String, usize> = IndexMap::new();
        let mut columns: Vec<String> = OUTCOMES.iter().map(|o| o.key.to_owned()).collect();
        for case in cases {
            *per_api
                .entry(case.api.clone())
                .or_default()
                .entry(case.verdict.clone())
                .or_default() += 1;
            *all.entry(case.verdict.clone()).or_default() += 1;
            if !columns.contains(&case.verdict) {
                columns.push(case.verdict.clone());
            }
        }
        Self {
            per_api,
            all,
            columns,
            cases: cases.len(),
        }
    }

    fn count(&self, verdict: &str) -> usize {
        self.all.get(verdict).copied().unwrap_or(0)
    }

    /// The exit code the counts imply (as the harness decides it).
    fn exit_code(&self) -> i64 {
        if self.count("harness_error") > 0 {
            2
        } else if self.count("fail") + self.count("unexpected_pass") > 0 {
            1
        } else if self.count("missing_snapshot") > 0 {
            3
        } else {
            0
        }
    }
}

/// The overall result: a class for its colour, a headline.
fn overall(exit_code: i64, tally: &Tally) -> (&'static str, String) {
    match exit_code {
        0 if tally.cases == 0 => ("warn", "No cases ran".to_owned()),
        0 => ("ok", "Conformant".to_owned()),
        1 => ("bad", "Not conformant".to_owned()),
        2 => ("error", "Harness error".to_owned()),
        3 => ("warn", "Snapshots missing".to_owned()),
        n => ("bad", format!("Exit code {n}")),
    }
}

/// What a level means.
fn level_help(level: &str) -> &'static str {
    match level {
        "snapshot" => {
            "each answer compared with its reviewed snapshot and with what the document shows"
        }
        "documented" => "each answer compared with what the document shows; snapshots not checked",
        _ => "",
    }
}

/// The page of a JSON report (the harness's `--json` output).
pub fn page(report: &Value) -> String {
    let mut out = String::with_capacity(64 * 1024);
    render(&mut out, report).expect("writing to a String does not fail");
    out
}

fn render(out: &mut String, report: &Value) -> fmt::Result {
    let cases: Vec<CaseView> = report
        .get("cases")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter(|c| c.is_object())
                .enumerate()
                .map(|(i, c)| CaseView::read(i, c))
                .collect()
        })
        .unwrap_or_default();
    let tally = Tally::of(&cases);
    let exit_code = report
        .get("exit_code")
        .and_then(Value::as_i64)
        .unwrap_or_else(|| tally.exit_code());
    let (class, headline) = overall(exit_code, &tally);
    let base_url = nonempty(report, "base_url");

    out.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light\">\n");
    write!(out, "<title>{} · conformance", Esc(&headline))?;
    if let Some(url) = &base_url {
        write!(out, " of {}", Esc(url))?;
    }
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");

    header(out, report, &tally, exit_code, class, &headline)?;
    out.push_str("<main>\n");
    totals_check(out, report, &tally)?;
    attention(out, &cases)?;
    summary(out, &tally)?;
    case_list(out, &cases, &tally)?;
    out.push_str("</main>\n");
    writeln!(
        out,
        "<footer>Written by {} · one self-contained page: nothing is fetched; filtering needs JavaScript.</footer>",
        Esc(&nonempty(report, "harness").unwrap_or_else(|| "the conformance harness".to_owned()))
    )?;
    writeln!(
        out,
        "<script type=\"application/json\" id=\"report-data\">{}</script>",
        embedded_json(report)
    )?;
    out.push_str("<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    Ok(())
}

/// The header: the result, the level, where and when it ran.
fn header(
    out: &mut String,
    report: &Value,
    tally: &Tally,
    exit_code: i64,
    class: &str,
    headline: &str,
) -> fmt::Result {
    out.push_str("<header class=\"top\">\n<div class=\"top-inner\">\n");
    out.push_str("<div class=\"title-row\">\n<h1>Conformance report</h1>\n");
    writeln!(
        out,
        "<p class=\"result result-{class}\" id=\"result\" data-exit-code=\"{exit_code}\">\
         <span class=\"result-text\">{}</span><span class=\"result-code\">exit {exit_code}</span></p>",
        Esc(headline)
    )?;
    out.push_str("</div>\n");

    // One line of counts, the nonzero ones.
    let parts: Vec<String> = tally
        .columns
        .iter()
        .filter(|v| tally.count(v) > 0)
        .map(|v| {
            format!(
                "<span class=\"count v-{}\"><b>{}</b> {}</span>",
                token(v),
                tally.count(v),
                Esc(&label(v).to_lowercase())
            )
        })
        .collect();
    writeln!(
        out,
        "<p class=\"counts\" id=\"counts\">{} case{}{}{}</p>",
        tally.cases,
        if tally.cases == 1 { "" } else { "s" },
        if parts.is_empty() { "" } else { ": " },
        parts.join(" ")
    )?;

    out.push_str("<dl class=\"meta\">\n");
    let level = nonempty(report, "level");
    match &level {
        Some(level) => {
            write!(
                out,
                "<div><dt>Level</dt><dd id=\"level\"><b>{}</b>",
                Esc(level)
            )?;
            let help = level_help(level);
            if !help.is_empty() {
                write!(out, " <span class=\"muted\">— {help}</span>")?;
            }
            out.push_str("</dd></div>\n");
        }
        None => out.push_str(
            "<div><dt>Level</dt><dd id=\"level\"><span class=\"muted\">not stated</span></dd></div>\n",
        ),
    }
    let field = |out: &mut String, name: &str, id: &str, value: Option<String>| -> fmt::Result {
        match value {
            Some(v) => writeln!(
                out,
                "<div><dt>{name}</dt><dd id=\"{id}\"><code>{}</code></dd></div>",
                Esc(&v)
            ),
            None => writeln!(
                out,
                "<div><dt>{name}</dt><dd id=\"{id}\"><span class=\"muted\">not stated</span></dd></div>"
            ),
        }
    };
    field(out, "Base URL", "base-url", nonempty(report, "base_url"))?;
    field(
        out,
        "Started",
        "started-at",
        nonempty(report, "started_at").map(|t| instant(&t)),
    )?;
    field(out, "Harness", "harness", nonempty(report, "harness"))?;
    out.push_str("</dl>\n</div>\n</header>\n");
    Ok(())
}

/// A warning when the report's own totals disagree with its cases.
fn totals_check(out: &mut String, report: &Value, tally: &Tally) -> fmt::Result {
    let Some(totals) = report.get("totals").and_then(Value::as_object) else {
        return Ok(());
    };
    let mismatches: Vec<String> = totals
        .iter()
        .filter_map(|(verdict, n)| {
            let stated = n.as_u64()?;
            let counted = tally.count(verdict) as u64;
            (stated != counted).then(|| {
                format!(
                    "{}: {stated} in the totals, {counted} among the cases",
                    label(verdict)
                )
            })
        })
        .collect();
    if !mismatches.is_empty() {
        writeln!(
            out,
            "<p class=\"warning\" id=\"totals-mismatch\">The report's totals differ from its cases \
             (the page counts the cases): {}.</p>",
            Esc(&mismatches.join("; "))
        )?;
    }
    Ok(())
}

/// Links to the cases that need attention, at most a dozen.
fn attention(out: &mut String, cases: &[CaseView]) -> fmt::Result {
    const SHOWN: usize = 12;
    let problems: Vec<&CaseView> = cases.iter().filter(|c| is_problem(&c.verdict)).collect();
    if problems.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<nav class=\"panel attention\" id=\"attention\" aria-labelledby=\"attention-title\">\n\
         <h2 id=\"attention-title\">Needs attention <span class=\"muted\">({})</span></h2>\n<ul>",
        problems.len()
    )?;
    for case in problems.iter().take(SHOWN) {
        write!(
            out,
            "<li><a href=\"#case-{}\"><span class=\"badge v-{}\">{}</span> <code>{}</code>",
            Esc(&case.id),
            token(&case.verdict),
            Esc(label(&case.verdict)),
            Esc(&case.id)
        )?;
        if !case.title.is_empty() {
            write!(out, " <span class=\"muted\">{}</span>", Esc(&case.title))?;
        }
        out.push_str("</a></li>\n");
    }
    if problems.len() > SHOWN {
        writeln!(
            out,
            "<li class=\"muted\">and {} more below</li>",
            problems.len() - SHOWN
        )?;
    }
    out.push_str("</ul>\n</nav>\n");
    Ok(())
}

/// One count of the summary table: a link that filters the cases to it.
fn summary_cell(out: &mut String, api: &str, verdict: &str, n: usize) -> fmt::Result {
    let total = verdict == "total";
    let class = if total {
        "n total".to_owned()
    } else {
        format!("n v-{}", token(verdict))
    };
    let zero = if n == 0 { " zero" } else { "" };
    write!(
        out,
        "<td class=\"{class}{zero}\" data-api=\"{}\" data-verdict=\"{}\">",
        Esc(api),
        Esc(verdict)
    )?;
    if n == 0 {
        out.push('0');
    } else {
        write!(
            out,
            "<a href=\"#cases\" data-show-api=\"{}\" data-show-verdict=\"{}\">{n}</a>",
            Esc(api),
            Esc(verdict)
        )?;
    }
    out.push_str("</td>");
    Ok(())
}

/// The summary: a row per API, a column per verdict, a total row and column.
fn summary(out: &mut String, tally: &Tally) -> fmt::Result {
    out.push_str(
        "<section class=\"panel\" id=\"summary\" aria-labelledby=\"summary-title\">\n\
         <h2 id=\"summary-title\">Summary by API</h2>\n\
         <div class=\"scroll\">\n<table class=\"summary\" id=\"summary-table\">\n<thead><tr><th scope=\"col\">API</th>",
    );
    for verdict in &tally.columns {
        write!(
            out,
            "<th scope=\"col\" class=\"n v-{}\" data-verdict=\"{}\"><span class=\"dot\"></span>{}</th>",
            token(verdict),
            Esc(verdict),
            Esc(label(verdict))
        )?;
    }
    out.push_str(
        "<th scope=\"col\" class=\"n\" data-verdict=\"total\">Total</th></tr></thead>\n<tbody>\n",
    );
    for (api, counts) in &tally.per_api {
        write!(
            out,
            "<tr data-api=\"{}\"><th scope=\"row\">{}</th>",
            Esc(api),
            Esc(api)
        )?;
        for verdict in &tally.columns {
            summary_cell(out, api, verdict, counts.get(verdict).copied().unwrap_or(0))?;
        }
        summary_cell(out, api, "total", counts.values().sum())?;
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n<tfoot>\n<tr data-api=\"all\"><th scope=\"row\">All APIs</th>");
    for verdict in &tally.columns {
        summary_cell(out, "all", verdict, tally.count(verdict))?;
    }
    summary_cell(out, "all", "total", tally.cases)?;
    out.push_str("</tr>\n</tfoot>\n</table>\n</div>\n</section>\n");
    Ok(())
}

/// The filters (shown by the script), the count shown, and every case:
/// those needing attention first, each group in the report's order.
fn case_list(out: &mut String, cases: &[CaseView], tally: &Tally) -> fmt::Result {
    out.push_str(
        "<section class=\"panel\" id=\"cases\" aria-labelledby=\"cases-title\">\n\
         <div class=\"cases-head\">\n<h2 id=\"cases-title\">Cases</h2>\n",
    );
    writeln!(
        out,
        "<p class=\"shown\" id=\"case-count\" aria-live=\"polite\"><span id=\"shown-cases\">{n}</span> \
         of <span id=\"all-cases\">{n}</span> cases shown</p>\n</div>",
        n = cases.len()
    )?;

    // Filters: hidden until the script runs, since only it can apply them.
    out.push_str("<form class=\"filters\" id=\"filters\" hidden data-js>\n");
    out.push_str(
        "<div class=\"filter-row\" role=\"group\" aria-labelledby=\"filter-outcome\">\
         <span class=\"filter-label\" id=\"filter-outcome\">Outcome</span>\n<div class=\"chips\">",
    );
    for verdict in &tally.columns {
        let n = tally.count(verdict);
        write!(
            out,
            "<label class=\"chip v-{tok}{empty}\"><input type=\"checkbox\" data-filter=\"verdict\" \
             id=\"filter-verdict-{tok}\" value=\"{v}\" data-problem=\"{problem}\" checked>\
             <span>{label}</span><span class=\"chip-n\">{n}</span></label>",
            tok = token(verdict),
            empty = if n == 0 { " empty" } else { "" },
            v = Esc(verdict),
            problem = is_problem(verdict),
            label = Esc(label(verdict)),
        )?;
    }
    out.push_str(
        "</div>\n<div class=\"presets\"><button type=\"button\" data-action=\"problems\" id=\"only-problems\">Only problems</button>\
         <button type=\"button\" data-action=\"all-verdicts\" id=\"all-verdicts\">All outcomes</button></div>\n</div>\n",
    );
    out.push_str(
        "<div class=\"filter-row\" role=\"group\" aria-labelledby=\"filter-api\">\
         <span class=\"filter-label\" id=\"filter-api\">API</span>\n<div class=\"chips\">",
    );
    for (api, counts) in &tally.per_api {
        write!(
            out,
            "<label class=\"chip api\"><input type=\"checkbox\" data-filter=\"api\" id=\"filter-api-{}\" \
             value=\"{}\" checked><span>{}</span><span class=\"chip-n\">{}</span></label>",
            token(api),
            Esc(api),
            Esc(api),
            counts.values().sum::<usize>()
        )?;
    }
    out.push_str(
        "</div>\n<div class=\"presets\"><button type=\"button\" data-action=\"all-apis\" id=\"all-apis\">All APIs</button></div>\n</div>\n",
    );
    out.push_str(
        "<div class=\"filter-row search-row\">\
         <label class=\"filter-label\" for=\"search\">Search</label>\
         <input type=\"search\" id=\"search\" autocomplete=\"off\" spellcheck=\"false\" \
         placeholder=\"Case id, title or endpoint (press /)\">\
         <div class=\"presets\"><button type=\"button\" data-action=\"reset\" id=\"reset-filters\">Reset</button>\
         <button type=\"button\" data-action=\"expand\">Expand all</button>\
         <button type=\"button\" data-action=\"collapse\">Collapse all</button></div>\n</div>\n</form>\n",
    );

    out.push_str("<ul class=\"cases\" id=\"case-list\">\n");
    let first = cases.iter().filter(|c| is_problem(&c.verdict));
    let then = cases.iter().filter(|c| !is_problem(&c.verdict));
    for case in first.chain(then) {
        case_item(out, case)?;
    }
    out.push_str("</ul>\n");
    out.push_str(
        "<p class=\"empty-state\" id=\"no-cases\" hidden>No case matches these filters.</p>\n",
    );
    if cases.is_empty() {
        out.push_str("<p class=\"empty-state\">The report has no cases.</p>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}

/// The line under a case's title saying why it did not simply run, if so.
fn note(case: &CaseView) -> Option<String> {
    let reason = |key: &str| nonempty(case.raw, key);
    match case.verdict.as_str() {
        "skipped" => Some(format!(
            "Skipped: {}",
            reason("skipped").unwrap_or_else(|| "no reason given".to_owned())
        )),
        "expected_failure" => Some(format!(
            "Fails as expected: {}",
            reason("expected_failure").unwrap_or_else(|| "no reason given".to_owned())
        )),
        "unexpected_pass" => Some(format!(
            "Passes, but is listed as an expected failure ({}): remove it from the list",
            reason("expected_failure").unwrap_or_else(|| "no reason given".to_owned())
        )),
        "missing_snapshot" => {
            Some("No reviewed snapshot to compare the answer with yet".to_owned())
        }
        "harness_error" => reason("harness_error").map(|e| format!("Harness error: {e}")),
        _ => None,
    }
}

/// One case: a summary line, and the details to open.
fn case_item(out: &mut String, case: &CaseView) -> fmt::Result {
    let from = nonempty(case.raw, "from");
    let search = [
        Some(case.id.as_str()),
        Some(case.title.as_str()),
        from.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let tok = token(&case.verdict);
    write!(
        out,
        "<li class=\"case v-{tok}\" id=\"case-{id}\" data-verdict=\"{verdict}\" data-api=\"{api}\" \
         data-id=\"{id}\" data-search=\"{search}\">\n<details{open}>\n<summary>",
        id = Esc(&case.id),
        verdict = Esc(&case.verdict),
        api = Esc(&case.api),
        search = Esc(&search),
        open = if is_problem(&case.verdict) {
            " open"
        } else {
            ""
        },
    )?;
    write!(
        out,
        "<span class=\"badge v-{tok}\">{}</span><span class=\"case-main\"><span class=\"case-title\">{}</span>\
         <span class=\"case-sub\"><code class=\"case-id\">{}</code>",
        Esc(label(&case.verdict)),
        if case.title.is_empty() {
            "(untitled)".to_owned()
        } else {
            Esc(&case.title).to_string()
        },
        Esc(&case.id)
    )?;
    if let Some(from) = &from {
        write!(out, "<span class=\"case-from\">{}</span>", Esc(from))?;
    }
    out.push_str("</span>");
    if let Some(note) = note(case) {
        write!(out, "<span class=\"case-note\">{}</span>", Esc(&note))?;
    }
    out.push_str("</span><span class=\"case-side\">");
    let tags = tags(case.raw);
    if !tags.is_empty() {
        out.push_str("<span class=\"tags\">");
        for tag in &tags {
            write!(out, "<span class=\"tag\">{}</span>", Esc(tag))?;
        }
        out.push_str("</span>");
    }
    if let Some(ms) = case.duration_ms {
        write!(out, "<span class=\"duration\">{}</span>", duration(ms))?;
    }
    out.push_str("</span></summary>\n<div class=\"case-body\">\n");

    let problems = case.problems();
    let (differences, others): (Vec<&Value>, Vec<&Value>) =
        problems.iter().partition(|p| is_difference(p));
    if !differences.is_empty() {
        difference_table(out, &differences)?;
    }
    if !others.is_empty() {
        writeln!(
            out,
            "<h4>Other problems <span class=\"muted\">({})</span></h4>\n<ul class=\"problems\">",
            others.len()
        )?;
        for problem in &others {
            out.push_str("<li>");
            if let Some(kind) = nonempty(problem, "problem") {
                write!(
                    out,
                    "<span class=\"ptag\">{}</span> ",
                    Esc(&kind.replace('_', " "))
                )?;
            }
            let message = nonempty(problem, "message").unwrap_or_else(|| problem.to_string());
            writeln!(out, "{}</li>", Esc(&message))?;
        }
        out.push_str("</ul>\n");
    }
    if let Some(error) = nonempty(case.raw, "harness_error") {
        writeln!(
            out,
            "<h4>Harness error</h4>\n<pre class=\"error-text\">\n{}</pre>",
            Esc(&error)
        )?;
    }
    if let Some(lines) = nonempty(case.raw, "reproduce") {
        writeln!(
            out,
            "<div class=\"repro\"><div class=\"repro-head\"><h4>Reproduce</h4>\
             <button type=\"button\" class=\"copy\" data-copy=\"repro-{i}\" hidden data-js>Copy</button></div>\
             <pre class=\"shell\" id=\"repro-{i}\">\n{}</pre></div>",
            Esc(&lines),
            i = case.index
        )?;
    }
    out.push_str("<div class=\"facts\">\n");
    expectations(out, case.raw)?;
    provenance(out, case, from.as_deref(), &tags)?;
    out.push_str("</div>\n</div>\n</details>\n</li>\n");
    Ok(())
}

/// The case's tags, the strings among them.
fn tags(case: &Value) -> Vec<String> {
    case.get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| match t {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The located differences: step, against, JSON path, expected and got.
fn difference_table(out: &mut String, differences: &[&Value]) -> fmt::Result {
    writeln!(
        out,
        "<h4>Differences <span class=\"muted\">({})</span></h4>\n<div class=\"scroll\">\n<table class=\"diff\">\n\
         <thead><tr><th scope=\"col\">Step</th><th scope=\"col\">Against</th><th scope=\"col\">JSON path</th>\
         <th scope=\"col\">Expected</th><th scope=\"col\">Got</th></tr></thead>\n<tbody>",
        differences.len()
    )?;
    for problem in differences {
        let step = text(problem, "step");
        let against = nonempty(problem, "against");
        let kind = nonempty(problem, "kind");
        let path = nonempty(problem, "path");
        write!(
            out,
            "<tr class=\"k-{}\" data-step=\"{}\" data-against=\"{}\" data-kind=\"{}\" data-path=\"{}\"",
            token(kind.as_deref().unwrap_or("unknown")),
            Esc(step.as_deref().unwrap_or("")),
            Esc(against.as_deref().unwrap_or("")),
            Esc(kind.as_deref().unwrap_or("")),
            Esc(path.as_deref().unwrap_or(""))
        )?;
        if let Some(message) = nonempty(problem, "message") {
            write!(out, " title=\"{}\"", Esc(&message))?;
        }
        write!(
            out,
            ">\n<td class=\"step\">{}</td>",
            Esc(step.as_deref().unwrap_or("—"))
        )?;
        match &against {
            Some(a) => write!(
                out,
                "<td class=\"against\"><span class=\"src src-{}\">{}</span></td>",
                token(a),
                Esc(a)
            )?,
            None => out.push_str("<td class=\"against\">—</td>"),
        }
        write!(
            out,
            "<td class=\"path\"><code>{}</code>",
            Esc(path.as_deref().unwrap_or("—"))
        )?;
        let kind_text = match kind.as_deref() {
            Some("missing") => Some("missing from the answer"),
            Some("extra") => Some("not expected"),
            Some("type") => Some("another type"),
            Some("value") => Some("another value"),
            Some(other) => Some(other),
            None => None,
        };
        if let Some(kind_text) = kind_text {
            write!(out, "<span class=\"kind\">{}</span>", Esc(kind_text))?;
        }
        out.push_str("</td>");
        for (key, class, absent) in [
            ("expected", "expected", "not expected"),
            ("actual", "actual", "absent"),
        ] {
            match problem.get(key) {
                Some(value) => write!(
                    out,
                    "<td class=\"{class}\"><pre>{}</pre></td>",
                    Esc(&pretty(value))
                )?,
                None => write!(out, "<td class=\"{class} none\">{absent}</td>")?,
            }
        }
        out.push_str("\n</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    Ok(())
}

/// A cited section of the repository's docs: `docs/aircall.md#notes — Notes`.
fn cite(out: &mut String, item: &Value) -> fmt::Result {
    let (cite, title) = match item {
        Value::String(s) => (Some(s.clone()), None),
        other => (nonempty(other, "cite"), nonempty(other, "title")),
    };
    out.push_str("<li>");
    match cite {
        Some(cite) => write!(out, "<code>{}</code>", Esc(&cite))?,
        None => write!(out, "<code>{}</code>", Esc(&item.to_string()))?,
    }
    if let Some(title) = title {
        write!(out, " <span class=\"cite-title\">{}</span>", Esc(&title))?;
    }
    out.push_str("</li>");
    Ok(())
}

/// What the case checked, by where each expectation comes from.
fn expectations(out: &mut String, case: &Value) -> fmt::Result {
    out.push_str("<section class=\"expect\">\n<h4>What was checked</h4>\n");
    let Some(expect) = case.get("expectations").filter(|e| e.is_object()) else {
        out.push_str("<p class=\"muted\">The report does not say.</p>\n</section>\n");
        return Ok(());
    };
    out.push_str(
        "<dl class=\"checks\">\n<div class=\"from-document\"><dt>From the document</dt><dd>",
    );
    let documented: Vec<String> = expect
        .get("document")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if documented.is_empty() {
        out.push_str("<span class=\"muted\">nothing</span>");
    } else {
        out.push_str("<ul>");
        for item in &documented {
            write!(out, "<li>{}</li>", Esc(item))?;
        }
        out.push_str("</ul>");
    }
    out.push_str("</dd></div>\n<div class=\"from-snapshot\"><dt>Reviewed snapshot</dt><dd>");
    match expect.get("snapshot").and_then(Value::as_bool) {
        Some(true) => out.push_str("checked: each answer against its reviewed snapshot"),
        Some(false) => out.push_str("<span class=\"muted\">not checked at this level</span>"),
        None => out.push_str("<span class=\"muted\">not stated</span>"),
    }
    out.push_str("</dd></div>\n");
    for (key, class, name) in [
        ("reference", "from-reference", "Reference behaviour"),
        ("choices", "from-choices", "Project choices"),
    ] {
        write!(out, "<div class=\"{class}\"><dt>{name}</dt><dd>")?;
        match expect
            .get(key)
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
        {
            Some(items) => {
                out.push_str("<ul class=\"cites\">");
                for item in items {
                    cite(out, item)?;
                }
                out.push_str("</ul>");
            }
            None => out.push_str("<span class=\"muted\">none</span>"),
        }
        out.push_str("</dd></div>\n");
    }
    out.push_str("</dl>\n</section>\n");
    Ok(())
}

/// Where the case comes from, and its facts.
fn provenance(
    out: &mut String,
    case: &CaseView,
    from: Option<&str>,
    tags: &[String],
) -> fmt::Result {
    out.push_str("<section class=\"provenance\">\n<h4>Case</h4>\n<dl class=\"props\">\n");
    let mut row = |name: &str, value: Option<String>| -> fmt::Result {
        if let Some(value) = value {
            writeln!(out, "<dt>{name}</dt><dd>{}</dd>", Esc(&value))?;
        }
        Ok(())
    };
    row("Id", Some(case.id.clone()))?;
    row("API", Some(case.api.clone()))?;
    row("From", from.map(str::to_owned))?;
    row("Document", nonempty(case.raw, "document"))?;
    row("Endpoint", nonempty(case.raw, "endpoint"))?;
    row("Section", nonempty(case.raw, "section"))?;
    row("Tags", (!tags.is_empty()).then(|| tags.join(", ")))?;
    row("Duration", case.duration_ms.map(duration))?;
    out.push_str("</dl>\n</section>\n");
    Ok(())
}

/// The page's style: light, readable, a colour per outcome, narrow-friendly.
const STYLE: &str = include_str!("html/report.css");

/// The page's script: filters, search, the summary's links, copy buttons.
/// It reads everything from the rendered page (`data-*` attributes).
const SCRIPT: &str = include_str!("html/report.js");

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The text of a summary cell, its markup removed.
    fn cell(page: &str, api: &str, verdict: &str) -> String {
        let needle = format!("data-api=\"{api}\" data-verdict=\"{verdict}\">");
        let start = page.find(&needle).expect("the cell is there") + needle.len();
        let end = start + page[start..].find("</td>").expect("the cell ends");
        let mut text = String::new();
        let mut in_tag = false;
        for c in page[start..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text
    }

    fn case(id: &str, verdict: &str) -> Value {
        json!({
            "id": id,
            "api": id.split('/').next().unwrap(),
            "title": format!("Title of {id}"),
            "from": "doc.md › GET /x",
            "tags": ["t"],
            "verdict": verdict,
            "problems": [],
            "duration_ms": 5,
        })
    }

    fn failing() -> Value {
        json!({
            "id": "aircall/calls_note_add",
            "api": "aircall",
            "title": "Add a note to a call",
            "from": "aircall-api.md › POST /calls/:id/note",
            "tags": ["aircall", "calls", "mutates"],
            "verdict": "fail",
            "expectations": {
                "document": ["step 2: status 201"],
                "snapshot": true,
                "reference": [{"cite": "docs/aircall.md#notes", "title": "Notes"}],
                "choices": [{"cite": "docs/aircall.md#errors", "title": "Errors"}]
            },
            "problems": [
                {"message": "step 2: $.body.notes[0].content: the document has \"Call back tomorrow\", got \"x\"",
                 "problem": "differs", "step": 2, "against": "document", "kind": "value",
                 "path": "$.body.notes[0].content", "expected": "Call back tomorrow", "actual": "x"},
                {"message": "step 1: missing header location (per the snapshot)", "problem": "differs",
                 "step": 1, "against": "snapshot", "kind": "missing", "path": "$.headers.location", "expected": "/x"},
                {"message": "step 3: no answer within 10 s", "problem": "timeout", "step": 3, "seconds": 10}
            ],
            "reproduce": "curl -i -X POST 'http://h/calls/1/note'",
            "duration_ms": 12
        })
    }

    #[test]
    fn escapes_every_string_of_the_report() {
        let evil = "</script><img src=x onerror=alert(1)>";
        let report = json!({
            "harness": evil,
            "level": evil,
            "base_url": evil,
            "started_at": evil,
            "totals": {evil: 1},
            "cases": [{
                "id": format!("aircall/{evil}"),
                "api": evil,
                "title": evil,
                "from": evil,
                "document": evil,
                "endpoint": evil,
                "section": evil,
                "tags": [evil],
                "verdict": evil,
                "expected_failure": evil,
                "skipped": evil,
                "expectations": {
                    "document": [evil],
                    "snapshot": true,
                    "reference": [{"cite": evil, "title": evil}],
                    "choices": [evil]
                },
                "problems": [
                    {"message": evil, "problem": "differs", "step": evil, "against": evil,
                     "kind": evil, "path": evil, "expected": evil, "actual": {evil: [evil]}},
                    {"message": evil, "problem": evil}
                ],
                "harness_error": evil,
                "reproduce": evil,
                "duration_ms": 1
            }]
        });
        let page = page(&report);
        assert!(!page.contains("<img"), "raw markup from the report");
        assert!(!page.to_lowercase().contains("onerror=alert(1)>"));
        assert!(page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
        // Only the page's own two script elements, and each closes once.
        assert_eq!(page.to_lowercase().matches("<script").count(), 2);
        assert_eq!(page.to_lowercase().matches("</script").count(), 2);
        // The embedded JSON still holds the value, escaped for the script element.
        assert!(page.contains(r"\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e"));
        let start = page.find("id=\"report-data\">").unwrap() + "id=\"report-data\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let embedded: Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(embedded, report);
    }

    #[test]
    fn counts_per_api_and_in_all() {
        let report = json!({
            "level": "snapshot",
            "base_url": "http://127.0.0.1:8787",
            "cases": [
                case("aircall/a", "pass"),
                case("aircall/b", "pass"),
                case("aircall/c", "fail"),
                case("xivo/a", "pass"),
                case("xivo/b", "skipped"),
                case("upcall/a", "harness_error"),
            ]
        });
        let page = page(&report);
        assert_eq!(cell(&page, "aircall", "pass"), "2");
        assert_eq!(cell(&page, "aircall", "fail"), "1");
        assert_eq!(cell(&page, "aircall", "skipped"), "0");
        assert_eq!(cell(&page, "aircall", "total"), "3");
        assert_eq!(cell(&page, "xivo", "skipped"), "1");
        assert_eq!(cell(&page, "upcall", "harness_error"), "1");
        assert_eq!(cell(&page, "all", "pass"), "3");
        assert_eq!(cell(&page, "all", "fail"), "1");
        assert_eq!(cell(&page, "all", "total"), "6");
        assert!(page.contains(
            "<span id=\"shown-cases\">6</span> of <span id=\"all-cases\">6</span> cases shown"
        ));
        // No exit code in the report: the one the counts imply.
        assert!(page.contains("data-exit-code=\"2\""));
        // No totals in the report: no warning about them.
        assert!(!page.contains("totals-mismatch"));
        assert_eq!(page.matches("<li class=\"case ").count(), 6);
    }

    #[test]
    fn failures_come_first_and_open() {
        let report =
            json!({"cases": [case("aircall/a", "pass"), failing(), case("xivo/s", "skipped")]});
        let page = page(&report);
        let fail = page.find("id=\"case-aircall/calls_note_add\"").unwrap();
        let pass = page.find("id=\"case-aircall/a\"").unwrap();
        assert!(fail < pass);
        assert!(page[fail..].starts_with(
            "id=\"case-aircall/calls_note_add\" data-verdict=\"fail\" data-api=\"aircall\""
        ));
        let details = &page[fail..pass];
        assert!(details.contains("<details open>"));
        assert!(!page[pass..].contains("<details open>"));
    }

    #[test]
    fn a_failure_shows_its_differences() {
        let page = page(&json!({"exit_code": 1, "cases": [failing()]}));
        let row = page
            .find("data-path=\"$.body.notes[0].content\"")
            .expect("the difference's row");
        let row = &page[row..row + page[row..].find("</tr>").unwrap()];
        assert!(row.contains("<td class=\"step\">2</td>"));
        assert!(row.contains("src-document"));
        assert!(row.contains("<code>$.body.notes[0].content</code>"));
        assert!(
            row.contains("<td class=\"expected\"><pre>&quot;Call back tomorrow&quot;</pre></td>")
        );
        assert!(row.contains("<td class=\"actual\"><pre>&quot;x&quot;</pre></td>"));
        // A missing value: nothing got.
        let missing = page.find("data-path=\"$.headers.location\"").unwrap();
        let missing = &page[missing..missing + page[missing..].find("</tr>").unwrap()];
        assert!(missing.contains("<td class=\"actual none\">absent</td>"));
        // The other problem, the reproducing lines, the cited sections.
        assert!(page.contains("step 3: no answer within 10 s"));
        assert!(page.contains("<pre class=\"shell\" id=\"repro-0\">\ncurl -i -X POST &#39;http://h/calls/1/note&#39;</pre>"));
        assert!(page.contains(
            "<code>docs/aircall.md#notes</code> <span class=\"cite-title\">Notes</span>"
        ));
        assert!(page.contains(
            "<code>docs/aircall.md#errors</code> <span class=\"cite-title\">Errors</span>"
        ));
        assert!(page.contains("<li>step 2: status 201</li>"));
        assert!(page.contains("Not conformant"));
    }

    #[test]
    fn a_skipped_case_shows_why() {
        let mut skipped = case("callpower/calls", "skipped");
        skipped["skipped"] =
            json!("needs provider state \"callpower-demo\" and the run has --no-state");
        let page = page(&json!({"cases": [skipped]}));
        assert!(page.contains(
            "Skipped: needs provider state &quot;callpower-demo&quot; and the run has --no-state"
        ));
        assert_eq!(cell(&page, "callpower", "skipped"), "1");
    }

    #[test]
    fn totals_that_disagree_with_the_cases_are_pointed_out() {
        let report = json!({
            "totals": {"pass": 2, "fail": 0},
            "cases": [case("aircall/a", "pass")]
        });
        let page = page(&report);
        assert!(page.contains("id=\"totals-mismatch\""));
        assert!(page.contains("Pass: 2 in the totals, 1 among the cases"));
        assert_eq!(cell(&page, "all", "pass"), "1");
    }

    #[test]
    fn odd_or_missing_fields_do_not_panic() {
        for report in [
            json!(null),
            json!({}),
            json!([]),
            json!("text"),
            json!({"cases": null, "totals": [], "exit_code": "x"}),
            json!({"cases": [null, 1, "x", [], {}]}),
            json!({"cases": [{"verdict": 5, "id": 7, "tags": "x", "problems": {"a": 1}}]}),
            json!({"cases": [{"verdict": "weird", "problems": [null, 3, "text", {"problem": "differs"},
                {"problem": "form"}, {"path": "$.a", "against": "document"}],
                "expectations": {"document": "x", "reference": [1, null, {}], "choices": {}},
                "duration_ms": "slow", "reproduce": 3, "harness_error": {"a": "b"}}]}),
        ] {
            let page = page(&report);
            assert!(page.starts_with("<!doctype html>"));
            assert!(page.ends_with("</html>\n"));
        }
        // An unknown verdict gets its own column and counts as a problem.
        let page = page(&json!({"cases": [{"id": "x/y", "verdict": "weird"}]}));
        assert_eq!(cell(&page, "x", "weird"), "1");
        assert!(page.contains("data-problem=\"true\" checked><span>weird</span>"));
        // No cases: said so.
        let page = super::page(&json!({}));
        assert!(page.contains("The report has no cases."));
        assert_eq!(cell(&page, "all", "total"), "0");
    }

    #[test]
    fn sample_report() {
        let report: Value =
            serde_json::from_str(include_str!("../../tests/report/sample-report.json"))
                .expect("the sample report is JSON");
        let page = page(&report);
        assert!(!page.contains("totals-mismatch"));
        assert_eq!(cell(&page, "all", "total"), "10");
        assert!(page.contains("Harness error"));
        // With CONFORMANCE_HTML_SAMPLE set, the page is written there, for
        // the browser check (tests/report/check.mjs) and for a look; with
        // CONFORMANCE_HTML_SAMPLE_JSON set too, the page of that report.
        if let Some(path) = std::env::var_os("CONFORMANCE_HTML_SAMPLE") {
            let page = match std::env::var_os("CONFORMANCE_HTML_SAMPLE_JSON") {
                Some(json) => super::page(
                    &serde_json::from_slice(&std::fs::read(json).expect("the report is read"))
                        .expect("the report is JSON"),
                ),
                None => page,
            };
            std::fs::write(&path, page).expect("the sample page is written");
        }
    }
}
