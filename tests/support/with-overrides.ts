/**
 * Forwards everything to `target` except the members given in `overrides` (methods stay bound to
 * `target`): a blob store or writer with one method watched or held, for fault and counting tests.
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in overrides) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}
