// The article page: highlights, the claim panel, and creating, editing and deleting claims in place.
// Editors also get suggested claims, a proposed speaker and similar earlier claims for new claims, and earlier
// sources to reuse; the newsroom sees where else a claim is stated, and editors link it there.

import { config, errorText, etagOf, request } from "./api.js";
import { TextMap } from "./anchoring.js";
import { AlsoAppears, findPassages, isUnmarked } from "./also-appears.js";
import { ClaimForm, shorten } from "./claim-form.js";
import { drawHighlights } from "./highlights.js";
import { SimilarClaims } from "./similar-claims.js";
import { SourceReuse } from "./source-reuse.js";
import { Suggestions } from "./suggestions.js";

const started = performance.now();
const body = document.getElementById("article-body");
const panel = document.getElementById("claim-list");
const orphanList = document.getElementById("orphan-list");
const status = document.getElementById("editor-status");
const form = new ClaimForm(document.getElementById("claim-form"));
const newClaimButton = document.getElementById("new-claim");

let claims = JSON.parse(document.getElementById("claims-data").textContent);
let map = new TextMap(body);
let firstMark = new Map();
let selectedId = null;
let reattaching = null;
let reattachSent = false; // a re-attach is on its way: further selections wait for its answer

const suggestionBox = document.getElementById("suggestions");
const suggestions = config.isEditor && suggestionBox
  ? new Suggestions({ body, section: suggestionBox, textMap: () => map, onMark: markSuggestion, onChange: drawSuggestions })
  : null;
if (config.isEditor) {
  const reuse = new SourceReuse(form.sources);
  form.onSourceRow = (row) => reuse.attach(row);
}
const similarClaims = config.isEditor ? new SimilarClaims(form, form.dialog.querySelector("[data-similar]")) : null;
const alsoAppears = config.isNewsroom ? new AlsoAppears(form.dialog.querySelector("[data-also-appears]")) : null;
const alsoAppearsNotice = document.getElementById("also-appears-notice");

function say(message) {
  status.textContent = message;
}

function isAnchored(claim) {
  return claim.anchor_state !== "orphaned" && claim.article_revision === config.textRevision;
}

function canEdit(claim) {
  if (claim.review_state === "approved") return false;
  if (config.isAdmin) return true;
  return config.isEditor && claim.created_by === config.username && claim.review_state !== "pending";
}

function anchoredClaims() {
  return claims.filter(isAnchored).sort((a, b) => a.start - b.start || a.end - b.end);
}

function render() {
  map = new TextMap(body);
  const anchored = anchoredClaims();
  firstMark = drawHighlights(body, map, anchored);
  map = new TextMap(body);
  drawSuggestions();
  for (const [id, mark] of firstMark) {
    mark.tabIndex = -1;
    mark.id = `claim-mark-${id}`;
  }
  panel.replaceChildren(...anchored.map(panelItem));
  const orphans = claims.filter((claim) => !isAnchored(claim));
  orphanList.replaceChildren(...orphans.map(orphanItem));
  orphanList.closest("section").hidden = orphans.length === 0;
  document.getElementById("claim-count").textContent = `${anchored.length}`;
  markSelected();
}

function panelItem(claim) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = `claim-item verdict-${claim.verdict}`;
  button.dataset.id = claim.id;
  const quote = document.createElement("span");
  quote.className = "claim-quote";
  quote.textContent = `“${shorten(claim.exact, 90)}”`;
  const meta = document.createElement("span");
  meta.className = "claim-meta";
  const sources = claim.sources.length;
  meta.textContent = [
    claim.verdict,
    claim.speaker || "no speaker",
    claim.review_state.replace("_", " "),
    `${sources} source${sources === 1 ? "" : "s"}`,
  ].join(" · ");
  button.append(quote, meta);
  item.append(button);
  return item;
}

function orphanItem(claim) {
  const item = document.createElement("li");
  const quote = document.createElement("q");
  quote.textContent = shorten(claim.exact, 120);
  item.append(quote);
  if (canEdit(claim)) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary";
    button.dataset.reattach = claim.id;
    button.textContent = "Re-attach: select the words in the article";
    item.append(" ", button);
  }
  return item;
}

function markSelected() {
  for (const element of document.querySelectorAll(".is-selected")) element.classList.remove("is-selected");
  if (selectedId === null) return;
  panel.querySelector(`[data-id="${selectedId}"]`)?.classList.add("is-selected");
  for (const mark of body.querySelectorAll("mark.hl")) {
    if (mark.dataset.claims.split(" ").includes(String(selectedId))) mark.classList.add("is-selected");
  }
}

function selectClaim(id, { focusMark = true } = {}) {
  selectedId = id;
  markSelected();
  const mark = firstMark.get(id);
  if (mark && focusMark) {
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  }
}

function drawSuggestions() {
  suggestions?.draw(anchoredClaims());
}

// "Mark as claim" on a suggestion: the form opens on its words with its speaker proposed.
function markSuggestion(suggestion, rect) {
  const selection = { start: suggestion.start, end: suggestion.end, exact: suggestion.exact };
  form.openNew(selection, rect);
  hideWorkflow();
  form.proposeSpeaker(suggestion.speaker);
  similarClaims?.lookUp(selection);
}

async function proposeSpeaker(selection) {
  const answer = await request("GET", `/api/v1/articles/${config.articleId}/speaker/?start=${selection.start}&end=${selection.end}`);
  // The form may have moved on to other words meanwhile, or the text been revised.
  if (answer.ok && form.selection === selection && answer.data.text_revision === config.textRevision) {
    form.proposeSpeaker(answer.data.speaker);
  }
}

/** Open a claim's form; resolves once the places it also appears in are listed. */
async function openClaim(id) {
  const claim = claims.find((candidate) => candidate.id === id);
  if (!claim) return;
  selectClaim(id, { focusMark: false });
  form.openEdit(claim, firstMark.get(id)?.getBoundingClientRect(), canEdit(claim));
  showWorkflow(claim);
  await alsoAppears?.show(claim);
}

// Review actions and the history timeline, inside the claim form.
const reviewBox = form.dialog.querySelector("[data-review]");
const submitBox = form.dialog.querySelector("[data-submit-box]");
const historyBox = form.dialog.querySelector("[data-history-box]");
const historyList = form.dialog.querySelector("[data-history]");

function showWorkflow(claim) {
  const pending = claim.review_state === "pending";
  const reviewable = config.isReviewer && (pending || claim.review_state === "approved");
  reviewBox.hidden = !reviewable;
  for (const element of reviewBox.querySelectorAll("input, button")) element.disabled = !reviewable;
  reviewBox.querySelector("[data-approve]").hidden = !pending;
  reviewBox.querySelector("[data-send-back]").hidden = !pending;
  reviewBox.querySelector("[data-reopen]").hidden = pending;
  submitBox.hidden = !(canEdit(claim) && ["draft", "changes_requested"].includes(claim.review_state));
  historyBox.hidden = !config.isNewsroom;
  historyBox.open = false;
  historyList.replaceChildren();
  similarClaims?.hide();
}

historyBox.addEventListener("toggle", async () => {
  if (!historyBox.open || !form.claim) return;
  const answer = await request("GET", `/api/v1/claims/${form.claim.id}/history/`);
  if (!answer.ok) return;
  historyList.replaceChildren(...answer.data.map(historyItem));
});

function historyItem(entry) {
  const item = document.createElement("li");
  const when = new Date(entry.at).toLocaleString();
  const head = document.createElement("strong");
  head.textContent = `${entry.reason ?? entry.action}`;
  item.append(head, ` — ${entry.by ?? "system"}, ${when}`);
  const changes = entry.changes.filter((change) => change.field !== "version");
  if (changes.length) {
    const list = document.createElement("ul");
    for (const change of changes) {
      const line = document.createElement("li");
      line.textContent = `${change.field}: “${shorten(String(change.old ?? ""), 60)}” → “${shorten(String(change.new ?? ""), 60)}”`;
      list.append(line);
    }
    item.append(list);
  }
  return item;
}

async function transition(action, body) {
  const claim = form.claim;
  const answer = await request("POST", `/api/v1/claims/${claim.id}/${action}/`, body);
  if (answer.ok) {
    replaceClaim(answer.data);
    form.close();
    say(
      {
        approve: "Claim approved.",
        "request-changes": "Claim sent back to its editor.",
        reopen: "Claim reopened and sent back to its editor.",
        submit: "Claim submitted for review.",
      }[action],
    );
  } else {
    form.showErrors(answer.data?.detail ? { detail: answer.data.detail } : answer.data);
  }
}

reviewBox.querySelector("[data-approve]").addEventListener("click", () =>
  transition("approve", { comment: form.form.elements.comment.value }),
);
reviewBox.querySelector("[data-reopen]").addEventListener("click", () =>
  transition("reopen", { comment: form.form.elements.comment.value }),
);
reviewBox.querySelector("[data-send-back]").addEventListener("click", () =>
  transition("request-changes", { comment: form.form.elements.comment.value }),
);
submitBox.querySelector("[data-submit]").addEventListener("click", () => transition("submit", {}));
reviewBox.querySelector("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter") event.preventDefault(); // Enter must not save the claim's fields
});

// Selecting words opens the form (or re-attaches an orphan).
function currentSelection() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  // Selecting elsewhere (the panel, the header) to copy text is none of the editor's business.
  if (!body.contains(range.startContainer) && !body.contains(range.endContainer)) return null;
  const offsets = map.offsetsOf(range);
  if (!offsets) return { error: "Select words inside the article text only: this selection goes beyond it." };
  const exact = [...map.text.slice(map.toUnits(offsets.start), map.toUnits(offsets.end))].join("");
  if (!exact.trim()) return { error: "The selection is only whitespace: select the words of the claim." };
  return { ...offsets, exact, rect: range.getBoundingClientRect() };
}

async function onSelectionDone() {
  const selection = currentSelection();
  if (!selection) return;
  if (selection.error) {
    say(selection.error);
    return;
  }
  if (reattaching) {
    // One change at a time: a second mouseup (or Shift+arrow) before the answer arrives must neither send it again
    // (the server would refuse it as stale once the first landed) nor open a new claim on the same words.
    if (reattachSent) return;
    reattachSent = true;
    try {
      await reattach(reattaching, selection);
    } finally {
      reattachSent = false;
    }
    return;
  }
  if (!config.isEditor) return;
  form.openNew(selection, selection.rect);
  hideWorkflow();
  proposeSpeaker(selection);
  similarClaims?.lookUp(selection);
}

document.addEventListener("mouseup", (event) => {
  if (!form.dialog.contains(event.target)) setTimeout(onSelectionDone, 0);
});
body.addEventListener("keyup", (event) => {
  if (event.shiftKey) onSelectionDone();
});

async function reattach(id, selection) {
  const claim = claims.find((candidate) => candidate.id === id);
  const answer = await request("PATCH", `/api/v1/claims/${id}/`, { start: selection.start, end: selection.end, exact: selection.exact, article_revision: config.textRevision }, { "If-Match": etagOf(claim) });
  reattaching = null;
  document.body.classList.remove("is-reattaching");
  if (answer.ok) {
    replaceClaim(answer.data);
    suggestions?.load();
    say(`Re-attached to “${shorten(answer.data.exact, 60)}”.`);
    window.getSelection().removeAllRanges();
  } else {
    say(errorText(answer));
  }
}

form.onSave = async (values) => {
  const editing = form.claim;
  let answer;
  if (editing) {
    answer = await request("PATCH", `/api/v1/claims/${editing.id}/`, withoutUndefined(values), { "If-Match": etagOf(editing) });
  } else {
    const anchor = form.selection
      ? { start: form.selection.start, end: form.selection.end, exact: form.selection.exact }
      : { exact: values.exact };
    answer = await request("POST", "/api/v1/claims/", withoutUndefined({ ...values, ...anchor, article: config.articleId, article_revision: config.textRevision }));
  }
  if (answer.ok) {
    replaceClaim(answer.data);
    form.close();
    window.getSelection().removeAllRanges();
    say(editing ? "Claim saved." : "Claim created.");
    selectClaim(answer.data.id);
    if (!editing) suggestions?.load();
    tellWhereElseItAppears(answer.data);
  } else if (answer.status === 412 && answer.data?.current) {
    replaceClaim(answer.data.current);
    form.showErrors({ detail: `${answer.data.detail} Their version is now shown in the list; your text is still in this form.` });
    form.claim = answer.data.current;
  } else {
    form.showErrors(answer.data?.detail ? { detail: answer.data.detail } : answer.data);
  }
};

form.onDelete = async () => {
  const claim = form.claim;
  const answer = await request("DELETE", `/api/v1/claims/${claim.id}/`, undefined, { "If-Match": etagOf(claim) });
  if (answer.ok) {
    claims = claims.filter((candidate) => candidate.id !== claim.id);
    selectedId = null;
    form.close();
    hideNotice();
    render();
    suggestions?.load();
    say("Claim deleted.");
  } else {
    form.showErrors({ detail: errorText(answer) });
  }
};

form.onClose = () => {
  const mark = selectedId !== null ? firstMark.get(selectedId) : null;
  (mark ?? body).focus();
};

function replaceClaim(claim) {
  claims = [...claims.filter((candidate) => candidate.id !== claim.id), claim];
  render();
}

// Right after a save: if other articles state the claim where nothing marks it yet, the panel says so and
// "Show where" opens the claim at its "Also appears in" section.
async function tellWhereElseItAppears(claim) {
  if (!alsoAppearsNotice) return;
  hideNotice();
  const answer = await findPassages(claim.id);
  if (!answer.ok || !claims.some((candidate) => candidate.id === claim.id)) return;
  const articles = new Set(answer.data.passages.filter(isUnmarked).map((passage) => passage.article.id)).size;
  if (!articles) return;
  const where = articles === 1 ? "another article" : `${articles} other articles`;
  alsoAppearsNotice.querySelector("[data-notice-text]").textContent = `“${shorten(claim.exact, 60)}” also appears in ${where}.`;
  alsoAppearsNotice.dataset.claim = claim.id;
  alsoAppearsNotice.hidden = false;
}

function hideNotice() {
  if (alsoAppearsNotice) alsoAppearsNotice.hidden = true;
}

alsoAppearsNotice?.querySelector("[data-notice-show]").addEventListener("click", async () => {
  hideNotice();
  await openClaim(Number(alsoAppearsNotice.dataset.claim));
  alsoAppears.reveal();
});

function withoutUndefined(values) {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

// The panel: click or Enter selects; arrow keys move between claims.
panel.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-id]");
  if (button) selectClaim(Number(button.dataset.id));
});
panel.addEventListener("keydown", (event) => {
  const buttons = [...panel.querySelectorAll("button[data-id]")];
  const index = buttons.indexOf(document.activeElement);
  const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
  if (index < 0 || !(event.key in moves)) return;
  event.preventDefault();
  const target = Math.max(0, Math.min(buttons.length - 1, index + moves[event.key]));
  buttons[Number.isFinite(target) ? target : 0].focus();
});

// Highlights: click one (or press Enter on the focused one) to open its claim; the panel follows.
body.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.hl");
  if (!mark || !window.getSelection().isCollapsed) return;
  const id = Number(mark.dataset.claims.split(" ")[0]);
  panel.querySelector(`[data-id="${id}"]`)?.scrollIntoView({ block: "nearest" });
  openClaim(id);
});
body.addEventListener("keydown", (event) => {
  const mark = event.target.closest?.("mark.hl");
  if (mark && event.key === "Enter") {
    event.preventDefault();
    openClaim(Number(mark.dataset.claims.split(" ")[0]));
  }
});

orphanList.addEventListener("click", (event) => {
  const button = event.target.closest("[data-reattach]");
  if (!button) return;
  reattaching = Number(button.dataset.reattach);
  document.body.classList.add("is-reattaching");
  say("Select the words this claim is about in the article; it will be attached to them.");
  body.focus();
});

newClaimButton?.addEventListener("click", () => {
  form.openNew(null, newClaimButton.getBoundingClientRect());
  hideWorkflow();
});

function hideWorkflow() {
  reviewBox.hidden = true;
  submitBox.hidden = true;
  historyBox.hidden = true;
  similarClaims?.hide();
  alsoAppears?.hide();
}

render();
// A link to a claim (`#claim-<id>`, as "Also appears in" gives) scrolls to it and selects it.
const linkedClaim = /^#claim-(\d+)$/.exec(window.location.hash);
if (linkedClaim) selectClaim(Number(linkedClaim[1]));
// For the benchmark: milliseconds from navigation start, and for drawing alone.
window.factcheckHighlightsDrawnAt = performance.now();
window.factcheckHighlightsDrawnMs = window.factcheckHighlightsDrawnAt - started;
// Ready once an editor's suggestions are listed too.
(suggestions ? suggestions.load() : Promise.resolve()).finally(() => {
  document.documentElement.dataset.editorReady = "true";
});
