import { z } from 'zod';
import { request } from '../base/channels';
import { resourceRefSchema, resourceTypeSchema } from '../resources/contract';

/**
 * Edit, apply, create and delete objects from YAML. Outcomes a person must act on (invalid
 * fields, a conflict with a newer version) are answers, not errors, so the editor can show them
 * in place.
 */
const clusterId = z.string().min(1).max(256);
const yamlText = z.string().max(1024 * 1024);

export const fieldErrorSchema = z.object({
  field: z.string().max(500),
  message: z.string().max(2000),
  /** 1-based line of the field (or its nearest existing parent) in the submitted YAML. */
  line: z.number().int().optional(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const applyResultSchema = z.discriminatedUnion('outcome', [
  /** Applied for real, or (dry run) what the server would store. */
  z.object({ outcome: z.enum(['applied', 'dry-run']), yaml: yamlText, ref: resourceRefSchema }),
  z.object({ outcome: z.literal('invalid'), message: z.string().max(4000), fieldErrors: z.array(fieldErrorSchema).max(100) }),
  /** 409 on replace: someone changed the object; `liveYaml` is its current version to rebase on. */
  z.object({ outcome: z.literal('conflict'), message: z.string().max(4000), liveYaml: yamlText }),
]);
export type ApplyResult = z.infer<typeof applyResultSchema>;

export const dependentSchema = z.object({
  kind: z.string().max(253),
  namespace: z.string().max(253),
  name: z.string().max(253),
  depth: z.number().int().min(1).max(5),
});
export type Dependent = z.infer<typeof dependentSchema>;

export const editContract = {
  /** The object's YAML to edit (managedFields and status removed). Secrets are not offered: their values never reach this window. */
  'edit.liveYaml': request(resourceRefSchema, z.object({ yaml: yamlText })),
  'edit.apply': request(
    z.object({ clusterId, yaml: yamlText, mode: z.enum(['replace', 'create']), dryRun: z.boolean() }).strict(),
    applyResultSchema,
  ),
  /** What deleting the object removes with it (objects whose owner chain leads to it). */
  'edit.deletePreview': request(resourceRefSchema, z.object({ kind: z.string().max(253), dependents: z.array(dependentSchema).max(5000) })),
  'edit.delete': request(
    resourceRefSchema.extend({ propagation: z.enum(['Background', 'Foreground', 'Orphan']), confirmed: z.literal(true) }).strict(),
    z.object({ type: resourceTypeSchema }),
  ),
};
