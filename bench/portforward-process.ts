/**
 * Capstan's port-forward in its own process (as in the app: the main process, not the client), so
 * that the bench's clients and Capstan do not share one event loop while kubectl runs apart.
 * argv: kubeconfig, pod name, port. Prints `forwards <port with tunnels ahead> <port without>`.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ClusterService } from '../src-main/clusters/cluster-service';
import { KubeconfigService } from '../src-main/clusters/kubeconfig-service';
import { PortForwardService } from '../src-main/portforward/port-forward-service';

const [kubeconfig, name, portText] = process.argv.slice(2);
const clusters = new ClusterService(KubeconfigService.fromString(readFileSync(kubeconfig!, 'utf8'), 'bench'), { idleCloseMs: 0 });
const ahead = new PortForwardService({ connection: (id) => clusters.connection(id) });
const cold = new PortForwardService({ connection: (id) => clusters.connection(id), spares: { size: 0, keepMs: 0 } });
const target = { clusterId: 'uat', namespace: 'shop', kind: 'pod', name: name!, remotePort: Number(portText) } as const;
const a = await ahead.start(target);
const c = await cold.start(target);
if (!a.ok || !c.ok) throw new Error(`cannot forward: ${!a.ok ? a.error.message : !c.ok ? c.error.message : ''}`);
console.log(`forwards ${a.value.localPort} ${c.value.localPort}`);
createInterface({ input: process.stdin }).on('line', (line) => line.trim() === 'quit' && process.exit(0));
