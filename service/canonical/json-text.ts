// A client's JSON body as bytes: one pass that measures its nesting and finds its top-level
// members, so a request can go upstream as the client's own bytes with only a member or two
// replaced, instead of being serialised again (for a 35 KB agent request, serialising costs
// more than everything else the gateway does). Strings are skipped with indexOf, so the pass
// costs in proportion to the structure, not the text. The pass reads UTF-8 bytes, not text:
// every byte JSON's structure uses is ASCII, and no byte of a multi-byte UTF-8 character is,
// so offsets are byte offsets for any body and the splice copies bytes without encoding again.

export interface TopLevelMember {
  key: string;
  /** Where the member's value starts and ends (exclusive), in bytes. */
  valueStart: number;
  valueEnd: number;
}

export interface JsonTextScan {
  /** Deepest nesting of objects and arrays (the top level is 1). */
  depth: number;
  /** The top-level members in order, when the text is one object with no repeated key; otherwise null. */
  members: TopLevelMember[] | null;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;

/** Scans UTF-8 `source`; stops early once nesting passes `maxDepth` (depth is then maxDepth + 1). Never throws; text that is not JSON gives `members: null`. */
export function scanJsonText(source: Buffer | string, maxDepth: number): JsonTextScan {
  const text = typeof source === 'string' ? Buffer.from(source) : source;
  let depth = 0;
  let deepest = 0;
  let members: TopLevelMember[] | null = [];
  let pendingKey: string | null = null;
  let valueStart = -1;
  let expectingKey = false;
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end === -1) return { depth: deepest, members: null };
      if (depth === 1 && expectingKey) {
        const raw = text.toString('utf8', i + 1, end);
        pendingKey = raw.includes('\\') ? safeDecode(text.toString('utf8', i, end + 1)) : raw;
        expectingKey = false;
      }
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > maxDepth) return { depth: deepest, members: null };
      }
      if (depth === 1) {
        if (c !== OPEN_BRACE || i !== firstNonSpace(text)) members = null;
        expectingKey = true;
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 1) closeMember(i);
      depth--;
    } else if (depth === 1) {
      if (c === COLON) valueStart = i + 1;
      else if (c === COMMA) {
        closeMember(i);
        expectingKey = true;
      }
    }
  }
  return { depth: deepest, members: depth === 0 ? members : null };

  function closeMember(end: number): void {
    if (pendingKey === null || valueStart === -1 || members === null) return;
    if (seen.has(pendingKey)) members = null;
    else {
      seen.add(pendingKey);
      members.push({ key: pendingKey, valueStart: skipSpace(text, valueStart), valueEnd: trimEnd(text, end) });
    }
    pendingKey = null;
    valueStart = -1;
  }
}

/** A piece of the spliced body: a range of the original, or a literal put in its place. */
type Piece = { from: number; to: number } | string;

/** The pieces of the original with the edited members' values replaced, and the missing ones appended. */
function splicePieces(length: number, textIndexOfBrace: number, scan: JsonTextScan, edits: Record<string, string>): Piece[] | null {
  const members = scan.members;
  if (members === null) return null;
  const pieces: Piece[] = [];
  let at = 0;
  const missing = new Map(Object.entries(edits));
  for (const member of members) {
    const literal = missing.get(member.key);
    if (literal === undefined) continue;
    missing.delete(member.key);
    pieces.push({ from: at, to: member.valueStart }, literal);
    at = member.valueEnd;
  }
  // Missing members go right after the last one (or inside an empty object's braces).
  const insertAt = members.length > 0 ? members[members.length - 1].valueEnd : textIndexOfBrace + 1;
  let appended = '';
  for (const [key, literal] of missing) appended += `,${JSON.stringify(key)}:${literal}`;
  if (members.length === 0) appended = appended.slice(1);
  pieces.push({ from: at, to: insertAt }, appended, { from: insertAt, to: length });
  return pieces;
}

/**
 * The body with the given top-level members' values replaced by JSON literals, and those it lacked
 * appended; every other byte is the client's, copied. Null when the scan found no usable members.
 */
export function spliceMembers(bytes: Buffer, scan: JsonTextScan, edits: Record<string, string>): Buffer<ArrayBuffer> | null {
  const pieces = splicePieces(bytes.length, bytes.indexOf(OPEN_BRACE), scan, edits);
  if (pieces === null) return null;
  return Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : bytes.subarray(piece.from, piece.to))));
}

/** Index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(text: Buffer, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf(QUOTE, i + 1);
    if (i === -1) return -1;
    let backslashes = 0;
    for (let j = i - 1; text[j] === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}

function safeDecode(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function firstNonSpace(text: Buffer): number {
  let i = 0;
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

function skipSpace(text: Buffer, i: number): number {
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

function trimEnd(text: Buffer, end: number): number {
  while (end > 0 && isSpace(text[end - 1])) end--;
  return end;
}
