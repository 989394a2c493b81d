#!/usr/bin/python3
"""Write the kernel cases: python3 tools/recorder/cases/generate.py [group ...]

Each generator module (one per group) yields (name, description, scenario[, more keys of the case, such as
"random": the kernel fields that differ from run to run, which record.py --check skips]). A case file whose scenario is
unchanged keeps its recorded "kernel"; a changed one loses it until record.py runs again. Files of a
generated group that no generator yields any more are removed.
"""
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from jsonfmt import dumps  # noqa: E402

OUT = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'test', 'kernel', 'cases'))
MODULES = ['chains', 'matches', 'targets', 'conntrack', 'routing', 'tables', 'incidents', 'nat', 'mangle', 'raw',
           'docker', 'kube', 'frontends', 'modules_more',
           'nft_origins', 'nft_sim_facts', 'nft_equiv']  # last: nft_equiv translates the cases the others wrote


def main(names):
    total = 0
    for mod in names or MODULES:
        m = importlib.import_module(mod)
        d = os.path.join(OUT, m.GROUP)
        os.makedirs(d, exist_ok=True)
        seen = set()
        for name, desc, scn, *extra in m.cases():
            if name in seen:
                sys.exit(f'{m.GROUP}/{name}: duplicate case name')
            seen.add(name)
            path = os.path.join(d, name + '.json')
            case = {'description': desc, 'scenario': scn, **(extra[0] if extra else {})}
            if os.path.exists(path):
                with open(path) as f:
                    old = json.load(f)
                if old.get('scenario') == scn and 'kernel' in old:
                    case['kernel'] = old['kernel']
            text = dumps(case) + '\n'
            if not os.path.exists(path) or open(path).read() != text:
                with open(path, 'w') as f:
                    f.write(text)
        for f in os.listdir(d):
            if f.endswith('.json') and f[:-5] not in seen:
                os.remove(os.path.join(d, f))
        print(f'{m.GROUP}: {len(seen)} cases')
        total += len(seen)
    print(f'total: {total}')


if __name__ == '__main__':
    main(sys.argv[1:])
