"""Training and inference speed of any config on this machine.

    python tools/benchmark.py config CONFIG [--checkpoint CKPT] [--iters 20] [--warmup 3]
        [--precision fp32 bf16] [--backend torch openvino] [--train-wrapper BF16OptimWrapper]

Training: ``train_step`` (forward, loss, backward, optimizer step) on batches of
the config's train dataloader (``--train-wrapper`` swaps the optim wrapper's type, e.g.
for bf16 training). Inference: ``test_step`` on images of its test dataloader (batch
1), for each ``--backend`` and ``--precision`` it runs (``plugins.deploy``; the pairs a
backend does not run are left out), with the seconds per image of each stage
(``plugins.apis.stage_profile``; on an exported backend the backbone and neck count as
``other``) and, with ``--checkpoint``, how closely each run's outputs agree with the
first one's (``agreement``); ``--noise-yardstick`` adds the first run's agreement with
itself when the images get noise below their 8-bit rounding (+- 0.5 gray level), the
scale against which a lower precision's agreement can be read; ``--rounding-yardstick 8``
adds the agreement of a torch fp32 run whose convolutions' weights, inputs, or both are
rounded to 8 bits (``plugins.evaluation.rounding``): what any 8-bit quantizer that keeps
these weights costs at least. Prints the median
seconds per iteration / image (data loading excluded), images per second and the
peak resident memory.
"""
import resource

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.config import DictAction
from mmengine.runner import Runner

from plugins.apis import init_model
from plugins.apis.stage_profile import StageProfile
from plugins.deploy.runtimes import BACKENDS, PRECISIONS as RUNS
from plugins.engine.precision import PRECISIONS
from plugins.engine.time_budget import seconds_per_iter, take, timed
from plugins.evaluation.agreement import matched_boxes
from plugins.evaluation.rounding import rounded_convolutions


def add_arguments(parser) -> None:
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='weights for the inference half (default: random)')
    parser.add_argument('--iters', type=int, default=20, help='timed iterations of each half')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--skip-train', action='store_true')
    parser.add_argument('--skip-inference', action='store_true')
    parser.add_argument('--precision', nargs='+', choices=PRECISIONS, default=['fp32'])
    parser.add_argument('--backend', nargs='+', choices=BACKENDS, default=['torch'])
    parser.add_argument('--train-wrapper', help="optim_wrapper type for the training half")
    parser.add_argument('--noise-yardstick', action='store_true',
                        help='with --checkpoint: also the first run on the images with '
                             'uniform noise of one gray level peak to peak, and its agreement '
                             'with itself on the clean images (what agreement a change '
                             'below 8-bit rounding leaves)')
    parser.add_argument('--rounding-yardstick', type=int, nargs='+', metavar='BITS', default=[],
                        choices=range(2, 17),
                        help='with --checkpoint: also torch fp32 with the convolutions\' '
                             'weights, inputs and both rounded to BITS bits, and its agreement '
                             'with the first run (what BITS-bit numbers cost this model)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})


def agreement(reference, outputs) -> str:
    """Segmentation: the share of pixels with the same argmax. Detection: the share of
    the reference's boxes matched at IoU >= 0.9 with the same label (all of them, and
    those scoring >= 0.5), and the largest score difference of the matched pairs."""
    if 'pred_sem_seg' in reference[0]:
        same = sum(int((r.pred_sem_seg.data == o.pred_sem_seg.data).sum())
                   for r, o in zip(reference, outputs))
        return f'{same / sum(r.pred_sem_seg.data.numel() for r in reference):.2%} of the pixels'
    text = []
    for name, min_score in (('boxes', 0.0), ('boxes scoring >= 0.5', 0.5)):
        found = [matched_boxes(r.pred_instances[r.pred_instances.scores >= min_score],
                               o.pred_instances) for r, o in zip(reference, outputs)]
        hits, total = sum(f[0] for f in found), sum(f[1] for f in found)
        text.append(f'{hits / max(total, 1):.1%} of {total} {name} '
                    f'(max score diff {max(f[2] for f in found):.2e})')
    return ', '.join(text)


def with_input_noise(batches, levels: float = 1.0, seed: int = 0) -> list:
    """``batches`` with uniform noise of ``levels`` gray levels peak to peak added to each
    image (as float; the data preprocessor normalises it as it does uint8)."""
    gen = torch.Generator().manual_seed(seed)
    return [dict(b, inputs=[img.float() + (torch.rand(img.shape, generator=gen) - 0.5) * levels
                            for img in b['inputs']]) for b in batches]


def rounding_yardstick(cfg, checkpoint, bits_list, batches, reference) -> None:
    """Agreement with ``reference`` (outputs on ``batches``) of the checkpoint in torch fp32,
    BatchNorm folded, its convolutions' weights / inputs / both rounded to each bit width."""
    model = fuse_conv_bn(init_model(cfg, checkpoint))
    for bits in bits_list:
        print(f'  rounding yardstick: torch fp32, the convolutions at {bits} bits, against '
              f'{reference[0]}:')
        for name, weights, inputs in (('weights', True, False), ('inputs', False, True),
                                      ('weights and inputs', True, True)):
            with torch.no_grad(), rounded_convolutions(model, bits, weights, inputs):
                outputs = [model.test_step(batch)[0] for batch in batches]
            print(f'    {name}: {agreement(reference[1], outputs)}')


def main(args) -> None:
    n = args.iters + args.warmup
    model = init_model(args.config, cfg_options=args.cfg_options)
    cfg = model.cfg
    print(f'config: {args.config}  threads: {torch.get_num_threads()}')
    if not args.skip_train:
        wrapper_cfg = dict(cfg.optim_wrapper, **(dict(type=args.train_wrapper)
                                                 if args.train_wrapper else {}))
        seconds = seconds_per_iter(model, cfg, args.iters, args.warmup, wrapper_cfg)
        print(f'train ({wrapper_cfg["type"]}): {seconds:.3f} s/iter at batch '
              f'{cfg.train_dataloader.batch_size} '
              f'({cfg.train_dataloader.batch_size / seconds:.2f} images/s)')
    loader = Runner.build_dataloader(dict(cfg.test_dataloader, batch_size=1, num_workers=0,
                                          persistent_workers=False))
    batches = [] if args.skip_inference else take(loader, n)
    unique = len(loader.dataset)  # a small test set is cycled through: count it once
    reference = None
    runs = [(b, p) for b in args.backend for p in args.precision if p in RUNS[b]]
    for backend, precision in [] if args.skip_inference else runs:
        model = init_model(cfg, args.checkpoint, precision=precision, backend=backend)
        label = f'{backend} {precision}'
        with torch.no_grad():
            seconds = timed(model.test_step, batches, args.warmup)
            with StageProfile(model) as prof:
                outputs = [model.test_step(batch)[0] for batch in batches[args.warmup:]]
        stages = '  '.join(f'{k} {v:.4f}' for k, v in prof.report(args.iters).items())
        print(f'inference {label}: {seconds:.3f} s/image ({1 / seconds:.2f} images/s)\n'
              f'  stages (s/image): {stages}')
        if reference is None:
            reference = (label, outputs)
            if args.noise_yardstick and args.checkpoint:  # this model, on noisy images
                with torch.no_grad():
                    noisy = [model.test_step(batch)[0]
                             for batch in with_input_noise(batches[args.warmup:][:unique])]
                print(f'  yardstick: {label} on the images +- 0.5 gray level agrees with '
                      f'itself on the clean images: {agreement(outputs[:unique], noisy)}')
            if args.rounding_yardstick and args.checkpoint:
                rounding_yardstick(cfg, args.checkpoint, args.rounding_yardstick,
                                   batches[args.warmup:][:unique], (label, outputs[:unique]))
        elif args.checkpoint:  # (random weights differ from one precision's model to the next)
            print(f'  agreement with {reference[0]}: '
                  f'{agreement(reference[1][:unique], outputs[:unique])}')
    print(f'peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB')
