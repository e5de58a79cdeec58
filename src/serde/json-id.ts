// A JSON event's `id` exactly as written. JSON.parse reads numbers as doubles, so 12345678901234567890 would come
// back as 12345678901234567000; an integer id beyond 2^53 is therefore taken from the source text instead.

/** The raw text of the top-level `"id"` member's value in a JSON object text, or undefined. */
export function rawTopLevelId(json: string): string | undefined {
  let i = json.indexOf('{');
  if (i < 0) return undefined;
  i++;
  let depth = 1;
  let expectKey = true;
  let key: string | undefined;
  while (i < json.length && depth > 0) {
    const c = json[i];
    if (c === '"') {
      const end = stringEnd(json, i);
      if (depth === 1 && expectKey) key = JSON.parse(json.slice(i, end)) as string;
      i = end;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (depth === 1 && c === ':') {
      expectKey = false;
      if (key === 'id') {
        const m = /^\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(json.slice(i + 1));
        return m?.[1];
      }
    } else if (depth === 1 && c === ',') {
      expectKey = true;
      key = undefined;
    }
    i++;
  }
  return undefined;
}

function stringEnd(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The id as a string: a string as is, a safe integer as its digits, a larger integer as written in `json`. */
export function exactId(id: string | number, json: string): string {
  if (typeof id === 'string' || Number.isSafeInteger(id)) return String(id);
  return rawTopLevelId(json) ?? String(id);
}
