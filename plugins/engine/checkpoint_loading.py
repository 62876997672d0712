"""Every checkpoint detplug reads resolves to a local file and goes through
``safe_load``: ``torch.load`` with ``weights_only=True`` and no globals allowed
beyond torch's own tensor set.

MMEngine loads checkpoints (resume, ``load_from``, ``init_cfg=dict(type='Pretrained')``,
``load_checkpoint``) through its ``CheckpointLoader``. Importing this module makes
every scheme registered there an allow-listed one:
- a local path;
- ``torchvision://NAME`` and ``modelzoo://NAME``: torchvision's URL for ``NAME``
  (``resnet50``, ``vgg16``, ``mobilenet_v2``, ...; a detection or segmentation builder's
  name, ``fasterrcnn_resnet50_fpn``, names its default COCO weights), then as an https URL;
  a detection or segmentation builder's weights are converted to detplug's names in
  process (``plugins.converters.torchvision``, torchvision's class layout: 90 COCO
  classes, 21 VOC ones), so ``load_from='torchvision://maskrcnn_resnet50_fpn'`` works;
  MMEngine's loader then names any model key left unfilled;
- ``http://`` / ``https://`` URLs: the file lives in the torch hub cache
  (``$TORCH_HOME/hub/checkpoints/<file name>``). A cached file is used offline; a
  missing one is downloaded there. When the file name carries a hash prefix
  (``resnet18-f37072fd.pth``) the file's SHA-256 must start with it: checked on download
  (as torch.hub does) and on every later use of the cached file (torch.hub does not:
  a swapped cache file would load quietly); the hash is computed once per file size and
  modification time, remembered in ``<file>.sha256``. With no network, one line names
  the URL and the cache path to put it in.
Every other scheme (``open-mmlab://``, ``s3://``, ``pavi://``, ...) is refused in one
line: each prefix registered in ``CheckpointLoader`` routes to ``load_from_allowlist``.

detplug's own allow-list, ``ALLOWED_GLOBALS``, is empty: ``SafeCheckpointHook``
stores only tensors and plain types, so no checkpoint needs more.
"""
import difflib
import functools
import glob
import hashlib
import os
import os.path as osp
import pickle
import re
from typing import List, Optional, Tuple
from urllib.parse import urlparse

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader, get_torchvision_models

from plugins.engine.checkpoint_checks import non_finite
from plugins.errors import CheckpointError

ALLOWED_GLOBALS: tuple = ()
MODEL_NAME_SCHEMES = ('torchvision://', 'modelzoo://')
URL_SCHEMES = ('http://', 'https://')


def safe_load(path: str, map_location='cpu'):
    """Load the local file ``path`` with ``weights_only=True``; one-line errors naming it."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: checkpoint file not found')
    try:
        with torch.serialization.safe_globals(list(ALLOWED_GLOBALS)):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        # torch 2.4-2.5: 'Unsupported global: GLOBAL x'; 2.6+: 'unsupported GLOBAL x whose ...'
        culprit = re.search(r'(?:Unsupported global: GLOBAL|global) ([\w.]+)', str(e), re.I)
        what = f' ({culprit.group(1)})' if culprit else ''
        raise CheckpointError(f'{path}: refused, it holds objects that are not tensors or plain '
                              f'types{what}; such a pickle can run code when loaded') from None
    except Exception as e:  # torch raises RuntimeError, EOFError, KeyError... on bad bytes
        reason = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise CheckpointError(f'{path}: not a readable checkpoint, truncated or corrupt '
                              f'({reason})') from None


@functools.lru_cache(maxsize=1)
def _whole_model_urls() -> dict:
    """torchvision's detection and segmentation builders -> their default weights' URL
    (``fasterrcnn_resnet50_fpn`` -> its COCO weights); MMEngine lists classifiers only."""
    import torchvision.models as tvm
    return {name: tvm.get_model_weights(name).DEFAULT.url
            for module in (tvm.detection, tvm.segmentation)
            for name in tvm.list_models(module=module)}


def torchvision_url(filename: str) -> str:
    """``torchvision://resnet50`` (or ``fasterrcnn_resnet50_fpn``) -> torchvision's URL of
    those weights."""
    name = filename.split('://', 1)[1]
    urls = dict(get_torchvision_models(), **_whole_model_urls())
    if name not in urls:
        close = difflib.get_close_matches(name, list(urls), n=3)
        raise CheckpointError(f'{filename}: torchvision has no weights named "{name}"'
                              + (f' (did you mean {" or ".join(close)}?)' if close else ''))
    return urls[name]


def cached_download(url: str) -> str:
    """The torch hub cache's copy of ``url``, downloaded (hash-checked) when missing."""
    name = osp.basename(urlparse(url).path)
    path = osp.join(torch.hub.get_dir(), 'checkpoints', name)
    match = torch.hub.HASH_REGEX.search(name)
    if osp.isfile(path):
        return verified(path, match.group(1)) if match else path
    os.makedirs(osp.dirname(path), exist_ok=True)
    try:
        torch.hub.download_url_to_file(url, path, match.group(1) if match else None,
                                       progress=False)
    except RuntimeError as e:  # torch.hub's hash mismatch; it removes the partial file
        raise CheckpointError(f'{url}: refused, {str(e).splitlines()[0]}') from None
    except OSError as e:  # URLError, timeouts, refused connections
        reason = getattr(e, 'reason', None) or e
        raise CheckpointError(f'{url}: cannot download ({reason}); put the file at {path} '
                              'and run again') from None
    return path


def verified(path: str, prefix: str) -> str:
    """``path``, once its SHA-256 is known to start with ``prefix`` (its file name's);
    the result is kept in ``<path>.sha256`` against the file's size and mtime."""
    stat = os.stat(path)
    stamp = f'{stat.st_size} {stat.st_mtime_ns} {prefix}'
    record = path + '.sha256'
    if osp.isfile(record) and open(record).read() == stamp:
        return path
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    if not digest.hexdigest().startswith(prefix):
        raise CheckpointError(f'{path}: refused, its SHA-256 starts with '
                              f'{digest.hexdigest()[:len(prefix)]}, not {prefix} as its name '
                              'says (a swapped or corrupt cache file; delete it to download '
                              'it again)')
    with open(record, 'w') as f:
        f.write(stamp)
    return path


def resolve(filename: str) -> str:
    """The local file a checkpoint string names (see the module docstring)."""
    if filename.startswith(MODEL_NAME_SCHEMES):
        filename = torchvision_url(filename)
    if filename.startswith(URL_SCHEMES):
        return cached_download(filename)
    if re.match(r'^[\w+.-]+://', filename):
        raise CheckpointError(f'{filename}: refused, detplug loads local paths, '
                              'torchvision:// (modelzoo://) names and http(s) URLs only')
    return filename


def load_any(filename: str, map_location='cpu'):
    """``safe_load`` of whatever file ``filename`` resolves to."""
    return safe_load(resolve(filename), map_location)


def load_from_allowlist(filename, map_location=None):  # MMEngine logs "allowlist backend"
    state = load_any(filename, map_location)
    if filename.startswith(MODEL_NAME_SCHEMES):
        from plugins.converters.torchvision import BUILDERS, convert
        builder = filename.split('://', 1)[1]
        if builder in BUILDERS:
            return dict(state_dict=convert(state, builder))
    return state


# every prefix MMEngine registered (local, URLs, torchvision://, modelzoo://, open-mmlab://,
# s3://, ...) goes through resolve and safe_load
CheckpointLoader.register_scheme(prefixes=list(CheckpointLoader._schemes),
                                 loader=load_from_allowlist, force=True)


def latest_good_checkpoint(work_dir: str) -> Tuple[Optional[str], List[str]]:
    """The newest checkpoint of ``work_dir`` that loads and holds only finite weights,
    from the highest ``iter_*.pth`` / ``epoch_*.pth`` number down; the file that
    ``last_checkpoint`` names joins them (first among equals). A run killed between
    writing ``iter_5.pth`` and updating ``last_checkpoint`` resumes at 5, not 4.
    Returns it (None when there is none) and what was skipped, each 'path: why',
    also logged."""
    paths = [p for pattern in ('iter_*.pth', 'epoch_*.pth')
             for p in glob.glob(osp.join(work_dir, pattern))]
    last = osp.join(work_dir, 'last_checkpoint')
    named = open(last).read().strip() if osp.isfile(last) else None
    if named:
        paths = [named] + [p for p in paths if osp.abspath(p) != osp.abspath(named)]

    def number(path):
        found = re.findall(r'\d+', osp.basename(path))
        return int(found[-1]) if found else -1

    candidates = sorted(paths, key=number, reverse=True)  # stable: the named one first on a tie
    skipped = []
    for path in candidates:
        try:
            bad = non_finite(safe_load(path).get('state_dict', {}), 'state_dict')
            if not bad:
                return path, skipped
            skipped.append(f'{path}: {len(bad)} tensors hold NaN or infinity ({bad[0]}, ...)')
        except (CheckpointError, FileNotFoundError) as e:
            skipped.append(str(e))
        print_log(f'{skipped[-1]}; trying the previous checkpoint', logger='current', level=30)
    return None, skipped


def checkpoint_to_resume(work_dir: str, start_if_none: bool = False) -> Optional[str]:
    """``latest_good_checkpoint`` of ``work_dir``; with none, a CheckpointError listing
    what was tried, or (``start_if_none``) None, logged: training starts afresh."""
    path, skipped = latest_good_checkpoint(work_dir)
    if path is None and not start_if_none:
        raise CheckpointError(f'--resume: nothing to resume from in {work_dir} (tried: '
                              f'{"; ".join(skipped) or "no checkpoint there"}); use '
                              '--resume-or-start to start from iteration 0')
    if path is None:
        print_log(f'--resume-or-start: no checkpoint to resume in {work_dir}, starting from '
                  'iteration 0', logger='current', level=30)
    return path
