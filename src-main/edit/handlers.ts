/** The edit channels on top of EditService (the composition root spreads these in). */
import type { Handlers } from '../../src-shared/base/channels';
import type { editContract } from '../../src-shared/edit/contract';
import type { EditService } from './edit-service';

export function editHandlers(edits: EditService): Handlers<typeof editContract> {
  return {
    'edit.liveYaml': (ref) => edits.liveYaml(ref),
    'edit.apply': (req) => edits.apply(req),
    'edit.deletePreview': (ref) => edits.deletePreview(ref),
    'edit.delete': ({ propagation, confirmed: _c, ...ref }) => edits.delete(ref, propagation),
  };
}
