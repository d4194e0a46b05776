/**
 * On PostgreSQL (the integration-postgres project): the migrated database compares every text
 * column bytewise, and a database in another encoding than UTF8 is refused at start with what to
 * do. On SQLite there is nothing of this to check: the file is skipped.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { checkDatabase } from "@/lib/db/migrate";
import { createDatabase, dropDatabase, postgresServerUrl, testDatabaseKind, uniqueDatabaseName } from "../support/test-databases";

describe.skipIf(testDatabaseKind() !== "postgresql")("a PostgreSQL database", () => {
  it("has every text column of every table in the C collation (byte order)", async () => {
    // information_schema's identifier columns have the type `name`, which the adapter refuses: cast.
    const columns = await db().$queryRaw<{ tableName: string; columnName: string; collation: string | null }[]>`
      SELECT table_name::text AS "tableName", column_name::text AS "columnName", collation_name::text AS "collation"
      FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type = 'text' AND table_name::text <> '_prisma_migrations'`;
    expect(columns.length).toBeGreaterThan(20);
    expect(columns.filter((column) => column.collation !== "C")).toEqual([]);
  });

  it("refuses a database that is not UTF8, naming the fix", async () => {
    const name = uniqueDatabaseName("bos_mirror_latin1");
    const server = postgresServerUrl();
    const url = await createDatabase(server, name, { encoding: "LATIN1" });
    try {
      await expect(checkDatabase({ provider: "postgresql", url })).rejects.toThrow(/uses the LATIN1 encoding; object keys need UTF8.*ENCODING 'UTF8'/);
    } finally {
      await dropDatabase(server, name);
    }
    await expect(checkDatabase({ provider: "postgresql", url: (await import("@/lib/env")).env().database.url })).resolves.toBeUndefined();
  });
});
