// fetch() wrapper for the JSON API: errors become ApiError with the server's message
// (FastAPI's `detail`, a string or a list of {loc, msg}) and the field it names.

export class ApiError extends Error {
  constructor(message, { status = 0, field = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.field = field;
  }
}

/** One readable message from a FastAPI error body. */
export function errorMessage(body, status) {
  const detail = body?.detail ?? body?.message ?? body;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        const loc = Array.isArray(d.loc) ? d.loc.filter((p) => p !== "body").join(".") : "";
        return loc ? `${loc}: ${d.msg}` : String(d.msg ?? JSON.stringify(d));
      })
      .join("\n");
  }
  if (detail && typeof detail === "object" && detail.message) return String(detail.message);
  return `request failed with HTTP ${status}`;
}

/** The field an error names, when it names one. */
function errorField(body) {
  const detail = body?.detail;
  if (Array.isArray(detail) && Array.isArray(detail[0]?.loc)) {
    return detail[0].loc.filter((p) => p !== "body").join(".") || null;
  }
  return body?.field ?? detail?.field ?? null;
}

/** fetch JSON; resolves to the parsed body, rejects with ApiError. */
export async function request(method, path, body = undefined, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(`cannot reach the server (${err.message})`);
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    throw new ApiError(errorMessage(parsed, response.status), {
      status: response.status,
      field: errorField(parsed),
    });
  }
  return parsed;
}

export const api = {
  catalog: () => request("GET", "/api/catalog"),
  createSession: (body) => request("POST", "/api/sessions", body),
  getSession: (id) => request("GET", `/api/sessions/${encodeURIComponent(id)}`),
  deleteSession: (id) => request("DELETE", `/api/sessions/${encodeURIComponent(id)}`),
  streamUrl(id) {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return `${proto}//${location.host}/api/sessions/${encodeURIComponent(id)}/stream`;
  },
};
