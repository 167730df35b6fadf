//! `{{name}}` variables: listing them in a text and replacing them.

use indexmap::IndexMap;

/// The variable names a text uses, in order of appearance.
pub fn names(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    found
}

/// Replaces every `{{name}}` of `text`; the first unknown name is the error.
pub fn substitute(text: &str, vars: &IndexMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        let value = vars.get(name).ok_or_else(|| name.to_owned())?;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_found_and_replaced_in_order() {
        let text = "/calls/{{id}}/note?x={{ token }}&y={{id}}";
        assert_eq!(names(text), ["id", "token", "id"]);
        let vars = IndexMap::from([
            ("id".to_owned(), "7".to_owned()),
            ("token".to_owned(), "t".to_owned()),
        ]);
        assert_eq!(substitute(text, &vars).unwrap(), "/calls/7/note?x=t&y=7");
    }

    #[test]
    fn an_unknown_variable_is_named() {
        assert_eq!(substitute("a{{b}}c", &IndexMap::new()), Err("b".to_owned()));
    }

    #[test]
    fn unclosed_braces_are_left_alone() {
        assert_eq!(substitute("{{open", &IndexMap::new()).unwrap(), "{{open");
    }
}
