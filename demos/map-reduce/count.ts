/**
 * The map handler the demo's workers serve, loaded by the command line:
 * `meshwork worker --service wordcount --handler demos/map-reduce/count.ts`.
 * Takes one chapter `{ chapter, text }` and answers its word counts.
 */
import { countWords, MAX_WORDS_PER_TASK } from './words.ts'
import type { WordCounts } from './words.ts'

/** A text longer than this is refused (a chapter of the corpus is under 100 KB). */
const MAX_TEXT_CHARS = 1_000_000

export default async function count (input: { chapter: string, text: string }): Promise<WordCounts & { chapter: string }> {
  if (typeof input?.text !== 'string' || input.text.length > MAX_TEXT_CHARS) {
    throw new TypeError(`wordcount takes { chapter, text } with a text of at most ${MAX_TEXT_CHARS} characters`)
  }
  const counts = countWords(input.text)
  if (Object.keys(counts.counts).length > MAX_WORDS_PER_TASK) {
    throw new TypeError(`more than ${MAX_WORDS_PER_TASK} distinct words in one task`)
  }
  return { chapter: input.chapter, ...counts }
}
