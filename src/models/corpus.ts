/**
 * The text the built-in demo model learns its word pairs from. Any prose
 * works; this one talks about the thing it runs on.
 */
export const CORPUS = `
A mesh is a group of peers that talk to each other without a broker in the middle. Each peer can ask for work and each peer can do work.
When a peer asks, the task travels over a direct stream to a worker that has room, and the answer comes back the same way, one token at a time.
If the worker goes away in the middle of an answer, the task moves to another worker, which picks up where the first one stopped, so the reader never sees a token twice.
Browsers join the mesh as full peers. A tab can answer a prompt with a small model of its own, and another tab can read the answer as it streams.
The relay introduces peers to each other, and then they talk directly. The relay carries traffic only for peers that cannot reach each other any other way.
Every peer keeps a table of the others. A peer that stops answering becomes suspect, and a peer that stays silent is declared dead, and its work is finished elsewhere.
Load is spread by the balancer. The default picks two workers at random and keeps the one that has been faster, which keeps slow workers less busy.
Small models are fast and large models are slow, and a good mesh uses both. The same prompt gives the same answer on every worker, so a moved task reads as one text.
Nothing is lost when a third of the mesh is killed, because every task is watched by the peer that asked for it until the answer is complete.
A token is a small piece of text. A stream of tokens is an answer. The answer arrives in order, at the pace of the model, and the reader can stop it at any time.
Peers announce what they serve and how busy they are, and the announcements grow slower as the mesh grows larger, so the cost for each peer stays nearly flat.
The mesh is patient with slow peers and quick with dead ones. It waits for a busy machine but it does not wait for a machine that is gone.
`
