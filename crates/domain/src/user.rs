//! Users, roles and the scope every read and write is filtered by.
//!
//! A user holds one or more [`Grant`]s: a role on an administrative-unit subtree. What an actor
//! may see or do on a unit is decided here, from the unit's materialised path alone.

use crate::error::Invalid;
use crate::unit::in_subtree;
use serde::{Deserialize, Serialize};

/// Vai trò — role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống
    Admin,
    /// Cán bộ BHXH tỉnh — provincial SI officer
    ProvinceOfficer,
    /// Cán bộ xã — commune officer
    CommuneOfficer,
    /// Thành viên tổ chức đoàn thể — mass-organisation member (Hội Nông dân, Hội Phụ nữ …)
    OrgMember,
    /// Nhân viên thu / đại lý thu — collector
    Collector,
    /// Người xem — read only
    Viewer,
}

/// Quyền — what a role allows on its subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    View,
    ViewAudit,
    /// Add and rename villages and inter-family groups.
    ManagePlaces,
    /// Register and edit persons and households.
    EditPeople,
    ManageUsers,
    ManageParameters,
    /// Enrol in VSI / household HI, take payments and issue receipts from one's own books.
    Collect,
    /// Issue receipt books to collectors, void any receipt in scope.
    ManageBooks,
    /// Run community models (mô hình): launch, members, pledges, fund entries; run campaigns.
    ManageModels,
    /// Visit households door to door and log each visit (đi vận động).
    Visit,
    /// Enter official denominators and targets, hand targets down, take snapshots (chỉ tiêu).
    ManageTargets,
    /// Record a household's poverty status and area flags as the commune decided them (xác nhận
    /// hộ nghèo, cận nghèo): a commune decision, not something every registrar may set.
    CertifyHouseholds,
}

impl Permission {
    /// Every permission, in the order the users page explains them.
    pub const ALL: [Permission; 12] = [
        Permission::View,
        Permission::EditPeople,
        Permission::CertifyHouseholds,
        Permission::ManagePlaces,
        Permission::Collect,
        Permission::ManageBooks,
        Permission::ManageModels,
        Permission::Visit,
        Permission::ManageTargets,
        Permission::ViewAudit,
        Permission::ManageUsers,
        Permission::ManageParameters,
    ];

    /// What the permission lets a person do, in Vietnamese.
    pub fn label_vi(self) -> &'static str {
        match self {
            Permission::View => "Xem nhân khẩu, hộ và số liệu trong phạm vi",
            Permission::EditPeople => "Thêm, sửa nhân khẩu và hộ; nhập danh sách",
            Permission::CertifyHouseholds => {
                "Ghi nhận hộ nghèo, cận nghèo và vùng của hộ theo quyết định của xã"
            }
            Permission::ManagePlaces => "Thêm, đổi tên thôn và tổ liên gia",
            Permission::Collect => "Đăng ký tham gia, thu tiền và cấp biên lai",
            Permission::ManageBooks => "Cấp quyển biên lai, huỷ biên lai trong phạm vi",
            Permission::ManageModels => "Lập mô hình an sinh, chiến dịch, quỹ cộng đồng",
            Permission::Visit => "Đi vận động và ghi lại từng lần đến hộ",
            Permission::ManageTargets => "Nhập chỉ tiêu, mẫu số và giao chỉ tiêu",
            Permission::ViewAudit => "Xem nhật ký thao tác",
            Permission::ManageUsers => "Quản lý người dùng, vai trò và khoá API",
            Permission::ManageParameters => "Sửa tham số pháp lý",
        }
    }

    /// What the permission lets a person do, in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Permission::View => "See persons, households and figures in scope",
            Permission::EditPeople => "Add and edit persons and households; import lists",
            Permission::CertifyHouseholds => {
                "Record poor / near-poor status and area flags as the commune decided"
            }
            Permission::ManagePlaces => "Add and rename villages and inter-family groups",
            Permission::Collect => "Enrol, take payments and issue receipts",
            Permission::ManageBooks => "Issue receipt books, void receipts in scope",
            Permission::ManageModels => "Run community models, campaigns and funds",
            Permission::Visit => "Visit households and log each visit",
            Permission::ManageTargets => "Enter targets and denominators, hand targets down",
            Permission::ViewAudit => "Read the audit log",
            Permission::ManageUsers => "Manage users, roles and API tokens",
            Permission::ManageParameters => "Edit the legal parameters",
        }
    }
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::ProvinceOfficer,
        Role::CommuneOfficer,
        Role::OrgMember,
        Role::Collector,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProvinceOfficer => "province_officer",
            Role::CommuneOfficer => "commune_officer",
            Role::OrgMember => "org_member",
            Role::Collector => "collector",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::ProvinceOfficer => "Cán bộ BHXH tỉnh",
            Role::CommuneOfficer => "Cán bộ xã",
            Role::OrgMember => "Thành viên tổ chức đoàn thể",
            Role::Collector => "Nhân viên thu",
            Role::Viewer => "Người xem",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::ProvinceOfficer => "Province officer",
            Role::CommuneOfficer => "Commune officer",
            Role::OrgMember => "Organisation member",
            Role::Collector => "Collector",
            Role::Viewer => "Viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Invalid> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| {
            let all = Role::ALL.map(Role::as_str).join(", ");
            Invalid::new(
                "role",
                format!("Vai trò «{s}» không hợp lệ; chọn một trong: {all}"),
                format!("role «{s}» is not one of: {all}"),
            )
        })
    }

    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            // The provincial SI office issues receipt books (DOMAIN.md §10).
            Role::ProvinceOfficer => {
                matches!(
                    p,
                    View | ViewAudit
                        | ManagePlaces
                        | EditPeople
                        | CertifyHouseholds
                        | ManageBooks
                        | ManageModels
                        | Visit
                        | ManageTargets
                )
            }
            Role::CommuneOfficer => {
                matches!(
                    p,
                    View | ViewAudit | ManagePlaces | EditPeople | CertifyHouseholds | ManageModels | Visit
                )
            }
            // Mass organisations register their members and run the community models (DOMAIN.md
            // §9); collectors register whom they enrol, take their payments and visit. Neither
            // records a household's poverty status: the commune decides it.
            Role::OrgMember => matches!(p, View | EditPeople | ManageModels | Visit),
            Role::Collector => matches!(p, View | EditPeople | Collect | Visit),
            Role::Viewer => matches!(p, View),
        }
    }
}

/// Tên đăng nhập — 3 to 32 of `a-z 0-9 . _ -`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, Invalid> {
        let s = s.trim().to_lowercase();
        let ok = (3..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if ok {
            Ok(Username(s))
        } else {
            Err(Invalid::new(
                "username",
                "Tên đăng nhập cần 3–32 ký tự a-z, 0-9, dấu chấm, gạch dưới hoặc gạch ngang, bắt đầu bằng chữ cái",
                "username needs 3–32 of a-z, 0-9, '.', '_' or '-', starting with a letter",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Check a new password: at least 10 characters, at most 200.
pub fn check_password(p: &str) -> Result<(), Invalid> {
    let n = p.chars().count();
    if n < 10 {
        return Err(Invalid::new(
            "password",
            "Mật khẩu cần ít nhất 10 ký tự",
            "password needs at least 10 characters",
        ));
    }
    if n > 200 {
        return Err(Invalid::new(
            "password",
            "Mật khẩu dài quá 200 ký tự",
            "password is longer than 200 characters",
        ));
    }
    Ok(())
}

/// A role held on a unit's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub unit_id: i64,
    pub unit_path: String,
    pub unit_name: String,
}

/// Who is acting: a logged-in user, a token holder, or the system itself (CLI, bootstrap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `None` for the system actor.
    pub user_id: Option<i64>,
    pub username: String,
    pub grants: Vec<Grant>,
}

impl Actor {
    /// The system actor (command line, first start): administrator of the whole country.
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            username: "system".into(),
            grants: vec![Grant {
                role: Role::Admin,
                unit_id: crate::unit::ROOT_ID,
                unit_path: crate::unit::ROOT_PATH.into(),
                unit_name: "Việt Nam".into(),
            }],
        }
    }

    /// May this actor do `p` on the unit at `path`?
    pub fn can(&self, p: Permission, path: &str) -> bool {
        self.grants.iter().any(|g| g.role.allows(p) && in_subtree(path, &g.unit_path))
    }

    /// Whether the actor holds `p` anywhere (to show or hide a menu).
    pub fn has(&self, p: Permission) -> bool {
        self.grants.iter().any(|g| g.role.allows(p))
    }

    /// Subtree roots the actor may do `p` in; queries filter by these.
    pub fn roots(&self, p: Permission) -> Vec<String> {
        let mut roots: Vec<String> =
            self.grants.iter().filter(|g| g.role.allows(p)).map(|g| g.unit_path.clone()).collect();
        roots.sort();
        // Drop roots inside another root: the outer one already covers them.
        let mut out: Vec<String> = Vec::new();
        for r in roots {
            if !out.iter().any(|o| in_subtree(&r, o)) {
                out.push(r);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, path: &str) -> Actor {
        Actor {
            user_id: Some(1),
            username: "a".into(),
            grants: vec![Grant { role, unit_id: 5, unit_path: path.into(), unit_name: "X".into() }],
        }
    }

    #[test]
    fn scope_is_a_subtree() {
        let a = actor(Role::CommuneOfficer, "/0/5/9/");
        assert!(a.can(Permission::ManagePlaces, "/0/5/9/"));
        assert!(a.can(Permission::View, "/0/5/9/100/"));
        assert!(!a.can(Permission::View, "/0/5/"));
        assert!(!a.can(Permission::View, "/0/5/90/"));
        assert!(!a.can(Permission::ManageUsers, "/0/5/9/"));
        let v = actor(Role::Viewer, "/0/5/");
        assert!(v.can(Permission::View, "/0/5/9/"));
        assert!(!v.can(Permission::ManagePlaces, "/0/5/9/"));
    }

    #[test]
    fn roots_drop_nested() {
        let mut a = actor(Role::Viewer, "/0/5/");
        a.grants.push(Grant {
            role: Role::Viewer,
            unit_id: 9,
            unit_path: "/0/5/9/".into(),
            unit_name: "Y".into(),
        });
        assert_eq!(a.roots(Permission::View), vec!["/0/5/".to_string()]);
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("long enough pw").is_ok());
    }
}
