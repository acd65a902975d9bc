// Today's hearings (开庭公告): the board a playlist item shows, paged when long, and the band
// a tribunal screen keeps above its playlist. Both read the hearings of the manifest (the
// server masked the names already), so they work offline, and each row's state follows
// the screen's clock: 待开庭, 正在开庭 (from its start to its end), 已结束.

import { localDate, wallTime } from './clock.js';
import { replaceChildren } from './compat.js';

const STATES = { waiting: '待开庭', sitting: '正在开庭', done: '已结束' };
const SHORTEST_PAGE_MS = 5000;
const REFRESH_MS = 1000;

function cell(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text === undefined || text === null ? '' : text;
  return node;
}

function clockText(iso, timeZone) {
  return wallTime(Date.parse(iso), timeZone);
}

/** waiting | sitting | done at ms. */
export function hearingState(hearing, ms) {
  if (ms < Date.parse(hearing.start)) return 'waiting';
  return ms < Date.parse(hearing.end) ? 'sitting' : 'done';
}

function partiesText(parties) {
  return (parties || []).map((p) => (p.role ? `${p.role} ${p.name}` : p.name)).join('；');
}

export class Hearings {
  constructor() {
    this.list = [];
    this.timeZone = 'Asia/Shanghai';
    this.allRooms = true;
    this.now = () => Date.now();
  }

  /** The manifest's hearings and the screen's clock and room. */
  setSource({ list, timeZone, now, courtroom }) {
    this.list = Array.isArray(list) ? list : [];
    this.timeZone = timeZone || this.timeZone;
    this.now = now;
    this.allRooms = !courtroom;
  }

  today() {
    const day = localDate(this.now(), this.timeZone);
    return this.list.filter((hearing) => hearing.date === day);
  }

  /** Fill a layer with today's board for `seconds`; pages turn so each is seen once. */
  fill(layer, item) {
    const hearings = this.today();
    const box = cell('div', 'hearings-box', '');
    const title = cell('h2', 'hearings-title', '今日开庭公告');
    box.append(title);
    layer.append(box);
    if (!hearings.length) {
      box.append(cell('p', 'hearings-none', '今日暂无开庭安排'));
      return;
    }
    const portrait = layer.clientHeight > layer.clientWidth;
    const perPage = portrait ? 8 : 5;
    const pages = [];
    for (let i = 0; i < hearings.length; i += perPage) pages.push(hearings.slice(i, i + perPage));
    const table = cell('table', 'hearings-table', '');
    const head = document.createElement('tr');
    const columns = [
      ['time', '时间'],
      ['case', '案号 / 案由'],
      ['parties', '当事人'],
      ['judge', '审判长'],
      ['state', '状态'],
    ];
    if (this.allRooms) columns.splice(4, 0, ['room', '法庭']);
    for (const [name, title] of columns) head.append(cell('th', `hearing-${name}`, title));
    table.append(cell('thead', '', ''));
    table.tHead.append(head);
    const body = document.createElement('tbody');
    table.append(body);
    box.append(table);
    const pageNote = cell('div', 'hearings-page', '');
    box.append(pageNote);
    let page = 0;
    const showPage = () => {
      replaceChildren(body, pages[page].map((hearing) => this.row(hearing)));
      pageNote.textContent = pages.length > 1 ? `${page + 1} / ${pages.length}` : '';
      this.refresh(body);
    };
    showPage();
    const pageMs = Math.max(SHORTEST_PAGE_MS, ((item.duration || 20) * 1000) / pages.length);
    let shownAt = performance.now();
    const timer = setInterval(() => {
      if (!layer.isConnected) return clearInterval(timer);
      if (pages.length > 1 && performance.now() - shownAt >= pageMs) {
        page = (page + 1) % pages.length;
        shownAt = performance.now();
        showPage();
      } else {
        this.refresh(body);
      }
    }, REFRESH_MS);
  }

  row(hearing) {
    const row = document.createElement('tr');
    row.className = 'hearing';
    row.dataset.start = hearing.start;
    row.dataset.end = hearing.end;
    row.dataset.case = hearing.case_number;
    const caseCell = cell('td', 'hearing-case', hearing.case_number);
    if (hearing.cause) caseCell.append(cell('div', 'hearing-cause', hearing.cause));
    row.append(
      cell('td', 'hearing-time', clockText(hearing.start, this.timeZone)),
      caseCell,
      cell('td', 'hearing-parties', partiesText(hearing.parties)),
      cell('td', 'hearing-judge', hearing.judge),
    );
    if (this.allRooms) row.append(cell('td', 'hearing-room', hearing.courtroom));
    row.append(cell('td', 'hearing-state', ''));
    return row;
  }

  /** Each row's state as the clock says now. */
  refresh(body) {
    const now = this.now();
    for (const row of body.rows) {
      const state = hearingState({ start: row.dataset.start, end: row.dataset.end }, now);
      if (row.dataset.state === state) continue;
      row.dataset.state = state;
      row.querySelector('.hearing-state').textContent = STATES[state];
    }
  }

  /** The band: the hearing in session (or the last one begun) and the next one. */
  band(element) {
    const now = this.now();
    const today = this.today();
    const sitting = today.filter((h) => hearingState(h, now) === 'sitting');
    const next = today.find((h) => hearingState(h, now) === 'waiting');
    const lines = [];
    for (const hearing of sitting) lines.push(['sitting', hearing]);
    if (next) lines.push(['next', next]);
    const text = lines.map(([kind, h]) => `${kind}|${h.case_number}|${h.start}`).join('/') || 'none';
    if (element.dataset.shown === text) return;
    element.dataset.shown = text;
    const rows = lines.map(([kind, hearing]) => {
      const line = cell('div', `band-line band-${kind}`, '');
      line.append(
        cell('span', 'band-label', kind === 'sitting' ? '正在开庭' : '下一场'),
        cell('span', 'band-time', clockText(hearing.start, this.timeZone)),
        cell('span', 'band-case', hearing.case_number),
        cell('span', 'band-cause', hearing.cause),
        cell('span', 'band-parties', partiesText(hearing.parties)),
      );
      return line;
    });
    if (!rows.length) {
      rows.push(cell('div', 'band-line band-none', today.length ? '今日开庭已全部结束' : '今日暂无开庭安排'));
    }
    replaceChildren(element, rows);
  }
}
