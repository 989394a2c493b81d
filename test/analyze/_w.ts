import { whatIf } from '../../src/engine/analyze/what-if';
const before = ['iptables -P INPUT DROP', 'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', 'iptables -A INPUT -s 10.0.0.0/24 -p tcp --dport 22 -j ACCEPT', 'iptables -A INPUT -s 10.0.0.0/8 -j DROP'].join('\n');
const after = before.replace('iptables -A INPUT -s 10.0.0.0/8 -j DROP', '').replace('iptables -P INPUT DROP', 'iptables -P INPUT DROP\niptables -I INPUT -s 10.0.0.0/8 -j DROP');
for (const c of whatIf(before, after)) console.log(JSON.stringify(c));
