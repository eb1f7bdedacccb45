/**
 * The live subscriptions per sender (a window, a WebSocket), each with its AbortController, and
 * the per-sender limit: a runaway renderer loop must not exhaust main.
 */
export interface Subscription {
  channel: string;
  controller: AbortController;
}

export class SubscriptionTable {
  private readonly senders = new Map<string, Map<string, Subscription>>();

  constructor(readonly maxPerSender: number) {}

  /** Registers a new subscription, or says why not: the id is taken, or the sender holds the most it may. */
  add(senderId: string, subId: string, channel: string): Subscription | 'in-use' | 'full' {
    const subs = this.senders.get(senderId) ?? new Map<string, Subscription>();
    if (subs.has(subId)) return 'in-use';
    if (subs.size >= this.maxPerSender) return 'full';
    const sub: Subscription = { channel, controller: new AbortController() };
    subs.set(subId, sub);
    this.senders.set(senderId, subs);
    return sub;
  }

  get(senderId: string, subId: string): Subscription | undefined {
    return this.senders.get(senderId)?.get(subId);
  }

  /** Forgets `sub` (if it is still the one under this id); does not abort it. */
  remove(senderId: string, subId: string, sub: Subscription): void {
    const subs = this.senders.get(senderId);
    if (subs?.get(subId) === sub) {
      subs.delete(subId);
      if (subs.size === 0) this.senders.delete(senderId);
    }
  }

  /** Aborts and forgets every subscription of a sender. */
  disposeSender(senderId: string): void {
    const subs = this.senders.get(senderId);
    if (!subs) return;
    this.senders.delete(senderId);
    for (const sub of subs.values()) sub.controller.abort();
  }

  count(senderId?: string): number {
    if (senderId !== undefined) return this.senders.get(senderId)?.size ?? 0;
    let n = 0;
    for (const subs of this.senders.values()) n += subs.size;
    return n;
  }

  dispose(): void {
    for (const id of [...this.senders.keys()]) this.disposeSender(id);
  }
}
