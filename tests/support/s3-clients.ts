/**
 * The real S3 command-line clients from Debian (scripts/install-test-deps.sh), each configured for
 * a test server through its own environment or a private config file, never the developer's:
 * `aws` (awscli), `rclone`, `s3cmd`, and boto3 under Debian's python3. Absolute paths, so another
 * `aws` earlier on PATH (pip's) is not the one tested.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TEST_CREDENTIALS } from "./signed-fetch";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

const CLEAN_ENV_PREFIXES = ["AWS_", "RCLONE_", "BOTO_"];

/** The environment without any AWS_, RCLONE_ or BOTO_ setting of the machine (AWS_CA_BUNDLE included: rclone refuses it). */
function baseEnv(): Env {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !CLEAN_ENV_PREFIXES.some((prefix) => name.startsWith(prefix))));
}

export function runTool(command: string, args: string[], env: Env = {}, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env: { ...baseEnv(), ...env } as NodeJS.ProcessEnv, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export interface Credentials {
  accessKeyId: string;
  secretKey: string;
}

const scratch = () => mkdtempSync(path.join(os.tmpdir(), "s3-client-"));

/** Debian's AWS CLI against `endpoint`, signing with `credentials`; `s3Settings` go in its config's `s3` section. */
export function awsCli(endpoint: string, credentials: Credentials = TEST_CREDENTIALS, s3Settings: Record<string, string> = {}) {
  const home = scratch();
  const settings = Object.entries(s3Settings).map(([name, value]) => `  ${name} = ${value}`);
  writeFileSync(path.join(home, "config"), ["[default]", ...(settings.length > 0 ? ["s3 =", ...settings] : []), ""].join("\n"));
  const env = {
    HOME: home,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: path.join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
  return (...args: string[]) => runTool("/usr/bin/aws", ["--endpoint-url", endpoint, ...args], env);
}

/** rclone with a remote named `s3t`, defined by environment variables. */
export function rclone(endpoint: string, credentials: Credentials = TEST_CREDENTIALS) {
  const home = scratch();
  const env = {
    HOME: home,
    RCLONE_CONFIG: path.join(home, "rclone.conf"),
    RCLONE_CONFIG_S3T_TYPE: "s3",
    RCLONE_CONFIG_S3T_PROVIDER: "Other",
    RCLONE_CONFIG_S3T_ACCESS_KEY_ID: credentials.accessKeyId,
    RCLONE_CONFIG_S3T_SECRET_ACCESS_KEY: credentials.secretKey,
    RCLONE_CONFIG_S3T_ENDPOINT: endpoint,
    RCLONE_CONFIG_S3T_REGION: "us-east-1",
    RCLONE_CONFIG_S3T_FORCE_PATH_STYLE: "true",
  };
  return (...args: string[]) => runTool("/usr/bin/rclone", ["--retries", "1", "--low-level-retries", "1", ...args], env);
}

/** s3cmd with a private config file: path style, plain HTTP, SigV4. */
export function s3cmd(endpoint: string, credentials: Credentials = TEST_CREDENTIALS) {
  const home = scratch();
  const host = new URL(endpoint).host;
  const config = path.join(home, "s3cfg");
  writeFileSync(
    config,
    [
      "[default]",
      `access_key = ${credentials.accessKeyId}`,
      `secret_key = ${credentials.secretKey}`,
      `host_base = ${host}`,
      `host_bucket = ${host}`,
      "use_https = False",
      "signature_v2 = False",
      "bucket_location = us-east-1",
      "check_ssl_certificate = False",
      "",
    ].join("\n"),
  );
  return (...args: string[]) => runTool("/usr/bin/s3cmd", ["-c", config, "--no-progress", ...args], { HOME: home });
}

/** A boto3 script under Debian's python3, with `s3` (a path-style SigV4 client) defined before it runs. */
export function boto3(endpoint: string, script: string, credentials: Credentials = TEST_CREDENTIALS, input?: string, args: string[] = []): Promise<RunResult> {
  const prelude = [
    "import boto3, json, sys",
    "from botocore.config import Config",
    "from botocore.exceptions import ClientError",
    `s3 = boto3.client("s3", endpoint_url=${JSON.stringify(endpoint)}, region_name="us-east-1", aws_access_key_id=${JSON.stringify(credentials.accessKeyId)}, aws_secret_access_key=${JSON.stringify(credentials.secretKey)}, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))`,
    "def code(call):",
    "    try:",
    "        call()",
    "        return None",
    "    except ClientError as error:",
    "        return [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode']]",
    "",
  ].join("\n");
  return runTool("/usr/bin/python3", ["-c", `${prelude}\n${script}`, ...args], { HOME: scratch() }, input);
}

/** A directory tree with spaces, Unicode, nesting, an empty file and binary bytes; returns its root. */
export function makeTree(): string {
  const root = scratch();
  const files: Record<string, Buffer> = {
    "top.txt": Buffer.from("top level\n"),
    "dir with space/file name.txt": Buffer.from("spaces in both\n"),
    "ünïcödé/日本語 ✓.txt": Buffer.from("unicode names\n"),
    "deep/a/b/c/d.bin": randomBytes(150_000),
    "empty.txt": Buffer.alloc(0),
    "plus+and&amp.txt": Buffer.from("specials\n"),
  };
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** Every file under `root` (relative path, with "/") to its SHA-256. */
export function treeDigest(root: string): Record<string, string> {
  const digest: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else digest[path.relative(root, full).split(path.sep).join("/")] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(root);
  return digest;
}

export const newScratchDir = scratch;
