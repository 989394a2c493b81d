import { describe, expect, it } from 'vitest';
import { safeApply } from '../../src/engine/analyze/safe-apply';
import { parseMatrix } from '../../src/engine/analyze/matrix';

describe('safe apply', () => {
  const script = safeApply('iptables -P INPUT DROP\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\n', { timeout: 90, matrix: parseMatrix('from any tcp 22 to host: delivered\n') });

  it('backs up, tests, arms the rollback before loading, loads atomically, and confirms', () => {
    const steps = script.split('\n').filter((l) => /^(iptables|\( sleep|kill|if )/.test(l));
    expect(steps).toEqual([
      'iptables-save > "$BACKUP"',
      "iptables-restore --test < '/etc/iptables/rules.v4.new'",
      '( sleep 90 && iptables-restore < "$BACKUP" && logger "nfplay: iptables rolled back to $BACKUP" ) &',
      "iptables-restore --noflush < '/etc/iptables/rules.v4.new'",
      'iptables -L -n -v --line-numbers',
      'if [ "$ANSWER" = yes ]; then kill "$ROLLBACK" && echo "kept; rollback cancelled"; else iptables-restore < "$BACKUP" && kill "$ROLLBACK" && echo "restored $BACKUP"; fi',
    ]);
  });

  it('carries the rules as one restore file, and the flows to check', () => {
    expect(script).toContain("<<'NFPLAY_RULES'\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\nNFPLAY_RULES\n");
    expect(script).toContain('#   from any tcp 22 to host: delivered');
  });
});
