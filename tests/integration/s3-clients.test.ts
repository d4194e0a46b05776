/**
 * Debian's S3 clients against the running server, as people use them in a migration: the AWS CLI,
 * rclone, s3cmd and boto3. Each makes and removes buckets, moves small files byte for byte, syncs
 * a tree with spaces, Unicode and nesting up and back down, lists with paging and delimiters,
 * copies, deletes many, and gets the right error codes; each reads a missing key that a mirror
 * rule covers and gets the origin's bytes, the way it downloads anything (HEAD first, for all but
 * `aws s3api get-object`: HeadObject goes back to origin too).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { RecordingOrigin } from "../support/recording-origin";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { awsCli, boto3, makeTree, newScratchDir, rclone, s3cmd, treeDigest, type RunResult } from "../support/s3-clients";
import { TEST_CREDENTIALS } from "../support/signed-fetch";

const curl = promisify(execFile);

let server: TestObjectServer;
let origin: RecordingOrigin;
let tree: string;
const ORIGIN_BYTES = "the origin's copy of report.txt\n";
const WRONG_SECRET = { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretKey: "definitely-not-the-secret" };
const UNKNOWN_KEY = { accessKeyId: "nosuchkey0001", secretKey: "whatever-secret-0000" };

beforeAll(async () => {
  server = await startObjectServer();
  origin = await new RecordingOrigin().start();
  origin.serve("/mirrored/report.txt", ORIGIN_BYTES, { "content-type": "text/plain" });
  origin.serve("/mirrored/copied.txt", ORIGIN_BYTES, { "content-type": "text/plain" });
  // One bucket per client, each with the same rule, so every client's miss reaches the origin.
  for (const client of ["aws", "rclone", "s3cmd", "boto3"]) {
    await bucketWithRules(server.url, `mirror-${client}`, [{ resource: "mirrored*", sourceUrl: `http://${origin.host}` }]);
  }
  tree = makeTree();
});
afterAll(async () => {
  await server.stop();
  await origin.stop();
});

function ok(result: RunResult): string {
  if (result.code !== 0) throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

function fails(result: RunResult, code: RegExp): void {
  expect(result.code, result.stdout + result.stderr).not.toBe(0);
  expect(result.stdout + result.stderr).toMatch(code);
}

/** 7 MiB: two parts of at least 5 MiB and the rest, within the test server's 8 MiB object limit. */
const SEVEN_MIB = 7 * 1024 * 1024;

const large = () => {
  const file = path.join(newScratchDir(), "large file.bin");
  writeFileSync(file, randomBytes(SEVEN_MIB));
  return file;
};

/** Parts whose upload has not completed or been aborted (none should be left after a client's upload). */
const uploadsLeft = () => db().multipartUpload.count();

const small = () => {
  const file = path.join(newScratchDir(), "small file.bin");
  writeFileSync(file, randomBytes(10_000));
  return file;
};

describe("AWS CLI (Debian awscli)", () => {
  it("makes a bucket, copies files both ways byte for byte, syncs a tree up and down, and removes it", async () => {
    const aws = awsCli(server.url);
    ok(await aws("s3", "mb", "s3://cli-aws"));
    const file = small();
    ok(await aws("s3", "cp", file, "s3://cli-aws/files/small file.bin"));
    const down = path.join(newScratchDir(), "down.bin");
    ok(await aws("s3", "cp", "s3://cli-aws/files/small file.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);

    ok(await aws("s3", "sync", tree, "s3://cli-aws/tree/"));
    const back = newScratchDir();
    ok(await aws("s3", "sync", "s3://cli-aws/tree/", back));
    expect(treeDigest(back)).toEqual(treeDigest(tree));
    // Nothing left to do the second time: sizes and times match.
    expect(ok(await aws("s3", "sync", tree, "s3://cli-aws/tree/"))).toBe("");

    fails(await aws("s3", "rb", "s3://cli-aws"), /BucketNotEmpty/);
    ok(await aws("s3", "rb", "s3://cli-aws", "--force"));
    fails(await aws("s3api", "head-bucket", "--bucket", "cli-aws"), /404|Not Found/);
  });

  it("lists with a delimiter and in pages, copies server-side and deletes many", async () => {
    const aws = awsCli(server.url);
    ok(await aws("s3", "mb", "s3://cli-aws-list"));
    ok(await aws("s3", "sync", tree, "s3://cli-aws-list/"));
    const top = ok(await aws("s3", "ls", "s3://cli-aws-list/"));
    expect(top).toMatch(/PRE dir with space\//);
    expect(top).toMatch(/PRE ünïcödé\//);
    expect(top).toMatch(/top\.txt/);
    const paged = JSON.parse(ok(await aws("s3api", "list-objects-v2", "--bucket", "cli-aws-list", "--page-size", "2", "--output", "json")));
    expect(paged.Contents.map((object: { Key: string }) => object.Key).sort()).toEqual(Object.keys(treeDigest(tree)).sort());
    const v1 = JSON.parse(ok(await aws("s3api", "list-objects", "--bucket", "cli-aws-list", "--page-size", "2", "--delimiter", "/", "--output", "json")));
    expect(v1.CommonPrefixes.map((prefix: { Prefix: string }) => prefix.Prefix)).toEqual(["deep/", "dir with space/", "ünïcödé/"]);

    ok(await aws("s3", "cp", "s3://cli-aws-list/top.txt", "s3://cli-aws-list/copied/top copy.txt"));
    expect(ok(await aws("s3", "cp", "s3://cli-aws-list/copied/top copy.txt", "-"))).toBe("top level\n");

    const objects = Object.keys(treeDigest(tree)).map((Key) => ({ Key }));
    const deleted = JSON.parse(ok(await aws("s3api", "delete-objects", "--bucket", "cli-aws-list", "--delete", JSON.stringify({ Objects: objects }), "--output", "json")));
    expect(deleted.Deleted).toHaveLength(objects.length);
    expect(ok(await aws("s3", "ls", "s3://cli-aws-list/", "--recursive"))).toMatch(/copied\/top copy\.txt\s*$/);
  });

  it("presigns a GET that curl fetches, and reports wrong secrets, unknown keys and missing keys", async () => {
    const aws = awsCli(server.url);
    ok(await aws("s3", "mb", "s3://cli-aws-errors"));
    const file = small();
    ok(await aws("s3", "cp", file, "s3://cli-aws-errors/shared.bin"));
    const url = ok(await aws("s3", "presign", "s3://cli-aws-errors/shared.bin", "--expires-in", "300")).trim();
    const { stdout } = await curl("curl", ["-sS", "--fail", url], { encoding: "buffer", maxBuffer: 1 << 20 });
    expect(Buffer.from(stdout).equals(readFileSync(file))).toBe(true);

    fails(await awsCli(server.url, WRONG_SECRET)("s3", "ls", "s3://cli-aws-errors"), /SignatureDoesNotMatch/);
    fails(await awsCli(server.url, UNKNOWN_KEY)("s3", "ls"), /InvalidAccessKeyId/);
    fails(await aws("s3api", "get-object", "--bucket", "cli-aws-errors", "--key", "nope.txt", path.join(newScratchDir(), "x")), /NoSuchKey/);
    fails(await aws("s3", "ls", "s3://no-such-bucket-here"), /NoSuchBucket/);
  });

  it("uploads and downloads a file in parts (multipart_threshold lowered to 5 MB)", async () => {
    const aws = awsCli(server.url, TEST_CREDENTIALS, { multipart_threshold: "5MB", multipart_chunksize: "5MB" });
    ok(await aws("s3", "mb", "s3://cli-aws-mp"));
    const file = large();
    ok(await aws("s3", "cp", file, "s3://cli-aws-mp/large file.bin"));
    const down = path.join(newScratchDir(), "down.bin");
    ok(await aws("s3", "cp", "s3://cli-aws-mp/large file.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);
    expect(await uploadsLeft()).toBe(0);
  });

  it("reads a public-read bucket without signing (--no-sign-request)", async () => {
    const aws = awsCli(server.url);
    ok(await aws("s3", "mb", "s3://cli-aws-public"));
    ok(await aws("s3api", "put-bucket-acl", "--bucket", "cli-aws-public", "--acl", "public-read"));
    const file = small();
    ok(await aws("s3", "cp", file, "s3://cli-aws-public/open.bin"));
    const down = path.join(newScratchDir(), "open.bin");
    ok(await aws("s3", "cp", "--no-sign-request", "s3://cli-aws-public/open.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);
    expect(ok(await aws("s3", "ls", "--no-sign-request", "s3://cli-aws-public/"))).toMatch(/open\.bin/);
    fails(await aws("s3", "cp", "--no-sign-request", file, "s3://cli-aws-public/write.bin"), /AccessDenied/);
  });

  it("gets a missing key that a mirror rule covers from the origin, with get-object and with s3 cp (HEAD first)", async () => {
    const out = path.join(newScratchDir(), "report.txt");
    ok(await awsCli(server.url)("s3api", "get-object", "--bucket", "mirror-aws", "--key", "mirrored/report.txt", out));
    expect(readFileSync(out, "utf8")).toBe(ORIGIN_BYTES);
    const copied = path.join(newScratchDir(), "copied.txt");
    ok(await awsCli(server.url)("s3", "cp", "s3://mirror-aws/mirrored/copied.txt", copied));
    expect(readFileSync(copied, "utf8")).toBe(ORIGIN_BYTES);
    expect(origin.requestsFor("/mirrored/copied.txt")).toHaveLength(1);
  });
});

describe("rclone", () => {
  it("makes a bucket, copies files both ways, syncs a tree up and down, lists, copies server-side, purges", async () => {
    const rc = rclone(server.url);
    ok(await rc("mkdir", "s3t:cli-rclone"));
    const file = small();
    ok(await rc("copyto", file, "s3t:cli-rclone/files/small file.bin"));
    const down = path.join(newScratchDir(), "down.bin");
    ok(await rc("copyto", "s3t:cli-rclone/files/small file.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);

    ok(await rc("sync", tree, "s3t:cli-rclone/tree"));
    const back = newScratchDir();
    ok(await rc("sync", "s3t:cli-rclone/tree", back));
    expect(treeDigest(back)).toEqual(treeDigest(tree));
    ok(await rc("check", tree, "s3t:cli-rclone/tree"));

    // Pages of two keys: every page boundary is crossed.
    const listed = ok(await rc("lsf", "-R", "--files-only", "--s3-list-chunk", "2", "s3t:cli-rclone/tree")).trim().split("\n").sort();
    expect(listed).toEqual(Object.keys(treeDigest(tree)).sort());
    expect(ok(await rc("lsf", "s3t:cli-rclone/tree")).trim().split("\n").sort()).toEqual(["deep/", "dir with space/", "empty.txt", "plus+and&amp.txt", "top.txt", "ünïcödé/"]);

    ok(await rc("copyto", "s3t:cli-rclone/tree/top.txt", "s3t:cli-rclone/copied/top.txt"));
    expect(ok(await rc("cat", "s3t:cli-rclone/copied/top.txt"))).toBe("top level\n");

    fails(await rc("rmdir", "s3t:cli-rclone"), /BucketNotEmpty/);
    ok(await rc("purge", "s3t:cli-rclone"));
    expect(ok(await rc("lsd", "s3t:"))).not.toMatch(/cli-rclone/);
  });

  it("uploads a file in parts (--s3-upload-cutoff 5M) and reads it back", async () => {
    const rc = rclone(server.url);
    ok(await rc("mkdir", "s3t:cli-rclone-mp"));
    const file = large();
    ok(await rc("copyto", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", file, "s3t:cli-rclone-mp/large file.bin"));
    const down = path.join(newScratchDir(), "down.bin");
    ok(await rc("copyto", "s3t:cli-rclone-mp/large file.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);
    ok(await rc("check", "--download", path.dirname(file), "s3t:cli-rclone-mp"));
    expect(await uploadsLeft()).toBe(0);
  });

  it("reports wrong secrets and unknown keys, and reads a mirrored key from the origin", async () => {
    fails(await rclone(server.url, WRONG_SECRET)("lsd", "s3t:"), /SignatureDoesNotMatch/);
    fails(await rclone(server.url, UNKNOWN_KEY)("lsd", "s3t:"), /InvalidAccessKeyId/);
    // rclone HEADs a named file before it reads it: the HEAD pulls it in, the GET reads the stored copy.
    const dir = newScratchDir();
    ok(await rclone(server.url)("copy", "s3t:mirror-rclone/mirrored/report.txt", path.join(dir, "out")));
    expect(readFileSync(path.join(dir, "out", "report.txt"), "utf8")).toBe(ORIGIN_BYTES);
  });
});

describe("s3cmd", () => {
  it("makes a bucket, puts and gets, syncs a tree up and down, lists, copies, deletes many, removes it", async () => {
    const s3 = s3cmd(server.url);
    ok(await s3("mb", "s3://cli-s3cmd"));
    const file = small();
    ok(await s3("put", file, "s3://cli-s3cmd/files/small file.bin"));
    const down = path.join(newScratchDir(), "down.bin");
    ok(await s3("get", "s3://cli-s3cmd/files/small file.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);

    ok(await s3("sync", `${tree}/`, "s3://cli-s3cmd/tree/"));
    const back = newScratchDir();
    ok(await s3("sync", "s3://cli-s3cmd/tree/", `${back}/`));
    expect(treeDigest(back)).toEqual(treeDigest(tree));

    const top = ok(await s3("ls", "s3://cli-s3cmd/tree/"));
    expect(top).toMatch(/DIR\s+s3:\/\/cli-s3cmd\/tree\/dir with space\//);
    expect(top).toMatch(/s3:\/\/cli-s3cmd\/tree\/top\.txt/);
    ok(await s3("cp", "s3://cli-s3cmd/tree/top.txt", "s3://cli-s3cmd/copied/top.txt"));
    ok(await s3("get", "s3://cli-s3cmd/copied/top.txt", path.join(back, "copied.txt")));
    expect(readFileSync(path.join(back, "copied.txt"), "utf8")).toBe("top level\n");

    fails(await s3("rb", "s3://cli-s3cmd"), /BucketNotEmpty/);
    // A recursive delete sends DeleteObjects batches.
    ok(await s3("del", "--recursive", "--force", "s3://cli-s3cmd/"));
    expect(ok(await s3("ls", "--recursive", "s3://cli-s3cmd/")).trim()).toBe("");
    ok(await s3("rb", "s3://cli-s3cmd"));
  });

  it("puts a file in parts (--multipart-chunk-size-mb=5) and gets it back", async () => {
    const s3 = s3cmd(server.url);
    ok(await s3("mb", "s3://cli-s3cmd-mp"));
    const file = large();
    ok(await s3("put", "--multipart-chunk-size-mb=5", file, "s3://cli-s3cmd-mp/large file.bin"));
    const down = path.join(newScratchDir(), "down.bin");
    ok(await s3("get", "s3://cli-s3cmd-mp/large file.bin", down));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);
    expect(await uploadsLeft()).toBe(0);
  });

  it("reports wrong secrets, unknown keys and missing keys", async () => {
    fails(await s3cmd(server.url, WRONG_SECRET)("ls"), /SignatureDoesNotMatch/);
    fails(await s3cmd(server.url, UNKNOWN_KEY)("ls"), /InvalidAccessKeyId/);
    fails(await s3cmd(server.url)("get", "s3://mirror-s3cmd/nope.txt", path.join(newScratchDir(), "x")), /does not exist/);
  });

  it("gets a missing key that a mirror rule covers from the origin (its get HEADs first)", async () => {
    const out = path.join(newScratchDir(), "report.txt");
    const before = origin.requestsFor("/mirrored/report.txt").length;
    ok(await s3cmd(server.url)("get", "s3://mirror-s3cmd/mirrored/report.txt", out));
    expect(readFileSync(out, "utf8")).toBe(ORIGIN_BYTES);
    expect(origin.requestsFor("/mirrored/report.txt")).toHaveLength(before + 1);
  });
});

describe("boto3 (Debian python3-boto3)", () => {
  it("runs buckets, objects, listing, copy, multi-delete, presigned URLs, errors and a mirrored GET", async () => {
    const script = String.raw`
out = {}
s3.create_bucket(Bucket="cli-boto3")
out["again"] = code(lambda: s3.create_bucket(Bucket="cli-boto3"))
body = bytes(range(256)) * 40
s3.put_object(Bucket="cli-boto3", Key="bin/all bytes €.bin", Body=body, Metadata={"origin": "boto3"})
got = s3.get_object(Bucket="cli-boto3", Key="bin/all bytes €.bin")
out["same"] = got["Body"].read() == body
out["meta"] = got["Metadata"]
for i in range(5):
    s3.put_object(Bucket="cli-boto3", Key="page/%d.txt" % i, Body=b"p")
pages = s3.get_paginator("list_objects_v2").paginate(Bucket="cli-boto3", Prefix="page/", PaginationConfig={"PageSize": 2})
out["pages"] = [[o["Key"] for o in page.get("Contents", [])] for page in pages]
top = s3.list_objects_v2(Bucket="cli-boto3", Delimiter="/")
out["prefixes"] = [p["Prefix"] for p in top.get("CommonPrefixes", [])]
s3.copy_object(Bucket="cli-boto3", Key="copy.bin", CopySource={"Bucket": "cli-boto3", "Key": "bin/all bytes €.bin"})
out["copied"] = s3.get_object(Bucket="cli-boto3", Key="copy.bin")["Body"].read() == body
out["deleted"] = sorted(d["Key"] for d in s3.delete_objects(Bucket="cli-boto3", Delete={"Objects": [{"Key": "page/%d.txt" % i} for i in range(5)]})["Deleted"])
out["missing"] = code(lambda: s3.get_object(Bucket="cli-boto3", Key="nope"))
out["not_empty"] = code(lambda: s3.delete_bucket(Bucket="cli-boto3"))
out["get_url"] = s3.generate_presigned_url("get_object", Params={"Bucket": "cli-boto3", "Key": "copy.bin"}, ExpiresIn=300)
out["put_url"] = s3.generate_presigned_url("put_object", Params={"Bucket": "cli-boto3", "Key": "presigned put.txt"}, ExpiresIn=300)
s3.download_file("mirror-boto3", "mirrored/report.txt", sys.argv[1])
out["mirrored"] = open(sys.argv[1]).read()
out["location"] = s3.get_bucket_location(Bucket="cli-boto3").get("LocationConstraint")
print(json.dumps(out))
`;
    const downloaded = path.join(newScratchDir(), "report.txt");
    const out = JSON.parse(ok(await boto3(server.url, script, TEST_CREDENTIALS, undefined, [downloaded])));
    expect(out).toMatchObject({
      again: ["BucketAlreadyOwnedByYou", 409],
      same: true,
      meta: { origin: "boto3" },
      pages: [["page/0.txt", "page/1.txt"], ["page/2.txt", "page/3.txt"], ["page/4.txt"]],
      prefixes: ["bin/", "page/"],
      copied: true,
      deleted: ["page/0.txt", "page/1.txt", "page/2.txt", "page/3.txt", "page/4.txt"],
      missing: ["NoSuchKey", 404],
      not_empty: ["BucketNotEmpty", 409],
      mirrored: ORIGIN_BYTES,
    });
    expect(out.location ?? null).toBeNull();

    const { stdout: fetched } = await curl("curl", ["-sS", "--fail", out.get_url], { encoding: "buffer", maxBuffer: 1 << 20 });
    expect(Buffer.from(fetched)).toEqual(Buffer.concat(Array.from({ length: 40 }, () => Buffer.from(Array.from({ length: 256 }, (_, i) => i)))));
    const { stdout: status } = await curl("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", "put with curl", out.put_url]);
    expect(status).toBe("200");
    const check = ok(await boto3(server.url, 'print(s3.get_object(Bucket="cli-boto3", Key="presigned put.txt")["Body"].read().decode())'));
    expect(check.trim()).toBe("put with curl");

    const unsigned = String.raw`
from botocore import UNSIGNED
s3.put_bucket_acl(Bucket="cli-boto3", ACL="public-read")
anonymous = boto3.client("s3", endpoint_url=s3.meta.endpoint_url, region_name="us-east-1", config=Config(signature_version=UNSIGNED, s3={"addressing_style": "path"}))
print(json.dumps([anonymous.get_object(Bucket="cli-boto3", Key="presigned put.txt")["Body"].read().decode(), code(lambda: anonymous.put_object(Bucket="cli-boto3", Key="w", Body=b"w"))]))
`;
    expect(JSON.parse(ok(await boto3(server.url, unsigned)))).toEqual(["put with curl", ["AccessDenied", 403]]);

    const file = large();
    const transfer = String.raw`
from boto3.s3.transfer import TransferConfig
config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
s3.upload_file(sys.argv[1], "cli-boto3", "large file.bin", Config=config)
s3.download_file("cli-boto3", "large file.bin", sys.argv[2], Config=config)
`;
    const down = path.join(newScratchDir(), "down.bin");
    ok(await boto3(server.url, transfer, TEST_CREDENTIALS, undefined, [file, down]));
    expect(readFileSync(down).equals(readFileSync(file))).toBe(true);
    expect(await uploadsLeft()).toBe(0);

    const wrong = ok(await boto3(server.url, 'print(json.dumps(code(lambda: s3.list_buckets())))', WRONG_SECRET));
    expect(JSON.parse(wrong)).toEqual(["SignatureDoesNotMatch", 403]);
    const unknown = ok(await boto3(server.url, 'print(json.dumps(code(lambda: s3.list_buckets())))', UNKNOWN_KEY));
    expect(JSON.parse(unknown)).toEqual(["InvalidAccessKeyId", 403]);
  });
});
