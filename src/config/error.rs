//! Config problems: every one found in a file, reported together.
//!
//! Loading never stops at the first mistake: a user fixing a config should see the
//! whole list at once. Each [`Problem`] names where it is (the table, like
//! `sinks.hook` or `routes.2`, and the key inside it) so it can be found in the file.

use std::fmt;

/// One thing wrong with a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The table it is in, as written in TOML without brackets (`sinks.hook`,
    /// `routes.2`); `None` for the file as a whole (syntax, substitution).
    pub table: Option<String>,
    /// The key inside that table (`url`, `retry.attempts`, `filter.all[0]`), when
    /// the problem is about one key's value rather than the table.
    pub key: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole.
    pub fn file(message: impl Into<String>) -> Self {
        Self {
            table: None,
            key: None,
            message: message.into(),
        }
    }

    /// A problem with a table itself (an unknown key, a wrong type).
    pub fn table(table: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            table: Some(table.into()),
            key: None,
            message: message.into(),
        }
    }

    /// A problem with one key of a table.
    pub fn key(
        table: impl Into<String>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            table: Some(table.into()),
            key: Some(key.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    /// `[table] key: message`, leaving out whichever part is absent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(table) = &self.table {
            write!(f, "[{table}] ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one config, in a stable order: file-level problems, then
/// top-level keys, `[admin]`, `[runtime]`, sources and sinks by name, routes in file
/// order, then cross-references between them.
///
/// Displays one problem per line, so a CLI can print it as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors {
    problems: Vec<Problem>,
}

impl ConfigErrors {
    /// Wraps a non-empty list of problems.
    pub fn new(problems: Vec<Problem>) -> Self {
        Self { problems }
    }

    /// One problem about the file as a whole (unreadable, unknown format).
    pub fn single(problem: Problem) -> Self {
        Self::new(vec![problem])
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn len(&self) -> usize {
        self.problems.len()
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl IntoIterator for ConfigErrors {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.problems.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_table_key_and_message() {
        let cases = [
            (Problem::file("syntax error"), "syntax error"),
            (
                Problem::table("sources.web", "unknown key `lisen`"),
                "[sources.web] unknown key `lisen`",
            ),
            (
                Problem::key("sinks.hook", "url", "missing field"),
                "[sinks.hook] url: missing field",
            ),
        ];
        for (problem, want) in cases {
            assert_eq!(problem.to_string(), want);
        }
    }

    #[test]
    fn one_problem_per_line() {
        let errors = ConfigErrors::new(vec![Problem::file("a"), Problem::table("admin", "b")]);
        assert_eq!(errors.to_string(), "a\n[admin] b");
        assert_eq!(errors.len(), 2);
    }
}
