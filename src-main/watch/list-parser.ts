/**
 * Streaming parse of one Kubernetes list page (`{"kind":…,"metadata":{…},"items":[{…},{…}]}`):
 * feed the response chunk by chunk, get each item parsed on its own as soon as its closing brace
 * arrives, and the list's own metadata (continue, resourceVersion) at the end.
 *
 * Why: buffering a page (1.5 MB for 500 small pods, several MB with managedFields) meant one big
 * Buffer.concat, then a string copy of it (Node makes large ASCII strings external, i.e. malloc'd),
 * then every object of the page alive at once. With four clusters listing in parallel these
 * transient copies dominated the main process's peak RSS: malloc'd memory freed only at the next
 * GC and then kept by the allocator as fragmentation. Here the largest transient is one item.
 *
 *   const p = new ListParser({ maxItemBytes });
 *   const items = p.push(chunk);     // string[] of complete items (JSON text), or an error string
 *   const meta = p.end();            // ListMeta, or an error string when the page was truncated
 *
 * The scanner only tracks strings, escapes and nesting depth; JSON.parse validates each item and
 * the envelope (everything but the items' contents, a few hundred bytes).
 */
import type { ListMeta } from '../../src-shared/k8s/types';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;

/** Envelope (kind, apiVersion, metadata) cap: a list's own fields are small. */
const MAX_ENVELOPE_BYTES = 1024 * 1024;

export type ListParseError = 'too-long' | 'invalid' | 'truncated';

export class ListParser {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth-1 string just read (a key candidate) and whether we now sit inside the items array. */
  private keyBytes: number[] | undefined;
  private lastKey = '';
  private afterColon = false;
  private itemsDepth = -1; // depth inside the items array (2), -1 when not in it
  private itemsSeen = false;
  /** Bytes of the current item split over chunks. */
  private itemParts: Buffer[] = [];
  private itemSize = 0;
  private inItem = false;
  private readonly envelope: Buffer[] = [];
  private envelopeSize = 0;
  private done = false;

  /** The envelope as parsed by end() (a Table's columnDefinitions live there). */
  envelopeObject: Record<string, unknown> | undefined;

  /** `itemsKey`: the array to stream ('items'; a Table's is 'rows'). */
  constructor(private readonly o: { maxItemBytes: number; itemsKey?: string }) {}

  /** Complete items in `chunk` as JSON text, in order. */
  push(chunk: Buffer): string[] | ListParseError {
    const items: string[] = [];
    const inArray = () => this.itemsDepth > 0;
    let itemStart = this.inItem ? 0 : -1;
    // Everything outside the items array is the envelope.
    let envStart = inArray() ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes) {
            this.lastKey = String.fromCharCode(...this.keyBytes);
            this.keyBytes = undefined;
          }
        } else if (this.keyBytes && this.keyBytes.length < 16) this.keyBytes.push(c);
        continue;
      }
      if (this.done) {
        if (c > 0x20) return 'invalid'; // data after the list's closing brace
        continue;
      }
      // Between items only `{`, `,`, `]` and whitespace may appear: items are objects.
      if (this.depth === this.itemsDepth && c > 0x20 && c !== OPEN_OBJ && c !== 0x2c && c !== CLOSE_ARR) return 'invalid';
      switch (c) {
        case QUOTE:
          this.inString = true;
          // Keys of the list object itself: remember the last one to spot "items".
          if (this.depth === 1 && !this.afterColon) this.keyBytes = [];
          break;
        case COLON:
          if (this.depth === 1) this.afterColon = true;
          break;
        case OPEN_OBJ:
        case OPEN_ARR:
          if (this.depth === 1 && this.afterColon && c === OPEN_ARR && this.lastKey === (this.o.itemsKey ?? 'items') && !this.itemsSeen) {
            // The items array opens: the envelope keeps `"items":[` and resumes at its `]`.
            if (!this.addEnvelope(chunk.subarray(envStart, i + 1))) return 'too-long';
            envStart = -1;
            this.itemsDepth = 2;
            this.itemsSeen = true;
          } else if (this.depth === this.itemsDepth) {
            this.inItem = true;
            itemStart = i;
          }
          this.depth++;
          break;
        case CLOSE_OBJ:
        case CLOSE_ARR:
          this.depth--;
          if (this.depth < 0) return 'invalid';
          if (this.inItem && this.depth === this.itemsDepth) {
            const item = this.finishItem(chunk.subarray(itemStart, i + 1));
            if (item === undefined) return 'too-long';
            items.push(item);
            this.inItem = false;
            itemStart = -1;
          } else if (inArray() && this.depth === 1) {
            if (c !== CLOSE_ARR) return 'invalid';
            this.itemsDepth = -1;
            envStart = i;
          } else if (this.depth === 0) {
            this.done = true;
          }
          if (this.depth === 1) this.afterColon = false;
          break;
        default:
          // ',' ends a value of the list object: the next string is a key again.
          if (c === 0x2c && this.depth === 1) this.afterColon = false;
      }
    }
    if (this.inItem) {
      const piece = chunk.subarray(Math.max(0, itemStart));
      this.itemSize += piece.length;
      if (this.itemSize > this.o.maxItemBytes) return 'too-long';
      // A copy: the chunk itself must not be kept alive by a small piece of it.
      this.itemParts.push(Buffer.from(piece));
    } else if (envStart >= 0 && !this.addEnvelope(chunk.subarray(envStart))) {
      return 'too-long';
    }
    return items;
  }

  /** The list's metadata once the whole page has been fed. */
  end(): ListMeta | ListParseError {
    if (!this.done || this.inString) return 'truncated';
    try {
      const env = JSON.parse(Buffer.concat(this.envelope).toString('utf8')) as Record<string, unknown> & { metadata?: ListMeta };
      const items = env?.[this.o.itemsKey ?? 'items'];
      // `"items": null` is how Go encodes an empty slice; anything else must be the array.
      if (!env || typeof env !== 'object' || !(Array.isArray(items) || (items === null && !this.itemsSeen))) return 'invalid';
      this.envelopeObject = env;
      return env.metadata ?? {};
    } catch {
      return 'invalid';
    }
  }

  private finishItem(last: Buffer): string | undefined {
    if (this.itemParts.length === 0) {
      if (last.length > this.o.maxItemBytes) return undefined;
      return last.toString('utf8');
    }
    this.itemSize += last.length;
    if (this.itemSize > this.o.maxItemBytes) return undefined;
    const text = Buffer.concat([...this.itemParts, last]).toString('utf8');
    this.itemParts = [];
    this.itemSize = 0;
    return text;
  }

  private addEnvelope(piece: Buffer): boolean {
    if (piece.length === 0) return true;
    this.envelopeSize += piece.length;
    if (this.envelopeSize > MAX_ENVELOPE_BYTES) return false;
    this.envelope.push(Buffer.from(piece));
    return true;
  }
}
