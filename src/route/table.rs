//! The compiled routing table.
//! OWNER: config/routing helper; the API (RoutingTable::new, routes_for, Route fields)
//! is used by the runtime.

use std::sync::Arc;

use ferry_core::Event;

use super::filter::Filter;
use crate::config::RouteConfig;

/// One `[[routes]]` entry, ready to match.
#[derive(Debug, Clone)]
pub struct Route {
    /// Its `name`, or `route-<index>`.
    pub name: Arc<str>,
    pub from: Vec<Arc<str>>,
    pub filter: Option<Filter>,
    /// Sink names, one copy each.
    pub to: Vec<Arc<str>>,
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
