"""PNG plots of bench/results: throughput.png (requests/s against the
number of clients, ours vs Microdot 2.7.0 vs the bare-asyncio ceiling, one
panel per runtime and keep-alive mode) and memory.png (live heap against
requests in flight, from memory.json).

    python3 bench/plot.py        (needs matplotlib)
"""
import json
import os

from throughput import label

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, 'results')
STYLE = {'ours': ('C0', 'o', '-'), 'microdot-2.7.0': ('C1', 's', '-'),
         'bare asyncio': ('0.5', '^', '--')}


def main():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    throughput(plt)
    if os.path.exists(os.path.join(RESULTS, 'memory.json')):
        memory(plt)


def memory(plt):
    with open(os.path.join(RESULTS, 'memory.json')) as f:
        data = json.load(f)
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, (name, row) in enumerate(data['rows'].items()):
        base = name.split(',')[0]
        color, marker, _ = STYLE.get(base, ('C%d' % i, 'o', '-'))
        points = sorted((int(n), v) for n, v in row['in_flight'].items()
                        if v is not None)
        ax.plot([n for n, _ in points], [v / 1024 for _, v in points],
                ':' if 'frozen' in name else '-', color=color,
                marker=marker, label=name)
    ax.set_xscale('log', base=2)
    ticks = sorted({int(n) for r in data['rows'].values()
                    for n in r['in_flight']})
    ax.set_xticks(ticks)
    ax.set_xticklabels(ticks)
    ax.set_xlabel('requests in flight')
    ax.set_ylabel('live heap, KB (after gc.collect)')
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title('MicroPython heap in use (%s heap; .mpy unless frozen)' %
                 data['heap'], fontsize=10)
    fig.tight_layout()
    out = os.path.join(RESULTS, 'memory.png')
    fig.savefig(out, dpi=90)
    print('wrote', out)


def throughput(plt):
    with open(os.path.join(RESULTS, 'throughput.json')) as f:
        data = json.load(f)
    panels = []
    for r in data['results']:
        key = (r['runtime'], r['heap'], r['keep_alive'])
        if key not in panels:
            panels.append(key)
    fig, axes = plt.subplots(2, (len(panels) + 1) // 2,
                             figsize=(4 * ((len(panels) + 1) // 2), 7),
                             squeeze=False)
    for ax, (runtime, heap, ka) in zip(axes.T.flat, panels):
        for name, (color, marker, line) in STYLE.items():
            rows = sorted((r['conns'], r['rps_median'])
                          for r in data['results']
                          if (r['runtime'], r['heap'], r['keep_alive'],
                              r['framework']) == (runtime, heap, ka, name))
            ax.plot([c for c, _ in rows], [v for _, v in rows], line,
                    color=color, marker=marker, label=name)
        ax.set_title('%s, keep-alive %s' % (
            label(runtime, heap), 'on' if ka else 'off'), fontsize=9)
        ax.set_xscale('log', base=2)
        ax.set_xticks(sorted({r['conns'] for r in data['results']}))
        ax.set_xticklabels(sorted({r['conns'] for r in data['results']}))
        ax.set_xlabel('clients')
        ax.set_ylabel('2xx requests/s')
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle('Hello world throughput (%s)' % data['machine'], fontsize=10)
    fig.tight_layout()
    out = os.path.join(RESULTS, 'throughput.png')
    fig.savefig(out, dpi=90)
    print('wrote', out)


if __name__ == '__main__':
    main()
