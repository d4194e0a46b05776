/**
 * nginx from Debian on loopback: the reference server and the benchmark's origin (`startNginx`),
 * and nginx as a back-to-origin mirror (`startNginxMirror`: try_files, else proxy_pass to the
 * origin with proxy_store), the reference for a mirror miss, and nginx as a round-robin load
 * balancer in front of several instances (`startNginxBalancer`).
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface NginxProcess {
  url: string;
  stop: () => Promise<void>;
}

/** Runs nginx with `server` as the http block's server, its pid, logs and temp files under `workDir`. */
async function runNginx(workDir: string, port: number, server: string, probePath: string): Promise<NginxProcess> {
  mkdirSync(workDir, { recursive: true });
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
${server}
}
`,
  );
  const child = spawn("nginx", ["-c", config, "-p", workDir], { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${url}${probePath}`, { method: "HEAD" });
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
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGQUIT");
      }),
  };
}

/** Serves `root` (also under /quiet/, without an access log). */
export function startNginx(root: string, port: number, workDir: string): Promise<NginxProcess> {
  return runNginx(
    workDir,
    port,
    `  server {
    listen 127.0.0.1:${port};
    root ${root};
    location /quiet/ { access_log off; alias ${root}/; }
  }`,
    "/quiet/",
  );
}

/**
 * nginx as a mirror, the way it is usually set up: a file under `storeRoot` is served, a missing one
 * is fetched from `originUrl` (same path), streamed to the client and stored by proxy_store (temp
 * file under `workDir`, renamed into place; it verifies nothing and does not fsync). Keep `workDir`
 * and `storeRoot` on one filesystem, so the store is a rename.
 */
export function startNginxMirror(storeRoot: string, port: number, originUrl: string, workDir: string): Promise<NginxProcess> {
  mkdirSync(storeRoot, { recursive: true });
  return runNginx(
    workDir,
    port,
    `  server {
    listen 127.0.0.1:${port};
    access_log off;
    root ${storeRoot};
    location / { try_files $uri @origin; }
    location @origin {
      proxy_pass ${originUrl};
      proxy_store on;
      proxy_store_access user:rw group:r all:r;
    }
  }`,
    "/",
  );
}

/**
 * nginx as a load balancer on loopback: round-robin over the instances on `upstreamPorts`, with
 * keep-alive connections to them (as a production balancer keeps), unbuffered (a miss streams to the
 * client as the instance sends it, rather than being spooled by nginx first).
 */
export function startNginxBalancer(upstreamPorts: number[], port: number, workDir: string): Promise<NginxProcess> {
  return runNginx(
    workDir,
    port,
    `  upstream instances {
${upstreamPorts.map((upstream) => `    server 127.0.0.1:${upstream};`).join("\n")}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    access_log off;
    location / {
      proxy_pass http://instances;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }`,
    "/",
  );
}
