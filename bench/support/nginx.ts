/** nginx from Debian serving a folder on loopback: the reference server and the benchmark's origin. */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

export async function startNginx(root: string, port: number, workDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = path.join(workDir, "nginx.conf");
  writeFileSync(
    config,
    `daemon off;
user root;
worker_processes 1;
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log ${workDir}/nginx-access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${workDir}/nginx-body;
  proxy_temp_path ${workDir}/nginx-proxy;
  fastcgi_temp_path ${workDir}/nginx-fastcgi;
  uwsgi_temp_path ${workDir}/nginx-uwsgi;
  scgi_temp_path ${workDir}/nginx-scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location /quiet/ { access_log off; alias ${root}/; }
  }
}
`,
  );
  const child = spawn("nginx", ["-c", config, "-p", workDir], { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${url}/quiet/`, { method: "HEAD" });
      break;
    } catch {
      if (attempt > 100 || child.exitCode !== null) throw new Error("nginx did not start; see nginx-error.log in " + workDir);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGQUIT");
      }),
  };
}
