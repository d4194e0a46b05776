/**
 * Back-to-origin fetches' claims on keys. A fetch registers its miss before it asks the origin;
 * any client write or delete of that key afterwards supersedes it, so the older origin copy is
 * never committed over a newer write, and never undoes a delete.
 */
export interface MissWatch {
  readonly superseded: boolean;
  /**
   * The key's fetch lease the miss is fetched under (lib/fleet/fetch-leases.ts), when it has one:
   * a client's write or delete on another instance marks that lease, and the commit checks the mark
   * in its transaction, so the same rule holds across instances.
   */
  readonly leaseToken: string | null;
  release(): void;
}

export class MissWatches {
  private readonly byKey = new Map<string, Set<{ superseded: boolean }>>();

  watch(bucketId: number, key: string, leaseToken: string | null = null): MissWatch {
    const id = `${bucketId}\0${key}`;
    const state = { superseded: false };
    const set = this.byKey.get(id) ?? new Set();
    set.add(state);
    this.byKey.set(id, set);
    return {
      get superseded() {
        return state.superseded;
      },
      leaseToken,
      release: () => {
        set.delete(state);
        if (set.size === 0 && this.byKey.get(id) === set) this.byKey.delete(id);
      },
    };
  }

  /** A client write or delete of `key` starts: every fetch that missed it before loses. */
  supersede(bucketId: number, key: string): void {
    for (const state of this.byKey.get(`${bucketId}\0${key}`) ?? []) state.superseded = true;
  }
}
