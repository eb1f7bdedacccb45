/**
 * One resource type in one cluster, watched as the server's Table rows (reflector: paged list,
 * watch with bookmarks, resume, relist on 410, backoff). Shared by every subscriber of that
 * cluster+type and stopped when the last one leaves.
 */
import type { Column, ResourceType } from '../../src-shared/resources/contract';
import type { Clock } from '../watch/clock';
import type { ReflectorEvent, ReflectorTransport } from '../watch/reflector';
import { Reflector } from '../watch/reflector';
import type { RowObject } from './table-rows';
import { columnsOf, TABLE_ACCEPT, unwrapTableRow } from './table-rows';
import { Interner } from '../base/interner';

export const typeKey = (t: ResourceType) => `${t.group}/${t.version}/${t.resource}`;
export const collectionPath = (t: ResourceType, namespace?: string) =>
  `${t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${t.resource}`;

export class TypeWatch {
  readonly reflector: Reflector<RowObject>;
  columns: Column[] | undefined;
  /** Bumped when the columns change, so subscribers know to resend them. */
  columnsVersion = 0;
  /** Strings shared by this type's rows (namespaces, repeated cells). */
  private readonly strings = new Interner();

  constructor(
    readonly clusterId: string,
    readonly type: ResourceType,
    transport: ReflectorTransport,
    opts: { clock?: Clock; log?: (m: string) => void; pageSize?: number },
  ) {
    this.reflector = new Reflector<RowObject>({
      transport,
      path: collectionPath(type),
      resource: type.resource,
      accept: TABLE_ACCEPT,
      itemsKey: 'rows',
      unwrap: (raw) => unwrapTableRow(raw, this.strings),
      onListEnvelope: (env) => {
        const cols = columnsOf(env);
        if (cols && JSON.stringify(cols) !== JSON.stringify(this.columns)) {
          this.columns = cols;
          this.columnsVersion++;
        }
      },
      clock: opts.clock,
      pageSize: opts.pageSize,
      log: opts.log && ((m) => opts.log!(`[${clusterId}] ${m}`)),
    });
  }

  onDidChange(l: (events: ReflectorEvent<RowObject>[]) => void): () => void {
    return this.reflector.onDidChange(l);
  }
}
