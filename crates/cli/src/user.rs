//! `ansinh user add|token|password|grant|ungrant|disable|enable`.

use crate::Failure;
use ansinh_app::{App, GrantChange, NewUser};
use ansinh_domain::Actor;
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user with a role on a unit's subtree.
    Add {
        #[arg(long)]
        username: String,
        /// admin, province_officer, commune_officer, org_member, collector, viewer
        #[arg(long)]
        role: String,
        /// Unit code the role applies to (its whole subtree), e.g. 42 or 18322.
        #[arg(long)]
        unit: String,
        /// Full name shown in the interface.
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from the first line of standard input (otherwise prompted).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Print a new API bearer token for a user (stored hashed; revocable on the user's page).
    Token {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "CLI")]
        label: String,
    },
    /// Give a user a role on a place (its whole subtree), or change one they have (`--replace`).
    /// Their sessions end.
    Grant {
        #[arg(long)]
        username: String,
        /// admin, province_officer, commune_officer, org_member, collector, viewer
        #[arg(long)]
        role: String,
        /// The place: its code (18322) or its name («Mai Hoa», «Thanh Bình, Mai Hoa»).
        #[arg(long)]
        unit: String,
        /// The role it replaces, as ROLE@UNIT_CODE (e.g. viewer@42).
        #[arg(long)]
        replace: Option<String>,
    },
    /// Take one role away (a user keeps at least one: disable the account instead).
    Ungrant {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        /// The unit code of the role taken away.
        #[arg(long)]
        unit: String,
    },
    /// Disable an account: its sessions end, its tokens stop working, sign-in is refused.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Set a new password (unlocks the account and ends every session of the user).
    Password {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
        /// Also revoke every API token of the user.
        #[arg(long)]
        revoke_tokens: bool,
    },
}

fn read_password(from_stdin: bool) -> Result<String, Failure> {
    let fail = |m: String| Failure { code: 2, message: m };
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| fail(format!("stdin: {e}")))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        return Err(fail(
            "Cần --password-stdin khi không có bàn phím / use --password-stdin when not on a terminal".into(),
        ));
    }
    let p1 = rpassword::prompt_password("Mật khẩu / password: ").map_err(|e| fail(e.to_string()))?;
    let p2 = rpassword::prompt_password("Nhập lại / again: ").map_err(|e| fail(e.to_string()))?;
    if p1 != p2 {
        return Err(fail("Hai lần nhập không khớp / the passwords differ".into()));
    }
    Ok(p1)
}

/// `ROLE@UNIT_CODE` → the (role, unit id) of a grant.
async fn grant_of(app: &App, text: &str) -> Result<(String, i64), Failure> {
    let Some((role, code)) = text.split_once('@') else {
        return Err(Failure {
            code: 2,
            message: format!(
                "«{text}»: cần dạng VAI_TRÒ@MÃ_ĐƠN_VỊ, ví dụ viewer@42 / expected ROLE@UNIT_CODE"
            ),
        });
    };
    ansinh_domain::Role::parse(role).map_err(ansinh_app::AppError::from)?;
    let unit = app.unit_by_code(&Actor::system(), code, None).await?;
    Ok((role.to_string(), unit.id))
}

pub async fn run(app: &App, cmd: UserCommand) -> Result<(), Failure> {
    let system = Actor::system();
    match cmd {
        UserCommand::Add { username, role, unit, name, password_stdin } => {
            // Check what can be checked before asking for a password.
            ansinh_domain::Username::parse(&username).map_err(ansinh_app::AppError::from)?;
            ansinh_domain::Role::parse(&role).map_err(ansinh_app::AppError::from)?;
            let password = read_password(password_stdin)?;
            let n =
                NewUser { username: username.clone(), display_name: name, password, role, unit_code: unit };
            let id = app.add_user(&system, &n).await?;
            println!("Đã tạo người dùng {username} (#{id}). / User created.");
            Ok(())
        }
        UserCommand::Token { username, label } => {
            let (_, token) = app.create_token(&system, &username, &label).await?;
            println!("{token}");
            Ok(())
        }
        UserCommand::Grant { username, role, unit, replace } => {
            let id = app.administered_user_id(&system, &username).await?;
            let old = match replace {
                None => None,
                Some(r) => Some(grant_of(app, &r).await?),
            };
            let change = GrantChange { old, new: Some((role.clone(), unit.clone())) };
            app.change_grant(&system, id, &change).await?;
            println!(
                "{username}: vai trò {role} tại {unit}; các phiên đăng nhập đã kết thúc. / Role granted."
            );
            Ok(())
        }
        UserCommand::Ungrant { username, role, unit } => {
            let id = app.administered_user_id(&system, &username).await?;
            let old = grant_of(app, &format!("{role}@{unit}")).await?;
            app.change_grant(&system, id, &GrantChange { old: Some(old), new: None }).await?;
            println!("{username}: đã bỏ vai trò {role} tại {unit}. / Role removed.");
            Ok(())
        }
        UserCommand::Disable { username } => {
            let id = app.administered_user_id(&system, &username).await?;
            app.set_user_active(&system, id, false).await?;
            println!("Đã khoá tài khoản {username}; phiên và token đã dừng. / Account disabled.");
            Ok(())
        }
        UserCommand::Enable { username } => {
            let id = app.administered_user_id(&system, &username).await?;
            app.set_user_active(&system, id, true).await?;
            println!("Đã mở lại tài khoản {username}. / Account enabled.");
            Ok(())
        }
        UserCommand::Password { username, password_stdin, revoke_tokens } => {
            let password = read_password(password_stdin)?;
            app.reset_password(&system, &username, &password, revoke_tokens).await?;
            println!(
                "Đã đặt mật khẩu mới cho {username}; mọi phiên đăng nhập đã kết thúc. / Password set; every session ended."
            );
            Ok(())
        }
    }
}
