//! nginx as a real round-robin load balancer in front of several `alter-mcp --http` copies
//! (HTTP/1.1, buffering off), run in the foreground with its own prefix and config in a
//! temporary directory on a loopback port: no root paths, no daemon.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// The nginx binary, or `None` after printing why `test` is skipped. Under `CI=true` a
/// missing nginx fails instead (`.ci/run` installs it).
pub fn require_nginx(test: &str) -> Option<PathBuf> {
    let found = find_nginx();
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "nginx is not installed, and CI must run this test (.ci/run installs it)"
        );
        eprintln!("SKIPPED {test}: nginx is not installed (apt-get install nginx)");
    }
    found
}

fn find_nginx() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"].map(PathBuf::from))
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

/// The config: round-robin over `upstreams`, listening on loopback `port`, every path and
/// temp file under `prefix`.
fn nginx_conf(prefix: &Path, port: u16, upstreams: &[std::net::SocketAddr]) -> String {
    let prefix = prefix.display();
    let servers: String = upstreams
        .iter()
        .map(|addr| format!("        server {addr};\n"))
        .collect();
    format!(
        "daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 512; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream alter_mcp {{
{servers}    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://alter_mcp;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $host;
            proxy_buffering off;
            proxy_cache off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"
    )
}

/// nginx running in the foreground; killed on drop.
pub struct Nginx {
    _child: Child,
    pub port: u16,
    pub prefix: PathBuf,
}

impl Nginx {
    pub async fn start(binary: &Path, upstreams: &[std::net::SocketAddr]) -> Nginx {
        let prefix = std::env::temp_dir().join(format!(
            "alter-mcp-nginx-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&prefix).expect("create the nginx prefix");
        // A free loopback port: bind, read it, release it for nginx.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("find a free port")
            .port();
        let conf = prefix.join("nginx.conf");
        std::fs::write(&conf, nginx_conf(&prefix, port, upstreams)).expect("write nginx.conf");
        let mut child = Command::new(binary)
            .arg("-p")
            .arg(&prefix)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn nginx");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            let exited = child.try_wait().ok().flatten();
            if exited.is_some() || tokio::time::Instant::now() > deadline {
                let log = std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default();
                panic!("nginx did not start ({exited:?}); error.log:\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Nginx {
            _child: child,
            port,
            prefix,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.prefix);
    }
}

impl Nginx {
    /// `http://127.0.0.1:PORT/mcp` through the balancer.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/mcp", self.port)
    }
}
