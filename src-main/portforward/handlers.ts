/**
 * The portforward.* channels on PortForwardService. Forwards belong to the process, not to a
 * window: a reloaded window lists and stops the forwards it started before.
 */
import type { CallContext } from '../../src-shared/base/channels';
import type { ForwardInfo, ForwardTarget, StartForward } from '../../src-shared/portforward/contract';
import type { Result } from '../../src-shared/result';
import { ok } from '../../src-shared/result';
import type { PortForwardService } from './port-forward-service';

export function portforwardHandlers(forwards: PortForwardService) {
  return {
    'portforward.start': (req: StartForward): Promise<Result<ForwardInfo>> => forwards.start(req),
    'portforward.stop': async ({ id }: { id: string }): Promise<Result<null>> => forwards.stop(id),
    'portforward.ports': (t: ForwardTarget) => forwards.ports(t),
    'portforward.watch': (_p: Record<string, never>, emit: (e: { forwards: ForwardInfo[] }) => void, ctx: CallContext): Result<void> => {
      emit({ forwards: forwards.list() });
      const off = forwards.onDidChange((list) => emit({ forwards: list }));
      if (ctx.signal.aborted) off();
      else ctx.signal.addEventListener('abort', off, { once: true });
      return ok(undefined);
    },
  };
}
