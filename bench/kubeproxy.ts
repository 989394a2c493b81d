// kube-proxy-shaped nat dumps of any size (the shape of a real node's iptables mode: KUBE-SERVICES
// dispatching on ClusterIP:port to KUBE-SVC-* chains that pick an endpoint with statistic, and KUBE-SEP-*
// chains that DNAT). Deterministic: the same size always gives the same text.

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/// A kube-proxy-looking 16-character chain suffix, stable for a given name and unique within a dump.
const used = new Set<string>();
function suffix(name: string): string {
  for (let salt = 0; ; salt++) {
    const s = hashSuffix(salt ? `${name}#${salt}` : name);
    if (!used.has(s)) {
      used.add(s);
      return s;
    }
  }
}

function hashSuffix(name: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h1 = Math.imul(h1 ^ name.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ name.charCodeAt(i), 2246822519) >>> 0;
  }
  let out = '';
  for (let i = 0; i < 16; i++) {
    const v = i < 8 ? h1 >>> (i * 4) : h2 >>> ((i - 8) * 4);
    out += B32[v & 31];
  }
  return out;
}

export interface KubeDump {
  text: string;
  rules: number;
  /// A ClusterIP and port that exists, and one endpoint behind it.
  sample: { clusterIp: string; port: number; endpoint: string; endpointPort: number };
}

/// About `rules` rules: 2 + 3 × endpoints per service, 3 endpoints each. Laid out as iptables-save prints
/// it: the built-in chains, then the user chains sorted by name, and each chain's rules together in that
/// order.
export function kubeProxyDump(rules: number, endpoints = 3): KubeDump {
  used.clear();
  const perService = 2 + 3 * endpoints;
  const services = Math.max(1, Math.floor((rules - 7) / perService));
  const builtins = [':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]'];
  const head = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
  ];
  const chains = new Map<string, string[]>([
    ['KUBE-MARK-MASQ', ['-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000']],
    ['KUBE-NODEPORTS', []],
    ['KUBE-POSTROUTING', [
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]],
    ['KUBE-SERVICES', []],
  ]);
  const services_ = chains.get('KUBE-SERVICES')!;
  let sample: KubeDump['sample'] | null = null;
  for (let s = 0; s < services; s++) {
    const ns = `ns${s % 50}`, svc = `svc-${String(s).padStart(5, '0')}`, port = 8000 + (s % 1000);
    const name = `${ns}/${svc}:tcp-${port}`;
    const ip = `10.96.${(s >> 8) & 255}.${s & 255}`;
    const svcChain = `KUBE-SVC-${suffix(name)}`;
    services_.push(`-A KUBE-SERVICES -d ${ip}/32 -p tcp -m comment --comment "${name} cluster IP" -m tcp --dport ${port} -j ${svcChain}`);
    const svcRules = [`-A ${svcChain} ! -s 10.244.0.0/16 -d ${ip}/32 -p tcp -m comment --comment "${name} cluster IP" -m tcp --dport ${port} -j KUBE-MARK-MASQ`];
    chains.set(svcChain, svcRules);
    for (let e = 0; e < endpoints; e++) {
      const n = s * endpoints + e;
      const ep = `10.244.${(n >> 8) & 255}.${(n & 255) || 1}`;
      const sep = `KUBE-SEP-${suffix(`${name}/${ep}`)}`;
      const left = endpoints - e;
      const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : '';
      svcRules.push(`-A ${svcChain} -m comment --comment "${name} -> ${ep}:${port}"${pick} -j ${sep}`);
      chains.set(sep, [
        `-A ${sep} -s ${ep}/32 -m comment --comment "${name}" -j KUBE-MARK-MASQ`,
        `-A ${sep} -p tcp -m comment --comment "${name}" -m tcp -j DNAT --to-destination ${ep}:${port}`,
      ]);
      if (!sample && s === services - 1 && e === endpoints - 1) sample = { clusterIp: ip, port, endpoint: ep, endpointPort: port };
    }
  }
  services_.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  const names = [...chains.keys()].sort();
  const all = [...head, ...names.flatMap((c) => chains.get(c)!)];
  const declared = [...builtins, ...names.map((c) => `:${c} - [0:0]`)];
  return { text: `*nat\n${declared.join('\n')}\n${all.join('\n')}\nCOMMIT\n`, rules: all.length, sample: sample! };
}
