"""JSON laid out for reading and diffing: a value that fits on its line stays on one line."""
import json

WIDTH = 150


def dumps(value, indent=0, used=0):
    """`used`: characters already on the line before the value (indent included)."""
    flat = json.dumps(value, ensure_ascii=False)
    if used + len(flat) <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = ' ' * (indent + 2)
    if isinstance(value, list):
        items = [pad + dumps(v, indent + 2, indent + 3) for v in value]
        return '[\n' + ',\n'.join(items) + '\n' + ' ' * indent + ']'
    items = []
    for k, v in value.items():
        key = json.dumps(k, ensure_ascii=False) + ': '
        items.append(pad + key + dumps(v, indent + 2, indent + 3 + len(key)))
    return '{\n' + ',\n'.join(items) + '\n' + ' ' * indent + '}'
