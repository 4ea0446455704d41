// Canned answers for page tests: {"GET /api/v1/me": data | (req) => response}.
const RESPONSE = Symbol('response')

function ok(data, statusCode = 200) {
  return { [RESPONSE]: true, statusCode, data, header: { 'content-type': 'application/json' } }
}

function problem(status, code, detail = '') {
  return {
    [RESPONSE]: true,
    statusCode: status,
    data: { type: 'about:blank', title: 'Error', status, detail, code },
    header: { 'content-type': 'application/problem+json' },
  }
}

// A route's value is a 200 body, a response made by ok() / problem(), or a function (req) → response.
function router(table) {
  return (req) => {
    const value = table[`${req.method} ${req.path}`]
    if (value === undefined) return undefined
    if (typeof value === 'function') return value(req)
    return value && value[RESPONSE] ? value : ok(value)
  }
}

module.exports = { ok, problem, router }
