"""plugins/benchmarks: the alternating loop, and every subcommand reachable from the
one command."""
from plugins.benchmarks import SUBCOMMANDS
from plugins.benchmarks.common import alternate, medians
from tests.conftest import run_tool


def test_alternate_calls_every_contender_on_each_item_in_turn():
    calls = []
    contenders = {name: (lambda item, n=name: calls.append((n, item)) or f'{n}{item}')
                  for name in ('a', 'b')}
    times, outputs = alternate(contenders, [1, 2], passes=2)
    assert calls == [('a', 1), ('b', 1), ('a', 2), ('b', 2)] * 2
    assert outputs == {'a': ['a1', 'a2'] * 2, 'b': ['b1', 'b2'] * 2}
    assert all(len(t) == 4 and min(t) >= 0 for t in times.values())
    assert set(medians(times)) == {'a', 'b'}


def test_settle_calls_the_same_contender_untimed_right_before_each_timed_call():
    calls = []
    contenders = {name: (lambda item, n=name: calls.append((n, item))) for name in ('a', 'b')}
    settle = {name: (lambda item, n=name: calls.append((n + ' untimed', item)))
              for name in ('a', 'b')}
    times, _ = alternate(contenders, [1, 2], settle=settle)
    assert calls == [('a untimed', 1), ('a', 1), ('b untimed', 1), ('b', 1),
                     ('a untimed', 2), ('a', 2), ('b untimed', 2), ('b', 2)]
    assert all(len(t) == 2 for t in times.values())


def test_one_command_lists_every_benchmark():
    out = run_tool('benchmark.py', '-h')
    assert out.returncode == 0, out.stderr
    assert all(name in out.stdout for name in SUBCOMMANDS) and len(SUBCOMMANDS) == 5
    out = run_tool('benchmark.py', 'nope')
    assert out.returncode == 2 and "invalid choice: 'nope'" in out.stderr
