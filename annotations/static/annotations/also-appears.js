// "Also appears in" (newsroom): passages of other articles that state what the open claim states, each with
// why (the words the two share) and its state there: already linked, marked as another claim, or, for
// editors, a button that links it, which marks the same claim there reusing this one's verdict and sources.

import { config, errorText, request } from "./api.js";
import { shorten } from "./claim-form.js";

/** Ask the server where else a claim's words are stated; resolves to the API answer. */
export function findPassages(claimId) {
  return request("GET", `/api/v1/claims/${claimId}/also-appears/`);
}

/** Whether a passage still waits for a link: no claim marks its words there yet. */
export function isUnmarked(passage) {
  return passage.claims.length === 0;
}

export class AlsoAppears {
  /** `section`: the claim form's "Also appears in" section, hidden while there is nothing to show. */
  constructor(section) {
    this.section = section;
    this.heading = section.querySelector("h3");
    this.list = section.querySelector("[data-also-appears-list]");
    this.status = section.querySelector("[data-also-appears-status]");
    this.error = section.querySelector("[data-also-appears-error]");
    this.claim = null;
    this.passages = [];
    this.asked = 0;
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-link-passage]");
      if (button) this.link(Number(button.dataset.linkPassage), button);
    });
  }

  /** Look the opened claim up; the latest claim opened wins. Resolves once the section is drawn. */
  async show(claim) {
    this.hide();
    this.claim = claim;
    const asked = this.asked;
    const answer = await findPassages(claim.id);
    if (asked !== this.asked) return;
    if (!answer.ok) {
      this.section.hidden = false;
      this.fail(`Other articles could not be searched for this claim: ${errorText(answer)}`);
      return;
    }
    this.passages = answer.data.passages;
    this.render();
  }

  hide() {
    this.asked += 1;
    this.claim = null;
    this.passages = [];
    this.section.hidden = true;
    this.list.replaceChildren();
    this.say("");
    this.fail("");
  }

  /** Bring the section into view with the keyboard on its heading. */
  reveal() {
    if (this.section.hidden) return;
    this.section.scrollIntoView({ block: "nearest" });
    this.heading.focus({ preventScroll: true });
  }

  render() {
    this.section.hidden = this.passages.length === 0;
    this.list.replaceChildren(...this.passages.map((passage, index) => this.item(passage, index)));
  }

  item(passage, index) {
    const item = document.createElement("li");
    item.className = "also-appears-item";
    item.dataset.index = index;
    const article = document.createElement("a");
    article.className = "also-appears-article";
    article.href = passageUrl(passage);
    // A new tab: following the link must not lose what is typed in this form.
    article.target = "_blank";
    article.rel = "noopener";
    article.textContent = passage.article.title;
    const quote = document.createElement("q");
    quote.className = "claim-quote";
    quote.id = `also-appears-quote-${index}`;
    quote.textContent = shorten(passage.exact, 220);
    const why = document.createElement("p");
    why.className = "claim-meta";
    why.id = `also-appears-why-${index}`;
    const words = passage.shared.length ? `Shared words: ${passage.shared.join(", ")}` : "No shared words";
    // With the optional model, a passage found by its meaning says so (the reason names the model).
    why.textContent = passage.reason.startsWith("close in meaning")
      ? `Close in meaning · similarity ${passage.meaning.toFixed(2)} · ${words.toLowerCase()}`
      : `${words} · similarity ${passage.score.toFixed(2)}`;
    why.title = passage.reason;
    item.append(article, quote, why, this.state(passage, index));
    return item;
  }

  /** Already linked, marked there as another claim, or (editors) the button that links it. */
  state(passage, index) {
    const line = document.createElement("p");
    line.className = "also-appears-state";
    const linked = passage.claims.find((claim) => claim.linked);
    const other = passage.claims[0];
    if (linked) {
      line.append("Already linked: ", claimLink(passage, linked, "the same claim there"), ` (${linked.verdict}).`);
    } else if (other) {
      line.append(`Marked there as ${other.verdict}: `, claimLink(passage, other, "that claim"), ", a claim of its own.");
    } else if (config.isEditor) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary";
      button.dataset.linkPassage = index;
      button.textContent = "Link and reuse the verdict";
      button.setAttribute("aria-describedby", `also-appears-quote-${index} also-appears-why-${index}`);
      line.append(button);
    } else {
      line.textContent = "Not marked there yet.";
    }
    return line;
  }

  /** Mark the same claim on the passage, reusing this claim's verdict, speaker, summary, note and sources. */
  async link(index, button) {
    const claim = this.claim;
    const passage = this.passages[index];
    if (!claim || !passage) return;
    button.disabled = true;
    this.fail("");
    this.say("Linking…");
    const where = { article: passage.article.id, start: passage.start, end: passage.end };
    const answer = await request("POST", `/api/v1/claims/${claim.id}/also-appears/`, where);
    // The form may show another claim by now: this section is no longer about this one.
    if (this.claim !== claim) return;
    if (!answer.ok) {
      button.disabled = false;
      this.say("");
      this.fail(errorText(answer));
      return;
    }
    passage.claims = [{ id: answer.data.id, verdict: answer.data.verdict, linked: true }];
    this.render();
    this.say(`Linked in “${passage.article.title}”: a draft there now reuses this verdict and its sources.`);
    this.list.querySelector(`[data-index="${index}"] a[data-claim-link]`)?.focus();
  }

  say(message) {
    this.status.textContent = message;
  }

  fail(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }
}

/** The other article's page at the passage: a text fragment (`#:~:text=start,end`) scrolls to and marks it. */
function passageUrl(passage) {
  const words = passage.exact.split(/\s+/).filter(Boolean);
  // Text fragments treat "-", "," and "&" as syntax, so they are percent-encoded.
  const encode = (part) => encodeURIComponent(part.join(" ")).replace(/-/g, "%2D");
  const fragment = words.length > 8 ? `${encode(words.slice(0, 4))},${encode(words.slice(-4))}` : encode(words);
  return `${articleUrl(passage)}#:~:text=${fragment}`;
}

function articleUrl(passage) {
  return `/articles/${encodeURIComponent(passage.article.slug)}/`;
}

function claimLink(passage, claim, label) {
  const link = document.createElement("a");
  link.href = `${articleUrl(passage)}#claim-${claim.id}`;
  link.target = "_blank";
  link.rel = "noopener";
  link.dataset.claimLink = "";
  link.textContent = label;
  return link;
}
