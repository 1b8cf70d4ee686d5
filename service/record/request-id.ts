// Request ids: UUIDv7 (RFC 9562), time-ordered, so each row the request log inserts lands at the
// end of its id index instead of at a random page (random v4 ids touched a cold index page per row
// once the log outgrew the cache). Within one millisecond a 12-bit counter keeps them increasing.
import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let poolAt = POOL_IDS;
let lastMs = -1;
let sequence = 0;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function newRequestId(now = Date.now()): string {
  if (poolAt === POOL_IDS) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const b = pool.subarray(poolAt * 16, poolAt * 16 + 16);
  poolAt++;
  if (now > lastMs) {
    lastMs = now;
    // Start each millisecond at a random point in the lower half, leaving room to count up.
    sequence = ((b[6] << 8) | b[7]) & 0x7ff;
  } else {
    // The clock went back or stood still: keep counting from the last id's time.
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    now = lastMs;
  }
  // 48-bit big-endian milliseconds.
  const high = Math.floor(now / 2 ** 16);
  b[0] = (high >>> 24) & 0xff;
  b[1] = (high >>> 16) & 0xff;
  b[2] = (high >>> 8) & 0xff;
  b[3] = high & 0xff;
  b[4] = (now >>> 8) & 0xff;
  b[5] = now & 0xff;
  b[6] = 0x70 | (sequence >>> 8);
  b[7] = sequence & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += HEX[b[i]];
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
}
