import { describe, expect, it } from 'vitest'
import { Affinity, extendKey, prefixKeys } from '../../node/gateway/sticky.ts'
import type { ChatMessage } from '../../src/models/chat.ts'

const turn1: ChatMessage[] = [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }]
const answer: ChatMessage = { role: 'assistant', content: 'Hi there' }
const turn2: ChatMessage[] = [...turn1, answer, { role: 'user', content: 'and then?' }]
const always = (): boolean => true

describe('sticky routing by conversation prefix', () => {
  it('sends the next turn of a conversation to the worker that answered the last one', () => {
    const affinity = new Affinity(100)
    const keys = prefixKeys('m', turn1)
    const last = keys[keys.length - 1]
    affinity.remember([last, extendKey(last, answer)], 'peer-a')
    expect(affinity.lookup(prefixKeys('m', turn2), always)).toBe('peer-a')
    // the same prompt again goes there too
    expect(affinity.lookup(prefixKeys('m', turn1), always)).toBe('peer-a')
  })

  it('knows nothing of another model, another conversation, or an edited history', () => {
    const affinity = new Affinity(100)
    const keys = prefixKeys('m', turn1)
    affinity.remember([keys[1], extendKey(keys[1], answer)], 'peer-a')
    expect(affinity.lookup(prefixKeys('other', turn2), always)).toBeUndefined()
    expect(affinity.lookup(prefixKeys('m', [{ role: 'user', content: 'hello' }]), always)).toBeUndefined()
    const edited = [...turn1, { role: 'assistant' as const, content: 'Hi there!' }, turn2[3]]
    expect(affinity.lookup(prefixKeys('m', edited), always)).toBe('peer-a') // still shares turn1
    expect(affinity.lookup(prefixKeys('m', [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'bye' }]), always)).toBeUndefined()
  })

  it('prefers the longest remembered prefix', () => {
    const affinity = new Affinity(100)
    const k1 = prefixKeys('m', turn1)
    affinity.remember([k1[1]], 'peer-a')
    const k2 = prefixKeys('m', turn2)
    affinity.remember([k2[3]], 'peer-b')
    expect(affinity.lookup(prefixKeys('m', [...turn2, { role: 'assistant', content: 'x' }, { role: 'user', content: 'y' }]), always)).toBe('peer-b')
  })

  it('falls back (no preference) when the holder cannot take the turn', () => {
    const affinity = new Affinity(100)
    const keys = prefixKeys('m', turn1)
    affinity.remember([keys[1]], 'peer-a')
    expect(affinity.lookup(keys, peer => peer !== 'peer-a')).toBeUndefined()
  })

  it('holds at most its bound, forgetting the least recently used', () => {
    const affinity = new Affinity(3)
    const keys = ['a', 'b', 'c', 'd'].map(c => prefixKeys('m', [{ role: 'user', content: c }])[0])
    affinity.remember([keys[0]], 'p0')
    affinity.remember([keys[1]], 'p1')
    affinity.remember([keys[2]], 'p2')
    expect(affinity.lookup([keys[0]], always)).toBe('p0') // now most recent
    affinity.remember([keys[3]], 'p3')
    expect(affinity.size).toBe(3)
    expect(affinity.lookup([keys[1]], always)).toBeUndefined()
    expect(affinity.lookup([keys[0]], always)).toBe('p0')
  })
})
