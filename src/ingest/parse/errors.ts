/** The errors parsing can end in, each with a stable code logs and callers can match on. */

/** Stable codes of {@link ParseError}. */
export type ParseErrorCode = 'JARIDA_PARSE_EMPTY' | 'JARIDA_PARSE_NOT_A_FEED' | 'JARIDA_PARSE_MALFORMED';

/**
 * A body that is not a feed we can read: empty, an HTML page or other document, or too broken to
 * recover. The message starts with 'parse:' and names what was seen.
 * @example throw new ParseError('JARIDA_PARSE_NOT_A_FEED', 'parse: got an HTML page, not a feed')
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly code: ParseErrorCode;

  constructor(code: ParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
