/**
 * Counters and histograms kept as plain numbers per label set, and read by
 * Prometheus only when it scrapes. prom-client's own `inc` and `observe`
 * hash their label object on every call; a task or call here costs a map
 * lookup of a pre-built record and a few additions instead, with nothing
 * allocated. Each family registers itself in a prom-client registry as a
 * custom metric (`registerMetric`), so the text format stays prom-client's.
 */
import type { Registry } from 'prom-client'

/** Label sets kept at most per family; further ones count in one set, every label `other`. */
export const MAX_LABEL_SETS = 2048
/** The label value that stands for every set past the bound. */
export const OTHER_LABEL = 'other'

interface Sample { value: number, labels: Record<string, string>, metricName?: string }

/** What prom-client's registry reads from a metric when it scrapes. */
interface Collectable {
  name: string
  help: string
  type: 'counter' | 'histogram'
  aggregator: 'sum'
  get(): Promise<{ name: string, help: string, type: string, aggregator: string, values: Sample[] }>
  reset(): void
}

/** A family's records by their label values, joined with a separator no label has. */
abstract class Family<R> implements Collectable {
  readonly name: string
  readonly help: string
  abstract readonly type: 'counter' | 'histogram'
  readonly aggregator = 'sum' as const
  protected readonly labelNames: string[]
  protected readonly records = new Map<string, { labels: Record<string, string>, record: R }>()

  constructor (registry: Registry, name: string, help: string, labelNames: string[]) {
    this.name = name
    this.help = help
    this.labelNames = labelNames
    registry.registerMetric(this as any)
  }

  protected abstract create (): R
  protected abstract samples (labels: Record<string, string>, record: R): Sample[]

  /** The record of one label set (the values in `labelNames` order), made on first use. */
  protected of (values: string[]): R {
    const key = values.length === 1 ? values[0] : values.join('\u0000')
    const found = this.records.get(key)
    if (found != null) {
      return found.record
    }
    if (this.records.size < MAX_LABEL_SETS) {
      return this.add(key, values)
    }
    // past the bound: one more set, every label `other`
    const overflow = this.labelNames.map(() => OTHER_LABEL)
    const overflowKey = overflow.join('\u0000')
    return this.records.get(overflowKey)?.record ?? this.add(overflowKey, overflow)
  }

  private add (key: string, values: string[]): R {
    const labels = Object.fromEntries(this.labelNames.map((n, i) => [n, values[i]]))
    const record = this.create()
    this.records.set(key, { labels, record })
    return record
  }

  async get (): Promise<{ name: string, help: string, type: string, aggregator: string, values: Sample[] }> {
    const values: Sample[] = []
    for (const { labels, record } of this.records.values()) values.push(...this.samples(labels, record))
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  reset (): void {
    this.records.clear()
  }
}

/** A counter child: add to `value`. */
export interface CounterRecord { value: number }

/** A counter family; `child(...values)` is the record to add to. */
export class FigureCounter extends Family<CounterRecord> {
  readonly type = 'counter' as const

  protected create (): CounterRecord { return { value: 0 } }

  protected samples (labels: Record<string, string>, record: CounterRecord): Sample[] {
    return [{ value: record.value, labels }]
  }

  /** The counter of one label set (values in label order); keep it, it is the same each time. */
  child (values: string[]): CounterRecord {
    return this.of(values)
  }
}

/** A histogram child: counts per bucket (not cumulative), their sum and count. */
export class HistogramRecord {
  private readonly bounds: readonly number[]
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor (bounds: readonly number[]) {
    this.bounds = bounds
    this.counts = new Float64Array(bounds.length)
  }

  /** Counts one observation. */
  observe (value: number): void {
    this.sum += value
    this.count++
    const bounds = this.bounds
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++
        return
      }
    }
  }
}

/** A histogram family with fixed bucket upper bounds. */
export class FigureHistogram extends Family<HistogramRecord> {
  readonly type = 'histogram' as const
  private readonly bounds: readonly number[]

  constructor (registry: Registry, name: string, help: string, labelNames: string[], bounds: readonly number[]) {
    super(registry, name, help, labelNames)
    this.bounds = bounds
  }

  protected create (): HistogramRecord { return new HistogramRecord(this.bounds) }

  protected samples (labels: Record<string, string>, record: HistogramRecord): Sample[] {
    const out: Sample[] = []
    let cumulative = 0
    this.bounds.forEach((le, i) => {
      cumulative += record.counts[i]
      out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: String(le) }, value: cumulative })
    })
    out.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: record.count })
    out.push({ metricName: `${this.name}_sum`, labels, value: record.sum })
    out.push({ metricName: `${this.name}_count`, labels, value: record.count })
    return out
  }

  /** The histogram of one label set (values in label order); keep it, it is the same each time. */
  child (values: string[]): HistogramRecord {
    return this.of(values)
  }
}
