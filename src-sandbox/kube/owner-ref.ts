import type { KubeObject } from './types';

/**
 * The ownerReference a controller puts on what it creates (controller and blockOwnerDeletion set,
 * as kube's controllers do). `apiVersion` and `kind` default to the owner's own.
 */
export function controllerRef(
  owner: KubeObject,
  apiVersion: string = owner.apiVersion,
  kind: string = owner.kind,
): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}
