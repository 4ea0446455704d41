// Load and open pages with miniprogram-simulate.
const fs = require('fs')
const path = require('path')
const simulate = require('miniprogram-simulate')
const simulateUtils = require('miniprogram-simulate/src/utils')

const ROOT = path.resolve(__dirname, '../..')
const ids = {}

// miniprogram-simulate runs a page's or component's .js with `require` and then deletes it from
// require.cache so that the next load runs it (and its Component() call) again. Jest ignores require.cache,
// so a component used by two pages would be defined only for the first. Run the file ourselves instead,
// every time, while its own requires (utils/*, config) still come from the test file's module registry.
simulateUtils.runJs = (filePath) => {
  const file = filePath.endsWith('.js') ? filePath : `${filePath}.js`
  const source = `${fs.readFileSync(file, 'utf8')}\n//# sourceURL=${file}`
  const run = new Function('require', 'module', 'exports', '__filename', '__dirname', source) // eslint-disable-line no-new-func
  const mod = { exports: {} }
  const localRequire = (p) => require(p.startsWith('.') ? path.resolve(path.dirname(file), p) : p)
  run(localRequire, mod, mod.exports, file, path.dirname(file))
}

function pagePath(name) {
  return path.join(ROOT, 'pages', name, name)
}

function load(name) {
  if (!ids[name]) ids[name] = simulate.load(pagePath(name), { rootPath: ROOT })
  return ids[name]
}

// Render page `name`, run its onLoad(options), wait until its requests are done.
async function open(wxh, name, options = {}) {
  const comp = simulate.render(load(name))
  comp.attach(document.createElement('parent-wrapper'))
  await comp.instance.onLoad(options)
  await wxh.idle()
  return comp
}

// The nodes matching `selector`. The component selectors know no attributes, so a trailing
// `[data-name=value]` (or `[data-name="value"]`) is applied here, on the node's dataset.
function all(comp, selector) {
  const filters = []
  const base = selector.replace(/\[data-([a-z-]+)=("?)([^"\]]*)\2\]/g, (m, name, q, value) => {
    filters.push([name.replace(/-([a-z])/g, (x, c) => c.toUpperCase()), value])
    return ''
  })
  return comp.querySelectorAll(base).filter((n) => filters.every(([k, v]) => n.dom.dataset[k] === v))
}

function one(comp, selector) {
  const node = all(comp, selector)[0]
  if (!node) throw new Error(`nothing matches ${selector}`)
  return node
}

// Tap / type / pick on the first node matching `selector`, then wait for the requests it starts.
async function tap(wxh, comp, selector) {
  one(comp, selector).dispatchEvent('tap')
  await wxh.idle()
}

async function input(wxh, comp, selector, value) {
  one(comp, selector).dispatchEvent('input', { detail: { value } })
  await wxh.idle()
}

async function pick(wxh, comp, selector, index) {
  one(comp, selector).dispatchEvent('change', { detail: { value: String(index) } })
  await wxh.idle()
}

function texts(comp, selector) {
  return all(comp, selector).map((n) => n.dom.textContent.trim())
}

function appPages() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).pages
}

// The query of a navigation url: "/pages/x/x?id=1&a=b" → {id: "1", a: "b"}.
function queryOf(url) {
  const out = {}
  new URL(url, 'http://mp').searchParams.forEach((v, k) => (out[k] = v))
  return out
}

module.exports = { ROOT, load, open, all, one, tap, input, pick, texts, appPages, queryOf, simulate }
