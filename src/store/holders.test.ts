import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeCommandLine, inUseMessage, sqliteLockHolders } from './holders.js';

describe('who holds a store', () => {
  it('names Jarida commands from their command line, and other programs by name', () => {
    expect(describeCommandLine(['node', '--max-semi-space-size=4', '/srv/jarida/dist/src/main.js', 'serve', '--port', '0'])).toBe('jarida serve');
    expect(describeCommandLine(['node', '/usr/local/bin/jarida', '-c', 'site.json', 'sources', 'refresh', '3'])).toBe('jarida sources refresh');
    expect(describeCommandLine(['node', '/usr/local/bin/jarida', '--config', 'site.json', 'ingest', '--once'])).toBe('jarida ingest');
    expect(describeCommandLine(['/usr/bin/sqlite3', 'data/jarida.db'])).toBe('sqlite3');
  });

  it('says who to stop, or that some process holds it', () => {
    expect(inUseMessage('db:5432/news', [{ pid: 7, host: '10.0.0.5' }, { pid: 9, host: '10.0.0.6' }])).toBe('restore: db:5432/news is in use by pid 7 on 10.0.0.5, pid 9 on 10.0.0.6; stop them first');
    expect(inUseMessage('data/jarida.db', [])).toBe('restore: data/jarida.db is in use by another process (jarida serve, ingest or import?); stop it first');
  });

  it.skipIf(process.platform !== 'linux')('finds the processes holding SQLite locks on a WAL database (not this one)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jarida-holders-')), 'j.db');
    const own = new BetterSqlite3(file);
    own.pragma('journal_mode = WAL');
    own.exec('create table t (a)');
    expect(sqliteLockHolders(file)).toEqual([]); // this process's own connection does not count
    const code = `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))}); const d = new D(${JSON.stringify(file)}); d.prepare('select * from t').all(); console.log('open'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      expect(sqliteLockHolders(file)).toEqual([{ pid: child.pid }]);
    } finally {
      child.kill();
      own.close();
    }
  });
});
