/**
 * The job's map and reduce, pure functions shared by the workers and the
 * single-process check: a text's word counts, and counts merged.
 */

/** Distinct words one task may answer with (a chapter of the corpus has a few thousand). */
export const MAX_WORDS_PER_TASK = 50_000

export interface WordCounts {
  /** Words in the text */
  total: number
  /** Occurrences of each word, lower-cased */
  counts: Record<string, number>
}

/** Letters, with inner apostrophes and hyphens kept ("whale's", "sperm-whale"). */
const WORD = /[\p{L}]+(?:['’-][\p{L}]+)*/gu

/** Counts the words of `text`. */
export function countWords (text: string): WordCounts {
  const counts: Record<string, number> = Object.create(null)
  let total = 0
  for (const [match] of text.matchAll(WORD)) {
    const word = match.toLowerCase().replace(/’/g, "'")
    counts[word] = (counts[word] ?? 0) + 1
    total++
  }
  return { total, counts }
}

/** Adds `part` into `into` (the reduce step); returns `into`. */
export function mergeCounts (into: WordCounts, part: WordCounts): WordCounts {
  into.total += part.total
  for (const [word, count] of Object.entries(part.counts)) {
    into.counts[word] = (into.counts[word] ?? 0) + count
  }
  return into
}

export function emptyCounts (): WordCounts {
  return { total: 0, counts: Object.create(null) }
}

/** The `n` most frequent words, ties in alphabetical order. */
export function topWords (counts: WordCounts, n: number): Array<[string, number]> {
  return Object.entries(counts.counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n)
}

/** Whether two results hold the same counts for every word. */
export function sameCounts (a: WordCounts, b: WordCounts): boolean {
  const words = Object.keys(a.counts)
  return a.total === b.total && words.length === Object.keys(b.counts).length && words.every(w => a.counts[w] === b.counts[w])
}
