import type { Logger } from '../ipc/logger';
import type { SandboxHandle } from './launch';

/** The sandbox datacenter in-process (wired when src-sandbox/datacenter.ts lands). */
export async function startSandboxDatacenter(_log: Logger): Promise<SandboxHandle> {
  throw new Error('The sandbox datacenter is not available in this build yet.');
}
