// The one way the console talks to the API: same-origin fetch with the session cookie, the CSRF token on every
// change, and every refusal turned into an ApiError carrying the problem+json `code` (shown in Chinese by messages.ts).
import { type FieldProblem, messageOf } from '../shared/messages'

let csrfToken: string | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(messageOf(code, status, detail, errors))
  }
}

export interface Answer<T> {
  status: number
  body: T
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let resp: Response
  try {
    resp = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', '')
  }
  const text = await resp.text()
  const parsed: unknown = text ? JSON.parse(text) : null
  if (!resp.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string; errors?: FieldProblem[] }
    throw new ApiError(resp.status, problem.code ?? 'http_error', problem.detail ?? '', problem.errors ?? [])
  }
  return { status: resp.status, body: parsed as T }
}

export async function get<T>(path: string): Promise<T> {
  return (await call<T>('GET', path)).body
}

export async function post<T>(path: string, body?: unknown): Promise<T> {
  return (await call<T>('POST', path, body)).body
}

// A file as multipart (field `file`, as wx.uploadFile sends it): the browser sets the boundary, the CSRF token rides
// along like on every change, and a refusal is an ApiError like any other.
export async function upload<T>(path: string, file: Blob, name = 'file'): Promise<T> {
  const form = new FormData()
  form.append('file', file, file instanceof File ? file.name : name)
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken
  let resp: Response
  try {
    resp = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: form })
  } catch {
    throw new ApiError(0, 'network', '')
  }
  const text = await resp.text()
  const parsed: unknown = text ? JSON.parse(text) : null
  if (!resp.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string; errors?: FieldProblem[] }
    throw new ApiError(resp.status, problem.code ?? 'http_error', problem.detail ?? '', problem.errors ?? [])
  }
  return parsed as T
}
