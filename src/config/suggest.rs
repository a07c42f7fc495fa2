//! "Did you mean" for misspelt keys, bindings, dialects and names: the closest
//! known word when it is within a typo's distance.

/// `unknown WHAT `name``, with the closest of `known` when it looks like a typo,
/// else all of them.
pub fn unknown_name(what: &str, name: &str, known: &[&str]) -> String {
    match did_you_mean(name, known) {
        Some(close) => format!("unknown {what} `{name}` (did you mean `{close}`?)"),
        None => format!(
            "unknown {what} `{name}` (expected one of {})",
            known.join(", ")
        ),
    }
}

/// The candidate closest to `word`, when it is close enough to be a typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance over chars counting a swap of neighbours as one edit (optimal
/// string alignment), since `wbe` for `web` is as likely a typo as `we`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between the first i chars of a and the first j of b.
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_keys() {
        assert_eq!(did_you_mean("lisen", &["listen", "path"]), Some("listen"));
        assert_eq!(did_you_mean("pth", &["listen", "path"]), Some("path"));
        assert_eq!(did_you_mean("url", &["listen", "path"]), None);
        assert_eq!(did_you_mean("wbe", &["web", "hook"]), Some("web"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
