// The compact claim form: verdict, speaker, note and source rows. It shows server errors next to the
// field they concern and never loses what the user typed when a save fails.

const SOURCE_FIELDS = ["url", "title", "publisher", "kind", "stance", "quoted_text", "accessed_on", "archived_url"];

export class ClaimForm {
  constructor(dialog) {
    this.dialog = dialog;
    this.form = dialog.querySelector("form");
    this.sources = dialog.querySelector("[data-sources]");
    this.rowTemplate = document.getElementById("source-row");
    this.title = dialog.querySelector("[data-form-title]");
    this.quote = dialog.querySelector("[data-quote]");
    this.quoteInput = this.form.elements.exact;
    this.deleteButton = this.form.querySelector("[data-delete]");
    this.formError = dialog.querySelector("[data-form-error]");
    this.speaker = this.form.elements.speaker;
    this.speakerHint = dialog.querySelector("[data-speaker-hint]");
    this.speakerEdited = false;
    this.onSourceRow = null;
    this.onSave = null;
    this.onDelete = null;
    this.onClose = null;
    this.claim = null;

    dialog.querySelector("[data-add-source]").addEventListener("click", () => this.addSource().querySelector("input").focus());
    this.sources.addEventListener("click", (event) => {
      const remove = event.target.closest("[data-remove-source]");
      if (remove) {
        const row = remove.closest("[data-source-row]");
        const previous = row.previousElementSibling;
        row.remove();
        (previous?.querySelector("input") ?? dialog.querySelector("[data-add-source]")).focus();
      }
    });
    this.speaker.addEventListener("input", () => {
      this.speakerEdited = true;
    });
    this.speakerHint.querySelector("[data-clear-speaker]").addEventListener("click", () => {
      this.speaker.value = "";
      this.speakerEdited = true;
      this.hideSpeakerHint();
      this.speaker.focus();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.onSave?.(this.values());
    });
    this.deleteButton.addEventListener("click", () => {
      if (this.deleteButton.dataset.confirming) {
        this.onDelete?.();
      } else {
        this.deleteButton.dataset.confirming = "yes";
        this.deleteButton.textContent = "Confirm delete";
      }
    });
    dialog.querySelector("[data-cancel]").addEventListener("click", () => this.close());
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
  }

  /** Open for a new claim on `selection` ({start, end, exact}), or with `selection` null and a quote field. */
  openNew(selection, anchorRect) {
    this.claim = null;
    this.reset();
    this.title.textContent = "New claim";
    this.selection = selection;
    this.quote.textContent = selection ? `“${shorten(selection.exact)}”` : "";
    this.quoteInput.closest("[data-quote-field]").hidden = Boolean(selection);
    this.deleteButton.hidden = true;
    this.show(anchorRect);
  }

  openEdit(claim, anchorRect, canEdit) {
    this.claim = claim;
    this.selection = null;
    this.reset();
    this.title.textContent = canEdit ? "Edit claim" : "Claim";
    this.quote.textContent = `“${shorten(claim.exact)}”`;
    this.quoteInput.closest("[data-quote-field]").hidden = true;
    this.form.elements.verdict.value = claim.verdict;
    this.form.elements.speaker.value = claim.speaker;
    this.form.elements.summary.value = claim.summary || "";
    this.form.elements.note.value = claim.note;
    const publicLink = this.dialog.querySelector("[data-public-link]");
    publicLink.hidden = claim.review_state !== "approved";
    publicLink.querySelector("a").href = `/claims/${claim.id}/`;
    for (const source of claim.sources) this.addSource(source);
    this.deleteButton.hidden = !canEdit;
    for (const element of this.form.elements) {
      element.disabled = !canEdit && !element.matches("[data-cancel], [data-review] *, [data-history-box] *, [data-also-appears] *");
    }
    this.show(anchorRect);
  }

  /** Pre-fill the speaker the server proposes ({name, reason}), unless the editor has typed one: a hint says why. */
  proposeSpeaker(speaker) {
    if (!speaker || this.dialog.hidden || this.speakerEdited || this.speaker.value.trim()) return;
    this.speaker.value = speaker.name;
    const text = `Proposed: ${speaker.name} — ${speaker.reason}`;
    const line = this.speakerHint.querySelector("[data-speaker-proposal]");
    line.textContent = text;
    line.title = text;
    this.speakerHint.hidden = false;
    this.speaker.setAttribute("aria-describedby", this.speakerHint.id);
  }

  /**
   * Take an earlier claim's verdict, and its speaker only if the field is empty: nothing typed is replaced and
   * nothing is saved. Returns whether the speaker was filled in.
   */
  useVerdict(verdict, speaker) {
    this.form.elements.verdict.value = verdict;
    if (!speaker || this.speaker.value.trim()) return false;
    this.speaker.value = speaker;
    this.hideSpeakerHint();
    return true;
  }

  hideSpeakerHint() {
    this.speakerHint.hidden = true;
    this.speaker.removeAttribute("aria-describedby");
  }

  reset() {
    this.form.reset();
    this.speakerEdited = false;
    this.hideSpeakerHint();
    this.sources.replaceChildren();
    this.dialog.querySelector("[data-public-link]").hidden = true;
    this.clearErrors();
    for (const element of this.form.elements) element.disabled = false;
    delete this.deleteButton.dataset.confirming;
    this.deleteButton.textContent = "Delete";
  }

  show(anchorRect) {
    this.dialog.hidden = false;
    const top = (anchorRect ? anchorRect.bottom : 120) + window.scrollY + 8;
    this.dialog.style.top = `${top}px`;
    // Over the article column, leaving the claim panel visible.
    const column = document.getElementById("article-body").getBoundingClientRect();
    this.dialog.style.left = `${Math.max(8, column.left + window.scrollX)}px`;
    const focusable = this.quoteInput.closest("[data-quote-field]").hidden
      ? this.form.querySelector("input[name=verdict]:checked, input[name=verdict]")
      : this.quoteInput;
    focusable.focus();
  }

  close() {
    if (this.dialog.hidden) return;
    this.dialog.hidden = true;
    this.onClose?.();
  }

  addSource(source = {}) {
    const row = this.rowTemplate.content.firstElementChild.cloneNode(true);
    const index = this.sources.children.length;
    for (const input of row.querySelectorAll("[name]")) {
      const name = input.name;
      input.id = `source-${index}-${name}`;
      if (source[name] !== undefined && source[name] !== null) input.value = source[name];
    }
    if (source.id) row.dataset.id = source.id;
    this.sources.append(row);
    this.onSourceRow?.(row);
    return row;
  }

  values() {
    const elements = this.form.elements;
    const sources = [...this.sources.querySelectorAll("[data-source-row]")].map((row, index) => {
      // Number the fields by position, so the server's "sources[1].url" finds the second row.
      for (const input of row.querySelectorAll("[name]")) input.id = `source-${index}-${input.name}`;
      const source = {};
      for (const name of SOURCE_FIELDS) {
        const value = row.querySelector(`[name=${name}]`).value.trim();
        if (value || name === "url") source[name] = name === "accessed_on" && !value ? null : value;
      }
      if (row.dataset.id) source.id = Number(row.dataset.id);
      return source;
    });
    return {
      verdict: elements.verdict.value,
      speaker: elements.speaker.value.trim(),
      summary: elements.summary.value.trim(),
      note: elements.note.value.trim(),
      exact: this.quoteInput.closest("[data-quote-field]").hidden ? undefined : elements.exact.value,
      sources,
    };
  }

  clearErrors() {
    for (const error of this.dialog.querySelectorAll("[data-error]")) {
      error.textContent = "";
      error.hidden = true;
    }
    for (const invalid of this.dialog.querySelectorAll("[aria-invalid]")) invalid.removeAttribute("aria-invalid");
    this.formError.textContent = "";
    this.formError.hidden = true;
  }

  /** Put each server message next to its field: {"speaker": [...]}, {"sources": [{"url": [...]}]}, "sources[0].url". */
  showErrors(errors) {
    this.clearErrors();
    const leftovers = [];
    for (const [field, messages] of Object.entries(errors ?? {})) {
      if (field === "code") continue;
      // Per-row errors come as a list ([{}, {"url": [...]}]) or keyed by index ({"1": {"url": [...]}}).
      const rows = Object.entries(messages ?? {}).filter(([, value]) => value && typeof value === "object" && !Array.isArray(value));
      if (field === "sources" && rows.length) {
        for (const [index, rowErrors] of rows) {
          for (const [name, text] of Object.entries(rowErrors)) this.fieldError(`source-${index}-${name}`, text, leftovers);
        }
        continue;
      }
      const row = /^sources\[(\d+)\]\.(\w+)$/.exec(field);
      const id = row ? `source-${row[1]}-${row[2]}` : `claim-${field}`;
      this.fieldError(id, messages, leftovers);
    }
    if (leftovers.length) {
      this.formError.textContent = leftovers.join(" ");
      this.formError.hidden = false;
    }
    (this.dialog.querySelector("[aria-invalid=true]") ?? this.formError).focus?.();
  }

  fieldError(id, messages, leftovers) {
    const text = [].concat(messages).join(" ");
    const input = document.getElementById(id);
    const slot = input?.closest("[data-field]")?.querySelector("[data-error]");
    if (!input || !slot) {
      leftovers.push(text);
      return;
    }
    input.setAttribute("aria-invalid", "true");
    slot.textContent = text;
    slot.hidden = false;
  }
}

export function shorten(text, limit = 120) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
