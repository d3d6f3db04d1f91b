/**
 * One opener at a time for a PGlite data directory. PGlite is PostgreSQL in WebAssembly without a
 * postmaster to turn a second opener away, and two of them writing one directory corrupt it (an
 * index stops finding its rows: "duplicate key value violates unique constraint" on an upsert) —
 * two `npm start`s in one checkout, or a server and a script on its study, are enough. So an opener
 * takes a lock file in the directory naming its process, and a second one is refused with a clear
 * error; a lock left by a process that is gone is taken over.
 */

/** The lock file's name, inside the data directory. */
export const LOCK_FILE = 'trialkit.lock';

/** The data directory is open in another PGlite (this process or another one). */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    /** The process holding it. */
    readonly pid: number,
  ) {
    super(
      `the data directory ${dataDir} is in use by ${pid === process.pid ? 'this process' : `process ${pid}`} ` +
        '(one store opens a PGlite directory at a time: two writers would corrupt it). Stop the other, ' +
        `or delete ${LOCK_FILE} in the directory if no trialkit process holds it`,
    );
  }
}

/** True for a data directory on the file system (not `memory://` or a browser's `idb://`). */
export function isFileSystemDir(dataDir: string | undefined): dataDir is string {
  return !!dataDir && !/^[a-z]+:\/\//i.test(dataDir);
}

/** Takes `dataDir`'s lock, creating the directory if need be. Returns the release. */
export async function lockDataDir(dataDir: string): Promise<() => void> {
  const { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } = await import('node:fs');
  const { join } = await import('node:path');
  const file = join(dataDir, LOCK_FILE);
  mkdirSync(dataDir, { recursive: true });
  const mine = String(process.pid);
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, mine);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder))
        throw new DataDirInUseError(dataDir, holder);
      // Left by a process that ended without releasing it (killed, say): take it over.
      unlinkSync(file);
    }
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (readFileSync(file, 'utf8') === mine) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.on('exit', release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
