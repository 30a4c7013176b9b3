// Registry records as REST-JSON bodies: absent values are left out (records hold them as null) and
// timestamps are epoch seconds, the protocol's default for timestamps in a JSON body.
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => member !== null && member !== undefined)
        .map(([key, member]) => [key, toWire(member)]),
    );
  }
  return value;
}
