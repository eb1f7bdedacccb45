/**
 * One log viewer tab: toolbar (filter, search with match count, toggles, pause, jump, previous,
 * download, copy), per-source status strip, and the terminal. Keyboard first: `/` search, `f`
 * filter, Enter / Shift+Enter next / previous match, Space pause, End or G jump to latest,
 * t timestamps, w wrap, j JSON, p previous container, r regex (filter and search are literal
 * text otherwise), d download, c copy selection. History: the last lines, or since 15 min, 1 h or a time.
 */
import { useEffect, useRef, useState } from 'react';
import type { LogSelection } from '../../../src-shared/logs/contract';
import { useClient } from '../../components/ClientContext';
import { downloadHistory } from './download';
import { downloadName, sinceTimeOf } from './open-tabs';
import type { TermHandle } from './terminal';
import { createTerminal } from './terminal';
import { useLogStream } from './useLogStream';
import { useTerminalSearch } from './use-terminal-search';

export function LogTab({ viewId, selection, title, active }: { viewId: string; selection: LogSelection; title: string; active: boolean }) {
  const client = useClient();
  const el = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const filterInput = useRef<HTMLInputElement>(null);
  const [handle, setHandle] = useState<TermHandle>();
  const [filter, setFilter] = useState('');
  const [search, setSearch] = useState('');
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(true);
  const [json, setJson] = useState(false);
  const [paused, setPaused] = useState(false);
  const [previous, setPrevious] = useState(selection.previous ?? false);
  const [regex, setRegex] = useState(false);
  // History: '' = as opened (last lines), else an RFC 3339 start time chosen in the toolbar.
  const [since, setSince] = useState('');
  const [sinceLocal, setSinceLocal] = useState('');
  const [note, setNote] = useState('');
  const sel = { ...selection, previous, ...(since ? { sinceTime: since } : {}) };
  if (since) delete sel.tailLines;
  const streamId = `${viewId}${previous ? '-p' : ''}${since ? `-s${Date.parse(since) / 1000}` : ''}`;
  const st = useLogStream(client, streamId, sel, handle, { filter, regex, timestamps, wrap, json, paused });
  const [pickingTime, setPickingTime] = useState(false);
  const pickRange = (value: string) => {
    if (value === 'time') {
      const at = sinceTimeOf({ local: sinceLocal });
      setPickingTime(!at);
      return at ? setSince(at) : undefined;
    }
    setPickingTime(false);
    setSince(value ? (sinceTimeOf({ minutes: Number(value) }) ?? '') : '');
  };

  useEffect(() => {
    if (!el.current) return;
    const h = createTerminal(el.current, { disableStdin: true, scrollback: 10_000, cursorStyle: 'bar', cursorInactiveStyle: 'none' });
    setHandle(h);
    return () => h.dispose();
  }, []);
  useEffect(() => {
    if (active) handle?.fit.fit();
  }, [active, handle]);

  const { matches, find } = useTerminalSearch(handle, search, regex);
  const jump = () => {
    setPaused(false);
    handle?.term.scrollToBottom();
  };
  const copy = async () => {
    const text = handle?.term.getSelection() ?? '';
    if (!text) return setNote('Select text in the terminal first.');
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setNote(`Copied ${text.length} characters.`);
  };
  const download = async () => {
    setNote('Preparing download…');
    const error = await downloadHistory(client, streamId, downloadName({ kind: 'logs', selection, title }));
    setNote(error ?? 'Downloaded the whole session.');
  };
  const onKey = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
    const actions: Record<string, () => void> = {
      '/': () => searchInput.current?.focus(),
      f: () => filterInput.current?.focus(),
      ' ': () => setPaused((p) => !p),
      End: jump,
      G: jump,
      t: () => setTimestamps((v) => !v),
      w: () => setWrap((v) => !v),
      j: () => setJson((v) => !v),
      p: () => setPrevious((v) => !v),
      r: () => setRegex((v) => !v),
      d: () => void download(),
      c: () => void copy(),
      n: () => find('next'),
      N: () => find('prev'),
    };
    const act = actions[e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  };

  const live = st.sources.filter((s) => s.state === 'live').length;
  return (
    <div
      className="log-tab"
      ref={root}
      tabIndex={-1}
      onKeyDown={onKey}
      data-testid={`log-tab-${viewId}`}
      style={{ display: active ? 'flex' : 'none' }}
    >
      <div className="log-toolbar" role="toolbar" aria-label="Log viewer">
        <input
          ref={filterInput}
          className="log-filter"
          placeholder={regex ? 'Filter (regex)  f' : 'Filter  f'}
          value={filter}
          aria-label="Filter lines"
          data-testid="log-filter"
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && (setFilter(''), root.current?.focus())}
        />
        <span className="log-matches" data-testid="log-filter-count" data-shown={st.filterShown} data-seen={st.filterSeen}>
          {filter ? `${st.filterShown.toLocaleString()} of ${st.filterSeen.toLocaleString()} lines` : ''}
        </span>
        <input
          ref={searchInput}
          className="log-search"
          placeholder={regex ? 'Search (regex)  /' : 'Search  /'}
          value={search}
          aria-label="Search"
          data-testid="log-search"
          onChange={(e) => {
            setSearch(e.target.value);
            find('next', e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') find(e.shiftKey ? 'prev' : 'next');
            if (e.key === 'Escape') {
              setSearch('');
              handle?.search.clearDecorations();
              root.current?.focus();
            }
          }}
        />
        <span className="log-matches" data-testid="log-matches">
          {search ? (matches.count ? `${matches.index + 1}/${matches.count}` : '0 matches') : ''}
        </span>
        <button type="button" onClick={() => find('prev')} title="Previous match (Shift+Enter)" aria-label="Previous match">
          ↑
        </button>
        <button type="button" onClick={() => find('next')} title="Next match (Enter)" aria-label="Next match">
          ↓
        </button>
        <span className="log-sep" />
        <Toggle on={timestamps} set={setTimestamps} label="Time" hint="t" />
        <Toggle on={wrap} set={setWrap} label="Wrap" hint="w" />
        <Toggle on={json} set={setJson} label="JSON" hint="j" />
        <Toggle on={previous} set={setPrevious} label="Previous" hint="p" />
        <Toggle on={regex} set={setRegex} label=".*" hint="r: filter and search as regular expressions" testId="log-regex" />
        <select
          aria-label="History"
          title="History to show"
          data-testid="log-range"
          value={since ? 'custom' : ''}
          onChange={(e) => pickRange(e.target.value)}
        >
          <option value="">{selection.sinceTime ? 'as opened' : `last ${selection.tailLines ?? 200} lines`}</option>
          {since ? <option value="custom">since {new Date(since).toLocaleTimeString()}</option> : null}
          <option value="15">since 15 min</option>
          <option value="60">since 1 h</option>
          <option value="time">since the time →</option>
        </select>
        {pickingTime ? (
          <input
            type="datetime-local"
            step={1}
            autoFocus
            aria-label="Since time (Enter applies)"
            title="Enter applies"
            data-testid="log-since-time"
            value={sinceLocal}
            onChange={(e) => setSinceLocal(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && pickRange('time')}
          />
        ) : null}
        <span className="log-sep" />
        <button
          type="button"
          onClick={() => setPaused((p) => !p)}
          data-testid="log-pause"
          aria-pressed={paused}
          title="Pause / resume (Space)"
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        {paused && st.newWhilePaused > 0 ? (
          <span className="log-newlines" data-testid="log-new-lines">
            {st.newWhilePaused} new lines
          </span>
        ) : null}
        <button type="button" onClick={jump} title="Jump to latest (End)">
          Latest
        </button>
        <button type="button" onClick={() => void download()} title="Download the whole session (d)" data-testid="log-download">
          Download
        </button>
        <button type="button" onClick={() => void copy()} title="Copy the selection (c)">
          Copy
        </button>
      </div>
      <div className="log-status" data-testid="log-status">
        <span data-testid="log-sources" data-value={st.sources.length}>
          {live}/{st.sources.length} sources live
        </span>
        <span data-testid="log-received" data-value={st.received}>
          {st.received.toLocaleString()} lines
        </span>
        {st.skipped > 0 ? (
          <span className="log-skipped" data-testid="log-skipped" data-value={st.skipped}>
            {st.skipped.toLocaleString()} skipped (in Download)
          </span>
        ) : null}
        {st.sources
          .filter((s) => s.state !== 'live')
          .slice(0, 4)
          .map((s) => (
            <span key={s.id} className={`log-src-state state-${s.state}`} title={s.message}>
              {s.pod}/{s.container}: {s.state === 'waiting' && s.message ? s.message : s.state}
            </span>
          ))}
        {st.error ? (
          <span className="log-error" role="alert">
            {st.error.message}
          </span>
        ) : null}
        {note ? <span className="log-note">{note}</span> : null}
        <span className="log-renderer">{handle?.renderer()}</span>
      </div>
      <div className="log-term" ref={el} data-testid="log-term" />
    </div>
  );
}

function Toggle({
  on,
  set,
  label,
  hint,
  testId,
}: {
  on: boolean;
  set: (f: (v: boolean) => boolean) => void;
  label: string;
  hint: string;
  testId?: string;
}) {
  return (
    <button
      type="button"
      className={on ? 'toggle on' : 'toggle'}
      aria-pressed={on}
      onClick={() => set((v) => !v)}
      title={`${label} (${hint})`}
      data-testid={testId}
    >
      {label}
    </button>
  );
}
