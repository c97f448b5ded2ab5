// Similar earlier claims (editors): when the form opens on new words, earlier claims that state what they state
// are listed above the verdict, each with its verdict, review state and the words the two share. "Use this
// verdict" picks that verdict (and fills the speaker only if the field is empty); it never saves.

import { config, request } from "./api.js";
import { shorten } from "./claim-form.js";

const MIN_LENGTH = 3;
const SHOWN = 3;

export class SimilarClaims {
  /** `form`: the ClaimForm; `section`: its "Similar earlier claims" section, hidden while there are none. */
  constructor(form, section) {
    this.form = form;
    this.section = section;
    this.list = section.querySelector("[data-similar-list]");
    this.status = section.querySelector("[data-similar-status]");
    this.earlier = [];
    this.asked = 0;
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-use-verdict]");
      if (button) this.use(this.earlier[Number(button.dataset.useVerdict)]);
    });
  }

  /** Ask for claims like the words of a new claim's `selection`; only the form's current selection is answered. */
  async lookUp(selection) {
    this.hide();
    if (selection.exact.trim().length < MIN_LENGTH) return;
    const asked = this.asked;
    const answer = await request("GET", `/api/v1/claims/similar/?text=${encodeURIComponent(selection.exact)}`);
    if (asked !== this.asked || this.form.selection !== selection || this.form.dialog.hidden || !answer.ok) return;
    this.earlier = answer.data.results.slice(0, SHOWN);
    this.list.replaceChildren(...this.earlier.map((claim, index) => item(claim, index)));
    this.section.hidden = this.earlier.length === 0;
  }

  hide() {
    this.asked += 1;
    this.earlier = [];
    this.section.hidden = true;
    this.list.replaceChildren();
    this.status.textContent = "";
  }

  use(claim) {
    if (!claim) return;
    const speakerTaken = this.form.useVerdict(claim.verdict, claim.speaker);
    const speaker = speakerTaken ? ` and the speaker ${claim.speaker}` : "";
    this.status.textContent = `Verdict set to ${claim.verdict}${speaker}, as on the earlier claim. Nothing is saved until you press Save.`;
  }
}

function item(claim, index) {
  const entry = document.createElement("li");
  entry.className = "similar-item";
  const quote = document.createElement("q");
  quote.className = "claim-quote";
  quote.id = `similar-quote-${index}`;
  quote.textContent = shorten(claim.exact, 140);
  const meta = document.createElement("span");
  meta.className = "claim-meta";
  meta.id = `similar-meta-${index}`;
  meta.textContent = [
    claim.verdict,
    claim.review_state.replace("_", " "),
    claim.speaker || "no speaker",
    claim.article === config.articleId ? "in this article" : "in another article",
  ].join(" · ");
  const reason = document.createElement("span");
  reason.className = "claim-meta";
  reason.textContent = claim.reason;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button-secondary";
  button.dataset.useVerdict = index;
  button.textContent = "Use this verdict";
  button.setAttribute("aria-describedby", `${quote.id} ${meta.id}`);
  entry.append(quote, meta, reason, button);
  return entry;
}
