// Downloading an export with visible progress: the body is read as it streams in (the CSV row by row; the xlsx
// arrives once the server has closed the file), then saved under the name the server gives.
import { ApiError } from '../../api/client'
import type { FieldProblem } from '../../shared/messages'

export interface Progress {
  bytes: number
  rows: number // CSV lines received, the header not counted
}

/** The file's name from Content-Disposition: the UTF-8 `filename*` (the Chinese name) before the ASCII one. */
export function filenameOf(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      /* a malformed name: try the plain one */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header)
  return plain?.[1] ?? fallback
}

export function countNewlines(chunk: Uint8Array): number {
  let n = 0
  for (const b of chunk) if (b === 10) n += 1
  return n
}

export async function download(url: string, fallback: string, onProgress: (p: Progress) => void): Promise<string> {
  let resp: Response
  try {
    resp = await fetch(url, { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network', '')
  }
  if (!resp.ok) {
    const problem = (await resp.json().catch(() => ({}))) as { code?: string; detail?: string; errors?: FieldProblem[] }
    throw new ApiError(resp.status, problem.code ?? 'http_error', problem.detail ?? '', problem.errors ?? [])
  }
  const chunks: Uint8Array[] = []
  const progress: Progress = { bytes: 0, rows: 0 }
  const reader = resp.body?.getReader()
  while (reader) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    progress.bytes += value.length
    progress.rows += countNewlines(value)
    onProgress({ bytes: progress.bytes, rows: Math.max(0, progress.rows - 1) })
  }
  const name = filenameOf(resp.headers.get('Content-Disposition'), fallback)
  const blob = new Blob(chunks as BlobPart[], { type: resp.headers.get('Content-Type') ?? 'application/octet-stream' })
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
  return name
}
