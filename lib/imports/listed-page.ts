/** One page of an origin's listing, and why a listing failed (the job then pauses with that reason). */
export interface ListedPage {
  keys: string[];
  /** Where the next page starts; null when this was the last. */
  cursor: string | null;
}

export class OriginListingFailed extends Error {}
