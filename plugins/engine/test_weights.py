"""The model a test run converts when testing starts (BatchNorm folded by
``--fuse-conv-bn`` or ``--precision bf16``, the network exported for a runtime), holding
the weights it is to be tested with.

MMEngine's ``EMAHook`` swaps the averaged parameters in at ``before_test_epoch`` and back
at ``after_test_epoch``, pairing the model's parameters with its average's one by one.
A model converted in ``before_test`` no longer has those parameters (a folded BatchNorm
has none; a folded convolution gains a bias), and the swap fails on the first shape that
differs (``tools/test.py CONFIG_WITH_EMA CKPT --precision bf16`` did, 2026-12-07). So a
hook that converts the model first copies the average's parameters into it, as the swap
would, and turns that hook's test-epoch swaps off for this run.
"""
from mmengine.hooks import EMAHook
from mmengine.model import is_model_wrapper


def model_to_convert(runner):
    """``runner``'s model (unwrapped), with an EMA hook's averaged weights in it."""
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    for hook in runner.hooks:  # once: a second converting hook finds it done
        if isinstance(hook, EMAHook) and hook.before_test_epoch is not _no_swap:
            # the parameters (and buffers, if it averages them) that its swap exchanges
            model.load_state_dict(hook.ema_model.avg_parameters, strict=False)
            # (not removed from the runner's list: this runs inside its loop over them)
            hook.before_test_epoch = hook.after_test_epoch = _no_swap
    return model


def _no_swap(runner, metrics=None) -> None:  # the signature of both hook points
    pass
