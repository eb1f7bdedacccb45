import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from '../kube/resources';
import type { ObjectStore } from '../kube/store';
import { handleList } from './reads';

export function wantsTable(_accept: string | undefined): boolean {
  return false;
}

export function tableFor(res: ServerResponse, store: ObjectStore, info: ResourceInfo, ns: string | undefined, params: URLSearchParams): void {
  handleList(res, store, info, ns, params);
}
