// A client's Cache-Control request header, as far as the response cache reads it.

export interface CacheDirectives {
  /** Neither read nor write the cache (x-router-cache: BYPASS). */
  noStore: boolean;
  /** Do not read; call upstream and store the fresh answer (REFRESH). */
  noCache: boolean;
  /** Accept an entry at most this many seconds old; null when not given. */
  maxAgeS: number | null;
}

const NONE: CacheDirectives = Object.freeze({ noStore: false, noCache: false, maxAgeS: null });

/** Unknown directives and malformed values are ignored, as HTTP caches do. */
export function parseCacheControl(header: string | null | undefined): CacheDirectives {
  if (!header) return NONE;
  let noStore = false;
  let noCache = false;
  let maxAgeS: number | null = null;
  for (const part of header.slice(0, 1024).split(',')) {
    const [name, value] = part.trim().toLowerCase().split('=', 2);
    if (name === 'no-store') noStore = true;
    else if (name === 'no-cache') noCache = true;
    else if (name === 'max-age' && value !== undefined) {
      const digits = value.replace(/^"|"$/g, '');
      if (/^\d{1,10}$/.test(digits)) maxAgeS = maxAgeS === null ? Number(digits) : Math.min(maxAgeS, Number(digits));
    }
  }
  return { noStore, noCache, maxAgeS };
}
