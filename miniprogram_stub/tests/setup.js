// A page that logs an error (api.handled() does, for anything that is not an API error), or a template the
// WXML runtime warns about, fails its test.
let logged = []

beforeEach(() => {
  logged = []
  jest.spyOn(console, 'error').mockImplementation((...args) => logged.push(args))
  // The WXML runtime warns about template mistakes (bad expressions, missing wx:key): treat them as errors.
  const warn = console.warn
  jest.spyOn(console, 'warn').mockImplementation((...args) => {
    if (String(args[0]).startsWith('WXMLRT')) logged.push(args)
    else warn(...args)
  })
})

afterEach(() => {
  console.error.mockRestore()
  console.warn.mockRestore()
  if (logged.length) {
    throw new Error(`console.error was called:\n${logged.map((a) => a.map(String).join(' ')).join('\n')}`)
  }
})
