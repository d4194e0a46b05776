// The BOS SDK ships no types; these cover what the compatibility tests use.
declare module "@baiducloud/sdk" {
  const sdk: { BosClient: new (config: object) => unknown };
  export default sdk;
}

declare module "@baiducloud/sdk/src/auth.js" {
  export default class Auth {
    constructor(accessKeyId: string, secretKey: string);
    generateAuthorization(
      method: string,
      resource: string,
      params: Record<string, string>,
      headers: Record<string, string>,
      timestamp?: number,
      expirationInSeconds?: number,
      headersToSign?: string[],
    ): string;
  }
}
