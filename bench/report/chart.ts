/**
 * The results as one SVG (written by hand, no chart library): grouped bar
 * panels for unary throughput, unary latency and streaming, and line
 * panels for per-peer cost against mesh size.
 */

const WIDTH = 960
const PANEL_HEIGHT = 260
const MARGIN = { top: 56, right: 20, bottom: 50, left: 80 }
const COLORS = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6']

interface Series {
  name: string
  values: Array<number | null | undefined>
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

function niceMax (max: number): number {
  if (!(max > 0)) {
    return 1
  }
  const step = 10 ** Math.floor(Math.log10(max))
  return Math.ceil(max / step) * step
}

function fmt (v: number): string {
  if (v >= 10_000) return `${Math.round(v / 1000)}k`
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`
  if (v >= 10) return String(Math.round(v))
  return String(Math.round(v * 100) / 100)
}

function axes (y0: number, max: number, title: string, unit: string): string[] {
  const h = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom
  const out = [`<text x="${MARGIN.left}" y="${y0 + 24}" font-size="15" font-weight="bold">${esc(title)}</text>`]
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4
    const y = y0 + MARGIN.top + h - (h * i) / 4
    out.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`)
    out.push(`<text x="${MARGIN.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${fmt(v)}</text>`)
  }
  out.push(`<text x="14" y="${y0 + MARGIN.top + h / 2}" font-size="11" transform="rotate(-90 14 ${y0 + MARGIN.top + h / 2})" text-anchor="middle">${esc(unit)}</text>`)
  return out
}

function legend (y0: number, series: Series[]): string[] {
  return series.map((s, i) => {
    // a row under the title, so a long title never runs into it
    const x = MARGIN.left + 150 * i
    return `<rect x="${x}" y="${y0 + 32}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 16}" y="${y0 + 42}" font-size="12">${esc(s.name)}</text>`
  })
}

/** Bars for each category, one per series. */
export function barPanel (y0: number, title: string, unit: string, categories: string[], series: Series[]): string {
  const h = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom
  const w = WIDTH - MARGIN.left - MARGIN.right
  const max = niceMax(Math.max(0, ...series.flatMap(s => s.values.map(v => v ?? 0))))
  const out = [...axes(y0, max, title, unit), ...legend(y0, series)]
  const group = w / Math.max(categories.length, 1)
  const bar = (group * 0.8) / Math.max(series.length, 1)
  categories.forEach((category, c) => {
    const gx = MARGIN.left + c * group + group * 0.1
    series.forEach((s, i) => {
      const v = s.values[c]
      if (v == null) return
      const bh = (h * v) / max
      const x = gx + i * bar
      const y = y0 + MARGIN.top + h - bh
      out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(`${category} ${s.name}: ${v}`)}</title></rect>`)
      out.push(`<text x="${(x + bar / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="9" text-anchor="middle">${fmt(v)}</text>`)
    })
    out.push(`<text x="${(gx + group * 0.4).toFixed(1)}" y="${y0 + MARGIN.top + h + 16}" font-size="12" text-anchor="middle">${esc(category)}</text>`)
  })
  return out.join('\n')
}

/** Lines of y against x (mesh size), one per series. */
export function linePanel (y0: number, title: string, unit: string, xs: number[], series: Series[]): string {
  const h = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom
  const w = WIDTH - MARGIN.left - MARGIN.right
  const max = niceMax(Math.max(0, ...series.flatMap(s => s.values.map(v => v ?? 0))))
  const xmax = Math.max(...xs, 1)
  const px = (x: number): number => MARGIN.left + (w * x) / xmax
  const py = (v: number): number => y0 + MARGIN.top + h - (h * v) / max
  const out = [...axes(y0, max, title, unit), ...legend(y0, series)]
  for (const x of xs) {
    out.push(`<text x="${px(x).toFixed(1)}" y="${y0 + MARGIN.top + h + 16}" font-size="12" text-anchor="middle">${x}</text>`)
  }
  out.push(`<text x="${MARGIN.left + w / 2}" y="${y0 + MARGIN.top + h + 34}" font-size="11" text-anchor="middle">peers in the mesh</text>`)
  series.forEach((s, i) => {
    const points = xs.map((x, j) => [x, s.values[j]] as const).filter(([, v]) => v != null) as Array<[number, number]>
    const color = COLORS[i % COLORS.length]
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, v]) => `${px(x).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`)
    for (const [x, v] of points) {
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${s.name} at ${x}: ${v}`)}</title></circle>`)
    }
  })
  return out.join('\n')
}

/** The whole chart for one results object. */
export function chart (results: Record<string, any>): string {
  const panels: Array<(y0: number) => string> = []
  const unary = results.unary as Record<string, any> | undefined
  if (unary != null) {
    const systems = Object.keys(unary)
    const inFlight = [1, 16, 32, 64]
    panels.push(y0 => barPanel(y0, 'Unary 256 B: requests per second by calls in flight (higher is better)', 'req/s', systems,
      inFlight.map(n => ({ name: `${n} in flight`, values: systems.map(s => unary[s]?.throughput?.find((t: any) => t.inFlight === n)?.perSecond) }))))
    panels.push(y0 => barPanel(y0, 'Unary 256 B, one at a time: latency (lower is better)', 'ms', systems, [
      { name: 'p50', values: systems.map(s => unary[s]?.latency?.p50Ms) },
      { name: 'p99', values: systems.map(s => unary[s]?.latency?.p99Ms) }
    ]))
  }
  const streaming = results.streaming as Record<string, any> | undefined
  if (streaming != null) {
    const systems = Object.keys(streaming)
    panels.push(y0 => barPanel(y0, 'Streaming a 1,000-token reply: chunks per second (higher is better)', 'chunks/s', systems, [
      { name: 'median run', values: systems.map(s => streaming[s]?.chunksPerSecond) }
    ]))
  }
  const scale = results.scale
  if (scale?.inProcess != null) {
    const xs = scale.inProcess.map((r: any) => r.peers)
    const pick = (rows: any[], f: (r: any) => number): number[] => xs.map((n: number) => f(rows?.find((r: any) => r.peers === n)))
    panels.push(y0 => linePanel(y0, 'Idle CPU per peer (% of one core) against mesh size', '% of a core', xs, [
      { name: 'one process', values: pick(scale.inProcess, r => r?.cpuPctPerPeer) },
      { name: 'multi-process', values: pick(scale.multiProcess, r => r?.cpuPctPerPeer) }
    ]))
    panels.push(y0 => linePanel(y0, 'Dispatch p50 against mesh size', 'ms', xs, [
      { name: 'one process', values: pick(scale.inProcess, r => r?.dispatch?.p50Ms) },
      { name: 'multi-process', values: pick(scale.multiProcess, r => r?.dispatch?.p50Ms) }
    ]))
  }
  const height = PANEL_HEIGHT * panels.length + 10
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...panels.map((panel, i) => panel(i * PANEL_HEIGHT)),
    '</svg>',
    ''
  ].join('\n')
}
