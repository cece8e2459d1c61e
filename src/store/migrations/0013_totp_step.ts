/**
 * 0013: the last TOTP time step an account logged in with, so that a code, once used, is refused
 * for the rest of its window (RFC 6238 §5.2: a verifier must not accept the same OTP twice).
 */
import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.js';

export async function up(db: Kysely<any>, _d: DialectInfo): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
}
