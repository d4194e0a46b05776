/** Limits from shared/spec/mirroring-semantics.md, named once and used by the form and the server. */
export const MAX_RULES_PER_BUCKET = 20;
export const MAX_HEADERS_PER_LIST = 10;
/** An object key is at most 1024 bytes, so no key-shaped rule field needs to be longer. */
export const MAX_KEY_FIELD_LENGTH = 1024;
export const MAX_HOST_LENGTH = 1024;
export const MAX_HEADER_NAME_LENGTH = 256;
export const MAX_HEADER_VALUE_LENGTH = 4096;
