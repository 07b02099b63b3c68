//! The MCP stdio transport: a server served over stdin and stdout ([`serve_stdio`]), which are
//! made non-blocking.
//!
//! tokio's `stdin()`/`stdout()` hand every read and write to the blocking thread pool, which
//! cost more than the rest of a tool call put together (thread hand-offs on every message).
//! MCP clients connect a server's stdio to pipes (the MCP SDKs) or Unix socket pairs (Node's
//! `child_process`), and both can be driven by the reactor directly, so we do that and fall
//! back to tokio's stdio for anything else (a terminal, a file).
//!
//! Invariant: nothing else in the process uses fd 0 or fd 1 (logs go to stderr), so setting
//! `O_NONBLOCK` on them disturbs no one.

use rmcp::ServiceExt as _;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::mcp::server::Server;

/// Serves `server` over stdin/stdout until the client closes the connection.
pub async fn serve_stdio(server: Server) -> std::io::Result<()> {
    let running = server
        .serve(streams())
        .await
        .map_err(|e| std::io::Error::other(format!("MCP initialization failed: {e}")))?;
    let reason = running.waiting().await.map_err(std::io::Error::other)?;
    tracing::info!(?reason, "MCP session ended");
    Ok(())
}

pub(crate) type Reader = Box<dyn AsyncRead + Send + Unpin>;
pub(crate) type Writer = Box<dyn AsyncWrite + Send + Unpin>;

/// The server's stdin and stdout as async streams. Must be called inside a tokio runtime.
pub(crate) fn streams() -> (Reader, Writer) {
    #[cfg(unix)]
    {
        let reader = unix::reader().unwrap_or_else(|| Box::new(tokio::io::stdin()));
        let writer = unix::writer().unwrap_or_else(|| Box::new(tokio::io::stdout()));
        (reader, writer)
    }
    #[cfg(not(unix))]
    {
        (Box::new(tokio::io::stdin()), Box::new(tokio::io::stdout()))
    }
}

#[cfg(unix)]
mod unix {
    use std::os::fd::{AsFd, OwnedFd};

    use tokio::net::UnixStream;
    use tokio::net::unix::pipe;

    use super::{Reader, Writer};

    pub(super) fn reader() -> Option<Reader> {
        let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
        if let Ok(pipe) = pipe::Receiver::from_owned_fd(fd.try_clone().ok()?) {
            tracing::debug!("stdin is a pipe: reading it without the blocking pool");
            return Some(Box::new(pipe));
        }
        socket(fd).map(|s| Box::new(s) as Reader)
    }

    pub(super) fn writer() -> Option<Writer> {
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        if let Ok(pipe) = pipe::Sender::from_owned_fd(fd.try_clone().ok()?) {
            tracing::debug!("stdout is a pipe: writing it without the blocking pool");
            return Some(Box::new(pipe));
        }
        socket(fd).map(|s| Box::new(s) as Writer)
    }

    /// A Unix stream socket (a socket pair end), or `None` for anything else.
    fn socket(fd: OwnedFd) -> Option<UnixStream> {
        let stream = std::os::unix::net::UnixStream::from(fd);
        // A file or terminal fails here (ENOTSOCK), which sends the caller to the fallback.
        stream.peer_addr().ok()?;
        stream.set_nonblocking(true).ok()?;
        let stream = UnixStream::from_std(stream).ok()?;
        tracing::debug!("stdio is a Unix socket: using it without the blocking pool");
        Some(stream)
    }
}
