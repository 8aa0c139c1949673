/**
 * Writes an nfs-ganesha 4.3 configuration for one FSAL_VFS export served over NFSv3 only.
 * Every path ganesha writes to (recovery dir; log and PID file are command-line flags) lives
 * in the instance's work directory.
 */

export interface GaneshaConfigInput {
  exportPath: string;
  readOnly: boolean;
  nfsPort: number;
  mountPort: number;
  recoveryRoot: string;
  /** ganesha log level name: FATAL, MAJ, CRIT, WARN, EVENT, INFO, DEBUG, MID_DEBUG, FULL_DEBUG. */
  logLevel: string;
  /** Extra `Key = value;` lines for the EXPORT block (values are written as given). */
  exportExtras?: Readonly<Record<string, string | number | boolean>>;
}

export class GaneshaConfigError extends Error {
  override readonly name = 'GaneshaConfigError';
}

function quoted(value: string): string {
  // ganesha's config lexer has no escape for '"' inside a string.
  if (/["\n]/.test(value)) throw new GaneshaConfigError(`ganesha cannot quote ${JSON.stringify(value)}`);
  return `"${value}"`;
}

export function ganeshaConfig(input: GaneshaConfigInput): string {
  const extras = Object.entries(input.exportExtras ?? {}).map(([key, value]) => `    ${key} = ${String(value)};`);
  return [
    'NFS_CORE_PARAM {',
    `    NFS_Port = ${input.nfsPort};`,
    // MOUNT on its own port, as on most real servers, so clients must pass both ports.
    `    MNT_Port = ${input.mountPort};`,
    // No NLM/statd/rquota side daemons; clients mount with nolock (architecture.md).
    '    Enable_NLM = false;',
    '    Enable_RQUOTA = false;',
    '    Protocols = 3;',
    '}',
    'NFSV4 {',
    // The grace period only guards NFSv4/NLM state reclaim; skip it so the server is usable
    // the moment it listens.
    '    Graceless = true;',
    `    RecoveryRoot = ${quoted(input.recoveryRoot)};`,
    '}',
    'NFS_KRB5 {',
    // Without a keytab, ganesha would only log credential errors at every start.
    '    Active_krb5 = false;',
    '}',
    'EXPORT {',
    '    Export_Id = 1;',
    `    Path = ${quoted(input.exportPath)};`,
    `    Pseudo = ${quoted(input.exportPath)};`,
    '    Protocols = 3;',
    '    Transports = TCP, UDP;',
    `    Access_Type = ${input.readOnly ? 'RO' : 'RW'};`,
    '    Squash = No_Root_Squash;',
    '    SecType = sys;',
    // Tests change the export directory behind ganesha's back; do not serve cached attributes.
    '    Attr_Expiration_Time = 0;',
    ...extras,
    '    FSAL {',
    '        Name = VFS;',
    '    }',
    '}',
    'LOG {',
    `    Default_Log_Level = ${input.logLevel};`,
    '}',
    '',
  ].join('\n');
}
