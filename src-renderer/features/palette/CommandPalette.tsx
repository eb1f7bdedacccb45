import { Modal } from '../../components/Modal';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PaletteHit } from '../../../src-shared/palette/contract';
import type { KindInfo, ResourceRef } from '../../../src-shared/resources/contract';
import { useClient } from '../../components/ClientContext';
import type { NavItem } from '../../shell/nav';
import { useAppStore } from '../../store';
import { deploymentLogsTab, podLogsTab, shellTab } from '../logs/open-tabs';
import { useKinds } from '../resources/KindPicker';
import type { Command } from './palette-items';
import { matchCommands } from './palette-items';
import type { RecentItem } from './palette-slice';
import './palette.css';

interface Entry {
  key: string;
  label: string;
  group: string;
  hint?: string;
  run: () => void;
  recent?: RecentItem;
}

/** Ctrl/Cmd+K anywhere toggles the palette (the input keeps it working while typing elsewhere). */
export function usePaletteShortcut(): void {
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen(!useAppStore.getState().paletteOpen);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [setOpen]);
}

/** Object hits from main, for the latest query only (older answers are dropped). */
function useObjectHits(query: string): { hits: PaletteHit[]; pending: number; indexed: number } {
  const client = useClient();
  const [state, setState] = useState<{ hits: PaletteHit[]; pending: number; indexed: number }>({ hits: [], pending: 0, indexed: 0 });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    if (!query.trim()) {
      setState((s) => ({ ...s, hits: [] }));
      return;
    }
    void client['palette.search']({ query, limit: 30 }).then((r) => {
      if (!live || !r.ok) return;
      setState({ hits: r.value.hits, pending: r.value.pending, indexed: r.value.indexed });
    });
    return () => {
      live = false;
    };
  }, [client, query, tick]);
  // While clusters are still being indexed, ask again now and then.
  useEffect(() => {
    if (state.pending === 0) return;
    const t = setTimeout(() => setTick((n) => n + 1), 400);
    return () => clearTimeout(t);
  }, [state.pending, state.indexed]);
  return state;
}

export function CommandPalette({ nav }: { nav: readonly NavItem[] }) {
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  const recent = useAppStore((s) => s.paletteRecent);
  const pushRecent = useAppStore((s) => s.pushRecent);
  const clusters = useAppStore((s) => s.clusters);
  const client = useClient();
  const { kinds } = useKinds();
  const [query, setQuery] = useState('');
  // The chosen entry by key, not by position: hits arriving while a person moves through the list
  // must not move the choice under them (Enter would run something else).
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const objects = useObjectHits(query);

  const close = () => setOpen(false);
  const openObject = useCallback(
    (ref: ResourceRef, kind: string) => {
      const s = useAppStore.getState();
      s.setResourceType(ref.type);
      s.setResourceFilter('cluster', '');
      s.setResourceFilter('text', ref.name);
      s.setView('resources');
      s.openResource(ref);
      pushRecent({ t: 'object', ref, kind });
    },
    [pushRecent],
  );

  const commands = useMemo<Command[]>(() => {
    const s = () => useAppStore.getState();
    const list: Command[] = nav.map((n) => ({
      id: `view:${n.id}`,
      label: `Go to ${n.label}`,
      group: 'View',
      hint: n.hint,
      run: () => s().setView(n.id),
    }));
    for (const t of ['light', 'dark', 'system'] as const)
      list.push({ id: `theme:${t}`, label: `Theme: ${t}`, group: 'Action', run: () => s().setTheme(t) });
    list.push({ id: 'help', label: 'Show keyboard shortcuts', group: 'Action', run: () => s().setHelpOpen(true) });
    for (const c of clusters ?? [])
      list.push({
        id: `reconnect:${c.id}`,
        label: `Reconnect cluster ${c.id}`,
        group: 'Action',
        run: () => void client['clusters.reconnect']({ clusterId: c.id }),
      });
    for (const k of kinds as KindInfo[]) {
      list.push({
        id: `kind:${k.group}/${k.resource}`,
        label: `Show kind: ${k.kind}${k.group ? ` (${k.group})` : ''}`,
        group: 'Kind',
        hint: k.shortNames.join(', ') || undefined,
        run: () => {
          s().setResourceType({ group: k.group, version: k.version, resource: k.resource });
          s().setView('resources');
        },
      });
    }
    return list;
  }, [nav, clusters, kinds, client]);

  const entries = useMemo<Entry[]>(() => {
    const out: Entry[] = [];
    const fromCommand = (c: Command): Entry => ({
      key: c.id,
      label: c.label,
      group: c.group,
      hint: c.hint,
      run: () => (c.run(), pushRecent({ t: 'command', id: c.id, label: c.label })),
    });
    if (!query.trim()) {
      for (const r of recent) {
        if (r.t === 'object')
          out.push({
            key: `recent:o:${r.ref.clusterId}/${r.ref.type.resource}/${r.ref.namespace}/${r.ref.name}`,
            label: r.ref.name,
            group: 'Recent',
            hint: `${r.kind} · ${r.ref.clusterId}${r.ref.namespace ? ` / ${r.ref.namespace}` : ''}`,
            run: () => openObject(r.ref, r.kind),
          });
        else {
          const c = commands.find((x) => x.id === r.id);
          if (c) out.push({ ...fromCommand(c), key: `recent:c:${c.id}`, group: 'Recent' });
        }
      }
    }
    const actions: Entry[] = [];
    for (const h of objects.hits) {
      const ref = { clusterId: h.clusterId, type: h.type, namespace: h.namespace, name: h.name };
      const where = `${h.clusterId}${h.namespace ? ` / ${h.namespace}` : ''}`;
      const key = `${h.clusterId}/${h.type.group}/${h.type.resource}/${h.namespace}/${h.name}`;
      out.push({ key: `o:${key}`, label: h.name, group: h.kind, hint: where, run: () => openObject(ref, h.kind) });
      // What one does with the best few hits, right away: their logs, a shell.
      if (actions.length >= 6) continue;
      const openTab = useAppStore.getState().openLogTab;
      if (h.kind === 'Pod') {
        const pod = { clusterId: h.clusterId, namespace: h.namespace, pod: h.name };
        actions.push({
          key: `a:logs:${key}`,
          label: `Logs of ${h.name}`,
          group: 'Action',
          hint: where,
          run: () => void openTab(podLogsTab(pod)),
        });
        actions.push({
          key: `a:shell:${key}`,
          label: `Shell in ${h.name}`,
          group: 'Action',
          hint: where,
          run: () => void openTab(shellTab(pod)),
        });
      }
      // A port-forward in one step: its first declared port to a free local port, shown in Forwards
      // with where it listens (the drawer's panel chooses another port).
      if (h.kind === 'Pod' || h.kind === 'Service')
        actions.push({
          key: `a:forward:${key}`,
          label: `Port-forward ${h.kind === 'Service' ? 'svc/' : ''}${h.name}`,
          group: 'Action',
          hint: `${where} · first port, free local port`,
          run: () => {
            const { requestForward, setView } = useAppStore.getState();
            requestForward({
              clusterId: h.clusterId,
              namespace: h.namespace,
              kind: h.kind === 'Service' ? 'service' : 'pod',
              name: h.name,
            });
            setView('forwards');
          },
        });
      if (h.kind === 'Deployment') {
        actions.push({
          key: `a:logs:${key}`,
          label: `Logs of deployment ${h.name}`,
          group: 'Action',
          hint: where,
          run: () => void openTab(deploymentLogsTab({ clusterId: h.clusterId, namespace: h.namespace, name: h.name })),
        });
      }
    }
    out.push(...actions);
    for (const c of matchCommands(commands, query, query.trim() ? 12 : 30)) out.push(fromCommand(c));
    return out;
  }, [query, recent, objects.hits, commands, openObject, pushRecent]);

  const found = activeKey === null ? -1 : entries.findIndex((e) => e.key === activeKey);
  const active = found >= 0 ? found : 0;
  const setActive = (i: number) => setActiveKey(entries[i]?.key ?? null);
  useEffect(() => setActiveKey(null), [query]);
  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const runAt = (i: number) => {
    const e = entries[i];
    if (!e) return;
    close();
    e.run();
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive(Math.min(entries.length - 1, active + 1));
    else if (e.key === 'ArrowUp') setActive(Math.max(0, active - 1));
    else if (e.key === 'Enter') runAt(active);
    else if (e.key === 'Escape') close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <Modal label="Command palette" testId="palette" className="palette" overlayClassName="overlay palette-overlay" onClose={close}>
      <input
        className="palette__input"
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={entries[active] ? `palette-item-${active}` : undefined}
        placeholder="Find any object by name, a view, an action…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="palette-input"
        spellCheck={false}
        autoComplete="off"
      />
      <ul className="palette__list" id="palette-list" role="listbox" ref={listRef} data-testid="palette-list">
        {entries.map((e, i) => (
          <li
            key={e.key}
            id={`palette-item-${i}`}
            role="option"
            aria-selected={i === active}
            className={`palette__item${i === active ? ' is-active' : ''}`}
            data-index={i}
            data-group={e.group}
            data-label={e.label}
            data-testid="palette-item"
            onMouseMove={() => setActive(i)}
            onClick={() => runAt(i)}
          >
            <span className="palette__label">{e.label}</span>
            {e.hint ? <span className="palette__hint">{e.hint}</span> : null}
            <span className="palette__group">{e.group}</span>
          </li>
        ))}
        {entries.length === 0 ? <li className="palette__empty">Nothing matches “{query}”.</li> : null}
      </ul>
      <div className="palette__foot muted" data-testid="palette-status">
        ↑↓ move · Enter open · Esc close · {objects.indexed.toLocaleString()} names indexed
        {objects.pending ? ` · indexing ${objects.pending} cluster${objects.pending === 1 ? '' : 's'}…` : ''}
      </div>
    </Modal>
  );
}
