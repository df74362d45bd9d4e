//! The shortcut that keeps regular expressions cheap: [`required_literals`] works out plain
//! literals one of which every match must contain (and, when every alternative starts with
//! one, where a match can start), so the regex engine is skipped on posts without them and
//! started at the first place a match could begin ([`regex_matches`]).

/// What every match of a regular expression must contain (see [`required_literals`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Literals {
    /// Lowercase ASCII literals; every match contains one of them.
    pub(super) any_of: Vec<String>,
    /// When every alternative starts with a literal: those literals. Every match then
    /// starts where one of them occurs, so the search can begin at the first occurrence.
    pub(super) prefixes: Option<Vec<String>>,
}

/// Where `lit` (lowercase ASCII) first occurs in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, lit: &str) -> Option<usize> {
    let (h, l) = (hay.as_bytes(), lit.as_bytes());
    let first = *l.first()?;
    if l.len() > h.len() {
        return None;
    }
    (0..=h.len() - l.len())
        .find(|&i| h[i].to_ascii_lowercase() == first && h[i..i + l.len()].eq_ignore_ascii_case(l))
}

/// Whether `r` matches `hay`, starting the search where one of `lits` first occurs (or
/// everywhere when `lits` is `None`).
pub(super) fn regex_matches(r: &regex_lite::Regex, lits: Option<&Literals>, hay: &str) -> bool {
    match lits.and_then(|l| l.prefixes.as_ref()) {
        Some(prefixes) => prefixes
            .iter()
            .filter_map(|p| find_ascii_ci(hay, p))
            .min()
            .is_some_and(|at| r.is_match_at(hay, at)),
        None => r.is_match(hay),
    }
}

/// Literals, one of which every match of `pattern` contains, lowercased; `None` when that
/// cannot be worked out simply. Conservative by construction: each top-level alternative
/// contributes its longest run of plain ASCII characters that must appear in every match
/// of that alternative (no whitespace, nothing optional, nothing inside groups or classes);
/// patterns with flags (`(?…`) get no literals. Matching is ASCII-case-insensitive at most
/// (regex-lite's `(?i)` is ASCII only), and the literals are compared against the
/// lowercased text, so a post the regex matches always contains one of them.
pub(super) fn required_literals(pattern: &str) -> Option<Literals> {
    if pattern.contains("(?") {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out: Vec<String> = Vec::new();
    // Each alternative's first run, when the alternative starts with it.
    let mut prefixes: Vec<String> = Vec::new();
    let mut prefix: Option<String> = None;
    let (mut best, mut run) = (String::new(), String::new());
    let mut last_literal = false;
    // A quantifier on a quantified item (`a+{0,2}`) can make the item optional after all.
    let mut last_quantifier = false;
    let mut i = 0;
    let finish_run = |best: &mut String, run: &mut String, prefix: &mut Option<String>| {
        if prefix.is_none() {
            *prefix = Some(run.clone());
        }
        if run.len() > best.len() {
            *best = run.clone();
        }
        run.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let after_quantifier = std::mem::take(&mut last_quantifier);
        match c {
            '|' => {
                finish_run(&mut best, &mut run, &mut prefix);
                if best.is_empty() {
                    return None;
                }
                out.push(std::mem::take(&mut best));
                prefixes.push(prefix.take().unwrap_or_default());
                last_literal = false;
            }
            '?' | '*' | '{' | '+' if after_quantifier => return None,
            '?' | '*' | '{' => {
                last_quantifier = true;
                if last_literal {
                    run.pop();
                }
                if c == '{' {
                    while i < chars.len() && chars[i] != '}' {
                        i += 1;
                    }
                    i += 1;
                }
                if chars.get(i) == Some(&'?') {
                    i += 1; // lazy
                }
                finish_run(&mut best, &mut run, &mut prefix);
                last_literal = false;
            }
            '+' => {
                last_quantifier = true;
                if chars.get(i) == Some(&'?') {
                    i += 1;
                }
                finish_run(&mut best, &mut run, &mut prefix);
                last_literal = false;
            }
            '(' => {
                finish_run(&mut best, &mut run, &mut prefix);
                i = skip_group(&chars, i);
                last_literal = false;
            }
            '[' => {
                finish_run(&mut best, &mut run, &mut prefix);
                i = skip_class(&chars, i);
                last_literal = false;
            }
            '\\' => {
                let &e = chars.get(i)?;
                i += 1;
                // `\<` and `\>` are word boundaries in regex-lite, not characters.
                if e.is_ascii_punctuation() && e != '<' && e != '>' {
                    run.push(e.to_ascii_lowercase());
                    last_literal = true;
                } else {
                    if chars.get(i) == Some(&'{') {
                        while i < chars.len() && chars[i] != '}' {
                            i += 1;
                        }
                        i += 1;
                    }
                    finish_run(&mut best, &mut run, &mut prefix);
                    last_literal = false;
                }
            }
            c if c.is_ascii_alphanumeric() || (c.is_ascii_punctuation() && !"^$.)]}".contains(c)) => {
                run.push(c.to_ascii_lowercase());
                last_literal = true;
            }
            _ => {
                finish_run(&mut best, &mut run, &mut prefix);
                last_literal = false;
            }
        }
    }
    finish_run(&mut best, &mut run, &mut prefix);
    if best.is_empty() {
        return None;
    }
    out.push(best);
    prefixes.push(prefix.unwrap_or_default());
    let prefixes = prefixes.iter().all(|p| !p.is_empty()).then_some(prefixes);
    Some(Literals { any_of: out, prefixes })
}

/// The index just past the group whose `(` is before `i`.
fn skip_group(chars: &[char], mut i: usize) -> usize {
    let mut depth = 1;
    while i < chars.len() && depth > 0 {
        match chars[i] {
            '\\' => i += 1,
            '[' => {
                i = skip_class(chars, i + 1);
                continue;
            }
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The index just past the class whose `[` is before `i` (classes may nest).
fn skip_class(chars: &[char], mut i: usize) -> usize {
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        i += 1; // a literal `]` first
    }
    let mut depth = 1;
    while i < chars.len() && depth > 0 {
        match chars[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::definition::compile_regex;
    use crate::feeds::moderation::lowercase;
    use proptest::prelude::*;

    #[test]
    fn required_literals_of_simple_patterns() {
        let lits = |p: &str| required_literals(p).map(|l| l.any_of);
        let prefixes = |p: &str| required_literals(p).and_then(|l| l.prefixes);
        assert_eq!(prefixes("T-minus \\d+|#space"), Some(vec!["t-minus".into(), "#space".into()]));
        assert_eq!(prefixes("colou?r"), Some(vec!["colo".into()]));
        assert_eq!(prefixes("x[abc]yz"), Some(vec!["x".into()]));
        assert_eq!(prefixes("[abc]yz"), None);
        assert_eq!(prefixes("a|\\d"), None);
        // The search starts at the earliest literal: here only the first alternative matches.
        let re = compile_regex("ab|x\\d", false).unwrap();
        let found = required_literals("ab|x\\d");
        assert!(regex_matches(&re, found.as_ref(), "AB then x y"));
        assert!(!regex_matches(&re, found.as_ref(), "a b x y"));
        assert_eq!(lits("T-minus \\d+|#space"), Some(vec!["t-minus".into(), "#space".into()]));
        assert_eq!(lits("colou?r"), Some(vec!["colo".into()]));
        assert_eq!(lits("ab+c"), Some(vec!["ab".into()]));
        assert_eq!(lits("a(b|c)d"), Some(vec!["a".into()]));
        assert_eq!(lits("x[abc]yz"), Some(vec!["yz".into()]));
        assert_eq!(lits("rocket\\.launch"), Some(vec!["rocket.launch".into()]));
        assert_eq!(lits("\\p{Greek}{2}abc"), Some(vec!["abc".into()]));
        assert_eq!(lits("(?i)abc"), None);
        assert_eq!(lits("abc|"), None);
        assert_eq!(lits("\\d+"), None);
        assert_eq!(lits(".*"), None);
        assert_eq!(lits("ab{0,2}"), Some(vec!["a".into()]));
        // Cases the property below once found.
        assert_eq!(lits("a+{0,2}"), None, "a quantified `a+` may match nothing");
        assert_eq!(lits("\\<abc"), Some(vec!["abc".into()]), "`\\<` is a word boundary, not `<`");
    }

    fn pieces() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "ab", "A", "-", "#", " ", "\\.", "\\d", "\\w", "\\b", ".", "?", "*", "+", "+?",
                "{0,2}", "{1}", "|", "(", ")", "[ab]", "[^a]", "^", "$", "é", "(a|b)", "\\s", "[]a]",
                "(?:ab)", "x", "\\<", "\\>", "\\-", "]", "}", "{",
            ]),
            0..8,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The literal shortcut never hides a match: wherever the regex matches, the text
        /// contains one of the literals.
        #[test]
        fn required_literals_are_really_required(pattern in pieces(), text in "[abAB#\\-. x1é\n]{0,12}", case_sensitive in any::<bool>()) {
            if let (Ok(re), Some(lits)) = (compile_regex(&pattern, case_sensitive), required_literals(&pattern)) {
                if re.is_match(&text) {
                    let lower = lowercase(&text);
                    prop_assert!(lits.any_of.iter().any(|l| lower.contains(l.as_str())), "{pattern:?} matched {text:?} without {lits:?}");
                }
                prop_assert_eq!(regex_matches(&re, Some(&lits), &text), re.is_match(&text), "{:?} on {:?} with {:?}", pattern, text, lits);
            }
        }
    }
}
