/**
 * The real BOS JavaScript SDK (@baiducloud/sdk 1.0.7) against this server: it signs with
 * bce-auth-v1 and, for an IP endpoint, sends path-style requests without /v1.
 */
import sdk from "@baiducloud/sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bucketWithRules, startObjectServer, type TestObjectServer } from "../support/object-server";
import { TEST_CREDENTIALS } from "../support/signed-fetch";

interface SdkResponse {
  http_headers: Record<string, string>;
  body: unknown;
}
interface SdkClient {
  putObjectFromString(bucket: string, key: string, data: string, options?: object): Promise<SdkResponse>;
  getObject(bucket: string, key: string): Promise<SdkResponse>;
  getObjectMetadata(bucket: string, key: string): Promise<SdkResponse>;
  listObjects(bucket: string, options?: object): Promise<SdkResponse>;
  deleteObject(bucket: string, key: string): Promise<SdkResponse>;
  sendRequest(method: string, args: object): Promise<SdkResponse>;
  generatePresignedUrl(bucket: string, key: string, timestamp?: number, expirationInSeconds?: number): string;
}

let server: TestObjectServer;
let client: SdkClient;

beforeAll(async () => {
  server = await startObjectServer();
  await bucketWithRules(server.url, "sdk-bucket");
  const BosClient = sdk.BosClient as new (config: object) => SdkClient;
  client = new BosClient({ endpoint: server.url, credentials: { ak: TEST_CREDENTIALS.accessKeyId, sk: TEST_CREDENTIALS.secretKey } });
});
afterAll(() => server.stop());

it("round-trips an object: put, get, head, list, delete", async () => {
  const put = await client.putObjectFromString("sdk-bucket", "dir/k.txt", "hello from the SDK", { "Content-Type": "text/plain" });
  expect((put.http_headers.etag ?? "").replaceAll('"', "")).toMatch(/^[0-9a-f]{32}$/); // the SDK strips the quotes

  const got = await client.getObject("sdk-bucket", "dir/k.txt");
  expect(Buffer.from(got.body as Buffer).toString()).toBe("hello from the SDK");

  const head = await client.getObjectMetadata("sdk-bucket", "dir/k.txt");
  expect(head.http_headers["content-length"]).toBe("18");
  expect(head.http_headers["content-type"]).toBe("text/plain");

  const listed = await client.listObjects("sdk-bucket", { prefix: "dir/" });
  expect((listed.body as { contents: { key: string }[] }).contents.map((item) => item.key)).toEqual(["dir/k.txt"]);

  await client.deleteObject("sdk-bucket", "dir/k.txt");
  await expect(client.getObject("sdk-bucket", "dir/k.txt")).rejects.toMatchObject({ status_code: 404 });
});

it("sets, reads and deletes mirroring rules with sendRequest", async () => {
  const config = { bucketMirroringConfiguration: [{ resource: "abc*", sourceUrl: "https://myweb.com", version: "v2", prefixReplace: "tihuan/edf" }] };
  await client.sendRequest("PUT", {
    bucketName: "sdk-bucket",
    params: { mirroring: "" },
    body: JSON.stringify(config),
    headers: { "Content-Type": "application/json" },
  });
  const read = await client.sendRequest("GET", { bucketName: "sdk-bucket", params: { mirroring: "" } });
  expect((read.body as typeof config).bucketMirroringConfiguration[0]).toMatchObject({ resource: "abc*", prefixReplace: "tihuan/edf" });
  await client.sendRequest("DELETE", { bucketName: "sdk-bucket", params: { mirroring: "" } });
  const empty = await client.sendRequest("GET", { bucketName: "sdk-bucket", params: { mirroring: "" } });
  expect((empty.body as typeof config).bucketMirroringConfiguration).toEqual([]);
});

it("makes presigned URLs that a plain HTTP client can fetch", async () => {
  await client.putObjectFromString("sdk-bucket", "shared/report 1.txt", "presigned bytes");
  const url = client.generatePresignedUrl("sdk-bucket", "shared/report 1.txt", undefined, 600);
  expect(new URL(url).pathname).toBe("/v1/sdk-bucket/shared/report%201.txt");
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe("presigned bytes");
  const tampered = url.replace("report%201", "report%202");
  expect((await fetch(tampered)).status).toBe(403);
});
