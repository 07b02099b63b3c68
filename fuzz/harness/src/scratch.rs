//! A scratch directory per process and thread: the generator reads its inputs from files, as
//! a user's build does, so each input is written to a file first.

use std::path::PathBuf;

/// `$TMPDIR/alter-mcp-fuzz-<pid>-<thread>/`, created on first use.
pub(crate) fn dir() -> PathBuf {
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    let dir = std::env::temp_dir().join(format!("alter-mcp-fuzz-{}-{thread}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temporary directory is writable");
    dir
}

/// Writes `bytes` to `name` in [`dir`] and returns its path.
pub(crate) fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir().join(name);
    std::fs::write(&path, bytes).expect("the temporary directory is writable");
    path
}
