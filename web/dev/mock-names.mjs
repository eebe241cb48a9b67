// The mock's copy of Pier's repl names (common ReplNames, scheduler ReplSettingsBodies): a title of at most 80
// characters on one line and a description of at most 500, trimmed, blank meaning none; refused with the same codes
// and messages as the real API.

export const MAX_TITLE = 80;
export const MAX_DESCRIPTION = 500;

/** A refusal: the API's 400 code and message. */
export class NameError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// Java's Character.isISOControl.
const isControl = (c) => c <= 0x1f || (c >= 0x7f && c <= 0x9f);

function check(field, value, max, multiline) {
  const code = `invalid_${field}`;
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new NameError(code, `"${field}" must be a string or null`);
  const trimmed = value.trim();
  if (!trimmed) return null;
  const length = [...trimmed].length;
  if (length > max) throw new NameError(code, `"${field}" is ${length} characters; at most ${max} are allowed`);
  for (const ch of trimmed) {
    const c = ch.codePointAt(0);
    if (isControl(c) && !(multiline && (ch === '\n' || ch === '\t' || ch === '\r'))) {
      throw new NameError(code, `"${field}" may not contain control characters${multiline ? ' (line breaks and tabs are fine)' : ' or line breaks'}`);
    }
  }
  return trimmed;
}

export const checkTitle = (value) => check('title', value, MAX_TITLE, false);
export const checkDescription = (value) => check('description', value, MAX_DESCRIPTION, true);

/** The fields PATCH /api/repls/<slug> takes, as the real API lists them when it refuses another. */
export const PATCH_FIELDS = ['description', 'forkable', 'labels', 'title', 'visibility'];

/** Moves a repl's last-active time to now when it is a minute old or more, as the scheduler notes an owner's use. */
export function touch(r, nowIso) {
  if (Date.parse(nowIso) - Date.parse(r.lastActiveAt) >= 60_000) r.lastActiveAt = nowIso;
}
