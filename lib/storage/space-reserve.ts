/**
 * Space held back on the local data disk. On a full disk even a DELETE fails (SQLite must write
 * its journal before it can free anything), so the object service releases this file to let
 * deletes through and restores it once there is room again. Every store keeps it: with object
 * bytes elsewhere (S3BlobStore) the database still lives on this disk.
 */
import { rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

export const RESERVE_BYTES = 4 * 1024 * 1024;

export class SpaceReserve {
  private readonly reservePath: string;

  constructor(dataDir: string) {
    this.reservePath = path.join(dataDir, "reserve.bin");
  }

  /** Writes the reserve file if it is missing; false when there is no room for it (yet). */
  async ensure(): Promise<boolean> {
    try {
      await writeFile(this.reservePath, Buffer.alloc(RESERVE_BYTES), { flag: "wx" });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return true;
      await rm(this.reservePath, { force: true }).catch(() => undefined);
      if (code === "ENOSPC" || code === "EDQUOT") return false;
      throw error;
    }
  }

  /** Frees the reserved space; true when there was a reserve to free. */
  async release(): Promise<boolean> {
    try {
      await unlink(this.reservePath);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}
