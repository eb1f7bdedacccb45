/**
 * A log tab's search in its terminal: literal text unless regex is on (and the text is a valid
 * regex), case-insensitive, matches highlighted, a match count that follows the lines arriving.
 */
import { useEffect, useState } from 'react';
import type { TermHandle } from './terminal';

const SEARCH_DECORATIONS = {
  matchBackground: '#5a4a00',
  matchOverviewRuler: '#e5b453',
  activeMatchBackground: '#a07800',
  activeMatchColorOverviewRuler: '#ffd166',
};

export function useTerminalSearch(handle: TermHandle | undefined, search: string, regex: boolean) {
  const [matches, setMatches] = useState({ index: -1, count: 0 });
  useEffect(() => {
    if (!handle) return;
    const sub = handle.search.onDidChangeResults((r) => setMatches({ index: r.resultIndex, count: r.resultCount }));
    return () => sub.dispose();
  }, [handle]);

  // xterm re-counts a search only after 200 ms without writes, which a followed log never has, so a
  // search typed during a redraw said "0 matches" for lines on screen: re-count at most once a second
  // while lines arrive.
  useEffect(() => {
    if (!handle || !search) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sub = handle.term.onWriteParsed(() => {
      timer ??= setTimeout(() => {
        timer = undefined;
        // A re-count selects the active match: text the user selected (to copy) stays selected.
        const selected = handle.term.getSelection();
        if (selected && !isMatch(selected, search, regex)) return;
        handle.refreshSearch(search, searchOptions(search, regex));
      }, 1000);
    });
    return () => {
      sub.dispose();
      clearTimeout(timer);
    };
  }, [handle, search, regex]);

  /** Next or previous match of `term` (the current search by default); an empty term clears. */
  const find = (dir: 'next' | 'prev', term = search) => {
    if (!handle || !term) return void handle?.search.clearDecorations();
    const o = searchOptions(term, regex);
    if (dir === 'next') handle.search.findNext(term, { ...o, incremental: true });
    else handle.search.findPrevious(term, o);
  };
  return { matches, find };
}

const searchOptions = (term: string, regex: boolean) => ({
  regex: regex && isRegex(term),
  caseSensitive: false,
  decorations: SEARCH_DECORATIONS,
});

/** Whether `text` is one whole match of the search (what the search selects). */
const isMatch = (text: string, term: string, regex: boolean) =>
  regex && isRegex(term) ? new RegExp(`^(?:${term})$`, 'i').test(text) : text.toLowerCase() === term.toLowerCase();

const isRegex = (s: string) => {
  if (!/[\\^$.*+?()[\]{}|]/.test(s)) return false;
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};
