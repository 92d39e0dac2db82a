//! `caja user`: the register's cashiers and supervisors.

use super::*;

pub(super) fn user(dir: &Path, c: UserCommand) -> Result<ExitCode> {
    let store = Store::open(dir)?;
    let w = cli_words_for(dir);
    match c {
        UserCommand::Add { name, role, pin } => {
            let role = match role {
                RoleArg::Cashier => Role::Cashier,
                RoleArg::Supervisor => Role::Supervisor,
                RoleArg::Technician => Role::Technician,
            };
            store.add_user(&name, role, &pin)?;
            let role = match role {
                Role::Cashier => w.role_cashier,
                Role::Supervisor => w.role_supervisor,
                Role::Technician => w.role_technician,
            };
            let text = fill(w.user_added, &[("name", &name), ("role", role)]);
            eprintln!("{text}");
        }
        UserCommand::Unlock { name } => {
            store.unlock_user(&name)?;
            eprintln!("{}", fill(w.user_unlocked, &[("name", &name)]));
        }
        UserCommand::List => {
            for u in store.users()? {
                println!(
                    "{}\t{}\t{}",
                    u.name,
                    u.role.code(),
                    if u.locked { "locked" } else { "ok" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
