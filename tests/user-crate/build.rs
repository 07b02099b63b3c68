//! One module per `specs/<provider>/allowlist.toml` into `OUT_DIR`, as a user's build script
//! does it.

fn main() {
    alter_mcp_gen::build::generate_all("specs");
}
