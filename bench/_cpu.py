import json,sys
for line in sys.stdin:
  if ' {' not in line: continue
  k,v=line.split(' ',1); r=json.loads(v)
  print(k, 'calls',r['calls'],'cpu/call us', round(1000*(r['requesterCpuMs']+r['serverCpuMs']+r['brokerCpuMs'])/r['calls']), r['requesterCpuMs'],r['serverCpuMs'],r['brokerCpuMs'], 'p50',r['latency']['p50Ms'], [t['perSecond'] for t in r['throughput']])
