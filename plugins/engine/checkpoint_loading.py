"""Every checkpoint detplug reads goes through ``safe_load``: ``torch.load`` with
``weights_only=True`` and no globals allowed beyond torch's own tensor set.

MMEngine loads checkpoints (resume, ``load_from``, ``init_cfg=dict(type='Pretrained')``,
``load_checkpoint``) through its ``CheckpointLoader``; importing this module
replaces the loader of local paths with ``safe_load`` and makes remote schemes
(``https://``, ``torchvision://``, ``open-mmlab://``, ...) an error: nothing is
fetched at run time, so weights are given as local files. The converters and
tools call ``safe_load`` directly.

detplug's own allow-list, ``ALLOWED_GLOBALS``, is empty: ``SafeCheckpointHook``
stores only tensors and plain types, so no checkpoint needs more.
"""
import glob
import os.path as osp
import pickle
import re
from typing import Optional

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

from plugins.errors import CheckpointError

ALLOWED_GLOBALS: tuple = ()
REMOTE_SCHEMES = ('http://', 'https://', 'torchvision://', 'open-mmlab://', 'openmmlab://',
                  'mmcls://', 'pavi://', r'(\S+\:)?s3://', r'(\S+\:)?petrel://')


def safe_load(path: str, map_location='cpu'):
    """Load ``path`` with ``weights_only=True``; one-line errors naming the file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: checkpoint file not found')
    try:
        with torch.serialization.safe_globals(list(ALLOWED_GLOBALS)):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        culprit = re.search(r'Unsupported global: GLOBAL (\S+)', str(e))
        what = f' ({culprit.group(1)})' if culprit else ''
        raise CheckpointError(f'{path}: refused, it holds objects that are not tensors or plain '
                              f'types{what}; such a pickle can run code when loaded') from None
    except Exception as e:  # torch raises RuntimeError, EOFError, KeyError... on bad bytes
        reason = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise CheckpointError(f'{path}: not a readable checkpoint, truncated or corrupt '
                              f'({reason})') from None


@CheckpointLoader.register_scheme(prefixes='', force=True)
def load_from_local(filename, map_location=None):  # MMEngine logs "local backend"
    return safe_load(filename, map_location)


@CheckpointLoader.register_scheme(prefixes=REMOTE_SCHEMES, force=True)
def load_from_remote(filename, map_location=None):
    raise CheckpointError(f'{filename}: detplug does not download checkpoints; download the '
                          'file and give its local path')


def latest_good_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of ``work_dir`` that loads: the one ``last_checkpoint``
    names, then ``iter_*.pth`` / ``epoch_*.pth`` from the newest. Each one skipped
    (truncated, corrupt) is logged with the reason; None when there is none."""
    candidates = sorted(glob.glob(osp.join(work_dir, 'iter_*.pth')) +
                        glob.glob(osp.join(work_dir, 'epoch_*.pth')),
                        key=lambda p: int(re.findall(r'\d+', osp.basename(p))[-1]), reverse=True)
    last = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(last):
        named = open(last).read().strip()
        candidates = [named] + [c for c in candidates if osp.abspath(c) != osp.abspath(named)]
    for path in candidates:
        try:
            safe_load(path)
            return path
        except (CheckpointError, FileNotFoundError) as e:
            print_log(f'{e}; trying the previous checkpoint', logger='current', level=30)
    return None
