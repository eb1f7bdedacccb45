/** The debug image to prefill for a cluster: the one last used there (main remembers it), else the default. */
import { DEFAULT_DEBUG_IMAGE } from '../../../src-shared/exec/contract';
import { useClient } from '../../components/ClientContext';
import { useRequest } from '../../components/useRequest';

export function useDebugImage(clusterId: string, wanted = true): string {
  const client = useClient();
  const r = useRequest(() => (wanted ? client['exec.debugImage']({ clusterId }) : undefined), [client, clusterId, wanted]);
  return r.data?.image ?? DEFAULT_DEBUG_IMAGE;
}
