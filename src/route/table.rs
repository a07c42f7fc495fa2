//! The compiled routing table: routes in file order, each taking events from its
//! sources that pass its filter. The runtime asks [`RoutingTable::routes_for`] once
//! per event and sends one copy per (route, sink); an event no route takes is
//! "filtered" (acknowledged, not delivered).

use std::sync::Arc;

use ferry_core::Event;

use super::filter::Filter;
use crate::config::RouteConfig;

/// One `[[routes]]` entry, ready to match.
#[derive(Debug, Clone)]
pub struct Route {
    /// Its `name`, or `route-<index>`.
    pub name: Arc<str>,
    /// Source names it takes events from.
    pub from: Vec<Arc<str>>,
    /// `None`: every event from those sources.
    pub filter: Option<Filter>,
    /// Sink names, one copy each.
    pub to: Vec<Arc<str>>,
    /// Sink for copies that fail permanently or run out of retries.
    pub dead_letter: Option<Arc<str>>,
}

/// All routes in file order.
#[derive(Debug, Clone, Default)]
pub struct RoutingTable {
    routes: Vec<Route>,
}

impl RoutingTable {
    /// Compiles validated route configs.
    pub fn new(routes: &[RouteConfig]) -> Self {
        let routes = routes
            .iter()
            .enumerate()
            .map(|(i, r)| Route {
                name: r.display_name(i).into(),
                from: r.from.iter().map(|s| Arc::from(s.as_str())).collect(),
                filter: r.filter.clone(),
                to: r.to.iter().map(|s| Arc::from(s.as_str())).collect(),
                dead_letter: r.dead_letter.as_deref().map(Arc::from),
            })
            .collect();
        Self { routes }
    }

    /// Every route, in file order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The routes that take `event` from `source`, in file order.
    pub fn routes_for<'a>(
        &'a self,
        source: &'a str,
        event: &'a Event,
    ) -> impl Iterator<Item = &'a Route> + 'a {
        self.routes.iter().filter(move |r| {
            r.from.iter().any(|f| &**f == source)
                && r.filter.as_ref().is_none_or(|f| f.matches(event))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    use ferry_core::event::AttrInput;
    use ferry_core::EventBuilder;

    use super::*;

    fn event(ty: &str) -> Event {
        let mut b = EventBuilder::new();
        for (name, value) in [
            ("specversion", "1.0"),
            ("id", "1"),
            ("source", "/s"),
            ("type", ty),
        ] {
            b.attribute(name, AttrInput::String(Cow::Borrowed(value)))
                .unwrap();
        }
        b.build().unwrap()
    }

    fn route(
        name: Option<&str>,
        from: &[&str],
        filter: Option<Filter>,
        to: &[&str],
    ) -> RouteConfig {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        RouteConfig {
            name: name.map(str::to_owned),
            from: names(from),
            to: names(to),
            filter,
            dead_letter: None,
        }
    }

    fn type_prefix(prefix: &str) -> Option<Filter> {
        let attrs = BTreeMap::from([("type".to_string(), prefix.to_string())]);
        Some(Filter::Prefix(attrs))
    }

    /// Routes in file order: `iot` (devices, com.*), route-2 (devices + web, all),
    /// route-3 (web, org.*), `archive` (devices, org.*).
    fn table() -> RoutingTable {
        RoutingTable::new(&[
            route(
                Some("iot"),
                &["devices"],
                type_prefix("com."),
                &["kafka", "printer"],
            ),
            route(None, &["devices", "web"], None, &["archive"]),
            route(None, &["web"], type_prefix("org."), &["hook"]),
            route(
                Some("archive"),
                &["devices"],
                type_prefix("org."),
                &["archive"],
            ),
        ])
    }

    #[test]
    fn compiles_names_and_fields() {
        let table = table();
        let names: Vec<&str> = table.routes().iter().map(|r| &*r.name).collect();
        assert_eq!(names, ["iot", "route-2", "route-3", "archive"]);
        let iot = &table.routes()[0];
        assert_eq!(
            iot.to.iter().map(|s| &**s).collect::<Vec<_>>(),
            ["kafka", "printer"]
        );
        assert!(iot.filter.is_some() && iot.dead_letter.is_none());
    }

    #[test]
    fn routes_for_matches_source_and_filter_in_file_order() {
        let cases: &[(&str, &str, &[&str])] = &[
            // Fan-out: one event taken by two routes (and to two sinks in `iot`).
            ("devices", "com.example.telemetry", &["iot", "route-2"]),
            ("devices", "org.example", &["route-2", "archive"]),
            // No filter takes everything from its sources.
            ("devices", "net.other", &["route-2"]),
            ("web", "com.example", &["route-2"]),
            ("web", "org.example", &["route-2", "route-3"]),
            // A source no route names: nothing.
            ("orders", "com.example", &[]),
            // Source names are exact.
            ("Devices", "com.example", &[]),
        ];
        let table = table();
        for (source, ty, want) in cases {
            let event = event(ty);
            let got: Vec<&str> = table.routes_for(source, &event).map(|r| &*r.name).collect();
            assert_eq!(&got, want, "{source} {ty}");
        }
    }

    #[test]
    fn empty_table_routes_nothing() {
        let table = RoutingTable::new(&[]);
        assert_eq!(table.routes_for("devices", &event("x")).count(), 0);
    }
}
