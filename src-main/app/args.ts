import { parseArgs } from 'node:util';

/** Command-line options shared by `npm start` (Electron) and `npm run serve` (browser mode). */
export interface LaunchArgs {
  sandbox: boolean;
  port?: number;
  kubeconfig: string[];
  userDataDir?: string;
  /** Browser mode: also open the URL in the user's default browser (`npm start`'s fallback). */
  open?: boolean;
  /** Browser mode: replace the access token kept in the data folder (old tabs must get the new URL). */
  newToken?: boolean;
}

export function parseLaunchArgs(argv: readonly string[]): { ok: true; args: LaunchArgs } | { ok: false; message: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: false,
      allowPositionals: true,
      options: {
        sandbox: { type: 'boolean' },
        port: { type: 'string' },
        kubeconfig: { type: 'string', multiple: true },
        'user-data-dir': { type: 'string' },
        open: { type: 'boolean' },
        'new-token': { type: 'boolean' },
      },
    });
    const args: LaunchArgs = { sandbox: values.sandbox === true, kubeconfig: [] };
    if (values.port !== undefined) {
      const port = Number(values.port);
      if (typeof values.port !== 'string' || !/^\d{1,5}$/.test(values.port) || port > 65535)
        return { ok: false, message: `--port must be a number from 0 to 65535, not ${String(values.port)}` };
      args.port = port;
    }
    for (const k of (values.kubeconfig as unknown[] | undefined) ?? []) {
      if (typeof k !== 'string' || !k) return { ok: false, message: '--kubeconfig needs a file path' };
      args.kubeconfig.push(k);
    }
    if (typeof values['user-data-dir'] === 'string') args.userDataDir = values['user-data-dir'];
    if (values.open === true) args.open = true;
    if (values['new-token'] === true) args.newToken = true;
    return { ok: true, args };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
