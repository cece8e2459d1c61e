#!/usr/bin/env node
/** argv → a command in cli/. Errors end as one line per problem on stderr and a non-zero exit. */
import { buildProgram } from './cli/program.js';
import { ConfigError } from './config.js';

// `jarida sources list | head`: a closed pipe ends the command quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    for (const line of err.fields) process.stderr.write(`jarida: ${line}\n`);
    process.exit(2);
  }
  process.stderr.write(`jarida: ${(err as Error).message}\n`);
  if (process.env.JARIDA_DEBUG) console.error(err);
  process.exit(1);
}
