//! Trang đầu — what a signed-in user sees first: the figures of their scope (residents,
//! working-age residents, households, poor and near-poor households, coverage this month) and
//! the next things their role does, each a count and a link.

use crate::indicators::UnitIndicators;
use crate::{App, Result};
use ansinh_domain::{Actor, Indicator, Level, Permission, Role, Unit};

/// The figures of one scope root.
#[derive(Debug, Clone)]
pub struct ScopeFigures {
    pub unit: Unit,
    /// Residents, working-age residents and coverage this month (the live indicator counts).
    pub indicators: Option<UnitIndicators>,
    /// Households living in the place (the derived counts).
    pub households: i64,
    /// Poor and near-poor households of this year's list.
    pub poor: i64,
    pub near_poor: i64,
}

impl ScopeFigures {
    pub fn coverage(&self, i: Indicator) -> Option<&crate::indicators::IndicatorValue> {
        self.indicators.as_ref().and_then(|x| x.get(i))
    }
}

/// A next task on the home page: a count and where to do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Message key of the label (the page words it).
    pub label: &'static str,
    pub count: Option<i64>,
    pub href: &'static str,
}

#[derive(Debug, Clone)]
pub struct Home {
    /// The roles the actor holds (one per grant, usually one).
    pub roles: Vec<Role>,
    pub scopes: Vec<ScopeFigures>,
    pub tasks: Vec<Task>,
}

/// Scope roots shown with their figures (an organisation member may hold many groups; the
/// page lists the first ones and links the rest through the unit pages).
pub const MAX_SCOPES: usize = 6;

impl App {
    /// The home page of `actor`.
    pub async fn home(&self, actor: &Actor) -> Result<Home> {
        let today = self.today();
        let year = chrono::Datelike::year(&today);
        let roots = self.scope_roots(actor).await?;
        let mut scopes = Vec::new();
        for unit in roots.into_iter().take(MAX_SCOPES) {
            // Indicators are kept for provinces down to villages; a group shows its counts only.
            let indicators = self.unit_indicators(actor, unit.id, today).await.ok();
            let mut r = self.db.read().await?;
            let mut c = r.conn();
            let (_, households) = c.unit_totals(&unit.path).await?;
            let (poor, near_poor) = c.poverty_totals(&unit.path, year).await?;
            scopes.push(ScopeFigures { unit, indicators, households, poor, near_poor });
        }
        let mut tasks = Vec::new();
        let mut roles: Vec<Role> = actor.grants.iter().map(|g| g.role).collect();
        roles.dedup();
        let has = |r: &[Role]| roles.iter().any(|x| r.contains(x));
        let can = |p: Permission| scopes.iter().any(|s| actor.can(p, &s.unit.path));
        // Counting walks the scope's records: done for a commune and below, where it is a few
        // thousand rows; a district or province gets the link alone.
        let small = !scopes.is_empty()
            && scopes.iter().all(|s| matches!(s.unit.level, Level::Commune | Level::Village | Level::Group));
        if can(Permission::Collect) {
            let due = if small { Some(self.due_list(actor, 30, None).await?.len() as i64) } else { None };
            tasks.push(Task { label: "home-task-due", count: due, href: "/collect" });
        }
        if can(Permission::Visit) {
            tasks.push(Task { label: "home-task-visits", count: None, href: "/outreach/next" });
        }
        if can(Permission::EditPeople) {
            let dups = if small { Some(self.duplicates(actor).await?.len() as i64) } else { None };
            tasks.push(Task { label: "home-task-duplicates", count: dups, href: "/persons/duplicates" });
            tasks.push(Task { label: "home-task-add", count: None, href: "/persons/new" });
        }
        if has(&[Role::Admin, Role::ProvinceOfficer, Role::CommuneOfficer, Role::Viewer]) {
            tasks.push(Task { label: "home-task-indicators", count: None, href: "/indicators" });
        }
        if can(Permission::ManageModels) || has(&[Role::OrgMember]) {
            tasks.push(Task { label: "home-task-models", count: None, href: "/models" });
        }
        Ok(Home { roles, scopes, tasks })
    }
}
