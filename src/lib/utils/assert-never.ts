/** Ends an exhaustive switch: adding a member to the union makes the call site fail to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
