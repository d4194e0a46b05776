/** The test suite's root access key (set as ROOT_ACCESS_KEY/ROOT_SECRET_KEY) and a fetch signed with it. */
import { signedFetch as signWith } from "@/lib/auth/signed-fetch";

export const TEST_CREDENTIALS = { accessKeyId: "testroot0001", secretKey: "test-secret-key-0123456789" };

export const signedFetch = (url: string, init?: RequestInit) => signWith(TEST_CREDENTIALS, url, init);
