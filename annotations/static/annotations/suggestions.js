// Suggested claims (editors only): sentences the server's rules find worth checking that no claim covers
// yet. They are listed in the panel, each with its words, score, reasons and likely speaker, and painted
// faintly on their words with the CSS Custom Highlight API, which leaves the article's DOM alone: claim
// marks, selections and offsets are untouched. The entry with the keyboard focus is painted stronger.
// "Mark as claim" hands the span to the claim form; "Dismiss" sets it aside for the whole newsroom (on the server,
// for this revision of the text).

import { config, errorText, request } from "./api.js";
import { shorten } from "./claim-form.js";

const PAINT = "factcheck-suggestion";
const CURRENT = "factcheck-suggestion-current";
const CONTROLS = { show: "[data-show]", markClaim: "[data-mark-claim]", dismiss: "[data-dismiss]" };
const canPaint = typeof Highlight === "function" && typeof CSS !== "undefined" && "highlights" in CSS;

export class Suggestions {
  /**
   * `section`: the panel's <details>; `textMap()`: the editor's current TextMap; `onMark(suggestion, rect)` opens the
   * claim form on it; `onChange()` asks the editor to redraw (it calls `draw`).
   */
  constructor({ body, section, textMap, onMark, onChange }) {
    this.body = body;
    this.section = section;
    this.list = section.querySelector("[data-suggestion-list]");
    this.count = section.querySelector("[data-suggestion-count]");
    this.note = section.querySelector("[data-suggestion-note]");
    this.restore = section.querySelector("[data-restore-suggestions]");
    this.textMap = textMap;
    this.onMark = onMark;
    this.onChange = onChange;
    this.found = [];
    this.shown = [];
    this.ranges = new Map();
    this.current = null;
    this.dismissed = new Set();
    this.pending = new Set(); // dismissals on their way to the server: a list loaded meanwhile keeps them hidden
    this.asked = 0;
    this.hovering = null;

    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      const suggestion = this.byKey(button?.closest("[data-key]")?.dataset.key);
      if (!suggestion) return;
      if (button.matches("[data-mark-claim]")) this.mark(suggestion);
      else if (button.matches("[data-dismiss]")) this.dismiss(suggestion);
      else if (button.matches("[data-show]")) this.scrollTo(suggestion);
    });
    // The words of the entry holding the keyboard focus are painted as current.
    this.list.addEventListener("focusin", (event) => this.setCurrent(event.target.closest("[data-key]")?.dataset.key ?? null));
    this.list.addEventListener("focusout", (event) => {
      if (!this.list.contains(event.relatedTarget)) this.setCurrent(null);
    });
    this.restore.addEventListener("click", () => this.restoreAll());
    // In the text: hovering a suggestion's words explains it (title); clicking them leads to its entry.
    body.addEventListener("mousemove", (event) => {
      if (this.hovering) return;
      this.hovering = requestAnimationFrame(() => {
        this.hovering = null;
        this.explainAt(event.clientX, event.clientY);
      });
    });
    body.addEventListener("mouseleave", () => this.explainAt(-1, -1));
    body.addEventListener("click", (event) => {
      if (!window.getSelection().isCollapsed || event.target.closest("mark.hl")) return;
      const suggestion = this.at(event.clientX, event.clientY);
      if (suggestion) this.reveal(suggestion);
    });
  }

  /** Ask the server (on load, and after claims were created or deleted); the latest answer wins. */
  async load() {
    const asked = ++this.asked;
    const answer = await request("GET", `/api/v1/articles/${config.articleId}/suggestions/`);
    if (asked !== this.asked) return;
    if (!answer.ok) {
      this.say("Suggestions could not be loaded; reload the page to try again.");
      return;
    }
    if (answer.data.text_revision !== config.textRevision) {
      this.found = [];
      this.say("The article was revised since this page was opened: reload it to see suggestions.");
    } else {
      this.found = answer.data.suggestions.map((suggestion) => ({ ...suggestion, key: `${suggestion.start}-${suggestion.end}` }));
      const dismissed = this.found.filter((suggestion) => suggestion.dismissed).map((suggestion) => suggestion.key);
      this.dismissed = new Set([...dismissed, ...this.pending]);
      this.say("");
    }
    this.onChange();
  }

  /** Paint and list every suggestion not dismissed and not overlapping one of `claims` (just marked, say). */
  draw(claims) {
    this.shown = this.found.filter(
      (suggestion) =>
        !this.dismissed.has(suggestion.key) && !claims.some((claim) => claim.start < suggestion.end && suggestion.start < claim.end),
    );
    const map = this.textMap();
    this.ranges = new Map(this.shown.map((suggestion) => [suggestion.key, map.rangeFor(suggestion.start, suggestion.end)]));
    if (!this.byKey(this.current)) this.current = null;
    this.paint();
    // Redrawn under the keyboard: the focus goes back to the same button of the same entry, if it is still listed.
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const control = focused && Object.keys(CONTROLS).find((name) => name in focused.dataset);
    const key = focused?.closest("[data-key]")?.dataset.key;
    this.list.replaceChildren(...this.shown.map((suggestion) => this.item(suggestion)));
    if (focused) (this.list.querySelector(`[data-key="${key}"] ${CONTROLS[control]}`) ?? this.section.querySelector("summary")).focus();
    this.count.textContent = `${this.shown.length}`;
    const hidden = this.found.filter((suggestion) => this.dismissed.has(suggestion.key)).length;
    this.restore.hidden = hidden === 0;
    this.restore.textContent = `Show the ${hidden} dismissed again`;
  }

  paint() {
    if (!canPaint) return;
    const faint = new Highlight();
    const current = new Highlight();
    current.priority = 1;
    for (const [key, range] of this.ranges) (key === this.current ? current : faint).add(range);
    CSS.highlights.set(PAINT, faint);
    CSS.highlights.set(CURRENT, current);
  }

  setCurrent(key) {
    if (key === this.current) return;
    this.current = key;
    for (const item of this.list.children) item.classList.toggle("is-current", item.dataset.key === key);
    this.paint();
  }

  item(suggestion) {
    const item = document.createElement("li");
    item.className = `suggestion-item${suggestion.key === this.current ? " is-current" : ""}`;
    item.dataset.key = suggestion.key;
    const quote = document.createElement("button");
    quote.type = "button";
    quote.className = "suggestion-quote";
    quote.dataset.show = "";
    quote.id = `suggestion-quote-${suggestion.key}`;
    quote.textContent = `“${shorten(suggestion.exact, 90)}”`;
    quote.title = "Show these words in the article";
    const meta = document.createElement("span");
    meta.className = "claim-meta";
    meta.textContent = `score ${suggestion.score.toFixed(2)} · ${suggestion.speaker ? `speaker: ${suggestion.speaker.name}` : "no speaker found"}`;
    const reasons = document.createElement("ul");
    reasons.className = "suggestion-reasons";
    reasons.id = `suggestion-reasons-${suggestion.key}`;
    for (const reason of suggestion.reasons) {
      const line = document.createElement("li");
      line.textContent = reason;
      reasons.append(line);
    }
    if (suggestion.speaker) {
      const line = document.createElement("li");
      line.textContent = `speaker: ${suggestion.speaker.reason}`;
      reasons.append(line);
    }
    const actions = document.createElement("div");
    actions.className = "suggestion-actions";
    const describedBy = `${quote.id} ${reasons.id}`;
    actions.append(
      actionButton("Mark as claim", "button-secondary", "markClaim", describedBy),
      actionButton("Dismiss", "button-link", "dismiss", describedBy),
    );
    item.append(quote, meta, reasons, actions);
    return item;
  }

  mark(suggestion) {
    window.getSelection().removeAllRanges();
    this.onMark(suggestion, this.scrollTo(suggestion));
  }

  /** Hidden at once; shown again with the server's reason if it refuses or cannot be reached. */
  async dismiss(suggestion) {
    const index = this.shown.indexOf(suggestion);
    this.dismissed.add(suggestion.key);
    this.onChange();
    // Keep the keyboard where it was: on the next suggestion, else the previous, else the section.
    const next = this.list.children[Math.min(index, this.list.children.length - 1)];
    (next?.querySelector("[data-dismiss]") ?? this.section.querySelector("summary")).focus();
    const { start, end } = suggestion;
    this.pending.add(suggestion.key);
    const answer = await request("POST", `/api/v1/articles/${config.articleId}/suggestions/dismissed/`, {
      start,
      end,
      text_revision: config.textRevision,
    });
    this.pending.delete(suggestion.key);
    if (answer.ok) return;
    this.dismissed.delete(suggestion.key);
    this.say(`Not dismissed: ${errorText(answer)}`);
    this.onChange();
  }

  async restoreAll() {
    const query = new URLSearchParams({ text_revision: config.textRevision });
    const answer = await request("DELETE", `/api/v1/articles/${config.articleId}/suggestions/dismissed/?${query}`);
    if (!answer.ok) {
      this.say(`The dismissed suggestions could not be shown again: ${errorText(answer)}`);
      return;
    }
    this.dismissed.clear();
    this.say("");
    this.onChange();
    this.list.querySelector("button")?.focus();
  }

  /** Scroll the suggestion's words to the middle of the window; returns where they are now. */
  scrollTo(suggestion) {
    const range = this.ranges.get(suggestion.key);
    if (!range) return undefined;
    const rect = range.getBoundingClientRect();
    window.scrollBy(0, rect.top - (window.innerHeight - Math.min(rect.height, window.innerHeight)) / 2);
    return range.getBoundingClientRect();
  }

  /** From the text to the panel: open the list, scroll the entry into view and focus its "Mark as claim". */
  reveal(suggestion) {
    this.section.open = true;
    const item = this.list.querySelector(`[data-key="${suggestion.key}"]`);
    item.scrollIntoView({ block: "nearest" });
    item.querySelector("[data-mark-claim]").focus({ preventScroll: true });
  }

  /** The suggestion painted at a point of the window, if any. */
  at(x, y) {
    const caret = document.caretPositionFromPoint?.(x, y);
    const [node, offset] = caret ? [caret.offsetNode, caret.offset] : caretRangeAt(x, y);
    const at = node ? this.textMap().offsetAt(node, offset) : null;
    if (at === null) return undefined;
    // The caret nearest the point can lie beside the words (in a margin): check the words' boxes too.
    return this.shown.find(
      (suggestion) =>
        suggestion.start <= at &&
        at <= suggestion.end &&
        [...this.ranges.get(suggestion.key).getClientRects()].some((box) => x >= box.left && x <= box.right && y >= box.top && y <= box.bottom),
    );
  }

  explainAt(x, y) {
    const suggestion = this.at(x, y);
    this.body.classList.toggle("is-over-suggestion", Boolean(suggestion));
    if (suggestion) this.body.title = describe(suggestion);
    else this.body.removeAttribute("title");
  }

  byKey(key) {
    return key === null || key === undefined ? undefined : this.shown.find((suggestion) => suggestion.key === key);
  }

  say(message) {
    this.note.textContent = message;
    this.note.hidden = !message;
  }
}

function caretRangeAt(x, y) {
  const range = document.caretRangeFromPoint?.(x, y);
  return range ? [range.startContainer, range.startOffset] : [null, 0];
}

function actionButton(label, className, action, describedBy) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.dataset[action] = "";
  button.textContent = label;
  button.setAttribute("aria-describedby", describedBy);
  return button;
}

function describe(suggestion) {
  const speaker = suggestion.speaker ? ` Proposed speaker: ${suggestion.speaker.name}.` : "";
  return `Suggested claim (score ${suggestion.score.toFixed(2)}): ${suggestion.reasons.join("; ")}.${speaker}`;
}
