/** The AWS SDK's S3 client as the tests point it at a test server. */
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { TEST_CREDENTIALS } from "./signed-fetch";

/** Path-style, signed with the test access key, and no retries (a refusal shows at once); `options` override. */
export function testServerS3Client(url: string, options: S3ClientConfig = {}): S3Client {
  return new S3Client({
    endpoint: url,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretKey },
    ...options,
  });
}
