/**
 * W8's probes, run in every page before the app's own scripts (playwright's addInitScript):
 * a record of long tasks from the document's start, and the waits W8 times. Every time is on
 * the page's clock (performance.now(), 0 = the navigation's start) and checked once per
 * animation frame, i.e. when the user could first see it. Selectors rely only on what any
 * version of the pages has: the workflows list is a table (`tbody tr`), the history a list of
 * rows (`[role=listitem]` or `tbody tr`) each showing its event id as the text of an element.
 */
/* global window, document, requestAnimationFrame, getComputedStyle, innerHeight */
(() => {
  const LONG_TASK_MS = 50;
  const LIST_ROWS = 'tbody tr';
  const HISTORY_ROWS = '[role="listitem"], tbody tr';
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing in this browser: the figures come out as null (see longTasksIn).
    longTasks.unsupported = true;
  }

  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));

  /** The first truthy `check()`, tried once per frame; rejects after `timeoutMs`. */
  async function untilFrame(what, check, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await nextFrame();
    }
  }

  /** Long tasks that began in [from, to): count, the longest, and the total blocking time. */
  async function longTasksIn(from, to) {
    // Entries arrive after their task ends: give the observer two frames to deliver them.
    await nextFrame();
    await nextFrame();
    if (longTasks.unsupported) return { count: null, maxMs: null, totalBlockingMs: null };
    const inWindow = longTasks.filter((t) => t.start >= from && t.start < to);
    return {
      count: inWindow.length,
      maxMs: Math.max(0, ...inWindow.map((t) => t.duration)),
      totalBlockingMs: inWindow.reduce((sum, t) => sum + Math.max(0, t.duration - LONG_TASK_MS), 0),
    };
  }

  const listRowCount = () => document.querySelectorAll(LIST_ROWS).length;

  /** What identifies the rows on screen: their links (workflow id and run id), else their text. */
  function listSignature() {
    return [...document.querySelectorAll(LIST_ROWS)]
      .map((tr) => [...tr.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')).join(' ') || tr.textContent)
      .join('\n');
  }

  /** The element in a history row whose whole text is event id `id`. */
  function eventIdElement(id) {
    const text = String(id);
    for (const row of document.querySelectorAll(HISTORY_ROWS)) {
      for (const el of row.querySelectorAll('*')) if (el.childElementCount === 0 && el.textContent.trim() === text) return el;
    }
    return null;
  }

  /** Wholly on screen (give or take a pixel of rounding): inside the window and every scrolled ancestor. */
  function isVisible(el) {
    const r = el.getBoundingClientRect();
    const top = r.top + 1;
    const bottom = r.bottom - 1;
    if (r.height === 0 || top < 0 || bottom > innerHeight) return false;
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if (p.scrollHeight <= p.clientHeight || getComputedStyle(p).overflowY === 'visible') continue;
      const pr = p.getBoundingClientRect();
      if (top < pr.top || bottom > pr.bottom) return false;
    }
    return true;
  }

  /** The element that scrolls the history: the nearest scrollable ancestor of its rows, else the page. */
  function historyScroller() {
    const row = document.querySelector(HISTORY_ROWS);
    if (!row) throw new Error('no history rows on the page');
    for (let p = row.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowY;
      if ((overflow === 'auto' || overflow === 'scroll') && p.scrollHeight > p.clientHeight) return p;
    }
    return document.scrollingElement;
  }

  window.__w8 = {
    /** When the workflows table first showed rows. */
    listRowsShown: (timeoutMs) => untilFrame('rows in the workflows table', () => listRowCount() > 0 && performance.now(), timeoutMs),

    /** Ms from `act()` until the table shows other rows than before. */
    async listChangeAfter(act, timeoutMs) {
      const before = listSignature();
      const t0 = performance.now();
      act();
      const t1 = await untilFrame('other rows in the workflows table', () => listRowCount() > 0 && listSignature() !== before && performance.now(), timeoutMs);
      return { ms: t1 - t0, rows: listRowCount(), longTasks: await longTasksIn(t0, t1) };
    },

    /** When event `id` was first on screen. */
    eventShown: (id, timeoutMs) => untilFrame(`event ${id} on screen`, () => {
      const el = eventIdElement(id);
      return el && isVisible(el) && performance.now();
    }, timeoutMs),

    /**
     * Scrolls the history to its end every frame (the list may still be growing as pages
     * arrive) until event `lastId` is on screen.
     */
    async scrollToEvent(lastId, timeoutMs) {
      const scroller = historyScroller();
      const t0 = performance.now();
      const t1 = await untilFrame(`event ${lastId} on screen`, () => {
        const el = eventIdElement(lastId);
        if (el && isVisible(el)) return performance.now();
        // Rendered but below the window (the page around the list scrolls too): as a user would.
        if (el) el.scrollIntoView({ block: 'nearest' });
        else scroller.scrollTop = scroller.scrollHeight;
        return false;
      }, timeoutMs);
      return { ms: t1 - t0, longTasks: await longTasksIn(t0, t1) };
    },

    /**
     * From the top, scrolls down `viewportsPerFrame` screens a frame to the end, as a fast
     * fling would: how long frames took (rendering new rows each time) and the long tasks.
     */
    async scrollThrough(viewportsPerFrame, timeoutMs) {
      const scroller = historyScroller();
      scroller.scrollTop = 0;
      scroller.scrollIntoView({ block: 'nearest' });
      await nextFrame();
      const t0 = await nextFrame();
      const frames = []; // ms between one scroll step and the next, i.e. one frame each
      let last = null;
      await untilFrame('the end of the history', () => {
        const now = performance.now();
        if (last !== null) frames.push(now - last);
        last = now;
        if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) return true;
        scroller.scrollTop += scroller.clientHeight * viewportsPerFrame;
        return false;
      }, timeoutMs);
      const t1 = performance.now();
      frames.sort((a, b) => a - b);
      const at = (q) => frames[Math.min(frames.length - 1, Math.ceil(q * frames.length) - 1)] ?? null;
      // What a frame really advanced: less than asked when the list moves the scroll position back.
      const pxPerFrame = scroller.scrollHeight / Math.max(1, frames.length);
      return { ms: t1 - t0, frames: frames.length, pxPerFrame, askedPxPerFrame: scroller.clientHeight * viewportsPerFrame, frameP50Ms: at(0.5), frameP95Ms: at(0.95), frameMaxMs: at(1), longTasks: await longTasksIn(t0, t1) };
    },

    /** Long tasks from the navigation's start to `to`. */
    longTasksUntil: (to) => longTasksIn(0, to),
  };
})();
