/**
 * Who this process is, for `currentProcess()`: the name and daemon flag its concur parent
 * gave it (in the `CONCUR_PROCESS` environment variable, read and removed here so that
 * unrelated programs it starts do not inherit them), or the main process's defaults.
 *
 * @module
 */

/** The identity a concur parent hands to a child process. */
export interface ProcessIdentity {
  /** The process's name (`currentProcess().name`). */
  name: string;
  /** Whether it is a daemon (its own `Process`es inherit the flag). */
  daemon: boolean;
  /** The parent's pid when this is a concur child, else `null`. */
  parentPid: number | null;
  /** The parent's name when this is a concur child, else `null`. */
  parentName: string | null;
}

/** The environment variable that carries a child's identity. */
export const IDENTITY_ENV = 'CONCUR_PROCESS';

function readIdentity(): ProcessIdentity {
  const raw = process.env[IDENTITY_ENV];
  if (raw === undefined || process.send === undefined) {
    return { name: 'MainProcess', daemon: false, parentPid: null, parentName: null };
  }
  delete process.env[IDENTITY_ENV];
  const parsed = JSON.parse(raw) as { name: string; daemon: boolean; parentName: string };
  return {
    name: parsed.name,
    daemon: parsed.daemon,
    parentPid: process.ppid,
    parentName: parsed.parentName,
  };
}

/** This process's identity. */
export const identity: ProcessIdentity = readIdentity();
