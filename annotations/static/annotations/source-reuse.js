// Source reuse: as the editor types a URL or title in a source row, sources already cited on other
// claims are offered in a listbox (the ARIA combobox pattern); choosing one fills the row's URL, title,
// publisher and kind.

import { request } from "./api.js";

const MIN_LENGTH = 2;
const DELAY_MS = 180;
const FIELDS = ["url", "title", "publisher", "kind"];

export class SourceReuse {
  constructor(sources) {
    this.sources = sources;
    this.listbox = document.createElement("ul");
    this.listbox.id = "source-choices";
    this.listbox.className = "source-choices";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.setAttribute("aria-label", "Sources cited before");
    this.listbox.hidden = true;
    sources.after(this.listbox);
    this.input = null;
    this.choices = [];
    this.active = -1;
    this.timer = null;
    this.asked = 0;

    sources.addEventListener("input", (event) => {
      if (event.target.matches("[data-reuse]")) this.schedule(event.target);
    });
    sources.addEventListener("keydown", (event) => this.onKey(event));
    sources.addEventListener("focusout", (event) => {
      if (event.target === this.input) this.close();
    });
    // Keep the focus in the field while an option is clicked.
    this.listbox.addEventListener("mousedown", (event) => event.preventDefault());
    this.listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  /** Make a new source row's URL and title fields comboboxes. */
  attach(row) {
    for (const input of row.querySelectorAll("input[name=url], input[name=title]")) {
      input.dataset.reuse = "";
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", this.listbox.id);
      input.autocomplete = "off";
    }
  }

  schedule(input) {
    clearTimeout(this.timer);
    const text = input.value.trim();
    if (text.length < MIN_LENGTH) {
      this.close();
      return;
    }
    this.timer = setTimeout(() => this.lookUp(input, text), DELAY_MS);
  }

  async lookUp(input, text) {
    const asked = ++this.asked;
    const answer = await request("GET", `/api/v1/sources/?q=${encodeURIComponent(text)}`);
    // Only the latest question counts, and only while its field still has the focus.
    if (asked !== this.asked || document.activeElement !== input) return;
    this.open(input, answer.ok ? answer.data.results : []);
  }

  open(input, results) {
    this.close();
    if (!results.length) return;
    this.input = input;
    this.choices = results;
    this.active = -1;
    this.listbox.replaceChildren(...results.map((source, index) => option(source, index)));
    input.closest("[data-field]").append(this.listbox);
    this.listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  /** Close the list; an answer still on its way is dropped. */
  close() {
    clearTimeout(this.timer);
    this.asked += 1;
    if (this.input) {
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
    }
    this.input = null;
    this.choices = [];
    this.listbox.hidden = true;
    this.sources.after(this.listbox);
  }

  onKey(event) {
    if (!this.input || event.target !== this.input) {
      if (event.key === "ArrowDown" && event.target.matches("[data-reuse]")) this.schedule(event.target);
      return;
    }
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      event.preventDefault();
      const count = this.choices.length;
      const move = moves[event.key];
      this.highlight(this.active < 0 ? (move > 0 ? 0 : count - 1) : (this.active + move + count) % count);
    } else if (event.key === "Enter" && this.active >= 0) {
      event.preventDefault(); // choose, do not save the claim
      this.choose(this.active);
    } else if (event.key === "Escape") {
      event.stopPropagation(); // close the list, not the claim form
      this.close();
    } else if (event.key === "Tab") {
      this.close();
    }
  }

  highlight(index) {
    this.active = index;
    for (const element of this.listbox.children) element.setAttribute("aria-selected", String(Number(element.dataset.index) === index));
    const current = this.listbox.children[index];
    current.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", current.id);
  }

  choose(index) {
    const source = this.choices[index];
    const row = this.input?.closest("[data-source-row]");
    if (!source || !row) return;
    for (const name of FIELDS) {
      const field = row.querySelector(`[name=${name}]`);
      if (name === "kind" && ![...field.options].some((choice) => choice.value === source.kind)) continue;
      field.value = source[name] ?? "";
    }
    this.close();
  }
}

function option(source, index) {
  const item = document.createElement("li");
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  item.id = `source-choice-${index}`;
  item.dataset.index = index;
  const title = document.createElement("span");
  title.className = "source-choice-title";
  title.textContent = source.title || source.url;
  const details = document.createElement("span");
  details.className = "source-choice-meta";
  const uses = `cited ${source.uses} time${source.uses === 1 ? "" : "s"}`;
  details.textContent = [source.publisher, source.url, uses].filter(Boolean).join(" · ");
  item.append(title, details);
  return item;
}
