/**
 * Which regional registry a release group pulls its image from, for the planner's image check
 * ("is this image, with this digest, in every region the plan's groups pull from?").
 *
 * The rule, in order (the first that answers wins):
 *
 * 1. The image's registry host: the group moves to an image such as
 *    `harbor-west.example.com/shop/orders:1.5.0`, and the kubelet pulls from that host. A
 *    registry whose URL host is that host (`https://harbor-west.example.com`), or whose name is the
 *    host or the host's first label (`harbor-west`: how the sandbox and most people name their
 *    Harbors), is the one; its region is where the group pulls from.
 * 2. The cluster's datacenter: a registry whose region is the group's datacenter (a cluster's
 *    datacenter is its kubeconfig cluster name unless configured otherwise).
 *
 * When neither answers, Capstan cannot tell and says so (the planner shows a warning telling the
 * person to set the registry's region to the datacenter).
 */
import { imageHost } from '../base/image-ref';

export { imageHost };

export interface RegistryRegion {
  id: string;
  name: string;
  url: string;
  region: string;
}

export interface PullSource {
  region: string;
  registryId: string;
  by: 'image-host' | 'datacenter';
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export function pullSourceOf(image: string, datacenter: string, registries: readonly RegistryRegion[]): PullSource | undefined {
  const host = imageHost(image);
  if (host) {
    const label = host.split(/[.:]/)[0];
    const byHost =
      registries.find((r) => urlHost(r.url) === host) ??
      registries.find((r) => r.name.toLowerCase() === host) ??
      registries.find((r) => r.name.toLowerCase() === label);
    if (byHost) return { region: byHost.region, registryId: byHost.id, by: 'image-host' };
  }
  const byDc = registries.find((r) => r.region === datacenter);
  return byDc ? { region: byDc.region, registryId: byDc.id, by: 'datacenter' } : undefined;
}
