import fs from 'node:fs';
import { ClusterConnection } from '../clusters/clusterConnection';
import { KubeconfigService } from '../clusters/kubeconfigService';
const kc = KubeconfigService.fromString(fs.readFileSync(process.argv[2]!, 'utf8'), 'sandbox');
const c = new ClusterConnection(kc.entries()[2]!);
const r = await c.getJson<{ items: unknown[] }>('/api/v1/pods?limit=500');
if (r.ok) { const s = JSON.stringify(r.value.items[0]); console.log(s.length); console.log(s.slice(0, 3000)); }
process.exit(0);
