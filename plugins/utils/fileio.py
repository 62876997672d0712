"""File writing that a kill or a full disk cannot leave half-done."""
import contextlib
import glob
import os
import os.path as osp
import re
from typing import List


def remove_stale_temporaries(folder: str, name: str = '*') -> List[str]:
    """Remove the ``.NAME.tmpPID`` files (``name``: a glob) in ``folder`` that killed
    writers left (their process is gone); returns them."""
    removed = []
    for tmp in glob.glob(osp.join(glob.escape(folder), f'.{name}.tmp*')):
        pid = re.search(r'\.tmp(\d+)$', tmp)
        if pid and not _running(int(pid.group(1))):
            with contextlib.suppress(OSError):
                os.remove(tmp)
                removed.append(tmp)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def atomic_write(data: bytes, filepath: str) -> None:
    """Write ``data`` to ``filepath`` via a temp file in the same folder, fsync and
    rename; stale temp files of earlier, killed writers are removed first."""
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    remove_stale_temporaries(folder, glob.escape(osp.basename(filepath)))
    tmp = osp.join(folder, f'.{osp.basename(filepath)}.tmp{os.getpid()}')
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
