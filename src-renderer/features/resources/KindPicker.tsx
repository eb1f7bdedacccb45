import { useMemo } from 'react';
import type { KindInfo, ResourceType } from '../../../src-shared/resources/contract';
import { useClient } from '../../components/ClientContext';
import { useRequest } from '../../components/useRequest';
import { typeId } from './resource-model';

/** What an on-call engineer reaches for first, in this order; everything else follows by name. */
const common = [
  'services',
  'ingresses',
  'configmaps',
  'secrets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'horizontalpodautoscalers',
  'persistentvolumeclaims',
  'nodes',
  'events',
  'poddisruptionbudgets',
  'deployments',
  'replicasets',
  'pods',
  'namespaces',
];
const builtinGroup = (g: string) => g === '' || !g.includes('.') || g.endsWith('.k8s.io');

export function useKinds(): { kinds: KindInfo[]; errors: { clusterId: string; message: string }[] } {
  const client = useClient();
  const { data, error } = useRequest(() => client['resources.kinds']({}), [client]);
  return useMemo(
    () => (error ? { kinds: [], errors: [{ clusterId: '', message: error.message }] } : (data ?? { kinds: [], errors: [] })),
    [data, error],
  );
}

const label = (k: KindInfo) => `${k.kind}${k.group ? ` (${k.group})` : ''}`;

export function KindPicker({ kinds, value, onChange }: { kinds: KindInfo[]; value: ResourceType; onChange: (k: KindInfo) => void }) {
  const groups = useMemo(() => {
    const first = common.flatMap((r) => kinds.filter((k) => k.resource === r && builtinGroup(k.group)).slice(0, 1));
    const firstIds = new Set(first.map(typeId));
    const rest = kinds.filter((k) => !firstIds.has(typeId(k)));
    return [
      { label: 'Common', kinds: first },
      { label: 'Built-in', kinds: rest.filter((k) => builtinGroup(k.group)) },
      { label: 'Custom resources', kinds: rest.filter((k) => !builtinGroup(k.group)) },
    ].filter((g) => g.kinds.length);
  }, [kinds]);
  const current = typeId(value);
  const known = kinds.some((k) => typeId(k) === current);
  return (
    <label className="field">
      <span className="field__label">Kind</span>
      <select
        aria-label="Kind"
        data-testid="resource-kind"
        value={current}
        onChange={(e) => {
          const k = kinds.find((x) => typeId(x) === e.target.value);
          if (k) onChange(k);
        }}
      >
        {!known ? <option value={current}>{value.resource}</option> : null}
        {groups.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.kinds.map((k) => (
              <option key={typeId(k)} value={typeId(k)}>
                {label(k)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
