//! Subscriptions API filter dialects (CloudEvents Subscriptions 1.0, "filters") over
//! an event's attributes and extensions.
//!
//! Values are compared with the attribute's canonical string (an Integer extension
//! `5` equals `"5"`), case-sensitively; an attribute the event lacks never matches,
//! not even a `prefix` of `""` (the loader refuses empty values anyway). Filters are
//! built and checked by [`super::parse::parse_filter`] when the config loads.

use std::collections::BTreeMap;

use ferry_core::Event;
use serde::Deserialize;

/// One filter expression, as written in a route's `filter = { ... }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Filter {
    /// Every listed attribute is present and equals the value.
    Exact(BTreeMap<String, String>),
    /// Every listed attribute is present and starts with the value.
    Prefix(BTreeMap<String, String>),
    /// Every listed attribute is present and ends with the value.
    Suffix(BTreeMap<String, String>),
    /// Every nested filter matches.
    All(Vec<Filter>),
    /// At least one nested filter matches.
    Any(Vec<Filter>),
    /// The nested filter does not match.
    Not(Box<Filter>),
    /// CESQL: recognised, refused at load until the routing-language issue.
    Sql(String),
}

impl Filter {
    /// The dialect names, in the order the spec lists them.
    pub const DIALECTS: &'static [&'static str] =
        &["exact", "prefix", "suffix", "all", "any", "not", "sql"];

    /// True when `event` passes.
    pub fn matches(&self, event: &Event) -> bool {
        match self {
            Filter::Exact(attrs) => every_attribute(attrs, event, |value, want| value == want),
            Filter::Prefix(attrs) => {
                every_attribute(attrs, event, |value, want| value.starts_with(want))
            }
            Filter::Suffix(attrs) => {
                every_attribute(attrs, event, |value, want| value.ends_with(want))
            }
            Filter::All(filters) => filters.iter().all(|f| f.matches(event)),
            Filter::Any(filters) => filters.iter().any(|f| f.matches(event)),
            Filter::Not(filter) => !filter.matches(event),
            // Refused at load. Should one get here anyway, the spec's rule for an
            // expression that cannot be evaluated applies: no match.
            Filter::Sql(_) => false,
        }
    }
}

/// True when every `name = want` pair holds for a present attribute.
fn every_attribute(
    attrs: &BTreeMap<String, String>,
    event: &Event,
    test: impl Fn(&str, &str) -> bool,
) -> bool {
    attrs.iter().all(|(name, want)| {
        event
            .attribute(name)
            .is_some_and(|value| test(&value.to_canonical(), want))
    })
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use ferry_core::event::AttrInput;
    use ferry_core::EventBuilder;

    use super::*;

    /// type `com.example.order.created`, source `/shop/test`, subject `Order-1`,
    /// extensions `sequence` (Integer 42) and `urgent` (Boolean true).
    fn event() -> Event {
        let mut b = EventBuilder::new();
        let s = |v: &'static str| AttrInput::String(Cow::Borrowed(v));
        let attrs = [
            ("specversion", s("1.0")),
            ("id", s("1")),
            ("source", s("/shop/test")),
            ("type", s("com.example.order.created")),
            ("subject", s("Order-1")),
            ("sequence", AttrInput::Integer(42)),
            ("urgent", AttrInput::Boolean(true)),
        ];
        for (name, value) in attrs {
            b.attribute(name, value).unwrap();
        }
        b.build().unwrap()
    }

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn exact(pairs: &[(&str, &str)]) -> Filter {
        Filter::Exact(attrs(pairs))
    }
    fn prefix(pairs: &[(&str, &str)]) -> Filter {
        Filter::Prefix(attrs(pairs))
    }
    fn suffix(pairs: &[(&str, &str)]) -> Filter {
        Filter::Suffix(attrs(pairs))
    }

    #[test]
    fn dialects_match_as_the_spec_says() {
        let cases: Vec<(&str, Filter, bool)> = vec![
            (
                "exact type",
                exact(&[("type", "com.example.order.created")]),
                true,
            ),
            ("exact is whole", exact(&[("type", "com.example")]), false),
            (
                "exact case-sensitive",
                exact(&[("subject", "order-1")]),
                false,
            ),
            (
                "exact every pair",
                exact(&[("id", "1"), ("source", "/shop/test")]),
                true,
            ),
            (
                "exact one pair fails",
                exact(&[("id", "1"), ("source", "/x")]),
                false,
            ),
            ("exact specversion", exact(&[("specversion", "1.0")]), true),
            (
                "exact integer extension",
                exact(&[("sequence", "42")]),
                true,
            ),
            (
                "exact boolean extension",
                exact(&[("urgent", "true")]),
                true,
            ),
            (
                "exact missing attribute",
                exact(&[("dataschema", "x")]),
                false,
            ),
            ("exact missing extension", exact(&[("region", "eu")]), false),
            ("prefix", prefix(&[("type", "com.example.")]), true),
            (
                "prefix whole value",
                prefix(&[("type", "com.example.order.created")]),
                true,
            ),
            ("prefix no", prefix(&[("type", "org.")]), false),
            (
                "prefix case-sensitive",
                prefix(&[("subject", "order")]),
                false,
            ),
            ("prefix integer", prefix(&[("sequence", "4")]), true),
            ("prefix missing", prefix(&[("time", "2")]), false),
            ("suffix", suffix(&[("source", "/test")]), true),
            ("suffix no", suffix(&[("source", "/prod")]), false),
            ("suffix missing", suffix(&[("subject2", "1")]), false),
            (
                "all",
                Filter::All(vec![
                    prefix(&[("type", "com.")]),
                    suffix(&[("source", "test")]),
                ]),
                true,
            ),
            (
                "all one fails",
                Filter::All(vec![
                    prefix(&[("type", "com.")]),
                    suffix(&[("source", "x")]),
                ]),
                false,
            ),
            (
                "any",
                Filter::Any(vec![exact(&[("id", "2")]), exact(&[("id", "1")])]),
                true,
            ),
            (
                "any none",
                Filter::Any(vec![exact(&[("id", "2")]), exact(&[("id", "3")])]),
                false,
            ),
            ("not", Filter::Not(Box::new(exact(&[("id", "2")]))), true),
            (
                "not matching",
                Filter::Not(Box::new(exact(&[("id", "1")]))),
                false,
            ),
            (
                "not missing attribute",
                Filter::Not(Box::new(exact(&[("region", "eu")]))),
                true,
            ),
            (
                "design example",
                Filter::All(vec![
                    exact(&[("type", "com.example.order.created")]),
                    Filter::Not(Box::new(suffix(&[("source", "/test")]))),
                ]),
                false,
            ),
            ("sql never matches", Filter::Sql("TRUE".into()), false),
        ];
        let event = event();
        for (name, filter, want) in cases {
            assert_eq!(filter.matches(&event), want, "{name}: {filter:?}");
        }
    }
}
