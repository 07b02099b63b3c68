//! The CLI's subcommands besides `generate` (which is `main.rs`): `operations` and `init`
//! (finding operations, starting an allowlist), `diff` and `lock` (`upgrade.rs`).

pub mod init;
pub mod operations;
pub mod upgrade;
