/**
 * Which containers a view follows in one cluster: a pod reflector (list + watch, client-go style)
 * on the selection's label selector, so pods that appear later join and pods that go away are
 * seen. A Deployment's selector is read from the Deployment first; a release group is
 * `app.kubernetes.io/name=<app>,capstan.io/group=<group>`.
 */
import { labelSelectorString, type LabelSelector } from '../../src-shared/base/label-selector';
import type { KubeObject } from '../../src-shared/k8s/types';
import type { LogSelection } from '../../src-shared/logs/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ReflectorTransport } from '../watch/reflector';
import { Reflector } from '../watch/reflector';

interface Terminated {
  reason?: string;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
}
export interface PodObject extends KubeObject {
  spec?: { containers?: { name: string }[] };
  status?: {
    phase?: string;
    containerStatuses?: {
      name: string;
      restartCount?: number;
      state?: { running?: { startedAt?: string }; waiting?: { reason?: string; message?: string }; terminated?: Terminated };
      lastState?: { terminated?: Terminated };
    }[];
  };
}

/** The pod collection path (with query) a selection watches in one cluster. */
export async function podQuery(conn: ReflectorTransport, sel: LogSelection, signal: AbortSignal): Promise<Result<string>> {
  const ns = sel.namespace;
  const base = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/pods` : '/api/v1/pods';
  const q = new URLSearchParams();
  const t = sel.target;
  switch (t.kind) {
    case 'pod':
      if (!ns) return err('invalid-payload', 'A pod selection needs a namespace.');
      q.set('fieldSelector', `metadata.name=${t.name}`);
      break;
    case 'selector':
      q.set('labelSelector', t.labelSelector);
      break;
    case 'group':
      q.set('labelSelector', `app.kubernetes.io/name=${t.app},capstan.io/group=${t.group}`);
      break;
    case 'deployment': {
      if (!ns) return err('invalid-payload', 'A Deployment selection needs a namespace.');
      const d = await conn.getJson<{ spec?: { selector?: LabelSelector } }>(
        `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${encodeURIComponent(t.name)}`,
        { signal, verb: 'get', resource: 'deployments' },
      );
      if (!d.ok) return d;
      const s = labelSelectorString(d.value.spec?.selector ?? {});
      if (!s) return err('response-invalid', `Deployment ${t.name} has an empty selector.`);
      q.set('labelSelector', s);
      break;
    }
  }
  return ok(`${base}?${q}`);
}

export interface PodWatch {
  stop(): void;
}

/** Watch the selection's pods; `onPods(upserts, deletes)` per change, `onListed` once the first list is in. */
export function watchPods(
  conn: ReflectorTransport,
  path: string,
  onPods: (upserts: PodObject[], deletes: PodObject[]) => void,
  onListed?: () => void,
): PodWatch {
  const r = new Reflector<PodObject>({ transport: conn, path, resource: 'pods' });
  if (onListed) {
    const off = r.onDidChangeStatus((s) => {
      if (!s.synced) return;
      off();
      onListed();
    });
  }
  r.onDidChange((events) =>
    onPods(
      events.filter((e) => e.type === 'upsert').map((e) => e.object),
      events.filter((e) => e.type === 'delete').map((e) => e.object),
    ),
  );
  r.start();
  return { stop: () => r.dispose() };
}
