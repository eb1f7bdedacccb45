/**
 * The plan's keys by where they sit, read from the plan schema itself (so completion in the YAML
 * editor can never offer a key the schema refuses, nor miss one added later).
 */
import { z } from 'zod';
import { planSchema } from './plan';

/** Unwrap optional/nullable/default/array/pipe layers down to an object schema, if any. */
function objectOf(schema: z.ZodType | undefined): z.ZodObject | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 10 && s; i++) {
    if (s instanceof z.ZodObject) return s;
    if (s instanceof z.ZodArray) s = s.element;
    else if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return undefined;
  }
  return undefined;
}

/** Keys allowed at a path of mapping keys (array items are skipped: `stages.groups` means a group ref). */
export function planKeysAt(path: readonly string[]): string[] {
  let obj: z.ZodObject | undefined = planSchema;
  for (const key of path) {
    obj = objectOf(obj?.shape[key] as z.ZodType | undefined);
    if (!obj) return [];
  }
  return Object.keys(obj.shape);
}

/** Values worth offering for a key (enums and booleans). */
export function planValuesFor(path: readonly string[], key: string): string[] {
  let parent: z.ZodObject | undefined = planSchema;
  for (const k of path) parent = objectOf(parent?.shape[k] as z.ZodType | undefined);
  let s: unknown = parent?.shape[key];
  for (let i = 0; i < 5 && s; i++) {
    if (s instanceof z.ZodEnum) return s.options.map(String);
    if (s instanceof z.ZodBoolean) return ['true', 'false'];
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap();
    else return [];
  }
  return [];
}
