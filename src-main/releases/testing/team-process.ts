/**
 * A Capstan service process of the team-releases proofs (team-child.ts), driven over stdin and
 * read from its JSON lines: used by test/contract/team-releases.test.ts and the take-over e2e test.
 * Waiting is on conditions (a line that satisfies a predicate), never on time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { plan } from './release-sandbox';

const root = resolve(import.meta.dirname, '../../..');

export interface View {
  id: string;
  version: number;
  status: string;
  /** key, phase, batch index, step, batch label ("fort", "batch 2/4") */
  groups: [string, string, number, string, string][];
  history: string[];
  /** Aborted groups given back: key, outcome, detail. */
  handBacks: [string, string, string][];
  locked: boolean;
  owner?: { holder: string; holderLabel: string; mine: boolean; expired: boolean; renewedAt?: number; lost?: string; releasedBy?: string };
}
export type Line = { t: string; at?: number; ok?: boolean; id?: string; message?: string; cmd?: string; executions?: View[] };

export class Capstan {
  readonly proc: ChildProcess;
  readonly lines: Line[] = [];
  private readonly waiters = new Set<() => void>();
  stderr = '';
  /** `lease`: duration, renew deadline, retry period in seconds; `speed`: the sandbox's clock speed. */
  constructor(
    dir: string,
    kubeconfig: string,
    readonly name: string,
    lease: readonly number[],
    speed: number,
  ) {
    // node --import tsx: one process, so SIGKILL and SIGSTOP hit the services themselves.
    this.proc = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src-main/releases/testing/team-child.ts'), dir, kubeconfig, name, lease.join(','), String(speed)],
      { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: this.proc.stdout! }).on('line', (l) => {
      if (!l.startsWith('{')) return;
      this.lines.push(JSON.parse(l) as Line);
      for (const w of this.waiters) w();
    });
  }

  send(cmd: object): void {
    this.proc.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  /** The first line from `from` on that satisfies `pred` (waits for it: conditions, never time). */
  wait<T>(pred: (l: Line) => T | undefined | false, timeoutMs: number, label: string, from = 0): Promise<T> {
    return new Promise((res, rej) => {
      const check = () => {
        for (let i = from; i < this.lines.length; i++) {
          const v = pred(this.lines[i]!);
          if (v) {
            this.waiters.delete(check);
            clearTimeout(timer);
            res(v);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        rej(
          new Error(
            `${this.name}: timed out waiting for ${label}; last lines: ${JSON.stringify(this.lines.slice(-3))} ${this.stderr.slice(-800)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  view(id: string, pred: (v: View) => boolean, timeoutMs: number, label: string): Promise<View> {
    return this.wait((l) => l.t === 'view' && l.executions?.find((e) => e.id === id && pred(e)), timeoutMs, label);
  }

  async request(cmd: { cmd: string; [k: string]: unknown }): Promise<Line> {
    const from = this.lines.length;
    this.send(cmd);
    return this.wait((l) => l.t === 'reply' && l.cmd === cmd.cmd && l, 60_000, `reply to ${cmd.cmd}`, from);
  }

  get last(): (id: string) => View | undefined {
    return (id) =>
      [...this.lines]
        .reverse()
        .find((l) => l.t === 'view' && l.executions?.some((e) => e.id === id))
        ?.executions?.find((e) => e.id === id);
  }
}

/** The proofs' release: orders 1.5.0 through UAT (the home cluster) then pro-west (a fort and two batches). */
export const teamPlan = (): string =>
  plan(
    'orders',
    '1.5.0',
    '  - { name: uat, approval: false, groups: [{ group: uat }] }\n  - { name: pro-west, groups: [{ group: pro, datacenter: pro-west }] }',
    'rollback: manual',
  );

/** The batch number in a label ("batch 2/3" → 2, "fort" → 0). */
export const batchNumber = (label: string): number => Number(/batch (\d+)\//.exec(label)?.[1] ?? 0);
