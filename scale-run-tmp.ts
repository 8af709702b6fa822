import { runMesh, scaleParams } from './bench/cases/scale.ts'
const p = scaleParams(false)
for (const n of process.argv.slice(3).map(Number)) {
  const r = await runMesh(p, n, process.argv[2] as any)
  console.log(n, JSON.stringify({ started: r.started, startMs: r.startMs, converged: r.converged, convergeMs: r.convergeMs, minKnown: r.minKnown, dispatch: r.dispatch, cpu: r.cpuPctPerPeer }))
}
process.exit(0)
