// The REST API, with the CSRF token for session-authenticated writes. Every call resolves to
// { ok, status, data, etag }; network failures resolve too, so callers show a message instead of throwing.

const config = JSON.parse(document.getElementById("editor-config").textContent);

export async function request(method, path, body, headers = {}) {
  const options = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": config.csrfToken, ...headers },
  };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  try {
    const response = await fetch(path, options);
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
  } catch (error) {
    return { ok: false, status: 0, data: { detail: "The server could not be reached. Your changes are still in the form." } };
  }
}

/** A refusal in one line: the server's detail, else each field's messages. */
export function errorText(answer) {
  const data = answer.data ?? {};
  if (data.detail) return data.detail;
  return Object.entries(data)
    .filter(([key]) => key !== "code")
    .map(([key, value]) => `${key}: ${[].concat(value).join(" ")}`)
    .join(" ");
}

export function etagOf(claim) {
  return `"claim-${claim.id}-v${claim.version}"`;
}

export { config };
