/**
 * The common-password check: the 49,000 most used passwords of zxcvbn-ts's list
 * (`@zxcvbn-ts/language-common`, MIT, itself from leaked-password corpora), loaded on first use.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | undefined;

/** Returns whether the (lower-cased) password is on the list of common passwords. */
export function isCommonPassword(lower: string): boolean {
  common ??= new Set(dictionary['passwords-common']);
  return common.has(lower);
}
