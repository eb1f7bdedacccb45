import { Modal } from '../../components/Modal';
import { useState } from 'react';
import type { KindInfo, ResourceRef } from '../../../src-shared/resources/contract';
import { useAppStore } from '../../store';
import { YamlEditor } from './YamlEditor';

const templateFor = (k: KindInfo | undefined) =>
  k
    ? `apiVersion: ${k.group ? `${k.group}/${k.version}` : k.version}\nkind: ${k.kind}\nmetadata:\n  name: \n${k.namespaced ? '  namespace: default\n' : ''}`
    : 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \n  namespace: default\ndata: {}\n';

/** Create any object from YAML in a chosen cluster, with the same dry-run preview as the editor. */
export function CreateFromYaml({ kind, clusterIds, onClose }: { kind: KindInfo | undefined; clusterIds: string[]; onClose: () => void }) {
  const [clusterId, setClusterId] = useState(clusterIds[0] ?? '');
  const open = useAppStore((s) => s.openResource);
  const created = (ref: ResourceRef) => {
    onClose();
    open(ref);
  };
  return (
    <Modal label="Create from YAML" testId="create-panel" className="overlay__panel create-panel" onClose={onClose}>
      <header className="overlay__header">
        <h2>Create from YAML</h2>
        <label className="field field--inline">
          in cluster{' '}
          <select value={clusterId} onChange={(e) => setClusterId(e.target.value)} data-testid="create-cluster">
            {clusterIds.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
      </header>
      <YamlEditor key={clusterId} clusterId={clusterId} initial={templateFor(kind)} onDone={created} onCancel={onClose} />
    </Modal>
  );
}
